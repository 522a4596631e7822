package dev.starling.search.authors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.search.PostSearch;
import dev.starling.search.index.PostIndex;
import dev.starling.search.query.SearchMode;
import dev.starling.search.query.SearchResult;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.SignUp;
import dev.starling.social.db.Database;
import dev.starling.social.export.PostExport.ExportedPost;
import dev.starling.social.export.PostExport.Relations;
import dev.starling.social.posts.Entities;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;

/** The author signal of Top: its formula and bounds, its effect on the order, and its source in the database. */
class AuthorSignalTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final long ALICE = 1;
    static final long BOB = 2;

    @Test
    void formulaIsLogDampedBoundedAndHeldBackForNewAccounts() {
        assertEquals(1.0, AuthorSignals.factor(0, 365), 1e-12, "no followers, no boost");
        assertEquals(1.0, AuthorSignals.factor(5_000, 0), 1e-12, "an account made today gets no boost");
        assertEquals(1.2, AuthorSignals.factor(10_000, 30), 1e-12, "full boost at 10,000 followers and 30 days");
        assertEquals(1.2, AuthorSignals.factor(50_000_000, 3_000), 1e-12, "and never more");
        assertEquals(1.1, AuthorSignals.factor(10_000, 15), 1e-12, "half the age ramp, half the boost");
        assertEquals(1 + 0.2 * Math.log(101) / Math.log(10_001), AuthorSignals.factor(100, 60), 1e-12);
        double last = 1;
        for (long f = 1; f <= 1_000_000; f *= 3) {
            double x = AuthorSignals.factor(f, 60);
            assertTrue(x >= last && x <= 1.2, "monotone and bounded at " + f + " followers: " + x);
            last = x;
        }
        AuthorSignals s = AuthorSignals.of(Map.of(7L, new AuthorSignals.AuthorStats(10_000, NOW.minus(Duration.ofDays(40)).toEpochMilli())),
                NOW.toEpochMilli());
        assertEquals(1.2, s.factor(7), 1e-6);
        assertEquals(1.0, s.factor(8), 0, "unknown author");
        assertEquals(1.0, AuthorSignals.NONE.factor(7), 0);
    }

    @Test
    void anAudienceLiftsAnEqualMatchButDoesNotOutweighEngagement() {
        try (PostIndex index = PostIndex.open(new ByteBuffersDirectory(), null)) {
            // bob's post is an hour newer (recency favours it by about 0.7%); alice has 1,000 followers for 60 days (factor 1.15)
            index.apply(List.of(10L, 11L), Map.of(
                    10L, post(10, ALICE, "kites over the harbour this morning", NOW.minus(Duration.ofHours(2)), 0),
                    11L, post(11, BOB, "kites over the harbour this morning", NOW.minus(Duration.ofHours(1)), 0)));
            index.refresh();
            Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
            AuthorSignals audience = AuthorSignals.of(Map.of(ALICE, new AuthorSignals.AuthorStats(1_000, NOW.minus(Duration.ofDays(60)).toEpochMilli())),
                    NOW.toEpochMilli());
            assertEquals(List.of(11L, 10L), top(new PostSearch(index, id -> none(id), clock), "kites"), "without the signal recency decides");
            assertEquals(List.of(10L, 11L), top(new PostSearch(index, id -> none(id), clock, () -> audience), "kites"),
                    "with it the author with an audience comes first");

            // the boost is bounded: ten million followers (factor 1.2) do not outweigh five likes (factor 1 + 0.3 ln 6 = 1.54)
            index.apply(List.of(11L), Map.of(11L, post(11, BOB, "kites over the harbour this morning", NOW.minus(Duration.ofHours(1)), 5)));
            index.refresh();
            AuthorSignals famous = AuthorSignals.of(Map.of(ALICE, new AuthorSignals.AuthorStats(10_000_000, NOW.minus(Duration.ofDays(900)).toEpochMilli())),
                    NOW.toEpochMilli());
            assertEquals(List.of(11L, 10L), top(new PostSearch(index, id -> none(id), clock, () -> famous), "kites"));
        }
    }

    @Test
    void sourceReadsFollowersAndAccountAgeFromTheDatabase() {
        Database db = TestDatabase.fresh("author_signals");
        try {
            Social social = TestDatabase.social(db);
            Account ann = signUp(social, "ann");
            Account ben = signUp(social, "ben");
            Account cid = signUp(social, "cid");
            social.relationships().follow(ben.id(), ann.id()).orThrow();
            social.relationships().follow(cid.id(), ann.id()).orThrow();
            Instant later = Instant.now().plus(Duration.ofDays(45));
            AuthorSignalsSource source = new AuthorSignalsSource(db, Clock.fixed(later, ZoneOffset.UTC), 60_000);
            AuthorSignals s = source.get();
            assertEquals(AuthorSignals.factor(2, 45), s.factor(ann.id()), 1e-3, "two followers, a 45-day-old account");
            assertEquals(1.0, s.factor(ben.id()), 0, "no followers");
            assertEquals(1, s.size(), "only accounts with followers are loaded");
            social.relationships().follow(ann.id(), ben.id()).orThrow();
            assertTrue(source.get() == s, "the snapshot is reused within its age");
            AuthorSignals fresh = new AuthorSignalsSource(db, Clock.fixed(later, ZoneOffset.UTC), 0).get();
            assertEquals(2, fresh.size(), "a new snapshot sees the new follow");
        } finally {
            db.close();
        }
    }

    private static Account signUp(Social social, String name) {
        return social.accounts().signUp(new SignUp(name, name + "@example.org", "correct horse battery staple")).orThrow();
    }

    private static Relations none(long id) {
        return new Relations(id, Set.of(), Set.of(), Set.of());
    }

    private static List<Long> top(PostSearch search, String q) {
        SearchResult r = search.search(null, q, SearchMode.TOP, 0, 10);
        return assertInstanceOf(SearchResult.Hits.class, r, r::toString).postIds();
    }

    static ExportedPost post(long id, long author, String text, Instant created, long faves) {
        Post p = new Post(id, author, text, PostVisibility.PUBLIC, null, null, null, null, null, "en", false, "",
                new Entities(List.of(), List.of(), List.of(), List.of()), created, null);
        return new ExportedPost(p, "u" + author, null, faves, 0, 0);
    }
}
