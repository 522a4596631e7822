package dev.starling.llm.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.RopeStyle;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Finite differences in float64 against the analytic backward, for every parameter tensor of a tiny
 * model (so every block: embedding, both RMSNorms, q/k/v/o with rope and grouped KV heads, SwiGLU,
 * final norm, output or tied embedding, cross-entropy). The forward is a float64 function of the
 * F32 parameters; each central difference uses the step actually representable in F32.
 */
class GradientCheckTest {

    @Test
    void untiedNormalRope() {
        check(TinyModels.config("llama", 16, 2, 4, 2, 24, 11, RopeStyle.NORMAL), false, TinyModels.seed());
    }

    @Test
    void tiedNeoxRopeMultiQuery() {
        check(TinyModels.config("qwen2", 16, 2, 4, 1, 20, 13, RopeStyle.NEOX), true, TinyModels.seed());
    }

    /** With dropout the loss is still a smooth function of the weights for a fixed mask (one dropout key). */
    @Test
    void dropoutOnEveryBranch() {
        long seed = TinyModels.seed();
        check(TinyModels.config("llama", 16, 2, 4, 2, 24, 11, RopeStyle.NORMAL), false, seed, new Dropout(0.25, seed), 99);
    }

    private static void check(ModelConfig c, boolean tied, long seed) {
        check(c, tied, seed, Dropout.NONE, 0);
    }

    private static void check(ModelConfig c, boolean tied, long seed, Dropout dropout, long key) {
        SplittableRandom rnd = new SplittableRandom(seed);
        LlamaParameters p = new LlamaParameters(c, tied);
        p.initialize(rnd.nextLong(), 0.3);
        // perturb norm gains away from 1 so their gradients are exercised in general position
        for (TrainParameter t : p.all()) {
            if (t.name().endsWith("norm.weight")) {
                for (int i = 0; i < t.size(); i++) {
                    t.value()[i] = (float) (1 + 0.3 * LlamaParameters.gaussian(rnd));
                }
            }
        }
        int batch = 2;
        int seq = 5;
        int[] tokens = new int[batch * seq];
        int[] targets = new int[batch * seq];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rnd.nextInt(c.vocabSize());
            targets[i] = rnd.nextInt(c.vocabSize());
        }
        LlamaReference ref = new LlamaReference(p, dropout);
        p.zeroGrad();
        double gradScale = 0.75; // gradients scale linearly, as accumulation relies on
        ref.forwardBackward(tokens, targets, batch, seq, gradScale, key);
        double h = 1e-4; // central differences: truncation error ~h², the float64 forward keeps rounding noise ~1e-16/h
        int checked = 0;
        for (TrainParameter t : p.all()) {
            double worst = 0;
            for (int trial = 0; trial < 12; trial++) {
                // for the embedding, probe rows of tokens in the batch (other rows have zero gradient)
                int i = t.name().equals("token_embd.weight") && trial % 2 == 0
                        ? tokens[rnd.nextInt(tokens.length)] * t.cols() + rnd.nextInt(t.cols())
                        : rnd.nextInt(t.size());
                float w = t.value()[i];
                float plus = (float) (w + h);
                float minus = (float) (w - h);
                t.value()[i] = plus;
                double lp = ref.forward(tokens, targets, batch, seq, false, key).loss();
                t.value()[i] = minus;
                double lm = ref.forward(tokens, targets, batch, seq, false, key).loss();
                t.value()[i] = w;
                double numeric = gradScale * (lp - lm) / ((double) plus - (double) minus);
                double analytic = t.grad()[i];
                double err = Math.abs(analytic - numeric);
                double tol = 2e-3 * Math.max(Math.abs(analytic), Math.abs(numeric)) + 2e-6;
                assertTrue(err <= tol, t.name() + "[" + i + "]: analytic " + analytic + " vs numeric " + numeric + " (seed " + seed + ")");
                worst = Math.max(worst, err / (Math.abs(numeric) + 1e-6));
                checked++;
            }
            System.out.printf("%-24s worst relative error %.2e%n", t.name(), worst);
        }
        assertTrue(checked >= 12 * p.all().size());
        // the gradient is not trivially zero
        double norm = 0;
        for (TrainParameter t : p.all()) {
            for (float g : t.grad()) {
                norm += g * g;
            }
        }
        assertTrue(norm > 1e-6, "gradient norm " + norm);
    }
}
