package dev.starling.llm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.RopeStyle;
import dev.starling.llm.tensor.ComputePool;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Each fast training kernel against the readable float64 reference ({@link Ops}, {@link Attention}) on
 * random shapes, including sizes that are not multiples of the micro-tile (ragged row and column edges),
 * and independent of the thread count (bit for bit).
 */
class TrainKernelsTest {

    @Test
    void matmulsInAllThreeLayoutsMatchTheReference() {
        long seed = TinyModels.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        try (ComputePool one = new ComputePool(1); ComputePool three = new ComputePool(3)) {
            for (int trial = 0; trial < 42; trial++) {
                int n = 1 + rnd.nextInt(trial < 20 ? 20 : 70);
                int in = 1 + rnd.nextInt(trial < 20 ? 40 : 90);
                int out = 1 + rnd.nextInt(trial < 20 ? 40 : 90);
                if (trial >= 40) { // k longer than a k block (TrainKernels.KC): dY·W has k = out, dYᵀ·X has k = n
                    n = trial == 40 ? 1 + rnd.nextInt(20) : TrainKernels.KC + 1 + rnd.nextInt(700);
                    out = trial == 40 ? TrainKernels.KC + 1 + rnd.nextInt(700) : 1 + rnd.nextInt(40);
                }
                String at = "seed " + seed + " trial " + trial + " n " + n + " in " + in + " out " + out;
                float[] x = random(rnd, n * in);
                float[] w = random(rnd, out * in);
                float[] dy = random(rnd, n * out);
                double[] xd = toDouble(x);
                double[] dyd = toDouble(dy);

                double[] yRef = new double[n * out];
                Ops.matmul(xd, w, yRef, n, in, out);
                float[] y = new float[n * out];
                TrainKernels.matmul(one, x, w, y, n, in, out);
                float[] y3 = new float[n * out];
                TrainKernels.matmul(three, x, w, y3, n, in, out);
                assertClose(yRef, y, in, "X·Wᵀ " + at);
                assertArrayEquals(y, y3, "X·Wᵀ depends on the thread count, " + at);

                double[] dxRef = new double[n * in];
                float[] dwRef = new float[out * in];
                Ops.matmulBackward(xd, w, dyd, dxRef, dwRef, n, in, out);
                float[] dx = new float[n * in];
                TrainKernels.matmulBackwardInput(one, dy, w, dx, n, in, out);
                float[] dx3 = new float[n * in];
                TrainKernels.matmulBackwardInput(three, dy, w, dx3, n, in, out);
                assertClose(dxRef, dx, out, "dY·W " + at);
                assertArrayEquals(dx, dx3, "dY·W depends on the thread count, " + at);

                float[] dw = new float[out * in];
                TrainKernels.matmulBackwardWeight(one, x, dy, dw, n, in, out);
                float[] dw3 = new float[out * in];
                TrainKernels.matmulBackwardWeight(three, x, dy, dw3, n, in, out);
                assertClose(toDouble(dwRef), dw, n, "dYᵀ·X " + at);
                assertArrayEquals(dw, dw3, "dYᵀ·X depends on the thread count, " + at);

                // the backward kernels add to what is there
                float[] base = random(rnd, out * in);
                float[] acc = base.clone();
                TrainKernels.matmulBackwardWeight(one, x, dy, acc, n, in, out);
                for (int i = 0; i < acc.length; i++) {
                    assertEquals(base[i] + dw[i], acc[i], 1e-5 * (1 + Math.abs(base[i]) + Math.abs(dw[i])), "accumulate " + at);
                }
            }
        }
    }

    @Test
    void attentionMatchesTheReference() {
        long seed = TinyModels.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] shapes = {{32, 4, 2}, {72, 4, 4}, {36, 6, 2}, {64, 2, 1}, {30, 3, 1}};
        try (ComputePool one = new ComputePool(1); ComputePool three = new ComputePool(3)) {
            for (int[] s : shapes) {
                ModelConfig c = TinyModels.config("llama", s[0], 1, s[1], s[2], 8, 8, RopeStyle.NORMAL);
                int batch = 1 + rnd.nextInt(3);
                int seq = 1 + rnd.nextInt(45);
                int n = batch * seq;
                String at = "seed " + seed + " dim " + s[0] + " heads " + s[1] + "/" + s[2] + " batch " + batch + " seq " + seq;
                float[] q = random(rnd, n * c.qDim());
                float[] k = random(rnd, n * c.kvDim());
                float[] v = random(rnd, n * c.kvDim());
                float[] dOut = random(rnd, n * c.qDim());
                double[] probsRef = new double[batch * c.heads() * seq * seq];
                double[] outRef = new double[n * c.qDim()];
                Attention.forward(c, toDouble(q), toDouble(k), toDouble(v), probsRef, outRef, batch, seq);
                double[] dqRef = new double[n * c.qDim()];
                double[] dkRef = new double[n * c.kvDim()];
                double[] dvRef = new double[n * c.kvDim()];
                Attention.backward(c, toDouble(q), toDouble(k), toDouble(v), probsRef, toDouble(dOut), dqRef, dkRef, dvRef, batch, seq);

                float[][] r1 = fastAttention(one, c, q, k, v, dOut, batch, seq);
                float[][] r3 = fastAttention(three, c, q, k, v, dOut, batch, seq);
                String[] names = {"probs", "out", "dq", "dk", "dv"};
                double[][] refs = {probsRef, outRef, dqRef, dkRef, dvRef};
                for (int i = 0; i < names.length; i++) {
                    assertClose(refs[i], r1[i], 4 * seq, names[i] + " " + at);
                    assertArrayEquals(r1[i], r3[i], names[i] + " depends on the thread count, " + at);
                }
            }
        }
    }

    private static float[][] fastAttention(ComputePool pool, ModelConfig c, float[] q, float[] k, float[] v, float[] dOut,
                                           int batch, int seq) {
        int n = batch * seq;
        float[] probs = new float[batch * c.heads() * seq * seq];
        java.util.Arrays.fill(probs, Float.NaN); // every entry must be written, zeros above the diagonal included
        float[] out = new float[n * c.qDim()];
        FastAttention.forward(pool, c, q, k, v, probs, out, batch, seq);
        float[] dq = new float[n * c.qDim()];
        float[] dk = new float[n * c.kvDim()];
        float[] dv = new float[n * c.kvDim()];
        FastAttention.backward(pool, c, q, k, v, probs, dOut, dq, dk, dv, batch, seq);
        return new float[][] {probs, out, dq, dk, dv};
    }

    @Test
    void vectorExpMatchesItsScalarTwinAndMathExp() {
        long seed = TinyModels.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 1000 + rnd.nextInt(50); // a ragged tail goes through the scalar twin
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() * -90);
        }
        x[0] = 0f;
        x[1] = -1e-30f;
        float[] y = x.clone();
        float sum = TrainKernels.expShifted(y, 0, n, 0f);
        double exact = 0;
        for (int i = 0; i < n; i++) {
            double e = Math.exp(x[i]);
            exact += e;
            assertEquals(TrainKernels.expScalar(x[i]), y[i], 0f, "vector and scalar exp differ at " + x[i] + ", seed " + seed);
            if (x[i] > -87) {
                assertEquals(e, y[i], 3e-7 * e, "exp(" + x[i] + "), seed " + seed);
            } else {
                assertTrue(y[i] < 2e-38, "exp(" + x[i] + ") = " + y[i]);
            }
        }
        assertEquals(exact, sum, 1e-6 * exact, "sum, seed " + seed);
    }

    @Test
    void clipAndAdamWOnThreadsGiveTheSameBitsAsOnOneThread() {
        long seed = TinyModels.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        java.util.List<TrainParameter> a = new java.util.ArrayList<>();
        java.util.List<TrainParameter> b = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int rows = 1 + rnd.nextInt(300);
            int cols = 1 + rnd.nextInt(200);
            TrainParameter p = new TrainParameter("p" + i, rows, cols, random(rnd, rows * cols), random(rnd, rows * cols), i != 1);
            a.add(p);
            b.add(new TrainParameter(p.name(), rows, cols, p.value().clone(), p.grad().clone(), p.decay()));
        }
        AdamW oneThread = new AdamW(0.9, 0.95, 1e-8, 0.1);
        AdamW threads = new AdamW(0.9, 0.95, 1e-8, 0.1);
        try (ComputePool one = new ComputePool(1); ComputePool three = new ComputePool(3)) {
            for (int step = 0; step < 3; step++) {
                double n1 = GradClip.clip(a, 0.5, one);
                double n3 = GradClip.clip(b, 0.5, three);
                assertEquals(n1, n3, 0.0, "norm depends on the thread count, seed " + seed);
                assertEquals(GradClip.globalNorm(java.util.List.of(a.get(0))), GradClip.globalNorm(java.util.List.of(a.get(0)), one),
                        1e-12 * n1, "blocked norm, seed " + seed);
                oneThread.step(a, 1e-2);
                threads.step(b, 1e-2, three);
                for (int i = 0; i < a.size(); i++) {
                    assertArrayEquals(a.get(i).value(), b.get(i).value(), "AdamW on threads, step " + step + " seed " + seed);
                    assertArrayEquals(oneThread.moments(a.get(i))[1], threads.moments(b.get(i))[1], "second moment, seed " + seed);
                }
            }
        }
    }

    /** Each element within 1e-5 of the scale of its k terms (inputs are in [-1, 1)). */
    private static void assertClose(double[] expected, float[] actual, int terms, String what) {
        assertEquals(expected.length, actual.length, what);
        double tol = 1e-5 * Math.max(1, Math.sqrt(terms)) * 4;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, what + " [" + i + "]");
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
