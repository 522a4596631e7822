package dev.starling.llm.bench;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.model.KvCache;
import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.ModelWeights;
import dev.starling.llm.model.Transformer;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import dev.starling.llm.tensor.ComputePool;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;

/**
 * llama-bench-style measurement of the engine on one GGUF: prefill tokens/s (a prompt as one matrix),
 * decode tokens/s (one sequence), aggregate decode tokens/s of N concurrent streams (batched decode),
 * and decode tokens/s x bytes read per token beside the machine's measured read bandwidth.
 * <pre>
 * Bench --model m.gguf [--threads 2] [--prefill 512] [--decode 64] [--streams 8] [--repeats 3] [--variants 0,1]
 *       [--matvec-variants 0,1]
 * Bench --synth llama-3.2-1b --type Q8_0 --out m.gguf      (write a random-weight model of a real shape)
 * </pre>
 * The last output line is a JSON object with every figure. {@code --variants} also measures the streams with each
 * batched path of {@link dev.starling.llm.tensor.MatMul#setBatchVariant} in turn, in every round (old against new
 * within one run, as a shared machine needs); {@code --matvec-variants} likewise measures single-stream decode with each
 * matrix-vector path of {@link dev.starling.llm.tensor.MatMul#setMatvecVariant} (0 float, 1 integer Q8_0).
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Args a = new Args(args);
        if (a.has("synth")) {
            Shape shape = Shape.byName(a.get("synth", "llama-3.2-1b"));
            GgmlType type = GgmlType.valueOf(a.get("type", "Q8_0"));
            Path out = Path.of(a.get("out", shape.name() + "-" + type + ".gguf"));
            SyntheticModel.Result r = SyntheticModel.write(shape, type, null, Long.parseLong(a.get("seed", "1")), out);
            System.out.println("wrote " + r.path() + " (" + r.sizeBytes() + " bytes)");
            return;
        }
        Path model = Path.of(a.get("model", null));
        int threads = Integer.parseInt(a.get("threads", String.valueOf(Runtime.getRuntime().availableProcessors())));
        int prefillTokens = Integer.parseInt(a.get("prefill", "512"));
        int decodeTokens = Integer.parseInt(a.get("decode", "64"));
        int streams = Integer.parseInt(a.get("streams", "8"));
        int repeats = Integer.parseInt(a.get("repeats", "3"));
        int chunk = Integer.parseInt(a.get("chunk", "256"));
        String[] variants = a.get("variants", "").isEmpty() ? new String[0] : a.get("variants", "").split(",");
        int defaultVariant = dev.starling.llm.tensor.MatMul.currentBatchVariant();
        String[] matvecVariants = a.get("matvec-variants", "").isEmpty() ? new String[0] : a.get("matvec-variants", "").split(",");
        int defaultMatvec = dev.starling.llm.tensor.MatMul.currentMatvecVariant();
        try (GgufFile f = GgufFile.open(model); ComputePool pool = new ComputePool(threads)) {
            ModelConfig c = ModelConfig.from(f);
            ModelWeights w = ModelWeights.load(f, c);
            Transformer t = new Transformer(c, w, pool);
            System.out.printf(Locale.ROOT, "model %s: %s dim %d layers %d vocab %d, file %.2f GB, weights read per token %.2f GB, threads %d%n",
                    model.getFileName(), c.architecture(), c.dim(), c.layers(), c.vocabSize(), Files.size(model) / 1e9, w.matrixBytes() / 1e9, threads);
            double bandwidth = readBandwidth(f.segment(), pool);
            System.out.printf(Locale.ROOT, "memory read bandwidth (2 passes over the mapped file, %d threads): %.1f GB/s%n", threads, bandwidth);
            double bestPrefill = 0;
            double bestDecode = 0;
            double bestMulti = 0;
            double bestPrefillCpu = 0;
            double bestDecodeCpu = 0;
            double bestMultiCpu = 0;
            int[] prompt = new int[prefillTokens];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = 300 + (i * 7919) % Math.max(1, c.vocabSize() - 300);
            }
            for (int r = 0; r <= repeats; r++) { // round 0 warms up the JIT
                KvCache cache = t.newCache(Math.min(c.contextLength(), prefillTokens + 1));
                long cpu0 = processCpuNanos();
                long t0 = System.nanoTime();
                t.prefill(cache, prompt, chunk);
                double prefill = prefillTokens / ((System.nanoTime() - t0) / 1e9);
                double prefillCpu = prefillTokens / ((processCpuNanos() - cpu0) / 1e9 / threads);
                long cpu1 = processCpuNanos();
                double decode = decode(t, 1, decodeTokens);
                double decodeCpu = decodeTokens / ((processCpuNanos() - cpu1) / 1e9 / threads);
                long cpu2 = processCpuNanos();
                double multi = streams > 1 ? decode(t, streams, decodeTokens) : decode;
                double multiCpu = streams > 1 ? (double) streams * decodeTokens / ((processCpuNanos() - cpu2) / 1e9 / threads) : decodeCpu;
                System.out.printf(Locale.ROOT, "%s prefill %.1f tok/s | decode %.2f tok/s | %d streams %.2f tok/s aggregate"
                        + " | per %d CPU-seconds: prefill %.1f, decode %.2f, %d streams %.2f tok/s (%.2fx one) | load %s%n",
                        r == 0 ? "warm-up" : "round " + r, prefill, decode, streams, multi, threads, prefillCpu, decodeCpu,
                        streams, multiCpu, multiCpu / decodeCpu, loadAverage());
                for (String v : variants) { // the same streams measurement with each batched path, alternating within this run
                    dev.starling.llm.tensor.MatMul.setBatchVariant(Integer.parseInt(v.trim()));
                    long cpu3 = processCpuNanos();
                    double mv = decode(t, streams, decodeTokens);
                    double mvCpu = (double) streams * decodeTokens / ((processCpuNanos() - cpu3) / 1e9 / threads);
                    System.out.printf(Locale.ROOT, "  batch variant %s: %d streams %.2f tok/s | per %d CPU-seconds %.2f tok/s (%.2fx one) | load %s%n",
                            v.trim(), streams, mv, threads, mvCpu, mvCpu / decodeCpu, loadAverage());
                }
                dev.starling.llm.tensor.MatMul.setBatchVariant(defaultVariant);
                for (int k = 0; k < matvecVariants.length; k++) { // single-stream decode with each matvec path; who goes first alternates
                    String v = matvecVariants[(k + r) % matvecVariants.length].trim();
                    dev.starling.llm.tensor.MatMul.setMatvecVariant(Integer.parseInt(v));
                    long cpu4 = processCpuNanos();
                    double dv = decode(t, 1, decodeTokens);
                    double dvCpu = decodeTokens / ((processCpuNanos() - cpu4) / 1e9 / threads);
                    System.out.printf(Locale.ROOT, "  matvec variant %s: decode %.2f tok/s | per %d CPU-seconds %.2f tok/s | load %s%n",
                            v, dv, threads, dvCpu, loadAverage());
                }
                dev.starling.llm.tensor.MatMul.setMatvecVariant(defaultMatvec);
                if (r > 0) {
                    bestPrefillCpu = Math.max(bestPrefillCpu, prefillCpu);
                    bestDecodeCpu = Math.max(bestDecodeCpu, decodeCpu);
                    bestMultiCpu = Math.max(bestMultiCpu, multiCpu);
                    bestPrefill = Math.max(bestPrefill, prefill);
                    bestDecode = Math.max(bestDecode, decode);
                    bestMulti = Math.max(bestMulti, multi);
                }
            }
            double effective = bestDecode * w.matrixBytes() / 1e9;
            System.out.printf(Locale.ROOT, "best: prefill %.1f tok/s, decode %.2f tok/s (x %.2f GB = %.1f GB/s of %.1f GB/s measured), %d streams %.2f tok/s (%.2fx one)%n",
                    bestPrefill, bestDecode, w.matrixBytes() / 1e9, effective, bandwidth, streams, bestMulti, bestMulti / bestDecode);
            System.out.printf(Locale.ROOT, "{\"prefillTokensPerSecond\":%.2f,\"decodeTokensPerSecond\":%.3f,\"streams\":%d,\"streamsTokensPerSecond\":%.3f,"
                    + "\"weightBytesPerToken\":%d,\"decodeGBps\":%.2f,\"bandwidthGBps\":%.2f,\"threads\":%d,"
                    + "\"prefillTokensPerCpuSecond\":%.2f,\"decodeTokensPerCpuSecond\":%.3f,\"streamsTokensPerCpuSecond\":%.3f,\"loadAverage\":\"%s\"}%n",
                    bestPrefill, bestDecode, streams, bestMulti, w.matrixBytes(), effective, bandwidth, threads, bestPrefillCpu, bestDecodeCpu,
                    bestMultiCpu, loadAverage());
        }
    }

    /** The 1-minute load average (the machine is shared: figures are only comparable at similar load). */
    static String loadAverage() {
        return String.format(Locale.ROOT, "%.1f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** CPU time of the whole process (all threads, including spinning pool workers). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Aggregate decode tokens/s of n sequences stepped together after a 4-token prompt each. */
    static double decode(Transformer t, int n, int steps) {
        KvCache[] caches = new KvCache[n];
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            caches[i] = t.newCache(Math.min(t.config().contextLength(), steps + 8));
            t.prefill(caches[i], new int[] {1, 300 + i, 301, 302}, 64);
            tokens[i] = 303 + i;
        }
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            float[][] logits = t.step(caches, tokens);
            for (int i = 0; i < n; i++) {
                tokens[i] = dev.starling.llm.generate.Sampler.argmax(logits[i]);
            }
        }
        return (double) n * steps / ((System.nanoTime() - t0) / 1e9);
    }

    /** GB/s of reading the segment with vector loads on all pool threads (best of 2 passes after one warm-up). */
    static double readBandwidth(MemorySegment s, ComputePool pool) {
        long size = s.byteSize() & ~((1L << 16) - 1);
        int blocks = (int) (size >> 16);
        long[] sink = new long[pool.threads() * 16 + 16];
        double best = 0;
        for (int pass = 0; pass < 3; pass++) {
            long t0 = System.nanoTime();
            pool.parallelFor(blocks, 16, (start, end) -> {
                var acc = ByteVector.zero(ByteVector.SPECIES_PREFERRED);
                int step = ByteVector.SPECIES_PREFERRED.length();
                for (long off = (long) start << 16; off < (long) end << 16; off += step) {
                    acc = acc.lanewise(VectorOperators.XOR, ByteVector.fromMemorySegment(ByteVector.SPECIES_PREFERRED, s, off, ByteOrder.LITTLE_ENDIAN));
                }
                sink[(start % 16) * 8] += acc.reduceLanes(VectorOperators.XOR);
            });
            double gbs = size / ((System.nanoTime() - t0) / 1e9) / 1e9;
            if (pass > 0) {
                best = Math.max(best, gbs);
            }
        }
        if (Arrays.stream(sink).sum() == 42) {
            System.out.print("");
        }
        return best;
    }

    private record Args(String[] v) {
        boolean has(String k) {
            return Arrays.asList(v).contains("--" + k);
        }

        String get(String k, String dflt) {
            for (int i = 0; i + 1 < v.length; i++) {
                if (v[i].equals("--" + k)) {
                    return v[i + 1];
                }
            }
            if (dflt == null) {
                throw new IllegalArgumentException("missing --" + k + " (usage: see dev.starling.llm.bench.Bench javadoc)");
            }
            return dflt;
        }
    }
}
