package dev.starling.llm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Tokenizer speed on real text (TweetEval tweets from the shared data): load time, then encode throughput over all
 * lines after a warm-up, single thread. Run:
 * <pre>
 * java -cp llm/target-tok/classes:llm/target-tok/test-classes -Dstarling.shared.dir=../shared \
 *     dev.starling.llm.tokenizer.TokenizerBenchmark [names...]
 * </pre>
 */
public final class TokenizerBenchmark {

    private TokenizerBenchmark() {
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
            long tokens = 0;
            for (int rep = 0; rep < 3; rep++) {
                long start = System.nanoTime();
                tokens = 0;
                for (String l : lines) {
                    tokens += tok.encode(l).length;
                }
                best = Math.min(best, System.nanoTime() - start);
            }
            // one long document, to show the cost without the per-call overhead and with a cold cache
            String doc = String.join("\n", lines);
            long docStart = System.nanoTime();
            int docTokens = ((AbstractTokenizer) tok).encode(doc, false, false).length;
            long docNanos = System.nanoTime() - docStart;
            System.out.printf("%-10s load %6.0f ms | lines: %8.0f tokens/s %6.2f MB/s (%d tokens) | one %d-char doc:"
                            + " %6.0f ms, %d tokens%n",
                    name, loadNanos / 1e6, tokens / (best / 1e9), bytes / (best / 1e9) / 1e6, tokens, doc.length(),
                    docNanos / 1e6, docTokens);
        }
    }
}
