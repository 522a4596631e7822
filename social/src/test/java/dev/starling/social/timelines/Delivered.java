package dev.starling.social.timelines;

import static org.junit.jupiter.api.Assertions.fail;

import dev.starling.social.changes.Kind;
import dev.starling.social.db.Database;
import java.sql.PreparedStatement;
import java.util.concurrent.TimeUnit;

/**
 * Waits until what another process (a second {@link Database} on the same PostgreSQL, or plain SQL)
 * committed has been delivered to this process's change listeners: it touches a sentinel account from
 * the other process and waits for that ACCOUNT change here. PostgreSQL delivers notifications in commit
 * order, so every change committed before it has been delivered by then. Subscribe it after the caches
 * under test (listeners run in subscription order).
 */
final class Delivered {

    private static final long TIMEOUT_MILLIS = 10_000;

    private final Database other;
    private final long sentinelAccountId;
    private final Object lock = new Object();
    private long seen;
    private long sent;

    Delivered(Database here, Database other, long sentinelAccountId) {
        this.other = other;
        this.sentinelAccountId = sentinelAccountId;
        here.changes().subscribe(change -> {
            if (change.kind() == Kind.ACCOUNT && change.first() == sentinelAccountId) {
                synchronized (lock) {
                    seen++;
                    lock.notifyAll();
                }
            }
        });
    }

    /** Blocks until every change the other process committed so far has reached this process's listeners. */
    void await() {
        other.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET updated_at = now() WHERE id = ?")) {
                ps.setLong(1, sentinelAccountId);
                ps.executeUpdate();
            }
            return null;
        });
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        synchronized (lock) {
            sent++;
            while (seen < sent) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("the other process's changes were not delivered within " + TIMEOUT_MILLIS + " ms");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    fail("interrupted while waiting for delivery");
                }
            }
        }
    }
}
