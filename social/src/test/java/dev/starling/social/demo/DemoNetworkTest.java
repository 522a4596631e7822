package dev.starling.social.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.db.Database;
import dev.starling.social.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoNetworkTest {

    static final DemoNetwork.Options OPTIONS = new DemoNetwork.Options(300, 8, 7, DemoNetwork.noonUtc(LocalDate.of(2026, 3, 1)));

    @Test
    void sameSeedGivesTheSameNetworkAndItIsHeavyTailed() {
        Corpus corpus = Corpus.defaultCorpus();
        assertTrue(corpus.texts().size() >= 300, "default corpus has " + corpus.texts().size() + " texts");
        assertEquals(0, corpus.skipped(), "every default text is a valid post");
        List<String> first;
        try (Database db = TestDatabase.fresh("demo_a")) {
            DemoSummary s = DemoNetwork.build(db, 42, corpus, OPTIONS);
            System.out.println("demo network: " + s);
            assertTrue(s.created());
            assertEquals(300, s.accounts());
            DemoEventsTest.checkDefaultNetwork(db, s);
            assertTrue(s.posts() > 2000 && s.replies() > 300 && s.reposts() > 100 && s.favourites() > 1000 && s.follows() > 1500, s.toString());
            first = fingerprint(db);
            List<Long> degrees = longs(db, "SELECT count(f.follower_id) FROM accounts a LEFT JOIN follows f ON f.followee_id = a.id GROUP BY a.id ORDER BY 1");
            long median = degrees.get(degrees.size() / 2);
            long max = degrees.getLast();
            System.out.printf("followers: median %d, max %d, top 1%% share %.2f%n", median, max,
                    degrees.subList(degrees.size() * 99 / 100, degrees.size()).stream().mapToLong(Long::longValue).sum()
                            / (double) degrees.stream().mapToLong(Long::longValue).sum());
            assertTrue(max >= 8 * Math.max(1, median), "heavy tail: max followers " + max + " vs median " + median);
            List<Long> spanDays = longs(db, "SELECT (extract(epoch FROM max(created_at) - min(created_at)) / 86400)::bigint FROM posts");
            assertTrue(spanDays.getFirst() >= 5, "posts spread over days: " + spanDays);
            assertTrue(longs(db, "SELECT count(*) FROM post_tags").getFirst() > 100, "hashtags");
            assertTrue(longs(db, "SELECT count(*) FROM outbox").getFirst() > s.posts(), "demo writes go to the outbox");
            assertFalse(DemoNetwork.build(db, 42, corpus, OPTIONS).created(), "building again does nothing");
            System.out.println("demo network of 300 accounts built in " + s.elapsedMillis() + " ms (a figure, not a test: timing is for benchmarks)");
        }
        try (Database db = TestDatabase.fresh("demo_b")) {
            DemoNetwork.build(db, 42, corpus, OPTIONS);
            assertEquals(first, fingerprint(db), "same seed, same network");
        }
        try (Database db = TestDatabase.fresh("demo_c")) {
            DemoNetwork.build(db, 43, corpus, OPTIONS.withAccounts(50));
            assertNotEquals(first, fingerprint(db));
        }
    }

    @Test
    void corpusFromLinesOrJsonl(@TempDir Path dir) throws Exception {
        Path lines = dir.resolve("lines.txt");
        Files.writeString(lines, "first post\n\nsecond post #tag\n" + "x".repeat(300) + "\n");
        Corpus c = Corpus.fromFile(lines);
        assertEquals(List.of("first post", "second post #tag"), c.texts());
        assertEquals(1, c.skipped());
        Path jsonl = dir.resolve("posts.jsonl");
        Files.writeString(jsonl, "{\"text\": \"hello json\", \"id\": 1}\nnot json\n{\"other\": 1}\n{\"text\": \"two\"}\n");
        Corpus j = Corpus.fromFile(jsonl);
        assertEquals(List.of("hello json", "two"), j.texts());
        assertEquals(2, j.skipped());
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "\n\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Corpus.fromFile(empty));
        assertTrue(e.getMessage().contains("no usable"), e.getMessage());
    }

    /** Everything but ids: usernames, names, graph by username, post texts with timestamps and parents, likes. */
    static List<String> fingerprint(Database db) {
        List<String> out = new ArrayList<>();
        out.addAll(strings(db, "SELECT username || '|' || display_name || '|' || locked || '|' || created_at FROM accounts ORDER BY username"));
        out.addAll(strings(db, "SELECT a.username || '>' || b.username FROM follows f JOIN accounts a ON a.id = f.follower_id"
                + " JOIN accounts b ON b.id = f.followee_id ORDER BY 1"));
        out.addAll(strings(db, "SELECT a.username || '|' || p.text || '|' || p.visibility || '|' || p.created_at || '|' || coalesce(q.text, '-')"
                + " || '|' || coalesce(o.text, '-') FROM posts p JOIN accounts a ON a.id = p.author_id LEFT JOIN posts q ON q.id = p.in_reply_to_id"
                + " LEFT JOIN posts o ON o.id = p.reblog_of_id ORDER BY 1"));
        out.addAll(strings(db, "SELECT a.username || '|' || p.text || '|' || f.created_at FROM favourites f JOIN accounts a ON a.id = f.account_id"
                + " JOIN posts p ON p.id = f.post_id ORDER BY 1"));
        return out;
    }

    static List<String> strings(Database db, String sql) {
        return db.withConnection(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    static List<Long> longs(Database db, String sql) {
        return db.withConnection(c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        });
    }
}
