package dev.starling.social.timelines;

import dev.starling.social.common.Page;
import dev.starling.social.common.Paging;
import dev.starling.social.common.Slice;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostRows;
import dev.starling.social.visibility.VisibilitySql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a timeline as two cheap steps instead of one query whose visibility subplans make the
 * planner abandon the ordered index scan: (1) candidate ids in id order from an index range scan
 * (cursor-bounded, {@code batch} at a time, no visibility); (2) the visibility rule
 * ({@link VisibilitySql#canSee}, plus mutes where asked) applied to that batch. It walks the
 * candidate stream until the page is full or the stream ends, so the result is exactly "the first
 * {@code limit} visible posts after the cursor" — the same as one filtered query, but each step
 * is an index scan.
 */
final class FilteredScan {

    /** The candidate query: given a page-like cursor window, returns ids in the page's order. */
    interface Candidates {
        /** SQL selecting ids with {@link Paging#conditions} on "p.id" and {@link Paging#orderAndLimit}. */
        String sql(Page window);

        /** Binds the query's own parameters from index 1; returns the next free index for the cursors. */
        int bind(PreparedStatement ps) throws SQLException;

        /**
         * Binds all parameters of {@link #sql} for {@code window} from index 1 and returns the next free
         * index. By default: {@link #bind(PreparedStatement)} and then the cursors once.
         */
        default int bindAll(PreparedStatement ps, Page window) throws SQLException {
            return Paging.bind(ps, bind(ps), window);
        }
    }

    /** Batches scanned per page before giving up on a run of invisible posts (a field so tests can lower it). */
    static volatile int maxRounds = 200;

    private FilteredScan() {
    }

    static Slice<Post> run(Connection c, Long viewerId, Page page, boolean applyMutes, Candidates candidates) throws SQLException {
        int batch = Math.min(Page.MAX_LIMIT, page.limit() + 10);
        List<Post> kept = new ArrayList<>();
        Page window = new Page(page.maxId(), page.sinceId(), page.minId(), batch);
        boolean exhausted = false;
        Long lastScanned = null;
        for (int round = 0; round < maxRounds && kept.size() < page.limit(); round++) {
            // One round trip per batch: the candidate ids, each with its row when the viewer may see it.
            List<Long> ids = new ArrayList<>();
            Map<Long, Post> visible = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql(candidates.sql(window), applyMutes))) {
                int i = candidates.bindAll(ps, window);
                ps.setLong(i, VisibilitySql.viewerParam(viewerId));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong("cand_id"));
                        rs.getLong("id");
                        if (!rs.wasNull()) {
                            Post p = PostRows.map(rs);
                            visible.put(p.id(), p);
                        }
                    }
                }
            }
            if (ids.isEmpty()) {
                exhausted = true;
                break;
            }
            ids.sort(page.ascending() ? Comparator.naturalOrder() : Comparator.reverseOrder());
            lastScanned = ids.getLast();
            for (Long id : ids) {
                Post p = visible.get(id);
                if (p != null && kept.size() < page.limit()) {
                    kept.add(p);
                }
            }
            if (ids.size() < batch) {
                exhausted = true;
                break;
            }
            long last = ids.getLast();
            window = page.ascending()
                    ? new Page(page.maxId(), page.sinceId(), last, batch)
                    : new Page(last, page.sinceId(), null, batch);
        }
        if (!exhausted && kept.size() < page.limit() && lastScanned != null) {
            // Gave up after maxRounds batches of invisible posts: return what was found with a cursor
            // past everything scanned, so that a client paging on continues beyond the hidden run.
            Slice<Post> s = Paging.slice(kept, Post::id, page);
            return page.ascending()
                    ? new Slice<>(s.items(), s.nextMaxId(), lastScanned)
                    : new Slice<>(s.items(), lastScanned, s.prevMinId());
        }
        return Paging.slice(kept, Post::id, page);
    }

    /** The candidate query joined with the visibility rule: columns {@code cand_id}, then the post's columns (null when hidden). */
    static String sql(String candidateSql, boolean applyMutes) {
        return "SELECT c0.cand_id, vis.* FROM (" + candidateSql + ") c0(cand_id) LEFT JOIN LATERAL (SELECT " + PostRows.COLUMNS
                + " FROM " + VisibilitySql.VIEWER + ", posts p LEFT JOIN posts o ON o.id = p.reblog_of_id WHERE p.id = c0.cand_id AND "
                + VisibilitySql.canSee("p", "o") + (applyMutes ? " AND " + VisibilitySql.notMuted("p", "o") : "") + ") vis ON true";
    }
}
