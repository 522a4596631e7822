package dev.starling.app.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.starling.llm.tokenizer.Tokenizer;
import dev.starling.llm.tokenizer.Tokenizers;
import dev.starling.llm.tokenizer.train.BpeTrainer;
import dev.starling.llm.tokenizer.train.TrainedBpe;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encoding throughput of Starling's byte-level BPE against Hugging Face tokenizers (the Rust library, through DJL's
 * JNI binding, {@code ai.djl.huggingface:tokenizers}) on the same texts with the same vocabulary: a vocabulary trained
 * by BpeTrainer on the tweets and written as tokenizer.json, and the real Llama 3 and Qwen3 tokenizer.json files. Both
 * must give identical ids for every text; then tokens/s of each and the ratio, per text on one thread, and as a batch
 * on all cores (Hugging Face's batch encode is parallel). The two sides run alternately, 2 warm-up rounds then 5
 * timed ones (after a first pass, with empty caches and cold code, timed per call by wall clock, that also checks
 * the ids); medians of wall time and of CPU time (this thread's for one thread, the process's for the batch:
 * on a shared, busy machine the CPU-time figures are the steadier ones).
 *
 * <p>Opt-in: {@code -Dstarling.bench=true} (scripts/bench-tokenizer.sh runs it); needs the shared TweetEval data.
 */
class TokenizerThroughputBench {

    private static final List<String> SETS = List.of("emoji", "emotion", "irony", "sentiment", "stance");
    private static final int WARMUP = 2;
    private static final int PASSES = 5;

    @TempDir
    Path dir;

    static Path shared() {
        return Path.of(System.getProperty("starling.shared.dir", "../shared"), "data");
    }

    static List<String> tweets(String split) throws IOException {
        Path root = shared().resolve("tweeteval");
        assumeTrue(Files.isDirectory(root), "shared data absent: " + root + "; benchmark skipped");
        List<String> out = new ArrayList<>();
        for (String set : SETS) {
            if (!Files.isDirectory(root.resolve(set))) {
                continue;
            }
            try (var files = Files.walk(root.resolve(set), 2)) {
                for (Path f : files.filter(p -> p.getFileName().toString().equals(split + "_text.txt")).sorted()
                        .toList()) {
                    out.addAll(Files.readAllLines(f));
                }
            }
        }
        return out;
    }

    @Test
    void starlingVersusHuggingFaceTokenizers() throws Exception {
        assumeTrue(Boolean.getBoolean("starling.bench"), "opt-in benchmark: run with -Dstarling.bench=true");
        List<String> train = tweets("train");
        List<String> texts = new ArrayList<>(train);
        texts.addAll(tweets("val"));
        String[] corpus = texts.toArray(String[]::new);
        long bytes = texts.stream().mapToLong(t -> t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum();
        System.out.printf(Locale.ROOT, "corpus: %d tweets, %d bytes (TweetEval train+val, no hate/offensive); "
                + "%d cores%n%n", corpus.length, bytes, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "load average %.1f at start; CPU-time figures are the steadier ones on a busy"
                + " machine%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf(Locale.ROOT, "%-26s %-16s %10s %14s %14s %7s %14s %14s %7s%n", "vocabulary", "mode",
                "tokens", "Starling tok/s", "HF tok/s", "ratio", "Starling /CPUs", "HF /CPUs", "ratio");

        TrainedBpe bpe = BpeTrainer.train(train, BpeTrainer.Options.of(32768, List.of("<|endoftext|>", "<|post|>")));
        Path trainedJson = bpe.writeHuggingFace(dir.resolve("trained"));
        compare("trained 32k (BpeTrainer)", bpe.tokenizer(), trainedJson, corpus);

        for (String name : List.of("llama3", "qwen3")) {
            Path json = shared().resolve("tokenizers").resolve(name).resolve("tokenizer.json");
            if (!Files.isRegularFile(json)) {
                System.out.println(name + ": " + json + " absent, skipped");
                continue;
            }
            compare(name + " tokenizer.json", Tokenizers.fromHuggingFaceJson(json), json, corpus);
        }
    }

    private static void compare(String name, Tokenizer ours, Path json, String[] corpus) throws IOException {
        Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false",
                "maxLength", String.valueOf(Integer.MAX_VALUE / 2));
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(json, options)) {
            long tokens = 0;
            long oursNanos = 0;
            long hfNanos = 0;
            for (String text : corpus) { // the first pass: caches empty, code not yet compiled
                long t0 = System.nanoTime();
                int[] a = ours.encode(text, false, true);
                long t1 = System.nanoTime();
                long[] b = hf.encode(text, false, false).getIds();
                long t2 = System.nanoTime();
                oursNanos += t1 - t0;
                hfNanos += t2 - t1;
                assertArrayEquals(b, Arrays.stream(a).asLongStream().toArray(), () -> name + ": ids differ for '"
                        + text + "'");
                tokens += a.length;
            }
            double oursCold = tokens / (oursNanos / 1e9);
            double hfCold = tokens / (hfNanos / 1e9);
            System.out.printf(Locale.ROOT, "%-26s %-16s %10d %14.0f %14.0f %6.2fx%n", name, "first pass, cold",
                    tokens, oursCold, hfCold, oursCold / hfCold);
            long total = tokens;
            Runnable oursSerial = () -> {
                long n = 0;
                for (String text : corpus) {
                    n += ours.encode(text, false, true).length;
                }
                assertEquals(total, n);
            };
            Runnable hfSerial = () -> {
                long n = 0;
                for (String text : corpus) {
                    n += hf.encode(text, false, false).getIds().length;
                }
                assertEquals(total, n);
            };
            double[][] serial = interleaved(oursSerial, hfSerial, true);
            print(name, "per text, 1 thr", total, serial);
            Runnable oursBatch = () -> {
                long n = ForkJoinPool.commonPool().submit(() -> Arrays.stream(corpus).parallel()
                        .mapToLong(t -> ours.encode(t, false, true).length).sum()).join();
                assertEquals(total, n);
            };
            Runnable hfBatch = () -> {
                Encoding[] enc = hf.batchEncode(corpus, false, false);
                long n = 0;
                for (Encoding e : enc) {
                    n += e.getIds().length;
                }
                assertEquals(total, n);
            };
            print(name, "batch, all cores", total, interleaved(oursBatch, hfBatch, false));
        }
    }

    /** tokens/s by wall time and by CPU time, Starling then Hugging Face, and the ratio of each. */
    private static void print(String name, String mode, long tokens, double[][] secs) {
        double oursWall = tokens / secs[0][0];
        double hfWall = tokens / secs[1][0];
        double oursCpu = tokens / secs[0][1];
        double hfCpu = tokens / secs[1][1];
        System.out.printf(Locale.ROOT, "%-26s %-16s %10d %14.0f %14.0f %6.2fx %14.0f %14.0f %6.2fx%n", name, mode,
                tokens, oursWall, hfWall, oursWall / hfWall, oursCpu, hfCpu, oursCpu / hfCpu);
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** CPU time in ns: of this thread, or of the whole process (all threads) for the parallel runs. */
    private static long cpuNanos(boolean thisThread) {
        if (thisThread) {
            return THREADS.getCurrentThreadCpuTime();
        }
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * Runs a and b alternately (WARMUP untimed rounds, then PASSES timed rounds, so both see the same machine load) and
     * returns, for each, the median wall seconds and the median CPU seconds: [a|b][wall, cpu].
     */
    private static double[][] interleaved(Runnable a, Runnable b, boolean thisThread) {
        Runnable[] rs = {a, b};
        for (int i = 0; i < WARMUP; i++) {
            a.run();
            b.run();
        }
        double[][][] t = new double[2][2][PASSES];
        for (int i = 0; i < PASSES; i++) {
            for (int k = 0; k < 2; k++) {
                long w0 = System.nanoTime();
                long c0 = cpuNanos(thisThread);
                rs[k].run();
                t[k][1][i] = (cpuNanos(thisThread) - c0) / 1e9;
                t[k][0][i] = (System.nanoTime() - w0) / 1e9;
            }
        }
        double[][] out = new double[2][2];
        for (int k = 0; k < 2; k++) {
            for (int m = 0; m < 2; m++) {
                Arrays.sort(t[k][m]);
                out[k][m] = t[k][m][PASSES / 2];
            }
        }
        return out;
    }
}
