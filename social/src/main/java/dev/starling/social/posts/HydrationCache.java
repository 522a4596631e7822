package dev.starling.social.posts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.AccountRows;
import dev.starling.social.changes.Change;
import dev.starling.social.changes.ChangeListener;
import dev.starling.social.db.Database;
import dev.starling.social.changes.KeyVersions;
import dev.starling.social.visibility.Viewer;
import dev.starling.social.visibility.ViewerCache;
import dev.starling.social.visibility.ViewerRelations;
import dev.starling.social.visibility.Visibility;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * What hydrating posts into {@link PostView}s reads besides the posts themselves, held in memory and
 * kept current by the change feed (migration V6): each post's counters (POST_STATS), each author's
 * row with its counters (ACCOUNT), and each viewer's own flags on each post: favourited (FAVOURITE),
 * bookmarked (BOOKMARK), reposted (a POST_CREATED or POST_DELETED whose third number is the post).
 * Counters that V2's triggers keep are not announced when those triggers change them (migration V7):
 * they follow from the change that caused them, so FOLLOW drops both accounts, POST_CREATED and
 * POST_DELETED drop the author and the reposted post's counters, and FAVOURITE the post's counters
 * (a reply's parent comes as a POST_STATS entry beside the reply's own).
 * The posts, reposts' originals and quotes come from the {@link PostCache}, and which quotes the
 * viewer may see is decided with {@link Visibility#canSee} over the {@link ViewerCache} (or, without
 * one, in SQL). So a page whose parts are all held is hydrated with no database round trip; the
 * missing parts of each kind are read in one query each.
 *
 * <p>Counters and flags are cached whatever their value (zero, false): any later change to them is
 * announced. A loaded value is installed only if no change of its key arrived while it loaded
 * ({@link KeyVersions}); RESET drops everything. Answers from memory only while {@code live}; the
 * caller hydrates through SQL ({@link PostViews#hydrate}) otherwise.
 */
public final class HydrationCache implements ChangeListener {

    /** A post's stored counters. */
    record Counts(long replies, long reblogs, long favourites) {
        static final Counts ZERO = new Counts(0, 0, 0);
    }

    /** Bits of a viewer's flags on a post. */
    private static final int FAVOURITED = 1;
    private static final int REBLOGGED = 2;
    private static final int BOOKMARKED = 4;

    /** Counters for metrics and tests: parts answered from memory, parts loaded, loads refused (overtaken by a change). */
    public record Stats(long hits, long loads, long refused) {
    }

    /** Entries of each kind held at most by default. */
    public static final long DEFAULT_MAX_ENTRIES = 500_000;

    private final Database db;
    private final BooleanSupplier live;
    private final PostCache posts;
    private final ViewerCache viewers;
    private final Cache<Long, Counts> counts;
    private final Cache<Long, Account> accounts;
    private final Cache<FlagKey, Integer> flags;
    private final KeyVersions countVersions = new KeyVersions(14);
    private final KeyVersions accountVersions = new KeyVersions(14);
    private final KeyVersions flagVersions = new KeyVersions(16);
    private final LongAdder hits = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder refused = new LongAdder();

    private record FlagKey(long viewer, long post) {
        long mixed() {
            return viewer * 0x9E3779B97F4A7C15L + post;
        }
    }

    /** As {@link #HydrationCache(Database, BooleanSupplier, PostCache, ViewerCache, long)} with quotes' visibility asked in SQL. */
    public HydrationCache(Database db, BooleanSupplier live, PostCache posts, long maxEntries) {
        this(db, live, posts, null, maxEntries);
    }

    /**
     * {@code viewers}: decides which quotes the viewer may see in memory ({@link Visibility#canSee});
     * null asks SQL. {@code maxEntries}: bound of each of the three caches (counters, accounts, flags), 1..10^8.
     */
    public HydrationCache(Database db, BooleanSupplier live, PostCache posts, ViewerCache viewers, long maxEntries) {
        if (maxEntries < 1 || maxEntries > 100_000_000L) {
            throw new IllegalArgumentException("hydration cache bound must be 1..100000000 entries, was " + maxEntries);
        }
        this.db = db;
        this.live = live;
        this.posts = posts;
        this.viewers = viewers;
        this.counts = Caffeine.newBuilder().maximumSize(maxEntries).build();
        this.accounts = Caffeine.newBuilder().maximumSize(maxEntries).build();
        this.flags = Caffeine.newBuilder().maximumSize(maxEntries).build();
    }

    public Stats stats() {
        return new Stats(hits.sum(), loads.sum(), refused.sum());
    }

    /**
     * {@code posts} (already known visible to {@code viewerId}) hydrated in order, as
     * {@link PostViews#hydrate} does; null when the change feed is not live (then hydrate through SQL).
     */
    public List<PostView> hydrate(Long viewerId, List<Post> page) {
        if (!live.getAsBoolean()) {
            return null;
        }
        if (page.isEmpty()) {
            return List.of();
        }
        Map<Long, Post> all = PostViews.byId(page);
        all.putAll(posts.posts(PostViews.missingOriginals(page, all)));
        Set<Long> quoteIds = new HashSet<>();
        for (Post p : all.values()) {
            if (p.quoteOfId() != null) {
                quoteIds.add(p.quoteOfId());
            }
        }
        Set<Long> visibleQuotes = quoteIds.isEmpty() ? Set.of() : visibleQuotes(viewerId, quoteIds, all);

        Map<Long, Account> authors = authors(all.values());
        Map<Long, Counts> postCounts = counts(all.keySet());
        Map<Long, Integer> viewerFlags = viewerId == null ? Map.of() : flags(viewerId, all.keySet());
        Map<Long, Long> replies = new HashMap<>();
        Map<Long, Long> reblogs = new HashMap<>();
        Map<Long, Long> favs = new HashMap<>();
        Set<Long> myFavs = new HashSet<>();
        Set<Long> myReblogs = new HashSet<>();
        Set<Long> myBookmarks = new HashSet<>();
        for (Long id : all.keySet()) {
            Counts n = postCounts.getOrDefault(id, Counts.ZERO);
            replies.put(id, n.replies());
            reblogs.put(id, n.reblogs());
            favs.put(id, n.favourites());
            int f = viewerFlags.getOrDefault(id, 0);
            if ((f & FAVOURITED) != 0) {
                myFavs.add(id);
            }
            if ((f & REBLOGGED) != 0) {
                myReblogs.add(id);
            }
            if ((f & BOOKMARKED) != 0) {
                myBookmarks.add(id);
            }
        }
        return PostViews.assemble(page, new PostViews.Ctx(all, authors, replies, reblogs, favs, myFavs, myReblogs, myBookmarks, visibleQuotes));
    }

    /**
     * The quotes the viewer may see ({@link PostViews#visibleSubset}'s rule), with their rows added to
     * {@code all}: in memory through the viewer cache, else in SQL.
     */
    private Set<Long> visibleQuotes(Long viewerId, Set<Long> quoteIds, Map<Long, Post> all) {
        if (viewers == null) {
            Set<Long> visible = db.read(c -> PostViews.visibleSubset(c, viewerId, quoteIds));
            Set<Long> missing = new HashSet<>(visible);
            missing.removeAll(all.keySet());
            all.putAll(posts.posts(missing));
            return visible;
        }
        ViewerRelations viewer = viewerId == null ? Viewer.ANONYMOUS : viewers.get(viewerId);
        Map<Long, Post> quotes = new HashMap<>();
        Set<Long> missing = new HashSet<>();
        for (Long id : quoteIds) {
            Post q = all.get(id);
            if (q != null) {
                quotes.put(id, q);
            } else {
                missing.add(id);
            }
        }
        quotes.putAll(posts.posts(missing));
        Set<Long> originalIds = new HashSet<>();
        for (Post q : quotes.values()) {
            if (q.isReblog()) {
                originalIds.add(q.reblogOfId());
            }
        }
        Map<Long, Post> originals = posts.posts(originalIds);
        Set<Long> visible = new HashSet<>();
        for (Post q : quotes.values()) {
            Post original = q.isReblog() ? originals.get(q.reblogOfId()) : null;
            if ((!q.isReblog() || original != null) && Visibility.canSee(viewer, q, original)) {
                visible.add(q.id());
                all.putIfAbsent(q.id(), q);
            }
        }
        return visible;
    }

    private Map<Long, Account> authors(Iterable<Post> all) {
        Map<Long, Account> out = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        List<Long> stamps = new ArrayList<>();
        for (Post p : all) {
            long id = p.authorId();
            if (out.containsKey(id) || missing.contains(id)) {
                continue;
            }
            Account a = accounts.getIfPresent(id);
            if (a != null) {
                out.put(id, a);
                hits.increment();
            } else {
                stamps.add(accountVersions.stamp(id));
                missing.add(id);
            }
        }
        if (missing.isEmpty()) {
            return out;
        }
        Map<Long, Account> loaded = db.read(c -> {
            Map<Long, Account> m = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + AccountRows.COLUMNS + " FROM accounts a" + AccountRows.JOIN_STATS
                    + "WHERE a.id = ANY(?)")) {
                ps.setArray(1, c.createArrayOf("bigint", missing.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Account a = AccountRows.map(rs);
                        m.put(a.id(), a);
                    }
                }
            }
            return m;
        });
        for (int i = 0; i < missing.size(); i++) {
            long id = missing.get(i);
            Account a = loaded.get(id);
            if (a != null) {
                install(accounts, accountVersions, id, id, stamps.get(i), a);
                out.put(id, a);
            }
        }
        return out;
    }

    private Map<Long, Counts> counts(Set<Long> ids) {
        Map<Long, Counts> out = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        List<Long> stamps = new ArrayList<>();
        for (Long id : ids) {
            Counts n = counts.getIfPresent(id);
            if (n != null) {
                out.put(id, n);
                hits.increment();
            } else {
                stamps.add(countVersions.stamp(id));
                missing.add(id);
            }
        }
        if (missing.isEmpty()) {
            return out;
        }
        Map<Long, Counts> loaded = db.read(c -> {
            Map<Long, Counts> m = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT post_id, replies_count, reblogs_count, favourites_count FROM post_stats WHERE post_id = ANY(?)")) {
                ps.setArray(1, c.createArrayOf("bigint", missing.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        m.put(rs.getLong(1), new Counts(rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                    }
                }
            }
            return m;
        });
        for (int i = 0; i < missing.size(); i++) {
            long id = missing.get(i);
            Counts n = loaded.getOrDefault(id, Counts.ZERO); // no stats row: all zeros (its later insert is announced)
            install(counts, countVersions, id, id, stamps.get(i), n);
            out.put(id, n);
        }
        return out;
    }

    private Map<Long, Integer> flags(long viewerId, Set<Long> ids) {
        Map<Long, Integer> out = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        List<Long> stamps = new ArrayList<>();
        for (Long id : ids) {
            FlagKey key = new FlagKey(viewerId, id);
            Integer f = flags.getIfPresent(key);
            if (f != null) {
                out.put(id, f);
                hits.increment();
            } else {
                stamps.add(flagVersions.stamp(key.mixed()));
                missing.add(id);
            }
        }
        if (missing.isEmpty()) {
            return out;
        }
        Map<Long, Integer> loaded = db.read(c -> {
            Map<Long, Integer> m = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(FLAGS)) {
                ps.setLong(1, viewerId);
                ps.setLong(2, viewerId);
                ps.setLong(3, viewerId);
                ps.setArray(4, c.createArrayOf("bigint", missing.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        m.put(rs.getLong(1), rs.getInt(2));
                    }
                }
            }
            return m;
        });
        for (int i = 0; i < missing.size(); i++) {
            long id = missing.get(i);
            int f = loaded.getOrDefault(id, 0);
            FlagKey key = new FlagKey(viewerId, id);
            install(flags, flagVersions, key, key.mixed(), stamps.get(i), f);
            out.put(id, f);
        }
        return out;
    }

    /** The viewer's flags per post id, as bits (favourited 1, reposted 2, bookmarked 4). */
    private static final String FLAGS = "SELECT x.id, (CASE WHEN EXISTS (SELECT 1 FROM favourites f WHERE f.account_id = ? AND f.post_id = x.id) THEN 1 ELSE 0 END)"
            + " + (CASE WHEN EXISTS (SELECT 1 FROM posts r WHERE r.author_id = ? AND r.reblog_of_id = x.id) THEN 2 ELSE 0 END)"
            + " + (CASE WHEN EXISTS (SELECT 1 FROM bookmarks b WHERE b.account_id = ? AND b.post_id = x.id) THEN 4 ELSE 0 END)"
            + " FROM unnest(?::bigint[]) AS x(id)";

    private <K, V> void install(Cache<K, V> cache, KeyVersions versions, K key, long versionKey, long stamp, V value) {
        boolean[] installed = {false};
        cache.asMap().compute(key, (k, old) -> {
            if (versions.unchanged(versionKey, stamp)) {
                installed[0] = true;
                return value;
            }
            return old;
        });
        (installed[0] ? loads : refused).increment();
    }

    @Override
    public void onChange(Change change) {
        switch (change.kind()) {
            case POST_STATS -> drop(counts, countVersions, change.first(), change.first());
            case ACCOUNT -> drop(accounts, accountVersions, change.first(), change.first());
            case FAVOURITE -> {
                dropFlags(change.first(), change.second());
                drop(counts, countVersions, change.second(), change.second()); // its favourites_count (V2; not logged, V7)
            }
            case BOOKMARK -> dropFlags(change.first(), change.second());
            case FOLLOW -> {
                // followers_count and following_count (V2's counters, whose own change is not logged: V7)
                drop(accounts, accountVersions, change.first(), change.first());
                drop(accounts, accountVersions, change.second(), change.second());
            }
            case POST_CREATED, POST_DELETED -> {
                drop(counts, countVersions, change.first(), change.first());
                // The author's statuses_count and last_status_at (V2's counters, not logged: V7); a reply's parent
                // comes as its own POST_STATS entry.
                drop(accounts, accountVersions, change.second(), change.second());
                if (change.third() != 0) {
                    dropFlags(change.second(), change.third()); // the author's "reposted" flag on the original
                    drop(counts, countVersions, change.third(), change.third()); // the original's reblogs_count
                }
            }
            case RESET -> {
                countVersions.bumpAll();
                accountVersions.bumpAll();
                flagVersions.bumpAll();
                counts.invalidateAll();
                accounts.invalidateAll();
                flags.invalidateAll();
            }
            default -> {
                // blocks, mutes and post rows are not held here
            }
        }
    }

    private void dropFlags(long viewer, long post) {
        FlagKey key = new FlagKey(viewer, post);
        drop(flags, flagVersions, key, key.mixed());
    }

    private static <K> void drop(Cache<K, ?> cache, KeyVersions versions, K key, long versionKey) {
        versions.bump(versionKey);
        cache.invalidate(key);
    }
}
