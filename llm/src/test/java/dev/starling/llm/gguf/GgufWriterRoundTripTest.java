package dev.starling.llm.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.gguf.quant.Dequantize;
import dev.starling.llm.gguf.quant.Quantize;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the writer writes, the reader reads back exactly. */
class GgufWriterRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void metadataOfEveryTypeRoundTrips() throws Exception {
        Path p = dir.resolve("meta.gguf");
        GgufWriter.create(p)
                .putString("general.architecture", "llama")
                .putString("s.unicode", "héllo ✓ 日本")
                .putString("s.empty", "")
                .putUInt8("u8", 255).putInt8("i8", -128)
                .putUInt16("u16", 65535).putInt16("i16", -32768)
                .putUInt32("u32", 4294967295L).putInt32("i32", Integer.MIN_VALUE)
                .putUInt64("u64", -1L).putInt64("i64", Long.MIN_VALUE)
                .putFloat32("f32", 1.5f).putFloat64("f64", Math.PI)
                .putBool("yes", true).putBool("no", false)
                .putStringArray("a.s", "a", "", "ü")
                .putFloatArray("a.f", 1f, -2f, Float.NaN)
                .putInt32Array("a.i", 1, -1, Integer.MAX_VALUE)
                .putArray("a.u8", GgufValueType.UINT8, new byte[] {0, (byte) 200})
                .putArray("a.i16", GgufValueType.INT16, new short[] {-5, 7})
                .putArray("a.u64", GgufValueType.UINT64, new long[] {1, 2})
                .putArray("a.f64", GgufValueType.FLOAT64, new double[] {0.25})
                .putArray("a.b", GgufValueType.BOOL, new boolean[] {true, false})
                .putArray("a.empty", GgufValueType.INT32, new int[0])
                .write();
        try (GgufFile f = GgufFile.open(p)) {
            GgufMetadata m = f.metadata();
            assertEquals(3, f.version());
            assertEquals(24, m.size());
            assertEquals("general.architecture", m.keys().iterator().next());
            assertEquals("héllo ✓ 日本", m.getString("s.unicode"));
            assertEquals("", m.getString("s.empty"));
            assertEquals(255, m.getInt("u8"));
            assertEquals(-128, m.getInt("i8"));
            assertEquals(65535, m.getInt("u16"));
            assertEquals(-32768, m.getInt("i16"));
            assertEquals(4294967295L, m.getLong("u32"));
            assertThrows(GgufFormatException.class, () -> m.getInt("u32"));
            assertEquals(Integer.MIN_VALUE, m.getInt("i32"));
            assertThrows(GgufFormatException.class, () -> m.getLong("u64"));
            assertEquals(Long.MIN_VALUE, m.getLong("i64"));
            assertEquals(1.5f, m.getFloat("f32"));
            assertEquals(Math.PI, m.getDouble("f64"));
            assertTrue(m.getBoolean("yes"));
            assertFalse(m.getBoolean("no"));
            assertArrayEquals(new String[] {"a", "", "ü"}, m.getStringArray("a.s"));
            assertArrayEquals(new float[] {1f, -2f, Float.NaN}, m.getFloatArray("a.f"));
            assertArrayEquals(new int[] {1, -1, Integer.MAX_VALUE}, m.getIntArray("a.i"));
            assertArrayEquals(new int[] {0, 200}, m.getIntArray("a.u8"));
            assertArrayEquals(new long[] {-5, 7}, m.getLongArray("a.i16"));
            assertArrayEquals(new long[] {1, 2}, m.getLongArray("a.u64"));
            assertArrayEquals(new float[] {0.25f}, m.getFloatArray("a.f64"));
            assertArrayEquals(new boolean[] {true, false}, m.getBooleanArray("a.b"));
            assertEquals(0, m.arrayLength("a.empty"));
            assertEquals(GgufValueType.UINT8, m.elementTypeOf("a.u8"));
            assertEquals(GgufValueType.FLOAT64, m.typeOf("f64"));
            assertEquals(List.of(), f.tensors());
        }
    }

    @Test
    void tensorsRoundTripInEveryWritableType() throws Exception {
        long seed = Seeds.seed("tensorsRoundTripInEveryWritableType");
        Random rnd = new Random(seed);
        Path p = dir.resolve("tensors.gguf");
        GgufWriter w = GgufWriter.create(p).putString("general.architecture", "test").alignment(64);
        GgmlType[] types = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0,
            GgmlType.Q4_K, GgmlType.Q6_K};
        float[][] values = new float[types.length][];
        for (int i = 0; i < types.length; i++) {
            int cols = 256 * (1 + rnd.nextInt(2));
            int rows = 1 + rnd.nextInt(3);
            values[i] = new float[cols * rows];
            for (int j = 0; j < values[i].length; j++) {
                values[i][j] = (float) rnd.nextGaussian();
            }
            w.addTensor("t." + types[i], types[i], new long[] {cols, rows}, values[i]);
        }
        byte[] raw = new byte[GgmlType.Q5_K.typeSize() * 2];
        rnd.nextBytes(raw);
        w.addRawTensor("raw.q5k", GgmlType.Q5_K, new long[] {512}, raw);
        long size = w.write();
        assertEquals(Files.size(p), size);
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(64, f.alignment());
            assertEquals(0, f.dataOffset() % 64);
            assertEquals(types.length + 1, f.tensors().size());
            for (int i = 0; i < types.length; i++) {
                GgufTensorInfo t = f.tensor("t." + types[i]);
                assertEquals(types[i], t.type());
                assertEquals(0, t.offset() % 64);
                byte[] stored = f.tensorData(t).toArray(ValueLayout.JAVA_BYTE);
                // the bytes on disk are exactly what the quantizer produces for these floats
                assertArrayEquals(Quantize.all(types[i], values[i]), stored, "seed " + seed + " " + types[i]);
                float[] back = Dequantize.all(types[i], stored, values[i].length);
                if (types[i] == GgmlType.F32) {
                    assertArrayEquals(values[i], back);
                }
            }
            GgufTensorInfo r = f.tensor("raw.q5k");
            assertArrayEquals(raw, f.tensorData(r).toArray(ValueLayout.JAVA_BYTE));
            assertNull(f.tensor("absent"));
            assertEquals(size, f.tensors().getLast().offset() + f.dataOffset()
                    + GgufParser.pad(r.sizeBytes(), 64));
        }
    }

    @Test
    void rowSourceStreamsLargeTensorsInOrder() throws Exception {
        Path p = dir.resolve("rows.gguf");
        long rows = 3000;
        int cols = 64;
        GgufWriter.create(p).addTensor("big", GgmlType.F32, new long[] {cols, rows}, (row, dst) -> {
            for (int i = 0; i < dst.length; i++) {
                dst[i] = row * 1000 + i;
            }
        }).write();
        try (GgufFile f = GgufFile.open(p)) {
            var seg = f.tensorData(f.tensor("big"));
            var le = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (long r = 0; r < rows; r += 97) {
                for (int i = 0; i < cols; i += 13) {
                    assertEquals(r * 1000 + i, seg.get(le, (r * cols + i) * 4), "row " + r + " col " + i);
                }
            }
        }
    }

    @Test
    void copiesMetadataFromAnotherFile() throws Exception {
        Path a = dir.resolve("a.gguf");
        GgufWriter.create(a).putString("tokenizer.ggml.model", "gpt2").putStringArray("tokenizer.ggml.tokens", "x", "y")
                .putUInt32("other", 1).write();
        Path b = dir.resolve("b.gguf");
        try (GgufFile fa = GgufFile.open(a)) {
            GgufWriter.create(b).putAll(fa.metadata(), k -> k.startsWith("tokenizer.")).write();
        }
        try (GgufFile fb = GgufFile.open(b)) {
            assertEquals(2, fb.metadata().size());
            assertArrayEquals(new String[] {"x", "y"}, fb.metadata().getStringArray("tokenizer.ggml.tokens"));
        }
    }

    @Test
    void summaryDescribesKeysAndTensors() throws Exception {
        Path p = dir.resolve("sum.gguf");
        GgufWriter.create(p).putString("general.architecture", "llama").putStringArray("toks", "a", "b")
                .putString("long", "x".repeat(500)).putUInt64("big", -1L)
                .addTensor("w", GgmlType.Q8_0, new long[] {32, 2}, new float[64])
                .addRawTensor("r", GgmlType.IQ2_XS, new long[] {256}, new byte[74]).write();
        try (GgufFile f = GgufFile.open(p)) {
            String s = GgufSummary.of(f, 1);
            assertTrue(s.contains("GGUF v3"), s);
            assertTrue(s.contains("general.architecture STRING = llama"), s);
            assertTrue(s.contains("toks ARRAY[STRING] = (2) [a, b]"), s);
            assertTrue(s.contains("(500 chars)"), s);
            assertTrue(s.contains("big UINT64 = 18446744073709551615"), s);
            assertTrue(s.contains("w [32, 2] Q8_0 @0, 68 bytes"), s);
            assertTrue(s.contains("... and 1 more tensors"), s);
            assertTrue(s.contains("IQ2_XS: 1 tensors, 256 elements, 74 bytes"), s);
        }
    }

    @Test
    void alignmentOfAnyIntegerTypeIsWrittenAsUint32() throws Exception {
        Path p = dir.resolve("align.gguf");
        GgufWriter.create(p).putUInt64("general.alignment", 64).addTensor("t", GgmlType.F32, new long[] {3},
                new float[] {1, 2, 3}).write();
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(64, f.alignment());
            assertEquals(GgufValueType.UINT32, f.metadata().typeOf("general.alignment"));
        }
    }

    @Test
    void writerRejectsBadDeclarations() {
        GgufWriter w = GgufWriter.create(dir.resolve("x.gguf"));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("q", GgmlType.Q8_0, new long[] {33}, new float[33]));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("n", GgmlType.F32, new long[] {4}, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("z", GgmlType.F32, new long[] {0}, new float[0]));
        assertThrows(IllegalArgumentException.class,
                () -> w.addTensor("d", GgmlType.F32, new long[] {1, 1, 1, 1, 1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("x".repeat(64), GgmlType.F32, new long[] {1},
                new float[1]));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("k", GgmlType.Q5_K, new long[] {256},
                new float[256]));
        w.addTensor("ok", GgmlType.F32, new long[] {1}, new float[1]);
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("ok", GgmlType.F32, new long[] {1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> w.alignment(48));
        assertThrows(IllegalArgumentException.class, () -> w.putString("general.alignment", "32"));
        assertThrows(IllegalArgumentException.class, () -> w.putUInt8("u8", 256));
        assertThrows(IllegalArgumentException.class, () -> w.putArray("a", GgufValueType.INT32, new long[1]));
    }
}
