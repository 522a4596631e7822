package dev.starling.server.timelines;

import static dev.starling.server.testing.Api.map;
import static dev.starling.server.testing.Users.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.server.testing.Api.Reply;
import dev.starling.server.testing.TestServer;
import dev.starling.server.testing.Users;
import dev.starling.server.testing.Users.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TimelinesApiTest {
    static TestServer server;
    static Users users;
    static User ann;
    static User ben;
    static User cid;
    static final List<String> annPosts = new ArrayList<>();

    @BeforeAll
    static void start() {
        server = TestServer.start();
        users = new Users(server.api);
        ann = users.signUp("ann");
        ben = users.signUp("ben");
        cid = users.signUp("cid");
        check(server.api.postForm("/api/v1/accounts/" + ann.id() + "/follow", ben.token(), map()), 200);
        for (int i = 0; i < 45; i++) {
            annPosts.add(check(server.api.postJson("/api/v1/statuses", ann.token(), Map.of("status", "post " + i + " #paging")), 200)
                    .json().get("id").asText());
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Map<String, String> links(Reply r) {
        Map<String, String> out = new java.util.HashMap<>();
        String h = r.header("Link");
        if (h == null) return out;
        Matcher m = Pattern.compile("<([^>]+)>; rel=\"(next|prev)\"").matcher(h);
        while (m.find()) out.put(m.group(2), m.group(1));
        return out;
    }

    static List<String> ids(Reply r) {
        List<String> ids = new ArrayList<>();
        for (JsonNode n : r.json()) ids.add(n.get("id").asText());
        return ids;
    }

    @Test
    void homeTimelinePagesThroughEverythingWithLinkHeaders() {
        List<String> seen = new ArrayList<>();
        String url = "/api/v1/timelines/home?limit=20";
        int pages = 0;
        while (url != null && pages < 10) {
            Reply r = check(server.api.get(url, ben.token()), 200);
            List<String> page = ids(r);
            if (page.isEmpty()) break;
            seen.addAll(page);
            Map<String, String> links = links(r);
            assertTrue(links.get("prev").contains("min_id=" + page.getFirst()), r.header("Link"));
            assertTrue(links.get("next").contains("max_id=" + page.getLast()), r.header("Link"));
            assertTrue(links.get("next").startsWith(server.baseUrl() + "/api/v1/timelines/home?limit=20&max_id="), links.get("next"));
            url = links.get("next");
            pages++;
        }
        List<String> expected = new ArrayList<>(annPosts);
        java.util.Collections.reverse(expected);
        assertEquals(expected, seen, "every post exactly once, newest first");

        Reply newer = check(server.api.get("/api/v1/timelines/home?min_id=" + annPosts.get(40), ben.token()), 200);
        assertEquals(List.of(annPosts.get(44), annPosts.get(43), annPosts.get(42), annPosts.get(41)), ids(newer));
        Reply since = check(server.api.get("/api/v1/timelines/home?since_id=" + annPosts.get(2) + "&limit=2", ben.token()), 200);
        assertEquals(List.of(annPosts.get(44), annPosts.get(43)), ids(since), "since_id gives the newest");
        Reply clamped = check(server.api.get("/api/v1/timelines/home?limit=500", ben.token()), 200);
        assertEquals(40, clamped.json().size(), "limit is clamped to 40");
        Reply empty = check(server.api.get("/api/v1/timelines/home", cid.token()), 200);
        assertEquals(0, empty.json().size());
        assertNull(empty.header("Link"));
    }

    @Test
    void publicTagAndAccountTimelines() {
        Reply pub = check(server.api.get("/api/v1/timelines/public?limit=2&max_id=" + annPosts.get(44), null), 200);
        assertEquals(List.of(annPosts.get(43), annPosts.get(42)), ids(pub));
        Reply tag = check(server.api.get("/api/v1/timelines/tag/Paging?limit=3", null), 200);
        assertEquals(3, tag.json().size());
        Reply account = check(server.api.get("/api/v1/accounts/" + ann.id() + "/statuses?limit=2&max_id=" + annPosts.get(44), null), 200);
        assertEquals(List.of(annPosts.get(43), annPosts.get(42)), ids(account));
        assertTrue(links(account).get("next").contains("/api/v1/accounts/" + ann.id() + "/statuses?limit=2&max_id="));
        assertEquals(401, server.api.get("/api/v1/timelines/home", null).status());
        assertEquals(404, server.api.get("/api/v1/accounts/1/statuses", null).status());
    }

    @Test
    void contextFavouritesBookmarksAndNotifications() {
        String root = check(server.api.postJson("/api/v1/statuses", ann.token(), Map.of("status", "root")), 200).json().get("id").asText();
        String reply = check(server.api.postJson("/api/v1/statuses", ben.token(), Map.of("status", "@ann reply", "in_reply_to_id", root)), 200)
                .json().get("id").asText();
        String hidden = check(server.api.postJson("/api/v1/statuses", ann.token(),
                Map.of("status", "a followers-only reply", "in_reply_to_id", reply, "visibility", "private")), 200).json().get("id").asText();
        Reply asCid = check(server.api.get("/api/v1/statuses/" + reply + "/context", cid.token()), 200);
        assertEquals(root, asCid.json().get("ancestors").get(0).get("id").asText());
        assertEquals(0, asCid.json().get("descendants").size(), "cid does not follow ann: the private reply is hidden");
        Reply asBen = check(server.api.get("/api/v1/statuses/" + reply + "/context", ben.token()), 200);
        assertEquals(hidden, asBen.json().get("descendants").get(0).get("id").asText());

        check(server.api.postForm("/api/v1/statuses/" + root + "/favourite", cid.token(), map()), 200);
        check(server.api.postForm("/api/v1/statuses/" + root + "/bookmark", cid.token(), map()), 200);
        assertEquals(root, check(server.api.get("/api/v1/favourites", cid.token()), 200).json().get(0).get("id").asText());
        assertEquals(root, check(server.api.get("/api/v1/bookmarks", cid.token()), 200).json().get(0).get("id").asText());
        assertEquals(cid.id(), check(server.api.get("/api/v1/statuses/" + root + "/favourited_by", null), 200).json().get(0).get("id").asText());

        Reply notes = check(server.api.get("/api/v1/notifications", ann.token()), 200);
        List<String> types = new ArrayList<>();
        for (JsonNode n : notes.json()) types.add(n.get("type").asText());
        assertTrue(types.contains("favourite") && types.contains("mention") && types.contains("follow"), types.toString());
        Reply onlyFav = check(server.api.get("/api/v1/notifications?types[]=favourite", ann.token()), 200);
        assertEquals(1, onlyFav.json().size());
        String favId = onlyFav.json().get(0).get("id").asText();
        assertEquals("cid", onlyFav.json().get(0).get("account").get("username").asText());
        assertEquals(root, onlyFav.json().get(0).get("status").get("id").asText());
        check(server.api.get("/api/v1/notifications/" + favId, ann.token()), 200);
        assertEquals(404, server.api.get("/api/v1/notifications/" + favId, ben.token()).status());
        check(server.api.postForm("/api/v1/notifications/" + favId + "/dismiss", ann.token(), map()), 200);
        assertEquals(404, server.api.get("/api/v1/notifications/" + favId, ann.token()).status());
        check(server.api.postForm("/api/v1/notifications/clear", ann.token(), map()), 200);
        assertEquals(0, check(server.api.get("/api/v1/notifications", ann.token()), 200).json().size());
    }

    @Test
    void instanceAndHealth() {
        Reply v1 = check(server.api.get("/api/v1/instance", null), 200);
        assertEquals(280, v1.json().get("configuration").get("statuses").get("max_characters").asInt());
        assertTrue(v1.json().get("stats").get("user_count").asInt() >= 3);
        Reply v2 = check(server.api.get("/api/v2/instance", null), 200);
        assertTrue(v2.json().get("registrations").get("enabled").asBoolean());
        assertEquals(0, check(server.api.get("/api/v1/custom_emojis", null), 200).json().size());
        assertEquals("public", check(server.api.get("/api/v1/preferences", ann.token()), 200).json().get("posting:default:visibility").asText());
        assertEquals(401, server.api.get("/api/v1/preferences", null).status());
        assertEquals("ok", check(server.api.get("/health", null), 200).json().get("status").asText());
        Reply preflight = server.api.raw("OPTIONS", "/api/v1/timelines/home", null, null, null);
        assertEquals(204, preflight.status(), preflight.body());
        assertEquals("*", preflight.header("Access-Control-Allow-Origin"));
        assertTrue(preflight.header("Access-Control-Allow-Headers").contains("Authorization"));
        assertTrue(check(server.api.get("/api/v1/timelines/public", null), 200).header("Access-Control-Expose-Headers").contains("Link"));
        assertEquals(401, server.api.get("/api/v1/timelines/home", "bad-token").status());
        assertEquals(404, server.api.get("/no/such/route", null).status());
        Reply metrics = check(server.api.get("/metrics", null), 200);
        assertTrue(metrics.body().contains("http_server_requests_seconds_count{method=\"GET\",status=\"401\",uri=\"/api/v1/timelines/home\"}"), metrics.body());
        assertTrue(metrics.body().contains("http_server_requests_seconds_count{method=\"GET\",status=\"404\",uri=\"UNMATCHED\"}"), metrics.body());
        assertTrue(metrics.body().contains("http_server_requests_seconds_count{method=\"GET\",status=\"200\",uri=\"/api/v1/instance\"}"), metrics.body());
        assertTrue(metrics.body().contains("hikaricp_connections_active"), "pool metrics");
        assertTrue(metrics.body().contains("starling_outbox_lag_events"), "outbox lag");
    }
}
