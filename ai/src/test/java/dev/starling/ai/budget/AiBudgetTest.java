package dev.starling.ai.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.social.Social;
import dev.starling.social.db.Database;
import dev.starling.social.testing.TestDatabase;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AiBudgetTest {

    static Database db;
    static Social social;

    @BeforeAll
    static void up() {
        db = TestDatabase.fresh("ai_budget");
        social = TestDatabase.social(db);
    }

    @AfterAll
    static void down() {
        db.close();
    }

    /** A clock tests move by hand. */
    static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static long account(String name) {
        return social.accounts().createWithoutPassword(name, name + "@example.org", name, false).orThrow().id();
    }

    @Test
    void requestsRunOutWithAClearMessageAndResetAtMidnightUtc() {
        long a = account("budget_req");
        MovableClock clock = new MovableClock(Instant.parse("2026-03-01T23:59:00Z"));
        AiBudget budget = new AiBudget(db, AiBudget.Config.defaults().withFeature("assistant", new BudgetLimits(3, 10_000)), clock);
        for (int i = 0; i < 3; i++) {
            BudgetDecision d = budget.reserve(a, "assistant", 100);
            Reservation r = assertInstanceOf(BudgetDecision.Granted.class, d).reservation();
            budget.settle(r, 40);
        }
        BudgetDecision.Exceeded x = assertInstanceOf(BudgetDecision.Exceeded.class, budget.reserve(a, "assistant", 100));
        assertEquals("daily AI budget of 3 requests used; resets at 00:00 UTC", x.message());
        assertEquals(BudgetDecision.Resource.REQUESTS, x.resource());
        assertEquals(Instant.parse("2026-03-02T00:00:00Z"), x.resetsAt());
        BudgetUsage u = budget.usage(a, "assistant");
        assertEquals(3, u.requests());
        assertEquals(120, u.tokens());
        assertEquals(0, u.requestsLeft());
        // another feature has its own (default) budget
        assertTrue(budget.reserve(a, "ask", 100).granted());
        // a new UTC day
        clock.now = Instant.parse("2026-03-02T00:00:01Z");
        assertTrue(budget.reserve(a, "assistant", 100).granted());
        assertEquals(1, budget.usage(a, "assistant").requests());
        assertEquals(3, budget.usage(a, "assistant", LocalDate.parse("2026-03-01")).requests());
    }

    @Test
    void tokensAreHeldUntilSettledAndCancelGivesEverythingBack() {
        long a = account("budget_tok");
        AiBudget budget = new AiBudget(db, AiBudget.Config.defaults().withDefaultLimits(new BudgetLimits(100, 1_000)), Clock.systemUTC());
        Reservation r1 = assertInstanceOf(BudgetDecision.Granted.class, budget.reserve(a, "ask", 600)).reservation();
        // 600 held: 500 more do not fit
        BudgetDecision.Exceeded x = assertInstanceOf(BudgetDecision.Exceeded.class, budget.reserve(a, "ask", 500));
        assertEquals(BudgetDecision.Resource.TOKENS, x.resource());
        assertEquals("daily AI budget of 1000 tokens would be exceeded (600 used, this request may need 500); resets at 00:00 UTC",
                x.message());
        budget.settle(r1, 200);
        budget.settle(r1, 999); // a second settle changes nothing
        assertEquals(200, budget.usage(a, "ask").tokens());
        Reservation r2 = assertInstanceOf(BudgetDecision.Granted.class, budget.reserve(a, "ask", 800)).reservation();
        assertEquals(1_000, budget.usage(a, "ask").tokens());
        budget.cancel(r2);
        assertEquals(1, budget.usage(a, "ask").requests());
        assertEquals(200, budget.usage(a, "ask").tokens());
        budget.settle(r2, 5); // closed by cancel
        assertEquals(200, budget.usage(a, "ask").tokens());
        // more than the whole day's tokens in one request
        BudgetDecision.Exceeded big = assertInstanceOf(BudgetDecision.Exceeded.class, budget.reserve(a, "ask", 1_001));
        assertEquals(BudgetDecision.Resource.TOKENS, big.resource());
        // used up exactly
        Reservation r3 = assertInstanceOf(BudgetDecision.Granted.class, budget.reserve(a, "ask", 800)).reservation();
        budget.settle(r3, 800);
        BudgetDecision.Exceeded full = assertInstanceOf(BudgetDecision.Exceeded.class, budget.reserve(a, "ask", 1));
        assertEquals("daily AI budget of 1000 tokens used; resets at 00:00 UTC", full.message());
    }

    @Test
    void aFeatureWithZeroRequestsIsOff() {
        long a = account("budget_off");
        AiBudget budget = new AiBudget(db, AiBudget.Config.defaults().withFeature("compose", new BudgetLimits(0, 0)), Clock.systemUTC());
        BudgetDecision.Exceeded x = assertInstanceOf(BudgetDecision.Exceeded.class, budget.reserve(a, "compose", 0));
        assertEquals("daily AI budget of 0 requests used; resets at 00:00 UTC", x.message());
    }

    @Test
    void countsAreDurableAcrossInstances() {
        long a = account("budget_durable");
        AiBudget.Config cfg = AiBudget.Config.defaults().withFeature("assistant", new BudgetLimits(2, 10_000));
        AiBudget first = new AiBudget(db, cfg, Clock.systemUTC());
        first.settle(((BudgetDecision.Granted) first.reserve(a, "assistant", 10)).reservation(), 10);
        first.settle(((BudgetDecision.Granted) first.reserve(a, "assistant", 10)).reservation(), 10);
        AiBudget restarted = new AiBudget(db, cfg, Clock.systemUTC());
        assertFalse(restarted.reserve(a, "assistant", 10).granted());
        assertEquals(20, restarted.usage(a, "assistant").tokens());
    }

    @Test
    void concurrentReservationsNeverPassTheLimit() throws Exception {
        long a = account("budget_race");
        int limit = 37;
        AiBudget budget = new AiBudget(db, AiBudget.Config.defaults().withFeature("ask", new BudgetLimits(limit, 1_000_000)), Clock.systemUTC());
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        if (budget.reserve(a, "ask", 7).granted()) {
                            granted.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(limit, granted.get());
        assertEquals(limit, budget.usage(a, "ask").requests());
        assertEquals(limit * 7L, budget.usage(a, "ask").tokens());
    }

    @Test
    void configParsesAndRejectsWithReasons() {
        AiBudget.Config c = AiBudget.Config.parse("default=10/1000, assistant=20/20000");
        assertEquals(new BudgetLimits(10, 1000), c.limits("ask"));
        assertEquals(new BudgetLimits(20, 20000), c.limits("assistant"));
        assertEquals(AiBudget.Config.DEFAULT_LIMITS, AiBudget.Config.parse("").limits("ask"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AiBudget.Config.parse("assistant=20"));
        assertTrue(e.getMessage().contains("feature=requests/tokens"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AiBudget.Config.parse("assistant=x/1"));
        assertTrue(e.getMessage().contains("whole numbers"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AiBudget.Config.parse("Bad-Name=1/1"));
        assertTrue(e.getMessage().contains("feature must match"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AiBudget.Config.parse("ask=-1/1"));
        assertTrue(e.getMessage().contains("requestsPerDay must be"), e.getMessage());
        AiBudget budget = new AiBudget(db, c, Clock.systemUTC());
        assertThrows(IllegalArgumentException.class, () -> budget.reserve(1, "ask", -1));
        assertThrows(IllegalArgumentException.class, () -> budget.reserve(1, "ASK", 1));
    }
}
