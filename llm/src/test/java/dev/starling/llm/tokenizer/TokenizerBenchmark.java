package dev.starling.llm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Tokenizer speed on real text (TweetEval tweets from the shared data): load time, then encode throughput over all
 * lines after a warm-up, single thread, by wall clock and per CPU second of the thread (meaningful on a shared
 * machine). Run (add junit-jupiter-api and opentest4j to the class path for TokenizerTestData):
 * <pre>
 * java -cp llm/target-tok/classes:llm/target-tok/test-classes -Dstarling.shared.dir=../shared \
 *     dev.starling.llm.tokenizer.TokenizerBenchmark [names...]
 * </pre>
 */
public final class TokenizerBenchmark {

    /** CPU time of this thread: the figure that stays meaningful when the machine is shared. */
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private TokenizerBenchmark() {
    }

    /** Pre-tokenization alone: the hand-written splitters against java.util.regex, alternating runs. */
    private static void preTokenizers(List<String> lines, long bytes) {
        for (String name : new String[] {"GPT2", "LLAMA3", "QWEN2"}) {
            String regex = name.equals("GPT2") ? PreTokenizer.GPT2
                    : name.equals("LLAMA3") ? PreTokenizer.LLAMA3 : PreTokenizer.QWEN2;
            PreTokenizer pre = PreTokenizer.of(regex);
            long bestFast = Long.MAX_VALUE;
            long bestRegex = Long.MAX_VALUE;
            long[] pieces = new long[1];
            for (int rep = 0; rep < 6; rep++) {
                long t0 = System.nanoTime();
                for (String l : lines) {
                    pre.split(l, 0, l.length(), p -> pieces[0]++);
                }
                long t1 = System.nanoTime();
                for (String l : lines) {
                    pre.splitWithRegex(l, 0, l.length(), p -> pieces[0]++);
                }
                long t2 = System.nanoTime();
                bestFast = Math.min(bestFast, t1 - t0);
                bestRegex = Math.min(bestRegex, t2 - t1);
            }
            System.out.printf("pre-tokenizer %-6s hand-written %6.1f MB/s | java.util.regex %6.1f MB/s | %.2fx%n",
                    name, bytes / (bestFast / 1e9) / 1e6, bytes / (bestRegex / 1e9) / 1e6,
                    (double) bestRegex / bestFast);
        }
    }

    public static void main(String[] args) throws Exception {
        Path shared = Path.of(System.getProperty("starling.shared.dir", "../shared"), "data");
        Path corpus = shared.resolve("tweeteval/emoji/train_text.txt");
        if (!Files.exists(corpus)) {
            System.out.println("skipped: " + corpus + " not found");
            return;
        }
        List<String> lines = Files.readAllLines(corpus, StandardCharsets.UTF_8);
        long bytes = 0;
        for (String l : lines) {
            bytes += l.getBytes(StandardCharsets.UTF_8).length;
        }
        String[] names = args.length > 0 ? args : new String[] {"llama-bpe", "qwen2", "gpt-2", "llama-spm", "bert-bge"};
        System.out.printf("corpus: %s, %d lines, %.1f MB%n", corpus, lines.size(), bytes / 1e6);
        preTokenizers(lines, bytes);
        for (String name : names) {
            long t0 = System.nanoTime();
            Tokenizer tok = TokenizerTestData.tokenizer(name);
            long loadNanos = System.nanoTime() - t0;
            for (int rep = 0; rep < 2; rep++) { // warm-up
                for (String l : lines) {
                    tok.encode(l);
                }
            }
            long best = Long.MAX_VALUE;
            long bestCpu = Long.MAX_VALUE;
            long tokens = 0;
            for (int rep = 0; rep < 3; rep++) {
                long start = System.nanoTime();
                long cpuStart = THREADS.getCurrentThreadCpuTime();
                tokens = 0;
                for (String l : lines) {
                    tokens += tok.encode(l).length;
                }
                best = Math.min(best, System.nanoTime() - start);
                bestCpu = Math.min(bestCpu, THREADS.getCurrentThreadCpuTime() - cpuStart);
            }
            // one long document, to show the cost without the per-call overhead and with a cold cache
            String doc = String.join("\n", lines);
            long docStart = System.nanoTime();
            int docTokens = ((AbstractTokenizer) tok).encode(doc, false, false).length;
            long docNanos = System.nanoTime() - docStart;
            System.out.printf("%-10s load %6.0f ms | lines: %8.0f tokens/s %6.2f MB/s wall, %8.0f tokens/s %6.2f MB/s"
                            + " per CPU second (%d tokens) | one %d-char doc: %6.0f ms, %d tokens%n",
                    name, loadNanos / 1e6, tokens / (best / 1e9), bytes / (best / 1e9) / 1e6,
                    tokens / (bestCpu / 1e9), bytes / (bestCpu / 1e9) / 1e6, tokens, doc.length(),
                    docNanos / 1e6, docTokens);
        }
    }
}
