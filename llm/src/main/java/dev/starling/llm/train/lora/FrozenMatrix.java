package dev.starling.llm.train.lora;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufTensorInfo;
import dev.starling.llm.gguf.quant.Dequantize;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.tensor.QuantType;
import dev.starling.llm.tensor.QuantizedMatrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Set;

/**
 * A frozen weight {@code W[rows][cols]} kept in its GGUF type (mapped, never copied to F32): each use dequantizes
 * one row at a time, so a Q8_0 base costs its Q8_0 bytes plus one F32 row per call. The float64 products here serve
 * {@link LoraReference}; {@link FrozenProducts} has the fast float32 ones over {@link #quantized()}. Row-major as in GGUF
 * (dims[0] = cols is the fastest). Thread-safe: scratch is per call.
 */
public final class FrozenMatrix {
    /** The base types LoRA training accepts (others are rejected with the tensor's name). */
    public static final Set<GgmlType> TYPES = Set.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0,
            GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K);

    private final String name;
    private final GgmlType type;
    private final int rows;
    private final int cols;
    private final MemorySegment data;
    private final int rowBytes;
    private final QuantizedMatrix quantized;

    private FrozenMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        this.name = name;
        this.type = type;
        this.rows = rows;
        this.cols = cols;
        this.data = data;
        this.rowBytes = Math.toIntExact(type.bytesFor(cols));
        this.quantized = new QuantizedMatrix(name, QuantType.valueOf(type.name()), data, rows, cols);
    }

    /** The named tensor of {@code gguf} as a matrix (a 1-D tensor is one row); fails naming file and tensor. */
    public static FrozenMatrix of(GgufFile gguf, String tensorName) {
        GgufTensorInfo t = gguf.tensor(tensorName);
        if (t == null) {
            throw new IllegalArgumentException(gguf.path() + ": missing tensor " + tensorName);
        }
        if (!TYPES.contains(t.type())) {
            throw new IllegalArgumentException(gguf.path() + ": tensor " + tensorName + " is " + t.type()
                    + "; LoRA training reads bases in " + TYPES);
        }
        if (t.dimCount() > 2 || t.dim(0) > Integer.MAX_VALUE / 4 || t.rowCount() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(gguf.path() + ": tensor " + tensorName + " has unsupported dims "
                    + java.util.Arrays.toString(t.dims()));
        }
        return new FrozenMatrix(tensorName, t.type(), (int) t.rowCount(), (int) t.dim(0), gguf.tensorData(t));
    }

    public String name() {
        return name;
    }

    public GgmlType type() {
        return type;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The same bytes as the inference kernels' matrix (for the fast float32 products). */
    public QuantizedMatrix quantized() {
        return quantized;
    }

    /** Raw bytes of the tensor (for copying it unchanged into another file). */
    public MemorySegment data() {
        return data;
    }

    /** Dequantizes row {@code r} into {@code dst[0..cols)}. */
    public void row(int r, float[] dst) {
        row(r, dst, new byte[rowBytes]);
    }

    private void row(int r, float[] dst, byte[] scratch) {
        if (r < 0 || r >= rows) {
            throw new IndexOutOfBoundsException(name + ": row " + r + " outside 0.." + (rows - 1));
        }
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, (long) r * rowBytes, scratch, 0, rowBytes);
        Dequantize.row(type, scratch, 0, cols, dst, 0);
    }

    /** The whole matrix as F32 (for small vectors such as norm gains only). */
    public float[] toFloats() {
        float[] all = new float[Math.multiplyExact(rows, cols)];
        float[] row = new float[cols];
        byte[] scratch = new byte[rowBytes];
        for (int r = 0; r < rows; r++) {
            row(r, row, scratch);
            System.arraycopy(row, 0, all, r * cols, cols);
        }
        return all;
    }

    /** y[n][rows] = x[n][cols] · W^T, dequantizing each row of W once. */
    public void matmul(double[] x, double[] y, int n) {
        matmulRows(x, y, n, 0, rows);
    }

    /**
     * As {@link #matmul(double[], double[], int)}, split over the pool by rows of W; every output is summed by one
     * thread in the same order, so the result does not depend on the thread count. A null pool runs serially.
     */
    public void matmul(double[] x, double[] y, int n, ComputePool pool) {
        if (pool == null || pool.threads() == 1) {
            matmulRows(x, y, n, 0, rows);
        } else {
            pool.parallelFor(rows, 8, (from, to) -> matmulRows(x, y, n, from, to));
        }
    }

    private void matmulRows(double[] x, double[] y, int n, int from, int to) {
        float[] w = new float[cols];
        byte[] scratch = new byte[rowBytes];
        for (int o = from; o < to; o++) {
            row(o, w, scratch);
            for (int r = 0; r < n; r++) {
                y[r * rows + o] = dot(x, r * cols, w, cols);
            }
        }
    }

    /** dx[n][cols] += dy[n][rows] · W: the gradient passed through the frozen weight to its input. */
    public void backwardInput(double[] dy, double[] dx, int n) {
        backwardRows(dy, dx, 0, n);
    }

    /**
     * As {@link #backwardInput(double[], double[], int)}, split over the pool by input rows (each thread
     * dequantizes W itself); deterministic for any thread count. A null pool runs serially.
     */
    public void backwardInput(double[] dy, double[] dx, int n, ComputePool pool) {
        if (pool == null || pool.threads() == 1 || n < 2) {
            backwardRows(dy, dx, 0, n);
        } else {
            pool.parallelFor(n, Math.max(1, n / pool.threads()), (from, to) -> backwardRows(dy, dx, from, to));
        }
    }

    private void backwardRows(double[] dy, double[] dx, int from, int to) {
        float[] w = new float[cols];
        byte[] scratch = new byte[rowBytes];
        for (int o = 0; o < rows; o++) {
            row(o, w, scratch);
            for (int r = from; r < to; r++) {
                double g = dy[r * rows + o];
                if (g == 0) {
                    continue;
                }
                int xo = r * cols;
                for (int i = 0; i < cols; i++) {
                    dx[xo + i] += g * w[i];
                }
            }
        }
    }

    /**
     * x[xo..xo+len) · w[0..len) in float64 with four independent sums (a fixed order, so deterministic; the
     * independent chains let the CPU overlap the additions).
     */
    static double dot(double[] x, int xo, float[] w, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < len; i += 4) {
            s0 += x[xo + i] * w[i];
            s1 += x[xo + i + 1] * w[i + 1];
            s2 += x[xo + i + 2] * w[i + 2];
            s3 += x[xo + i + 3] * w[i + 3];
        }
        for (; i < len; i++) {
            s0 += x[xo + i] * w[i];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
