package dev.starling.search.tags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.SignUp;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Mastodon's Tag history: uses and accounts per UTC day for the last 7 days, from public posts only. */
class HashtagHistoryTest {

    @Test
    void usesAndAccountsPerDayNewestFirst() {
        Database db = TestDatabase.fresh("hashtag_history");
        try {
            Social social = TestDatabase.social(db);
            Account ann = signUp(social, "ann");
            Account ben = signUp(social, "ben");
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            Post a1 = post(social, ann, "first #Kites", PostVisibility.PUBLIC);
            Post a2 = post(social, ann, "second #kites", PostVisibility.PUBLIC);
            Post b1 = post(social, ben, "mine too #kites", PostVisibility.PUBLIC);
            Post b2 = post(social, ben, "two days ago #kites #gulls", PostVisibility.PUBLIC);
            Post old = post(social, ben, "eight days ago #kites", PostVisibility.PUBLIC);
            post(social, ann, "followers only #kites", PostVisibility.PRIVATE);
            post(social, ben, "unlisted #kites", PostVisibility.UNLISTED);
            social.posts().reblog(ben.id(), a1.id()).orThrow();
            backdate(db, b2.id(), startOfDay(today.minusDays(2)).plus(Duration.ofHours(3)));
            backdate(db, old.id(), startOfDay(today.minusDays(8)).plus(Duration.ofHours(3)));
            backdate(db, a2.id(), startOfDay(today.minusDays(6)).plus(Duration.ofMinutes(1))); // the oldest day still shown
            Instant now = Instant.now(); // (a test run across midnight UTC would see 'today' change: not worth guarding)

            Map<String, List<HashtagHistory.Day>> h = new HashtagHistory(db).history(List.of("kites", "#GULLS", "nothing"), now);
            assertEquals(List.of("kites", "gulls", "nothing"), List.copyOf(h.keySet()));
            List<HashtagHistory.Day> kites = h.get("kites");
            assertEquals(IntStream.range(0, 7).mapToObj(today::minusDays).toList(), kites.stream().map(HashtagHistory.Day::day).toList(),
                    "7 days, newest first");
            assertEquals(new HashtagHistory.Day(today, 2, 2), kites.get(0), "a1 and b1 (not the repost, not the private or unlisted post)");
            assertEquals(new HashtagHistory.Day(today.minusDays(2), 1, 1), kites.get(2));
            assertEquals(new HashtagHistory.Day(today.minusDays(6), 1, 1), kites.get(6));
            assertEquals(4, kites.stream().mapToLong(HashtagHistory.Day::uses).sum(), "the 8-day-old post is outside the window");
            assertEquals(1, h.get("gulls").get(2).uses());
            assertTrue(h.get("nothing").stream().allMatch(d -> d.uses() == 0 && d.accounts() == 0));
            assertEquals(Map.of("day", Long.toString(startOfDay(today).getEpochSecond()), "uses", "2", "accounts", "2"), kites.get(0).toJson());

            assertTrue(assertThrows(IllegalArgumentException.class, () -> new HashtagHistory(db).history(List.of("#"), now))
                    .getMessage().contains("1..200"));
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> new HashtagHistory(db).history(IntStream.range(0, 101).mapToObj(i -> "t" + i).toList(), now)).getMessage().contains("at most 100"));
            assertEquals(Map.of(), new HashtagHistory(db).history(Collections.emptyList(), now));
        } finally {
            db.close();
        }
    }

    private static Instant startOfDay(LocalDate d) {
        return d.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static void backdate(Database db, long postId, Instant at) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE posts SET created_at = ? WHERE id = ?")) {
                ps.setTimestamp(1, Timestamp.from(at));
                ps.setLong(2, postId);
                assertEquals(1, ps.executeUpdate());
            }
            return null;
        });
    }

    private static Account signUp(Social social, String name) {
        return social.accounts().signUp(new SignUp(name, name + "@example.org", "correct horse battery staple")).orThrow();
    }

    private static Post post(Social social, Account a, String text, PostVisibility v) {
        return social.posts().create(a.id(), NewPost.of(text, v)).orThrow();
    }
}
