package dev.starling.server.trends;

import static dev.starling.server.testing.Api.map;
import static dev.starling.server.testing.Users.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.ai.trends.TrendCounter;
import dev.starling.ai.trends.TrendLists;
import dev.starling.ai.trends.TrendModeration;
import dev.starling.ai.trends.TrendRefresh;
import dev.starling.ai.trends.TrendStories;
import dev.starling.server.ServerOptions;
import dev.starling.server.Starling;
import dev.starling.server.http.Json;
import dev.starling.server.http.RouteSupport;
import dev.starling.server.testing.Api;
import dev.starling.server.testing.Api.Reply;
import dev.starling.server.testing.TestServer;
import dev.starling.server.testing.Users;
import dev.starling.server.testing.Users.User;
import dev.starling.social.Social;
import dev.starling.social.accounts.Role;
import dev.starling.social.db.Database;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The trends API on a real server (port 0) over a real database, with errors, paging and moderation. */
class TrendRoutesTest {

    static Database db;
    static Starling starling;
    static Api api;
    static User admin;
    static User ann;
    static User eve;
    static User fay;
    static String trendingPost;
    static String privatePost;
    static TrendStories stories;

    @BeforeAll
    static void start() {
        db = TestServer.freshDatabase();
        Social social = Social.create(db, Social.Settings.defaults().withArgon2(dev.starling.social.testing.TestDatabase.FAST_ARGON2));
        Clock clock = Clock.systemUTC();
        TrendLists lists = new TrendLists(db, clock);
        stories = new TrendStories(db, lists, null, null, clock, TrendStories.Settings.defaults());
        starling = Starling.start(social, ServerOptions.defaults().withPort(0).withRateLimits(TestServer.generousLimits()),
                List.of(new TrendRoutes(new RouteSupport(Json.newMapper(), null), social, lists, stories, new TrendModeration(db))));
        api = new Api("http://127.0.0.1:" + starling.port());
        Users users = new Users(api);
        admin = users.signUp("boss");
        social.accounts().setRole(Long.parseLong(admin.id()), Role.ADMIN).orThrow();
        List<User> people = new ArrayList<>();
        for (String n : List.of("ann", "ben", "cid", "dan", "eve", "fay", "gus")) {
            people.add(users.signUp(n));
        }
        ann = people.getFirst();
        eve = people.get(4);
        fay = people.get(5);
        for (User u : people) {
            status(u, "Northern lights over the bay tonight #Aurora https://news.example.com/aurora?utm_medium=x", "public");
        }
        privatePost = status(ann, "Northern lights party at mine #Aurora", "private");
        trendingPost = status(ann, "Look up: the whole sky is green", "public");
        for (User u : people.subList(1, 7)) {
            check(api.postForm("/api/v1/statuses/" + trendingPost + "/favourite", u.token(), map()), 200);
        }
        check(api.postForm("/api/v1/accounts/" + ann.id() + "/block", eve.token(), map()), 200);
        check(api.postForm("/api/v1/accounts/" + ann.id() + "/mute", fay.token(), map()), 200);
        new TrendCounter(db, social.outbox(), clock, TrendCounter.Options.defaults()).catchUp();
        new TrendRefresh(db, clock, TrendRefresh.Settings.defaults()).refresh();
        stories.update();
    }

    @AfterAll
    static void stop() {
        try {
            starling.close();
        } finally {
            db.close();
        }
    }

    static String status(User u, String text, String visibility) {
        return check(api.postForm("/api/v1/statuses", u.token(), map("status", text, "visibility", visibility)), 200).json().get("id").asText();
    }

    @Test
    void tagsInMastodonsShapeForAnyone() {
        for (String path : List.of("/api/v1/trends/tags", "/api/v1/trends")) {
            JsonNode tags = check(api.get(path, null), 200).json();
            assertEquals(1, tags.size(), tags.toString());
            JsonNode t = tags.get(0);
            assertEquals("aurora", t.get("name").asText());
            assertTrue(t.get("url").asText().endsWith("/tags/aurora"), t.toString());
            assertEquals(7, t.get("history").size());
            JsonNode today = t.get("history").get(0);
            assertTrue(today.get("day").isTextual() && today.get("accounts").isTextual() && today.get("uses").isTextual(), today.toString());
            assertEquals("7", today.get("accounts").asText(), "the private post does not count");
            assertFalse(t.get("following").asBoolean());
        }
        check(api.get("/api/v1/trends/tags", ann.token()), 200);
    }

    @Test
    void linksAndPhrases() {
        JsonNode links = check(api.get("/api/v1/trends/links", null), 200).json();
        assertEquals("https://news.example.com/aurora", links.get(0).get("url").asText(), links.toString());
        assertEquals("link", links.get(0).get("type").asText());
        assertEquals("news.example.com", links.get(0).get("provider_name").asText());
        assertEquals(7, links.get(0).get("history").size());
        JsonNode phrases = check(api.get("/api/v1/starling/trends/phrases", null), 200).json();
        List<String> ps = new ArrayList<>();
        phrases.forEach(p -> ps.add(p.get("phrase").asText()));
        assertTrue(ps.contains("northern lights"), ps.toString());
    }

    @Test
    void statusesAsTheViewerMaySeeThem() {
        JsonNode anon = check(api.get("/api/v1/trends/statuses", null), 200).json();
        assertEquals(1, anon.size(), anon.toString());
        assertEquals(trendingPost, anon.get(0).get("id").asText());
        assertEquals(6, anon.get(0).get("favourites_count").asInt());
        assertEquals(0, check(api.get("/api/v1/trends/statuses", eve.token()), 200).json().size(), "eve blocked the author");
        assertEquals(0, check(api.get("/api/v1/trends/statuses", fay.token()), 200).json().size(), "fay muted the author");
        assertEquals(1, check(api.get("/api/v1/trends/statuses", admin.token()), 200).json().size());
    }

    @Test
    void pagingLimitsAndErrors() {
        Reply first = check(api.get("/api/v1/starling/trends/phrases?limit=1", null), 200);
        assertEquals(1, first.json().size());
        assertTrue(first.header("Link").contains("offset=1&limit=1>; rel=\"next\""), first.header("Link"));
        Reply second = check(api.get("/api/v1/starling/trends/phrases?limit=1&offset=1", null), 200);
        assertFalse(first.json().get(0).get("phrase").asText().equals(second.json().get(0).get("phrase").asText()));
        assertTrue(second.header("Link").contains("rel=\"prev\""), second.header("Link"));
        assertEquals(0, check(api.get("/api/v1/trends/tags?offset=5", null), 200).json().size());
        check(api.get("/api/v1/trends/tags?limit=1000", null), 200); // clamped to 20, as Mastodon
        Reply zero = check(api.get("/api/v1/trends/tags?limit=0", null), 422);
        assertTrue(zero.json().get("error").asText().contains("limit"), zero.body());
        check(api.get("/api/v1/trends/links?limit=abc", null), 422);
        check(api.get("/api/v1/trends/statuses?offset=-1", null), 422);
        check(api.get("/api/v1/trends/tags?offset=99999999", null), 422);
        check(api.get("/api/v1/trends/tags", "not-a-token"), 401);
    }

    @Test
    void storiesWithoutAModelSayWhyAndShowOnlyPublicPosts() {
        JsonNode list = check(api.get("/api/v1/starling/trends/stories", null), 200).json();
        assertEquals(1, list.size(), list.toString());
        JsonNode s = list.get(0);
        assertFalse(s.get("ai_generated").asBoolean());
        assertTrue(s.get("headline").isNull());
        assertEquals("no_model", s.get("text_state").asText());
        assertEquals("no model is configured for trend stories", s.get("reason").asText());
        assertTrue(s.get("statuses").size() >= 3);
        s.get("statuses").forEach(p -> {
            assertEquals("public", p.get("visibility").asText());
            assertFalse(p.get("id").asText().equals(privatePost));
        });
        List<String> items = new ArrayList<>();
        s.get("items").forEach(i -> items.add(i.get("type").asText() + ":" + i.get("name").asText()));
        assertTrue(items.contains("tag:aurora") && items.contains("link:https://news.example.com/aurora"), items.toString());
        check(api.get("/api/v1/starling/trends/stories/" + s.get("id").asText(), null), 200);
        check(api.get("/api/v1/starling/trends/stories/999999", null), 404);
        check(api.get("/api/v1/starling/trends/stories/abc", null), 404); // as every Mastodon path id
    }

    @Test
    void onlyAdminsHideAndHiddenTrendsNeverShow() {
        Reply anon = api.postForm("/api/v1/starling/admin/trends/hide", null, map("type", "tag", "name", "aurora"));
        check(anon, 401);
        Reply user = api.postForm("/api/v1/starling/admin/trends/hide", ann.token(), map("type", "tag", "name", "aurora"));
        check(user, 403);
        check(api.get("/api/v1/starling/admin/trends/hidden", ann.token()), 403);
        check(api.postForm("/api/v1/starling/admin/trends/hide", admin.token(), map("type", "hashtag", "name", "aurora")), 422);
        check(api.postForm("/api/v1/starling/admin/trends/hide", admin.token(), map("type", "tag", "name", " ")), 422);
        check(api.postForm("/api/v1/starling/admin/trends/hide", admin.token(), map("type", "link", "name", "ftp://x.example.com/")), 422);

        JsonNode hid = check(api.postForm("/api/v1/starling/admin/trends/hide", admin.token(), map("type", "tag", "name", "#Aurora")), 200).json();
        assertEquals("aurora", hid.get("name").asText());
        try {
            assertEquals(0, check(api.get("/api/v1/trends/tags", null), 200).json().size());
            JsonNode hidden = check(api.get("/api/v1/starling/admin/trends/hidden", admin.token()), 200).json();
            assertEquals("aurora", hidden.get(0).get("name").asText());
            assertEquals(admin.id(), hidden.get(0).get("hidden_by").asText());
            JsonNode story = check(api.get("/api/v1/starling/trends/stories", null), 200).json().get(0);
            story.get("items").forEach(i -> assertFalse(i.get("name").asText().equals("aurora"), "a hidden tag leaves the story's items"));
        } finally {
            check(api.postForm("/api/v1/starling/admin/trends/unhide", admin.token(), map("type", "tag", "name", "aurora")), 200);
        }
        assertEquals(1, check(api.get("/api/v1/trends/tags", null), 200).json().size());
    }

    @Test
    void adminsHideAStory() {
        String id = check(api.get("/api/v1/starling/trends/stories", null), 200).json().get(0).get("id").asText();
        check(api.postForm("/api/v1/starling/admin/trends/stories/" + id + "/hide", ann.token(), map()), 403);
        check(api.postForm("/api/v1/starling/admin/trends/stories/424242/hide", admin.token(), map()), 404);
        check(api.postForm("/api/v1/starling/admin/trends/stories/" + id + "/hide", admin.token(), map()), 200);
        try {
            assertEquals(0, check(api.get("/api/v1/starling/trends/stories", null), 200).json().size());
            check(api.get("/api/v1/starling/trends/stories/" + id, null), 404);
            check(api.get("/api/v1/starling/trends/stories/" + id, ann.token()), 404);
            assertTrue(check(api.get("/api/v1/starling/trends/stories/" + id, admin.token()), 200).json().get("hidden").asBoolean());
            stories.update(); // the schedule runs again: still hidden
            assertEquals(0, check(api.get("/api/v1/starling/trends/stories", null), 200).json().size());
        } finally {
            check(api.postForm("/api/v1/starling/admin/trends/stories/" + id + "/unhide", admin.token(), map()), 200);
        }
        JsonNode back = check(api.get("/api/v1/starling/trends/stories", null), 200).json();
        assertEquals(id, back.get(0).get("id").asText());
        assertNull(back.get(0).get("hidden"));
    }
}
