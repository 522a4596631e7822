package dev.starling.llm.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Matrix-vector (decode) and matrix-matrix (prefill, batched decode) products of a quantized weight
 * with float activations, split over rows on a {@link ComputePool}.
 * <p>Layouts: activations x are {@code n} rows of {@code w.cols()} floats at stride {@code w.cols()};
 * outputs are {@code n} rows of {@code w.rows()} floats at stride {@code outStride}.
 */
public final class MatMul {
    /** Rows decoded together in the batched product (each row is decoded once per batch). */
    static final int TILE_ROWS = 4;
    /** Floats of decoded rows kept per thread (256 KiB: within L2 beside a token block of activations). */
    static final int PANEL_FLOATS = Integer.getInteger("starling.llm.panelFloats", 64 * 1024);
    /** Tokens whose activations stay in L1/L2 while a panel of rows passes over them. */
    static final int TOKEN_BLOCK = Integer.getInteger("starling.llm.tokenBlock", 16);
    /**
     * Largest batch multiplied by {@link BatchKernels} straight from the encoded weights (decoding each block into
     * registers for 4 tokens at a time); larger batches decode a panel of rows once into floats and reuse it. No limit
     * by default: with the 4 x 4 kernels the direct path beats decode-then-multiply at every batch size measured
     * (KernelBench 8192x2048, one thread, per CPU-second: n=32 Q4_0 87 -> 117, Q8_0 81 -> 129; n=256 99 -> 115 and
     * 96 -> 125 GFLOP/s). The panel path stays for the other types and for {@code -Dstarling.llm.directMaxTokens=16}.
     */
    static final int DIRECT_MAX_TOKENS = Integer.getInteger("starling.llm.directMaxTokens", Integer.MAX_VALUE);
    /** Bytes of encoded weight rows a thread keeps in cache while a long batch's token blocks pass over them. */
    static final long DIRECT_PANEL_BYTES = Long.getLong("starling.llm.directPanelBytes", 128 * 1024);
    /**
     * Bytes of encoded weight rows copied in one burst by the batched path (whole tiles, at least one). Q4_0, 8 tokens,
     * one thread, per CPU-second: 2 tiles (9 KiB) 95-102, 8 tiles 108-110, 32 tiles 108-111 GFLOP/s.
     */
    static final long STAGE_BYTES = Long.getLong("starling.llm.stageBytes", 64 * 1024);
    /**
     * Smallest piece of a batched product's guided loop (batch variants 6 and 8): 64 tiles, about 4.5 staged groups at
     * 2048 columns. Quiet machine, StepProfile --interleave, 8 streams, 2 threads: with 16, 8 against 7 was even (the
     * threads' idle time at loop ends 1.5-2.9 against 2.4-4.0 ms per step, the step no faster); with 64, 8 was ahead in
     * 6 of 8 rounds by 0.8-4.8% and behind in 2 by 0.8-3.2% (idle 1.1-3.7 against 1.7-6.5 ms): not a clear win, so 7
     * stays the default.
     */
    static final int GUIDED_MIN_TILES = Integer.getInteger("starling.llm.guidedMinTiles", 64);
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[0]);
    /** Which batched-kernel variant runs (benchmarks compare variants within one run); see {@link #setBatchVariant}. */
    private static volatile int batchVariant = Integer.getInteger("starling.llm.batchVariant", 7);
    /**
     * Which single-token (matrix-vector) path runs for Q8_0 weights: 0 the float kernel ({@link VectorKernels#dotQ8_0}, Q8_0
     * rounded activations as floats), 1 the integer kernel ({@link Q8Activations}: the activation quantized to int8 once per
     * product, 16-bit products summed exactly per block; only for inputs already Q8_0-rounded, as the engine's are, so that
     * it differs from 0 by float rounding alone); 2 is 1 with every single-token product's rows (of any type) handed out
     * in guided pieces so that the two threads finish together (not a clear win, so not the default: StepProfile --streams 1
     * --interleave 7/1,7/2, 2 threads, load 3-4.5: Q8_0 in one run ahead in 3 of 4 rounds by 1.4-2.8%, the threads' idle time
     * at loop ends 0.6-1.7 against 1.2-3.0 ms per step, in the next behind in 4 of 4 by 0.5-7.3%; Q4_0 -0.7 to +3.1%). 1 is the default: Bench --matvec-variants 0,1, synthetic Llama-3.2-1B
     * Q8_0, 2 threads, in the order of bench-llm.sh (prefill 256, 8 streams, then decode), 4 fresh processes (load 2.6-4.5):
     * 23.3-24.4 against 14.5-17.0 tok/s in the measured round; StepProfile, per product on 2 threads: gate+up 36 against
     * 24 GB/s of weights, down 30 against 17, output head 36 against 24. Benchmarks compare them within one run; see
     * {@link #setMatvecVariant}.
     */
    private static volatile int matvecVariant = Integer.getInteger("starling.llm.matvecVariant", 1);
    /** Per calling thread: quantized activations of the products in flight (one per distinct input of a matmulMany). */
    private static final ThreadLocal<Q8Activations[]> Q8X = ThreadLocal.withInitial(() -> new Q8Activations[0]);
    /** Numbers the products, so that each thread copies a product's activations once (see {@link AlignedBatchKernels#alignedCopy}). */
    private static final java.util.concurrent.atomic.AtomicLong PRODUCTS = new java.util.concurrent.atomic.AtomicLong();

    private MatMul() {
    }

    /**
     * Selects the batched path (benchmarks compare them within one run; also {@code -Dstarling.llm.batchVariant}): 7 is
     * the default (StepProfile, 8 streams, 2 threads, one variant per process, load 2.7-4, rounds 2-3: 5 took 90.2-93.0 ms
     * per step and 176.6-180.3 ms of CPU, 7 84.7-88.1 and 166.3-172.8, 8 85.9-88.2 and 168.8-173.1). 8 is 7
     * with each product's tiles handed out in guided pieces ({@link ComputePool#parallelForGuided}, as 6 does for 5); 7 is
     * 5 with the Q4_0 block scales of a staged group decoded with 512-bit vectors ({@link Q4Scales}, in a method of its
     * own: 5's scalar decoding, inlined into its callers, sometimes compiles into a slow form that costs a third of
     * those products); 5 (the default before 7) is 4 with a staged group of Q4_0 tiles multiplied token quad by token quad ({@link AlignedBatchKernels#q4TokenQuads}: a quad's
     * activations stay in L1 while the weights pass, instead of each tile streaming 8 tokens' activations from L2); 4 is 3
     * with the Q4_0 kernel reading each product's activations from a per-thread copy aligned to 64 bytes (no activation
     * load crosses a cache line; {@link AlignedBatchKernels}); 3 is 2 with the Q4_0 block scales of a tile decoded in fewer instructions ({@link BatchKernels#q4ScalesFast};
     * that decoding was about a tenth of the Q4_0 kernel's time); 2 is 1 with the steps between products fused and vectorized (residual, norm and rounding in one pass per
     * row on every thread, each attention head rounded as it is written, SwiGLU and the down product's rounding in one
     * pass; see {@code Transformer} and {@link VectorRounding}); 1 copies about {@link #STAGE_BYTES} of tiles at once and runs Q4_0 through the kernel with pre-decoded scales;
     * 0 is the path before it (a copy per 4-row tile, Q4_0 scales decoded in the kernel loop for every 4 tokens).
     */
    public static void setBatchVariant(int variant) {
        batchVariant = variant;
    }

    /** The batched path selected now (see {@link #setBatchVariant}). */
    public static int currentBatchVariant() {
        return batchVariant;
    }

    /**
     * Selects the single-token path for Q8_0 weights (also {@code -Dstarling.llm.matvecVariant}): 0 the float kernel, 1 the
     * integer kernel of {@link Q8Activations} (only where {@link Q8Activations#usable()}; elsewhere 1 runs as 0), 2 the same
     * with guided pieces of rows.
     */
    public static void setMatvecVariant(int variant) {
        matvecVariant = variant;
    }

    /** The single-token path selected now (see {@link #setMatvecVariant}). */
    public static int currentMatvecVariant() {
        return matvecVariant;
    }

    /** Whether a single-token product with w goes through {@link Q8Activations} (matvec variant 1, Q8_0, 16 float lanes). */
    static boolean integerQ8(QuantizedMatrix w) {
        return matvecVariant >= 1 && w.type() == QuantType.Q8_0 && Q8Activations.usable();
    }

    /**
     * Smallest piece of rows in matvec variant 2's guided loops ({@link ComputePool#parallelForGuided}): 64 rows of 2048
     * columns are about 136 KiB of Q8_0 weights.
     */
    static final int GUIDED_MATVEC_MIN_ROWS = Integer.getInteger("starling.llm.guidedMatvecMinRows", 64);

    /** Runs a single-token product's rows: in guided pieces with matvec variant 2, in fixed chunks otherwise. */
    private static void matvecLoop(ComputePool pool, int rows, int grain, ComputePool.RangeTask body) {
        if (matvecVariant == 2) {
            pool.parallelForGuided(rows, Math.max(grain, GUIDED_MATVEC_MIN_ROWS), body);
        } else {
            pool.parallelFor(rows, grain, body);
        }
    }

    /** The calling thread's quantized-activation buffers, at least n of them. */
    private static Q8Activations[] q8Buffers(int n) {
        Q8Activations[] a = Q8X.get();
        if (a.length < n) {
            Q8Activations[] b = java.util.Arrays.copyOf(a, n);
            for (int i = a.length; i < n; i++) {
                b[i] = new Q8Activations();
            }
            Q8X.set(b);
            a = b;
        }
        return a;
    }

    /** out[outOff + r] = dot(w[r], x[xOff ..]) for every row r. */
    public static void matvec(ComputePool pool, QuantizedMatrix w, float[] x, int xOff, float[] out, int outOff) {
        checkLength("x", x.length, xOff + (long) w.cols());
        checkLength("out", out.length, outOff + (long) w.rows());
        int grain = Math.max(1, 16384 / w.cols());
        if (integerQ8(w)) {
            Q8Activations a = q8Buffers(1)[0].quantize(x, xOff, w.cols());
            if (a.exact) {
                matvecLoop(pool, w.rows(), grain, (start, end) -> matvecRowsQ8(w, a, out, outOff, start, end));
                return;
            }
        }
        pool.parallelFor(w.rows(), grain, (start, end) -> matvecRows(w, x, xOff, out, outOff, start, end));
    }

    /** Rows [start, end) of a single-token Q8_0 product with activations already quantized. */
    static void matvecRowsQ8(QuantizedMatrix w, Q8Activations a, float[] out, int outOff, int start, int end) {
        long rowBytes = w.rowBytes();
        MemorySegment data = w.data();
        for (int r = start; r < end; r++) {
            out[outOff + r] = a.dot(data, r * rowBytes);
        }
    }

    /** The serial kernel of {@link #matvec} over rows [start, end). */
    public static void matvecRows(QuantizedMatrix w, float[] x, int xOff, float[] out, int outOff, int start, int end) {
        long rowBytes = w.rowBytes();
        for (int r = start; r < end; r++) {
            out[outOff + r] = Kernels.dot(w.type(), w.data(), r * rowBytes, x, xOff, w.cols());
        }
    }

    /**
     * out[t * outStride + outOff + r] = dot(w[r], x[t * cols ..]) for tokens t in [0, n): every weight row
     * is read and decoded once for all n tokens.
     */
    public static void matmul(ComputePool pool, QuantizedMatrix w, float[] x, int n, float[] out, int outOff, int outStride) {
        if (n == 1) {
            matvec(pool, w, x, 0, out, outOff);
            return;
        }
        int cols = w.cols();
        checkLength("x", x.length, (long) n * cols);
        checkLength("out", out.length, (long) (n - 1) * outStride + outOff + w.rows());
        int tiles = (w.rows() + TILE_ROWS - 1) / TILE_ROWS;
        long product = PRODUCTS.incrementAndGet();
        ComputePool.RangeTask body = (start, end) -> matmulTiles(w, x, n, out, outOff, outStride, start, end, product);
        if (guided(batchVariant)) {
            pool.parallelForGuided(tiles, GUIDED_MIN_TILES, body);
        } else {
            pool.parallelFor(tiles, 1, body);
        }
    }

    /** Whether the batched products of a variant split their tiles in guided pieces ({@link ComputePool#parallelForGuided}): 6 and 8. */
    static boolean guided(int variant) {
        return variant == 6 || variant >= 8;
    }

    /** Whether a batch of n tokens against w goes through the register-blocked {@link BatchKernels}. */
    static boolean direct(QuantizedMatrix w, int n) {
        return n <= DIRECT_MAX_TOKENS && Kernels.VECTOR && BatchKernels.supports(w.type());
    }

    /**
     * Row tiles [tileStart, tileEnd) of a batch, each weight block decoded in registers once per 4 tokens. Long
     * batches (prefill) go a panel of tiles at a time (about {@link #DIRECT_PANEL_BYTES} of weights, which stay in
     * L1/L2) and, within it, {@link #TOKEN_BLOCK} tokens at a time (whose activations stay in L2 while the panel's
     * tiles pass over them).
     */
    private static void directTiles(QuantizedMatrix w, float[] x, int n, float[] out, int outOff, int outStride, int tileStart, int tileEnd,
            long product) {
        int v = batchVariant;
        directTiles(w, x, n, out, outOff, outStride, tileStart, tileEnd, DIRECT_PANEL_BYTES, TOKEN_BLOCK, v >= 1 ? STAGE_BYTES : 0, q4Kernel(v), product);
    }

    /** {@link #directTiles} with its blocking given (tests use tiny panels and token blocks to cover every edge). */
    static void directTiles(QuantizedMatrix w, float[] x, int n, float[] out, int outOff, int outStride, int tileStart, int tileEnd,
            long panelBytes, int tokenBlock) {
        int v = batchVariant;
        directTiles(w, x, n, out, outOff, outStride, tileStart, tileEnd, panelBytes, tokenBlock, v >= 1 ? STAGE_BYTES : 0, q4Kernel(v));
    }

    /** The full-tile Q4_0 kernel of a batch variant (see {@link BatchKernels#rowsStaged}). */
    static int q4Kernel(int variant) {
        return switch (variant) {
            case 0 -> 0;
            case 1, 2 -> 1;
            case 4 -> 3;
            case 3 -> 2;
            case 5, 6 -> 4;
            default -> 5; // 7 and later
        };
    }

    /**
     * {@link #directTiles} with the staging burst and the Q4_0 kernel given: the rows of about stageBytes of tiles are
     * copied at once (at least one tile), and preScaled selects {@link BatchKernels#q4_0r4x4s} for Q4_0.
     */
    static void directTiles(QuantizedMatrix w, float[] x, int n, float[] out, int outOff, int outStride, int tileStart, int tileEnd,
            long panelBytes, int tokenBlock, long stageBytes, boolean preScaled) {
        directTiles(w, x, n, out, outOff, outStride, tileStart, tileEnd, panelBytes, tokenBlock, stageBytes, preScaled ? 1 : 0);
    }

    /**
     * {@link #directTiles} with the full-tile Q4_0 kernel given (0 to 5, see {@link #q4Kernel} and
     * {@link BatchKernels#rowsStaged}; 4 and 5 go token quad by token quad over a staged group, 5 through
     * {@link AlignedBatchKernels#q4TokenQuadsV}).
     */
    static void directTiles(QuantizedMatrix w, float[] x, int n, float[] out, int outOff, int outStride, int tileStart, int tileEnd,
            long panelBytes, int tokenBlock, long stageBytes, int q4Kernel) {
        directTiles(w, x, n, out, outOff, outStride, tileStart, tileEnd, panelBytes, tokenBlock, stageBytes, q4Kernel, PRODUCTS.incrementAndGet());
    }

    /**
     * {@link #directTiles} within product number product (see {@link AlignedBatchKernels#alignedCopy}: the Q4_0 kernel
     * 3 reads an aligned copy of x that each thread makes once per product).
     */
    static void directTiles(QuantizedMatrix w, float[] x, int n, float[] out, int outOff, int outStride, int tileStart, int tileEnd,
            long panelBytes, int tokenBlock, long stageBytes, int q4Kernel, long product) {
        float[] xh = q4Kernel >= 3 && w.type() == QuantType.Q4_0 && n >= 4 ? AlignedBatchKernels.alignedCopy(x, n * w.cols(), product) : null;
        boolean quadsOuter = q4Kernel >= 4 && xh != null;
        int xhOff = xh == null ? 0 : AlignedBatchKernels.alignedOffset();
        long tileBytes = TILE_ROWS * w.rowBytes();
        int panelTiles = n <= tokenBlock ? tileEnd - tileStart : (int) Math.max(1, Math.min(tileEnd - tileStart, panelBytes / tileBytes));
        int stageTiles = (int) Math.max(1, Math.min(Integer.MAX_VALUE, stageBytes / tileBytes));
        for (int p0 = tileStart; p0 < tileEnd; p0 += panelTiles) {
            int p1 = Math.min(tileEnd, p0 + panelTiles);
            for (int t0 = 0; t0 < n; t0 += tokenBlock) {
                int t1 = Math.min(n, t0 + tokenBlock);
                for (int g0 = p0; g0 < p1; g0 += stageTiles) {
                    int g1 = Math.min(p1, g0 + stageTiles);
                    int first = g0 * TILE_ROWS;
                    // one copy of several tiles' rows: a burst of sequential reads keeps the hardware prefetcher ahead,
                    // where a copy per 4-row tile stalled on memory each time (Q4_0, 2048 columns, 8 tokens: ~7%)
                    byte[] s = t1 - t0 >= 4 ? BatchKernels.stage(w, first, Math.min(w.rows(), g1 * TILE_ROWS) - first) : null;
                    int done = t0;
                    if (quadsOuter && s != null) {
                        done = q4Kernel == 5 ? AlignedBatchKernels.q4TokenQuadsV(w, s, g0, g1, xh, xhOff, t0, t1, out, outOff, outStride)
                                : AlignedBatchKernels.q4TokenQuads(w, s, g0, g1, xh, xhOff, t0, t1, out, outOff, outStride);
                    }
                    for (int tile = g0; tile < g1; tile++) {
                        int r0 = tile * TILE_ROWS;
                        int count = Math.min(TILE_ROWS, w.rows() - r0);
                        BatchKernels.rowsStaged(w, s, Math.toIntExact((r0 - first) * w.rowBytes()), r0, count, x,
                                count == TILE_ROWS ? done : t0, t1, out, outOff, outStride, quadsOuter ? 3 : q4Kernel, xh, xhOff);
                    }
                }
            }
        }
    }

    private static void matmulTiles(QuantizedMatrix w, float[] x, int n, float[] out, int outOff, int outStride, int tileStart, int tileEnd,
            long product) {
        if (direct(w, n)) {
            directTiles(w, x, n, out, outOff, outStride, tileStart, tileEnd, product);
            return;
        }
        int cols = w.cols();
        int panelTiles = Math.max(1, Math.min(tileEnd - tileStart, PANEL_FLOATS / (TILE_ROWS * cols)));
        float[] buf = TILE.get();
        if (buf.length < panelTiles * TILE_ROWS * cols) {
            buf = new float[panelTiles * TILE_ROWS * cols];
            TILE.set(buf);
        }
        long rowBytes = w.rowBytes();
        // a panel of rows is decoded once and kept in L2 while every token block passes over it
        for (int p0 = tileStart; p0 < tileEnd; p0 += panelTiles) {
            int p1 = Math.min(tileEnd, p0 + panelTiles);
            int firstRow = p0 * TILE_ROWS;
            int lastRow = Math.min(w.rows(), p1 * TILE_ROWS);
            for (int r = firstRow; r < lastRow; r++) {
                Kernels.dequantizeRow(w.type(), w.data(), r * rowBytes, buf, (r - firstRow) * cols, cols);
            }
            for (int t0 = 0; t0 < n; t0 += TOKEN_BLOCK) {
                int t1 = Math.min(n, t0 + TOKEN_BLOCK);
                for (int tile = p0; tile < p1; tile++) {
                    int r0 = tile * TILE_ROWS;
                    int count = Math.min(TILE_ROWS, w.rows() - r0);
                    int bufOff = (r0 - firstRow) * cols;
                    if (count == TILE_ROWS && Kernels.VECTOR) {
                        int t = t0;
                        for (; t + 4 <= t1; t += 4) {
                            VectorKernels.dot4x4(buf, bufOff, cols, x, t, out, t * outStride + outOff + r0, outStride);
                        }
                        for (; t < t1; t++) {
                            VectorKernels.dot4(buf, bufOff, cols, x, t * cols, out, t * outStride + outOff + r0);
                        }
                    } else {
                        for (int t = t0; t < t1; t++) {
                            for (int i = 0; i < count; i++) {
                                out[t * outStride + outOff + r0 + i] = Kernels.dot(buf, bufOff + i * cols, x, t * cols, cols);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Several products sharing one parallel loop (for example q, k and v, or gate and up): outs[i] =
     * ws[i] x xs[i] for n tokens, out rows at stride ws[i].rows(). One hand-off to the pool instead of one each.
     */
    public static void matmulMany(ComputePool pool, QuantizedMatrix[] ws, float[][] xs, int n, float[][] outs) {
        int m = ws.length;
        int[] firstUnit = new int[m + 1];
        for (int i = 0; i < m; i++) {
            checkLength("x", xs[i].length, (long) n * ws[i].cols());
            checkLength("out", outs[i].length, (long) n * ws[i].rows());
            int units = n == 1 ? ws[i].rows() : (ws[i].rows() + TILE_ROWS - 1) / TILE_ROWS;
            firstUnit[i + 1] = firstUnit[i] + units;
        }
        int grain = n == 1 ? Math.max(1, 16384 / ws[0].cols()) : 1;
        Q8Activations[] q8 = n == 1 ? quantizeInputs(ws, xs) : null;
        long product = PRODUCTS.incrementAndGet(); // one number for all: each thread's copy is keyed by the array as well
        ComputePool.RangeTask body = (start, end) -> {
            for (int i = 0; i < m; i++) {
                int s = Math.max(start, firstUnit[i]);
                int e = Math.min(end, firstUnit[i + 1]);
                if (s >= e) {
                    continue;
                }
                int a = s - firstUnit[i];
                int b = e - firstUnit[i];
                if (n == 1 && q8[i] != null) {
                    matvecRowsQ8(ws[i], q8[i], outs[i], 0, a, b);
                } else if (n == 1) {
                    matvecRows(ws[i], xs[i], 0, outs[i], 0, a, b);
                } else {
                    matmulTiles(ws[i], xs[i], n, outs[i], 0, ws[i].rows(), a, b, product);
                }
            }
        };
        if (n > 1 && guided(batchVariant)) {
            pool.parallelForGuided(firstUnit[m], GUIDED_MIN_TILES, body);
        } else if (n == 1) {
            matvecLoop(pool, firstUnit[m], grain, body);
        } else {
            pool.parallelFor(firstUnit[m], grain, body);
        }
    }

    /**
     * For a single-token matmulMany: each input quantized once (an input shared by several weights once in all), or null
     * for a weight on the float path (not Q8_0, variant 0, or an input that is not Q8_0-rounded).
     */
    private static Q8Activations[] quantizeInputs(QuantizedMatrix[] ws, float[][] xs) {
        Q8Activations[] q8 = new Q8Activations[ws.length];
        Q8Activations[] buffers = null;
        for (int i = 0; i < ws.length; i++) {
            if (!integerQ8(ws[i])) {
                continue;
            }
            for (int j = 0; j < i; j++) {
                if (q8[j] != null && xs[j] == xs[i] && ws[j].cols() == ws[i].cols()) {
                    q8[i] = q8[j];
                    break;
                }
            }
            if (q8[i] == null) {
                if (buffers == null) {
                    buffers = q8Buffers(ws.length);
                }
                Q8Activations a = buffers[i].quantize(xs[i], 0, ws[i].cols());
                q8[i] = a.exact ? a : null;
            }
        }
        return q8;
    }

    private static void checkLength(String what, int have, long need) {
        if (have < need) {
            throw new IllegalArgumentException(what + " has " + have + " floats, needs " + need);
        }
    }
}
