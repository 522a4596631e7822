package dev.starling.social.timelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Page;
import dev.starling.social.common.Paging;
import dev.starling.social.db.Database;
import dev.starling.social.relationships.Relationships;
import dev.starling.social.testing.TestDatabase;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded randomized test that the fast home timeline ({@link Timelines#home}: candidates bounded
 * by the followed authors' newest posts, filtered in the same round trip) returns exactly what the
 * plain reference query returns ({@link Timelines#homeReference}: {@code limit} posts of every
 * followed author, merged), page by page with every kind of cursor, while random operations change
 * the network: posts of every visibility, reposts, deletions, visibility changes, follows,
 * unfollows, blocks, unblocks, mutes and unmutes.
 *
 * <p>Prints its seed; replay with {@code -Dtests.seed=<seed>}.
 */
class HomeTimelineEquivalenceTest {

    @Test
    void boundedHomeEqualsReferenceOverRandomOperations() {
        long seed = Long.getLong("tests.seed", new Random().nextLong());
        System.out.println("HomeTimelineEquivalenceTest seed: " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random r = new Random(seed);
        try (Database db = TestDatabase.fresh("homeeq", 4)) {
            Social s = TestDatabase.social(db);
            List<Account> accounts = new ArrayList<>();
            // More followed authors than a scan batch (limit + 10, at most 40), so that the bound is in play.
            int n = 45 + r.nextInt(10);
            for (int i = 0; i < n; i++) {
                accounts.add(s.accounts().createWithoutPassword("he" + i, "he" + i + "@example.org", "", false).orThrow());
            }
            // Most accounts follow most others, so that pages of a few posts have more authors than posts (the bound is used).
            db.inTransaction(c -> {
                for (Account a : accounts) {
                    for (Account b : accounts) {
                        if (a.id() != b.id() && r.nextInt(10) < 8) {
                            Relationships.follow(c, a.id(), b.id(), Instant.now()).orThrow();
                        }
                    }
                }
                return null;
            });
            List<Long> posts = new ArrayList<>();
            int checks = 0;
            for (int step = 0; step < 240; step++) {
                HomeRandomOps.step(s, db, r, accounts, posts, step, "he");
                if (step % 80 == 79) {
                    for (Account viewer : accounts.subList(0, 6)) {
                        String where = "seed " + seed + ", step " + step + ", viewer " + viewer.username();
                        HomeRandomOps.compareAllPages(s.timelines()::homeReference, s.timelines()::home, viewer.id(), r, where);
                        compareCandidates(db, viewer.id(), r, where);
                        checks++;
                    }
                }
            }
            assertTrue(checks > 0);
        }
    }

    /** The candidate queries themselves (before visibility) return the same ids, for a first page and cursor windows. */
    private static void compareCandidates(Database db, long viewer, Random r, String where) {
        int batch = 1 + r.nextInt(Page.MAX_LIMIT);
        List<Long> all = candidates(db, viewer, Page.first(Page.MAX_LIMIT), false);
        List<Page> windows = new ArrayList<>(List.of(Page.first(batch)));
        for (int i = 0; i < 4 && !all.isEmpty(); i++) {
            long a = all.get(r.nextInt(all.size()));
            long b = all.get(r.nextInt(all.size()));
            windows.add(new Page(a, null, null, batch));
            windows.add(new Page(Math.max(a, b), Math.min(a, b), null, batch));
        }
        for (Page w : windows) {
            assertEquals(candidates(db, viewer, w, true), candidates(db, viewer, w, false), where + ", candidates of " + w);
        }
    }

    private static List<Long> candidates(Database db, long viewer, Page w, boolean reference) {
        return db.withConnection(c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(reference ? Timelines.homeSqlReference(w) : Timelines.homeSql(w))) {
                ps.setLong(1, viewer);
                int i = 2;
                if (!reference) {
                    ps.setLong(i++, viewer);
                    i = Paging.bind(ps, i, w);
                }
                Paging.bind(ps, i, w);
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
