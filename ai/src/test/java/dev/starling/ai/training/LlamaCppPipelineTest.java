package dev.starling.ai.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.starling.llm.bench.LlamaCppReference;
import dev.starling.llm.generate.LlamaModel;
import dev.starling.llm.json.JsonValue;
import dev.starling.llm.model.KvCache;
import dev.starling.llm.model.Transformer;
import dev.starling.llm.tensor.ComputePool;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model from the whole pipeline (trained BPE with special tokens, tied output, chat template and model card in
 * the metadata) loads in llama.cpp (node-llama-cpp, scripts/llamacpp) and generates the same greedy tokens as
 * Starling. Skips, saying why, when node or node-llama-cpp is not installed.
 */
class LlamaCppPipelineTest {
    @TempDir
    Path dir;

    @Test
    void llamaCppLoadsThePipelinesModelAndAgreesOnGreedyTokens() throws Exception {
        LlamaCppReference llama = new LlamaCppReference(Path.of(System.getProperty("starling.project.dir", "..")).toAbsolutePath());
        String why = llama.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "skipping llama.cpp check of a pipeline model: " + why);
        Path corpus = TestCorpora.file(dir, 1, 300, 3);
        TrainingResult r = new TrainingJob(new FileCorpus(corpus), TestCorpora.tiny(60).withOptimizer(1e-2, 1e-3, 5, 0.0, 1.0),
                dir.resolve("p.gguf"), TrainingJob.Options.defaults()).run();
        Path model = assertInstanceOf(TrainingResult.Completed.class, r, r::toString).model();
        int n = 10;
        int[] prompt;
        int[] got;
        try (ComputePool pool = new ComputePool(1); LlamaModel m = LlamaModel.load(model, pool, 1)) {
            int post = m.tokenizer().specialId(SpecialTokens.POST).orElseThrow();
            int[] text = m.tokenizer().encode("the cat");
            prompt = new int[text.length + 1];
            prompt[0] = post;
            System.arraycopy(text, 0, prompt, 1, text.length);
            got = greedy(m.transformer(), prompt, n);
        }
        JsonValue.JsonObject ref = llama.run("{\"model\":\"" + model + "\",\"prompt\":" + LlamaCppReference.ints(prompt)
                + ",\"generate\":" + n + ",\"threads\":2,\"contextSize\":32}", 120);
        int[] want = ref.require("greedy").asArray().elements().stream().mapToInt(JsonValue::asInt).toArray();
        System.out.println("llama.cpp greedy: " + Arrays.toString(want) + "\nstarling  greedy: " + Arrays.toString(got));
        // the model of TrainingJobTest (same corpus, settings and seed: bit-identical); llama.cpp stops at an
        // end-of-generation token, so compare what it produced
        assertArrayEquals(want, Arrays.copyOf(got, want.length), "greedy tokens differ between llama.cpp and Starling");
        org.junit.jupiter.api.Assertions.assertTrue(Arrays.stream(want).distinct().count() >= 3,
                "a trained model continues with several different tokens: " + Arrays.toString(want));
    }

    private static int[] greedy(Transformer t, int[] prompt, int n) {
        KvCache cache = t.newCache(prompt.length + n);
        float[] logits = t.prefill(cache, prompt, 32);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < logits.length; j++) {
                if (logits[j] > logits[best]) {
                    best = j;
                }
            }
            out[i] = best;
            if (i + 1 < n) {
                logits = t.step(new KvCache[] {cache}, new int[] {best})[0];
            }
        }
        return out;
    }
}
