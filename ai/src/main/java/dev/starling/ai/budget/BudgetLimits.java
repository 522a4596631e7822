package dev.starling.ai.budget;

/**
 * What one account may spend on one AI feature per UTC day.
 *
 * @param requestsPerDay generations per day (0 turns the feature off for accounts), at most 1,000,000
 * @param tokensPerDay   prompt plus completion tokens per day, at most 1,000,000,000
 */
public record BudgetLimits(int requestsPerDay, long tokensPerDay) {

    public static final int MAX_REQUESTS_PER_DAY = 1_000_000;
    public static final long MAX_TOKENS_PER_DAY = 1_000_000_000L;

    public BudgetLimits {
        if (requestsPerDay < 0 || requestsPerDay > MAX_REQUESTS_PER_DAY) {
            throw new IllegalArgumentException("requestsPerDay must be 0.." + MAX_REQUESTS_PER_DAY + ", was " + requestsPerDay);
        }
        if (tokensPerDay < 0 || tokensPerDay > MAX_TOKENS_PER_DAY) {
            throw new IllegalArgumentException("tokensPerDay must be 0.." + MAX_TOKENS_PER_DAY + ", was " + tokensPerDay);
        }
    }
}
