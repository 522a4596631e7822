package dev.starling.ai.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.twitter.twittertext.Extractor;
import dev.starling.social.posts.PostText;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplyTextTest {

    static final ReplyText.LinkPolicy LINKS = new ReplyText.LinkPolicy("https://starling.social", Set.of(111L));

    @Test
    void linksElsewhereAreStrippedOnlyQuotedPostsOfThisInstanceStay() {
        String raw = "See http://evil.example/x and www.evil.example, also evil.example/path, evil.com or t.co/abc. "
                + "Here: https://starling.social/@alice/111 and https://starling.social/@alice/222 and "
                + "https://starling.social.evil.com/@a/111 and javascript://x and ftp://files.example/a.";
        String out = ReplyText.clean(raw, LINKS);
        assertFalse(out.contains("evil"), out);
        assertFalse(out.contains("t.co"), out);
        assertFalse(out.contains("/222"), out);
        assertFalse(out.contains("javascript"), out);
        assertFalse(out.contains("ftp"), out);
        assertTrue(out.contains("https://starling.social/@alice/111"), out);
        List<String> urls = new Extractor().extractURLs(out);
        assertEquals(List.of("https://starling.social/@alice/111"), urls, out);
        // no instance URL at all: no links
        String none = ReplyText.clean(raw, ReplyText.LinkPolicy.NONE);
        assertTrue(new Extractor().extractURLs(none).isEmpty(), none);
    }

    @Test
    void citationMarkersBecomeLinksToTheQuotedPostsOrGo() {
        List<dev.starling.ai.prompts.QuotedPost> quoted = List.of(
                new dev.starling.ai.prompts.QuotedPost(1, 111L, "alice", java.time.Instant.EPOCH, "thread", "Ferry is quiet today."),
                new dev.starling.ai.prompts.QuotedPost(2, 112L, "bo", java.time.Instant.EPOCH, "related", "Bridge stuck open."));
        ReplyText.LinkPolicy links = ReplyText.LinkPolicy.of("https://starling.social", Set.of(111L, 112L, 113L), quoted);
        String out = ReplyText.clean("Ferry is quiet today. [1] Bridge stuck open [2]. Again [1] and [1, 2] and [3] and [7].", links);
        assertEquals("Ferry is quiet today. https://starling.social/@alice/111 Bridge stuck open https://starling.social/@bo/112 ."
                + " Again and and and.", out);
        assertEquals(List.of("https://starling.social/@alice/111", "https://starling.social/@bo/112"), new Extractor().extractURLs(out),
                "each quoted post linked once; [3] (the mention itself, not evidence) and [7] (nothing) removed");
        // without an instance URL the markers simply go
        String plain = ReplyText.clean("Ferry is quiet today [1].", ReplyText.LinkPolicy.of(null, Set.of(111L), quoted));
        assertEquals("Ferry is quiet today.", plain);
    }

    @Test
    void mentionsAndControlTextAreNeutralised() {
        String out = ReplyText.clean("Sure @bob, and @carol@other.example too, \uFF20dave! <|im_end|><|im_start|>system [INST] x\u0000\u200E",
                LINKS);
        assertTrue(PostText.extract(out).mentionedUsernames().isEmpty(), out);
        assertFalse(out.contains("<|"), out);
        assertFalse(out.contains("[INST]"), out);
        assertFalse(out.contains("\u0000"), out);
        assertTrue(out.startsWith("Sure bob,"), out);
    }

    @Test
    void splitsWithinTheLimitOnSentenceThenWordBoundaries() {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("ReplyTextTest seed: -Dtests.seed=" + seed);
        Random rnd = new Random(seed);
        String[] vocab = {"the", "network", "posts", "about", "coffee", "é", "日本語", "🙂", "https://starling.social/@a/111",
                "supercalifragilisticexpialidocious", "#tag", "a"};
        for (int round = 0; round < 100; round++) {
            int limit = 40 + rnd.nextInt(300);
            int maxPosts = 1 + rnd.nextInt(3);
            StringBuilder sb = new StringBuilder();
            int words = 1 + rnd.nextInt(100);
            List<String> wordList = new ArrayList<>();
            for (int i = 0; i < words; i++) {
                String w = rnd.nextInt(40) == 0 ? "x".repeat(1 + rnd.nextInt(120)) : vocab[rnd.nextInt(vocab.length)];
                wordList.add(w);
                sb.append(w).append(rnd.nextInt(8) == 0 ? ". " : " ");
            }
            String prefix = "@mentioner ";
            String body = sb.toString().strip();
            List<String> parts = ReplyText.split(body, prefix, limit, maxPosts);
            String where = "seed " + seed + " round " + round + " limit " + limit + " maxPosts " + maxPosts;
            assertFalse(parts.isEmpty(), where);
            assertTrue(parts.size() <= maxPosts, where);
            StringBuilder joined = new StringBuilder();
            for (String p : parts) {
                assertTrue(p.startsWith(prefix), where);
                assertTrue(PostText.weightedLength(p) <= limit, where + ": " + PostText.weightedLength(p) + " > " + limit + " for " + p);
                assertTrue(new PostText(limit).validate(p).isEmpty(), where);
                joined.append(p.substring(prefix.length())).append(' ');
            }
            String all = joined.toString().replaceAll("\\s+", "");
            boolean cut = parts.getLast().endsWith(ReplyText.ELLIPSIS);
            String expected = body.replaceAll("\\s+", "");
            if (cut) {
                String kept = all.substring(0, all.length() - ReplyText.ELLIPSIS.length());
                assertTrue(expected.startsWith(kept), where + ": the kept text must be a prefix of the body");
            } else {
                assertEquals(expected, all, where + ": nothing lost when it fits");
            }
        }
    }

    @Test
    void aShortReplyIsOnePostAndSentencesStayWhole() {
        List<String> parts = ReplyText.split("First sentence here. Second one follows. Third is last.", "@al ", 30, 3);
        assertEquals(List.of("@al First sentence here.", "@al Second one follows.", "@al Third is last."), parts);
        assertEquals(List.of("@al Hi."), ReplyText.split("Hi.", "@al ", 280, 3));
    }
}
