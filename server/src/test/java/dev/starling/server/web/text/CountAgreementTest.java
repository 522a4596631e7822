package dev.starling.server.web.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.server.testing.TestServer;
import dev.starling.server.web.Browser;
import dev.starling.social.posts.PostText;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compose box's live count agrees with the server: over HTTP, {@code POST /web/count} gives the
 * twitter-text conformance suite's weighted length and validity for every weighted-length case
 * (validate.yml, the v3 configuration with discounted emoji), and posting each text through the
 * compose form is accepted exactly when the count said valid. Every other text of the suite gets
 * the same count and verdict from the endpoint as the server's own validation.
 */
class CountAgreementTest {
    static TestServer server;
    static Browser alice;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        server = TestServer.start();
        alice = new Browser(server.baseUrl());
        alice.signUp("countalice");
        alice.get("/");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode count(String text) throws Exception {
        Browser.Page r = alice.postRaw("/web/count", Map.of("text", text), Map.of());
        assertEquals(200, r.status(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void weightedLengthCasesAgreeAndTheServerAcceptsExactlyTheValidOnes() throws Exception {
        JsonNode cases = Conformance.load("validate.yml").path("WeightedTweetsWithDiscountedEmojiCounterTest");
        int checked = 0;
        for (JsonNode t : cases) {
            String text = t.path("text").asText();
            String what = t.path("description").asText();
            JsonNode expected = t.path("expected");
            JsonNode got = count(text);
            assertEquals(expected.path("weightedLength").asInt(), got.path("weighted_length").asInt(), what);
            assertEquals(expected.path("valid").asBoolean(), got.path("valid").asBoolean(), what);
            assertEquals(280, got.path("max").asInt());
            alice.get("/");
            int status = alice.post("/posts", Map.of("text", text, "visibility", "unlisted")).status();
            assertEquals(got.path("valid").asBoolean() ? 303 : 422, status, what + ": the form answered " + status);
            checked++;
        }
        assertTrue(checked >= 10, "expected weighted-length cases, got " + checked);
        System.out.println("count agreement: " + checked + " weighted-length cases agree with the suite and with post creation");
    }

    @Test
    void everyOtherSuiteTextGetsTheServersOwnVerdict() throws Exception {
        JsonNode tests = Conformance.load("validate.yml");
        PostText rules = new PostText(280);
        int checked = 0;
        for (Iterator<String> it = tests.fieldNames(); it.hasNext(); ) {
            String section = it.next();
            for (JsonNode t : tests.path(section)) {
                String text = t.path("text").asText();
                JsonNode got = count(text);
                assertEquals(PostText.weightedLength(text), got.path("weighted_length").asInt(), section + ": " + text);
                assertEquals(rules.validate(text).isEmpty(), got.path("valid").asBoolean(), section + ": " + text);
                checked++;
            }
        }
        System.out.println("count agreement: " + checked + " suite texts get the server's own count and verdict");
        assertTrue(checked >= 90, "expected the suite's texts, got " + checked);
    }
}
