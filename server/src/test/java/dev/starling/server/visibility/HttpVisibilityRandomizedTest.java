package dev.starling.server.visibility;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.oauth.OAuthStore;
import dev.starling.server.testing.Api.Reply;
import dev.starling.server.testing.TestServer;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Outcome;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.visibility.Viewer;
import dev.starling.social.visibility.Visibility;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The visibility rule, checked through the HTTP read endpoints: random networks (locked accounts,
 * follows, pending requests, blocks, mutes, posts of every visibility with mentions, replies,
 * reposts, likes, bookmarks, deletions) and, for every viewer and anonymous, every read endpoint
 * (single status, home, public, hashtag, account statuses, context, favourites, bookmarks,
 * notifications) compared with social's {@link Visibility#canSee}: nothing leaks, nothing visible
 * is missing. Seeded: the failure message prints the seed; replay with -Dtests.seed=N.
 */
class HttpVisibilityRandomizedTest {
    static final String[] TAGS = {"alpha", "beta"};
    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static List<Long> seeds() {
        String fixed = System.getProperty("tests.seed");
        if (fixed != null) return List.of(Long.parseLong(fixed));
        return List.of(new Random().nextLong());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyReadEndpointAgreesWithTheVisibilityRule(long seed) throws Exception {
        System.out.println("HttpVisibilityRandomizedTest seed " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random random = new Random(seed);
        Social social = server.starling().social();
        OAuthStore oauth = server.starling().oauth();
        long appId = oauth.createApplication("visibility", null, List.of("urn:ietf:wg:oauth:2.0:oob"), "read write follow").application().id();

        int n = 6 + random.nextInt(4);
        List<Account> accounts = new ArrayList<>();
        Map<Long, String> tokens = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Account a = social.accounts().createWithoutPassword("u" + i + "_" + Long.toHexString(seed & 0xffff), "u" + i + "@v.test", null,
                    random.nextInt(4) == 0).orThrow();
            accounts.add(a);
            tokens.put(a.id(), oauth.createToken(appId, a.id(), "read write follow").secret());
        }
        Map<Long, Post> posts = new LinkedHashMap<>();
        Set<Long> deleted = new HashSet<>();
        Map<Long, Set<Long>> mutes = new HashMap<>();
        Map<Long, Set<Long>> favourites = new HashMap<>();
        Map<Long, Set<Long>> bookmarks = new HashMap<>();
        int ops = 80 + random.nextInt(60);
        for (int op = 0; op < ops; op++) {
            Account actor = accounts.get(random.nextInt(n));
            Account other = accounts.get(random.nextInt(n));
            int kind = random.nextInt(100);
            if (kind < 12 && other.id() != actor.id()) {
                social.relationships().follow(actor.id(), other.id());
            } else if (kind < 15 && other.id() != actor.id()) {
                social.relationships().authorize(actor.id(), other.id()); // accepts a pending request, if any
            } else if (kind < 17 && other.id() != actor.id()) {
                social.relationships().unfollow(actor.id(), other.id());
            } else if (kind < 20 && other.id() != actor.id()) {
                social.relationships().block(actor.id(), other.id());
            } else if (kind < 21 && other.id() != actor.id()) {
                social.relationships().unblock(actor.id(), other.id());
            } else if (kind < 24 && other.id() != actor.id()) {
                social.relationships().mute(actor.id(), other.id(), random.nextBoolean());
                mutes.computeIfAbsent(actor.id(), k -> new HashSet<>()).add(other.id());
            } else if (kind < 70 || posts.isEmpty()) {
                StringBuilder text = new StringBuilder("post " + op);
                if (random.nextInt(3) == 0) text.append(" @").append(other.username());
                if (random.nextInt(3) == 0) text.append(" #").append(TAGS[random.nextInt(TAGS.length)]);
                PostVisibility v = PostVisibility.values()[random.nextInt(4)];
                NewPost np = NewPost.of(text.toString(), v);
                if (!posts.isEmpty() && random.nextInt(3) == 0) np = np.replyTo(pick(random, posts));
                if (!posts.isEmpty() && random.nextInt(6) == 0) np = np.quoting(pick(random, posts));
                Outcome<Post> created = social.posts().create(actor.id(), np);
                if (created instanceof Outcome.Ok<Post> ok) posts.put(ok.value().id(), ok.value());
            } else if (kind < 80) {
                if (social.posts().reblog(actor.id(), pick(random, posts)) instanceof Outcome.Ok<Post> ok) posts.put(ok.value().id(), ok.value());
            } else if (kind < 88) {
                long p = pick(random, posts);
                if (social.posts().favourite(actor.id(), p) instanceof Outcome.Ok<Post> ok) {
                    favourites.computeIfAbsent(actor.id(), k -> new LinkedHashSet<>()).add(ok.value().id());
                }
            } else if (kind < 94) {
                long p = pick(random, posts);
                if (social.posts().bookmark(actor.id(), p) instanceof Outcome.Ok<Post> ok) {
                    bookmarks.computeIfAbsent(actor.id(), k -> new LinkedHashSet<>()).add(ok.value().id());
                }
            } else {
                long p = pick(random, posts);
                if (social.posts().delete(posts.get(p).authorId(), p).isOk()) {
                    deleted.add(p);
                    // reposts of a deleted post go with it
                    for (Post q : posts.values()) if (q.reblogOfId() != null && q.reblogOfId() == p) deleted.add(q.id());
                }
            }
        }
        posts.keySet().removeAll(deleted);

        List<String> problems = new ArrayList<>();
        List<Long> viewers = new ArrayList<>();
        viewers.add(null);
        for (Account a : accounts) viewers.add(a.id());
        for (Long viewerId : viewers) {
            Viewer viewer = server.database().withConnection(c -> Visibility.viewer(c, viewerId));
            String token = viewerId == null ? null : tokens.get(viewerId);
            String who = viewerId == null ? "anonymous" : "viewer " + viewerId;
            Set<Long> visible = new TreeSet<>();
            for (Post p : posts.values()) if (canSee(viewer, p, posts)) visible.add(p.id());
            Set<Long> muted = viewerId == null ? Set.of() : mutes.getOrDefault(viewerId, Set.of());

            for (long id : posts.keySet()) {
                Reply r = server.api.get("/api/v1/statuses/" + id, token);
                int status = r.status();
                if ((status == 200) != visible.contains(id)) problems.add(who + " GET status " + id + " -> " + status + ", visible=" + visible.contains(id));
                if (status == 200) {
                    JsonNode quote = r.json().get("quote");
                    if (quote != null && !quote.isNull() && !quote.get("quoted_status").isNull()) {
                        long quoted = Long.parseLong(quote.get("quoted_status").get("id").asText());
                        if (!visible.contains(quoted)) problems.add(who + " status " + id + " LEAKS quoted status " + quoted);
                    }
                    Post p = posts.get(id);
                    if (p.quoteOfId() != null && visible.contains(p.quoteOfId()) && (quote == null || quote.get("quoted_status").isNull())) {
                        problems.add(who + " status " + id + " MISSES its visible quoted status " + p.quoteOfId());
                    }
                }
            }
            for (long id : deleted) {
                int status = server.api.get("/api/v1/statuses/" + id, token).status();
                if (status != 404) problems.add(who + " GET deleted status " + id + " -> " + status);
            }
            Set<Long> listedPublic = new TreeSet<>();
            for (long id : visible) {
                Post p = posts.get(id);
                if (p.visibility() == PostVisibility.PUBLIC && !p.isReblog() && (p.inReplyToId() == null || p.inReplyToAccountId() == p.authorId())
                        && !mutedPost(p, posts, muted)) listedPublic.add(id);
            }
            compare(problems, who + " public", listedPublic, page("/api/v1/timelines/public?limit=40", token));
            for (String tag : TAGS) {
                Set<Long> expected = new TreeSet<>();
                for (long id : visible) {
                    Post p = posts.get(id);
                    if (p.visibility() == PostVisibility.PUBLIC && p.entities().hashtags().stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).equals(tag))
                            && !mutedPost(p, posts, muted)) expected.add(id);
                }
                compare(problems, who + " tag " + tag, expected, page("/api/v1/timelines/tag/" + tag + "?limit=40", token));
            }
            for (Account a : accounts) {
                Set<Long> expected = new TreeSet<>();
                for (long id : visible) if (posts.get(id).authorId() == a.id()) expected.add(id);
                compare(problems, who + " account " + a.id(), expected, page("/api/v1/accounts/" + a.id() + "/statuses?limit=40", token));
            }
            List<Long> contextSample = new ArrayList<>(visible);
            java.util.Collections.shuffle(contextSample, random);
            for (long id : contextSample.subList(0, Math.min(12, contextSample.size()))) {
                Post p = posts.get(id);
                if (p.isReblog()) continue;
                Reply r = server.api.get("/api/v1/statuses/" + id + "/context", token);
                if (r.status() != 200) {
                    problems.add(who + " context " + id + " -> " + r.status());
                    continue;
                }
                Set<Long> ancestors = new TreeSet<>();
                Long up = p.inReplyToId();
                while (up != null && (posts.containsKey(up) || deleted.contains(up))) {
                    if (visible.contains(up)) ancestors.add(up);
                    up = posts.containsKey(up) ? posts.get(up).inReplyToId() : null;
                }
                Set<Long> descendants = new TreeSet<>();
                collectDescendants(id, posts, visible, descendants);
                compare(problems, who + " context ancestors " + id, ancestors, ids(r.json().get("ancestors")));
                compare(problems, who + " context descendants " + id, descendants, ids(r.json().get("descendants")));
            }
            if (viewerId == null) continue;
            Set<Long> home = new TreeSet<>();
            for (long id : visible) {
                Post p = posts.get(id);
                if ((p.authorId() == viewerId || viewer.following().contains(p.authorId())) && !mutedPost(p, posts, muted)) home.add(id);
            }
            compare(problems, who + " home", home, page("/api/v1/timelines/home?limit=40", token));
            Set<Long> favs = new TreeSet<>();
            for (long id : favourites.getOrDefault(viewerId, Set.of())) if (visible.contains(id) && stillMarked(viewerId, id, "favourites")) favs.add(id);
            compare(problems, who + " favourites", favs, page("/api/v1/favourites?limit=40", token));
            Set<Long> marks = new TreeSet<>();
            for (long id : bookmarks.getOrDefault(viewerId, Set.of())) if (visible.contains(id) && stillMarked(viewerId, id, "bookmarks")) marks.add(id);
            compare(problems, who + " bookmarks", marks, page("/api/v1/bookmarks?limit=40", token));
            Reply notes = server.api.get("/api/v1/notifications?limit=40", token);
            for (JsonNode note : notes.json()) {
                if (note.has("status")) {
                    long id = Long.parseLong(note.get("status").get("id").asText());
                    if (!visible.contains(id)) problems.add(who + " notification shows invisible status " + id);
                }
            }
        }
        assertTrue(problems.isEmpty(), "seed " + seed + " (replay with -Dtests.seed=" + seed + "): " + problems.size() + " problems:\n"
                + String.join("\n", problems.subList(0, Math.min(40, problems.size()))));
    }

    private boolean stillMarked(long viewerId, long postId, String table) {
        return server.database().withConnection(c -> {
            try (var ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE account_id = ? AND post_id = ?")) {
                ps.setLong(1, viewerId);
                ps.setLong(2, postId);
                try (var rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    private static void collectDescendants(long id, Map<Long, Post> posts, Set<Long> visible, Set<Long> out) {
        for (Post q : posts.values()) {
            if (q.inReplyToId() != null && q.inReplyToId() == id && !q.isReblog()) {
                if (visible.contains(q.id())) out.add(q.id());
                collectDescendants(q.id(), posts, visible, out);
            }
        }
    }

    private static boolean canSee(Viewer viewer, Post p, Map<Long, Post> posts) {
        if (!p.isReblog()) return Visibility.canSee(viewer, p);
        Post original = posts.get(p.reblogOfId());
        return original != null && Visibility.canSee(viewer, p, original);
    }

    private static boolean mutedPost(Post p, Map<Long, Post> posts, Set<Long> muted) {
        if (muted.contains(p.authorId())) return true;
        return p.isReblog() && posts.containsKey(p.reblogOfId()) && muted.contains(posts.get(p.reblogOfId()).authorId());
    }

    private static long pick(Random random, Map<Long, Post> posts) {
        List<Long> ids = new ArrayList<>(posts.keySet());
        return ids.get(random.nextInt(ids.size()));
    }

    /** Follows the Link header's next links and returns every id served. */
    private Set<Long> page(String url, String token) {
        Set<Long> out = new TreeSet<>();
        String next = url;
        for (int pages = 0; next != null && pages < 50; pages++) {
            Reply r = server.api.get(next, token);
            if (r.status() != 200) throw new AssertionError(url + " -> " + r);
            if (r.json().isEmpty()) break;
            out.addAll(ids(r.json()));
            next = null;
            String link = r.header("Link");
            if (link != null) {
                Matcher m = Pattern.compile("<([^>]+)>; rel=\"next\"").matcher(link);
                if (m.find()) next = m.group(1);
            }
        }
        return out;
    }

    private static Set<Long> ids(JsonNode array) {
        Set<Long> out = new TreeSet<>();
        for (JsonNode s : array) out.add(Long.parseLong(s.get("id").asText()));
        return out;
    }

    private static void compare(List<String> problems, String what, Set<Long> expected, Set<Long> actual) {
        Set<Long> leaked = new TreeSet<>(actual);
        leaked.removeAll(expected);
        Set<Long> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        if (!leaked.isEmpty()) problems.add(what + " LEAKS " + leaked);
        if (!missing.isEmpty()) problems.add(what + " MISSES " + missing);
    }
}
