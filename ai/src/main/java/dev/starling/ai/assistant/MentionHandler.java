package dev.starling.ai.assistant;

import dev.starling.ai.answers.AnswerSettings;
import dev.starling.ai.answers.CopySources;
import dev.starling.ai.backend.BackendError;
import dev.starling.ai.backend.BackendResult;
import dev.starling.ai.backend.ChatRequest;
import dev.starling.ai.backend.Completion;
import dev.starling.ai.backend.CopyEvidence;
import dev.starling.ai.backend.DeltaListener;
import dev.starling.ai.backend.SamplingParams;
import dev.starling.ai.budget.AiBudget;
import dev.starling.ai.budget.BudgetDecision;
import dev.starling.ai.budget.Reservation;
import dev.starling.ai.chat.ChatMessage;
import dev.starling.ai.registry.Feature;
import dev.starling.ai.registry.ModelLease;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Outcome;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.relationships.Relationship;
import dev.starling.social.relationships.Relationships;
import dev.starling.social.visibility.Viewer;
import dev.starling.social.visibility.Visibility;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Supplier;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one mention, start to end: checks (own post, bots, blocks and mutes, a thread hidden from the assistant),
 * the model lease, retrieval as the reply's audience, the prompt, the budget, generation with a token and time
 * limit and bounded retries, cleaning and splitting, and the exactly-once post-and-record transaction.
 * Thread-safe; one call per mention at a time is not required (the ledger decides).
 */
final class MentionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(MentionHandler.class);
    static final String BUDGET_FEATURE = Feature.ASSISTANT.apiName();
    /** Shortest a quoted post is cut to when fitting a small context. */
    static final int MIN_QUOTED_CHARS = 60;

    private final Social social;
    private final ModelRegistry models;
    private final AiBudget budget;
    private final GroundingRetriever retriever;
    private final ReplyPrompt prompt;
    private final MentionLedger ledger;
    private final AssistantConfig config;
    private final Account assistant;
    private final BooleanSupplier stopping;
    private final Supplier<OptionalDouble> copyWeight;

    /** With the copy weight fixed at {@code config.copyWeight()}. */
    MentionHandler(Social social, ModelRegistry models, AiBudget budget, GroundingRetriever retriever, ReplyPrompt prompt,
            MentionLedger ledger, AssistantConfig config, Account assistant, BooleanSupplier stopping) {
        this(social, models, budget, retriever, prompt, ledger, config, assistant, stopping, config::copyWeight);
    }

    /** @param copyWeight the operator's copy weight, read once per mention (empty: the rule by model) */
    MentionHandler(Social social, ModelRegistry models, AiBudget budget, GroundingRetriever retriever, ReplyPrompt prompt,
            MentionLedger ledger, AssistantConfig config, Account assistant, BooleanSupplier stopping, Supplier<OptionalDouble> copyWeight) {
        this.copyWeight = copyWeight;
        this.social = social;
        this.models = models;
        this.budget = budget;
        this.retriever = retriever;
        this.prompt = prompt;
        this.ledger = ledger;
        this.config = config;
        this.assistant = assistant;
        this.stopping = stopping;
    }

    MentionOutcome handle(long mentionId, Long outboxPosition) {
        Optional<String> recorded = ledger.outcomeOf(mentionId);
        if (recorded.isPresent()) {
            return new MentionOutcome.AlreadyHandled(mentionId, recorded.get());
        }
        Optional<Post> found = social.posts().get(assistant.id(), mentionId);
        if (found.isEmpty()) {
            long author = mentionerOf(mentionId);
            if (!exists(mentionId)) {
                return skip(mentionId, author, outboxPosition, "the mention was deleted before the assistant answered");
            }
            Relationship rel = social.database().withConnection(c -> Relationships.relationship(c, assistant.id(), author));
            return skip(mentionId, author, outboxPosition, rel.blockedBy() ? "the mentioning account blocks the assistant"
                    : rel.blocking() ? "the assistant blocks the mentioning account" : "the mention is not visible to the assistant");
        }
        Post mention = found.get();
        long mentionerId = mention.authorId();
        if (mentionerId == assistant.id()) {
            return skip(mentionId, mentionerId, outboxPosition, "the assistant never answers its own posts");
        }
        if (mention.isReblog()) {
            return skip(mentionId, mentionerId, outboxPosition, "a repost is not a mention");
        }
        Optional<Account> mentioner = social.accounts().byId(mentionerId);
        if (mentioner.isEmpty()) {
            return skip(mentionId, mentionerId, outboxPosition, "the mentioning account no longer exists");
        }
        if (mentioner.get().bot() && !config.answerBots()) {
            return skip(mentionId, mentionerId, outboxPosition, "mentions by bot accounts are not answered (no bot loops)");
        }
        Checked checked = social.database().withConnection(c -> check(c, mention));
        if (checked.refusal() != null) {
            return skip(mentionId, mentionerId, outboxPosition, checked.refusal());
        }
        Audience audience = checked.audience();
        ModelLease lease = switch (models.acquire(Feature.ASSISTANT)) {
            case ModelRegistry.Acquired.Ready r -> r.lease();
            case ModelRegistry.Acquired.NotReady n -> null;
        };
        if (lease == null) {
            return new MentionOutcome.Deferred(mentionId, "no model is ready for the assistant: " + models.status());
        }
        try (lease) {
            return answer(mention, mentioner.get(), audience, lease, outboxPosition);
        }
    }

    private MentionOutcome answer(Post mention, Account mentioner, Audience audience, ModelLease lease, Long outboxPosition) {
        long mentionId = mention.id();
        String prefix = "@" + mentioner.username() + " ";
        int maxWeighted = social.posts().rules().maxWeightedLength();
        GroundingRetriever.Grounding grounding = retriever.retrieve(mention, audience);
        // fit the prompt and the answer in the model's context
        int context = lease.entry().contextTokens();
        int maxTokens = Math.min(config.maxTokens(), Math.max(1, context / 4));
        int replyChars = maxWeighted - prefix.length(); // one post; longer text becomes a short thread
        // fit: fewer quoted posts (a smaller character budget), then the short prompt, then shorter quotes
        String promptName = ReplyPrompt.NAME;
        int charBudget = config.maxPromptChars();
        int quotedChars = config.maxQuotedChars();
        ReplyPrompt.Rendered rendered = prompt.render(promptName, assistant.username(), mention, grounding, replyChars, charBudget,
                quotedChars);
        int promptTokens = lease.promptTokens(rendered.messages());
        while (promptTokens + maxTokens > context) {
            if (charBudget > 200) {
                charBudget = Math.max(200, charBudget * 3 / 4);
            } else if (promptName.equals(ReplyPrompt.NAME) && compactPromptExists()) {
                promptName = ReplyPrompt.COMPACT;
                charBudget = config.maxPromptChars();
            } else if (quotedChars > MIN_QUOTED_CHARS) {
                quotedChars = Math.max(MIN_QUOTED_CHARS, quotedChars / 2);
            } else {
                break;
            }
            rendered = prompt.render(promptName, assistant.username(), mention, grounding, replyChars, charBudget, quotedChars);
            promptTokens = lease.promptTokens(rendered.messages());
        }
        MentionLedger.ReplyMeta meta = new MentionLedger.ReplyMeta(mentionId, mentioner.id(), audience.replyVisibility(),
                mention.language(), rendered.quotedPostIds(), lease.modelId(), rendered.prompt().toString(), 0, promptTokens, 0, 0,
                outboxPosition);
        if (promptTokens + maxTokens > context) {
            return fail(meta, 0, "the prompt is " + promptTokens + " tokens and does not fit the model's context of " + context
                    + " with " + maxTokens + " tokens to answer");
        }
        Reservation reservation;
        switch (budget.reserve(mentioner.id(), BUDGET_FEATURE, Math.min(AiBudget.MAX_RESERVE_TOKENS, promptTokens + maxTokens))) {
            case BudgetDecision.Granted g -> reservation = g.reservation();
            case BudgetDecision.Exceeded x -> {
                return limitReached(meta, mentioner, x);
            }
        }
        // copy-augmented decoding from the quoted thread and related posts: the configured weight, or the same rule as Ask
        // (in-process models trained by Starling only); remote models never copy
        double copyWeight = AnswerSettings.copyWeightFor(lease.entry(), this.copyWeight.get());
        CopyEvidence copy = copyWeight > 0 && !rendered.evidence().isEmpty() ? CopySources.evidence(rendered.evidence(), copyWeight) : null;
        Generated gen = generate(rendered.messages(), lease, maxTokens, mentionId, ReplyText.LinkPolicy.of(config.instanceBaseUrl(),
                new HashSet<>(rendered.quotedPostIds()), rendered.evidence()), copy);
        if (gen.interrupted()) {
            budget.cancel(reservation); // answered again after the next start, charged then
        } else {
            budget.settle(reservation, gen.tokensUsed());
        }
        MentionLedger.ReplyMeta done = new MentionLedger.ReplyMeta(mentionId, mentioner.id(), audience.replyVisibility(),
                mention.language(), rendered.quotedPostIds(), lease.modelId(), rendered.prompt().toString(), gen.attempts(),
                gen.promptTokens(), gen.completionTokens(), gen.millis(), outboxPosition);
        if (gen.text() == null) {
            if (gen.interrupted()) {
                return new MentionOutcome.Deferred(mentionId, gen.failure());
            }
            return fail(done, gen.attempts(), gen.failure());
        }
        List<String> parts = ReplyText.split(gen.text(), prefix, maxWeighted, config.maxReplyPosts());
        Outcome<MentionOutcome> posted = ledger.postReply(done, parts);
        if (posted instanceof Outcome.Rejected<MentionOutcome> r) {
            return skipMeta(done, "the reply could not be posted: " + r.rejection().message());
        }
        return posted.orThrow();
    }

    /**
     * The mentioner's daily budget is spent: a notice instead of an answer (once per account and day; see
     * {@link MentionLedger#recordLimitNotice}), or, when the notice cannot be posted, a plain skip.
     */
    private MentionOutcome limitReached(MentionLedger.ReplyMeta meta, Account mentioner, BudgetDecision.Exceeded x) {
        String text = limitNoticeText(mentioner.username(), x, social.settings().clock().instant());
        Outcome<MentionOutcome> o = ledger.recordLimitNotice(meta, x.message(), x.day(), text);
        if (o instanceof Outcome.Rejected<MentionOutcome> r) {
            return skipMeta(meta, x.message() + "; the daily-limit notice could not be posted: " + r.rejection().message());
        }
        MentionOutcome done = o.orThrow();
        LOG.debug("assistant: mention {}: {}", meta.mentionPostId(), done);
        return done;
    }

    /**
     * The daily-limit notice, model-free and short: {@code @dan You have reached the assistant's daily limit (20
     * requests), so this mention gets no answer. It resets at 00:00 UTC, in 3 h 20 min.}
     */
    static String limitNoticeText(String username, BudgetDecision.Exceeded x, Instant now) {
        long minutes = Math.max(1, (Duration.between(now, x.resetsAt()).toSeconds() + 59) / 60);
        String in = minutes >= 60 ? (minutes / 60) + " h " + (minutes % 60) + " min" : minutes + " min";
        String what = x.limit() == 0 ? "The assistant does not answer mentions from accounts here, so this mention gets no answer."
                : "You have reached the assistant's daily limit (" + x.limit() + " "
                + (x.resource() == BudgetDecision.Resource.REQUESTS ? "requests" : "tokens") + "), so this mention gets no answer.";
        return "@" + username + " " + what + " It resets at 00:00 UTC, in " + in + ".";
    }

    /** Whether the short prompt can be read (an operator's prompts directory may break it; then the full one is all). */
    private boolean compactPromptExists() {
        try {
            prompt.check(ReplyPrompt.COMPACT);
            return true;
        } catch (dev.starling.ai.prompts.PromptException e) {
            LOG.warn("assistant: the short prompt {} cannot be used: {}", ReplyPrompt.COMPACT, e.getMessage());
            return false;
        }
    }

    /** The model's cleaned text, or why there is none, and what it cost. */
    private record Generated(String text, String failure, boolean interrupted, int attempts, int promptTokens, int completionTokens,
            long millis) {
        int tokensUsed() {
            return promptTokens + completionTokens;
        }
    }

    /** @param copy the evidence to mix into the model's distribution, or null for the model alone */
    private Generated generate(List<ChatMessage> messages, ModelLease lease, int maxTokens, long mentionId, ReplyText.LinkPolicy links,
            CopyEvidence copy) {
        int promptTokens = 0;
        int completionTokens = 0;
        long t0 = System.nanoTime();
        String lastFailure = "no attempt was made";
        long backoff = config.retryBackoffMillis();
        for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
            if (stopping.getAsBoolean()) {
                return new Generated(null, "the assistant is stopping", true, attempt - 1, promptTokens, completionTokens, millis(t0));
            }
            long deadline = System.nanoTime() + config.generationTimeoutMillis() * 1_000_000L;
            SamplingParams sampling = SamplingParams.defaults(maxTokens).withTemperature(config.temperature())
                    .withSeed(mentionId * 31 + attempt);
            BackendResult<Completion> r;
            try {
                ChatRequest request = new ChatRequest(lease.modelId(), messages, sampling);
                r = lease.backend().chat(copy == null ? request : request.withCopy(copy), new DeltaListener() {
                    @Override
                    public void onDelta(String text) {
                    }

                    @Override
                    public boolean cancelled() {
                        return System.nanoTime() > deadline || stopping.getAsBoolean();
                    }
                });
            } catch (RuntimeException e) {
                r = BackendResult.err(new BackendError(BackendError.Kind.INTERNAL, "the backend threw " + e, null));
            }
            switch (r) {
                case BackendResult.Ok<Completion> ok -> {
                    promptTokens += ok.value().usage().promptTokens();
                    completionTokens += ok.value().usage().completionTokens();
                    if (stopping.getAsBoolean()) {
                        return new Generated(null, "the assistant stopped during generation", true, attempt, promptTokens,
                                completionTokens, millis(t0));
                    }
                    String raw = ok.value().text();
                    // more than the reply posts can hold is cut before cleaning (cleaning and splitting cost grows with it)
                    int cap = 4 * social.posts().rules().maxWeightedLength() * config.maxReplyPosts();
                    String text = ReplyText.clean(raw.length() > cap ? raw.substring(0, cap) : raw, links);
                    if (!text.isEmpty()) {
                        return new Generated(text, null, false, attempt, promptTokens, completionTokens, millis(t0));
                    }
                    lastFailure = "the model's reply was empty once links, mentions and control text were removed";
                }
                case BackendResult.Err<Completion> err -> {
                    BackendError e = err.error();
                    lastFailure = e.kind() + ": " + e.message();
                    if (!retryable(e.kind())) {
                        return new Generated(null, lastFailure, false, attempt, promptTokens, completionTokens, millis(t0));
                    }
                }
            }
            LOG.debug("assistant: attempt {} for mention {} failed: {}", attempt, mentionId, lastFailure);
            if (attempt < config.maxAttempts() && backoff > 0) {
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Generated(null, "interrupted", true, attempt, promptTokens, completionTokens, millis(t0));
                }
                backoff = Math.min(backoff * 2, 60_000);
            }
        }
        return new Generated(null, config.maxAttempts() + " attempt(s) failed; last: " + lastFailure, false, config.maxAttempts(),
                promptTokens, completionTokens, millis(t0));
    }

    private static boolean retryable(BackendError.Kind kind) {
        return switch (kind) {
            case OVERLOADED, UPSTREAM, UNAVAILABLE, INTERNAL -> true;
            case INVALID_REQUEST, CONTEXT_LENGTH_EXCEEDED, MODEL_NOT_FOUND, UNSUPPORTED -> false;
        };
    }

    /** Either why the assistant must not answer, or the reply's audience. */
    private record Checked(String refusal, Audience audience) {
    }

    private Checked check(Connection c, Post mention) throws SQLException {
        long a = assistant.id();
        long m = mention.authorId();
        Relationship rel = Relationships.relationship(c, a, m);
        if (rel.blockedBy()) {
            return new Checked("the mentioning account blocks the assistant", null);
        }
        if (rel.blocking()) {
            return new Checked("the assistant blocks the mentioning account", null);
        }
        if (rel.muting()) {
            return new Checked("the assistant mutes the mentioning account", null);
        }
        Set<Long> avoid = ids(c, "SELECT target_id FROM blocks WHERE account_id = ?1 UNION SELECT account_id FROM blocks WHERE target_id = ?1"
                + " UNION SELECT target_id FROM mutes WHERE account_id = ?1", a);
        // a thread started or continued by someone who blocks the assistant (or whom it blocks or mutes) is hidden from it;
        // a followers-only parent it merely cannot see is not: the reply then goes to the mentioner alone
        for (Long id : new Long[] {mention.inReplyToId(), mention.threadRootId()}) {
            Long author = id == null ? null : authorIn(c, id);
            if (author != null && avoid.contains(author)) {
                return new Checked("the thread is hidden from the assistant (post " + id + " by an account that blocks it or that it"
                        + " blocks or mutes)", null);
            }
        }
        Viewer mentioner = Visibility.viewer(c, m);
        Set<Long> mentionerMutes = ids(c, "SELECT target_id FROM mutes WHERE account_id = ?", m);
        PostVisibility reply = Audience.replyVisibility(mention.visibility());
        return new Checked(null, new Audience(reply, mentioner, mentionerMutes, avoid));
    }

    private static Set<Long> ids(Connection c, String sql, long id) throws SQLException {
        Set<Long> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql.replace("?1", Long.toString(id)))) {
            if (!sql.contains("?1")) {
                ps.setLong(1, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    private static Long authorIn(Connection c, long postId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT author_id FROM posts WHERE id = ?")) {
            ps.setLong(1, postId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private boolean exists(long postId) {
        return social.database().withConnection(c -> existsIn(c, postId));
    }

    private static boolean existsIn(Connection c, long postId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM posts WHERE id = ?")) {
            ps.setLong(1, postId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private long mentionerOf(long postId) {
        return social.database().withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT author_id FROM posts WHERE id = ?")) {
                ps.setLong(1, postId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /**
     * Records a mention whose handling kept throwing (a bug, an operator's prompt file that no longer renders) as
     * failed, so that it stops holding a worker and the outbox checkpoint.
     */
    MentionOutcome recordError(long mentionId, Long outboxPosition, int attempts, String reason) {
        return fail(new MentionLedger.ReplyMeta(mentionId, mentionerOf(mentionId), null, null, List.of(), null, null, attempts, 0, 0, 0,
                outboxPosition), attempts, reason);
    }

    private MentionOutcome skip(long mentionId, long mentionerId, Long outboxPosition, String reason) {
        return skipMeta(new MentionLedger.ReplyMeta(mentionId, mentionerId, null, null, List.of(), null, null, 0, 0, 0, 0, outboxPosition),
                reason);
    }

    private MentionOutcome skipMeta(MentionLedger.ReplyMeta meta, String reason) {
        if (!ledger.recordWithoutReply(meta, "skipped", reason)) {
            return new MentionOutcome.AlreadyHandled(meta.mentionPostId(), ledger.outcomeOf(meta.mentionPostId()).orElse("unknown"));
        }
        LOG.debug("assistant: mention {} skipped: {}", meta.mentionPostId(), reason);
        return new MentionOutcome.Skipped(meta.mentionPostId(), reason);
    }

    private MentionOutcome fail(MentionLedger.ReplyMeta meta, int attempts, String reason) {
        if (!ledger.recordWithoutReply(meta, "failed", reason)) {
            return new MentionOutcome.AlreadyHandled(meta.mentionPostId(), ledger.outcomeOf(meta.mentionPostId()).orElse("unknown"));
        }
        LOG.warn("assistant: mention {} failed after {} attempt(s): {}", meta.mentionPostId(), attempts, reason);
        return new MentionOutcome.Failed(meta.mentionPostId(), attempts, reason);
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
