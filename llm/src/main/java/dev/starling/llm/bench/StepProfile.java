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
 * StepProfile --model m.gguf [--threads 2] [--streams 8] [--steps 32] [--rounds 3] [--variants 1,2]
 * </pre>
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
        try (GgufFile f = GgufFile.open(model); ComputePool pool = new ComputePool(threads)) {
            ModelConfig c = ModelConfig.from(f);
            Transformer t = new Transformer(c, ModelWeights.load(f, c), pool);
            for (int round = 0; round <= rounds * variants.length; round++) {
                int r = (round + variants.length - 1) / variants.length; // round 0 warms up, then each variant in turn
                String variant = variants[Math.max(0, round - 1) % variants.length].trim();
                MatMul.setBatchVariant(Integer.parseInt(variant));
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
            }
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
