package dev.starling.social.posts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.SignUp;
import dev.starling.social.db.Database;
import dev.starling.social.testing.TestDatabase;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PostRows#columns} reads a post's mention rows only when the post may have some (a reply, or an at
 * sign in the text): every kind of post that {@link PostWriter} writes must come back with exactly the
 * mentions stored for it, as the unguarded subqueries would give.
 */
class PostMentionsHydrationTest {
    static Database db;
    static Social social;

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("post_mentions_hydration");
        social = TestDatabase.social(db);
    }

    @AfterAll
    static void down() {
        db.close();
    }

    static Account signUp(String name) {
        return social.accounts().signUp(new SignUp(name, name + "@example.org", "password for " + name)).orThrow();
    }

    @Test
    void everyKindOfPostComesBackWithItsStoredMentions() {
        Account ann = signUp("ann_m");
        Account ben = signUp("ben_m");
        Account cat = signUp("cat_m");
        Post plain = social.posts().create(ann.id(), NewPost.of("no mentions here, not even an email")).orThrow();
        Post mention = social.posts().create(ann.id(), NewPost.of("hello @ben_m and @cat_m")).orThrow();
        Post fullWidth = social.posts().create(ann.id(), NewPost.of("hello \uFF20ben_m in full width")).orThrow();
        Post unknown = social.posts().create(ann.id(), NewPost.of("hello @nobody_here")).orThrow();
        // a reply without any at sign in its text still mentions the account it answers
        Post reply = social.posts().create(ben.id(), NewPost.of("a reply with no name in it").replyTo(plain.id())).orThrow();
        Post selfReply = social.posts().create(ann.id(), NewPost.of("answering myself").replyTo(plain.id())).orThrow();
        Post replyAndMention = social.posts().create(cat.id(), NewPost.of("and @ben_m too").replyTo(mention.id())).orThrow();
        Post reblog = social.posts().reblog(ben.id(), mention.id()).orThrow();

        List<Post> all = List.of(plain, mention, fullWidth, unknown, reply, selfReply, replyAndMention, reblog);
        int withMentions = 0;
        for (Post p : all) {
            List<Long> stored = storedMentions(p.id());
            Post loaded = db.withConnection(c -> PostRows.load(c, p.id())).orElseThrow();
            List<Long> hydrated = loaded.entities().mentions().stream().map(m -> m.accountId()).toList();
            assertEquals(stored, hydrated, "mentions of post " + p.id() + " '" + p.text() + "'");
            for (var m : loaded.entities().mentions()) {
                assertEquals(social.accounts().byId(m.accountId()).orElseThrow().username(), m.username());
            }
            Post many = db.withConnection(c -> PostRows.loadMany(c, List.of(p.id()))).get(p.id());
            assertEquals(loaded, many);
            withMentions += stored.isEmpty() ? 0 : 1;
        }
        // the cases that need the rows: '@', the full-width at sign, and a reply without any
        assertEquals(List.of(ben.id(), cat.id()), storedMentions(mention.id()));
        assertEquals(List.of(ben.id()), storedMentions(fullWidth.id()));
        assertEquals(List.of(ann.id()), storedMentions(reply.id()));
        assertEquals(List.of(ann.id(), ben.id()).stream().sorted().toList(), storedMentions(replyAndMention.id()));
        assertTrue(storedMentions(plain.id()).isEmpty());
        assertFalse(withMentions < 4, "only " + withMentions + " posts with mentions");
    }

    private static List<Long> storedMentions(long postId) {
        return db.withConnection(c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT account_id FROM post_mentions WHERE post_id = ? ORDER BY account_id")) {
                ps.setLong(1, postId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
            }
            return out;
        });
    }
}
