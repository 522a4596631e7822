package dev.starling.ai.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SamplingParamsTest {

    private static String paramOf(SamplingParams p) {
        return p.validate(100).map(BackendError::param).orElse("valid");
    }

    @Test
    void eachOutOfRangeValueNamesItsParameter() {
        SamplingParams ok = SamplingParams.defaults(10);
        assertEquals("valid", paramOf(ok));
        assertEquals("valid", paramOf(SamplingParams.greedy(100)));
        assertEquals("temperature", paramOf(ok.withTemperature(-0.1)));
        assertEquals("temperature", paramOf(ok.withTemperature(Double.NaN)));
        assertEquals("max_tokens", paramOf(ok.withMaxTokens(0)));
        assertEquals("max_tokens", paramOf(ok.withMaxTokens(101)));
        assertEquals("stop", paramOf(ok.withStop(List.of(""))));
        assertEquals("stop", paramOf(ok.withStop(List.of("a", "b", "c", "d", "e"))));
        assertEquals("stop", paramOf(ok.withStop(List.of("x".repeat(257)))));
        assertEquals("top_p", paramOf(new SamplingParams(1, 0, 0, 0, 1, 0, 0, OptionalLong.empty(), 5, List.of())));
        assertEquals("top_k", paramOf(new SamplingParams(1, 1, -1, 0, 1, 0, 0, OptionalLong.empty(), 5, List.of())));
        assertEquals("min_p", paramOf(new SamplingParams(1, 1, 0, 1, 1, 0, 0, OptionalLong.empty(), 5, List.of())));
        assertEquals("repetition_penalty",
                paramOf(new SamplingParams(1, 1, 0, 0, 0, 0, 0, OptionalLong.empty(), 5, List.of())));
        assertEquals("frequency_penalty",
                paramOf(new SamplingParams(1, 1, 0, 0, 1, 3, 0, OptionalLong.empty(), 5, List.of())));
        assertEquals("presence_penalty",
                paramOf(new SamplingParams(1, 1, 0, 0, 1, 0, -3, OptionalLong.empty(), 5, List.of())));
        assertTrue(ok.withTemperature(9).validate(100).orElseThrow().message().contains("9.0"));
    }
}
