package dev.starling.ai.trends;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.ai.prompts.QuotedPost;
import dev.starling.search.embed.Embedder;
import dev.starling.social.db.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Trend stories: {@link #update()} (run by the scheduler after each refresh, never per request) takes the best
 * trending items of each kind, their representative public posts, embeds those posts ({@link Embedder}; without one,
 * items group only by shared posts), groups the items with {@link StoryClustering}, keeps a story's id while its items
 * overlap the previous version's (so that hiding sticks), and has {@link StoryWriter} write the headline and summary
 * of a story when its items changed or its text is older than {@link Settings#rewriteAfter()}. {@link #list} reads.
 */
public final class TrendStories {

    /** The knobs; see the class comment. */
    public record Settings(int itemsPerKind, int postsPerItem, int postsPerStory, int minPosts, double minSimilarity, int minSharedPosts,
                           int maxStories, int maxWritesPerUpdate, int windowHours, Duration rewriteAfter) {
        public Settings {
            if (minPosts < 3) {
                throw new IllegalArgumentException("a story cites at least three posts, minPosts was " + minPosts);
            }
            if (postsPerStory < minPosts || itemsPerKind < 1 || postsPerItem < 1 || maxStories < 1 || maxWritesPerUpdate < 0) {
                throw new IllegalArgumentException("postsPerStory >= minPosts, itemsPerKind, postsPerItem, maxStories >= 1, maxWritesPerUpdate >= 0");
            }
        }

        /**
         * 10 items of each kind, 5 posts each, 6 posts per story; cosine 0.5 between the mean MiniLM vectors of two
         * items' posts groups them (measured: one event in different words 0.58, two sports topics 0.37, unrelated
         * 0.15; see StoryEmbeddingClusteringTest); 2 shared posts group them too; text rewritten after 3 h.
         */
        public static Settings defaults() {
            return new Settings(10, 5, 6, 3, 0.5, 2, 20, 5, 24, Duration.ofHours(3));
        }
    }

    /** What one update did. */
    public record UpdateResult(int stories, int written, int withoutModel, int failed, long millis) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database db;
    private final TrendLists lists;
    private final Embedder embedder;
    private final StoryWriter writer;
    private final Clock clock;
    private final Settings settings;

    /**
     * @param embedder may be null (stories then group items only by the posts they share)
     * @param writer   writes the text; null means no model is configured at all (stories say so)
     */
    public TrendStories(Database db, TrendLists lists, Embedder embedder, StoryWriter writer, Clock clock, Settings settings) {
        this.db = db;
        this.lists = lists;
        this.embedder = embedder;
        this.writer = writer;
        this.clock = clock;
        this.settings = settings;
    }

    private record PostText(long id, String handle, String text, Instant createdAt) {
    }

    private record Previous(long id, Set<String> items, String signature, String textState, Instant generatedAt, List<Long> cited) {
    }

    public synchronized UpdateResult update() {
        long t0 = System.nanoTime();
        Instant now = clock.instant();
        // 1. candidates: the best visible items of each kind and their representative posts
        List<TrendItem> items = new ArrayList<>();
        Map<String, List<Long>> postsOf = new HashMap<>();
        for (TrendKind k : TrendKind.values()) {
            for (TrendItem i : lists.items(k, 0, settings.itemsPerKind())) {
                items.add(i);
                postsOf.put(key(k, i.term()), lists.postsOf(k, i.term(), settings.windowHours(), settings.postsPerItem()));
            }
        }
        Set<Long> allPosts = new TreeSet<>();
        postsOf.values().forEach(allPosts::addAll);
        Map<Long, PostText> texts = publicTexts(allPosts);
        Map<Long, float[]> vectors = embed(texts);
        int dim = embedder == null ? 1 : embedder.dimension();
        List<StoryClustering.Candidate> candidates = new ArrayList<>();
        for (TrendItem i : items) {
            List<Long> ps = postsOf.get(key(i.kind(), i.term())).stream().filter(texts::containsKey).toList();
            List<float[]> vs = ps.stream().map(vectors::get).filter(v -> v != null).toList();
            candidates.add(new StoryClustering.Candidate(i.kind(), i.term(), i.score(), ps, StoryClustering.mean(vs, dim)));
        }
        // 2. stories: clusters with enough posts, best first
        List<StoryClustering.Cluster> clusters = new ArrayList<>();
        for (StoryClustering.Cluster c : StoryClustering.cluster(candidates, settings.minSimilarity(), settings.minSharedPosts())) {
            if (c.postIds().size() >= settings.minPosts() && clusters.size() < settings.maxStories()) {
                clusters.add(c);
            }
        }
        // 3. match with the previous stories, store, and write text where needed
        List<Previous> previous = previous(now);
        Set<Long> matched = new HashSet<>();
        int written = 0;
        int noModel = 0;
        int failed = 0;
        int writes = 0;
        String notReady = writer == null ? "no model is configured for trend stories" : writer.notReadyReason();
        for (StoryClustering.Cluster c : clusters) {
            Set<String> keys = new TreeSet<>();
            c.items().forEach(i -> keys.add(key(i.kind(), i.term())));
            Previous prev = bestMatch(previous, keys, matched);
            List<Long> posts = c.postIds().subList(0, Math.min(settings.postsPerStory(), c.postIds().size()));
            String signature = sha256(String.join("\n", keys));
            long id = store(prev, c, posts, signature, now);
            matched.add(id);
            boolean needsText = prev == null || !prev.signature().equals(signature) || !prev.textState().equals("generated")
                    || prev.generatedAt() == null || prev.generatedAt().isBefore(now.minus(settings.rewriteAfter()))
                    || !stillPublic(prev.cited());
            if (!needsText) {
                continue;
            }
            if (notReady != null) {
                setState(id, "no_model", notReady);
                noModel++;
                continue;
            }
            if (writes >= settings.maxWritesPerUpdate()) {
                continue; // next update
            }
            writes++;
            List<QuotedPost> quoted = new ArrayList<>();
            for (long p : posts) {
                PostText t = texts.get(p);
                quoted.add(new QuotedPost(quoted.size() + 1, p, t.handle(), t.createdAt(), "post", t.text()));
            }
            List<String> topics = c.items().stream().map(i -> i.kind() == TrendKind.TAG ? "#" + i.term() : i.term()).toList();
            switch (writer.write(topics, quoted)) {
                case StoryWriter.Outcome.Written w -> {
                    saveText(id, w, posts, now);
                    written++;
                }
                case StoryWriter.Outcome.NoModel n -> {
                    setState(id, "no_model", n.reason());
                    noModel++;
                }
                case StoryWriter.Outcome.Failed f -> {
                    setState(id, "failed", f.reason());
                    failed++;
                }
            }
        }
        deactivateOthers(matched);
        return new UpdateResult(clusters.size(), written, noModel, failed, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Visible stories (active, not hidden), best first; items an admin hid are left out, and so are posts no longer public. */
    public List<TrendStory> list(int offset, int limit) {
        TrendLists.checkPage(offset, limit);
        return read("WHERE s.active AND s.hidden_at IS NULL ORDER BY s.score DESC, s.id LIMIT " + limit + " OFFSET " + offset, null)
                .stream().filter(s -> !s.items().isEmpty()).toList();
    }

    /** One story by id, hidden or not (for admins), empty when there is none. */
    public Optional<TrendStory> get(long id) {
        return read("WHERE s.id = ?", id).stream().findFirst();
    }

    private List<TrendStory> read(String where, Long id) {
        return db.withConnection(c -> {
            List<Object[]> raw = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT s.id, s.items::text, s.score, s.post_ids, s.text_state, s.text_reason, s.headline, s.summary, s.cited_post_ids,
                           s.model_id, s.prompt_name, s.prompt_version, s.generated_at, s.updated_at, s.hidden_at IS NOT NULL
                    FROM trend_stories s """ + " " + where)) {
                if (id != null) {
                    ps.setLong(1, id);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        raw.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getDouble(3), longs(rs.getArray(4)), rs.getString(5),
                                rs.getString(6), rs.getString(7), rs.getString(8), longs(rs.getArray(9)), rs.getString(10),
                                rs.getString(11), rs.getString(12), instant(rs.getTimestamp(13)), instant(rs.getTimestamp(14)), rs.getBoolean(15)});
                    }
                }
            }
            Set<Long> ids = new HashSet<>();
            raw.forEach(r -> {
                ids.addAll(asLongs(r[3]));
                ids.addAll(asLongs(r[8]));
            });
            Set<Long> publicNow = publicIds(c, ids);
            Set<String> hidden = hiddenItems(c);
            List<TrendStory> out = new ArrayList<>();
            for (Object[] r : raw) {
                List<TrendStory.Item> items = new ArrayList<>();
                for (JsonNode n : parse((String) r[1])) {
                    TrendKind k = TrendKind.parse(n.path("kind").asText()).orElseThrow();
                    if (!hidden.contains(key(k, n.path("term").asText()))) {
                        items.add(new TrendStory.Item(k, n.path("term").asText(), n.path("score").asDouble()));
                    }
                }
                List<Long> posts = asLongs(r[3]).stream().filter(publicNow::contains).toList();
                List<Long> cited = asLongs(r[8]);
                String state = (String) r[4];
                String reason = (String) r[5];
                String headline = (String) r[6];
                String summary = (String) r[7];
                if (headline != null && !publicNow.containsAll(cited)) {
                    // [n] numbers the posts the text was written from: if one is gone, the text waits for a rewrite
                    state = "stale";
                    reason = "a post this story was written from is no longer public; it will be rewritten";
                    headline = null;
                    summary = null;
                    cited = List.of();
                }
                if (headline == null) {
                    cited = List.of();
                }
                out.add(new TrendStory((long) r[0], items, (double) r[2], posts, state, reason, headline, summary, cited,
                        headline == null ? null : (String) r[9], headline == null ? null : (String) r[10],
                        headline == null ? null : (String) r[11], headline == null ? null : (Instant) r[12], (Instant) r[13], (boolean) r[14]));
            }
            return out;
        });
    }

    /** Whether every post a story's text was written from is still public (new posts arriving do not force a rewrite). */
    private boolean stillPublic(List<Long> ids) {
        return db.withConnection(c -> publicIds(c, new HashSet<>(ids)).size() == new HashSet<>(ids).size());
    }

    private Map<Long, PostText> publicTexts(Set<Long> ids) {
        Map<Long, PostText> out = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT p.id, a.username, p.text, p.created_at FROM posts p JOIN accounts a ON a.id = p.author_id
                    WHERE p.id = ANY(?) AND p.visibility = 0 AND p.reblog_of_id IS NULL AND NOT p.sensitive AND p.spoiler_text = ''""")) {
                ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getLong(1), new PostText(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant()));
                    }
                }
            }
            return out;
        });
    }

    private Map<Long, float[]> embed(Map<Long, PostText> texts) {
        Map<Long, float[]> out = new HashMap<>();
        if (embedder == null || texts.isEmpty()) {
            return out;
        }
        List<Long> ids = new ArrayList<>(texts.keySet());
        List<float[]> vs = embedder.embedAll(ids.stream().map(i -> texts.get(i).text()).toList());
        for (int i = 0; i < ids.size(); i++) {
            out.put(ids.get(i), vs.get(i));
        }
        return out;
    }

    private List<Previous> previous(Instant now) {
        return db.withConnection(c -> {
            List<Previous> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, items::text, signature, text_state, generated_at, cited_post_ids FROM trend_stories
                    WHERE active OR updated_at >= ? ORDER BY active DESC, score DESC""")) {
                ps.setTimestamp(1, Timestamp.from(now.minus(Duration.ofDays(2))));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Set<String> keys = new TreeSet<>();
                        for (JsonNode n : parse(rs.getString(2))) {
                            keys.add(n.path("kind").asText() + ":" + n.path("term").asText());
                        }
                        out.add(new Previous(rs.getLong(1), keys, rs.getString(3), rs.getString(4), instant(rs.getTimestamp(5)),
                                longs(rs.getArray(6))));
                    }
                }
            }
            return out;
        });
    }

    /** The unmatched previous story sharing the largest share of items (Jaccard at least 1/3), or null. */
    private static Previous bestMatch(List<Previous> previous, Set<String> keys, Set<Long> matched) {
        Previous best = null;
        double bestJ = 1.0 / 3 - 1e-9;
        for (Previous p : previous) {
            if (matched.contains(p.id())) {
                continue;
            }
            Set<String> inter = new HashSet<>(p.items());
            inter.retainAll(keys);
            Set<String> union = new HashSet<>(p.items());
            union.addAll(keys);
            double j = union.isEmpty() ? 0 : (double) inter.size() / union.size();
            if (j > bestJ) {
                bestJ = j;
                best = p;
            }
        }
        return best;
    }

    private long store(Previous prev, StoryClustering.Cluster c, List<Long> posts, String signature, Instant now) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (StoryClustering.Candidate i : c.items()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", i.kind().wireName());
            m.put("term", i.term());
            m.put("score", i.score());
            items.add(m);
        }
        String json;
        try {
            json = JSON.writeValueAsString(items);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return db.inTransaction(conn -> {
            if (prev == null) {
                try (PreparedStatement ps = conn.prepareStatement("""
                        INSERT INTO trend_stories (items, post_ids, signature, score, active, text_state, created_at, updated_at)
                        VALUES (?::jsonb, ?, ?, ?, true, 'pending', ?, ?) RETURNING id""")) {
                    ps.setString(1, json);
                    ps.setArray(2, conn.createArrayOf("bigint", posts.toArray()));
                    ps.setString(3, signature);
                    ps.setDouble(4, c.score());
                    ps.setTimestamp(5, Timestamp.from(now));
                    ps.setTimestamp(6, Timestamp.from(now));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            }
            try (PreparedStatement ps = conn.prepareStatement("""
                    UPDATE trend_stories SET items = ?::jsonb, post_ids = ?, signature = ?, score = ?, active = true, updated_at = ?
                    WHERE id = ?""")) {
                ps.setString(1, json);
                ps.setArray(2, conn.createArrayOf("bigint", posts.toArray()));
                ps.setString(3, signature);
                ps.setDouble(4, c.score());
                ps.setTimestamp(5, Timestamp.from(now));
                ps.setLong(6, prev.id());
                ps.executeUpdate();
            }
            return prev.id();
        });
    }

    private void setState(long id, String state, String reason) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE trend_stories SET text_state = ?, text_reason = ?, headline = NULL, summary = NULL, cited_post_ids = '{}',
                      model_id = NULL, prompt_name = NULL, prompt_version = NULL, generated_at = NULL WHERE id = ?""")) {
                ps.setString(1, state);
                ps.setString(2, reason == null ? null : reason.substring(0, Math.min(500, reason.length())));
                ps.setLong(3, id);
                return ps.executeUpdate();
            }
        });
    }

    private void saveText(long id, StoryWriter.Outcome.Written w, List<Long> posts, Instant now) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE trend_stories SET text_state = 'generated', text_reason = ?, headline = ?, summary = ?, cited_post_ids = ?,
                      model_id = ?, prompt_name = ?, prompt_version = ?, generated_at = ? WHERE id = ?""")) {
                ps.setString(1, w.text().cited().size() < 3 ? "the model cited " + w.text().cited().size()
                        + " of the posts inline; the story lists all " + posts.size() + " it was written from" : null);
                ps.setString(2, w.text().headline());
                ps.setString(3, w.text().summary());
                ps.setArray(4, c.createArrayOf("bigint", posts.toArray()));
                ps.setString(5, w.modelId());
                ps.setString(6, w.prompt().name());
                ps.setString(7, w.prompt().version() + "+" + w.prompt().sha256().substring(0, Math.min(12, w.prompt().sha256().length())));
                ps.setTimestamp(8, Timestamp.from(now));
                ps.setLong(9, id);
                return ps.executeUpdate();
            }
        });
    }

    private void deactivateOthers(Set<Long> keep) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE trend_stories SET active = false WHERE active AND NOT (id = ANY(?))")) {
                ps.setArray(1, c.createArrayOf("bigint", keep.toArray()));
                return ps.executeUpdate();
            }
        });
    }

    private static Set<Long> publicIds(Connection c, Set<Long> ids) throws SQLException {
        Set<Long> out = new HashSet<>();
        if (ids.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM posts WHERE id = ANY(?) AND visibility = 0 AND reblog_of_id IS NULL")) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    private static Set<String> hiddenItems(Connection c) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT kind, term FROM trend_hidden"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(key(TrendKind.fromCode(rs.getInt(1)), rs.getString(2)));
            }
        }
        return out;
    }

    static String key(TrendKind k, String term) {
        return k.wireName() + ":" + term;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("trend_stories.items is not JSON: " + e.getMessage(), e);
        }
    }

    private static List<Long> longs(Array a) throws SQLException {
        return a == null ? List.of() : Arrays.asList((Long[]) a.getArray());
    }

    @SuppressWarnings("unchecked")
    private static List<Long> asLongs(Object o) {
        return (List<Long>) o;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
