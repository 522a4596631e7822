package dev.starling.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.server.testing.TestServer;
import dev.starling.server.web.posts.PostLink;
import dev.starling.server.web.shell.SecurityHeaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every page of the network, signed in and out: the strict CSP, no inline script or style, one
 * {@code h1} and one {@code main}, every form control labelled, every image with an alt attribute,
 * every POST form carrying the CSRF field; extra post links; and the ES modules parse (node --check).
 */
class WebPagesTest {
    static TestServer server;
    static Browser ann;
    static long postId;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        ann = new Browser(server.baseUrl());
        ann.signUp("pagesann");
        Browser bob = new Browser(server.baseUrl());
        bob.signUp("pagesbob");
        bob.get("/@pagesann");
        bob.post("/@pagesann/follow", Map.of());
        ann.get("/");
        ann.post("/posts", Map.of("text", "pages test post #pages @pagesbob https://example.org/x", "visibility", "public"));
        Matcher m = Pattern.compile("data-post-id=\"(\\d+)\"").matcher(ann.get("/").body());
        assertTrue(m.find());
        postId = Long.parseLong(m.group(1));
        bob.get("/posts/" + postId);
        bob.post("/posts/" + postId + "/like", Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<String> pages() {
        return List.of("/", "/public", "/tags/pages", "/@pagesann", "/@pagesann/with_replies", "/@pagesann/followers",
                "/@pagesann/following", "/posts/" + postId, "/compose", "/compose?in_reply_to=" + postId, "/compose?quote=" + postId,
                "/posts/" + postId + "/delete", "/notifications", "/follow_requests", "/bookmarks", "/sign_in", "/sign_up", "/posts/1");
    }

    @Test
    void everyPageIsStrictLabelledAndProtected() {
        Browser anon = new Browser(server.baseUrl());
        int checked = 0;
        for (Browser b : List.of(ann, anon)) {
            for (String path : pages()) {
                Browser.Page p = b.get(path);
                if (p.status() == 303) continue;
                String where = path + (b == ann ? " (signed in)" : " (signed out)");
                assertTrue(p.status() == 200 || p.status() == 404, where + ": " + p.status());
                assertEquals(SecurityHeaders.CSP, p.header("Content-Security-Policy"), where);
                assertNotNull(p.header("Server-Timing"), where);
                checkHtml(p.body(), where);
                checked++;
            }
        }
        assertTrue(checked >= 25, "pages checked: " + checked);
    }

    static void checkHtml(String html, String where) {
        assertFalse(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE).matcher(html).find(), where + ": inline script");
        assertFalse(Pattern.compile("\\sstyle=|<style", Pattern.CASE_INSENSITIVE).matcher(html).find(), where + ": inline style");
        assertFalse(Pattern.compile("\\son[a-z]+=", Pattern.CASE_INSENSITIVE).matcher(html).find(), where + ": inline event handler");
        assertEquals(1, count(html, "<h1"), where + ": one h1");
        assertEquals(1, count(html, "<main"), where + ": one main");
        Matcher img = Pattern.compile("<img\\b[^>]*>").matcher(html);
        while (img.find()) assertTrue(img.group().contains(" alt="), where + ": image without alt " + img.group());
        Matcher control = Pattern.compile("<(input|textarea|select)\\b([^>]*)>").matcher(html);
        while (control.find()) {
            String attrs = control.group(2);
            if (attrs.contains("type=\"hidden\"")) continue;
            Matcher id = Pattern.compile("\\bid=\"([^\"]+)\"").matcher(attrs);
            boolean labelled = attrs.contains("aria-label=") || (id.find() && html.contains("<label for=\"" + id.group(1) + "\""))
                    || enclosedByLabel(html, control.start());
            assertTrue(labelled, where + ": unlabelled control " + control.group());
        }
        Matcher form = Pattern.compile("<form\\b[^>]*method=\"post\"[^>]*>(.*?)</form>", Pattern.DOTALL).matcher(html);
        while (form.find()) assertTrue(form.group(1).contains("name=\"csrf_token\""), where + ": POST form without CSRF field " + form.group());
        Matcher button = Pattern.compile("<button\\b[^>]*>(.*?)</button>", Pattern.DOTALL).matcher(html);
        while (button.find()) assertFalse(button.group(1).isBlank(), where + ": empty button");
        Matcher ids = Pattern.compile("\\sid=\"([^\"]+)\"").matcher(html);
        List<String> seen = new ArrayList<>();
        while (ids.find()) {
            assertFalse(seen.contains(ids.group(1)), where + ": duplicate id " + ids.group(1));
            seen.add(ids.group(1));
        }
    }

    private static boolean enclosedByLabel(String html, int at) {
        int open = html.lastIndexOf("<label", at);
        int close = html.lastIndexOf("</label>", at);
        return open >= 0 && open > close;
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) n++;
        return n;
    }

    @Test
    void registeredPostLinksAppearOnEveryCard() {
        server.starling().web().addPostLink(new PostLink("explain", "Explain this post", "explain"));
        String html = ann.get("/posts/" + postId).body();
        assertTrue(html.contains("<a id=\"explain-" + postId + "\" href=\"/posts/" + postId + "/explain\">Explain this post</a>"), html);
    }

    @Test
    void theScriptsParseAsModules() throws Exception {
        Path node = Path.of("/usr/bin/node");
        Assumptions.assumeTrue(Files.isExecutable(node), "node is not installed: module syntax not checked");
        var assets = server.starling().web().assets();
        for (String name : List.of("app.js", "actions.js", "compose.js", "live.js")) {
            Path f = Files.createTempFile("starling-web-", ".mjs");
            try {
                Files.write(f, assets.all().get(name).bytes());
                Process p = new ProcessBuilder(node.toString(), "--check", f.toString()).redirectErrorStream(true).start();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "node --check timed out");
                String out = new String(p.getInputStream().readAllBytes());
                assertEquals(0, p.exitValue(), name + ": " + out);
            } finally {
                Files.deleteIfExists(f);
            }
        }
    }
}
