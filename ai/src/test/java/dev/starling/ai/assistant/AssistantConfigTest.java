package dev.starling.ai.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The assistant's copy weight: unset by default (the model's rule decides), settable within [0, 1), kept by other withers. */
class AssistantConfigTest {

    @Test
    void copyWeightIsUnsetByDefaultSettableAndBounded() {
        assertTrue(AssistantConfig.defaults().copyWeight().isEmpty());
        AssistantConfig c = AssistantConfig.defaults().withCopyWeight(0.3).withHandle("helper").withTemperature(0.2);
        assertEquals(0.3, c.copyWeight().getAsDouble());
        assertEquals("helper", c.handle());
        assertEquals(0.0, AssistantConfig.defaults().withCopyWeight(0).copyWeight().getAsDouble());
        for (double bad : new double[] {-0.1, 1.0, Double.NaN}) {
            var e = assertThrows(IllegalArgumentException.class, () -> AssistantConfig.defaults().withCopyWeight(bad));
            assertTrue(e.getMessage().contains("copy weight must be in [0, 1)"), e.getMessage());
        }
    }
}
