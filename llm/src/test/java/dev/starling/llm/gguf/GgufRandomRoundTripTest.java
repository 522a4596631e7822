package dev.starling.llm.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.gguf.quant.Quantize;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seeded random files (every value type, random tensors and alignments): what is written is read back exactly. */
class GgufRandomRoundTripTest {

    private static final GgmlType[] WRITABLE = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0,
        GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K};

    private static final List<GgufValueType> ELEMENT_TYPES = java.util.Arrays.stream(GgufValueType.values())
            .filter(t -> t != GgufValueType.ARRAY).toList();

    @TempDir
    Path dir;

    @Test
    void randomFilesRoundTrip() throws Exception {
        long seed = Seeds.seed("randomFilesRoundTrip");
        Random rnd = new Random(seed);
        for (int file = 0; file < 40; file++) {
            String where = "seed " + seed + " file " + file;
            Path p = dir.resolve("r" + file + ".gguf");
            GgufWriter w = GgufWriter.create(p);
            int alignment = rnd.nextInt(3) == 0 ? 1 << rnd.nextInt(12) : 32;
            if (alignment != 32 || rnd.nextBoolean()) {
                w.alignment(alignment);
            }
            Map<String, GgufMetadata.Entry> meta = new LinkedHashMap<>();
            int keys = rnd.nextInt(20);
            for (int k = 0; k < keys; k++) {
                GgufValueType type = GgufValueType.values()[rnd.nextInt(GgufValueType.values().length)];
                String key = "k" + k + "." + randomString(rnd, 1 + rnd.nextInt(12)).replace('\0', 'x');
                GgufMetadata.Entry e = type == GgufValueType.ARRAY ? randomArray(rnd, ELEMENT_TYPES.get(
                        rnd.nextInt(ELEMENT_TYPES.size()))) : new GgufMetadata.Entry(type, null, randomScalar(rnd, type));
                w.putEntry(key, e);
                meta.put(key, e);
            }
            List<Object[]> tensors = new ArrayList<>();
            int count = rnd.nextInt(6);
            for (int t = 0; t < count; t++) {
                GgmlType type = WRITABLE[rnd.nextInt(WRITABLE.length)];
                int dimCount = 1 + rnd.nextInt(4);
                long[] dims = new long[dimCount];
                dims[0] = (long) type.blockSize() * (1 + rnd.nextInt(type.blockSize() == 1 ? 40 : 3));
                for (int d = 1; d < dimCount; d++) {
                    dims[d] = 1 + rnd.nextInt(3);
                }
                long n = 1;
                for (long d : dims) {
                    n *= d;
                }
                float[] values = new float[(int) n];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(5) - 2));
                }
                String name = "t" + t;
                w.addTensor(name, type, dims, values);
                tensors.add(new Object[] {name, type, dims, values});
            }
            long size = w.write();
            try (GgufFile f = GgufFile.open(p)) {
                assertEquals(size, f.sizeBytes(), where);
                assertEquals(alignment, f.alignment(), where);
                assertEquals(meta.size() + (f.metadata().has("general.alignment") ? 1 : 0), f.metadata().size(),
                        where);
                for (var e : meta.entrySet()) {
                    GgufMetadata.Entry back = f.metadata().entryOrNull(e.getKey());
                    assertEquals(e.getValue().type(), back.type(), where + " key " + e.getKey());
                    assertEquals(e.getValue().elementType(), back.elementType(), where + " key " + e.getKey());
                    assertTrue(Objects.deepEquals(e.getValue().value(), back.value()), where + " key " + e.getKey());
                }
                assertEquals(tensors.size(), f.tensors().size(), where);
                for (Object[] t : tensors) {
                    GgufTensorInfo info = f.tensor((String) t[0]);
                    assertEquals(t[1], info.type(), where);
                    assertArrayEquals((long[]) t[2], info.dims(), where);
                    assertEquals(0, (f.dataOffset() + info.offset()) % alignment, where);
                    assertArrayEquals(Quantize.all((GgmlType) t[1], (float[]) t[3]),
                            f.tensorData(info).toArray(ValueLayout.JAVA_BYTE), where + " tensor " + t[0]);
                }
            }
        }
    }

    private static String randomString(Random rnd, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int kind = rnd.nextInt(4);
            sb.appendCodePoint(kind == 0 ? 0x4E00 + rnd.nextInt(500) : kind == 1 ? 0x1F600 + rnd.nextInt(50)
                    : 'a' + rnd.nextInt(26));
        }
        return sb.toString();
    }

    private static Object randomScalar(Random rnd, GgufValueType type) {
        return switch (type) {
            case UINT8 -> (long) rnd.nextInt(256);
            case INT8 -> (long) (byte) rnd.nextInt();
            case UINT16 -> (long) rnd.nextInt(65536);
            case INT16 -> (long) (short) rnd.nextInt();
            case UINT32 -> rnd.nextInt() & 0xFFFFFFFFL;
            case INT32 -> (long) rnd.nextInt();
            case UINT64, INT64 -> rnd.nextLong();
            case FLOAT32 -> rnd.nextFloat() * 1e6f - 5e5f;
            case FLOAT64 -> rnd.nextGaussian() * 1e100;
            case BOOL -> rnd.nextBoolean();
            case STRING -> rnd.nextInt(5) == 0 ? "" : randomString(rnd, rnd.nextInt(30));
            case ARRAY -> throw new AssertionError();
        };
    }

    private static GgufMetadata.Entry randomArray(Random rnd, GgufValueType elem) {
        int n = rnd.nextInt(50);
        Object a = switch (elem) {
            case UINT8, INT8 -> {
                byte[] b = new byte[n];
                rnd.nextBytes(b);
                yield b;
            }
            case UINT16, INT16 -> {
                short[] s = new short[n];
                for (int i = 0; i < n; i++) {
                    s[i] = (short) rnd.nextInt();
                }
                yield s;
            }
            case UINT32, INT32 -> rnd.ints(n).toArray();
            case UINT64, INT64 -> rnd.longs(n).toArray();
            case FLOAT32 -> {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) rnd.nextGaussian();
                }
                yield f;
            }
            case FLOAT64 -> rnd.doubles(n).toArray();
            case BOOL -> {
                boolean[] b = new boolean[n];
                for (int i = 0; i < n; i++) {
                    b[i] = rnd.nextBoolean();
                }
                yield b;
            }
            case STRING -> {
                String[] s = new String[n];
                for (int i = 0; i < n; i++) {
                    s[i] = randomString(rnd, rnd.nextInt(10));
                }
                yield s;
            }
            case ARRAY -> throw new AssertionError();
        };
        return new GgufMetadata.Entry(GgufValueType.ARRAY, elem, a);
    }
}
