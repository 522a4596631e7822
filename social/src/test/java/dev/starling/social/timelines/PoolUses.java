package dev.starling.social.timelines;

import com.zaxxer.hikari.metrics.IMetricsTracker;
import dev.starling.social.db.Database;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the connections a {@link Database}'s pool hands out (Hikari's metrics tracker): every query of
 * this codebase (withConnection, read, inTransaction, the change feed's sync markers) takes one, so none
 * taken means no database round trip. The change feed's own listening connection is outside the pool.
 */
final class PoolUses {

    private final LongAdder acquired = new LongAdder();

    /** Starts counting on {@code db} (once per database: Hikari takes one tracker). */
    PoolUses(Database db) {
        db.hikari().setMetricsTrackerFactory((poolName, stats) -> new IMetricsTracker() {
            @Override
            public void recordConnectionAcquiredNanos(long elapsedAcquiredNanos) {
                acquired.increment();
            }
        });
    }

    long count() {
        return acquired.sum();
    }
}
