package dev.starling.server.web.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.server.ServerOptions;
import dev.starling.server.Starling;
import dev.starling.server.testing.TestServer;
import dev.starling.server.web.Browser;
import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import dev.starling.social.testing.TestDatabase;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default post visibility in the web app on a real server with every page: chosen on the
 * settings page, preselected by the compose boxes, used by a post whose form names none.
 */
class DefaultVisibilityPagesTest {
    static Database db;
    static Starling starling;
    static String base;

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("web_default_visibility");
        starling = Starling.start(TestDatabase.social(db), ServerOptions.defaults().withPort(0).withRateLimits(TestServer.generousLimits()),
                List.of(), List.of(new SettingsPages()));
        base = "http://127.0.0.1:" + starling.port();
    }

    @AfterAll
    static void down() {
        starling.close();
        db.close();
    }

    private static Account account(String username) {
        return starling.social().accounts().byUsername(username).orElseThrow();
    }

    /** The value of the compose box's selected visibility option. */
    private static String preselected(String html) {
        Matcher select = Pattern.compile("(?s)<select id=\"compose-visibility\".*?</select>").matcher(html);
        assertTrue(select.find(), "no compose box on the page");
        Matcher selected = Pattern.compile("<option value=\"(\\w+)\" selected").matcher(select.group());
        assertTrue(selected.find(), "no option preselected: " + select.group());
        String v = selected.group(1);
        assertFalse(selected.find(), "two options preselected: " + select.group());
        return v;
    }

    private static String checkedDefault(String html) {
        Matcher m = Pattern.compile("id=\"default-visibility-(\\w+)\"[^>]*checked").matcher(html);
        assertTrue(m.find(), "no default visibility radio checked");
        return m.group(1);
    }

    @Test
    void chosenOnTheSettingsPageAndPreselectedInEveryComposeBox() {
        Browser b = new Browser(base);
        assertEquals(303, b.signUp("webvis").status());
        Browser.Page settings = b.get("/settings");
        assertEquals(200, settings.status());
        assertFalse(settings.body().contains("Not available yet"), "the old notice is gone");
        assertEquals("public", checkedDefault(settings.body()));
        assertEquals("public", preselected(b.get("/").body()));

        Browser.Page saved = b.post("/settings/visibility", Map.of("default_visibility", "unlisted"));
        assertEquals(303, saved.status(), saved.body());
        assertEquals("/settings?saved=visibility#visibility", saved.location());
        assertEquals(PostVisibility.UNLISTED, account("webvis").defaultVisibility());
        Browser.Page after = b.get("/settings?saved=visibility");
        assertTrue(after.body().contains("Saved: new posts now start with the default visibility you chose."), after.body());
        assertEquals("unlisted", checkedDefault(after.body()));
        assertEquals("unlisted", preselected(b.get("/").body()), "home compose box");
        assertEquals("unlisted", preselected(b.get("/compose").body()), "compose page");

        // A reply is never more visible than its parent nor than the default; a quote starts at the default.
        Post parent = starling.social().posts().create(account("webvis").id(),
                new dev.starling.social.posts.NewPost("a public parent", PostVisibility.PUBLIC, null, null, null, false, null)).orThrow();
        assertEquals("unlisted", preselected(b.get("/posts/" + parent.id()).body()), "reply box under a public post");
        assertEquals("unlisted", preselected(b.get("/compose?in_reply_to=" + parent.id()).body()));
        assertEquals("unlisted", preselected(b.get("/compose?quote=" + parent.id()).body()));
        Post privateParent = starling.social().posts().create(account("webvis").id(),
                new dev.starling.social.posts.NewPost("a followers-only parent", PostVisibility.PRIVATE, null, null, null, false, null)).orThrow();
        assertEquals("private", preselected(b.get("/posts/" + privateParent.id()).body()), "reply to a followers-only post");

        // A post whose form names no visibility gets the default.
        Browser.Page posted = b.post("/posts", Map.of("text", "no visibility in this form"));
        assertEquals(303, posted.status(), posted.body());
        long id = Long.parseLong(posted.location().replaceAll(".*#post-", ""));
        assertEquals(PostVisibility.UNLISTED, starling.social().posts().view(account("webvis").id(), id).orElseThrow().post().visibility());
    }

    @Test
    void badChoicesAreRefusedWithTheReasonAndChangeNothing() {
        Browser b = new Browser(base);
        assertEquals(303, b.signUp("webvisbad").status());
        b.get("/settings");
        assertEquals(303, b.post("/settings/visibility", Map.of("default_visibility", "private")).status());
        for (String bad : new String[] {"direct", "everyone", ""}) {
            Browser.Page p = b.post("/settings/visibility", Map.of("default_visibility", bad));
            assertEquals(422, p.status(), p.body());
            assertTrue(p.body().contains("id=\"visibility-error\""), p.body());
            assertTrue(p.body().contains("Choose public, unlisted or followers only as the default"), p.body());
            if (!bad.isEmpty()) assertTrue(p.body().contains("followers only as the default, not \"" + bad + "\"."), p.body());
        }
        assertEquals(PostVisibility.PRIVATE, account("webvisbad").defaultVisibility());
        Browser.Page forged = b.postRaw("/settings/visibility", Map.of("default_visibility", "public"), Map.of());
        assertEquals(403, forged.status());
        assertEquals(PostVisibility.PRIVATE, account("webvisbad").defaultVisibility());
    }
}
