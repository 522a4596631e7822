package dev.starling.ai.budget;

import java.time.LocalDate;

/** What an account used of one feature's budget on one UTC day, beside its limits. */
public record BudgetUsage(long accountId, String feature, LocalDate day, int requests, long tokens, BudgetLimits limits) {

    public int requestsLeft() {
        return Math.max(0, limits.requestsPerDay() - requests);
    }

    public long tokensLeft() {
        return Math.max(0, limits.tokensPerDay() - tokens);
    }
}
