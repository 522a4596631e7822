package dev.starling.llm.gguf;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzer: valid small files with random byte mutations (bit flips, 0x00/0xFF bytes, large integers
 * written over fields, truncations, insertions, deletions). Every mutant either opens (and then all its metadata and
 * tensor slices can be read) or gives a {@link GgufFormatException} naming the file and an offset; anything else
 * (OutOfMemoryError, index errors, NPE, a parse slower than 2 s) fails with the seed and iteration.
 * {@code -Dtests.fuzz.iterations=N} (default 10000), {@code -Dtests.seed=S} to replay.
 */
class GgufFuzzTest {

    private static final long[] INTERESTING = {0, 1, -1, 31, 32, 33, 63, 255, 256, 0x7FFF_FFFFL, 0x8000_0000L,
        0xFFFF_FFFFL, 1L << 32, 1L << 40, 1L << 61, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE};

    @TempDir
    Path dir;

    private byte[][] seedFiles() throws Exception {
        Random r = new Random(7);
        Path a = dir.resolve("a.gguf");
        String[] tokens = new String[64];
        float[] scores = new float[64];
        int[] types = new int[64];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = "tok" + i;
            scores[i] = -i;
            types[i] = 1;
        }
        GgufWriter.create(a).putString("general.architecture", "llama").putUInt32("llama.block_count", 2)
                .putFloat32("llama.rope.freq_base", 10000f).putBool("tokenizer.ggml.add_bos_token", true)
                .putStringArray("tokenizer.ggml.tokens", tokens).putFloatArray("tokenizer.ggml.scores", scores)
                .putInt32Array("tokenizer.ggml.token_type", types)
                .addTensor("token_embd.weight", GgmlType.F32, new long[] {8, 4}, randoms(r, 32))
                .addTensor("blk.0.attn_q.weight", GgmlType.Q8_0, new long[] {32, 2}, randoms(r, 64))
                .write();
        Path b = dir.resolve("b.gguf");
        GgufWriter.create(b).alignment(16).putUInt64("u64", 5).putInt8("i8", -3).putFloat64("f64", 2.5)
                .putArray("a.u16", GgufValueType.UINT16, new short[] {1, 2, 3})
                .putArray("a.b", GgufValueType.BOOL, new boolean[] {true, false})
                .addTensor("q4k", GgmlType.Q4_K, new long[] {256}, randoms(r, 256))
                .addTensor("q6k", GgmlType.Q6_K, new long[] {256}, randoms(r, 256))
                .addTensor("f16", GgmlType.F16, new long[] {2, 2, 2, 2}, randoms(r, 16))
                .write();
        Path c = dir.resolve("c.gguf");
        GgufWriter.create(c).putString("general.name", "only metadata").putStringArray("s", "x", "", "yz").write();
        return new byte[][] {Files.readAllBytes(a), Files.readAllBytes(b), Files.readAllBytes(c)};
    }

    private static float[] randoms(Random r, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextGaussian();
        }
        return f;
    }

    @Test
    void mutatedFilesOpenOrGiveAFormatError() throws Exception {
        byte[][] seeds = seedFiles();
        for (byte[] s : seeds) {
            GgufFile.parse(Path.of("seed.gguf"), MemorySegment.ofArray(s)).close(); // the seeds themselves are valid
        }
        int iterations = Integer.getInteger("tests.fuzz.iterations", 10_000);
        long master = Seeds.seed("GgufFuzzTest");
        int[] outcome = new int[2];
        java.util.concurrent.atomic.AtomicInteger current = new java.util.concurrent.atomic.AtomicInteger();
        long start = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int i = 0; i < iterations; i++) {
                current.set(i);
                Random rnd = new Random(master * 0x9E3779B97F4A7C15L + i);
                byte[] bytes = mutate(seeds[rnd.nextInt(seeds.length)], rnd);
                Path name = Path.of("mutant-" + i + ".gguf");
                long t0 = System.nanoTime();
                try (GgufFile f = GgufFile.parse(name, MemorySegment.ofArray(bytes))) {
                    readEverything(f);
                    outcome[0]++;
                } catch (GgufFormatException e) {
                    outcome[1]++;
                    if (!e.getMessage().startsWith(name + ": at offset ") || e.offset() < 0
                            || e.offset() > bytes.length) {
                        fail("seed " + master + " iteration " + i + ": message lacks file/offset: " + e.getMessage());
                    }
                } catch (Throwable t) {
                    throw new AssertionError("seed " + master + " iteration " + i + " (replay with -Dtests.seed="
                            + master + "): " + t, t);
                }
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(millis < 2000, "seed " + master + " iteration " + i + " took " + millis + " ms");
            }
        }, () -> "hung at seed " + master + " iteration " + current.get() + " (replay with -Dtests.seed=" + master + ")");
        System.out.printf("GgufFuzzTest: %d mutants, %d opened, %d rejected, %d ms%n", iterations, outcome[0],
                outcome[1], (System.nanoTime() - start) / 1_000_000);
        assertTrue(outcome[1] > iterations / 4, "the mutations are too weak: only " + outcome[1] + " rejected");
    }

    /** Reads all metadata through the typed getters and touches the first and last byte of every tensor. */
    private static void readEverything(GgufFile f) throws GgufFormatException {
        GgufMetadata m = f.metadata();
        for (String k : m.keys()) {
            GgufValueType t = m.typeOf(k);
            switch (t) {
                case STRING -> m.getString(k);
                case BOOL -> m.getBoolean(k);
                case FLOAT32, FLOAT64 -> m.getDouble(k);
                case ARRAY -> {
                    GgufValueType e = m.elementTypeOf(k);
                    if (e == GgufValueType.STRING) {
                        m.getStringArray(k);
                    } else if (e.isFloat()) {
                        m.getFloatArray(k);
                    } else if (e == GgufValueType.BOOL) {
                        m.getBooleanArray(k);
                    } else {
                        m.arrayLength(k);
                    }
                }
                default -> m.getDouble(k);
            }
        }
        for (GgufTensorInfo t : f.tensors()) {
            MemorySegment s = f.tensorData(t);
            if (s.byteSize() != t.sizeBytes() || s.byteSize() == 0) {
                throw new AssertionError("slice of " + t + " has " + s.byteSize() + " bytes");
            }
            s.get(ValueLayout.JAVA_BYTE, 0);
            s.get(ValueLayout.JAVA_BYTE, s.byteSize() - 1);
        }
    }

    private static byte[] mutate(byte[] seed, Random rnd) {
        byte[] b = seed.clone();
        int ops = 1 + rnd.nextInt(3);
        for (int op = 0; op < ops && b.length > 0; op++) {
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(7)) {
                case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[at] = rnd.nextBoolean() ? 0 : (byte) 0xFF;
                case 2, 3 -> {
                    // a large or boundary integer over what may be a count, length, type or offset field;
                    // header fields sit at 8-aligned positions early in the file, so favour those
                    if (rnd.nextBoolean()) {
                        at = 8 * rnd.nextInt(Math.max(1, Math.min(b.length, 256) / 8));
                    }
                    long v = rnd.nextInt(4) == 0 ? rnd.nextLong() : INTERESTING[rnd.nextInt(INTERESTING.length)];
                    int width = rnd.nextBoolean() ? 8 : 4;
                    for (int i = 0; i < width && at + i < b.length; i++) {
                        b[at + i] = (byte) (v >> (8 * i));
                    }
                }
                case 4 -> b = Arrays.copyOf(b, at);
                case 5 -> {
                    byte[] ins = new byte[1 + rnd.nextInt(16)];
                    rnd.nextBytes(ins);
                    byte[] n = new byte[b.length + ins.length];
                    System.arraycopy(b, 0, n, 0, at);
                    System.arraycopy(ins, 0, n, at, ins.length);
                    System.arraycopy(b, at, n, at + ins.length, b.length - at);
                    b = n;
                }
                default -> {
                    int len = Math.min(b.length - at, 1 + rnd.nextInt(16));
                    byte[] n = new byte[b.length - len];
                    System.arraycopy(b, 0, n, 0, at);
                    System.arraycopy(b, at + len, n, at, b.length - at - len);
                    b = n;
                }
            }
        }
        return b;
    }
}
