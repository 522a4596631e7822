package dev.starling.social.posts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.twitter.twittertext.TwitterTextParser;
import dev.starling.social.common.Outcome;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded randomized test that the write path's one-pass {@link PostText#validateAndExtract} agrees
 * with twitter-text's full parse and with {@link PostText#extract}: random texts of ASCII words,
 * mentions, hashtags, cashtags, URL-like pieces (with and without scheme), punctuation, control
 * characters and now and then a non-ASCII character, around the length limit.
 *
 * <p>Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
class PostTextFastPathTest {

    private static final String[] PIECES = {
        "hello", "world", "@alice", "@bob_2", "#tag", "#Tag2", "$CASH", "a.co", "example.com", "http://x.org/p?q=1",
        "https://starling.example/a/b", "www.test.io", "foo.bar", "e.g.", "...", "!", "?", ",", "\n", "\t", "\r\n", "  ",
        "1.5", "user@example.org", "#", "@", "x", "https://", "t.co/abc", "café", "日本", "\uD83D\uDE00", "©", "ü"
    };

    @Test
    void oneWeightedLengthAndTheSameEntitiesAsTheFullParse() {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("PostTextFastPathTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random r = new Random(seed);
        PostText rules = new PostText(280);
        for (int i = 0; i < 800; i++) {
            StringBuilder sb = new StringBuilder();
            int target = 1 + r.nextInt(r.nextBoolean() ? 60 : 320);
            while (sb.length() < target) {
                // mostly ASCII, so that the fast path is what is exercised
                String piece = PIECES[r.nextInt(r.nextInt(10) == 0 ? PIECES.length : PIECES.length - 5)];
                sb.append(piece);
                if (r.nextInt(3) > 0) {
                    sb.append(' ');
                }
            }
            String text = sb.toString();
            String where = "seed " + seed + ", text #" + i + " '" + text.replace("\n", "\\n") + "'";
            int full = TwitterTextParser.parseTweet(text).weightedLength;
            assertEquals(full, PostText.fastWeightedLength(text), where);
            Outcome<PostText.Extracted> one = rules.validateAndExtract(text);
            assertEquals(rules.validate(text).isEmpty(), one instanceof Outcome.Ok<?>, where);
            if (one instanceof Outcome.Ok<PostText.Extracted> ok) {
                assertEquals(PostText.extract(text), ok.value(), where);
            } else if (one instanceof Outcome.Rejected<PostText.Extracted> no) {
                assertEquals(rules.validate(text).orElseThrow(), no.rejection(), where);
            }
        }
    }
}
