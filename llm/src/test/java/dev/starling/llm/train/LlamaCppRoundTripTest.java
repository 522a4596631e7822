package dev.starling.llm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.bench.LlamaCppReference;
import dev.starling.llm.generate.LlamaModel;
import dev.starling.llm.json.JsonValue;
import dev.starling.llm.model.KvCache;
import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.RopeStyle;
import dev.starling.llm.model.Transformer;
import dev.starling.llm.synth.ModelVocabulary;
import dev.starling.llm.tensor.ComputePool;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Train a tiny model on a pattern (next token = token + 7 in a cycle), export it to GGUF, and let
 * llama.cpp (scripts/llamacpp, node-llama-cpp) and Starling generate greedily from it: the same tokens,
 * and the learned pattern. Skips, saying why, when node or node-llama-cpp is not installed.
 */
class LlamaCppRoundTripTest {

    @Test
    void llamaCppGeneratesTheSameGreedyTokensFromAnExportedCheckpoint(@TempDir Path dir) throws Exception {
        LlamaCppReference llama = new LlamaCppReference(Path.of(System.getProperty("starling.project.dir", "..")).toAbsolutePath());
        String why = llama.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "skipping llama.cpp round trip: " + why);
        ModelConfig c = TinyModels.config("llama", 32, 2, 4, 2, 64, 300, RopeStyle.NORMAL);
        LlamaParameters p = new LlamaParameters(c, false);
        p.initialize(7, 0.05);
        int seq = 16;
        int batch = 4;
        int cycle = 40; // tokens 259..298 ("▁a" ...), stepping by 7 modulo the cycle
        int[][] tok = new int[1][batch * seq];
        int[][] tgt = new int[1][batch * seq];
        int steps = 60;
        try (ComputePool pool = new ComputePool(2)) {
            Trainer t = new Trainer(p, new AdamW(0.9, 0.95, 1e-8, 0.0), new LrSchedule(3e-2, 3e-3, 5, steps), 1.0, 0, pool);
            double loss = 0;
            for (int s = 0; s < steps; s++) {
                for (int b = 0; b < batch; b++) {
                    int start = (s * batch + b) % cycle;
                    for (int i = 0; i < seq; i++) {
                        tok[0][b * seq + i] = 259 + (start + 7 * i) % cycle;
                        tgt[0][b * seq + i] = 259 + (start + 7 * (i + 1)) % cycle;
                    }
                }
                loss = t.step(tok, tgt, batch, seq).loss();
            }
            assertTrue(loss < 0.5, "the pattern was not learned: loss " + loss);
        }
        Path model = dir.resolve("trained.gguf");
        GgufExport.write(p, ModelVocabulary.synthetic(c.vocabSize()), "starling-roundtrip", model);
        int[] prompt = {1, 259, 266, 273};
        int n = 12;
        JsonValue.JsonObject ref = llama.run("{\"model\":\"" + model + "\",\"prompt\":" + LlamaCppReference.ints(prompt)
                + ",\"generate\":" + n + ",\"threads\":2,\"contextSize\":64}", 120);
        int[] want = ref.require("greedy").asArray().elements().stream().mapToInt(JsonValue::asInt).toArray();
        int[] got;
        try (ComputePool pool = new ComputePool(1); LlamaModel m = LlamaModel.load(model, pool, 1)) {
            got = greedy(m.transformer(), prompt, n);
        }
        System.out.println("llama.cpp greedy: " + java.util.Arrays.toString(want));
        System.out.println("starling  greedy: " + java.util.Arrays.toString(got));
        assertArrayEquals(want, got, "greedy tokens differ between llama.cpp and Starling");
        int learned = 0;
        for (int i = 0; i < n; i++) {
            learned += got[i] == 259 + (14 + 7 * (i + 1)) % cycle ? 1 : 0;
        }
        assertTrue(learned >= n / 2, "the generated tokens do not follow the trained pattern: " + java.util.Arrays.toString(got));
    }

    private static int[] greedy(Transformer t, int[] prompt, int n) {
        KvCache cache = t.newCache(prompt.length + n);
        float[] logits = t.prefill(cache, prompt, 64);
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
