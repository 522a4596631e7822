package dev.starling.llm.train;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.RopeStyle;
import dev.starling.llm.tensor.ComputePool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Training speed, Starling against PyTorch CPU on the same Llama shape, batch and thread count:
 * median AdamW step (fast F32 path, global-norm clip) after a warm-up step, tokens/s and achieved
 * GFLOP/s, and tokens per CPU-second of the process (median over steps, so that a ratio stays readable on a
 * busy machine) beside the load average; then runs scripts/torch-reference/reference.py --time with the same
 * arguments (when /usr/bin/python3 has torch; skipped with -Dstarling.bench.noTorch=true) and prints both ratios.
 * <pre>java --add-modules jdk.incubator.vector -cp llm/target/classes dev.starling.llm.train.TrainBench \
 *     DIM LAYERS HEADS KV_HEADS FFN VOCAB SEQ BATCH STEPS [THREADS]</pre>
 */
public final class TrainBench {
    private TrainBench() {
    }

    /** VmHWM of /proc/self/status in bytes, or -1 where there is no such file. */
    static long peakResidentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 9) {
            System.err.println("usage: TrainBench DIM LAYERS HEADS KV_HEADS FFN VOCAB SEQ BATCH STEPS [THREADS]");
            System.exit(2);
        }
        int[] a = Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        int dim = a[0], layers = a[1], heads = a[2], kvHeads = a[3], ffn = a[4], vocab = a[5], seq = a[6], batch = a[7], steps = a[8];
        int threads = a.length > 9 ? a[9] : 2;
        ModelConfig c = new ModelConfig("llama", dim, layers, heads, kvHeads, dim / heads, ffn, vocab, seq, 1e-5f, 10000f,
                dim / heads, 1f, RopeStyle.NORMAL, false);
        LlamaParameters p = new LlamaParameters(c, false);
        p.initialize(1, 0.02);
        SplittableRandom rnd = new SplittableRandom(2);
        int[][] tok = new int[1][batch * seq];
        int[][] tgt = new int[1][batch * seq];
        for (int i = 0; i < batch * seq; i++) {
            tok[0][i] = rnd.nextInt(vocab);
            tgt[0][i] = rnd.nextInt(vocab);
        }
        double[] times = new double[steps];
        double[] cpuTimes = new double[steps];
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        try (ComputePool pool = new ComputePool(threads)) {
            Trainer t = new Trainer(p, new AdamW(0.9, 0.95, 1e-8, 0.1), new LrSchedule(1e-3, 1e-4, 1, steps + 1), 1.0, 0, pool);
            for (int s = 0; s < steps; s++) {
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                t.step(tok, tgt, batch, seq);
                times[s] = (System.nanoTime() - t0) / 1e9;
                cpuTimes[s] = (os.getProcessCpuTime() - c0) / 1e9;
            }
        }
        double median = medianAfterWarmUp(times);
        double cpuMedian = medianAfterWarmUp(cpuTimes);
        long tokens = (long) batch * seq;
        long matmulParams = (long) vocab * dim + (long) layers * (2L * dim * c.qDim() + 2L * dim * c.kvDim() + 3L * dim * ffn);
        double flopsPerStep = tokens * (6.0 * matmulParams + 6.0 * layers * seq * c.qDim());
        double ours = tokens / median;
        double oursCpu = tokens / cpuMedian;
        System.out.printf("load average %s%n", loadAverage());
        System.out.printf("starling tokens/s %.1f median_ms %.1f threads %d  %.1f GFLOP/s (%.2f GFLOP per step; params %d)%n",
                ours, median * 1000, threads, flopsPerStep / median / 1e9, flopsPerStep / 1e9, p.count());
        System.out.printf("starling tokens/cpu-s %.1f median_cpu_ms %.1f  %.1f GFLOP per CPU-second (×%d threads = %.1f GFLOP/s if both cores were ours)%n",
                oursCpu, cpuMedian * 1000, flopsPerStep / cpuMedian / 1e9, threads, threads * flopsPerStep / cpuMedian / 1e9);
        long peakRss = peakResidentBytes();
        if (peakRss > 0) {
            // weights, gradients and the two AdamW moments are 16 bytes per parameter; the rest is activations and the JVM
            Runtime rt = Runtime.getRuntime();
            System.out.printf("peak resident %.1f MiB = %.1f bytes per parameter (params+grads+Adam moments: 16); heap now %.1f MiB used of %.1f MiB committed, max %.1f MiB%n",
                    peakRss / 1048576.0, (double) peakRss / p.count(), (rt.totalMemory() - rt.freeMemory()) / 1048576.0,
                    rt.totalMemory() / 1048576.0, rt.maxMemory() / 1048576.0);
        }
        if (Boolean.getBoolean("starling.bench.noTorch")) {
            return;
        }
        Path script = Path.of("scripts/torch-reference/reference.py");
        if (!Files.exists(script)) {
            script = Path.of("../scripts/torch-reference/reference.py");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/python3")) || !Files.exists(script)) {
            System.out.println("torch: not run (no /usr/bin/python3 or " + script + ")");
            return;
        }
        String[] cmd = new String[2 + 1 + 9];
        cmd[0] = "/usr/bin/python3";
        cmd[1] = script.toString();
        cmd[2] = "--time";
        System.arraycopy(args, 0, cmd, 3, 9);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        Process proc = pb.start();
        String out = new String(proc.getInputStream().readAllBytes()).trim();
        proc.waitFor();
        System.out.println(out);
        double theirs = number(out, "tokens/s");
        double theirsCpu = number(out, "tokens/cpu-s");
        System.out.printf("load average %s%n", loadAverage());
        if (theirs > 0) {
            System.out.printf("ratio starling/torch %.2fx wall (torch %.1f GFLOP/s)%n", ours / theirs, flopsPerStep * theirs / tokens / 1e9);
        }
        if (theirsCpu > 0) {
            System.out.printf("ratio starling/torch %.2fx per CPU-second%n", oursCpu / theirsCpu);
        }
    }

    /** The number after {@code key} in a line of words, or -1. */
    private static double number(String out, String key) {
        String[] words = out.split("\\s+");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals(key)) {
                try {
                    return Double.parseDouble(words[i + 1]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static double medianAfterWarmUp(double[] times) {
        double[] warm = Arrays.copyOfRange(times, times.length > 1 ? 1 : 0, times.length);
        Arrays.sort(warm);
        return warm[warm.length / 2];
    }

    /** The 1, 5 and 15 minute load averages of /proc/loadavg, or the JVM's 1-minute figure. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return String.format("%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
