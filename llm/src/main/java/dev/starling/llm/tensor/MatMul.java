package dev.starling.llm.tensor;

/**
 * Matrix-vector (decode) and matrix-matrix (prefill, batched decode) products of a quantized weight
 * with float activations, split over rows on a {@link ComputePool}.
 * <p>Layouts: activations x are {@code n} rows of {@code w.cols()} floats at stride {@code w.cols()};
 * outputs are {@code n} rows of {@code w.rows()} floats at stride {@code outStride}.
 */
public final class MatMul {
    /** Rows decoded together in the batched product (each row is decoded once per batch). */
    static final int TILE_ROWS = 4;
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[0]);

    private MatMul() {
    }

    /** out[outOff + r] = dot(w[r], x[xOff ..]) for every row r. */
    public static void matvec(ComputePool pool, QuantizedMatrix w, float[] x, int xOff, float[] out, int outOff) {
        checkLength("x", x.length, xOff + (long) w.cols());
        checkLength("out", out.length, outOff + (long) w.rows());
        int grain = Math.max(1, 16384 / w.cols());
        pool.parallelFor(w.rows(), grain, (start, end) -> matvecRows(w, x, xOff, out, outOff, start, end));
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
        pool.parallelFor(tiles, 1, (start, end) -> matmulTiles(w, x, n, out, outOff, outStride, start, end));
    }

    private static void matmulTiles(QuantizedMatrix w, float[] x, int n, float[] out, int outOff, int outStride, int tileStart, int tileEnd) {
        int cols = w.cols();
        float[] buf = TILE.get();
        if (buf.length < TILE_ROWS * cols) {
            buf = new float[TILE_ROWS * cols];
            TILE.set(buf);
        }
        long rowBytes = w.rowBytes();
        for (int tile = tileStart; tile < tileEnd; tile++) {
            int r0 = tile * TILE_ROWS;
            int count = Math.min(TILE_ROWS, w.rows() - r0);
            for (int i = 0; i < count; i++) {
                Kernels.dequantizeRow(w.type(), w.data(), (r0 + i) * rowBytes, buf, i * cols, cols);
            }
            if (count == TILE_ROWS && Kernels.VECTOR) {
                int t = 0;
                for (; t + 4 <= n; t += 4) {
                    VectorKernels.dot4x4(buf, cols, x, t, out, t * outStride + outOff + r0, outStride);
                }
                for (; t < n; t++) {
                    VectorKernels.dot4(buf, cols, x, t * cols, out, t * outStride + outOff + r0);
                }
            } else {
                for (int t = 0; t < n; t++) {
                    for (int i = 0; i < count; i++) {
                        out[t * outStride + outOff + r0 + i] = Kernels.dot(buf, i * cols, x, t * cols, cols);
                    }
                }
            }
        }
    }

    private static void checkLength(String what, int have, long need) {
        if (have < need) {
            throw new IllegalArgumentException(what + " has " + have + " floats, needs " + need);
        }
    }
}
