package dev.starling.llm.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.bench.LlamaCppReference;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.json.JsonValue;
import dev.starling.llm.synth.ModelVocabulary;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import dev.starling.llm.tensor.ComputePool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * End to end with a real vocabulary (Llama 3 and Qwen3 tokenizer.json from the shared data) in a small random
 * model: text prompt in, streamed text out, and the same greedy tokens as llama.cpp from the same prompt ids.
 */
class RealVocabularyTest {
    @TempDir
    static Path dir;

    @ParameterizedTest
    @CsvSource({"tiny-llama, llama3, llama-bpe", "tiny-qwen3, qwen3, qwen2"})
    void textInStreamedTextOutSameTokensAsLlamaCpp(String shapeName, String tokenizerDir, String pre) throws Exception {
        Path json = Path.of(System.getProperty("starling.shared.dir", "../shared"), "data", "tokenizers", tokenizerDir, "tokenizer.json");
        Assumptions.assumeTrue(Files.isRegularFile(json), () -> "skipping: shared tokenizer " + json + " is absent");
        Path model = dir.resolve(shapeName + ".gguf");
        SyntheticModel.write(Shape.byName(shapeName), GgmlType.F32, ModelVocabulary.fromTokenizerJson(json, pre), 5, model);
        try (ComputePool pool = new ComputePool(2); LlamaModel m = LlamaModel.load(model, pool, 4)) {
            StringBuilder streamed = new StringBuilder();
            GenerationResult r = m.generate(GenerationRequest.ofText("Hello, Starling! Let's talk about birds.", SamplingParams.greedy(), 24, List.of()),
                    (id, text) -> {
                        streamed.append(text);
                        return true;
                    });
            assertEquals(r.text(), streamed.toString());
            assertTrue(r.completionTokens() > 0);
            int[] prompt = m.tokenize("Hello, Starling! Let's talk about birds.");
            assertEquals(prompt.length, r.promptTokens());
            LlamaCppReference llama = new LlamaCppReference(Path.of(System.getProperty("starling.project.dir", "..")).toAbsolutePath());
            String why = llama.unavailableReason();
            Assumptions.assumeTrue(why == null, () -> "llama.cpp comparison skipped: " + why);
            JsonValue.JsonObject ref = llama.run("{\"model\":\"" + model + "\",\"prompt\":" + LlamaCppReference.ints(prompt)
                    + ",\"generate\":" + r.completionTokens() + ",\"threads\":2,\"contextSize\":256}", 180);
            int[] want = ref.require("greedy").asArray().elements().stream().mapToInt(JsonValue::asInt).toArray();
            int[] got = r.tokenIds();
            if (r.finishReason() == FinishReason.STOP) { // we stopped at an end-of-generation token; llama.cpp's evaluate goes on
                want = java.util.Arrays.copyOf(want, got.length);
            }
            assertArrayEquals(want, got, shapeName + ": greedy tokens differ from llama.cpp");
        }
    }
}
