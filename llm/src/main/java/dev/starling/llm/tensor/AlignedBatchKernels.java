package dev.starling.llm.tensor;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Q4_0 4 rows x 4 tokens batch kernel ({@link BatchKernels#q4_0r4x4s}) reading its activations from a copy whose
 * 64-byte loads never cross a cache line. A float[]'s data starts 16 bytes into the object (and objects are only 8-byte
 * aligned), so the 8 activation loads per block of q4_0r4x4s each touch two lines. Here each thread copies a
 * product's activations once into its own float[] at the index whose address is a multiple of 64 (a token's row, 32 x k
 * floats, is a multiple of 128 bytes, so every load stays aligned). The address comes from memchr through a critical
 * downcall (which may read a heap array in place): memchr for the array's own first byte within 1 byte returns the
 * pointer it was given. If the collector moves the array later, the loads are misaligned again until the next copy:
 * slower, never wrong. Same FMA order per output as q4_0r4x4s, so exactly its floats.
 * <p>Q4_0, 8 tokens, one thread, GFLOP per CPU-second in one BatchBench run (load 8): 118.5-120.6 against 108.8-111.7.
 * {@link #q4TokenQuads} (batch variant 5) also runs a staged group of tiles token quad by token quad, so that one quad's
 * activations stay in L1: the 8-stream step, per 2 CPU-seconds, paired rounds under load 4-9, 76-84 -> 79-94 tok/s.
 * <p>Tried and dropped in the same runs: the activations in an aligned off-heap segment read with
 * {@code FloatVector.fromMemorySegment} (4 x 4: 74-75; 2 rows x 8 tokens, each block decoded once per 8 tokens: 69-71),
 * and 2 x 8 on the aligned float[] copy (71-90): both lost to the float[] 4 x 4 kernel.
 * Written out by a small generator: straight-line code, see {@link BatchKernels}.
 */
final class AlignedBatchKernels {
    private static final VectorSpecies<Float> F = VectorKernels.F;
    private static final VectorSpecies<Byte> BL = VectorKernels.BL;
    private static final VectorSpecies<Integer> IL = VectorKernels.I;
    private static final int L = VectorKernels.L;
    /** memchr(const void *, int, size_t) as a critical downcall (null without native access: copies stay unaligned). */
    private static final MethodHandle MEMCHR = memchr();
    private static final ThreadLocal<Copy> COPY = ThreadLocal.withInitial(Copy::new);
    /**
     * Whether these kernels can run: they are written for 16 float lanes (AVX-512), a block's 32 columns in two vectors.
     * With 8 lanes (AVX2, or -XX:MaxVectorSize=32) {@link #alignedCopy} answers null and the callers take the float[]
     * kernels of {@link BatchKernels}, which loop over the lanes.
     */
    static final boolean USABLE = L == 16;
    /** Largest copy kept per thread (16 MiB: a prefill chunk of 256 tokens x 8192 columns is 8 MiB); larger: no copy. */
    static final int MAX_COPY_FLOATS = 4 << 20;

    /** One thread's copy of a product's activations and what it holds now. */
    private static final class Copy {
        float[] buffer = new float[16];
        float[] source;
        long product = -1;
        int floats;
        int offset;
    }

    /** Accumulators of one kernel call (4 rows x 4 tokens vectors). */
    private static final ThreadLocal<float[]> ACC = ThreadLocal.withInitial(() -> new float[16 * L]);
    private static final ThreadLocal<float[]> GROUP_SCALES = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * The full Q4_0 tiles among tiles [g0, g1) (staged in s from row 4 g0 on) times tokens t0.. in quads, token quad by
     * token quad over all those tiles: one quad's activations (32 KiB at 2048 columns) stay in L1 while the staged
     * weights pass, where tile by tile (both quads per tile) every tile streamed 8 tokens' activations from L2. Reads
     * the aligned copy xh from xh[xhOff] ({@link #q4_0r4x4a}). Returns the first token not done (the
     * tail of fewer than 4, and the ragged last tile, are left to {@link BatchKernels#rowsStaged}).
     */
    static int q4TokenQuads(QuantizedMatrix w, byte[] s, int g0, int g1, float[] xh, int xhOff, int t0, int t1, float[] out, int outOff,
            int outStride) {
        int cols = w.cols();
        int blocks = cols / 32;
        int rowBytes = Math.toIntExact(w.rowBytes());
        int full = Math.min(g1, w.rows() / BatchKernels.ROWS) - g0; // only the matrix's last tile can be ragged
        if (full <= 0 || t1 - t0 < 4) {
            return t0;
        }
        float[] sc = GROUP_SCALES.get();
        if (sc.length < full * 8 * blocks) {
            sc = new float[full * 8 * blocks];
            GROUP_SCALES.set(sc);
        }
        for (int k = 0; k < full; k++) {
            BatchKernels.q4ScalesFast(s, k * BatchKernels.ROWS * rowBytes, rowBytes, blocks, sc, k * 8 * blocks);
        }
        float[] acc = ACC.get();
        int t = t0;
        for (; t + 4 <= t1; t += 4) {
            for (int k = 0; k < full; k++) {
                int r0 = (g0 + k) * BatchKernels.ROWS;
                q4_0r4x4a(s, k * BatchKernels.ROWS * rowBytes, rowBytes, sc, k * 8 * blocks, cols, xh, xhOff + t * cols, acc, out,
                        t * outStride + outOff + r0, outStride);
            }
        }
        return t;
    }

    /**
     * {@link #q4TokenQuads} (batch variant 7) with the group's scales decoded 4 blocks of 4 rows at a time
     * ({@link Q4Scales#decode}): the same floats in the same places as {@link BatchKernels#q4ScalesFast}, so the same
     * products. A method of its own, so that variant 5's code stays exactly as it was for A/B runs.
     */
    static int q4TokenQuadsV(QuantizedMatrix w, byte[] s, int g0, int g1, float[] xh, int xhOff, int t0, int t1, float[] out,
            int outOff, int outStride) {
        int cols = w.cols();
        int blocks = cols / 32;
        int rowBytes = Math.toIntExact(w.rowBytes());
        int full = Math.min(g1, w.rows() / BatchKernels.ROWS) - g0; // only the matrix's last tile can be ragged
        if (full <= 0 || t1 - t0 < 4) {
            return t0;
        }
        int per = 8 * blocks;
        float[] sc = GROUP_SCALES.get();
        if (sc.length < full * per) {
            sc = new float[full * per];
            GROUP_SCALES.set(sc);
        }
        for (int k = 0; k < full; k++) {
            Q4Scales.decode(s, k * BatchKernels.ROWS * rowBytes, rowBytes, blocks, sc, k * per);
        }
        float[] acc = ACC.get();
        int t = t0;
        for (; t + 4 <= t1; t += 4) {
            for (int k = 0; k < full; k++) {
                int r0 = (g0 + k) * BatchKernels.ROWS;
                q4_0r4x4a(s, k * BatchKernels.ROWS * rowBytes, rowBytes, sc, k * per, cols, xh, xhOff + t * cols, acc, out,
                        t * outStride + outOff + r0, outStride);
            }
        }
        return t;
    }

    private AlignedBatchKernels() {
    }

    private static MethodHandle memchr() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.downcallHandle(linker.defaultLookup().find("memchr").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
                    Linker.Option.critical(true));
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** The address of a[0] now, mod 64; -1 if unknown (no native access). */
    static int addressMod64(float[] a) {
        if (MEMCHR == null || a.length == 0) {
            return -1;
        }
        try {
            int firstByte = Float.floatToRawIntBits(a[0]) & 0xFF;
            MemorySegment p = (MemorySegment) MEMCHR.invokeExact(MemorySegment.ofArray(a), firstByte, 1L);
            return p.address() == 0 ? -1 : (int) (p.address() & 63);
        } catch (Throwable e) {
            return -1;
        }
    }

    /**
     * A copy of x[0, floats) in this thread's float[] from index {@link #alignedOffset()}, whose address was a multiple of
     * 64 when copied. Made once per product: a call with the same array, product number and length returns the copy made
     * before. Callers give each product a new number ({@link MatMul} counts them), since the same array holds new values
     * in the next product. Null (the caller uses the float[] kernel) beyond {@link #MAX_COPY_FLOATS}, or
     * when the kernels cannot run here ({@link #USABLE}).
     */
    static float[] alignedCopy(float[] x, int floats, long product) {
        if (!USABLE || floats > MAX_COPY_FLOATS) {
            return null;
        }
        Copy c = COPY.get();
        if (c.source == x && c.product == product && c.floats == floats) {
            return c.buffer;
        }
        if (c.buffer.length < floats + 16) {
            c.buffer = new float[floats + 16];
        }
        int mod = addressMod64(c.buffer);
        c.offset = mod < 0 || (mod & 3) != 0 ? 0 : ((64 - mod) & 63) / 4;
        System.arraycopy(x, 0, c.buffer, c.offset, floats);
        c.source = x;
        c.product = product;
        c.floats = floats;
        return c.buffer;
    }

    /** The index of x[0] in the array {@link #alignedCopy} returned last on this thread. */
    static int alignedOffset() {
        return COPY.get().offset;
    }

    /**
     * {@link BatchKernels#q4_0r4x4s} with the activations of token t0 + i at xs[xBase + i cols ..] (from
     * {@link #alignedCopy}) and the tile's scales at sc[scOff ..].
     */
    static void q4_0r4x4a(byte[] s, int off, int rowBytes, float[] sc, int scOff, int cols, float[] xs, int xBase, float[] acc, float[] out,
            int outOff, int outStride) {
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F), a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F), a13 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F), a22 = FloatVector.zero(F), a23 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F), a32 = FloatVector.zero(F), a33 = FloatVector.zero(F);
        int ts = cols;
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            int o0 = off + 18 * b;
            int c = scOff + 8 * b;
            int xb = xBase + 32 * b;
            FloatVector xa0 = FloatVector.fromArray(F, xs, xb);
            FloatVector xc0 = FloatVector.fromArray(F, xs, xb + 16);
            FloatVector xa1 = FloatVector.fromArray(F, xs, xb + 1 * ts);
            FloatVector xc1 = FloatVector.fromArray(F, xs, xb + 1 * ts + 16);
            FloatVector xa2 = FloatVector.fromArray(F, xs, xb + 2 * ts);
            FloatVector xc2 = FloatVector.fromArray(F, xs, xb + 2 * ts + 16);
            FloatVector xa3 = FloatVector.fromArray(F, xs, xb + 3 * ts);
            FloatVector xc3 = FloatVector.fromArray(F, xs, xb + 3 * ts + 16);
            IntVector q0 = (IntVector) ByteVector.fromArray(BL, s, o0 + 2).convertShape(VectorOperators.ZERO_EXTEND_B2I, IL, 0);
            FloatVector d0 = FloatVector.broadcast(F, sc[c + 0]);
            FloatVector m0 = FloatVector.broadcast(F, sc[c + 1]);
            FloatVector w0 = ((FloatVector) q0.and(0xF).castShape(F, 0)).fma(d0, m0);
            FloatVector v0 = ((FloatVector) q0.lanewise(VectorOperators.LSHR, 4).castShape(F, 0)).fma(d0, m0);
            a00 = v0.fma(xc0, w0.fma(xa0, a00));
            a01 = v0.fma(xc1, w0.fma(xa1, a01));
            a02 = v0.fma(xc2, w0.fma(xa2, a02));
            a03 = v0.fma(xc3, w0.fma(xa3, a03));
            IntVector q1 = (IntVector) ByteVector.fromArray(BL, s, o0 + rowBytes + 2).convertShape(VectorOperators.ZERO_EXTEND_B2I, IL, 0);
            FloatVector d1 = FloatVector.broadcast(F, sc[c + 2]);
            FloatVector m1 = FloatVector.broadcast(F, sc[c + 3]);
            FloatVector w1 = ((FloatVector) q1.and(0xF).castShape(F, 0)).fma(d1, m1);
            FloatVector v1 = ((FloatVector) q1.lanewise(VectorOperators.LSHR, 4).castShape(F, 0)).fma(d1, m1);
            a10 = v1.fma(xc0, w1.fma(xa0, a10));
            a11 = v1.fma(xc1, w1.fma(xa1, a11));
            a12 = v1.fma(xc2, w1.fma(xa2, a12));
            a13 = v1.fma(xc3, w1.fma(xa3, a13));
            IntVector q2 = (IntVector) ByteVector.fromArray(BL, s, o0 + 2 * rowBytes + 2).convertShape(VectorOperators.ZERO_EXTEND_B2I, IL, 0);
            FloatVector d2 = FloatVector.broadcast(F, sc[c + 4]);
            FloatVector m2 = FloatVector.broadcast(F, sc[c + 5]);
            FloatVector w2 = ((FloatVector) q2.and(0xF).castShape(F, 0)).fma(d2, m2);
            FloatVector v2 = ((FloatVector) q2.lanewise(VectorOperators.LSHR, 4).castShape(F, 0)).fma(d2, m2);
            a20 = v2.fma(xc0, w2.fma(xa0, a20));
            a21 = v2.fma(xc1, w2.fma(xa1, a21));
            a22 = v2.fma(xc2, w2.fma(xa2, a22));
            a23 = v2.fma(xc3, w2.fma(xa3, a23));
            IntVector q3 = (IntVector) ByteVector.fromArray(BL, s, o0 + 3 * rowBytes + 2).convertShape(VectorOperators.ZERO_EXTEND_B2I, IL, 0);
            FloatVector d3 = FloatVector.broadcast(F, sc[c + 6]);
            FloatVector m3 = FloatVector.broadcast(F, sc[c + 7]);
            FloatVector w3 = ((FloatVector) q3.and(0xF).castShape(F, 0)).fma(d3, m3);
            FloatVector v3 = ((FloatVector) q3.lanewise(VectorOperators.LSHR, 4).castShape(F, 0)).fma(d3, m3);
            a30 = v3.fma(xc0, w3.fma(xa0, a30));
            a31 = v3.fma(xc1, w3.fma(xa1, a31));
            a32 = v3.fma(xc2, w3.fma(xa2, a32));
            a33 = v3.fma(xc3, w3.fma(xa3, a33));
        }
        // stored and summed by reduce(): summing here would push the kernel past C2's inlining budget (boxed vectors)
        a00.intoArray(acc, 0 * L);
        a10.intoArray(acc, 1 * L);
        a20.intoArray(acc, 2 * L);
        a30.intoArray(acc, 3 * L);
        a01.intoArray(acc, 4 * L);
        a11.intoArray(acc, 5 * L);
        a21.intoArray(acc, 6 * L);
        a31.intoArray(acc, 7 * L);
        a02.intoArray(acc, 8 * L);
        a12.intoArray(acc, 9 * L);
        a22.intoArray(acc, 10 * L);
        a32.intoArray(acc, 11 * L);
        a03.intoArray(acc, 12 * L);
        a13.intoArray(acc, 13 * L);
        a23.intoArray(acc, 14 * L);
        a33.intoArray(acc, 15 * L);
        BatchKernels.reduce(acc, 4, 4, out, outOff, outStride);
    }
}
