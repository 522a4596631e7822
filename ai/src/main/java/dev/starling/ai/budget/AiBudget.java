package dev.starling.ai.budget;

import dev.starling.social.db.Database;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Per-account daily budgets of AI requests and tokens, per feature ({@code ask}, {@code assistant},
 * {@code explain}, ...), durable in {@code ai_budget_usage} (day, account, feature, requests, tokens).
 *
 * <pre>{@code
 * AiBudget budget = new AiBudget(db, AiBudget.Config.defaults().withFeature("assistant", new BudgetLimits(20, 20_000)), Clock.systemUTC());
 * switch (budget.reserve(accountId, "ask", promptTokens + maxTokens)) {
 *     case BudgetDecision.Granted g -> {
 *         try { Completion c = ...generate...; budget.settle(g.reservation(), c.usage().totalTokens()); }
 *         catch (RuntimeException e) { budget.settle(g.reservation(), tokensSpentSoFar); throw e; }
 *     }
 *     case BudgetDecision.Exceeded x -> respond429(x.message());   // "daily AI budget of 200 requests used; resets at 00:00 UTC"
 * }
 * }</pre>
 *
 * <p>{@link #reserve} is check-and-reserve in one conditional upsert: concurrent callers (threads or
 * processes) never push an account past its limit. It holds one request and the caller's worst-case
 * token count; {@link #settle} replaces the held tokens with the tokens really used, {@link #cancel}
 * gives back the request and the tokens when nothing was generated. Days are UTC; budgets reset at
 * 00:00 UTC. Thread-safe.
 */
public final class AiBudget {

    public static final Pattern FEATURE = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    /** Most tokens one reservation may hold. */
    public static final int MAX_RESERVE_TOKENS = 1_000_000;

    /**
     * Limits for every feature ({@code defaultLimits}) and per-feature overrides.
     */
    public record Config(BudgetLimits defaultLimits, Map<String, BudgetLimits> perFeature) {

        /** 100 requests and 100,000 tokens per account, feature and day. */
        public static final BudgetLimits DEFAULT_LIMITS = new BudgetLimits(100, 100_000);

        public Config {
            Objects.requireNonNull(defaultLimits, "defaultLimits");
            perFeature.keySet().forEach(AiBudget::checkFeature);
            perFeature = Map.copyOf(perFeature);
        }

        public static Config defaults() {
            return new Config(DEFAULT_LIMITS, Map.of());
        }

        public Config withDefaultLimits(BudgetLimits limits) {
            return new Config(limits, perFeature);
        }

        public Config withFeature(String feature, BudgetLimits limits) {
            Map<String, BudgetLimits> m = new LinkedHashMap<>(perFeature);
            m.put(feature, limits);
            return new Config(defaultLimits, m);
        }

        public BudgetLimits limits(String feature) {
            return perFeature.getOrDefault(feature, defaultLimits);
        }

        /**
         * Parses an operator's setting such as {@code "default=100/100000,assistant=20/20000"}: per feature
         * (or {@code default}), requests per day and tokens per day. Unnamed features keep {@link #DEFAULT_LIMITS}
         * unless {@code default} is given.
         *
         * @throws IllegalArgumentException naming the entry and what is wrong with it
         */
        public static Config parse(String spec) {
            Config c = defaults();
            if (spec == null || spec.isBlank()) {
                return c;
            }
            if (spec.length() > 4096) {
                throw new IllegalArgumentException("AI budget setting is " + spec.length() + " characters, at most 4096");
            }
            for (String entry : spec.split(",")) {
                String e = entry.strip();
                int eq = e.indexOf('=');
                int slash = e.indexOf('/', Math.max(eq, 0));
                if (eq < 1 || slash < 0) {
                    throw new IllegalArgumentException("AI budget entry '" + e + "' must look like feature=requests/tokens, e.g. assistant=20/20000");
                }
                String name = e.substring(0, eq).strip();
                BudgetLimits limits;
                try {
                    limits = new BudgetLimits(Integer.parseInt(e.substring(eq + 1, slash).strip()),
                            Long.parseLong(e.substring(slash + 1).strip()));
                } catch (NumberFormatException x) {
                    throw new IllegalArgumentException("AI budget entry '" + e + "': requests and tokens must be whole numbers");
                } catch (IllegalArgumentException x) {
                    throw new IllegalArgumentException("AI budget entry '" + e + "': " + x.getMessage());
                }
                c = name.equals("default") ? c.withDefaultLimits(limits) : c.withFeature(checkFeatureArg(name, e), limits);
            }
            return c;
        }

        private static String checkFeatureArg(String name, String entry) {
            if (!FEATURE.matcher(name).matches()) {
                throw new IllegalArgumentException("AI budget entry '" + entry + "': feature must match " + FEATURE.pattern());
            }
            return name;
        }
    }

    private final Database db;
    private final Config config;
    private final Clock clock;

    public AiBudget(Database db, Config config, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Config config() {
        return config;
    }

    /** Today's UTC day by this budget's clock. */
    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    /**
     * Reserves one request and {@code tokens} tokens (the generation's worst case: prompt plus max_tokens) of
     * {@code accountId}'s budget for {@code feature} today, or says which limit does not allow it.
     */
    public BudgetDecision reserve(long accountId, String feature, int tokens) {
        checkFeature(feature);
        if (tokens < 0 || tokens > MAX_RESERVE_TOKENS) {
            throw new IllegalArgumentException("tokens to reserve must be 0.." + MAX_RESERVE_TOKENS + ", was " + tokens);
        }
        BudgetLimits limits = config.limits(feature);
        LocalDate day = today();
        if (limits.requestsPerDay() < 1) {
            return exceeded(BudgetDecision.Resource.REQUESTS, limits.requestsPerDay(), 0, tokens, day);
        }
        if (tokens > limits.tokensPerDay()) {
            return exceeded(BudgetDecision.Resource.TOKENS, limits.tokensPerDay(), 0, tokens, day);
        }
        long[] after = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO ai_budget_usage AS u (day, account_id, feature, requests, tokens) VALUES (?, ?, ?, 1, ?)
                    ON CONFLICT (day, account_id, feature) DO UPDATE SET requests = u.requests + 1, tokens = u.tokens + excluded.tokens
                    WHERE u.requests + 1 <= ? AND u.tokens + excluded.tokens <= ?
                    RETURNING requests, tokens""")) {
                ps.setDate(1, Date.valueOf(day));
                ps.setLong(2, accountId);
                ps.setString(3, feature);
                ps.setLong(4, tokens);
                ps.setInt(5, limits.requestsPerDay());
                ps.setLong(6, limits.tokensPerDay());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
                }
            }
        });
        if (after != null) {
            return new BudgetDecision.Granted(new Reservation(accountId, feature, day, tokens));
        }
        BudgetUsage used = usage(accountId, feature, day);
        if (used.requests() + 1 > limits.requestsPerDay()) {
            return exceeded(BudgetDecision.Resource.REQUESTS, limits.requestsPerDay(), used.requests(), tokens, day);
        }
        return exceeded(BudgetDecision.Resource.TOKENS, limits.tokensPerDay(), used.tokens(), tokens, day);
    }

    /** Replaces the reservation's held tokens with {@code usedTokens} (the request stays counted). */
    public void settle(Reservation r, int usedTokens) {
        if (usedTokens < 0) {
            throw new IllegalArgumentException("used tokens must be >= 0, was " + usedTokens);
        }
        if (r.close()) {
            adjust(r, 0, (long) usedTokens - r.reservedTokens());
        }
    }

    /** Gives back the request and its held tokens: nothing was generated (e.g. the work turned out unnecessary). */
    public void cancel(Reservation r) {
        if (r.close()) {
            adjust(r, -1, -r.reservedTokens());
        }
    }

    /** What {@code accountId} used of {@code feature} today. */
    public BudgetUsage usage(long accountId, String feature) {
        checkFeature(feature);
        return usage(accountId, feature, today());
    }

    /** What {@code accountId} used of {@code feature} on {@code day}. */
    public BudgetUsage usage(long accountId, String feature, LocalDate day) {
        checkFeature(feature);
        return db.withConnection(c -> read(c, accountId, feature, day));
    }

    private BudgetUsage read(Connection c, long accountId, String feature, LocalDate day) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT requests, tokens FROM ai_budget_usage WHERE day = ? AND account_id = ? AND feature = ?")) {
            ps.setDate(1, Date.valueOf(day));
            ps.setLong(2, accountId);
            ps.setString(3, feature);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new BudgetUsage(accountId, feature, day, rs.getInt(1), rs.getLong(2), config.limits(feature))
                        : new BudgetUsage(accountId, feature, day, 0, 0, config.limits(feature));
            }
        }
    }

    private void adjust(Reservation r, int requests, long tokens) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE ai_budget_usage SET requests = greatest(0, requests + ?), tokens = greatest(0, tokens + ?)
                    WHERE day = ? AND account_id = ? AND feature = ?""")) {
                ps.setInt(1, requests);
                ps.setLong(2, tokens);
                ps.setDate(3, Date.valueOf(r.day()));
                ps.setLong(4, r.accountId());
                ps.setString(5, r.feature());
                return ps.executeUpdate();
            }
        });
    }

    private static BudgetDecision.Exceeded exceeded(BudgetDecision.Resource resource, long limit, long used, int asked, LocalDate day) {
        Instant resetsAt = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        String what = resource == BudgetDecision.Resource.REQUESTS ? "requests" : "tokens";
        String message;
        if (resource == BudgetDecision.Resource.REQUESTS || used >= limit) {
            message = "daily AI budget of " + limit + " " + what + " used; resets at 00:00 UTC";
        } else {
            message = "daily AI budget of " + limit + " tokens would be exceeded (" + used + " used, this request may need "
                    + asked + "); resets at 00:00 UTC";
        }
        return new BudgetDecision.Exceeded(message, resource, limit, used, day, resetsAt);
    }

    static String checkFeature(String feature) {
        if (feature == null || !FEATURE.matcher(feature).matches()) {
            throw new IllegalArgumentException("feature must match " + FEATURE.pattern() + ", was " + feature);
        }
        return feature;
    }
}
