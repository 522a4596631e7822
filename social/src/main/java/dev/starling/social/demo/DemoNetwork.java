package dev.starling.social.demo;

import dev.starling.social.accounts.Role;
import dev.starling.social.common.Outcome;
import dev.starling.social.db.Database;
import dev.starling.social.notifications.NotificationType;
import dev.starling.social.outbox.EventType;
import dev.starling.social.outbox.OutboxWriter;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostText;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.posts.PostWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Builds a demo network offline and deterministically from a seed: accounts with generated names,
 * a heavy-tailed follow graph grown by preferential attachment (some locked accounts with pending
 * requests), posts drawn from a {@link Corpus} with hashtags and mentions, replies, reposts and
 * likes, spread over several days before {@link Options#end}; and, in the last hours before the end, a few planted
 * events ({@link DemoEvents}: many accounts posting about one thing with its hashtag, link and phrase) that trend. Everything goes through the same
 * writers as live traffic (entities, notifications, outbox rows), in one transaction.
 *
 * <p>Same seed, corpus and options give the same network (names, texts, graph, timestamps).
 * Demo accounts have no password (they cannot sign in until one is set with
 * {@link dev.starling.social.accounts.Accounts#setPassword}); their emails end in {@value #EMAIL_DOMAIN}.
 * Building again on a database that already has demo accounts does nothing.
 */
public final class DemoNetwork {

    public static final String EMAIL_DOMAIN = "@demo.starling.invalid";
    /** The planted events draw from their own stream (seed xor this), so the rest of the network stays as it was. */
    private static final long EVENTS_SEED_MIX = 0x7E4D_5EED_0F_E7E5L;
    private static final String[] SYLLABLES = {"ka", "lo", "mi", "ra", "ten", "vo", "sa", "ne", "ri", "po", "lu", "ma", "zen", "ta",
        "bel", "ko", "fi", "na", "do", "shi", "ar", "el", "is", "or", "um", "jo", "va", "ki", "ren", "mo"};
    private static final String[] TAGS = {"starling", "sunday", "photography", "birds", "coffee", "cycling", "gardening", "music",
        "cooking", "programming", "books", "hiking"};

    /** Size and time span. {@code end} is the timestamp of the newest activity. */
    public record Options(int accounts, int postsPerAccount, int days, Instant end) {
        public Options {
            if (accounts < 2 || accounts > 20_000) {
                throw new IllegalArgumentException("accounts must be 2..20000, was " + accounts);
            }
            if (postsPerAccount < 0 || postsPerAccount > 200) {
                throw new IllegalArgumentException("postsPerAccount must be 0..200, was " + postsPerAccount);
            }
            if (days < 1 || days > 365) {
                throw new IllegalArgumentException("days must be 1..365, was " + days);
            }
        }

        /** 300 accounts, ~8 posts each, 7 days ending at the start of the current UTC hour. */
        public static Options defaults() {
            return new Options(300, 8, 7, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS));
        }

        public Options withEnd(Instant e) {
            return new Options(accounts, postsPerAccount, days, e);
        }

        public Options withAccounts(int n) {
            return new Options(n, postsPerAccount, days, end);
        }
    }

    private DemoNetwork() {
    }

    public static DemoSummary build(Database db, long seed, Corpus corpus) {
        return build(db, seed, corpus, Options.defaults());
    }

    public static DemoSummary build(Database db, long seed, Corpus corpus, Options options) {
        long t0 = System.nanoTime();
        return db.inTransaction(c -> {
            if (exists(c)) {
                return new DemoSummary(false, 0, 0, 0, 0, 0, 0, 0, 0, List.of(), 0, null, List.of());
            }
            DemoSummary s = new Builder(c, new Random(seed), new Random(seed ^ EVENTS_SEED_MIX), corpus, options).run();
            return new DemoSummary(true, s.accounts(), s.follows(), s.followRequests(), s.posts(), s.replies(), s.reposts(),
                    s.favourites(), (System.nanoTime() - t0) / 1_000_000, s.usernames(), s.consentingAccounts(), s.adminUsername(),
                    s.events());
        });
    }

    private static boolean exists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM accounts WHERE email LIKE ? LIMIT 1")) {
            ps.setString(1, "%" + EMAIL_DOMAIN);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static final class Builder {
        final Connection c;
        final Random r;
        final Random eventsRandom;
        final Corpus corpus;
        final Options o;
        final Instant start;
        long[] ids;
        String[] names;
        boolean[] locked;
        boolean[] consents;
        final List<Set<Integer>> following = new ArrayList<>();
        final List<List<Integer>> followers = new ArrayList<>();
        int follows;
        int requests;
        int posts;
        int replies;
        int reposts;
        int favourites;
        int consenting;
        OutboxWriter.Batch outbox;

        Builder(Connection c, Random r, Random eventsRandom, Corpus corpus, Options o) {
            this.c = c;
            this.r = r;
            this.eventsRandom = eventsRandom;
            this.corpus = corpus;
            this.o = o;
            this.start = o.end().minus(Duration.ofDays(o.days()));
        }

        DemoSummary run() throws SQLException {
            List<Post> made;
            try (OutboxWriter.Batch batch = new OutboxWriter.Batch(c)) {
                outbox = batch;
                accounts();
                followGraph();
                batch.flush();
                made = postsRepliesReposts();
                likes(made);
            }
            // After everything else, from its own random stream: the rest of the network does not change.
            DemoEvents.Planted planted = DemoEvents.plant(c, eventsRandom, new DemoEvents.Network(ids, consents, followers), start, o.end());
            posts += planted.posts();
            replies += planted.replies();
            reposts += planted.reposts();
            favourites += planted.favourites();
            Integer[] order = new Integer[ids.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingInt((Integer i) -> -followers.get(i).size()).thenComparing(i -> names[i]));
            List<String> usernames = new ArrayList<>();
            for (Integer i : order) {
                usernames.add(names[i]);
            }
            int admin = order[0];
            makeAdmin(ids[admin]);
            return new DemoSummary(true, ids.length, follows, requests, posts, replies, reposts, favourites, 0, usernames, consenting,
                    names[admin], planted.events());
        }

        /** The most followed demo account gets the admin role (admin pages, trend moderation). */
        void makeAdmin(long id) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET role = ? WHERE id = ?")) {
                ps.setString(1, Role.ADMIN.code());
                ps.setLong(2, id);
                ps.executeUpdate();
            }
            OutboxWriter.append(c, EventType.ACCOUNT_UPDATED, id, id, Map.of("role", Role.ADMIN.code()));
        }

        void accounts() throws SQLException {
            int n = o.accounts();
            ids = new long[n];
            names = new String[n];
            locked = new boolean[n];
            consents = new boolean[n];
            Set<String> used = new HashSet<>();
            try (PreparedStatement taken = c.prepareStatement("SELECT lower(username) FROM accounts");
                 ResultSet rs = taken.executeQuery()) {
                while (rs.next()) {
                    used.add(rs.getString(1));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO accounts (id, username, email, display_name, note, locked, ai_training_consent, created_at, updated_at,
                                          training_consent_changed_at)
                    VALUES (snowflake_id(?), ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""")) {
                for (int i = 0; i < n; i++) {
                    String first = word(2 + r.nextInt(2));
                    String last = word(2);
                    String name = (first + (r.nextBoolean() ? "_" : "") + last).toLowerCase(Locale.ROOT);
                    if (name.length() > 24) {
                        name = name.substring(0, 24);
                    }
                    String base = name;
                    for (int k = 2; !used.add(name); k++) {
                        name = base + k;
                    }
                    names[i] = name;
                    locked[i] = r.nextInt(20) == 0;
                    Instant created = start.minus(Duration.ofMinutes(r.nextInt(60 * 24 * 60)));
                    Timestamp ts = Timestamp.from(created);
                    ps.setTimestamp(1, ts);
                    ps.setString(2, name);
                    ps.setString(3, name + EMAIL_DOMAIN);
                    ps.setString(4, capitalise(first) + " " + capitalise(last));
                    ps.setString(5, "Demo account. Into " + TAGS[r.nextInt(TAGS.length)] + " and " + TAGS[r.nextInt(TAGS.length)] + ".");
                    ps.setBoolean(6, locked[i]);
                    // Most demo accounts consent to training, some do not (the corpus manifest shows them excluded).
                    boolean consent = r.nextInt(10) < 8;
                    consenting += consent ? 1 : 0;
                    consents[i] = consent;
                    ps.setBoolean(7, consent);
                    ps.setTimestamp(8, ts);
                    ps.setTimestamp(9, ts);
                    ps.setTimestamp(10, ts);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        ids[i] = rs.getLong(1);
                    }
                    outbox.add(EventType.ACCOUNT_CREATED, ids[i], ids[i], Map.of("username", name, "demo", true));
                    following.add(new LinkedHashSet<>());
                    followers.add(new ArrayList<>());
                }
            }
        }

        /**
         * Barabasi-Albert growth: accounts join in order and each follows m earlier accounts chosen with
         * probability ~ (followers + 1), m Pareto-distributed; a third of follows are returned. In-degrees
         * come out heavy-tailed (power law), as on real networks.
         */
        void followGraph() throws SQLException {
            int n = ids.length;
            List<Integer> bag = new ArrayList<>();
            try (PreparedStatement f = c.prepareStatement(
                    "INSERT INTO follows (id, follower_id, followee_id, created_at) VALUES (snowflake_id(?), ?, ?, ?)");
                 PreparedStatement q = c.prepareStatement(
                    "INSERT INTO follow_requests (id, requester_id, target_id, created_at) VALUES (snowflake_id(?), ?, ?, ?)");
                 PreparedStatement nt = c.prepareStatement(
                    "INSERT INTO notifications (id, account_id, type, from_account_id, created_at) VALUES (snowflake_id(?), ?, ?, ?, ?)")) {
                Set<Long> requested = new HashSet<>();
                for (int a = 0; a < n; a++) {
                    // Pareto-distributed out-degree (alpha ~ 1.7), at least 4.
                    int m = (int) Math.min(a, Math.round(4 / Math.pow(1 - r.nextDouble(), 0.6)));
                    Set<Integer> chosen = new LinkedHashSet<>();
                    for (int tries = 0; chosen.size() < m && tries < m * 30; tries++) {
                        chosen.add(bag.get(r.nextInt(bag.size())));
                    }
                    for (int t : chosen) {
                        follow(f, q, nt, requested, a, t);
                        if (r.nextInt(3) == 0) {
                            follow(f, q, nt, requested, t, a);
                        }
                    }
                    for (int t : chosen) {
                        bag.add(t);
                    }
                    bag.add(a);
                }
                f.executeBatch();
                q.executeBatch();
                nt.executeBatch();
            }
        }

        void follow(PreparedStatement f, PreparedStatement q, PreparedStatement nt, Set<Long> requested, int a, int t) throws SQLException {
            if (a == t || following.get(a).contains(t) || !requested.add(((long) a << 32) | t)) {
                return;
            }
            Timestamp ts = Timestamp.from(start.minus(Duration.ofMinutes(r.nextInt(60 * 24 * 30))));
            if (locked[t] && r.nextInt(3) == 0) {
                q.setTimestamp(1, ts);
                q.setLong(2, ids[a]);
                q.setLong(3, ids[t]);
                q.setTimestamp(4, ts);
                q.addBatch();
                notification(nt, t, NotificationType.FOLLOW_REQUEST, a, ts);
                requests++;
                return;
            }
            following.get(a).add(t);
            followers.get(t).add(a);
            f.setTimestamp(1, ts);
            f.setLong(2, ids[a]);
            f.setLong(3, ids[t]);
            f.setTimestamp(4, ts);
            f.addBatch();
            notification(nt, t, NotificationType.FOLLOW, a, ts);
            outbox.add(EventType.FOLLOWED, ids[t], ids[a], Map.of());
            follows++;
        }

        List<Post> postsRepliesReposts() throws SQLException {
            int n = ids.length;
            double[] cumulative = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += Math.pow(1 - r.nextDouble(), -0.8); // heavy-tailed activity
                cumulative[i] = sum;
            }
            int total = n * o.postsPerAccount();
            long spanMillis = Duration.between(start, o.end()).toMillis();
            long[] times = new long[total];
            for (int i = 0; i < total; i++) {
                times[i] = start.toEpochMilli() + (long) (r.nextDouble() * spanMillis);
            }
            Arrays.sort(times);
            List<Post> made = new ArrayList<>();
            List<Post> recentPublic = new ArrayList<>();
            Set<String> reposted = new HashSet<>();
            PostText rules = new PostText(PostText.DEFAULT_MAX_WEIGHTED_LENGTH);
            for (int k = 0; k < total; k++) {
                double x = r.nextDouble() * sum;
                int a = Arrays.binarySearch(cumulative, x);
                a = a < 0 ? Math.min(n - 1, -a - 1) : a;
                Instant at = Instant.ofEpochMilli(times[k]);
                int kind = r.nextInt(100);
                if (kind < 10 && !recentPublic.isEmpty()) {
                    Post target = pickFollowed(a, recentPublic);
                    if (target != null && target.authorId() != ids[a]) {
                        Outcome<Post> rb = PostWriter.reblog(c, ids[a], target.id(), at);
                        if (rb.isOk()) {
                            // reposting again returns the existing repost: count only new ones
                            if (reposted.add(ids[a] + ">" + target.id())) {
                                reposts++;
                                posts++;
                            }
                            continue;
                        }
                    }
                }
                String text = corpus.texts().get(r.nextInt(corpus.texts().size()));
                PostVisibility vis = visibility();
                Long parent = null;
                if (kind >= 10 && kind < 40 && !recentPublic.isEmpty()) {
                    Post target = pickFollowed(a, recentPublic);
                    if (target != null && target.authorId() != ids[a]) {
                        parent = target.id();
                        vis = target.visibility() == PostVisibility.UNLISTED ? PostVisibility.UNLISTED : PostVisibility.PUBLIC;
                    }
                }
                if (parent == null) {
                    String extra = "";
                    if (r.nextInt(5) == 0 && !text.contains("#")) {
                        extra = " #" + TAGS[r.nextInt(TAGS.length)];
                    }
                    List<Integer> fol = new ArrayList<>(following.get(a));
                    if ((vis == PostVisibility.DIRECT || r.nextInt(12) == 0) && !fol.isEmpty()) {
                        text = "@" + names[fol.get(r.nextInt(fol.size()))] + " " + text;
                    } else if (vis == PostVisibility.DIRECT) {
                        vis = PostVisibility.PUBLIC;
                    }
                    if (rules.validate(text + extra).isEmpty()) {
                        text = text + extra;
                    }
                    if (rules.validate(text).isPresent()) {
                        text = corpus.texts().get(r.nextInt(corpus.texts().size()));
                        vis = vis == PostVisibility.DIRECT ? PostVisibility.PUBLIC : vis;
                    }
                }
                NewPost np = new NewPost(text, vis, parent, null, "en", false, null);
                Outcome<Post> out = PostWriter.insert(c, ids[a], np, at);
                if (!out.isOk()) {
                    continue;
                }
                Post p = out.orThrow();
                posts++;
                if (parent != null) {
                    replies++;
                }
                made.add(p);
                if (p.visibility() == PostVisibility.PUBLIC || p.visibility() == PostVisibility.UNLISTED) {
                    recentPublic.add(p);
                    if (recentPublic.size() > 300) {
                        recentPublic.removeFirst();
                    }
                }
            }
            return made;
        }

        PostVisibility visibility() {
            int v = r.nextInt(100);
            return v < 85 ? PostVisibility.PUBLIC : v < 92 ? PostVisibility.UNLISTED : v < 98 ? PostVisibility.PRIVATE : PostVisibility.DIRECT;
        }

        /** A recent post, preferably by someone {@code a} follows. */
        Post pickFollowed(int a, List<Post> recent) {
            for (int tries = 0; tries < 8; tries++) {
                Post p = recent.get(recent.size() - 1 - r.nextInt(Math.min(recent.size(), 120)));
                Integer author = index(p.authorId());
                if (author != null && following.get(a).contains(author)) {
                    return p;
                }
            }
            return r.nextInt(3) == 0 ? recent.get(r.nextInt(recent.size())) : null;
        }

        Integer index(long id) {
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] == id) {
                    return i;
                }
            }
            return null;
        }

        /** Likes from followers, more for well-followed authors. */
        void likes(List<Post> made) throws SQLException {
            Map<Long, Integer> byId = new java.util.HashMap<>();
            for (int i = 0; i < ids.length; i++) {
                byId.put(ids[i], i);
            }
            try (PreparedStatement f = c.prepareStatement(
                    "INSERT INTO favourites (id, account_id, post_id, created_at) VALUES (snowflake_id(?), ?, ?, ?) ON CONFLICT DO NOTHING");
                 PreparedStatement nt = c.prepareStatement(
                    "INSERT INTO notifications (id, account_id, type, from_account_id, post_id, created_at) VALUES (snowflake_id(?), ?, ?, ?, ?, ?)")) {
                for (Post p : made) {
                    int author = byId.get(p.authorId());
                    List<Integer> fans = followers.get(author);
                    if (fans.isEmpty() || p.visibility() == PostVisibility.DIRECT) {
                        continue;
                    }
                    int likes = (int) Math.min(fans.size(), Math.round(fans.size() * 0.25 * r.nextDouble() * r.nextDouble() * 2));
                    Set<Integer> chosen = new HashSet<>();
                    for (int k = 0; k < likes; k++) {
                        chosen.add(fans.get(r.nextInt(fans.size())));
                    }
                    for (int liker : chosen.stream().sorted().toList()) {
                        Instant at = p.createdAt().plus(Duration.ofMinutes(1 + r.nextInt(600)));
                        if (at.isAfter(o.end())) {
                            at = o.end();
                        }
                        Timestamp ts = Timestamp.from(at);
                        f.setTimestamp(1, ts);
                        f.setLong(2, ids[liker]);
                        f.setLong(3, p.id());
                        f.setTimestamp(4, ts);
                        f.addBatch();
                        nt.setTimestamp(1, ts);
                        nt.setLong(2, p.authorId());
                        nt.setString(3, NotificationType.FAVOURITE.wireName());
                        nt.setLong(4, ids[liker]);
                        nt.setLong(5, p.id());
                        nt.setTimestamp(6, ts);
                        nt.addBatch();
                        outbox.add(EventType.FAVOURITED, p.id(), ids[liker], Map.of("author_id", p.authorId()));
                        favourites++;
                    }
                }
                f.executeBatch();
                nt.executeBatch();
            }
        }

        void notification(PreparedStatement nt, int recipient, NotificationType type, int from, Timestamp ts) throws SQLException {
            nt.setTimestamp(1, ts);
            nt.setLong(2, ids[recipient]);
            nt.setString(3, type.wireName());
            nt.setLong(4, ids[from]);
            nt.setTimestamp(5, ts);
            nt.addBatch();
        }

        String word(int syllables) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < syllables; i++) {
                sb.append(SYLLABLES[r.nextInt(SYLLABLES.length)]);
            }
            return sb.toString();
        }

        static String capitalise(String s) {
            return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
        }
    }

    /** Midday UTC of a date: a handy fixed {@link Options#end} for reproducible demos. */
    public static Instant noonUtc(LocalDate date) {
        return date.atTime(12, 0).toInstant(ZoneOffset.UTC);
    }
}
