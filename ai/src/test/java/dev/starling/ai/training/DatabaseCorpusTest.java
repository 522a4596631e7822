package dev.starling.ai.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.tokenizer.Tokenizer;
import dev.starling.llm.tokenizer.Tokenizers;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training job over a small real network: only consented public posts reach the model, and the card counts the rest. */
class DatabaseCorpusTest {

    @TempDir
    Path dir;
    private Database db;
    private Social social;

    @BeforeEach
    void network() {
        db = TestDatabase.fresh("training_corpus");
        social = TestDatabase.social(db);
        List<String> posts = TestCorpora.posts(5, 120);
        Account[] consenting = new Account[3];
        for (int i = 0; i < 3; i++) {
            consenting[i] = account("writer" + i);
            social.trainingConsent().set(consenting[i].id(), true).orThrow();
        }
        Post first = null;
        for (int i = 0; i < posts.size(); i++) {
            Post p = social.posts().create(consenting[i % 3].id(), NewPost.of(posts.get(i))).orThrow();
            first = first == null ? p : first;
        }
        Account silent = account("silent"); // the default is opt-in: no consent
        for (int i = 0; i < 10; i++) {
            social.posts().create(silent.id(), NewPost.of("CANARY-NOCONSENT public post " + i)).orThrow();
        }
        for (int i = 0; i < 5; i++) {
            social.posts().create(consenting[0].id(), NewPost.of("CANARY-FOLLOWERS only " + i, PostVisibility.PRIVATE)).orThrow();
        }
        for (int i = 0; i < 3; i++) {
            social.posts().create(consenting[1].id(), NewPost.of("@writer2 CANARY-DIRECT " + i, PostVisibility.DIRECT)).orThrow();
        }
        for (int i = 0; i < 2; i++) {
            social.posts().create(consenting[2].id(), NewPost.of("CANARY-UNLISTED " + i, PostVisibility.UNLISTED)).orThrow();
        }
        for (int i = 0; i < 4; i++) {
            social.posts().reblog(consenting[1 + i % 2].id(), first.id() + 0).orThrow();
            first = social.posts().create(consenting[0].id(), NewPost.of("one more post to repost " + i)).orThrow();
        }
    }

    private Account account(String name) {
        return social.accounts().createWithoutPassword(name, name + "@example.org", name, false).orThrow();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void trainsOnConsentedPublicPostsOnlyAndTheCardCountsTheRest() throws Exception {
        TrainingJob job = new TrainingJob(new DatabaseCorpus(db), TestCorpora.tiny(10), dir.resolve("net.gguf"),
                TrainingJob.Options.defaults());
        TrainingResult r = job.run();
        ModelCard card = assertInstanceOf(TrainingResult.Completed.class, r, r::toString).card();

        CorpusManifest m = card.corpus();
        assertEquals(124, m.postsIncluded(), m.toString());
        assertEquals(124, card.trainPosts() + card.validationPosts());
        assertEquals(10, m.postsExcludedByReason().get("author not consenting"), m.toString());
        assertEquals(5, m.postsExcludedByReason().get("followers only"), m.toString());
        assertEquals(3, m.postsExcludedByReason().get("direct"), m.toString());
        assertEquals(2, m.postsExcludedByReason().get("unlisted"), m.toString());
        assertEquals(4, m.postsExcludedByReason().get("repost"), m.toString());
        assertEquals(3, m.accountsIncluded());
        assertEquals(1, m.accountsExcludedByReason().get("not consenting"), m.toString());
        assertTrue(card.toMarkdown().contains("Posts excluded, author not consenting: 10"), card.toMarkdown());

        // nothing excluded reached the tokens the model trained on
        Tokenizer t = Tokenizers.fromGguf(job.files().vocabulary());
        PackedTokens tokens = TokenFile.read(job.files().tokens(), card.hyperparameters().vocabSize());
        String all = t.decode(tokens.train()) + t.decode(tokens.validation());
        assertFalse(all.contains("CANARY"), "an excluded post reached the training tokens");
        assertTrue(all.contains("one more post to repost 3"));
    }

    @Test
    void theSplitIsByPostIdAndStable() throws Exception {
        DatabaseCorpus corpus = new DatabaseCorpus(db);
        CorpusSnapshot a = corpus.read(9, 0.2, () -> false);
        social.posts().create(account("late").id(), NewPost.of("a post from someone who does not consent")).orThrow();
        CorpusSnapshot b = corpus.read(9, 0.2, () -> false);
        assertEquals(a.validation(), b.validation());
        assertEquals(a.train(), b.train());
        assertTrue(a.validation().size() > 5 && a.validation().size() < 50, "validation " + a.validation().size());
        CorpusSnapshot other = corpus.read(10, 0.2, () -> false);
        assertFalse(other.validation().equals(a.validation()), "the seed salts the split");
    }
}
