package dev.starling.llm.train;

/**
 * Readable reference kernels, forward and backward, for the blocks of the Llama family.
 * Parameters and their gradients are F32; activations are kept in float64 so that the same code
 * serves the finite-difference gradient check (a float64 function of the F32 parameters).
 * Matrices are row-major: a weight {@code W} is {@code [out][in]} as in GGUF and PyTorch's Linear.
 */
final class Ops {
    private Ops() {
    }

    /** y[n][out] = x[n][in] · W[out][in]^T. */
    static void matmul(double[] x, float[] w, double[] y, int n, int in, int out) {
        for (int r = 0; r < n; r++) {
            int xo = r * in;
            for (int o = 0; o < out; o++) {
                int wo = o * in;
                double s = 0;
                for (int i = 0; i < in; i++) {
                    s += x[xo + i] * w[wo + i];
                }
                y[r * out + o] = s;
            }
        }
    }

    /**
     * Backward of {@link #matmul}: dx[n][in] += dy[n][out] · W[out][in] (when dx is not null) and
     * dW[out][in] += scale · dy^T · x.
     */
    static void matmulBackward(double[] x, float[] w, double[] dy, double[] dx, float[] dw, int n, int in, int out) {
        if (dx != null) {
            for (int r = 0; r < n; r++) {
                for (int o = 0; o < out; o++) {
                    double g = dy[r * out + o];
                    if (g == 0) {
                        continue;
                    }
                    int wo = o * in;
                    int xo = r * in;
                    for (int i = 0; i < in; i++) {
                        dx[xo + i] += g * w[wo + i];
                    }
                }
            }
        }
        double[] row = new double[in]; // [in] dW row accumulated in float64 before adding to the F32 grad
        for (int o = 0; o < out; o++) {
            java.util.Arrays.fill(row, 0);
            for (int r = 0; r < n; r++) {
                double g = dy[r * out + o];
                if (g == 0) {
                    continue;
                }
                int xo = r * in;
                for (int i = 0; i < in; i++) {
                    row[i] += g * x[xo + i];
                }
            }
            int wo = o * in;
            for (int i = 0; i < in; i++) {
                dw[wo + i] += (float) row[i];
            }
        }
    }

    /** y[n][d] = x · invRms · g, invRms[n] = 1 / sqrt(mean(x²) + eps) (saved for the backward). */
    static void rmsNorm(double[] x, float[] g, double[] y, double[] invRms, int n, int d, double eps) {
        for (int r = 0; r < n; r++) {
            int o = r * d;
            double ss = 0;
            for (int i = 0; i < d; i++) {
                ss += x[o + i] * x[o + i];
            }
            double inv = 1.0 / Math.sqrt(ss / d + eps);
            invRms[r] = inv;
            for (int i = 0; i < d; i++) {
                y[o + i] = x[o + i] * inv * g[i];
            }
        }
    }

    /**
     * Backward of {@link #rmsNorm}: dx += inv·(dy·g) − x·inv³/d · Σ(dy·g·x); dg += Σ_n dy·x·inv.
     */
    static void rmsNormBackward(double[] x, float[] g, double[] invRms, double[] dy, double[] dx, float[] dg, int n, int d) {
        double[] dgAcc = new double[d]; // [d]
        for (int r = 0; r < n; r++) {
            int o = r * d;
            double inv = invRms[r];
            double dot = 0;
            for (int i = 0; i < d; i++) {
                dot += dy[o + i] * g[i] * x[o + i];
                dgAcc[i] += dy[o + i] * x[o + i] * inv;
            }
            double k = inv * inv * inv / d * dot;
            for (int i = 0; i < d; i++) {
                dx[o + i] += inv * dy[o + i] * g[i] - x[o + i] * k;
            }
        }
        for (int i = 0; i < d; i++) {
            dg[i] += (float) dgAcc[i];
        }
    }

    /**
     * Rotates, in place, every head of every row by the angle pos·invFreq[j] (pos = row % seq), pairing
     * dimensions as inference does ({@link RopeTables}); {@code inverse} rotates by the opposite angle,
     * which is the backward of a rotation.
     */
    static void rope(double[] x, int n, int seq, int heads, int headDim, RopeTables t, boolean inverse) {
        int half = t.half();
        int stride = heads * headDim;
        for (int r = 0; r < n; r++) {
            int pos = r % seq;
            for (int h = 0; h < heads; h++) {
                int base = r * stride + h * headDim;
                for (int j = 0; j < half; j++) {
                    double c = t.cos(pos, j);
                    double s = inverse ? -t.sin(pos, j) : t.sin(pos, j);
                    int i0 = base + t.first(j);
                    int i1 = base + t.second(j);
                    double a = x[i0];
                    double b = x[i1];
                    x[i0] = a * c - b * s;
                    x[i1] = a * s + b * c;
                }
            }
        }
    }

    static double sigmoid(double v) {
        return 1.0 / (1.0 + dev.starling.llm.tensor.StableMath.exp(-v));
    }
}
