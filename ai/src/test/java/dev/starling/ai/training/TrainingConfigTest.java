package dev.starling.ai.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingConfigTest {

    @Test
    void presetsAreValidAndGrow() {
        long last = 0;
        for (String name : TrainingConfig.PRESETS) {
            TrainingConfig c = TrainingConfig.preset(name).validate();
            long params = new dev.starling.llm.train.LlamaParameters(c.modelConfig(), true).count();
            assertTrue(params > last, name + " has " + params + " parameters");
            last = params;
        }
        assertEquals(List.of(), TrainingConfig.preset("SMALL").problems());
    }

    @Test
    void everyBadValueIsNamed() {
        TrainingConfig bad = TrainingConfig.preset("tiny").withShape(30, 0, 4, 3, 10).withData(100, 1, 0, 1)
                .withStop(0, 0).withValidation(0, 1, 0.9).withDropout(0.6);
        String message = assertThrows(IllegalArgumentException.class, bad::validate).getMessage();
        for (String expected : List.of("layers 0 is outside", "vocab 100 is outside", "seq 1 is outside",
                "batch 0 is outside", "val-every 0", "dim 30 is not a multiple of heads 4",
                "heads 4 is not a multiple of kv-heads 3", "give a number of steps or a time budget",
                "validation fraction 0.9", "dropout 0.6 is outside")) {
            assertTrue(message.contains(expected), "missing '" + expected + "' in: " + message);
        }
        assertThrows(IllegalArgumentException.class, () -> TrainingConfig.preset("huge"));
    }
}
