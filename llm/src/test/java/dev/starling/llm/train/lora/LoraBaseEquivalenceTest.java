package dev.starling.llm.train.lora;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.tensor.ComputePool;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh adapter (B = 0) leaves the base model unchanged: the LoRA forwards (the float64 reference and the fast
 * float32 path) over the frozen base, in each base type and architecture (llama, qwen2 biases, qwen3 QK-norm,
 * Llama 3 rope factors), give the logits of the inference engine's LlamaModel on the same GGUF within 1e-4 of max |logit|; and a
 * non-zero B does change them (so the comparison can fail).
 */
class LoraBaseEquivalenceTest {

    @Test
    void llamaF32(@TempDir Path dir) throws Exception {
        check(TinyBases.LLAMA, GgmlType.F32, dir);
    }

    @Test
    void llamaQ8(@TempDir Path dir) throws Exception {
        check(TinyBases.LLAMA, GgmlType.Q8_0, dir);
    }

    @Test
    void llamaBf16(@TempDir Path dir) throws Exception {
        check(TinyBases.LLAMA, GgmlType.BF16, dir);
    }

    @Test
    void qwen2F16(@TempDir Path dir) throws Exception {
        check(TinyBases.QWEN2, GgmlType.F16, dir);
    }

    @Test
    void llamaQ4(@TempDir Path dir) throws Exception {
        check(TinyBases.LLAMA, GgmlType.Q4_0, dir);
    }

    @Test
    void qwen3F32(@TempDir Path dir) throws Exception {
        check(TinyBases.QWEN3, GgmlType.F32, dir);
    }

    @Test
    void llama3RopeFactorsQ8(@TempDir Path dir) throws Exception {
        check(TinyBases.LLAMA3, GgmlType.Q8_0, dir);
    }

    @Test
    void q4k(@TempDir Path dir) throws Exception {
        check(TinyBases.K256, GgmlType.Q4_K, dir);
    }

    @Test
    void q6k(@TempDir Path dir) throws Exception {
        check(TinyBases.K256, GgmlType.Q6_K, dir);
    }

    private static void check(Shape shape, GgmlType type, Path dir) throws Exception {
        long seed = TinyBases.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        Path path = TinyBases.writeChecked(shape, type, rnd, dir);
        int seq = 9;
        int[] tokens = new int[seq];
        for (int i = 0; i < seq; i++) {
            tokens[i] = rnd.nextInt(shape.vocabSize());
        }
        float[] expected = TinyBases.inferenceLogits(path, tokens);
        try (FrozenBase base = FrozenBase.open(path); ComputePool pool = new ComputePool(2)) {
            LoraAdapter adapter = LoraAdapter.initialize(base.config(),
                    new LoraConfig(4, 8f, LoraTarget.ALL, rnd.nextLong()));
            LoraReference ref = new LoraReference(base, adapter);
            double[] lora = ref.forward(tokens, null, 1, seq, true).logits();
            double err = TinyBases.relativeError(expected, lora);
            System.out.printf("%s %s, B = 0: LoRA forward vs LlamaModel logits, worst error %.2e of max|x|%n",
                    shape.name(), type, err);
            assertTrue(err < 1e-4, "B = 0 logits differ from the base model's by " + err + " of max|x|");
            LoraFast fast = new LoraFast(base, adapter, pool);
            float[] fastLogits = fast.logits(tokens, 1, seq);
            double fastErr = TinyBases.relativeError(fastLogits, expected);
            System.out.printf("%s %s, B = 0: fast LoRA forward vs LlamaModel logits, worst error %.2e of max|x|%n",
                    shape.name(), type, fastErr);
            assertTrue(fastErr < 1e-4, "B = 0 fast logits differ from the base model's by " + fastErr + " of max|x|");
            TinyBases.randomizeB(adapter, rnd.nextLong(), 0.1);
            double[] changed = ref.forward(tokens, null, 1, seq, true).logits();
            double moved = TinyBases.relativeError(expected, changed);
            assertTrue(moved > 1e-2, "a non-zero B changed the logits by only " + moved);
            double fastMoved = TinyBases.relativeError(fast.logits(tokens, 1, seq), expected);
            assertTrue(fastMoved > 1e-2, "a non-zero B changed the fast logits by only " + fastMoved);
        }
    }
}
