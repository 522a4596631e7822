package dev.starling.ai.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.chat.ChatMessage;
import dev.starling.ai.chat.ChatTemplate;
import dev.starling.ai.chat.RenderOutcome;
import dev.starling.ai.prompts.PromptBindings;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.prompts.QuotedPost;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Grounded-answer examples: deterministic, rendered as the Ask and Explain features render, answers copied and cited. */
class GroundedExamplesTest {

    private static final Pattern BLOCK = Pattern.compile("<<<post (\\d+) by @(\\S+) on (\\S+?)(?:, ([^>]*))?>>>\\n");
    private static final Pattern MARKER = Pattern.compile("\\[(\\d+)]");
    private static final Instant T = Instant.parse("2026-11-29T10:00:00Z");

    static List<GroundedExamples.Source> sources(long seed, int n) {
        List<String> posts = TestCorpora.posts(seed, n);
        List<GroundedExamples.Source> out = new ArrayList<>();
        for (int i = 0; i < posts.size(); i++) {
            out.add(new GroundedExamples.Source(1000 + i, "user" + (i % 7), T.plusSeconds(i * 60L), posts.get(i)));
        }
        return out;
    }

    @Test
    void theSameSeedMakesTheSameExamplesAndAnotherSeedOthers() {
        List<GroundedExamples.Source> s = sources(3, 400);
        var a = new GroundedExamples(s, Prompts.classpath()).build(200, 0.3, 11, GroundedExamples.Fit.none());
        var b = new GroundedExamples(s, Prompts.classpath()).build(200, 0.3, 11, GroundedExamples.Fit.none());
        var c = new GroundedExamples(s, Prompts.classpath()).build(200, 0.3, 12, GroundedExamples.Fit.none());
        assertEquals(200, a.size());
        assertEquals(a, b);
        assertNotEquals(a, c);
        long explain = a.stream().filter(e -> e.kind() == GroundedExamples.Kind.EXPLAIN).count();
        assertTrue(explain > 30 && explain < 100, "about 30% Explain, got " + explain + " of 200");
    }

    @Test
    void promptsAreTheFeaturesPromptsAndAnswersCopyFromACitedQuotedPost() {
        List<GroundedExamples.Source> s = sources(5, 300);
        Map<Long, GroundedExamples.Source> byKey = new HashMap<>();
        s.forEach(x -> byKey.put(x.key(), x));
        Prompts prompts = Prompts.classpath();
        for (GroundedExamples.Example e : new GroundedExamples(s, prompts).build(100, 0.3, 1, GroundedExamples.Fit.none())) {
            List<QuotedPost> quoted = new ArrayList<>();
            for (int i = 0; i < e.quotedKeys().size(); i++) {
                GroundedExamples.Source src = byKey.get(e.quotedKeys().get(i));
                String role = e.kind() == GroundedExamples.Kind.ASK ? "" : i == 0 ? "the post to explain" : "related";
                quoted.add(new QuotedPost(i + 1, src.key(), src.authorHandle(), src.createdAt(), role, src.text()));
            }
            assertTrue(e.quotedKeys().contains(e.fromKey()), "the post the example is made from is quoted");
            List<ChatMessage> expected;
            if (e.kind() == GroundedExamples.Kind.ASK) {
                String user = e.prompt().get(1).content();
                String question = user.substring(user.lastIndexOf("\nQ: ") + 4);
                expected = prompts.get("ask-compact").render(PromptBindings.of().text("question", question).posts("posts", quoted));
            } else {
                assertEquals(e.fromKey(), e.quotedKeys().getFirst(), "Explain quotes its post as [1]");
                expected = prompts.get("explain-compact").render(PromptBindings.of().posts("posts", quoted));
            }
            assertEquals(expected, e.prompt(), "the prompt as the feature renders it");
            // every cited number is a quoted post, and the words before it are copied from that post
            Matcher m = MARKER.matcher(e.answer());
            int last = 0;
            int cites = 0;
            while (m.find()) {
                int n = Integer.parseInt(m.group(1));
                assertTrue(n >= 1 && n <= quoted.size(), "citation [" + n + "] of " + quoted.size() + " posts: " + e.answer());
                String span = e.answer().substring(last, m.start()).replaceFirst("^[.\\s\\n-]+", "").strip();
                assertTrue(quoted.get(n - 1).text().contains(span), "'" + span + "' is copied from post [" + n + "] '"
                        + quoted.get(n - 1).text() + "'");
                last = m.end();
                cites++;
            }
            assertTrue(cites >= 1, "the answer cites: " + e.answer());
        }
    }

    @Test
    void chatmlIsWhatTheChatTemplateRenders() {
        var e = new GroundedExamples(sources(9, 200), Prompts.classpath()).build(5, 0.5, 2, GroundedExamples.Fit.none());
        for (GroundedExamples.Example x : e) {
            RenderOutcome r = ChatTemplate.of(SpecialTokens.CHAT_TEMPLATE, SpecialTokens.END_OF_TEXT, SpecialTokens.END_OF_TEXT)
                    .render(x.prompt(), true);
            assertEquals(((RenderOutcome.Rendered) r).text(), GroundedTokens.chatml(x.prompt()));
        }
    }

    @Test
    void examplesAreFittedToTheContextLikeTheFeatureFitsAPrompt() {
        // a rough token count: one token per 3 characters of the rendered prompt
        int context = 160;
        GroundedExamples.Fit fit = new GroundedExamples.Fit(m -> GroundedTokens.chatml(m).length() / 3,
                a -> a.length() / 3 + 2, context);
        var examples = new GroundedExamples(sources(4, 300), Prompts.classpath()).build(60, 0.3, 3, fit);
        assertTrue(examples.size() >= 50, "most examples fit by dropping posts and cutting texts: " + examples.size());
        for (GroundedExamples.Example e : examples) {
            int prompt = GroundedTokens.chatml(e.prompt()).length() / 3;
            assertTrue(prompt + context / 4 <= context, "a quarter of the context stays for the answer: " + prompt);
            Matcher b = BLOCK.matcher(e.prompt().get(1).content());
            int blocks = 0;
            while (b.find()) {
                blocks++;
            }
            assertEquals(e.quotedKeys().size(), blocks);
        }
    }

    @Test
    void repostedCopiesAreNoDistractorsAndHandlesNoQuestionWords() {
        List<GroundedExamples.Source> s = new ArrayList<>();
        String[] texts = {"The river path is flooded again, so the ducks have the cycle lane. #cycling",
            "Fixed a flat tyre in the rain on the way to work. #cycling", "New bike lights, finally seen at night. #cycling"};
        for (int i = 0; i < 60; i++) {
            String t = texts[i % texts.length];
            s.add(new GroundedExamples.Source(i, "user" + i, T, i % 2 == 0 ? "@friend_" + (i % 4) + " " + t : t));
        }
        for (GroundedExamples.Example e : new GroundedExamples(s, Prompts.classpath()).build(50, 0.3, 5, GroundedExamples.Fit.none())) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (long k : e.quotedKeys()) {
                assertTrue(seen.add(GroundedExamples.normalized(s.get((int) k).text())), "copies quoted together: " + e.prompt());
            }
            String user = e.prompt().get(1).content();
            assertTrue(!user.contains("\nQ: ") || !user.substring(user.lastIndexOf("\nQ: ")).contains("friend_"),
                    "a handle made the question: " + user);
            assertTrue(!e.answer().contains("@"), e.answer());
        }
        assertEquals("the river path is flooded again", GroundedExamples.normalized("@a_b  The river\npath is @c.d flooded again"));
    }

    @Test
    void keyClausesAreWholeSentencesInThePostsOwnWords() {
        String text = "@bob look https://x.example/a at the [1] old bridge. The river #city floods in the rain again today and"
                + " more words beyond the limit of fourteen. Short one. #bridge";
        assertEquals("The river #city floods in the rain again today and more words beyond the",
                GroundedExamples.keyClause(text, List.of("#city")), "the sentence holding the word, at most 14 words");
        assertEquals("look at the (1) old bridge", GroundedExamples.keyClause(text, List.of("bridge")),
                "links and mentions left out, brackets made round");
        assertEquals("look at the (1) old bridge", GroundedExamples.keyClause(text, List.of("#bridge")),
                "a word only in a too short last sentence: the first sentence");
        assertEquals("Short one. Then more here", GroundedExamples.keyClause("Intro words are here today. Short one. Then more"
                + " here. End", List.of("short")), "a short sentence runs on into the next");
        assertEquals("Intro words are here today", GroundedExamples.keyClause("Intro words are here today. More.", List.of()));
        assertEquals(null, GroundedExamples.keyClause("nothing to see", List.of("bridge")));
    }

    @Test
    void askAnswersCopyTheKeyClauseOfTheBestMatchingPostAmongDistractors() {
        List<GroundedExamples.Source> s = sources(7, 400);
        Map<Long, GroundedExamples.Source> byKey = new HashMap<>();
        s.forEach(x -> byKey.put(x.key(), x));
        int asks = 0;
        int withDistractors = 0;
        int notFirst = 0;
        for (GroundedExamples.Example e : new GroundedExamples(s, Prompts.classpath()).build(200, 0, 21, GroundedExamples.Fit.none())) {
            asks++;
            String user = e.prompt().get(1).content();
            String question = user.substring(user.lastIndexOf("\nQ: ") + 4);
            List<String> q = GroundedExamples.contentWords(question);
            // the expected cited post: the most question words, the lowest number on a tie
            int best = -1;
            int bestScore = 0;
            for (int i = 0; i < e.quotedKeys().size(); i++) {
                List<String> w = GroundedExamples.contentWords(byKey.get(e.quotedKeys().get(i)).text());
                int score = (int) q.stream().filter(w::contains).count();
                if (score > bestScore) {
                    best = i;
                    bestScore = score;
                }
            }
            assertTrue(best >= 0, "some quoted post has a question word: " + question);
            Matcher m = MARKER.matcher(e.answer());
            assertTrue(m.find(), e.answer());
            assertEquals(best + 1, Integer.parseInt(m.group(1)), "cites the best matching post: " + question + " -> " + e.answer());
            String clause = e.answer().substring(0, m.start()).strip();
            assertEquals(GroundedExamples.keyClause(byKey.get(e.quotedKeys().get(best)).text(), q), clause);
            int words = clause.split("\\s+").length;
            assertTrue(words <= GroundedExamples.MAX_CLAUSE_WORDS, clause);
            if (e.quotedKeys().size() >= 3) {
                withDistractors++;
            }
            java.util.Set<String> texts = new java.util.HashSet<>();
            for (long k : e.quotedKeys()) {
                assertTrue(texts.add(GroundedExamples.normalized(byKey.get(k).text())), "a quoted post repeats another: " + user);
            }
            if (best > 0) {
                notFirst++;
            }
        }
        assertEquals(200, asks);
        assertTrue(withDistractors > 150, "most examples quote the post and at least two distractors: " + withDistractors);
        assertTrue(notFirst > 40, "the cited post is often not [1] (the order is shuffled): " + notFirst);
    }
}
