package dev.starling.llm.train.lora;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.train.AdamW;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opt-in benchmark ({@code -Dstarling.bench=true}): tokens/s of a LoRA training step (rank 16 on q,k,v,o, AdamW),
 * fast float32 path against the float64 reference, on 2 threads, with tokens per CPU-second of the process and the
 * load average beside each figure (the machine is shared).
 * <ul>
 * <li>a synthetic Q8_0 base of dim 512 / 8 blocks / 8 heads over 4 KV heads / FFN 1376 / vocab 16384, batch 4 x
 * seq 128; the reference at batch 1 x seq 128 (its per-token cost does not depend on the batch, and a full batch
 * takes minutes);
 * <li>the Llama-3.2-1B-shaped Q4_0 in {@code bench-out/} (skipped when absent), fast path only, batch 4 x seq 128.
 * </ul>
 * Steps: {@code -Dstarling.bench.loraSteps} timed steps (default 3) after one warm-up; the median is reported.
 */
class LoraBenchTest {
    static final Shape DIM512 = new Shape("lora-bench-512", "llama", 512, 8, 8, 4, 64, 1376, 16384, 512, 10000f,
            1e-5f, false, false, false, 0f);
    private static final int RANK = 16;

    @Test
    void dim512Q8FastVersusReference(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("starling.bench"), "benchmark: run with -Dstarling.bench=true");
        Path path = TinyBases.write(DIM512, GgmlType.Q8_0, 1, dir);
        try (FrozenBase base = FrozenBase.open(path); ComputePool pool = new ComputePool(2)) {
            Figure fast = measure(base, pool, false, 4, 128, Integer.getInteger("starling.bench.loraSteps", 3));
            Figure ref = measure(base, pool, true, 1, 128, 1);
            System.out.printf("LoRA %s Q8_0: fast/reference = %.1fx tokens/s, %.1fx tokens per CPU-second%n",
                    DIM512.name(), fast.tokensPerSecond / ref.tokensPerSecond,
                    fast.tokensPerCpuSecond / ref.tokensPerCpuSecond);
        }
    }

    @Test
    void llama32OneBillionQ4Fast() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("starling.bench"), "benchmark: run with -Dstarling.bench=true");
        Path path = Path.of(System.getProperty("starling.project.dir", System.getProperty("user.dir") + "/.."))
                .resolve("bench-out/llama-3.2-1b-Q4_0.gguf").normalize();
        Assumptions.assumeTrue(Files.isRegularFile(path), "no " + path + " (bench-out: the 1B benchmark model)");
        try (FrozenBase base = FrozenBase.open(path); ComputePool pool = new ComputePool(2)) {
            measure(base, pool, false, 4, 128, Integer.getInteger("starling.bench.loraSteps", 2));
        }
    }

    private record Figure(double tokensPerSecond, double tokensPerCpuSecond) {
    }

    private static Figure measure(FrozenBase base, ComputePool pool, boolean reference, int batch, int seq,
            int steps) {
        LoraAdapter adapter = LoraAdapter.initialize(base.config(),
                new LoraConfig(RANK, 2f * RANK, LoraTarget.ATTENTION, 1));
        AdamW adamW = new AdamW(0.9, 0.999, 1e-8, 0.0);
        LoraTrainer trainer = reference ? new LoraTrainer(base, adapter, adamW, 1e-3, 1.0, pool)
                : LoraTrainer.fast(base, adapter, adamW, 1e-3, 1.0, pool);
        int[] text = TinyBases.text(batch * seq + 1, base.config().vocabSize());
        int[] tokens = Arrays.copyOf(text, batch * seq);
        int[] targets = Arrays.copyOfRange(text, 1, batch * seq + 1);
        if (!reference) {
            trainer.step(tokens, targets, batch, seq);
        }
        long[] nanos = new long[steps];
        long[] cpu = new long[steps];
        double loss = 0;
        for (int s = 0; s < steps; s++) {
            long c0 = processCpuNanos();
            long t0 = System.nanoTime();
            loss = trainer.step(tokens, targets, batch, seq).loss();
            nanos[s] = System.nanoTime() - t0;
            cpu[s] = processCpuNanos() - c0;
        }
        Arrays.sort(nanos);
        Arrays.sort(cpu);
        double wall = nanos[steps / 2] / 1e9;
        double cpuSeconds = cpu[steps / 2] / 1e9;
        int n = batch * seq;
        Figure f = new Figure(n / wall, n / cpuSeconds);
        System.out.printf("LoRA step, %s (%s %s), rank %d on q,k,v,o (%d trainable), batch %d x seq %d, %d threads, "
                + "%s path: %.1f tokens/s (median %.2f s of %d), %.1f tokens per CPU-second (%.1f per 2 CPU-seconds), "
                + "loss %.3f, load average %.1f%n", base.gguf().path().getFileName(), base.config().architecture(),
                base.layer(0).weight(LoraTarget.Q).type(), RANK, adapter.parameterCount(), batch, seq,
                pool.threads(), reference ? "float64 reference" : "fast float32", f.tokensPerSecond, wall, steps,
                f.tokensPerCpuSecond, 2 * f.tokensPerCpuSecond, loss,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        assertTrue(Double.isFinite(loss));
        return f;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
