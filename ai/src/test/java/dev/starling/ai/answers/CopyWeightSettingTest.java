package dev.starling.ai.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.ai.prompts.Prompts;
import dev.starling.social.accounts.Account;
import dev.starling.social.db.Database;
import dev.starling.social.posts.NewPost;
import dev.starling.social.testing.TestDatabase;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** {@link CopyWeightSetting}: validation naming the field, kept across a restart, applied from the next request. */
class CopyWeightSettingTest {

    static String rejected(CopyWeightSetting.Change c) {
        return assertInstanceOf(CopyWeightSetting.Change.Rejected.class, c, () -> "expected a rejection, got " + c).reason();
    }

    @Test
    void valuesOutsideZeroToOneAreRefusedNamingTheField() {
        CopyWeightSetting s = CopyWeightSetting.inMemory(OptionalDouble.of(0.5));
        for (String bad : new String[] {"1", "1.0", "1.5", "-0.1", "abc", "NaN", "Infinity", "0x1p-1", "0,5", ".", "1e-1",
            "0.5".repeat(20)}) {
            String reason = rejected(s.set(bad, "test"));
            assertTrue(reason.startsWith("copy_weight "), bad + " -> " + reason);
        }
        assertTrue(rejected(s.set("1", "t")).contains("below 1, got 1.0"), rejected(s.set("1", "t")));
        assertTrue(rejected(s.set(OptionalDouble.of(-0.5), "t")).contains("at least 0"));
        assertEquals(OptionalDouble.of(0.5), s.current(), "a refused change changes nothing");
        assertInstanceOf(CopyWeightSetting.Change.Saved.class, s.set(" .8 ", "t"));
        assertEquals(OptionalDouble.of(0.8), s.current());
        assertInstanceOf(CopyWeightSetting.Change.Saved.class, s.set("0", "t"));
        assertEquals(OptionalDouble.of(0), s.current());
        assertInstanceOf(CopyWeightSetting.Change.Saved.class, s.set("", "t"));
        assertEquals(OptionalDouble.empty(), s.current(), "empty: by model");
        assertInstanceOf(CopyWeightSetting.Change.Saved.class, s.set("model", "t"));
        assertThrows(IllegalArgumentException.class, () -> CopyWeightSetting.inMemory(OptionalDouble.of(1)));
    }

    @Test
    void theStoredValueSurvivesARestart() {
        try (Database db = TestDatabase.fresh("ai_copy_weight", 2)) {
            Clock clock = Clock.fixed(Instant.parse("2026-11-30T01:00:00Z"), ZoneOffset.UTC);
            CopyWeightSetting first = CopyWeightSetting.stored(db, clock);
            assertEquals(OptionalDouble.empty(), first.current(), "nothing stored yet: by model");
            assertEquals(null, first.value().changedBy());
            assertInstanceOf(CopyWeightSetting.Change.Saved.class, first.set(OptionalDouble.of(0.3), "admin @root"));
            rejected(first.set("2", "admin @root"));
            CopyWeightSetting again = CopyWeightSetting.stored(db, clock);
            assertEquals(OptionalDouble.of(0.3), again.current());
            assertEquals("admin @root", again.value().changedBy());
            assertEquals(clock.instant(), again.value().changedAt());
            assertInstanceOf(CopyWeightSetting.Change.Saved.class, again.set("", "serve --copy-weight"));
            CopyWeightSetting third = CopyWeightSetting.stored(db, clock);
            assertEquals(OptionalDouble.empty(), third.current());
            assertEquals("by model", third.value().describe());
            assertEquals("serve --copy-weight", third.value().changedBy());
        }
    }

    @Test
    void aChangeAppliesToTheNextRequestAndARequestInFlightKeepsItsWeight() throws Exception {
        try (AiTestNetwork net = new AiTestNetwork("ai_copy_weight_live", AiTestNetwork.testSettings(), true)) {
            Account ann = net.social.accounts().createWithoutPassword("ann", "ann@example.org", "", false).orThrow();
            net.social.posts().create(ann.id(), NewPost.of("The ferry to the island runs every hour from the north pier")).orThrow();
            net.index();
            CopyWeightSetting setting = CopyWeightSetting.inMemory(OptionalDouble.empty());
            StarlingAi ai = StarlingAi.create(net.social, net.search, net.registry, Prompts.classpath(), AiTestNetwork.testSettings(), setting);
            // by model: the tiny synthetic model has no Starling model card, so no copying
            Answer byModel = AnswersTest.answered(ai.ask().ask(ann.id(), "When does the ferry run?", AnswerListener.NONE));
            assertEquals(0, byModel.copyWeight());
            assertEquals(0.0, net.model.copyWeights.getLast());
            setting.set(OptionalDouble.of(0.4), "test");
            Answer next = AnswersTest.answered(ai.ask().ask(ann.id(), "When does the ferry run?", AnswerListener.NONE));
            assertEquals(0.4, next.copyWeight());
            assertEquals(0.4, net.model.copyWeights.getLast(), "the model was given copy evidence at 0.4");
            // changed while a request generates: that request keeps 0.4, the next one gets 0.7
            boolean[] changed = {false};
            AnswerListener changeMidway = new AnswerListener() {
                @Override
                public void onText(String text) {
                }

                @Override
                public boolean cancelled() {
                    if (!changed[0]) {
                        changed[0] = true;
                        assertNotNull(setting.set(OptionalDouble.of(0.7), "test"));
                    }
                    return false;
                }
            };
            Answer inFlight = AnswersTest.answered(ai.ask().ask(ann.id(), "When does the ferry run?", changeMidway));
            assertTrue(changed[0], "the setting was changed while the answer was generated");
            assertEquals(0.4, inFlight.copyWeight());
            assertEquals(0.4, net.model.copyWeights.getLast());
            Answer after = AnswersTest.answered(ai.ask().ask(ann.id(), "When does the ferry run?", AnswerListener.NONE));
            assertEquals(0.7, after.copyWeight());
            assertEquals(0.7, net.model.copyWeights.getLast());
        }
    }
}
