package dev.starling.llm.tokenizer.train;

import dev.starling.llm.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Trains on the real tweets (TweetEval train splits, without hate and offensive) when the shared data is present. */
class TweetEvalTrainingTest {

    static final List<String> SETS = List.of("emoji", "emotion", "irony", "sentiment", "stance");

    /** One post per line of the given split ("train" or "val") of the sets, in a fixed order; skips when absent. */
    static List<String> tweets(String split) throws IOException {
        Path dir = Path.of(System.getProperty("starling.shared.dir", "../shared"), "data", "tweeteval");
        assumeTrue(Files.isDirectory(dir), "shared data absent: " + dir + " (tweeteval); test skipped");
        List<String> out = new ArrayList<>();
        for (String set : SETS) {
            Path setDir = dir.resolve(set);
            if (!Files.isDirectory(setDir)) {
                continue;
            }
            try (var files = Files.walk(setDir, 2)) { // stance has one directory per target
                for (Path f : files.filter(p -> p.getFileName().toString().equals(split + "_text.txt")).sorted()
                        .toList()) {
                    out.addAll(Files.readAllLines(f));
                }
            }
        }
        return out;
    }

    @Test
    void trainsOnTweetsInSecondsAndCompresses() throws IOException {
        List<String> train = tweets("train");
        List<String> val = tweets("val");
        TrainedBpe bpe = BpeTrainer.train(train, BpeTrainer.Options.of(8192, List.of("<|endoftext|>", "<|post|>")));
        System.out.println("tweeteval BPE: " + bpe.stats());
        assertEquals(8192, bpe.vocabSize());
        assertEquals(0, bpe.stats().paddingTokens(), "tweets have pairs enough for 8190 tokens");
        Tokenizer tok = bpe.tokenizer();
        long bytes = 0;
        long tokens = 0;
        for (String s : val) {
            int[] ids = tok.encode(s);
            assertEquals(s, tok.decode(ids));
            bytes += CorpusWords.utf8Length(s);
            tokens += ids.length;
        }
        double bytesPerToken = (double) bytes / tokens;
        System.out.printf("val: %d bytes, %d tokens, %.2f bytes/token%n", bytes, tokens, bytesPerToken);
        assertTrue(bytesPerToken > 3.0, "an 8k vocabulary should give over 3 bytes per token on tweets, got "
                + bytesPerToken);
    }
}
