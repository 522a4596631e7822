package dev.starling.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.server.testing.TestServer;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A person's path through the web app on a real server: sign up, post, follow, see, reply, like, delete. */
class WebFlowTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static long newestPostId(String html) {
        Matcher m = Pattern.compile("data-post-id=\"(\\d+)\"").matcher(html);
        assertTrue(m.find(), "no post on the page");
        return Long.parseLong(m.group(1));
    }

    @Test
    void signUpPostFollowAndSeeItOnHome() {
        Browser ann = new Browser(server.baseUrl());
        Browser bob = new Browser(server.baseUrl());
        assertEquals(303, ann.signUp("flowann").status());
        assertEquals(303, bob.signUp("flowbob").status());

        ann.get("/");
        Browser.Page posted = ann.post("/posts", Map.of("text", "Hello from the web <b>app</b> #flowtag @flowbob", "visibility", "public"));
        assertEquals(303, posted.status(), posted.body());
        assertTrue(posted.location().startsWith("/?notice=posted#post-"), posted.location());
        Browser.Page annHome = ann.get("/?notice=posted");
        assertTrue(annHome.body().contains("Your post is published."));
        assertTrue(annHome.body().contains("Hello from the web &lt;b&gt;app&lt;/b&gt;"), "escaped");
        assertTrue(annHome.body().contains("href=\"/tags/flowtag\""), "hashtag linked");
        assertTrue(annHome.body().contains("href=\"/@flowbob\""), "mention linked");
        long postId = newestPostId(annHome.body());

        assertFalse(bob.get("/").body().contains("Hello from the web"), "not followed yet");
        bob.get("/@flowann");
        Browser.Page follow = bob.post("/@flowann/follow", Map.of());
        assertEquals(303, follow.status(), follow.body());
        assertTrue(follow.location().startsWith("/@flowann?notice=followed"), follow.location());
        Browser.Page bobHome = bob.get("/");
        assertTrue(bobHome.body().contains("Hello from the web"), "followed account's post on home");
        assertTrue(bob.get("/@flowann").body().contains("id=\"unfollow\""));

        // new posts appear through the fragment the page polls
        Matcher newest = Pattern.compile("data-newest-id=\"(\\d+)\"").matcher(bobHome.body());
        assertTrue(newest.find());
        ann.get("/");
        ann.post("/posts", Map.of("text", "second post for the live timeline", "visibility", "public"));
        Browser.Page fresh = bob.get("/home/fragment?since_id=" + newest.group(1));
        assertEquals(200, fresh.status());
        assertTrue(fresh.body().contains("second post for the live timeline"), fresh.body());
        assertFalse(fresh.body().contains("Hello from the web"), "only newer posts");
        assertNotNull(fresh.header("X-Newest-Id"));

        // reply from the thread page
        Browser.Page thread = bob.get("/posts/" + postId);
        assertEquals(200, thread.status());
        assertTrue(thread.body().contains("name=\"in_reply_to_id\" value=\"" + postId + "\""));
        Browser.Page reply = bob.post("/posts", Map.of("text", "a reply from bob", "in_reply_to_id", Long.toString(postId), "visibility", "public"));
        assertEquals(303, reply.status(), reply.body());
        assertTrue(reply.location().startsWith("/posts/" + postId + "?notice=posted#post-"));
        assertTrue(bob.get("/posts/" + postId).body().contains("a reply from bob"));

        // like as a plain form, then undo through the script's fragment request
        bob.get("/posts/" + postId);
        Browser.Page like = bob.post("/posts/" + postId + "/like", Map.of("row_id", Long.toString(postId), "return_to", "/posts/" + postId));
        assertEquals(303, like.status());
        assertEquals("/posts/" + postId + "#post-" + postId, like.location());
        assertTrue(bob.get("/posts/" + postId).body().contains("id=\"like-" + postId + "\" aria-pressed=\"true\""));
        Browser.Page unlike = bob.postRaw("/posts/" + postId + "/unlike", Map.of("row_id", Long.toString(postId)),
                Map.of("X-CSRF-Token", bob.csrf, "X-Starling-Fragment", "post"));
        assertEquals(200, unlike.status(), unlike.body());
        assertTrue(unlike.body().trim().startsWith("<article"), unlike.body());
        assertTrue(unlike.body().contains("aria-pressed=\"false\""));

        // notifications: ann hears of the follow, the reply and the like
        Browser.Page notes = ann.get("/notifications");
        assertTrue(notes.body().contains("followed you"), notes.body());
        assertTrue(notes.body().contains("mentioned you"), notes.body());
        assertTrue(notes.body().contains("liked your post"));

        // hashtag page, profile tabs
        assertTrue(bob.get("/tags/flowtag").body().contains("Hello from the web"));
        assertTrue(bob.get("/@flowann/followers").body().contains("@flowbob"));
        assertTrue(bob.get("/@flowbob/following").body().contains("@flowann"));
        assertTrue(bob.get("/@flowbob/with_replies").body().contains("a reply from bob"));
        assertFalse(bob.get("/@flowbob").body().contains("a reply from bob"), "replies to others only under with_replies");

        // delete with confirmation; only the author may
        assertEquals(403, bob.get("/posts/" + postId + "/delete").status());
        Browser.Page confirm = ann.get("/posts/" + postId + "/delete");
        assertTrue(confirm.body().contains("id=\"confirm-delete\""));
        assertEquals(303, ann.post("/posts/" + postId + "/delete", Map.of()).status());
        assertEquals(404, bob.get("/posts/" + postId).status());
    }

    @Test
    void quoteAndRepostShowUpForFollowers() {
        Browser gus = new Browser(server.baseUrl());
        Browser hal = new Browser(server.baseUrl());
        Browser ivy = new Browser(server.baseUrl());
        gus.signUp("flowgus");
        hal.signUp("flowhal");
        ivy.signUp("flowivy");
        ivy.get("/@flowhal");
        ivy.post("/@flowhal/follow", Map.of());
        gus.get("/");
        gus.post("/posts", Map.of("text", "original words by gus", "visibility", "public"));
        long original = newestPostId(gus.get("/@flowgus").body());
        Browser.Page compose = hal.get("/compose?quote=" + original);
        assertTrue(compose.body().contains("name=\"quote_of_id\" value=\"" + original + "\""), compose.body());
        assertTrue(compose.body().contains("original words by gus"), "the quoted post is shown");
        assertEquals(303, hal.post("/posts", Map.of("text", "hal comments on it", "quote_of_id", Long.toString(original), "visibility", "public")).status());
        hal.get("/@flowgus");
        hal.get("/posts/" + original);
        assertEquals(303, hal.post("/posts/" + original + "/repost", Map.of("return_to", "/posts/" + original)).status());
        String home = ivy.get("/").body();
        assertTrue(home.contains("hal comments on it"), "the quote");
        assertTrue(home.matches("(?s).*hal comments on it.*class=\"quote\".*original words by gus.*"), "the quoted post inside it");
        assertTrue(home.contains("Reposted by <a href=\"/@flowhal\">@flowhal</a>"), "the repost");
        // a followers-only post offers no repost or quote
        gus.get("/");
        gus.post("/posts", Map.of("text", "gus only for followers", "visibility", "private"));
        long secret = newestPostId(gus.get("/@flowgus").body());
        assertFalse(gus.get("/posts/" + secret).body().contains("id=\"repost-" + secret + "\""));
        assertFalse(gus.get("/posts/" + secret).body().contains("id=\"quote-" + secret + "\""));
    }

    @Test
    void composeRejectionKeepsTheTextAndSaysWhy() {
        Browser cy = new Browser(server.baseUrl());
        cy.signUp("flowcy");
        cy.get("/");
        String tooLong = "x".repeat(300);
        Browser.Page r = cy.post("/posts", Map.of("text", tooLong, "visibility", "public"));
        assertEquals(422, r.status());
        assertTrue(r.body().contains("too long"), r.body());
        assertTrue(r.body().contains(tooLong), "text kept");
        assertEquals(422, cy.post("/posts", Map.of("text", "hi", "visibility", "everyone")).status());
    }

    @Test
    void lockedAccountsApproveFollowers() {
        Browser dee = new Browser(server.baseUrl());
        Browser eve = new Browser(server.baseUrl());
        dee.signUp("flowdee");
        eve.signUp("floweve");
        long deeId = server.starling().social().accounts().byUsername("flowdee").orElseThrow().id();
        long eveId = server.starling().social().accounts().byUsername("floweve").orElseThrow().id();
        server.starling().social().accounts().updateProfile(deeId, dev.starling.social.accounts.ProfileUpdate.none().withLocked(true)).orThrow();
        dee.get("/");
        dee.post("/posts", Map.of("text", "followers only secret flowdee", "visibility", "private"));
        eve.get("/@flowdee");
        Browser.Page req = eve.post("/@flowdee/follow", Map.of());
        assertTrue(req.location().contains("notice=requested"), req.location());
        assertFalse(eve.get("/@flowdee").body().contains("followers only secret"), "not before acceptance");
        Browser.Page requests = dee.get("/follow_requests");
        assertTrue(requests.body().contains("id=\"accept-" + eveId + "\""), requests.body());
        assertEquals(303, dee.post("/follow_requests/" + eveId + "/accept", Map.of()).status());
        assertTrue(eve.get("/@flowdee").body().contains("followers only secret"), "visible once accepted");
        // block and mute buttons work as forms
        eve.get("/@flowdee");
        assertEquals(303, eve.post("/@flowdee/mute", Map.of()).status());
        assertTrue(eve.get("/@flowdee").body().contains("id=\"unmute\""));
        assertEquals(303, eve.post("/@flowdee/block", Map.of()).status());
        assertTrue(eve.get("/@flowdee").body().contains("id=\"unblock\""));
        assertFalse(eve.get("/@flowdee").body().contains("followers only secret"), "nothing of a blocked account");
    }

    @Test
    void signedOutPeopleAreSentToSignInAndBack() {
        Browser b = new Browser(server.baseUrl());
        Browser.Page r = b.get("/notifications");
        assertEquals(303, r.status());
        assertEquals("/sign_in?return_to=%2Fnotifications", r.location());
        assertEquals(404, b.get("/@nobody_at_all").status());
        assertEquals(404, b.get("/posts/999999999").status());
        assertEquals(404, b.get("/posts/abc").status());
        assertTrue(b.get("/posts/999999999").body().contains("id=\"error-message\""));
    }
}
