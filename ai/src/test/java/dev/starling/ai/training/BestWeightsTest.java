package dev.starling.ai.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.train.LlamaParameters;
import org.junit.jupiter.api.Test;

class BestWeightsTest {

    @Test
    void keepsTheBestWeightsAndStopsAfterPatienceValidationsWithoutANewBest() {
        TrainingConfig c = TestCorpora.tiny(1);
        LlamaParameters p = new LlamaParameters(c.modelConfig(), true);
        p.initialize(3, 0.05);
        float[] atBest = p.all().get(0).value().clone();
        BestWeights best = new BestWeights(2);
        assertFalse(best.offer(2.0, 10, p));
        assertFalse(best.offer(1.5, 20, p), "a new best resets the count");
        p.initialize(4, 0.05); // the weights move on after the best
        assertFalse(best.offer(1.6, 30, p));
        assertTrue(best.offer(1.7, 40, p), "two validations without a new best");
        assertEquals(1.5, best.bestLoss());
        assertEquals(20, best.bestStep());
        assertTrue(best.beats(1.7));
        assertFalse(best.beats(1.4), "weights that ended better are kept");
        best.restoreInto(p);
        // the copy was taken at step 20, after the first initialization: the restored weights are those
        assertArrayEquals(atBest, p.all().get(0).value());
    }

    @Test
    void nothingToRestoreBeforeAnyValidation() {
        BestWeights best = new BestWeights(3);
        assertFalse(best.beats(Double.POSITIVE_INFINITY));
        assertFalse(best.beats(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new BestWeights(0));
    }
}
