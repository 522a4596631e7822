package dev.starling.ai.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.starling.ai.prompts.QuotedPost;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What the copy mixture copies from: each post with its citation marker after every sentence. */
class CopySourceTest {

    private static String source(int n, String text) {
        return CopySources.text(new QuotedPost(n, 10L + n, "ann", Instant.EPOCH, "", text));
    }

    @Test
    void everySentenceEndsWithThePostsMarker() {
        assertEquals("Saw it over the harbour. [2] Amazing colours! [2]", source(2, "Saw it over the harbour. Amazing colours!"));
        assertEquals("No full stop here [1]", source(1, "No full stop here"));
        assertEquals("Cut short\u2026 [3]", source(3, "Cut short\u2026"));
        assertEquals("It was 3.5 km away?! [4] Wow [4]", source(4, "It was 3.5 km away?!  Wow"
                .replace("  ", " ")));
        assertEquals("Line one. [5]\nLine two [5]", source(5, "Line one.\nLine two\n"));
    }
}
