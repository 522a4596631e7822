package dev.starling.llm.bench;

import dev.starling.llm.generate.Sampler;
import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.model.KvCache;
import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.ModelWeights;
import dev.starling.llm.model.StepPhases;
import dev.starling.llm.model.Transformer;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.tensor.MatMul;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the time of a batched decode step goes: runs {@code --streams} sequences stepped together and prints wall
 * and process CPU milliseconds per step for each phase of the forward pass (needs {@code -Dstarling.llm.phaseTimes=true},
 * see {@link StepPhases}), then the step rate with timing off is measured by {@link Bench}.
 * <pre>
 * StepProfile --model m.gguf [--threads 2] [--streams 8] [--steps 32] [--rounds 3] [--variants 1,2] [--interleave true]
 * </pre>
 * With {@code --interleave true} the variants alternate step by step (the A/B to trust on a busy machine). A variant is
 * a batch variant, or batch/matvec (e.g. {@code --streams 1 --variants 7/0,7/1}: the float against the integer Q8_0
 * single-token kernel, see {@link MatMul#setMatvecVariant}).
 */
public final class StepProfile {
    private StepProfile() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(arg(args, "model", null));
        int threads = Integer.parseInt(arg(args, "threads", "2"));
        int streams = Integer.parseInt(arg(args, "streams", "8"));
        int steps = Integer.parseInt(arg(args, "steps", "32"));
        int rounds = Integer.parseInt(arg(args, "rounds", "3"));
        String[] variants = arg(args, "variants", String.valueOf(MatMul.currentBatchVariant())).split(",");
        if (!StepPhases.ON) {
            System.out.println("note: run with -Dstarling.llm.phaseTimes=true for the per-phase table; step rate only");
        }
        boolean interleave = Boolean.parseBoolean(arg(args, "interleave", "false"));
        try (GgufFile f = GgufFile.open(model); ComputePool pool = new ComputePool(threads)) {
            ModelConfig c = ModelConfig.from(f);
            Transformer t = new Transformer(c, ModelWeights.load(f, c), pool);
            if (interleave) {
                interleaved(t, pool, variants, streams, steps, rounds, threads);
                return;
            }
            for (int round = 0; round <= rounds * variants.length; round++) {
                int r = (round + variants.length - 1) / variants.length; // round 0 warms up, then each variant in turn
                String variant = variants[Math.max(0, round - 1) % variants.length].trim();
                select(variant);
                KvCache[] caches = new KvCache[streams];
                int[] tokens = new int[streams];
                for (int i = 0; i < streams; i++) {
                    caches[i] = t.newCache(steps + 8);
                    t.prefill(caches[i], new int[] {1, 300 + i, 301, 302}, 64);
                    tokens[i] = 303 + i;
                }
                StepPhases.reset();
                long cpu0 = Bench.processCpuNanos();
                long t0 = System.nanoTime();
                for (int s = 0; s < steps; s++) {
                    float[][] logits = t.step(caches, tokens);
                    StepPhases.start();
                    for (int i = 0; i < streams; i++) {
                        tokens[i] = Sampler.argmax(logits[i]);
                    }
                    StepPhases.end(StepPhases.Phase.SAMPLE);
                }
                double wallMs = (System.nanoTime() - t0) / 1e6 / steps;
                double cpuMs = (Bench.processCpuNanos() - cpu0) / 1e6 / steps;
                System.out.printf(Locale.ROOT, "%s, batch variant %s: %d streams, %.2f ms per step wall, %.2f ms CPU (%.2f tok/s, %.2f tok per %d CPU-seconds) | load %s%n",
                        r == 0 ? "warm-up" : "round " + r, variant, streams, wallMs, cpuMs, streams * 1000 / wallMs, streams * 1000 / (cpuMs / threads), threads,
                        Bench.loadAverage());
                if (r > 0 && StepPhases.ON) {
                    System.out.print(StepPhases.report(steps));
                }
                String waits = pool.waits();
                if (r > 0 && Boolean.getBoolean("starling.llm.poolWaits")) {
                    System.out.println("pool, per step: " + waits + " (over " + steps + " steps)");
                }
            }
        }
    }

    /**
     * {@code --interleave true}: the variants take turns step by step (each with its own streams), so that every
     * variant sees the same moments of a shared machine's load; per round, each variant's wall and process CPU per step
     * and the ratio of each to the first variant's.
     */
    private static void interleaved(Transformer t, ComputePool pool, String[] variants, int streams, int steps, int rounds, int threads) {
        int v = variants.length;
        for (int round = 0; round <= rounds; round++) {
            KvCache[][] caches = new KvCache[v][streams];
            int[][] tokens = new int[v][streams];
            for (int a = 0; a < v; a++) {
                select(variants[a]);
                for (int i = 0; i < streams; i++) {
                    caches[a][i] = t.newCache(steps + 8);
                    t.prefill(caches[a][i], new int[] {1, 300 + i, 301, 302}, 64);
                    tokens[a][i] = 303 + i;
                }
            }
            long[] wall = new long[v];
            long[] cpu = new long[v];
            long[] tail = new long[v];
            long[] loopWall = new long[v];
            for (int s = 0; s < steps; s++) {
                for (int k = 0; k < v; k++) {
                    int a = (s + k) % v; // who goes first changes every step
                    select(variants[a]);
                    pool.waitNanos();
                    long c0 = Bench.processCpuNanos();
                    long w0 = System.nanoTime();
                    float[][] logits = t.step(caches[a], tokens[a]);
                    long[] waits = pool.waitNanos();
                    tail[a] += waits[1];
                    loopWall[a] += waits[2];
                    for (int i = 0; i < streams; i++) {
                        tokens[a][i] = Sampler.argmax(logits[i]);
                    }
                    wall[a] += System.nanoTime() - w0;
                    cpu[a] += Bench.processCpuNanos() - c0;
                }
            }
            StringBuilder sb = new StringBuilder(round == 0 ? "warm-up" : "round " + round);
            for (int a = 0; a < v; a++) {
                double wallMs = wall[a] / 1e6 / steps;
                double cpuMs = cpu[a] / 1e6 / steps;
                sb.append(String.format(Locale.ROOT, " | v%s %.2f ms wall (%.2f tok/s, x%.3f), %.2f ms CPU (%.2f tok per %d CPU-s, x%.3f)",
                        variants[a].trim(), wallMs, streams * 1000 / wallMs, (double) wall[0] / wall[a], cpuMs, streams * 1000 / (cpuMs / threads),
                        threads, (double) cpu[0] / cpu[a]));
                if (Boolean.getBoolean("starling.llm.poolWaits")) {
                    sb.append(String.format(Locale.ROOT, ", threads idle at loop ends %.2f ms of %.2f ms in loops", tail[a] / 1e6 / steps,
                            loopWall[a] / 1e6 / steps));
                }
            }
            System.out.println(sb + " | load " + Bench.loadAverage());
        }
        select(variants[0]);
    }

    /**
     * Selects a variant: "7" is batch variant 7 (matrix-vector path unchanged), "7/1" batch variant 7 with matrix-vector
     * variant 1 ({@link MatMul#setMatvecVariant}); with {@code --streams 1} only the second number matters.
     */
    static void select(String variant) {
        String[] parts = variant.trim().split("/");
        MatMul.setBatchVariant(Integer.parseInt(parts[0].trim()));
        if (parts.length > 1) {
            MatMul.setMatvecVariant(Integer.parseInt(parts[1].trim()));
        }
    }

    private static String arg(String[] a, String k, String dflt) {
        for (int i = 0; i + 1 < a.length; i++) {
            if (a[i].equals("--" + k)) {
                return a[i + 1];
            }
        }
        if (dflt == null) {
            throw new IllegalArgumentException("missing --" + k);
        }
        return dflt;
    }
}
