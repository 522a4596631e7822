package dev.starling.ai.assistant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.ai.answers.CopyWeightSetting;
import dev.starling.ai.budget.AiBudget;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.registry.Feature;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.search.PostSearch;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.outbox.EventType;
import dev.starling.social.outbox.Outbox;
import dev.starling.social.outbox.OutboxEvent;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assistant account at work: an outbox consumer ({@value #CONSUMER}) that finds new posts mentioning the
 * assistant and answers each exactly once, in its thread.
 *
 * <pre>{@code
 * AssistantService assistant = AssistantService.create(social, registry, search.search(), budget, prompts,
 *         AssistantConfig.defaults().withInstanceBaseUrl("https://starling.example"));
 * assistant.start();            // dispatcher + workers
 * assistant.stats();            // backlog, queued, in flight, replied/failed/skipped
 * assistant.close();            // stops; unfinished mentions are answered after the next start
 * }</pre>
 *
 * <p>Flow control: one dispatcher thread reads the outbox after the consumer's checkpoint and puts mentions on a
 * bounded queue ({@link AssistantConfig#queueCapacity()}) served by a fixed number of workers
 * ({@link AssistantConfig#workers()}). When the queue is full the dispatcher waits, so a flood of mentions stays in
 * the outbox (its lag is visible in {@link #stats()} and {@link Outbox#lags()}), never in memory. While no model is
 * ready, the dispatcher reads nothing.
 *
 * <p>Exactly once: a reply and its ledger row commit in one transaction ({@link MentionLedger}); the checkpoint
 * moves only past positions whose mentions are all recorded (the lowest position still in flight bounds it). After a
 * crash the outbox redelivers what was not checkpointed, and a redelivered mention finds its row and does nothing.
 */
public final class AssistantService implements AutoCloseable {

    public static final String CONSUMER = "assistant";
    private static final Logger LOG = LoggerFactory.getLogger(AssistantService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What the assistant is doing.
     *
     * @param state            running, waiting for a model (and why), stopped
     * @param backlogEvents    outbox events after the checkpoint (all kinds)
     * @param backlogMentions  mentions of the assistant after the checkpoint with no recorded outcome
     * @param queued           mentions read and waiting for a worker
     * @param inFlight         mentions read and not yet recorded (queued or being answered)
     * @param checkpoint       the consumer's durable position
     * @param replied          replies posted since start
     * @param skipped          mentions skipped since start (with a recorded reason)
     * @param failed           mentions recorded as failed since start
     * @param duplicates       redelivered mentions found already handled, since start
     */
    public record Stats(String state, long backlogEvents, long backlogMentions, int queued, int inFlight, long checkpoint,
            long replied, long skipped, long failed, long duplicates) {
    }

    private record Job(long mentionPostId, long position) {
    }

    private final Social social;
    private final ModelRegistry models;
    private final AssistantConfig config;
    private final Account account;
    private final MentionHandler handler;
    private final MentionLedger ledger;
    private final BlockingQueue<Job> queue;
    private final Tracker tracker = new Tracker();
    private final AtomicLong replied = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicInteger busy = new AtomicInteger();
    private volatile boolean running;
    private volatile boolean stopped;
    private volatile String state = "not started";
    private volatile Consumer<MentionOutcome> listener = o -> { };
    private Thread dispatcher;
    private final List<Thread> workers = new ArrayList<>();

    private AssistantService(Social social, ModelRegistry models, PostSearch search, AiBudget budget, Prompts prompts,
            AssistantConfig config, Clock clock, CopyWeightSetting copyWeight) {
        this.social = social;
        this.models = models;
        this.config = config;
        this.account = AssistantAccount.ensure(social, config.handle());
        this.ledger = new MentionLedger(social.database(), social.posts().rules(), clock, account.id());
        this.handler = new MentionHandler(social, models, budget, new GroundingRetriever(social, search, config),
                new ReplyPrompt(prompts, config), ledger, config, account, () -> stopped, copyWeight::current);
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
    }

    /**
     * Prepares the assistant (creates its account when absent; does not start threads).
     *
     * @param models the registry; the assistant uses the model serving {@link Feature#ASSISTANT}
     * @param search search as viewers see it, or null to ground replies in the thread only
     * @param budget per-account budgets; each mention spends the mentioner's {@code assistant} budget
     * @param prompts where {@code assistant.txt} is read from
     */
    public static AssistantService create(Social social, ModelRegistry models, PostSearch search, AiBudget budget, Prompts prompts,
            AssistantConfig config) {
        return create(social, models, search, budget, prompts, config, CopyWeightSetting.inMemory(Objects.requireNonNull(config,
                "config").copyWeight()));
    }

    /**
     * As {@link #create(Social, ModelRegistry, PostSearch, AiBudget, Prompts, AssistantConfig)}, with the operator's copy
     * weight {@code copyWeight} read once per mention (a change applies from the next mention; it replaces
     * {@code config.copyWeight()}, and the rule by model applies when it is empty).
     */
    public static AssistantService create(Social social, ModelRegistry models, PostSearch search, AiBudget budget, Prompts prompts,
            AssistantConfig config, CopyWeightSetting copyWeight) {
        return new AssistantService(Objects.requireNonNull(social, "social"), Objects.requireNonNull(models, "models"), search,
                Objects.requireNonNull(budget, "budget"), Objects.requireNonNull(prompts, "prompts"), Objects.requireNonNull(config, "config"),
                social.settings().clock(), Objects.requireNonNull(copyWeight, "copyWeight"));
    }

    /** The assistant's account. */
    public Account account() {
        return account;
    }

    public AssistantConfig config() {
        return config;
    }

    /** Called on a worker thread after each mention is handled (tests, benchmarks, metrics); must be quick. */
    public void onOutcome(Consumer<MentionOutcome> l) {
        this.listener = Objects.requireNonNull(l, "listener");
    }

    /** Starts the dispatcher and the workers. */
    public synchronized void start() {
        if (running || stopped) {
            throw new IllegalStateException(stopped ? "the assistant was closed" : "the assistant is already running");
        }
        running = true;
        tracker.reset(social.outbox().position(CONSUMER));
        for (int i = 0; i < config.workers(); i++) {
            Thread t = Thread.ofPlatform().name("assistant-worker-" + i).daemon().unstarted(this::workLoop);
            workers.add(t);
            t.start();
        }
        dispatcher = Thread.ofPlatform().name("assistant-dispatcher").daemon().unstarted(this::dispatchLoop);
        dispatcher.start();
        LOG.info("assistant @{} started: {} workers, queue {}, from outbox position {}", account.username(), config.workers(),
                config.queueCapacity(), tracker.safe());
    }

    /**
     * Answers one mention now, on the calling thread (tests, an operator's retry). The same exactly-once rule holds:
     * a mention already recorded is not answered again.
     */
    public MentionOutcome handle(long mentionPostId) {
        MentionOutcome o = handler.handle(mentionPostId, null);
        count(o);
        return o;
    }

    public Stats stats() {
        long checkpoint = social.outbox().position(CONSUMER);
        long backlogEvents = social.outbox().lag(CONSUMER);
        long backlogMentions = social.database().withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT count(*) FROM outbox o JOIN post_mentions m ON m.post_id = o.aggregate_id AND m.account_id = ?
                    WHERE o.type = ? AND (o.position > ? OR o.position IS NULL)
                      AND NOT EXISTS (SELECT 1 FROM assistant_mentions a WHERE a.mention_post_id = o.aggregate_id)""")) {
                ps.setLong(1, account.id());
                ps.setString(2, EventType.POST_CREATED.wireName());
                ps.setLong(3, checkpoint);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        return new Stats(state, backlogEvents, backlogMentions, queue.size(), tracker.inFlight(), checkpoint, replied.get(),
                skipped.get(), failed.get(), duplicates.get());
    }

    /**
     * Which mention, model and prompt produced {@code postId}, when it is one of the assistant's replies (empty for any
     * other post). The caller decides who may see the post itself; the quoted ids are visible to that reply's readers.
     */
    public java.util.Optional<ReplyProvenance> provenance(long postId) {
        return ledger.provenance(postId);
    }

    /** Mentions recorded in the ledger by outcome ({@code replied}, {@code failed}, {@code skipped}), all time. */
    public java.util.Map<String, Long> recordedOutcomes() {
        return ledger.counts();
    }

    /**
     * Stops reading, cuts off generations in progress and waits for the workers (at most ~10 s). Mentions not yet
     * recorded stay after the checkpoint and are answered after the next start.
     */
    @Override
    public void close() {
        Thread d;
        List<Thread> ws;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            running = false;
            d = dispatcher;
            ws = List.copyOf(workers);
        }
        if (d != null) {
            d.interrupt();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            if (d != null) {
                d.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
            for (Thread w : ws) {
                w.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Thread w : ws) {
            if (w.isAlive()) {
                w.interrupt();
            }
        }
        checkpoint();
        state = "stopped";
        LOG.info("assistant @{} stopped: {} replied, {} skipped, {} failed", account.username(), replied.get(), skipped.get(), failed.get());
    }

    private void dispatchLoop() {
        long cursor = tracker.safe();
        while (running) {
            try {
                String notReady = modelNotReady();
                if (notReady != null) {
                    state = "waiting for a model: " + notReady;
                    checkpoint();
                    Thread.sleep(config.pollIntervalMillis());
                    continue;
                }
                state = "running";
                List<OutboxEvent> events = social.outbox().poll(CONSUMER, cursor, config.pollBatch());
                if (events.isEmpty()) {
                    checkpoint();
                    Thread.sleep(config.pollIntervalMillis());
                    continue;
                }
                Set<Long> mentions = mentionsAmong(events);
                for (OutboxEvent e : events) {
                    if (mentions.contains(e.aggregateId())) {
                        tracker.begin(e.position());
                        Job job = new Job(e.aggregateId(), e.position());
                        while (!queue.offer(job, config.pollIntervalMillis(), TimeUnit.MILLISECONDS)) {
                            checkpoint(); // the queue is full: the backlog waits in the outbox
                            if (!running) {
                                return;
                            }
                        }
                    }
                    tracker.passed(e.position());
                    cursor = e.position();
                }
                checkpoint();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("assistant: reading the outbox failed; retrying", e);
                try {
                    Thread.sleep(Math.max(1000, config.pollIntervalMillis()));
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Post ids among {@code events} that are new posts (not reposts) by others mentioning the assistant. */
    private Set<Long> mentionsAmong(List<OutboxEvent> events) {
        List<Long> candidates = new ArrayList<>();
        for (OutboxEvent e : events) {
            if (e.type() == EventType.POST_CREATED && !Objects.equals(e.accountId(), account.id()) && !isRepost(e.payloadJson())) {
                candidates.add(e.aggregateId());
            }
        }
        Set<Long> out = new HashSet<>();
        if (candidates.isEmpty()) {
            return out;
        }
        return social.database().withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT post_id FROM post_mentions WHERE account_id = ? AND post_id = ANY(?)")) {
                ps.setLong(1, account.id());
                ps.setArray(2, c.createArrayOf("bigint", candidates.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
            }
            return out;
        });
    }

    private static boolean isRepost(String payloadJson) {
        try {
            JsonNode n = JSON.readTree(payloadJson).get("reblog_of_id");
            return n != null && !n.isNull();
        } catch (IOException e) {
            return false;
        }
    }

    private String modelNotReady() {
        return switch (models.acquire(Feature.ASSISTANT)) {
            case ModelRegistry.Acquired.Ready r -> {
                r.lease().close();
                yield null;
            }
            case ModelRegistry.Acquired.NotReady n -> n.reason();
        };
    }

    private void workLoop() {
        while (true) {
            Job job;
            try {
                job = queue.poll(config.pollIntervalMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (job == null) {
                if (!running) {
                    return;
                }
                continue;
            }
            if (stopped) {
                return; // left in flight: redelivered after the next start
            }
            busy.incrementAndGet();
            try {
                if (work(job)) {
                    tracker.done(job.position());
                    checkpoint();
                }
            } finally {
                busy.decrementAndGet();
            }
        }
    }

    /** Handles a job until it is recorded (true) or the assistant stops (false). */
    private boolean work(Job job) {
        int errors = 0;
        while (!stopped) {
            MentionOutcome o;
            try {
                o = handler.handle(job.mentionPostId(), job.position());
            } catch (RuntimeException e) {
                errors++;
                LOG.warn("assistant: mention {} hit an error (try {}): {}", job.mentionPostId(), errors, e.toString());
                if (errors >= config.maxAttempts()) {
                    try {
                        o = handler.recordError(job.mentionPostId(), job.position(), errors, "internal error: " + e);
                        count(o);
                        return true;
                    } catch (RuntimeException again) {
                        LOG.warn("assistant: could not record mention {} as failed: {}", job.mentionPostId(), again.toString());
                    }
                }
                if (!sleep(Math.min(30_000, 500L << Math.min(errors, 6)))) {
                    return false;
                }
                continue;
            }
            if (o instanceof MentionOutcome.Deferred) {
                if (!sleep(config.pollIntervalMillis())) {
                    return false;
                }
                continue;
            }
            count(o);
            return true;
        }
        return false;
    }

    private void count(MentionOutcome o) {
        switch (o) {
            case MentionOutcome.Replied r -> replied.incrementAndGet();
            case MentionOutcome.Skipped s -> skipped.incrementAndGet();
            case MentionOutcome.LimitNotice n -> skipped.incrementAndGet();
            case MentionOutcome.Failed f -> failed.incrementAndGet();
            case MentionOutcome.AlreadyHandled a -> duplicates.incrementAndGet();
            case MentionOutcome.Deferred d -> { }
        }
        try {
            listener.accept(o);
        } catch (RuntimeException e) {
            LOG.warn("assistant: outcome listener failed", e);
        }
    }

    private boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return !stopped;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private void checkpoint() {
        long safe = tracker.safe();
        if (tracker.shouldStore(safe)) {
            try {
                social.outbox().checkpoint(CONSUMER, safe);
            } catch (RuntimeException e) {
                tracker.storeFailed();
                LOG.warn("assistant: checkpoint at {} failed: {}", safe, e.toString());
            }
        }
    }

    /** Which outbox positions are safe to checkpoint: everything read, minus the mentions still in flight. */
    static final class Tracker {
        private final TreeSet<Long> inFlight = new TreeSet<>();
        private long passedUpTo;
        private long stored = -1;

        synchronized void reset(long position) {
            inFlight.clear();
            passedUpTo = position;
            stored = position;
        }

        synchronized void begin(long position) {
            inFlight.add(position);
        }

        synchronized void passed(long position) {
            passedUpTo = Math.max(passedUpTo, position);
        }

        synchronized void done(long position) {
            inFlight.remove(position);
        }

        synchronized long safe() {
            return inFlight.isEmpty() ? passedUpTo : Math.min(passedUpTo, inFlight.first() - 1);
        }

        synchronized int inFlight() {
            return inFlight.size();
        }

        synchronized boolean shouldStore(long safe) {
            if (safe > stored) {
                stored = safe;
                return true;
            }
            return false;
        }

        synchronized void storeFailed() {
            stored = -1;
        }
    }
}
