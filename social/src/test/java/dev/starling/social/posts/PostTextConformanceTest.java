package dev.starling.social.posts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link PostText} against the official twitter-text conformance suite (validate.yml,
 * weighted length with discounted emoji, the v3 configuration) from ../shared/data.
 */
class PostTextConformanceTest {

    @Test
    void weightedLengthAndValidityMatchConformanceSuite() throws Exception {
        Path yml = Path.of(System.getProperty("starling.shared.dir", "../shared"), "data", "twitter-text-conformance", "validate.yml");
        Assumptions.assumeTrue(Files.isRegularFile(yml), "twitter-text conformance data absent at " + yml + ": skipped");
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yml.toFile());
        JsonNode cases = root.path("tests").path("WeightedTweetsWithDiscountedEmojiCounterTest");
        assertTrue(cases.size() > 10, "expected conformance cases in " + yml);
        PostText rules = new PostText(280);
        int checked = 0;
        for (JsonNode t : cases) {
            String text = t.path("text").asText();
            JsonNode exp = t.path("expected");
            String what = t.path("description").asText();
            assertEquals(exp.path("weightedLength").asInt(), PostText.weightedLength(text), what);
            boolean valid = rules.validate(text).isEmpty();
            assertEquals(exp.path("valid").asBoolean(), valid, what + ": " + rules.validate(text));
            assertEquals(exp.path("weightedLength").asInt(), PostText.fastWeightedLength(text), what + " (fast path)");
            assertEquals(valid, rules.validateAndExtract(text) instanceof dev.starling.social.common.Outcome.Ok<?>, what + " (validateAndExtract)");
            checked++;
        }
        System.out.println("twitter-text conformance: " + checked + " weighted-length cases agree");
    }
}
