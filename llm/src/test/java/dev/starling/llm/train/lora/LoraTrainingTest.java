package dev.starling.llm.train.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.train.AdamW;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few AdamW steps of LoRA on a fixed text lower its loss over a frozen F32 and a frozen Q8_0 base; the base file
 * is untouched, and the same seed gives the same losses serially and on 2 threads.
 */
class LoraTrainingTest {

    @Test
    void f32BaseLossFalls(@TempDir Path dir) throws Exception {
        train(GgmlType.F32, dir);
    }

    @Test
    void q8BaseLossFalls(@TempDir Path dir) throws Exception {
        train(GgmlType.Q8_0, dir);
    }

    private static void train(GgmlType type, Path dir) throws Exception {
        long seed = TinyBases.seed();
        Path path = TinyBases.write(TinyBases.LLAMA, type, seed, dir);
        byte[] before = Files.readAllBytes(path);
        double[] first = run(path, seed, type, null);
        double[] again;
        try (ComputePool pool = new ComputePool(2)) {
            again = run(path, seed, type, pool);
        }
        assertArrayEquals(first, again, "same seed, serial and 2 threads: different losses");
        assertArrayEquals(before, Files.readAllBytes(path), "the frozen base file changed");
    }

    private static double[] run(Path path, long seed, GgmlType type, ComputePool pool) throws Exception {
        try (FrozenBase base = FrozenBase.open(path)) {
            LoraAdapter adapter = LoraAdapter.initialize(base.config(),
                    new LoraConfig(4, 8f, LoraTarget.parse("q,k,v,o"), seed));
            LoraTrainer trainer = new LoraTrainer(base, adapter, new AdamW(0.9, 0.999, 1e-8, 0.0), 1e-2, 1.0,
                    pool);
            int batch = 2;
            int seq = 16;
            int[] text = TinyBases.text(batch * seq + 1, base.config().vocabSize());
            int[] tokens = Arrays.copyOf(text, batch * seq);
            int[] targets = Arrays.copyOfRange(text, 1, batch * seq + 1);
            double start = trainer.loss(tokens, targets, batch, seq);
            double[] losses = new double[8];
            for (int s = 0; s < losses.length; s++) {
                losses[s] = trainer.step(tokens, targets, batch, seq).loss();
            }
            double end = trainer.loss(tokens, targets, batch, seq);
            System.out.printf("%s base, rank 4 on q,k,v,o (%d trainable): loss %.4f -> %.4f after %d AdamW steps%n",
                    type, adapter.parameterCount(), start, end, losses.length);
            assertEquals(start, losses[0], 1e-12, "first step's loss is the untrained adapter's");
            assertTrue(end < start - 0.1, "loss did not fall enough: " + start + " -> " + end);
            return losses;
        }
    }
}
