package dev.starling.llm.train;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.RopeStyle;

/**
 * Angles of rotary embeddings for positions 0..seq-1, with the same frequencies and dimension pairing
 * as inference ({@code dev.starling.llm.model.Transformer}): invFreq[j] = theta^(-2j/ropeDims) · freqScale;
 * NORMAL pairs (2j, 2j+1) (llama, mistral), NEOX pairs (j, j + ropeDims/2) (qwen).
 */
final class RopeTables {
    private final int half;
    private final RopeStyle style;
    private final double[] cos; // [seq][half]
    private final double[] sin; // [seq][half]

    RopeTables(ModelConfig c, int seq) {
        this.half = c.ropeDims() / 2;
        this.style = c.ropeStyle();
        this.cos = new double[seq * half];
        this.sin = new double[seq * half];
        for (int j = 0; j < half; j++) {
            double f = StrictMath.pow(c.ropeTheta(), -2.0 * j / c.ropeDims()) * c.ropeFreqScale();
            for (int p = 0; p < seq; p++) {
                // inference rounds cos/sin to float; do the same so both compute one function
                cos[p * half + j] = (float) StrictMath.cos(p * f);
                sin[p * half + j] = (float) StrictMath.sin(p * f);
            }
        }
    }

    int half() {
        return half;
    }

    double cos(int pos, int j) {
        return cos[pos * half + j];
    }

    double sin(int pos, int j) {
        return sin[pos * half + j];
    }

    int first(int j) {
        return style == RopeStyle.NORMAL ? 2 * j : j;
    }

    int second(int j) {
        return style == RopeStyle.NORMAL ? 2 * j + 1 : j + half;
    }
}
