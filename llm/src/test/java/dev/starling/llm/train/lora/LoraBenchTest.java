package dev.starling.llm.train.lora;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.train.AdamW;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opt-in benchmark ({@code -Dstarling.bench=true}): tokens/s of a LoRA training step (rank 8 on q,k,v,o) over a
 * frozen Q8_0 base of dim 256 / 4 blocks / FFN 768 / vocab 4096, batch 2 x seq 64, serially and on 2 threads; median of 5 steps after 1
 * warm-up.
 */
class LoraBenchTest {
    static final Shape SMALL = new Shape("lora-bench-small", "llama", 256, 4, 8, 4, 32, 768, 4096, 512, 10000f,
            1e-5f, false, false, false, 0f);

    @Test
    void loraStepTokensPerSecond(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("starling.bench"), "benchmark: run with -Dstarling.bench=true");
        Path path = TinyBases.write(SMALL, GgmlType.Q8_0, 1, dir);
        try (FrozenBase base = FrozenBase.open(path); ComputePool pool = new ComputePool(2)) {
            measure(base, null, "1 thread");
            measure(base, pool, "2 threads");
        }
    }

    private static void measure(FrozenBase base, ComputePool pool, String label) {
        LoraAdapter adapter = LoraAdapter.initialize(base.config(), new LoraConfig(8, 16f, LoraTarget.ATTENTION, 1));
        LoraTrainer trainer = new LoraTrainer(base, adapter, new AdamW(0.9, 0.999, 1e-8, 0.0), 1e-3, 1.0, pool);
        int batch = 2;
        int seq = 64;
        int[] text = TinyBases.text(batch * seq + 1, base.config().vocabSize());
        int[] tokens = Arrays.copyOf(text, batch * seq);
        int[] targets = Arrays.copyOfRange(text, 1, batch * seq + 1);
        trainer.step(tokens, targets, batch, seq);
        long[] nanos = new long[5];
        double loss = 0;
        for (int s = 0; s < nanos.length; s++) {
            long t0 = System.nanoTime();
            loss = trainer.step(tokens, targets, batch, seq).loss();
            nanos[s] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        double tps = batch * seq / (nanos[nanos.length / 2] / 1e9);
        System.out.printf("LoRA step, Q8_0 base %s, rank 8 on q,k,v,o (%d trainable), batch %d x seq %d, %s: "
                + "%.0f tokens/s (median %.0f ms), loss %.3f%n", SMALL.name(), adapter.parameterCount(), batch, seq,
                label, tps, nanos[nanos.length / 2] / 1e6, loss);
        assertTrue(Double.isFinite(loss));
    }
}
