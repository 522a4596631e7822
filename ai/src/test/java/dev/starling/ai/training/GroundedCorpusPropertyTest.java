package dev.starling.ai.training;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.chat.ChatMessage;
import dev.starling.ai.prompts.Prompts;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Property over a random network (seeded; replay with {@code -Dtests.seed=N}): grounded-answer examples quote only
 * public posts of consenting accounts that are not deleted, and only training-split posts, never a held-out one. Every
 * post that must not appear carries a unique canary, and no example's prompt or answer contains one.
 */
class GroundedCorpusPropertyTest {

    private static final String[] WORDS = {"bridge", "river", "#aurora", "concert", "rain", "market", "#swingbridge",
            "coffee", "train", "garden", "festival", "storm", "library", "bicycle", "harbour", "#music"};
    private Database db;
    private Social social;

    @BeforeEach
    void open() {
        db = TestDatabase.fresh("grounded_corpus");
        social = TestDatabase.social(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void examplesQuoteOnlyConsentedPublicTrainingPosts() throws Exception {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("GroundedCorpusPropertyTest seed " + seed + " (replay: -Dtests.seed=" + seed + ")");
        SplittableRandom r = new SplittableRandom(seed);
        List<Account> accounts = new ArrayList<>();
        Set<Long> consenting = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            Account a = social.accounts().createWithoutPassword("acct" + i, "a" + i + "@example.org", "", false).orThrow();
            accounts.add(a);
            if (r.nextInt(3) > 0) {
                social.trainingConsent().set(a.id(), true).orThrow();
                consenting.add(a.id());
            }
        }
        Set<Long> eligible = new HashSet<>();
        int canaries = 0;
        for (int i = 0; i < 240; i++) {
            Account a = accounts.get(r.nextInt(accounts.size()));
            PostVisibility v = switch (r.nextInt(6)) {
                case 0 -> PostVisibility.PRIVATE;
                case 1 -> PostVisibility.DIRECT;
                case 2 -> PostVisibility.UNLISTED;
                default -> PostVisibility.PUBLIC;
            };
            boolean delete = r.nextInt(10) == 0;
            boolean ok = consenting.contains(a.id()) && v == PostVisibility.PUBLIC && !delete;
            StringBuilder text = new StringBuilder(ok ? "" : "CANARY" + (canaries++) + "X ");
            for (int w = 0; w < 6 + r.nextInt(8); w++) {
                text.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
            }
            Post p = social.posts().create(a.id(), NewPost.of(text.toString().strip(), v)).orThrow();
            if (delete) {
                social.posts().delete(a.id(), p.id()).orThrow();
            }
            if (ok) {
                eligible.add(p.id());
            }
        }
        CorpusSnapshot split = new DatabaseCorpus(db).read(seed, 0.2, () -> false);
        Set<Long> trainKeys = new HashSet<>();
        split.trainSources().forEach(s -> trainKeys.add(s.key()));
        var examples = new GroundedExamples(split.trainSources(), Prompts.classpath()).build(300, 0.3, seed,
                GroundedExamples.Fit.none());
        assertFalse(eligible.size() > 20 && examples.isEmpty(), "examples are made from " + eligible.size() + " eligible posts");
        for (GroundedExamples.Example e : examples) {
            for (long key : e.quotedKeys()) {
                assertTrue(eligible.contains(key), "post " + key + " is not a consented public post (seed " + seed + ")");
                assertTrue(trainKeys.contains(key), "post " + key + " is not in the training split (seed " + seed + ")");
            }
            StringBuilder all = new StringBuilder(e.answer());
            for (ChatMessage m : e.prompt()) {
                all.append(m.content());
            }
            assertFalse(all.toString().contains("CANARY"), "a canary reached an example (seed " + seed + "): " + all);
        }
    }
}
