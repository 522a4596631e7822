package dev.starling.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.starling.server.testing.TestServer;
import dev.starling.server.web.shell.Assets;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import java.net.HttpCookie;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Opt-in benchmark ({@code -Dstarling.bench=true}): render time of the home timeline and of a thread,
 * server-side (the {@code Server-Timing} header: from the request's arrival at the web routes to the
 * finished HTML, database reads included) and as request latency on loopback (a real server, one
 * client thread, after warm-up), and
 * each page's weight (HTML bytes, and the CSS and JS every page loads).
 *
 * <pre>./mvnw -q -B -ntp -o -Dstarling.build.dir=target-web -pl server -am test -Dtest=WebRenderBench -Dstarling.bench=true -Dsurefire.failIfNoSpecifiedTests=false</pre>
 * Figures go to standard output (the test's -output.txt under surefire-reports).
 */
class WebRenderBench {
    static final int AUTHORS = 60;
    static final int POSTS_PER_AUTHOR = 40;
    static final int THREAD_REPLIES = 60;
    static final int WARMUP = 300;
    static final int MEASURED = 1000;

    @Test
    void renderTimeAndPageWeight() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("starling.bench"), "benchmark: run with -Dstarling.bench=true");
        try (TestServer server = TestServer.start()) {
            Social social = server.starling().social();
            Random rnd = new Random(42);
            Account viewer = social.accounts().createWithoutPassword("benchviewer", "bv@example.org", "Bench Viewer", false).orThrow();
            List<Account> authors = new ArrayList<>();
            for (int i = 0; i < AUTHORS; i++) {
                Account a = social.accounts().createWithoutPassword("benchauthor" + i, "ba" + i + "@example.org", "Author " + i, false).orThrow();
                authors.add(a);
                social.relationships().follow(viewer.id(), a.id());
            }
            List<Post> all = new ArrayList<>();
            for (int k = 0; k < POSTS_PER_AUTHOR; k++) {
                for (Account a : authors) {
                    String text = "Post " + k + " by @" + a.username() + " about #bench" + (k % 7) + " and https://example.org/p/" + k
                            + " with some more words to make it the length of a real post, $TAG" + (k % 3);
                    all.add(social.posts().create(a.id(), NewPost.of(text)).orThrow());
                }
            }
            for (int i = 0; i < 200; i++) {
                Post p = all.get(rnd.nextInt(all.size()));
                social.posts().favourite(viewer.id(), p.id());
                if (i % 3 == 0) social.posts().reblog(authors.get(rnd.nextInt(AUTHORS)).id(), p.id());
            }
            Post root = all.getLast();
            for (int i = 0; i < THREAD_REPLIES; i++) {
                social.posts().create(authors.get(i % AUTHORS).id(), NewPost.of("reply " + i + " in the thread #benchthread").replyTo(root.id())).orThrow();
            }
            Browser b = new Browser(server.baseUrl());
            String secret = server.starling().web().sessions().create(viewer.id(), "bench");
            HttpCookie c = new HttpCookie("starling_session", secret);
            c.setPath("/");
            b.cookies.getCookieStore().add(URI.create(server.baseUrl()), c);

            System.out.println("web render bench: " + AUTHORS + " followed authors, " + all.size() + " posts, thread of " + THREAD_REPLIES + " replies");
            measure(b, "home timeline /", "/");
            measure(b, "thread /posts/" + root.id(), "/posts/" + root.id());

            Map<String, String> pages = new LinkedHashMap<>();
            pages.put("home", "/");
            pages.put("thread", "/posts/" + root.id());
            pages.put("profile", "/@benchauthor1");
            pages.put("notifications", "/notifications");
            pages.put("tag", "/tags/bench1");
            pages.put("compose", "/compose");
            pages.put("public (signed out view)", "/public");
            Assets assets = server.starling().web().assets();
            long css = assets.all().get("app.css").bytes().length;
            long js = 0;
            for (String m : List.of("app.js", "actions.js", "compose.js", "live.js")) js += assets.all().get(m).bytes().length;
            System.out.println("page weight (uncompressed bytes; every page also loads CSS " + css + " and JS " + js + ", cached immutable):");
            for (var e : pages.entrySet()) {
                Browser.Page r = b.get(e.getValue());
                assertEquals(200, r.status(), e.getValue());
                System.out.printf("  %-26s HTML %7d  CSS %6d  JS %6d%n", e.getKey(), r.body().getBytes(StandardCharsets.UTF_8).length, css, js);
            }
            Browser anon = new Browser(server.baseUrl());
            for (String p : List.of("/", "/sign_in", "/sign_up")) {
                Browser.Page r = anon.get(p);
                System.out.printf("  %-26s HTML %7d  CSS %6d  JS %6d%n", "signed out " + p, r.body().getBytes(StandardCharsets.UTF_8).length, css, js);
            }
        }
    }

    private static void measure(Browser b, String name, String path) {
        for (int i = 0; i < WARMUP; i++) assertEquals(200, b.get(path).status());
        long[] nanos = new long[MEASURED];
        double[] serverMillis = new double[MEASURED];
        for (int i = 0; i < MEASURED; i++) {
            long t0 = System.nanoTime();
            Browser.Page r = b.get(path);
            nanos[i] = System.nanoTime() - t0;
            assertEquals(200, r.status());
            String timing = r.header("Server-Timing");
            serverMillis[i] = Double.parseDouble(timing.substring(timing.indexOf("dur=") + 4));
        }
        Arrays.sort(nanos);
        Arrays.sort(serverMillis);
        System.out.printf("  %-30s server render p50 %.2f ms  p99 %.2f ms | client round trip p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%d requests, loopback, one client)%n", name,
                serverMillis[MEASURED / 2], serverMillis[MEASURED * 99 / 100],
                nanos[MEASURED / 2] / 1e6, nanos[MEASURED * 99 / 100] / 1e6, nanos[MEASURED - 1] / 1e6, MEASURED);
    }
}
