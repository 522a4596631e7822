package dev.starling.llm.gguf.quant;

import static dev.starling.llm.gguf.quant.Quantize.nearestInt;

/**
 * The k-quant reference quantizers ({@code quantize_row_q4_K_ref}, {@code quantize_row_q6_K_ref} with their
 * helpers {@code make_qkx2_quants} and {@code make_qx_quants}), 256-value super-blocks.
 */
final class KQuants {

    static final int QK_K = 256;
    private static final float GROUP_MAX_EPS = 1e-15f;

    private KQuants() {
    }

    /**
     * Q4_K block (144 bytes): half d, half dmin, scales[12], qs[128]. Eight sub-blocks of 32 values each get a
     * 6-bit scale and a 6-bit min (packed by {@link #scaleMinK4}); x = d * sc * q - dmin * m with q in 0..15.
     */
    static void q4_K(float[] x, int xOff, int n, byte[] y, int yOff) {
        byte[] l = new byte[QK_K];
        byte[] laux = new byte[32];
        float[] weights = new float[32];
        float[] mins = new float[QK_K / 32];
        float[] scales = new float[QK_K / 32];
        float[] theMin = new float[1];
        for (int b = 0; b < n / QK_K; b++) {
            int xb = xOff + QK_K * b;
            int yb = yOff + 144 * b;
            java.util.Arrays.fill(y, yb, yb + 144, (byte) 0);
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < QK_K / 32; j++) {
                float sumX2 = 0;
                for (int i = 0; i < 32; i++) {
                    sumX2 += x[xb + 32 * j + i] * x[xb + 32 * j + i];
                }
                float avX = (float) Math.sqrt(sumX2 / 32);
                for (int i = 0; i < 32; i++) {
                    weights[i] = avX + Math.abs(x[xb + 32 * j + i]);
                }
                scales[j] = makeQkx2Quants(32, 15, x, xb + 32 * j, weights, l, 32 * j, theMin, laux,
                        -1f, 0.1f, 20);
                mins[j] = theMin[0];
                if (scales[j] > maxScale) {
                    maxScale = scales[j];
                }
                if (mins[j] > maxMin) {
                    maxMin = mins[j];
                }
            }
            float invScale = maxScale > 0 ? 63f / maxScale : 0f;
            float invMin = maxMin > 0 ? 63f / maxMin : 0f;
            int sc = yb + 4; // scales[12]
            for (int j = 0; j < QK_K / 32; j++) {
                int ls = Math.min(63, nearestInt(invScale * scales[j]) & 0xFF);
                int lm = Math.min(63, nearestInt(invMin * mins[j]) & 0xFF);
                if (j < 4) {
                    y[sc + j] = (byte) ls;
                    y[sc + j + 4] = (byte) lm;
                } else {
                    y[sc + j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
                    y[sc + j - 4] |= (byte) ((ls >> 4) << 6);
                    y[sc + j] |= (byte) ((lm >> 4) << 6);
                }
            }
            short dh = Float.floatToFloat16(maxScale / 63f);
            short dminh = Float.floatToFloat16(maxMin / 63f);
            Bytes.putShort(y, yb, dh);
            Bytes.putShort(y, yb + 2, dminh);
            float dAll = Float.float16ToFloat(dh);
            float dminAll = Float.float16ToFloat(dminh);
            int[] scm = new int[2];
            for (int j = 0; j < QK_K / 32; j++) {
                scaleMinK4(j, y, sc, scm);
                float d = dAll * scm[0];
                if (d == 0) {
                    continue;
                }
                float dm = dminAll * scm[1];
                for (int i = 0; i < 32; i++) {
                    int q = nearestInt((x[xb + 32 * j + i] + dm) / d);
                    l[32 * j + i] = (byte) Math.max(0, Math.min(15, q));
                }
            }
            int q = yb + 16;
            for (int j = 0; j < QK_K; j += 64) {
                for (int i = 0; i < 32; i++) {
                    y[q + i] = (byte) (l[j + i] | (l[j + i + 32] << 4));
                }
                q += 32;
            }
        }
    }

    /** get_scale_min_k4: the 6-bit scale (out[0]) and min (out[1]) of sub-block j from the 12 packed bytes. */
    static void scaleMinK4(int j, byte[] q, int off, int[] out) {
        if (j < 4) {
            out[0] = q[off + j] & 63;
            out[1] = q[off + j + 4] & 63;
        } else {
            out[0] = (q[off + j + 4] & 0xF) | (((q[off + j - 4] & 0xFF) >> 6) << 4);
            out[1] = ((q[off + j + 4] & 0xFF) >> 4) | (((q[off + j] & 0xFF) >> 6) << 4);
        }
    }

    private static float makeQkx2Quants(int n, int nmax, float[] x, int xo, float[] weights, byte[] l, int lo,
            float[] theMin, byte[] laux, float rmin, float rdelta, int nstep) {
        float min = x[xo];
        float max = x[xo];
        float sumW = weights[0];
        float sumX = sumW * x[xo];
        for (int i = 1; i < n; i++) {
            if (x[xo + i] < min) {
                min = x[xo + i];
            }
            if (x[xo + i] > max) {
                max = x[xo + i];
            }
            float w = weights[i];
            sumW += w;
            sumX += w * x[xo + i];
        }
        if (min > 0) {
            min = 0;
        }
        if (max == min) {
            for (int i = 0; i < n; i++) {
                l[lo + i] = 0;
            }
            theMin[0] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; i++) {
            int q = nearestInt(iscale * (x[xo + i] - min));
            l[lo + i] = (byte) Math.max(0, Math.min(nmax, q));
            float diff = scale * l[lo + i] + min - x[xo + i];
            bestError += weights[i] * (diff * diff);
        }
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXl = 0;
            for (int i = 0; i < n; i++) {
                int q = Math.max(0, Math.min(nmax, nearestInt(iscale * (x[xo + i] - min))));
                laux[i] = (byte) q;
                float w = weights[i];
                sumL += w * q;
                sumL2 += w * q * q;
                sumXl += w * q * x[xo + i];
            }
            float dd = sumW * sumL2 - sumL * sumL;
            if (dd > 0) {
                float thisScale = (sumW * sumXl - sumX * sumL) / dd;
                float thisMin = (sumL2 * sumX - sumL * sumXl) / dd;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXl / sumL2;
                }
                float curError = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * laux[i] + thisMin - x[xo + i];
                    curError += weights[i] * (diff * diff);
                }
                if (curError < bestError) {
                    System.arraycopy(laux, 0, l, lo, n);
                    bestError = curError;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        theMin[0] = -min;
        return scale;
    }

    /**
     * Q6_K block (210 bytes): ql[128] low 4 bits, qh[64] high 2 bits, int8 scales[16] (one per 16 values), half d;
     * x = d * scale * (q - 32) with q in 0..63.
     */
    static void q6_K(float[] x, int xOff, int n, byte[] y, int yOff) {
        byte[] l = new byte[QK_K];
        float[] scales = new float[QK_K / 16];
        for (int b = 0; b < n / QK_K; b++) {
            int xb = xOff + QK_K * b;
            int yb = yOff + 210 * b;
            java.util.Arrays.fill(y, yb, yb + 210, (byte) 0);
            float maxScale = 0;
            float maxAbsScale = 0;
            for (int ib = 0; ib < QK_K / 16; ib++) {
                float scale = makeQxQuants(16, 32, x, xb + 16 * ib, l, 16 * ib);
                scales[ib] = scale;
                float abs = Math.abs(scale);
                if (abs > maxAbsScale) {
                    maxAbsScale = abs;
                    maxScale = scale;
                }
            }
            if (maxAbsScale < GROUP_MAX_EPS) {
                continue; // all-zero block, d = 0
            }
            int ql = yb;
            int qh = yb + 128;
            int sc = yb + 192;
            int dOff = yb + 208;
            float iscale = -128f / maxScale;
            short dh = Float.floatToFloat16(1 / iscale);
            Bytes.putShort(y, dOff, dh);
            for (int ib = 0; ib < QK_K / 16; ib++) {
                y[sc + ib] = (byte) Math.min(127, nearestInt(iscale * scales[ib]));
            }
            float dAll = Float.float16ToFloat(dh);
            for (int j = 0; j < QK_K / 16; j++) {
                float d = dAll * y[sc + j];
                if (d == 0) {
                    continue;
                }
                for (int i = 0; i < 16; i++) {
                    int q = nearestInt(x[xb + 16 * j + i] / d);
                    l[16 * j + i] = (byte) (Math.max(-32, Math.min(31, q)) + 32);
                }
            }
            for (int j = 0; j < QK_K; j += 128) {
                for (int i = 0; i < 32; i++) {
                    int q1 = l[j + i] & 0xF;
                    int q2 = l[j + i + 32] & 0xF;
                    int q3 = l[j + i + 64] & 0xF;
                    int q4 = l[j + i + 96] & 0xF;
                    y[ql + i] = (byte) (q1 | (q3 << 4));
                    y[ql + i + 32] = (byte) (q2 | (q4 << 4));
                    y[qh + i] = (byte) ((l[j + i] >> 4) | ((l[j + i + 32] >> 4) << 2)
                            | ((l[j + i + 64] >> 4) << 4) | ((l[j + i + 96] >> 4) << 6));
                }
                ql += 64;
                qh += 32;
            }
        }
    }

    /** make_qx_quants with rmse_type 1 (weights x^2) and no importance weights. Stores q + nmax in l. */
    private static float makeQxQuants(int n, int nmax, float[] x, int xo, byte[] l, int lo) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[xo + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) {
                l[lo + i] = 0;
            }
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            int q = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[xo + i])));
            l[lo + i] = (byte) (q + nmax);
            float w = x[xo + i] * x[xo + i];
            sumlx += w * x[xo + i] * q;
            suml2 += w * q * q;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0f;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) {
                continue;
            }
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = 0;
            suml2 = 0;
            for (int i = 0; i < n; i++) {
                int q = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[xo + i])));
                float w = x[xo + i] * x[xo + i];
                sumlx += w * x[xo + i] * q;
                suml2 += w * q * q;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; i++) {
                    int q = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[xo + i])));
                    l[lo + i] = (byte) (nmax + q);
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }
}
