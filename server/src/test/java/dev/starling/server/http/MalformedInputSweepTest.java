package dev.starling.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.server.testing.Api.Reply;
import dev.starling.server.testing.TestServer;
import dev.starling.server.testing.Users;
import dev.starling.server.testing.Users.User;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sweeps every endpoint with malformed input (bad JSON, wrong types, bad ids, oversized bodies and
 * lists, bad paging parameters, broken encodings, bad tokens) and asserts that each answer is a
 * 4xx with an error message, never a 5xx. Seeded: replay with -Dtests.seed=N.
 */
class MalformedInputSweepTest {
    static TestServer server;
    static User user;
    static String statusId;

    static final String[][] ENDPOINTS = {
            {"POST", "/api/v1/apps"}, {"GET", "/api/v1/apps/verify_credentials"}, {"GET", "/oauth/authorize"}, {"POST", "/oauth/authorize"},
            {"POST", "/oauth/token"}, {"POST", "/oauth/revoke"}, {"POST", "/api/v1/accounts"},
            {"GET", "/api/v1/accounts/verify_credentials"}, {"PATCH", "/api/v1/accounts/update_credentials"}, {"GET", "/api/v1/accounts/lookup"},
            {"GET", "/api/v1/accounts/relationships"}, {"GET", "/api/v1/accounts/{id}"}, {"GET", "/api/v1/accounts/{id}/statuses"},
            {"GET", "/api/v1/accounts/{id}/followers"}, {"GET", "/api/v1/accounts/{id}/following"}, {"POST", "/api/v1/accounts/{id}/follow"},
            {"POST", "/api/v1/accounts/{id}/unfollow"}, {"POST", "/api/v1/accounts/{id}/block"}, {"POST", "/api/v1/accounts/{id}/unblock"},
            {"POST", "/api/v1/accounts/{id}/mute"}, {"POST", "/api/v1/accounts/{id}/unmute"}, {"GET", "/api/v1/follow_requests"},
            {"POST", "/api/v1/follow_requests/{id}/authorize"}, {"POST", "/api/v1/follow_requests/{id}/reject"},
            {"POST", "/api/v1/statuses"}, {"GET", "/api/v1/statuses/{sid}"}, {"DELETE", "/api/v1/statuses/{sid}"},
            {"GET", "/api/v1/statuses/{sid}/context"}, {"POST", "/api/v1/statuses/{sid}/favourite"}, {"POST", "/api/v1/statuses/{sid}/unfavourite"},
            {"POST", "/api/v1/statuses/{sid}/reblog"}, {"POST", "/api/v1/statuses/{sid}/unreblog"}, {"POST", "/api/v1/statuses/{sid}/bookmark"},
            {"POST", "/api/v1/statuses/{sid}/unbookmark"}, {"GET", "/api/v1/statuses/{sid}/favourited_by"}, {"GET", "/api/v1/statuses/{sid}/reblogged_by"},
            {"GET", "/api/v1/timelines/home"}, {"GET", "/api/v1/timelines/public"}, {"GET", "/api/v1/timelines/tag/{tag}"},
            {"GET", "/api/v1/favourites"}, {"GET", "/api/v1/bookmarks"}, {"GET", "/api/v1/notifications"}, {"GET", "/api/v1/notifications/{id}"},
            {"POST", "/api/v1/notifications/clear"}, {"POST", "/api/v1/notifications/{id}/dismiss"}, {"GET", "/api/v1/instance"},
            {"GET", "/api/v2/instance"}, {"GET", "/api/v1/custom_emojis"}, {"POST", "/api/v1/starling/change_password"}, {"GET", "/nope"},
            {"GET", "/auth/sign_up"}, {"POST", "/auth/sign_up"}, {"GET", "/api/v1/preferences"}, {"GET", "/avatars/original/missing.png"},
    };

    static final String[] BAD_IDS = {"abc", "-1", "99999999999999999999999", "1.5", "%00", "0x10", "' OR 1=1 --", "\u00e9\u00e9"};
    static final String[] BAD_QUERIES = {"limit=abc", "limit=-5", "limit=99999999999", "max_id=xyz", "since_id=-3", "min_id=1e9",
            "max_id=99999999999999999999", "exclude_replies=maybe", "types[]=bogus", "local=2", "id[]=x", "acct=", "only_media=%25ZZ",
            "%25ZZ=1", "limit"};
    static final String[] BAD_BODIES = {"{", "[]", "\"text\"", "{\"status\": {\"nested\": [1, {\"x\": 2}]}}", "{\"status\": 12, \"visibility\": []}",
            "{\"in_reply_to_id\": \"abc\", \"status\": \"x\"}", "{\"sensitive\": \"perhaps\", \"status\": \"x\"}", "null", "{\"a\":" + "[".repeat(200),
            "{\"username\": null, \"password\": 5}", "\u0000\u0001\u0002", "{\"status\": \"\\ud800\"}"};

    @BeforeAll
    static void start() {
        server = TestServer.start();
        user = new Users(server.api).signUp("sweeper");
        statusId = server.api.postJson("/api/v1/statuses", user.token(), Map.of("status", "target")).json().get("id").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void noMalformedInputGivesA5xx() {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("MalformedInputSweepTest seed " + seed + " (replay with -Dtests.seed=" + seed + ")");
        Random random = new Random(seed);
        List<String> failures = new ArrayList<>();
        int requests = 0;
        for (String[] e : ENDPOINTS) {
            List<String> paths = new ArrayList<>();
            String base = e[1].replace("{id}", user.id()).replace("{sid}", statusId).replace("{tag}", "java");
            paths.add(base);
            if (e[1].contains("{")) {
                for (String bad : BAD_IDS) {
                    String enc = java.net.URLEncoder.encode(bad, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
                    paths.add(e[1].replace("{id}", enc).replace("{sid}", enc).replace("{tag}", enc));
                }
            }
            for (String path : paths) {
                boolean badId = !path.equals(base);
                for (String token : badId ? new String[] {user.token()} : new String[] {null, user.token(), "garbage-token"}) {
                    String q = BAD_QUERIES[random.nextInt(BAD_QUERIES.length)];
                    requests++;
                    record(failures, e[0] + " " + path + "?" + q, send(e[0], path + "?" + q, token, null, null));
                    if (!e[0].equals("GET") && (!badId || random.nextInt(4) == 0)) {
                        for (String body : BAD_BODIES) {
                            requests++;
                            record(failures, e[0] + " " + path + " json " + abbreviate(body), send(e[0], path, token, "application/json", body));
                        }
                        requests += 3;
                        record(failures, e[0] + " " + path + " form", send(e[0], path, token, "application/x-www-form-urlencoded", "a=%zz&&=&status=%E0%A4%A"));
                        record(failures, e[0] + " " + path + " xml", send(e[0], path, token, "application/xml", "<x/>"));
                        record(failures, e[0] + " " + path + " multipart", send(e[0], path, token, "multipart/form-data; boundary=zz", "--zz\r\nbroken"));
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), "seed " + seed + ": " + failures.size() + " of " + requests + " requests failed:\n" + String.join("\n", failures));
    }

    @Test
    void oversizedBodiesListsAndFieldsAreRefusedWithReasons() {
        String huge = "{\"status\": \"" + "a".repeat(1_100_000) + "\"}";
        Reply tooBig = send("POST", "/api/v1/statuses", user.token(), "application/json", huge);
        assertEquals(413, tooBig.status(), tooBig.body());
        assertTrue(tooBig.json().get("error").asText().contains("1048576"), tooBig.body());
        Reply bigForm = server.api.postForm("/api/v1/statuses", user.token(), Map.of("status", "a".repeat(600_000)));
        assertEquals(422, bigForm.status(), "a form body under 1 MiB is read, and its too-long text refused: " + bigForm.body());
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < 150; i++) ids.append("id[]=").append(i).append('&');
        Reply manyIds = server.api.get("/api/v1/accounts/relationships?" + ids, user.token());
        assertEquals(422, manyIds.status(), manyIds.body());
        assertTrue(manyIds.json().get("error").asText().contains("at most 100"), manyIds.body());
        Reply longName = server.api.patchJson("/api/v1/accounts/update_credentials", user.token(), Map.of("display_name", "x".repeat(31)));
        assertEquals(422, longName.status(), longName.body());
        Reply badJson = send("POST", "/api/v1/statuses", user.token(), "application/json", "{\"status\": ");
        assertEquals(400, badJson.status());
        assertTrue(badJson.json().get("error").asText().startsWith("Malformed JSON body"), badJson.body());
        Reply badLimit = server.api.get("/api/v1/timelines/public?limit=abc", null);
        assertEquals(422, badLimit.status());
        assertTrue(badLimit.json().get("error").asText().contains("limit"), badLimit.body());
    }

    private static void record(List<String> failures, String what, Reply r) {
        if (r.status() >= 500) failures.add(what + " -> " + r.status() + " " + abbreviate(r.body()));
        else if (r.status() >= 400 && r.json() == null && !r.body().contains("<html")) failures.add(what + " -> " + r.status() + " without an error body: " + abbreviate(r.body()));
    }

    private static Reply send(String method, String path, String token, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (contentType != null) b.header("Content-Type", contentType);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return server.api.send(b.build());
        } catch (java.io.UncheckedIOException e) {
            // Jetty closes a connection after a broken multipart body; the client may have pooled
            // it, so the next request on it sees EOF before any byte. Retry once on a new connection.
            return server.api.send(b.build());
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }
}
