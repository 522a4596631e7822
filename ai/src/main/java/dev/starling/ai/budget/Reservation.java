package dev.starling.ai.budget;

import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One granted request: counted on {@code day} (the UTC day it was reserved, even if it settles after
 * midnight) with {@code reservedTokens} tokens held until {@link AiBudget#settle} or {@link AiBudget#cancel}.
 * Settling or cancelling twice has no further effect.
 */
public final class Reservation {

    private final long accountId;
    private final String feature;
    private final LocalDate day;
    private final int reservedTokens;
    private final AtomicBoolean closed = new AtomicBoolean();

    Reservation(long accountId, String feature, LocalDate day, int reservedTokens) {
        this.accountId = accountId;
        this.feature = feature;
        this.day = day;
        this.reservedTokens = reservedTokens;
    }

    public long accountId() {
        return accountId;
    }

    public String feature() {
        return feature;
    }

    public LocalDate day() {
        return day;
    }

    public int reservedTokens() {
        return reservedTokens;
    }

    /** True the first time only: whoever gets true applies the settlement. */
    boolean close() {
        return closed.compareAndSet(false, true);
    }

    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "Reservation[" + feature + " for account " + accountId + " on " + day + ", " + reservedTokens + " tokens]";
    }
}
