package dev.starling.social.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.db.Database;
import dev.starling.social.testing.TestDatabase;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The events planted in the demo network: many distinct accounts (consenting and not) post PUBLIC posts with the
 * event's phrase, most with its tag, many with its link, in the last hours before the end; nothing lies in the
 * future of the end; the numbers scale down with a small network.
 */
class DemoEventsTest {

    static final Instant END = DemoNetworkTest.OPTIONS.end();

    /**
     * The checks for the default size (300 accounts over 7 days, built by {@link DemoNetworkTest} with seed 42, which
     * calls this so that the big network is built once): a big and a small event in the last hours.
     */
    static void checkDefaultNetwork(Database db, DemoSummary s) {
        System.out.println("demo events: " + s.events());
        assertEquals(2, s.events().size(), s.toString());
        DemoSummary.Event big = s.events().get(0);
        DemoSummary.Event small = s.events().get(1);
        assertEquals(40, big.accounts(), big.toString());
        assertEquals(15, small.accounts(), small.toString());
        for (DemoSummary.Event e : s.events()) {
            checkEvent(db, e, e == big ? Duration.ofHours(4) : Duration.ofHours(9));
        }
        assertTrue(big.consentingAccounts() > 0 && big.consentingAccounts() < big.accounts(),
                "consenting and non-consenting accounts alike: " + big);
        assertEquals(0, count(db, "SELECT count(*) FROM posts WHERE created_at > ?", END), "no post after the end");
        assertEquals(0, count(db, "SELECT count(*) FROM favourites WHERE created_at > ?", END), "no like after the end");
        assertEquals(0, count(db, "SELECT count(*) FROM notifications WHERE created_at > ?", END), "no notification after the end");
        assertEquals(s.reposts(), count(db, "SELECT count(*) FROM posts WHERE reblog_of_id IS NOT NULL AND created_at > ?", Instant.EPOCH),
                "summary counts every repost");
        assertEquals(s.replies(), count(db, "SELECT count(*) FROM posts WHERE in_reply_to_id IS NOT NULL AND created_at > ?", Instant.EPOCH),
                "summary counts every reply");
        assertEquals(s.posts(), count(db, "SELECT count(*) FROM posts WHERE created_at > ?", Instant.EPOCH), "summary counts every post");
        assertEquals(s.favourites(), count(db, "SELECT count(*) FROM favourites WHERE created_at > ?", Instant.EPOCH), "and every like");
    }

    @Test
    void aSmallNetworkGetsSmallerEventsThatStillReachFiveAccounts() {
        try (Database db = TestDatabase.fresh("demo_events_small")) {
            DemoSummary s = DemoNetwork.build(db, 7, Corpus.defaultCorpus(), new DemoNetwork.Options(40, 4, 3, END));
            System.out.println("small demo events: " + s.events());
            assertEquals(List.of(6, 5), s.events().stream().map(DemoSummary.Event::accounts).toList());
            for (DemoSummary.Event e : s.events()) {
                checkEvent(db, e, e == s.events().get(0) ? Duration.ofHours(4) : Duration.ofHours(9));
            }
            assertEquals(0, count(db, "SELECT count(*) FROM posts WHERE created_at > ?", END), "no post after the end");
            assertEquals(0, count(db, "SELECT count(*) FROM favourites WHERE created_at > ?", END), "no like after the end");
        }
    }

    /**
     * Every author of the event posted once, publicly, within {@code within} of the end, with the phrase; tag and link
     * reach 5 accounts. (Posts drawn from the corpus that happen to contain the phrase are not the event's.)
     */
    static void checkEvent(Database db, DemoSummary.Event e, Duration within) {
        Instant from = END.minus(within).minusSeconds(1);
        List<String> corpusLines = Corpus.defaultCorpus().texts().stream().filter(t -> t.toLowerCase(Locale.ROOT).contains(e.phrase())).toList();
        List<String[]> rows = rows(db, "SELECT author_id::text, visibility::text, text, (? = ANY(hashtags))::text FROM posts"
                + " WHERE reblog_of_id IS NULL AND in_reply_to_id IS NULL AND created_at > ? AND text ILIKE ?", e.tag(), from, "%" + e.phrase() + "%")
                .stream().filter(r -> corpusLines.stream().noneMatch(r[2]::contains)).toList();
        Set<String> authors = new HashSet<>();
        Set<String> tagged = new HashSet<>();
        Set<String> linked = new HashSet<>();
        for (String[] r : rows) {
            assertEquals("0", r[1], "a planted post is public: " + r[2]);
            authors.add(r[0]);
            if (r[3].equals("true")) {
                tagged.add(r[0]);
            }
            if (r[2].contains(e.link())) {
                linked.add(r[0]);
            }
        }
        System.out.printf("event %s: %d posts by %d accounts with the phrase, %d with #%s, %d with the link%n", e.name(), rows.size(),
                authors.size(), tagged.size(), e.tag(), linked.size());
        assertEquals(e.accounts(), authors.size(), "distinct authors with the phrase: " + e);
        assertEquals(e.posts(), rows.size(), "one post each: " + e);
        assertTrue(tagged.size() >= 5 && tagged.size() <= e.accounts(), "tag used by " + tagged.size());
        assertTrue(linked.size() >= 5 && (linked.size() < e.accounts() || e.accounts() <= 6), "link shared by " + linked.size());
        assertTrue(count(db, "SELECT count(*) FROM posts p WHERE p.created_at <= ? AND ? = ANY(p.hashtags)", END.minus(Duration.ofDays(1)),
                e.tag()) <= 2, "the tag was quiet before");
    }

    static List<String[]> rows(Database db, String sql, Object... params) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, params);
                List<String[]> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        String[] r = new String[n];
                        for (int i = 0; i < n; i++) {
                            r[i] = rs.getString(i + 1);
                        }
                        out.add(r);
                    }
                }
                return out;
            }
        });
    }

    static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            if (params[i] instanceof Instant t) {
                ps.setTimestamp(i + 1, Timestamp.from(t));
            } else {
                ps.setString(i + 1, (String) params[i]);
            }
        }
    }

    static long count(Database db, String sql, Object... params) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}
