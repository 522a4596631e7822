package dev.starling.social.db;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The exit hook's wait for the application's hooks ({@link EmbeddedDatabase#awaitHooks}) when the JVM starts the
 * application's hook after PostgreSQL's: a plain join() on a thread not yet started returned at once, and PostgreSQL
 * stopped while serve's threads still used it (seen in a demo run's log as "terminating connection due to
 * administrator command").
 */
class EmbeddedHookWaitTest {

    @Test
    void waitsForAHookThatIsStartedLaterAndThenForItsEnd() throws Exception {
        AtomicBoolean hookDone = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            sleep(300);
            hookDone.set(true);
        }, "application-shutdown");
        AtomicBoolean doneWhenWaitEnded = new AtomicBoolean();
        Thread postgresHook = new Thread(() -> {
            EmbeddedDatabase.awaitHooks(List.of(hook), 5_000, 10_000);
            doneWhenWaitEnded.set(hookDone.get());
        }, "postgres-stop");
        postgresHook.start(); // PostgreSQL's hook runs first ...
        sleep(200);
        hook.start(); // ... and the application's is started 200 ms later
        postgresHook.join(15_000);
        assertTrue(doneWhenWaitEnded.get(), "PostgreSQL's hook went on before the application's hook had ended");
    }

    @Test
    void aHookNeverStartedDelaysTheStopOnlyByTheStartWait() {
        Thread never = new Thread(() -> { }, "never-registered");
        long t0 = System.nanoTime();
        EmbeddedDatabase.awaitHooks(List.of(never), 100, 10_000);
        long tookMillis = (System.nanoTime() - t0) / 1_000_000L;
        assertTrue(tookMillis >= 100 && tookMillis < 5_000, "took " + tookMillis + " ms");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
