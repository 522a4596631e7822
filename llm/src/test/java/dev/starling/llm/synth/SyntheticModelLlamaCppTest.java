package dev.starling.llm.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.bench.LlamaCppReference;
import dev.starling.llm.json.JsonValue;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * llama.cpp (node-llama-cpp, scripts/llamacpp) loads synthetic models and generates from them: four cases that cover
 * the three decoder architectures, both real vocabularies and the Q4_K_M mix (Q4_K and Q6_K), and a BERT encoder, a
 * few seconds each. (All 7 types x 4 small shapes, and llama-3.2-1b, qwen2.5-0.5b, qwen3-0.6b and bge-small were
 * checked by hand; they are too large or slow for a unit test.) Skips when the reference is not installed.
 */
class SyntheticModelLlamaCppTest {

    private static LlamaCppReference llama;

    @TempDir
    Path dir;

    @BeforeAll
    static void reference() {
        llama = new LlamaCppReference(Path.of(System.getProperty("starling.project.dir", "..")));
        String why = llama.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "skipping llama.cpp loading of synthetic models: " + why);
    }

    @ParameterizedTest
    @CsvSource({
        "tiny-qwen3,  BF16, ''",
        "tiny-qwen2,  Q8_0, qwen3",
        "small-llama, Q4_K_M, ''",
        "tiny-llama,  Q4_0, llama3",
    })
    void llamaCppLoadsAndGenerates(String shapeName, String type, String realVocab) throws Exception {
        Shape shape = Shape.byName(shapeName);
        ModelVocabulary vocab;
        if (realVocab.isEmpty()) {
            vocab = ModelVocabulary.synthetic(1000);
        } else {
            vocab = TestVocabularies.json(realVocab);
        }
        Path model = dir.resolve(shapeName + "-" + type + ".gguf");
        SyntheticModel.Result r = SyntheticModel.write(shape, WeightMix.byName(type), vocab, 11, model);
        JsonValue.JsonObject out = llama.run("{\"model\": \"" + model + "\", \"prompt\": [1, 300, 301, 302],"
                + " \"generate\": 4, \"contextSize\": 64}", 120);
        var greedy = out.require("greedy").asArray();
        assertEquals(4, greedy.size(), out.toString());
        for (JsonValue t : greedy.elements()) {
            assertTrue(t.asLong() >= 0 && t.asLong() < r.vocabSize(), "token " + t.asLong());
        }
    }

    /** An encoder cannot generate; loading checks every tensor name and shape (a missing one fails the load). */
    @Test
    void llamaCppLoadsASyntheticBertEncoder() throws Exception {
        Path model = dir.resolve("tiny-bert.gguf");
        SyntheticModel.write(Shape.TINY_BERT, WeightMix.byName("F16"), null, 11, model);
        JsonValue.JsonObject out = llama.run("{\"model\": \"" + model + "\", \"prompt\": [101, 300, 102]}", 120);
        assertTrue(out.get("llamaCpp").isPresent(), out.toString());
    }
}
