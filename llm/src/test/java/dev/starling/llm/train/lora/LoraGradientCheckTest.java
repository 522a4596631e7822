package dev.starling.llm.train.lora;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.train.TrainParameter;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finite differences of the float64 loss against the analytic gradients of A and B, on every adapted projection
 * of every block (so the gradient passed through each frozen W^T to earlier blocks is checked too).
 */
class LoraGradientCheckTest {

    @Test
    void llamaF32AllProjections(@TempDir Path dir) throws Exception {
        check(TinyBases.LLAMA, GgmlType.F32, dir, TinyBases.seed());
    }

    @Test
    void qwen2Q8BiasesTiedOutput(@TempDir Path dir) throws Exception {
        check(TinyBases.QWEN2, GgmlType.Q8_0, dir, TinyBases.seed());
    }

    @Test
    void qwen3QkNorm(@TempDir Path dir) throws Exception {
        check(TinyBases.QWEN3, GgmlType.F32, dir, TinyBases.seed());
    }

    @Test
    void llama3RopeFactorsQ4(@TempDir Path dir) throws Exception {
        check(TinyBases.LLAMA3, GgmlType.Q4_0, dir, TinyBases.seed());
    }

    private static void check(Shape shape, GgmlType type, Path dir, long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        Path path = TinyBases.writeChecked(shape, type, rnd, dir);
        try (FrozenBase base = FrozenBase.open(path)) {
            LoraAdapter adapter = LoraAdapter.initialize(base.config(),
                    new LoraConfig(2, 4f, LoraTarget.ALL, rnd.nextLong()));
            TinyBases.randomizeB(adapter, rnd.nextLong(), 0.05); // B = 0 would make every A gradient zero
            LoraReference ref = new LoraReference(base, adapter);
            int batch = 2;
            int seq = 5;
            int vocab = base.config().vocabSize();
            int[] tokens = new int[batch * seq];
            int[] targets = new int[batch * seq];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = rnd.nextInt(vocab);
                targets[i] = rnd.nextInt(vocab);
            }
            adapter.zeroGrad();
            ref.forwardBackward(tokens, targets, batch, seq, 1.0);
            List<TrainParameter> params = adapter.parameters();
            double maxGrad = 0;
            for (TrainParameter p : params) {
                for (float g : p.grad()) {
                    maxGrad = Math.max(maxGrad, Math.abs(g));
                }
            }
            assertTrue(maxGrad > 1e-6, "all LoRA gradients are ~0 (" + maxGrad + "): nothing to check");
            double worst = 0;
            int checked = 0;
            for (TrainParameter p : params) {
                for (int s = 0; s < 3; s++) {
                    int i = rnd.nextInt(p.size());
                    float v = p.value()[i];
                    float hi = v + 1e-3f;
                    float lo = v - 1e-3f;
                    p.value()[i] = hi;
                    double lossHi = ref.forward(tokens, targets, batch, seq, false).loss();
                    p.value()[i] = lo;
                    double lossLo = ref.forward(tokens, targets, batch, seq, false).loss();
                    p.value()[i] = v;
                    double numeric = (lossHi - lossLo) / ((double) hi - lo);
                    double analytic = p.grad()[i];
                    double err = Math.abs(numeric - analytic) / (Math.abs(numeric) + 1e-3 * maxGrad);
                    worst = Math.max(worst, err);
                    checked++;
                    // central differences with h = 1e-3 leave an O(h²) error of up to ~1e-4 on small entries
                    assertTrue(err < 1e-3, p.name() + "[" + i + "]: analytic " + analytic + " vs numeric " + numeric);
                }
            }
            System.out.printf("%s %s: %d LoRA gradient entries, worst relative error %.2e (max |grad| %.3e)%n",
                    shape.name(), type, checked, worst, maxGrad);
        }
    }
}
