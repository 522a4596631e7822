package dev.starling.llm.bench;

import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.model.LayerWeights;
import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.ModelWeights;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.tensor.MatMul;
import dev.starling.llm.tensor.QuantizedMatrix;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The matrix products of one batched decode step (n tokens, every layer's q/k/v, o, gate/up and down, and the
 * output projection) on a real GGUF, without the rest of the forward pass: GFLOP per CPU-second of the process
 * for each kind of product, with the weights read cold (every layer in turn, as decode reads them: the model is
 * far larger than the caches) and hot (one matrix again and again). Tells the kernel's speed inside the model
 * from its speed on cached weights.
 * <pre>
 * BatchBench --model m.gguf [--tokens 8] [--threads 1] [--rounds 5] [--steps 4]
 * </pre>
 * Alternates between the settings given by {@code --variants a,b,..} (values of the system property
 * {@code starling.llm.batchVariant} read through {@link MatMul#setBatchVariant}) round by round, so that old and
 * new kernels are compared within one run on a shared machine.
 */
public final class BatchBench {
    private BatchBench() {
    }

    private record Product(String kind, QuantizedMatrix[] ws) {
        long flops(int n) {
            long f = 0;
            for (QuantizedMatrix w : ws) {
                f += 2L * w.rows() * w.cols() * n;
            }
            return f;
        }
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(arg(args, "model", null));
        int n = Integer.parseInt(arg(args, "tokens", "8"));
        int threads = Integer.parseInt(arg(args, "threads", "1"));
        int rounds = Integer.parseInt(arg(args, "rounds", "5"));
        int steps = Integer.parseInt(arg(args, "steps", "4"));
        String[] variants = arg(args, "variants", "0").split(",");
        try (GgufFile f = GgufFile.open(model); ComputePool pool = new ComputePool(threads)) {
            ModelConfig c = ModelConfig.from(f);
            ModelWeights w = ModelWeights.load(f, c);
            List<Product> step = new ArrayList<>();
            for (LayerWeights lw : w.layers()) {
                step.add(new Product("qkv", new QuantizedMatrix[] {lw.wq(), lw.wk(), lw.wv()}));
                step.add(new Product("o", new QuantizedMatrix[] {lw.wo()}));
                step.add(new Product("gate+up", new QuantizedMatrix[] {lw.wGate(), lw.wUp()}));
                step.add(new Product("down", new QuantizedMatrix[] {lw.wDown()}));
            }
            step.add(new Product("output", new QuantizedMatrix[] {w.output()}));
            Random r = new Random(1);
            int maxCols = Math.max(c.dim(), Math.max(c.ffnDim(), c.qDim()));
            int maxRows = Math.max(c.vocabSize(), c.ffnDim());
            float[][] xs = new float[3][n * maxCols];
            for (float[] x : xs) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) r.nextGaussian();
                }
            }
            float[][] outs = new float[3][n * maxRows];
            String[] kinds = {"qkv", "o", "gate+up", "down", "output"};
            System.out.printf(Locale.ROOT, "%s: %d tokens, %d threads, variants %s; load %s%n", model.getFileName(), n, threads,
                    String.join(",", variants), Bench.loadAverage());
            for (int round = 0; round <= rounds; round++) { // round 0 warms up
                for (String v : variants) {
                    MatMul.setBatchVariant(Integer.parseInt(v));
                    double[] cpu = new double[kinds.length];
                    double[] flop = new double[kinds.length];
                    long wall0 = System.nanoTime();
                    long cpuAll0 = cpuNanos(threads);
                    for (int s = 0; s < steps; s++) {
                        for (Product p : step) {
                            int k = List.of(kinds).indexOf(p.kind());
                            long c0 = cpuNanos(threads);
                            run(pool, p, xs, n, outs);
                            cpu[k] += (cpuNanos(threads) - c0) / 1e9;
                            flop[k] += p.flops(n);
                        }
                    }
                    double wall = (System.nanoTime() - wall0) / 1e9;
                    double cpuAll = (cpuNanos(threads) - cpuAll0) / 1e9;
                    // hot: the first layer's matrices again and again (in L2/L3)
                    double[] hot = new double[kinds.length];
                    for (int k = 0; k < kinds.length - 1; k++) {
                        Product p = step.get(k);
                        long c0 = cpuNanos(threads);
                        int reps = 0;
                        for (; reps < 40 || cpuNanos(threads) - c0 < 100_000_000L * threads; reps++) {
                            run(pool, p, xs, n, outs);
                        }
                        hot[k] = p.flops(n) * (double) reps / ((cpuNanos(threads) - c0) / 1e9) / 1e9;
                    }
                    StringBuilder sb = new StringBuilder();
                    double totalFlop = 0;
                    for (int k = 0; k < kinds.length; k++) {
                        totalFlop += flop[k];
                        sb.append(String.format(Locale.ROOT, " %s %.1f%s", kinds[k], flop[k] / cpu[k] / 1e9,
                                k < kinds.length - 1 ? String.format(Locale.ROOT, " (hot %.1f)", hot[k]) : ""));
                    }
                    System.out.printf(Locale.ROOT, "%s variant %s: all %.1f GFLOP/CPU-s (%.1f GFLOP/s wall) |%s | load %s%n",
                            round == 0 ? "warm-up" : "round " + round, v, totalFlop / cpuAll / 1e9, totalFlop / wall / 1e9, sb,
                            Bench.loadAverage());
                }
            }
        }
    }

    /** CPU time of this thread when it computes alone (precise), else of the whole process. */
    private static long cpuNanos(int threads) {
        return threads == 1 ? ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() : Bench.processCpuNanos();
    }

    private static void run(ComputePool pool, Product p, float[][] xs, int n, float[][] outs) {
        if (p.ws().length == 1) {
            MatMul.matmul(pool, p.ws()[0], xs[0], n, outs[0], 0, p.ws()[0].rows());
        } else {
            MatMul.matmulMany(pool, p.ws(), java.util.Arrays.copyOf(xs, p.ws().length), n, java.util.Arrays.copyOf(outs, p.ws().length));
        }
    }

    private static String arg(String[] v, String k, String dflt) {
        for (int i = 0; i + 1 < v.length; i++) {
            if (v[i].equals("--" + k)) {
                return v[i + 1];
            }
        }
        if (dflt == null) {
            throw new IllegalArgumentException("missing --" + k + " (usage: see dev.starling.llm.bench.BatchBench javadoc)");
        }
        return dflt;
    }

    static {
        ManagementFactory.getOperatingSystemMXBean(); // load early: its first call is slow
    }
}
