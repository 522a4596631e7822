package dev.starling.app.loadbench;

import dev.starling.server.oauth.OAuthStore;
import dev.starling.social.auth.Passwords;
import dev.starling.social.db.Database;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fills an empty Starling database with a synthetic network, fast: rows go in with
 * {@code COPY ... FROM STDIN} through social's own tables (accounts, follows with their follow
 * notifications, posts with post_tags, and optionally the outbox rows social writes with each of
 * those changes), in one transaction, so a failed seed leaves nothing behind. The transaction
 * sets {@code starling.bulk_load} so that social's change triggers stay quiet row by row, and
 * logs one reset ({@code starling_changes_reset()}, migration V6) with its commit instead. Ids follow social's
 * snowflake layout with past timestamps. Afterwards the tables are vacuumed and analysed, and
 * bearer tokens for a sample of accounts are issued through the server's {@link OAuthStore}.
 *
 * <p>Every seeded account has the password {@value #PASSWORD} (one Argon2id hash shared by all,
 * so the accounts can also sign in through OAuth's password grant).
 */
public final class Seeder {
    public static final String PASSWORD = "loadbench-password";
    public static final String APP_NAME = "Starling loadbench";
    public static final String SCOPES = "read write follow";
    /** Transaction-local setting under which social's change triggers log nothing. */
    static final String BULK_LOAD_SETTING = "starling.bulk_load";
    private static final String[] VISIBILITY_NAMES = {"public", "unlisted", "private", "direct"};
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSXXX");

    /** What was written. */
    public record Report(int accounts, long follows, long posts, long postTags, long outboxRows, List<BenchToken> tokens,
                         long copyMillis, long vacuumMillis, long tokenMillis) {}

    private final Database db;
    private final Clock clock;
    private final PrintStream log;

    public Seeder(Database db, Clock clock, PrintStream log) {
        this.db = db;
        this.clock = clock;
        this.log = log;
    }

    public Report seed(SeedConfig cfg) {
        Instant now = clock.instant();
        long t0 = System.nanoTime();
        String passwordHash = new Passwords().hash(PASSWORD);
        long[] accountIds = new long[cfg.accounts()];
        long[] counts = db.inTransaction(c -> {
            long existing = count(c, "accounts");
            if (existing > 0) {
                throw new IllegalStateException("the database already has " + existing
                        + " accounts; the load-benchmark seeder needs an empty Starling database");
            }
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL synchronous_commit = off");
                // social's change triggers log nothing row by row while this is on
                st.execute("SELECT set_config('" + BULK_LOAD_SETTING + "', 'on', true)");
            }
            long[] written = writeAll(c, cfg, now, passwordHash, accountIds);
            try (Statement st = c.createStatement()) {
                // one reset instead of a change per row: every server's caches drop what they hold
                st.execute("SELECT starling_changes_reset()");
            }
            return written;
        });
        long copyMillis = (System.nanoTime() - t0) / 1_000_000;
        log.printf("loadbench seed: %,d accounts, %,d follows, %,d posts (%,d tags), %,d outbox rows written in %.1f s%n",
                cfg.accounts(), counts[0], counts[1], counts[2], counts[3], copyMillis / 1000.0);
        long t1 = System.nanoTime();
        db.withConnection(c -> {
            try (Statement st = c.createStatement()) {
                for (String table : List.of("accounts", "follows", "notifications", "posts", "post_tags", "outbox")) {
                    st.execute("VACUUM (ANALYZE) " + table);
                }
            }
            return null;
        });
        long vacuumMillis = (System.nanoTime() - t1) / 1_000_000;
        log.printf("loadbench seed: VACUUM ANALYZE in %.1f s%n", vacuumMillis / 1000.0);
        long t2 = System.nanoTime();
        List<BenchToken> tokens = issueTokens(cfg, accountIds);
        long tokenMillis = (System.nanoTime() - t2) / 1_000_000;
        log.printf("loadbench seed: %,d bearer tokens issued in %.1f s%n", tokens.size(), tokenMillis / 1000.0);
        return new Report(cfg.accounts(), counts[0], counts[1], counts[2], counts[3], tokens, copyMillis, vacuumMillis, tokenMillis);
    }

    /** @return follows, posts, post tags, outbox rows */
    private long[] writeAll(Connection c, SeedConfig cfg, Instant now, String passwordHash, long[] accountIds) throws SQLException {
        SplittableRandom random = new SplittableRandom(cfg.seed());
        int n = cfg.accounts();
        long postsEnd = now.minus(Duration.ofHours(1)).toEpochMilli();
        long postsStart = postsEnd - Duration.ofDays(cfg.days()).toMillis();
        long followsStart = postsStart - Duration.ofDays(1).toMillis();
        long accountsStart = followsStart - Duration.ofDays(1).toMillis();
        long dayMillis = Duration.ofDays(1).toMillis();
        long outboxRows = 0;

        // accounts
        SnowflakeIds accountIdGen = new SnowflakeIds();
        long[] createdMillis = new long[n];
        try (CopyRows rows = new CopyRows(c, "accounts",
                "id, username, email, password_hash, display_name, note, created_at, updated_at")) {
            for (int i = 0; i < n; i++) {
                createdMillis[i] = accountsStart + i * dayMillis / n;
                accountIds[i] = accountIdGen.next(createdMillis[i]);
                String ts = ts(createdMillis[i]);
                rows.add(accountIds[i]).add(username(i)).add(username(i) + "@loadbench.invalid").add(passwordHash)
                        .add("Bench account " + i).add("A synthetic account of the Starling load benchmark.").add(ts).add(ts);
                rows.endRow();
            }
            rows.finish();
        }
        if (cfg.outbox()) {
            try (CopyRows rows = new CopyRows(c, "outbox", "type, aggregate_id, account_id, payload, created_at")) {
                for (int i = 0; i < n; i++) {
                    rows.add("account.created").add(accountIds[i]).add(accountIds[i])
                            .add("{\"username\": \"" + username(i) + "\"}").add(ts(createdMillis[i]));
                    rows.endRow();
                }
                outboxRows += rows.finish();
            }
        }
        log.printf("loadbench seed: accounts done (%,d)%n", n);

        // follows: log-normal out-degree, followees half by popularity (Zipf), half uniform
        int[] degree = new int[n];
        long totalFollows = 0;
        int maxDegree = Math.min(n - 1, Math.max(1, cfg.meanFollows() * 20));
        for (int i = 0; i < n; i++) {
            degree[i] = cfg.meanFollows() == 0 ? 0 : HeavyTail.logNormal(random, cfg.meanFollows(), 0.8, 1, maxDegree);
            totalFollows += degree[i];
        }
        int[] popularity = HeavyTail.permutation(n, random);
        HeavyTail.Zipf zipf = new HeavyTail.Zipf(n, 1.0);
        SnowflakeIds followIdGen = new SnowflakeIds();
        SnowflakeIds notificationIdGen = new SnowflakeIds();
        long follows = 0;
        // One connection runs one COPY at a time: the follows are kept in arrays and streamed
        // again for their notifications and outbox rows.
        long[] noteAt = new long[(int) totalFollows];
        int[] noteFollower = new int[noteAt.length];
        int[] noteFollowee = new int[noteAt.length];
        try (CopyRows f = new CopyRows(c, "follows", "id, follower_id, followee_id, created_at")) {
            java.util.BitSet chosen = new java.util.BitSet(n);
            int[] picked = new int[maxDegree];
            for (int i = 0; i < n; i++) {
                int d = degree[i];
                int got = 0;
                int attempts = 0;
                while (got < d && attempts < d * 20) {
                    attempts++;
                    int j = random.nextBoolean() ? popularity[zipf.sample(random)] : random.nextInt(n);
                    if (j == i || chosen.get(j)) {
                        continue;
                    }
                    chosen.set(j);
                    picked[got++] = j;
                }
                for (int k = 0; k < got; k++) {
                    int j = picked[k];
                    chosen.clear(j);
                    long at = followsStart + (long) ((double) follows * dayMillis / Math.max(1, totalFollows));
                    f.add(followIdGen.next(at)).add(accountIds[i]).add(accountIds[j]).add(ts(at));
                    f.endRow();
                    noteAt[(int) follows] = at;
                    noteFollower[(int) follows] = i;
                    noteFollowee[(int) follows] = j;
                    follows++;
                }
            }
            f.finish();
        }
        try (CopyRows notifications = new CopyRows(c, "notifications", "id, account_id, type, from_account_id, post_id, created_at")) {
            for (int k = 0; k < follows; k++) {
                notifications.add(notificationIdGen.next(noteAt[k])).add(accountIds[noteFollowee[k]]).add("follow")
                        .add(accountIds[noteFollower[k]]).addNull().add(ts(noteAt[k]));
                notifications.endRow();
            }
            notifications.finish();
        }
        if (cfg.outbox()) {
            try (CopyRows rows = new CopyRows(c, "outbox", "type, aggregate_id, account_id, payload, created_at")) {
                for (int k = 0; k < follows; k++) {
                    rows.add("follow.created").add(accountIds[noteFollowee[k]]).add(accountIds[noteFollower[k]]).add("{}")
                            .add(ts(noteAt[k]));
                    rows.endRow();
                }
                outboxRows += rows.finish();
            }
        }
        log.printf("loadbench seed: follows done (%,d)%n", follows);

        // posts, their tags and post.created events
        int[] activity = HeavyTail.permutation(n, random);
        long postSeed = random.nextLong();
        SnowflakeIds postIdGen = new SnowflakeIds();
        long tags = 0;
        long span = postsEnd - postsStart;
        long[] tagPost = new long[(int) Math.min(cfg.posts(), Integer.MAX_VALUE - 8) / 4 + 16];
        int[] tagIndex = new int[tagPost.length];
        long postsWritten = 0;
        try (CopyRows p = new CopyRows(c, "posts", "id, author_id, text, visibility, language, hashtags, created_at")) {
            PostStream stream = new PostStream(postSeed, cfg.posts(), n, zipf, activity, postsStart, span);
            for (long k = 0; k < cfg.posts(); k++) {
                PostStream.Row r = stream.next();
                long id = postIdGen.next(r.atMillis());
                p.add(id).add(accountIds[r.author()]).add(r.text()).add(r.visibility()).add("en")
                        .add(r.tag() < 0 ? "{}" : "{" + PostTexts.TAGS.get(r.tag()) + "}").add(ts(r.atMillis()));
                p.endRow();
                if (r.tag() >= 0) {
                    if (tags == tagPost.length) {
                        tagPost = java.util.Arrays.copyOf(tagPost, tagPost.length * 2);
                        tagIndex = java.util.Arrays.copyOf(tagIndex, tagIndex.length * 2);
                    }
                    tagPost[(int) tags] = id;
                    tagIndex[(int) tags] = r.tag();
                    tags++;
                }
                postsWritten++;
            }
            p.finish();
        }
        try (CopyRows t = new CopyRows(c, "post_tags", "tag, post_id")) {
            for (int k = 0; k < tags; k++) {
                t.add(PostTexts.TAGS.get(tagIndex[k])).add(tagPost[k]);
                t.endRow();
            }
            t.finish();
        }
        if (cfg.outbox()) {
            // Replay the post stream (same seed) to write post.created events in post order.
            PostStream stream = new PostStream(postSeed, cfg.posts(), n, zipf, activity, postsStart, span);
            SnowflakeIds ids = new SnowflakeIds();
            try (CopyRows rows = new CopyRows(c, "outbox", "type, aggregate_id, account_id, payload, created_at")) {
                for (long k = 0; k < cfg.posts(); k++) {
                    PostStream.Row r = stream.next();
                    long id = ids.next(r.atMillis());
                    long author = accountIds[r.author()];
                    rows.add("post.created").add(id).add(author)
                            .add("{\"author_id\": " + author + ", \"visibility\": \"" + VISIBILITY_NAMES[r.visibility()]
                                    + "\", \"in_reply_to_id\": null, \"quote_of_id\": null}")
                            .add(ts(r.atMillis()));
                    rows.endRow();
                }
                outboxRows += rows.finish();
            }
        }
        log.printf("loadbench seed: posts done (%,d, %,d with a hashtag)%n", postsWritten, tags);
        return new long[] {follows, postsWritten, tags, outboxRows};
    }

    private List<BenchToken> issueTokens(SeedConfig cfg, long[] accountIds) {
        if (cfg.tokens() == 0) {
            return List.of();
        }
        OAuthStore store = new OAuthStore(db.dataSource());
        int[] sample = HeavyTail.permutation(accountIds.length, new SplittableRandom(cfg.seed() ^ 0x70CE25L));
        List<BenchToken> out = new ArrayList<>(cfg.tokens());
        try {
            long appId = store.createApplication(APP_NAME, null, List.of("urn:ietf:wg:oauth:2.0:oob"), SCOPES).application().id();
            for (int i = 0; i < cfg.tokens(); i++) {
                long account = accountIds[sample[i]];
                out.add(new BenchToken(account, store.createToken(appId, account, SCOPES).secret()));
            }
        } catch (SQLException e) {
            throw new dev.starling.social.db.DatabaseException("could not issue loadbench tokens", e);
        }
        return out;
    }

    static String username(int i) {
        return "bench" + i;
    }

    private static String ts(long epochMillis) {
        return TS.format(OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC));
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
