package dev.starling.ai.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.train.FastLlama;
import dev.starling.llm.train.LlamaParameters;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ValidationLossTest {

    @Test
    void forwardOnlyLossEqualsTheTrainingLossAndLeavesGradientsAlone() {
        TrainingConfig c = TestCorpora.tiny(1);
        LlamaParameters p = new LlamaParameters(c.modelConfig(), true);
        p.initialize(3, 0.05);
        SplittableRandom r = new SplittableRandom(4);
        int n = c.batch() * c.seq();
        int[] tok = r.ints(n, 0, c.vocabSize()).toArray();
        int[] tgt = r.ints(n, 0, c.vocabSize()).toArray();
        try (ComputePool pool = new ComputePool(2)) {
            FastLlama m = new FastLlama(p, pool);
            p.zeroGrad();
            double lossOnly = m.loss(tok, tgt, c.batch(), c.seq());
            for (var t : p.all()) {
                for (float g : t.grad()) {
                    assertEquals(0f, g, "gradient of " + t.name() + " touched");
                }
            }
            assertEquals(m.lossAndGrad(tok, tgt, c.batch(), c.seq(), 1.0), lossOnly, 0.0);
        }
    }

    @Test
    void validationUsesFixedWindowsAndShortStreams() {
        TrainingConfig c = TestCorpora.tiny(1);
        LlamaParameters p = new LlamaParameters(c.modelConfig(), true);
        p.initialize(3, 0.05);
        try (ComputePool pool = new ComputePool(1)) {
            FastLlama m = new FastLlama(p, pool);
            int[] stream = new SplittableRandom(5).ints(500, 0, c.vocabSize()).toArray();
            double a = ValidationLoss.of(m, stream, c);
            assertEquals(a, ValidationLoss.of(m, stream, c), 0.0);
            // a validation split shorter than one sequence still gives a loss over what there is
            double shortLoss = ValidationLoss.of(m, java.util.Arrays.copyOf(stream, 10), c);
            assertEquals(m.loss(java.util.Arrays.copyOf(stream, 9), java.util.Arrays.copyOfRange(stream, 1, 10), 1, 9),
                    shortLoss, 1e-12);
            assertEquals(Double.NaN, ValidationLoss.of(m, new int[1], c));
        }
    }
}
