package dev.starling.social.visibility;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.starling.social.changes.Change;
import dev.starling.social.changes.ChangeListener;
import dev.starling.social.changes.KeyVersions;
import dev.starling.social.db.Database;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * Per account, what the home timeline's verdict needs to know about it as a viewer: the accounts it
 * follows, the accounts it blocks or is blocked by, and the accounts it muted; loaded in one query and
 * kept current by the change feed: a FOLLOW change drops the follower's entry, a BLOCK change both
 * accounts' entries, a MUTE change the muting account's entry, a RESET all of them. A load that a change
 * of its account overtook is not installed ({@link KeyVersions}), so a row read before a commit never
 * outlives that commit's change.
 *
 * <p>Answers from memory only while the change feed is live ({@code live}); otherwise every
 * {@link #get} reads the database and installs nothing. Bounded by the number of account ids held (a
 * weight of the entries' array lengths), least recently used first out.
 */
public final class ViewerCache implements ChangeListener {

    /** An account as a viewer: sorted id arrays, searched without boxing. */
    public static final class Entry implements ViewerRelations {
        private final long accountId;
        private final long[] followees;
        private final long[] blockedEitherWay;
        private final long[] muted;

        Entry(long accountId, long[] followees, long[] blockedEitherWay, long[] muted) {
            this.accountId = accountId;
            this.followees = sorted(followees);
            this.blockedEitherWay = sorted(blockedEitherWay);
            this.muted = sorted(muted);
        }

        @Override
        public Long accountId() {
            return accountId;
        }

        @Override
        public boolean is(long id) {
            return accountId == id;
        }

        @Override
        public boolean follows(long id) {
            return Arrays.binarySearch(followees, id) >= 0;
        }

        @Override
        public boolean blocksEitherWay(long id) {
            return Arrays.binarySearch(blockedEitherWay, id) >= 0;
        }

        /** The viewer muted {@code id} (mutes hide authors from home, public and hashtag timelines). */
        public boolean mutes(long id) {
            return Arrays.binarySearch(muted, id) >= 0;
        }

        /** The accounts followed, ascending (a copy). */
        public long[] followees() {
            return followees.clone();
        }

        /** As a {@link Viewer} (sets), for code that takes one. */
        public Viewer toViewer() {
            return new Viewer(accountId, boxed(followees), boxed(blockedEitherWay));
        }

        int weight() {
            return 1 + followees.length + blockedEitherWay.length + muted.length;
        }

        private static long[] sorted(long[] a) {
            long[] s = a.clone();
            Arrays.sort(s);
            return s;
        }

        private static Set<Long> boxed(long[] a) {
            Set<Long> s = new HashSet<>(a.length * 2);
            for (long x : a) {
                s.add(x);
            }
            return s;
        }
    }

    /** Counters: entries answered from memory, loaded and installed, loaded and refused (a change overtook them), read while not live. */
    public record Stats(long hits, long loads, long refused, long notLive) {
    }

    /** Account ids held at most by default (8 bytes each; 10,000 viewers of 100 follows are a million). */
    public static final long DEFAULT_MAX_IDS = 2_000_000;

    private static final String LOAD = "SELECT array(SELECT f.followee_id FROM follows f WHERE f.follower_id = ?),"
            + " array(SELECT b.target_id FROM blocks b WHERE b.account_id = ? UNION SELECT b.account_id FROM blocks b WHERE b.target_id = ?),"
            + " array(SELECT m.target_id FROM mutes m WHERE m.account_id = ?)";

    private final Database db;
    private final BooleanSupplier live;
    private final Cache<Long, Entry> entries;
    private final KeyVersions versions = new KeyVersions(12);
    private final LongAdder hits = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder notLive = new LongAdder();
    /** Run between a load and its install (tests make a change there, deterministically racing the load); null in production. */
    volatile Runnable betweenLoadAndInstall;

    /**
     * @param live whether the change feed delivers every change now (the cache answers only then)
     * @param maxIds bound on the account ids held over all entries (1..10^9)
     */
    public ViewerCache(Database db, BooleanSupplier live, long maxIds) {
        if (maxIds < 1 || maxIds > 1_000_000_000L) {
            throw new IllegalArgumentException("viewer cache bound must be 1..1000000000 ids, was " + maxIds);
        }
        this.db = db;
        this.live = live;
        this.entries = Caffeine.newBuilder().maximumWeight(maxIds).weigher((Long k, Entry e) -> e.weight()).build();
    }

    /** A cache on {@code db}'s change feed ({@link Database#changes}), subscribed to it, answering while it is live. */
    public static ViewerCache subscribed(Database db, long maxIds) {
        ViewerCache cache = new ViewerCache(db, db.changes()::live, maxIds);
        db.changes().subscribe(cache);
        return cache;
    }

    /** Applies a change from the feed (its thread; no database access). */
    @Override
    public void onChange(Change change) {
        switch (change.kind()) {
            case FOLLOW -> followChanged(change.first());
            case BLOCK -> blockChanged(change.first(), change.second());
            case MUTE -> muteChanged(change.first());
            case RESET -> reset();
            default -> {
            }
        }
    }

    /** The account as a viewer: from memory while the feed is live, else (and on a miss) read in one query. */
    public Entry get(long accountId) {
        if (!live.getAsBoolean()) {
            notLive.increment();
            return db.read(c -> load(c, accountId));
        }
        Entry e = entries.getIfPresent(accountId);
        if (e != null) {
            hits.increment();
            return e;
        }
        long stamp = versions.stamp(accountId);
        Entry loaded = db.read(c -> load(c, accountId));
        Runnable hook = betweenLoadAndInstall;
        if (hook != null) {
            hook.run();
        }
        boolean[] installed = {false};
        entries.asMap().compute(accountId, (k, old) -> {
            if (versions.unchanged(accountId, stamp)) {
                installed[0] = true;
                return loaded;
            }
            return old;
        });
        (installed[0] ? loads : refused).increment();
        return loaded;
    }

    /** A follow of {@code follower} was inserted or deleted. */
    public void followChanged(long follower) {
        drop(follower);
    }

    /** A block between the two accounts was inserted or deleted. */
    public void blockChanged(long account, long target) {
        drop(account);
        drop(target);
    }

    /** A mute by {@code account} was inserted, changed or deleted. */
    public void muteChanged(long account) {
        drop(account);
    }

    /** Everything may have changed: drop all entries and refuse the loads in flight. */
    public void reset() {
        versions.bumpAll();
        entries.invalidateAll();
    }

    public Stats stats() {
        return new Stats(hits.sum(), loads.sum(), refused.sum(), notLive.sum());
    }

    /** Entries held now (tests). */
    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    private void drop(long account) {
        versions.bump(account);
        entries.invalidate(account);
    }

    private static Entry load(Connection c, long accountId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOAD)) {
            ps.setLong(1, accountId);
            ps.setLong(2, accountId);
            ps.setLong(3, accountId);
            ps.setLong(4, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Entry(accountId, longs(rs.getArray(1)), longs(rs.getArray(2)), longs(rs.getArray(3)));
            }
        }
    }

    private static long[] longs(Array a) throws SQLException {
        Long[] boxed = (Long[]) a.getArray();
        a.free();
        long[] out = new long[boxed.length];
        for (int i = 0; i < boxed.length; i++) {
            out[i] = boxed[i];
        }
        return out;
    }
}
