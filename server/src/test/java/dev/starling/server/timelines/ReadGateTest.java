package dev.starling.server.timelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.server.http.ApiException;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The timeline read gate: never more reads at once than its permits, a clear 503 after the timeout, permits always returned. */
class ReadGateTest {

    @Test
    void neverMoreReadsAtOnceThanItsPermits() throws Exception {
        ReadGate gate = new ReadGate(2, 10_000);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Handler read = gate.gated(ctx -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            Thread.sleep(30);
            running.decrementAndGet();
            done.incrementAndGet();
        });
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    read.handle(null);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertEquals(8, done.get(), "every read ran");
        assertEquals(2, most.get(), "two at once, never more");
    }

    @Test
    void aReadThatWaitsTooLongIsToldTheServerIsBusyAndFailuresReturnTheirPermit() throws Exception {
        ReadGate gate = new ReadGate(1, 100);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofVirtual().start(() -> {
            try {
                gate.gated(ctx -> {
                    holding.countDown();
                    release.await(10, TimeUnit.SECONDS);
                }).handle(null);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(holding.await(10, TimeUnit.SECONDS));
        ApiException busy = assertThrows(ApiException.class, () -> gate.gated(ctx -> { }).handle(null));
        assertEquals(503, busy.status());
        assertTrue(busy.getMessage().contains("busy") && busy.getMessage().contains("100 ms"), busy.getMessage());
        assertEquals("1", busy.headers().get("Retry-After"));
        release.countDown();
        holder.join(10_000);
        // a read that fails still gives its permit back: the next one runs
        assertThrows(IllegalStateException.class, () -> gate.gated(ctx -> {
            throw new IllegalStateException("boom");
        }).handle(null));
        AtomicInteger ran = new AtomicInteger();
        gate.gated(ctx -> ran.incrementAndGet()).handle(null);
        assertEquals(1, ran.get());
        assertThrows(IllegalArgumentException.class, () -> new ReadGate(0, 100));
    }

    @Test
    void permitsComeFromTheCoresOrTheSystemProperty() {
        assertEquals(Math.max(2, 2 * Runtime.getRuntime().availableProcessors()), ReadGate.permits(null));
        assertEquals(6, ReadGate.permits(" 6 "));
        assertEquals(Integer.MAX_VALUE, ReadGate.permits("0"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReadGate.permits("-1"));
        assertTrue(e.getMessage().contains("readPermits") && e.getMessage().contains("'-1'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReadGate.permits("four"));
    }
}
