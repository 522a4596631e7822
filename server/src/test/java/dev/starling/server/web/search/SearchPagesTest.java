package dev.starling.server.web.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.search.SearchService;
import dev.starling.server.ServerOptions;
import dev.starling.server.Starling;
import dev.starling.server.testing.TestServer;
import dev.starling.server.web.Browser;
import dev.starling.social.Social;
import dev.starling.social.accounts.SignUp;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The search page over a real server and a real index: tabs, operators, visibility, people and
 * hashtag results, the typeahead fragment, and the errors.
 */
class SearchPagesTest {
    static Database db;
    static SearchService search;
    static Starling starling;
    static String base;
    static Path dir;
    static long alice;
    static long bob;
    static long carol;
    static long older;
    static long newer;

    @BeforeAll
    static void up() throws IOException {
        db = TestDatabase.fresh("web_search");
        Social social = TestDatabase.social(db);
        alice = social.accounts().signUp(new SignUp("alice_search", "alice@example.org", "correct horse alice")).orThrow().id();
        bob = social.accounts().signUp(new SignUp("bob_search", "bob@example.org", "correct horse bob_search")).orThrow().id();
        carol = social.accounts().signUp(new SignUp("carol_search", "carol@example.org", "correct horse carol")).orThrow().id();
        social.relationships().follow(bob, alice).orThrow();
        older = social.posts().create(alice, NewPost.of("Morning kestrel over the meadow #birding")).orThrow().id();
        newer = social.posts().create(carol, NewPost.of("A kestrel again, hovering #birding #kestrels")).orThrow().id();
        social.posts().create(alice, NewPost.of("secret kestrel nest location", PostVisibility.PRIVATE)).orThrow();
        social.posts().create(bob, NewPost.of("Nothing about birds <script>alert(1)</script> here")).orThrow();
        dir = Files.createTempDirectory("web-search-test");
        search = SearchService.start(dir, social, null);
        search.indexer().catchUp();
        starling = Starling.start(social, ServerOptions.defaults().withPort(0).withRateLimits(TestServer.generousLimits()), List.of(),
                List.of(new SearchPages(search.search()), new dev.starling.server.web.ai.AiPages(null, null)));
        base = "http://127.0.0.1:" + starling.port();
    }

    @AfterAll
    static void down() throws IOException {
        starling.close();
        search.close();
        db.close();
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static List<Long> postIds(String html) {
        Matcher m = Pattern.compile("<article class=\"post[^\"]*\" id=\"post-(\\d+)\"").matcher(html);
        List<Long> ids = new java.util.ArrayList<>();
        while (m.find()) ids.add(Long.parseLong(m.group(1)));
        return ids;
    }

    @Test
    void everyResultCardLinksToExplainAndSummarize() {
        String html = new Browser(base).get("/search?q=kestrel&tab=latest").body();
        List<Long> ids = postIds(html);
        assertEquals(List.of(newer, older), ids);
        for (long id : ids) {
            assertTrue(html.contains("id=\"explain-" + id + "\" href=\"/posts/" + id + "/explain\""), html);
            assertTrue(html.contains("id=\"summarize-" + id + "\" href=\"/posts/" + id + "/summarize\""), html);
        }
    }

    @Test
    void emptySearchPageHasTheBoxAndTheOperatorHelp() {
        Browser.Page p = new Browser(base).get("/search");
        assertEquals(200, p.status());
        assertTrue(p.body().contains("<label for=\"search-q\">"), "labelled search box");
        assertTrue(p.body().contains("from:name") && p.body().contains("since:") && p.body().contains("min_faves:"), "operators listed");
        assertTrue(p.body().contains("/static/") && p.body().contains("search/typeahead.js"), "typeahead module loaded");
        assertFalse(p.body().contains("id=\"search-tabs\""), "no tabs before a query");
    }

    @Test
    void latestIsNewestFirstAndPrivatePostsStayHiddenFromThoseWhoMayNotSeeThem() {
        Browser anonymous = new Browser(base);
        Browser.Page p = anonymous.get("/search?q=kestrel&tab=latest");
        assertEquals(200, p.status());
        assertEquals(List.of(newer, older), postIds(p.body()));
        assertFalse(p.body().contains("secret kestrel"), "followers-only post hidden from an anonymous viewer");
        assertTrue(p.body().contains("id=\"search-tab-latest\" href=\"/search?q=kestrel&amp;tab=latest\" aria-current=\"page\""), p.body());

        Browser carolsBrowser = new Browser(base);
        carolsBrowser.signIn("carol_search");
        assertFalse(carolsBrowser.get("/search?q=kestrel&tab=latest").body().contains("secret kestrel"), "hidden from a non-follower");

        Browser bobsBrowser = new Browser(base);
        assertEquals(303, bobsBrowser.signIn("bob_search").status());
        assertTrue(bobsBrowser.get("/search?q=kestrel&tab=latest").body().contains("secret kestrel"), "shown to a follower");
    }

    @Test
    void operatorsNarrowTheResults() {
        Browser b = new Browser(base);
        assertEquals(List.of(older), postIds(b.get("/search?q=kestrel+from%3Aalice_search&tab=top").body()));
        assertEquals(List.of(newer), postIds(b.get("/search?q=%23birding+-from%3Aalice_search&tab=latest").body()));
        assertEquals(List.of(), postIds(b.get("/search?q=kestrel+min_faves%3A5").body()));
    }

    @Test
    void topTabAlsoListsMatchingHashtagsForAPlainWord() {
        Browser.Page p = new Browser(base).get("/search?q=%23birding");
        assertEquals(200, p.status());
        assertEquals(2, postIds(p.body()).size());
        assertTrue(p.body().contains("href=\"/tags/birding\""), p.body());
    }

    @Test
    void peopleAndHashtagTabs() {
        Browser b = new Browser(base);
        Browser.Page people = b.get("/search?q=alice&tab=people");
        assertEquals(200, people.status());
        assertTrue(people.body().contains("href=\"/@alice_search\""), people.body());
        assertFalse(people.body().contains("href=\"/@bob_search\""));
        Browser.Page tags = b.get("/search?q=kes&tab=hashtags");
        assertTrue(tags.body().contains("href=\"/tags/kestrels\""), tags.body());
        assertTrue(tags.body().contains("1 public posts"), tags.body());
    }

    @Test
    void postTextIsEscaped() {
        Browser.Page p = new Browser(base).get("/search?q=birds+from%3Abob_search&tab=latest");
        assertEquals(1, postIds(p.body()).size(), p.body());
        assertFalse(p.body().contains("<script>alert(1)</script>"));
        assertTrue(p.body().contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    @Test
    void malformedQueriesAndBadParametersSayWhatWasWrong() {
        Browser b = new Browser(base);
        Browser.Page bad = b.get("/search?q=since%3Ayesterday&tab=latest");
        assertEquals(422, bad.status());
        assertTrue(bad.body().contains("id=\"search-error\""), bad.body());
        assertTrue(bad.body().contains("This search cannot be run"));
        Browser.Page tab = b.get("/search?q=x&tab=media");
        assertEquals(400, tab.status());
        assertTrue(tab.body().contains("Unknown search tab"), tab.body());
        assertEquals(400, b.get("/search?q=x&offset=-3").status());
        assertEquals(400, b.get("/search?q=x&offset=5000").status());
        assertEquals(422, b.get("/search?q=" + "a".repeat(600)).status());
    }

    @Test
    void typeaheadFragmentSuggestsPeopleAndHashtags() {
        Browser b = new Browser(base);
        Browser.Page p = b.get("/search/suggest?q=ali");
        assertEquals(200, p.status());
        assertFalse(p.body().contains("<html"), "a fragment, not a page");
        assertTrue(p.body().contains("href=\"/@alice_search\""), p.body());
        Browser.Page tags = b.get("/search/suggest?q=%23bird");
        assertTrue(tags.body().contains("href=\"/tags/birding\""), tags.body());
        assertFalse(tags.body().contains("/@"), "a # query suggests only hashtags");
        assertEquals("", b.get("/search/suggest?q=").body().strip());
        assertEquals("", b.get("/search/suggest?q=zzzzqqq").body().strip());
    }

    @Test
    void withoutAnIndexThePageSaysSearchIsNotAvailable() {
        Starling bare = Starling.start(starling.social(), ServerOptions.defaults().withPort(0).withRateLimits(TestServer.generousLimits()),
                List.of(), List.of(new SearchPages(null)));
        try {
            Browser.Page p = new Browser("http://127.0.0.1:" + bare.port()).get("/search?q=kestrel");
            assertEquals(200, p.status());
            assertTrue(p.body().contains("id=\"search-unavailable\""), p.body());
            assertEquals(List.of(), postIds(p.body()));
        } finally {
            bare.close();
        }
    }

}
