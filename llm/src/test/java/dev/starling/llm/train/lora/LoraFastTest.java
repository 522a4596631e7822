package dev.starling.llm.train.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.train.TrainParameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast float32 path agrees with the float64 reference: on random tiny bases (several base types and
 * architectures), with random A and B on every projection, the batch loss within 1e-4 relative and every LoRA
 * gradient tensor within 1e-3 of its largest entry; and the result does not depend on the thread count.
 */
class LoraFastTest {

    @Test
    void llamaF32(@TempDir Path dir) throws Exception {
        check(TinyBases.LLAMA, GgmlType.F32, dir);
    }

    @Test
    void llamaQ8(@TempDir Path dir) throws Exception {
        check(TinyBases.LLAMA, GgmlType.Q8_0, dir);
    }

    @Test
    void llamaQ4(@TempDir Path dir) throws Exception {
        check(TinyBases.LLAMA, GgmlType.Q4_0, dir);
    }

    @Test
    void qwen2Bf16(@TempDir Path dir) throws Exception {
        check(TinyBases.QWEN2, GgmlType.BF16, dir);
    }

    @Test
    void qwen3F16(@TempDir Path dir) throws Exception {
        check(TinyBases.QWEN3, GgmlType.F16, dir);
    }

    @Test
    void llama3RopeScalingQ8(@TempDir Path dir) throws Exception {
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
        int batch = 2;
        int seq = 7 + rnd.nextInt(6);
        int[] tokens = new int[batch * seq];
        int[] targets = new int[batch * seq];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rnd.nextInt(shape.vocabSize());
            targets[i] = rnd.nextInt(shape.vocabSize());
        }
        try (FrozenBase base = FrozenBase.open(path); ComputePool one = new ComputePool(1);
                ComputePool two = new ComputePool(2)) {
            LoraAdapter adapter = LoraAdapter.initialize(base.config(),
                    new LoraConfig(4, 8f, LoraTarget.ALL, rnd.nextLong()));
            TinyBases.randomizeB(adapter, rnd.nextLong(), 0.05);
            adapter.zeroGrad();
            double refLoss = new LoraReference(base, adapter).lossAndGradients(tokens, targets, batch, seq, 1.0);
            List<float[]> refGrads = grads(adapter);
            adapter.zeroGrad();
            double fastLoss = new LoraFast(base, adapter, two).lossAndGradients(tokens, targets, batch, seq, 1.0);
            List<float[]> fastGrads = grads(adapter);
            adapter.zeroGrad();
            double serialLoss = new LoraFast(base, adapter, one).lossAndGradients(tokens, targets, batch, seq, 1.0);
            List<float[]> serialGrads = grads(adapter);

            double lossErr = Math.abs(fastLoss - refLoss) / Math.abs(refLoss);
            double worst = 0;
            String worstName = "";
            List<TrainParameter> params = adapter.parameters();
            for (int i = 0; i < params.size(); i++) {
                double e = TinyBases.relativeError(fastGrads.get(i), refGrads.get(i));
                if (e > worst) {
                    worst = e;
                    worstName = params.get(i).name();
                }
                assertArrayEquals(serialGrads.get(i), fastGrads.get(i),
                        params.get(i).name() + ": 1 and 2 threads give different gradients");
            }
            System.out.printf("%s %s: fast vs reference loss %.6f vs %.6f (rel %.1e), worst gradient error %.1e "
                    + "of max|g| (%s)%n", shape.name(), type, fastLoss, refLoss, lossErr, worst, worstName);
            assertEquals(serialLoss, fastLoss, "1 and 2 threads give different losses");
            assertTrue(lossErr < 1e-4, "fast loss " + fastLoss + " vs reference " + refLoss);
            assertTrue(worst < 1e-3, "gradient of " + worstName + " differs by " + worst + " of its max");
        }
    }

    private static List<float[]> grads(LoraAdapter adapter) {
        List<float[]> out = new ArrayList<>();
        for (TrainParameter p : adapter.parameters()) {
            out.add(p.grad().clone());
        }
        return out;
    }
}
