package dev.starling.llm.train.lora;

import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.tensor.Kernels;
import dev.starling.llm.tensor.QuantizedMatrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast float32 products of a frozen weight W [rows][cols] (any {@link FrozenMatrix#TYPES} type) with a batch
 * of n activation rows, for LoRA training. Neither makes an F32 copy of W: each thread decodes a small panel of W
 * (a few dozen rows by at most {@link #CHUNK_COLS} columns) once and applies it to all n tokens.
 * <ul>
 * <li>{@link #forward}: y [n][rows] = x [n][cols] · Wᵀ (split over chunks of outputs).
 * <li>{@link #backwardInput}: dx [n][cols] += dy [n][rows] · W, the gradient through W to its input (W is frozen,
 * so it gets none). Split over column chunks (and token groups when there are few chunks); each output is summed
 * by one thread in a fixed order, so the result does not depend on the thread count.
 * </ul>
 */
final class FrozenProducts {
    /** Columns per backward task: a multiple of every block size (32, 256). */
    static final int CHUNK_COLS = 256;
    /** Floats of decoded W per thread in the backward (64 KiB: stays in L2 while the tokens pass over it). */
    static final int PANEL_FLOATS = 16 * 1024;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final ThreadLocal<float[]> PANEL = ThreadLocal.withInitial(() -> new float[PANEL_FLOATS]);
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);

    private FrozenProducts() {
    }

    /**
     * y [n][rows] = x [n][cols] · Wᵀ (y overwritten). Split over chunks of {@link #CHUNK_COLS} outputs (and token
     * groups); each task decodes W[chunk][panel of inputs], transposes it so that the outputs are contiguous, and
     * runs the same broadcast-FMA kernel as the backward over it.
     */
    static void forward(ComputePool pool, FrozenMatrix w, float[] x, int n, float[] y) {
        QuantizedMatrix m = w.quantized();
        int cols = m.cols();
        int rows = m.rows();
        if (x.length < (long) n * cols || y.length < (long) n * rows) {
            throw new IllegalArgumentException(w.name() + ": forward needs x of " + n + "x" + cols + " and y of "
                    + n + "x" + rows + ", got " + x.length + " and " + y.length);
        }
        java.util.Arrays.fill(y, 0, n * rows, 0f);
        int chunk = Math.min(rows, CHUNK_COLS);
        int chunks = (rows + chunk - 1) / chunk;
        int groups = Math.max(1, Math.min((2 * pool.threads() + chunks - 1) / chunks, (n + 7) / 8));
        int perGroup = (n + groups - 1) / groups;
        pool.parallelFor(chunks * groups, 1, (s, e) -> {
            for (int task = s; task < e; task++) {
                int o0 = (task % chunks) * chunk;
                int t0 = (task / chunks) * perGroup;
                int t1 = Math.min(n, t0 + perGroup);
                if (t0 < t1) {
                    chunkForward(m, x, y, o0, Math.min(rows, o0 + chunk), t0, t1);
                }
            }
        });
    }

    /** y[t0..t1)[o0..o1) += x[t0..t1) · W[o0..o1)ᵀ, panel by panel of W's columns (block-aligned). */
    private static void chunkForward(QuantizedMatrix m, float[] x, float[] y, int o0, int o1, int t0, int t1) {
        int cols = m.cols();
        int rows = m.rows();
        int cw = o1 - o0;
        int bs = m.type().blockSize;
        int p = Math.max(bs, PANEL_FLOATS / cw / bs * bs);
        float[] buf = panel(p * cw);
        float[] row = ROW.get().length >= p ? ROW.get() : new float[p];
        ROW.set(row);
        long rowBytes = m.rowBytes();
        for (int i0 = 0; i0 < cols; i0 += p) {
            int pi = Math.min(p, cols - i0);
            long colOffset = (long) i0 / bs * m.type().blockBytes;
            for (int o = o0; o < o1; o++) {
                Kernels.dequantizeRow(m.type(), m.data(), o * rowBytes + colOffset, row, 0, pi);
                int c = o - o0;
                for (int i = 0; i < pi; i++) {
                    buf[i * cw + c] = row[i];
                }
            }
            int t = t0;
            for (; t + 4 <= t1; t += 4) {
                panel4(buf, cw, pi, x, t * cols + i0, cols, y, t * rows + o0, rows);
            }
            for (; t < t1; t++) {
                panel1(buf, cw, pi, x, t * cols + i0, y, t * rows + o0);
            }
        }
    }

    private static float[] panel(int floats) {
        float[] buf = PANEL.get();
        if (buf.length < floats) {
            buf = new float[floats];
            PANEL.set(buf);
        }
        return buf;
    }

    /** dx [n][cols] += dy [n][rows] · W. */
    static void backwardInput(ComputePool pool, FrozenMatrix w, float[] dy, int n, float[] dx) {
        QuantizedMatrix m = w.quantized();
        int cols = m.cols();
        int rows = m.rows();
        if (dy.length < (long) n * rows || dx.length < (long) n * cols) {
            throw new IllegalArgumentException(w.name() + ": backward needs dy of " + n + "x" + rows + " and dx of "
                    + n + "x" + cols + ", got " + dy.length + " and " + dx.length);
        }
        int chunk = Math.min(cols, CHUNK_COLS);
        int chunks = (cols + chunk - 1) / chunk;
        int groups = Math.max(1, Math.min((2 * pool.threads() + chunks - 1) / chunks, (n + 7) / 8));
        int perGroup = (n + groups - 1) / groups;
        pool.parallelFor(chunks * groups, 1, (s, e) -> {
            for (int task = s; task < e; task++) {
                int c0 = (task % chunks) * chunk;
                int t0 = (task / chunks) * perGroup;
                int t1 = Math.min(n, t0 + perGroup);
                if (t0 < t1) {
                    chunkBackward(m, dy, dx, c0, Math.min(cols, c0 + chunk), t0, t1);
                }
            }
        });
    }

    /** dx[t0..t1)[c0..c1) += dy[t0..t1) · W[:, c0..c1), panel by panel of W's rows. */
    private static void chunkBackward(QuantizedMatrix m, float[] dy, float[] dx, int c0, int c1, int t0, int t1) {
        int cols = m.cols();
        int rows = m.rows();
        int cw = c1 - c0;
        int panelRows = Math.max(1, PANEL_FLOATS / cw);
        float[] buf = panel(panelRows * cw);
        long rowBytes = m.rowBytes();
        long colOffset = (long) c0 / m.type().blockSize * m.type().blockBytes;
        for (int o0 = 0; o0 < rows; o0 += panelRows) {
            int p = Math.min(panelRows, rows - o0);
            for (int i = 0; i < p; i++) {
                Kernels.dequantizeRow(m.type(), m.data(), (o0 + i) * rowBytes + colOffset, buf, i * cw, cw);
            }
            int t = t0;
            for (; t + 4 <= t1; t += 4) {
                panel4(buf, cw, p, dy, t * rows + o0, rows, dx, t * cols + c0, cols);
            }
            for (; t < t1; t++) {
                panel1(buf, cw, p, dy, t * rows + o0, dx, t * cols + c0);
            }
        }
    }

    /** Four tokens: dx[k][j] += Σ_o dy[k][o] · buf[o][j], two vectors of columns at a time. */
    private static void panel4(float[] buf, int cw, int p, float[] dy, int dyOff, int dyStride, float[] dx,
            int dxOff, int dxStride) {
        int d0 = dyOff;
        int d1 = dyOff + dyStride;
        int d2 = dyOff + 2 * dyStride;
        int d3 = dyOff + 3 * dyStride;
        int x0 = dxOff;
        int x1 = dxOff + dxStride;
        int x2 = dxOff + 2 * dxStride;
        int x3 = dxOff + 3 * dxStride;
        int j = 0;
        for (; j + 2 * L <= cw; j += 2 * L) {
            FloatVector a0 = FloatVector.fromArray(F, dx, x0 + j);
            FloatVector a1 = FloatVector.fromArray(F, dx, x1 + j);
            FloatVector a2 = FloatVector.fromArray(F, dx, x2 + j);
            FloatVector a3 = FloatVector.fromArray(F, dx, x3 + j);
            FloatVector b0 = FloatVector.fromArray(F, dx, x0 + j + L);
            FloatVector b1 = FloatVector.fromArray(F, dx, x1 + j + L);
            FloatVector b2 = FloatVector.fromArray(F, dx, x2 + j + L);
            FloatVector b3 = FloatVector.fromArray(F, dx, x3 + j + L);
            for (int o = 0; o < p; o++) {
                FloatVector w0 = FloatVector.fromArray(F, buf, o * cw + j);
                FloatVector w1 = FloatVector.fromArray(F, buf, o * cw + j + L);
                FloatVector g0 = FloatVector.broadcast(F, dy[d0 + o]);
                FloatVector g1 = FloatVector.broadcast(F, dy[d1 + o]);
                FloatVector g2 = FloatVector.broadcast(F, dy[d2 + o]);
                FloatVector g3 = FloatVector.broadcast(F, dy[d3 + o]);
                a0 = w0.fma(g0, a0);
                b0 = w1.fma(g0, b0);
                a1 = w0.fma(g1, a1);
                b1 = w1.fma(g1, b1);
                a2 = w0.fma(g2, a2);
                b2 = w1.fma(g2, b2);
                a3 = w0.fma(g3, a3);
                b3 = w1.fma(g3, b3);
            }
            a0.intoArray(dx, x0 + j);
            a1.intoArray(dx, x1 + j);
            a2.intoArray(dx, x2 + j);
            a3.intoArray(dx, x3 + j);
            b0.intoArray(dx, x0 + j + L);
            b1.intoArray(dx, x1 + j + L);
            b2.intoArray(dx, x2 + j + L);
            b3.intoArray(dx, x3 + j + L);
        }
        for (; j + L <= cw; j += L) {
            FloatVector a0 = FloatVector.fromArray(F, dx, x0 + j);
            FloatVector a1 = FloatVector.fromArray(F, dx, x1 + j);
            FloatVector a2 = FloatVector.fromArray(F, dx, x2 + j);
            FloatVector a3 = FloatVector.fromArray(F, dx, x3 + j);
            for (int o = 0; o < p; o++) {
                FloatVector w0 = FloatVector.fromArray(F, buf, o * cw + j);
                a0 = w0.fma(FloatVector.broadcast(F, dy[d0 + o]), a0);
                a1 = w0.fma(FloatVector.broadcast(F, dy[d1 + o]), a1);
                a2 = w0.fma(FloatVector.broadcast(F, dy[d2 + o]), a2);
                a3 = w0.fma(FloatVector.broadcast(F, dy[d3 + o]), a3);
            }
            a0.intoArray(dx, x0 + j);
            a1.intoArray(dx, x1 + j);
            a2.intoArray(dx, x2 + j);
            a3.intoArray(dx, x3 + j);
        }
        for (; j < cw; j++) {
            float s0 = dx[x0 + j];
            float s1 = dx[x1 + j];
            float s2 = dx[x2 + j];
            float s3 = dx[x3 + j];
            for (int o = 0; o < p; o++) {
                float wv = buf[o * cw + j];
                s0 = Math.fma(wv, dy[d0 + o], s0);
                s1 = Math.fma(wv, dy[d1 + o], s1);
                s2 = Math.fma(wv, dy[d2 + o], s2);
                s3 = Math.fma(wv, dy[d3 + o], s3);
            }
            dx[x0 + j] = s0;
            dx[x1 + j] = s1;
            dx[x2 + j] = s2;
            dx[x3 + j] = s3;
        }
    }

    /** One token: dx[j] += Σ_o dy[o] · buf[o][j], with the same fused steps in the same order as {@link #panel4}. */
    private static void panel1(float[] buf, int cw, int p, float[] dy, int dyOff, float[] dx, int dxOff) {
        int j = 0;
        for (; j + L <= cw; j += L) {
            FloatVector a = FloatVector.fromArray(F, dx, dxOff + j);
            for (int o = 0; o < p; o++) {
                a = FloatVector.fromArray(F, buf, o * cw + j).fma(FloatVector.broadcast(F, dy[dyOff + o]), a);
            }
            a.intoArray(dx, dxOff + j);
        }
        for (; j < cw; j++) {
            float s = dx[dxOff + j];
            for (int o = 0; o < p; o++) {
                s = Math.fma(buf[o * cw + j], dy[dyOff + o], s);
            }
            dx[dxOff + j] = s;
        }
    }
}
