package dev.starling.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.server.testing.TestServer;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import java.net.HttpCookie;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No web page shows a post its viewer may not see. A seeded random network (accounts, some locked;
 * follows, follow requests, blocks, mutes; posts of every visibility with mentions, replies, reposts
 * and quotes, each text carrying a unique canary) is built through social; then, for every viewer
 * (each account and a signed-out browser), every page of the network (home, public, hashtag, each
 * profile tab, each thread, notifications, bookmarks) is fetched, and every canary found must belong
 * to a post social's one visibility rule lets that viewer see. Thread pages are checked both ways:
 * 200 with the post's text when visible, 404 when not. Replay with {@code -Dtests.seed=N}.
 */
class WebVisibilityRandomizedTest {
    private static final Pattern CANARY = Pattern.compile("cnry(\\d+)x");
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void pagesNeverShowPostsTheViewerMayNotSee() {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("WebVisibilityRandomizedTest seed " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random rnd = new Random(seed);
        Social social = server.starling().social();
        String run = Long.toString(Math.abs(seed % 100_000), 36);
        List<Account> people = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            people.add(social.accounts().createWithoutPassword("v" + run + "u" + i, "v" + run + "u" + i + "@example.org", null, rnd.nextInt(3) == 0).orThrow());
        }
        for (Account a : people) {
            for (Account b : people) {
                if (a.id() == b.id()) continue;
                int r = rnd.nextInt(10);
                if (r < 4) social.relationships().follow(a.id(), b.id());
                else if (r == 4) social.relationships().block(a.id(), b.id());
                else if (r == 5) social.relationships().mute(a.id(), b.id(), true);
            }
        }
        // accept some follow requests of locked accounts
        for (Account a : people) {
            for (var e : social.relationships().followRequests(a.id(), dev.starling.social.common.Page.first(40)).items()) {
                if (rnd.nextBoolean()) social.relationships().authorize(a.id(), e.account().id());
            }
        }
        String tag = "vis" + run;
        Map<Integer, Long> canaries = new HashMap<>();
        List<Post> posts = new ArrayList<>();
        PostVisibility[] vis = PostVisibility.values();
        for (int k = 0; k < 40; k++) {
            Account author = people.get(rnd.nextInt(people.size()));
            StringBuilder text = new StringBuilder("cnry" + k + "x #" + tag);
            if (rnd.nextInt(3) == 0) text.append(" @").append(people.get(rnd.nextInt(people.size())).username());
            NewPost np = NewPost.of(text.toString(), vis[rnd.nextInt(vis.length)]);
            if (!posts.isEmpty() && rnd.nextInt(3) == 0) np = np.replyTo(posts.get(rnd.nextInt(posts.size())).id());
            else if (!posts.isEmpty() && rnd.nextInt(5) == 0) np = np.quoting(posts.get(rnd.nextInt(posts.size())).id());
            var created = social.posts().create(author.id(), np);
            if (!created.isOk()) continue; // e.g. replying to a post the author may not see
            Post p = created.orThrow();
            posts.add(p);
            canaries.put(k, p.id());
            Account other = people.get(rnd.nextInt(people.size()));
            if (rnd.nextBoolean()) social.posts().reblog(other.id(), p.id());
            if (rnd.nextBoolean()) social.posts().favourite(other.id(), p.id());
            if (rnd.nextInt(3) == 0) social.posts().bookmark(other.id(), p.id());
        }
        assertTrue(posts.size() > 10, "network too small: " + posts.size());

        List<String> pages = new ArrayList<>(List.of("/", "/public", "/tags/" + tag, "/notifications", "/bookmarks"));
        for (Account a : people) {
            for (String tab : List.of("", "/with_replies")) pages.add("/@" + a.username() + tab);
        }
        int checkedPages = 0;
        int seen = 0;
        List<Account> viewers = new ArrayList<>(people);
        viewers.add(null);
        for (Account viewer : viewers) {
            Browser b = new Browser(server.baseUrl());
            Long viewerId = viewer == null ? null : viewer.id();
            if (viewer != null) {
                String secret = server.starling().web().sessions().create(viewer.id(), "test");
                HttpCookie c = new HttpCookie("starling_session", secret);
                c.setPath("/");
                b.cookies.getCookieStore().add(URI.create(server.baseUrl()), c);
            }
            for (String page : pages) {
                Browser.Page r = b.get(page);
                if (r.status() == 303) continue; // signed out on a signed-in page
                assertEquals(200, r.status(), page + " for " + who(viewer) + " (seed " + seed + ")");
                seen += assertOnlyVisible(social, viewerId, r.body(), canaries, page, viewer, seed);
                checkedPages++;
            }
            for (Post p : posts) {
                boolean visible = social.posts().get(viewerId, p.id()).isPresent();
                Browser.Page r = b.get("/posts/" + p.id());
                assertEquals(visible ? 200 : 404, r.status(), "thread of post " + p.id() + " for " + who(viewer) + " (seed " + seed + ")");
                if (visible) assertTrue(r.body().contains(p.text().substring(0, p.text().indexOf('x') + 1)), "visible post's text on its page");
                seen += assertOnlyVisible(social, viewerId, r.body(), canaries, "/posts/" + p.id(), viewer, seed);
                checkedPages++;
            }
        }
        System.out.println("web visibility: " + checkedPages + " pages for " + viewers.size() + " viewers, " + seen + " canaries seen, all visible to their viewer");
        assertTrue(seen > 0);
    }

    private static int assertOnlyVisible(Social social, Long viewerId, String html, Map<Integer, Long> canaries, String page, Account viewer, long seed) {
        Matcher m = CANARY.matcher(html);
        int n = 0;
        while (m.find()) {
            Long postId = canaries.get(Integer.parseInt(m.group(1)));
            if (postId == null) continue;
            assertTrue(social.posts().get(viewerId, postId).isPresent(),
                    "post " + postId + " shown on " + page + " to " + who(viewer) + " who may not see it (seed " + seed + ")");
            n++;
        }
        return n;
    }

    private static String who(Account a) {
        return a == null ? "a signed-out visitor" : "@" + a.username();
    }
}
