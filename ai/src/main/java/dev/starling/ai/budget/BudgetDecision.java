package dev.starling.ai.budget;

import java.time.Instant;
import java.time.LocalDate;

/** The answer to {@link AiBudget#reserve}: go ahead with a {@link Reservation}, or the budget is spent and why. */
public sealed interface BudgetDecision {

    /** The request and its tokens are reserved; {@link AiBudget#settle} the reservation when the generation ends. */
    record Granted(Reservation reservation) implements BudgetDecision {
    }

    /**
     * The account's daily budget for the feature does not allow this request.
     *
     * @param message  for people, e.g. "daily AI budget of 50 requests used; resets at 00:00 UTC"
     * @param resource which limit: requests or tokens
     * @param limit    that limit
     * @param used     what was used of it today
     * @param resetsAt the next 00:00 UTC
     */
    record Exceeded(String message, Resource resource, long limit, long used, LocalDate day, Instant resetsAt)
            implements BudgetDecision {
    }

    enum Resource { REQUESTS, TOKENS }

    default boolean granted() {
        return this instanceof Granted;
    }
}
