package dev.starling.server.search;

import static dev.starling.server.testing.Api.map;
import static dev.starling.server.testing.Users.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.search.SearchService;
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
import dev.starling.social.db.Database;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /api/v2/search} on a real server (port 0) with the index fed from the outbox. */
class SearchApiTest {

    static Database db;
    static SearchService search;
    static Starling starling;
    static Path dataDir;
    static Api api;
    static Users users;
    static User ann;
    static User ben;
    static User cid;
    static String publicPost;
    static String privatePost;

    @BeforeAll
    static void start() throws Exception {
        db = TestServer.freshDatabase();
        Social social = Social.create(db, Social.Settings.defaults());
        dataDir = Files.createTempDirectory("search-api");
        search = SearchService.start(dataDir, social, null);
        starling = Starling.start(social, ServerOptions.defaults().withPort(0).withRateLimits(TestServer.generousLimits()),
                List.of(new SearchRoutes(new RouteSupport(Json.newMapper(), null), social, search.search())));
        api = new Api("http://127.0.0.1:" + starling.port());
        users = new Users(api);
        ann = users.signUp("ann");
        ben = users.signUp("ben");
        cid = users.signUp("cid");
        check(api.postForm("/api/v1/accounts/" + ann.id() + "/follow", cid.token(), map()), 200);
        publicPost = status(ann, "Roasting coffee at home #brewing", "public");
        privatePost = status(ann, "secret coffee blend for followers", "private");
        status(ben, "tea is better than coffee", "public");
        for (int i = 0; i < 5; i++) {
            status(cid, "paging word number " + i, "public");
        }
        waitFor(null, "q=blend&type=statuses", 0); // nothing public: but wait until the indexer has caught up
        waitFor(cid.token(), "q=blend&type=statuses", 1);
    }

    @AfterAll
    static void stop() {
        try {
            starling.close();
            search.close();
        } finally {
            db.close();
        }
    }

    static String status(User u, String text, String visibility) {
        return check(api.postJson("/api/v1/statuses", u.token(), Map.of("status", text, "visibility", visibility)), 200).json().get("id").asText();
    }

    static Reply search(String token, String query) {
        return api.get("/api/v2/search?" + query, token);
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static List<String> ids(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.has("id") ? n.get("id").asText() : n.get("name").asText()));
        return out;
    }

    /** Polls until the statuses list has {@code n} entries; returns the milliseconds it took. */
    static long waitFor(String token, String query, int n) throws InterruptedException {
        long t0 = System.nanoTime();
        while (true) {
            Reply r = check(search(token, query), 200);
            if (r.json().get("statuses").size() == n) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "no " + n + " statuses for " + query + " after 10 s: " + r);
            Thread.sleep(10);
        }
    }

    @Test
    void statusesRespectVisibility() {
        assertEquals(List.of(publicPost), ids(check(search(null, "q=roasting&type=statuses"), 200).json().get("statuses")));
        assertEquals(List.of(), ids(check(search(null, "q=blend&type=statuses"), 200).json().get("statuses")), "anonymous");
        assertEquals(List.of(), ids(check(search(ben.token(), "q=blend&type=statuses"), 200).json().get("statuses")), "not a follower");
        assertEquals(List.of(privatePost), ids(check(search(cid.token(), "q=blend&type=statuses"), 200).json().get("statuses")), "a follower");
        JsonNode s = check(search(cid.token(), "q=blend&type=statuses"), 200).json().get("statuses").get(0);
        assertEquals("private", s.get("visibility").asText());
        assertEquals("ann", s.get("account").get("username").asText());
    }

    @Test
    void operatorsFollowingAccountIdAndPaging() {
        assertEquals(2, check(search(cid.token(), "q=" + q("coffee from:ann") + "&type=statuses"), 200).json().get("statuses").size());
        assertEquals(1, check(search(cid.token(), "q=" + q("coffee -from:ann") + "&type=statuses"), 200).json().get("statuses").size());
        assertEquals(1, check(search(cid.token(), "q=" + q("#brewing") + "&type=statuses"), 200).json().get("statuses").size());
        assertEquals(2, check(search(cid.token(), "q=coffee&type=statuses&following=true"), 200).json().get("statuses").size(),
                "cid follows ann only");
        assertEquals(1, check(search(cid.token(), "q=coffee&type=statuses&account_id=" + ben.id()), 200).json().get("statuses").size());
        List<String> all = ids(check(search(null, "q=paging&type=statuses&order=latest&limit=5"), 200).json().get("statuses"));
        assertEquals(5, all.size());
        List<String> paged = new ArrayList<>();
        for (int offset = 0; offset < 6; offset += 2) {
            paged.addAll(ids(check(search(null, "q=paging&type=statuses&order=latest&limit=2&offset=" + offset), 200).json().get("statuses")));
        }
        assertEquals(all, paged);
    }

    @Test
    void accountsAndHashtagsTypeahead() {
        JsonNode r = check(search(null, "q=an&type=accounts"), 200).json();
        assertEquals(List.of(ann.id()), ids(r.get("accounts")));
        assertEquals(0, r.get("statuses").size());
        JsonNode tags = check(search(null, "q=" + q("#bre") + "&type=hashtags"), 200).json().get("hashtags");
        assertEquals(List.of("brewing"), ids(tags));
        JsonNode history = tags.get(0).get("history");
        assertEquals(7, history.size(), "Mastodon's history: the last 7 days, newest first: " + history);
        long today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond();
        assertEquals(Long.toString(today), history.get(0).get("day").asText());
        assertEquals("1", history.get(0).get("uses").asText(), "ann's one public #brewing post today: " + history);
        assertEquals("1", history.get(0).get("accounts").asText());
        assertEquals(Long.toString(today - 6 * 86_400), history.get(6).get("day").asText());
        assertEquals("0", history.get(6).get("uses").asText());
        JsonNode both = check(search(null, "q=ben"), 200).json();
        assertEquals(List.of(ben.id()), ids(both.get("accounts")));
        assertTrue(both.has("hashtags") && both.has("statuses"));
    }

    @Test
    void badInputSaysWhatWasWrong() {
        Reply r = search(cid.token(), "q=" + q("coffee since:yesterday") + "&type=statuses");
        assertEquals(422, r.status(), r.toString());
        assertTrue(r.json().get("error").asText().contains("since: needs a date"), r.toString());
        assertEquals(0, check(search(cid.token(), "q=" + q("coffee since:yesterday")), 200).json().get("statuses").size(),
                "without type the other lists still answer");
        assertEquals(422, search(null, "q=").status());
        assertEquals(422, search(null, "q=x&type=people").status());
        assertEquals(422, search(null, "q=x&limit=41").status());
        assertEquals(422, search(null, "q=x&account_id=abc").status());
        assertEquals(422, search(null, "q=" + "x".repeat(513)).status());
        assertEquals(401, search(null, "q=x&following=true").status());
    }

    @Test
    void newPostsAndDeletionsShowWithinOneSecond() throws Exception {
        waitFor(null, "q=warmup&type=statuses", 0);
        String id = status(ben, "a freshzebra appears", "public");
        long appearMillis = waitFor(null, "q=freshzebra&type=statuses", 1);
        check(api.delete("/api/v1/statuses/" + id, ben.token()), 200);
        long goneMillis = waitFor(null, "q=freshzebra&type=statuses", 0);
        System.out.println("search API freshness: appear " + appearMillis + " ms, gone " + goneMillis + " ms");
        assertTrue(appearMillis < 1000 && goneMillis < 1000, appearMillis + " / " + goneMillis + " ms");
    }

    @Test
    void blocksHideBothWays() throws Exception {
        User dan = users.signUp("dan");
        User eve = users.signUp("eve");
        status(eve, "eve writes about kiwis", "public");
        waitFor(dan.token(), "q=kiwis&type=statuses", 1);
        check(api.postForm("/api/v1/accounts/" + eve.id() + "/block", dan.token(), map()), 200);
        assertEquals(0, check(search(dan.token(), "q=kiwis&type=statuses"), 200).json().get("statuses").size());
        assertEquals(0, check(search(eve.token(), "q=dan&type=accounts"), 200).json().get("accounts").size(), "the blocked one does not find dan");
        assertEquals(1, check(search(null, "q=kiwis&type=statuses"), 200).json().get("statuses").size());
    }
}
