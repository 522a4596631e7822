package dev.starling.llm.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.bench.LlamaCppReference;
import dev.starling.llm.bench.RandomDecoder;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.json.JsonValue;
import dev.starling.llm.tensor.ComputePool;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Why a quantized model sometimes differs from llama.cpp by a few hundredths in log-probability (the Q6_K 0.059 of
 * {@link LlamaCppParityTest} on seed 7): a rounding flip, not a kernel bug. Activations are rounded to 8 bits before
 * each product (as ggml does); when one lands within float noise of a rounding boundary, a different summation order
 * elsewhere (ours against ggml's, or even our own matrix prefill against our token-by-token decode) rounds it the
 * other way, and that one step of 1/127 of the block's largest value travels to the logits.
 * <p>The survey runs the tiny llama model over eight seeds for Q6_K, Q4_K and Q8_0 and prints, per seed: our matrix
 * prefill against llama.cpp, our token-by-token decode against llama.cpp, and our two paths against each other.
 * Measured (node-llama-cpp 3.21.1, this machine, matrix prefill against llama.cpp): Q6_K 0.0585 on seed 7 and below
 * 1e-5 on the other seven; Q8_0 (whose kernel agrees to 1e-5 everywhere else) 0.097 on seed 1; Q4_K below 1e-5 on all
 * eight. Our own two paths disagree with each other by as much on exactly those seeds: Q6_K seed 7 0.124, Q6_K seed 6
 * 0.170 (there our matrix prefill matches llama.cpp to 1e-5 and our token-by-token decode is the odd one), Q8_0 seed 1
 * 0.097; everywhere else below 1e-5. So the size of the difference is that of one flip, whichever engine or path flips.
 * Further evidence the kernels are not the cause: ggml's x86 Q6_K x Q8_K dot product is exact integer arithmetic (maddubs sums at most
 * 2 x 63 x 127 = 16002, no saturation; quantize_row_q8_K is the reference rounding on x86; Q6_K is repacked only on
 * ARM), which our float kernel reproduces to float rounding; and the large differences move between seeds and types.
 * Opt-in (-Dstarling.bench=true): it runs llama.cpp 24 times.
 */
class RoundingFlipSurveyTest {
    private static final int[] PROMPT = {1, 300, 301, 302, 417, 388, 260, 299};

    @Test
    void largeDifferencesAreRareFlipsNotATypeBias() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("starling.bench"), "opt-in survey: run with -Dstarling.bench=true");
        Path project = Path.of(System.getProperty("starling.project.dir", ".."));
        LlamaCppReference llama = new LlamaCppReference(project.toAbsolutePath());
        String why = llama.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "skipping: " + why);
        try (ComputePool pool = new ComputePool(2)) {
            for (String type : new String[] {"Q6_K", "Q4_K", "Q8_0"}) {
                int large = 0;
                for (long seed = 1; seed <= 8; seed++) {
                    Path model = TinyModels.path(RandomDecoder.tiny("llama", GgmlType.valueOf(type), seed));
                    JsonValue.JsonObject ref = llama.run("{\"model\":\"" + model + "\",\"prompt\":" + LlamaCppReference.ints(PROMPT)
                            + ",\"logprobs\":true,\"threads\":2,\"contextSize\":256}", 120);
                    var arr = ref.require("logprobs").asArray();
                    double[] theirs = new double[arr.size()];
                    for (int i = 0; i < theirs.length; i++) {
                        theirs[i] = arr.get(i).asDouble();
                    }
                    try (GgufFile f = GgufFile.open(model)) {
                        Transformer t = TransformerTest.load(f, pool);
                        double[] matrix = LlamaCppParityTest.logSoftmax(t.prefill(t.newCache(64), PROMPT, 64));
                        KvCache c = t.newCache(64);
                        float[] last = null;
                        for (int tok : PROMPT) {
                            last = t.step(new KvCache[] {c}, new int[] {tok})[0];
                        }
                        double[] single = LlamaCppParityTest.logSoftmax(last);
                        double dm = maxDiff(matrix, theirs);
                        System.out.printf("flip survey llama %s seed %d: matrix prefill vs llama.cpp %.5f | token by token vs llama.cpp %.5f"
                                + " | ours vs ours %.5f%n", type, seed, dm, maxDiff(single, theirs), maxDiff(matrix, single));
                        large += dm > 1e-3 ? 1 : 0;
                        assertTrue(dm < 0.15, type + " seed " + seed + ": " + dm + " is beyond one rounding flip");
                    }
                }
                assertTrue(large <= 2, type + ": " + large + " of 8 seeds differ from llama.cpp by more than 1e-3: a bias, not a rare flip");
            }
        }
    }

    private static double maxDiff(double[] a, double[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            if (b[i] > -12) {
                max = Math.max(max, Math.abs(a[i] - b[i]));
            }
        }
        return max;
    }
}
