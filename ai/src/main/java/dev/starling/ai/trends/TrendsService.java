package dev.starling.ai.trends;

import dev.starling.ai.answers.CopyWeightSetting;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.search.embed.Embedder;
import dev.starling.social.db.Database;
import dev.starling.social.outbox.Outbox;
import java.time.Clock;
import java.util.OptionalDouble;

/**
 * Everything trends need, wired: the outbox counter (its own thread), the refresh-then-stories schedule (its own
 * thread), and the read side for the routes ({@link #lists()}, {@link #stories()}, {@link #moderation()}). For
 * {@code starling serve}:
 *
 * <pre>{@code
 * TrendsService trends = TrendsService.start(db, social.outbox(), registry, prompts, embedder, Clock.systemUTC(),
 *         TrendsService.Options.defaults());
 * modules.add(new TrendRoutes(support, social, trends.lists(), trends.stories(), trends.moderation()));
 * ... on shutdown: trends.close();
 * }</pre>
 */
public final class TrendsService implements AutoCloseable {

    /** How often scores and stories are recomputed, and the parts' settings. */
    public record Options(long refreshIntervalMillis, TrendCounter.Options counter, TrendRefresh.Settings scoring, TrendStories.Settings stories,
                          StoryWriter.Settings writer) {
        /** Every 5 minutes; Mastodon's scoring; stories of up to 20 clusters. */
        public static Options defaults() {
            return new Options(300_000, TrendCounter.Options.defaults(), TrendRefresh.Settings.defaults(), TrendStories.Settings.defaults(),
                    StoryWriter.Settings.defaults());
        }

        public Options withRefreshIntervalMillis(long ms) {
            return new Options(ms, counter, scoring, stories, writer);
        }

        public Options withScoring(TrendRefresh.Settings s) {
            return new Options(refreshIntervalMillis, counter, s, stories, writer);
        }
    }

    private final TrendCounter counter;
    private final TrendRefresh refresh;
    private final TrendLists lists;
    private final TrendStories stories;
    private final TrendModeration moderation;
    private final TrendScheduler scheduler;

    private TrendsService(TrendCounter counter, TrendRefresh refresh, TrendLists lists, TrendStories stories, TrendModeration moderation,
                          TrendScheduler scheduler) {
        this.counter = counter;
        this.refresh = refresh;
        this.lists = lists;
        this.stories = stories;
        this.moderation = moderation;
        this.scheduler = scheduler;
    }

    /** Builds the parts without starting threads (tests, commands that rebuild). */
    public static TrendsService create(Database db, Outbox outbox, ModelRegistry registry, Prompts prompts, Embedder embedder, Clock clock,
                                       Options options) {
        return create(db, outbox, registry, prompts, embedder, clock, options, CopyWeightSetting.inMemory(OptionalDouble.empty()));
    }

    /** As {@link #create(Database, Outbox, ModelRegistry, Prompts, Embedder, Clock, Options)}, stories written at {@code copyWeight}. */
    public static TrendsService create(Database db, Outbox outbox, ModelRegistry registry, Prompts prompts, Embedder embedder, Clock clock,
                                       Options options, CopyWeightSetting copyWeight) {
        TrendCounter counter = new TrendCounter(db, outbox, clock, options.counter());
        TrendRefresh refresh = new TrendRefresh(db, clock, options.scoring());
        TrendLists lists = new TrendLists(db, clock);
        StoryWriter writer = registry == null ? null : new StoryWriter(registry, prompts == null ? Prompts.classpath() : prompts, options.writer(),
                copyWeight);
        TrendStories stories = new TrendStories(db, lists, embedder, writer, clock, options.stories());
        return new TrendsService(counter, refresh, lists, stories, new TrendModeration(db), new TrendScheduler(refresh, stories,
                options.refreshIntervalMillis()));
    }

    /**
     * Builds and starts the counter and the schedule.
     *
     * @param registry which model writes stories ({@code Feature.TRENDS}); null: no model at all (stories say so)
     * @param prompts  the prompt files (null: the shipped ones)
     * @param embedder post embeddings for grouping stories; null: items group only by shared posts
     */
    public static TrendsService start(Database db, Outbox outbox, ModelRegistry registry, Prompts prompts, Embedder embedder, Clock clock,
                                      Options options) {
        return start(db, outbox, registry, prompts, embedder, clock, options, CopyWeightSetting.inMemory(OptionalDouble.empty()));
    }

    /** As {@link #start(Database, Outbox, ModelRegistry, Prompts, Embedder, Clock, Options)}, stories written at {@code copyWeight}. */
    public static TrendsService start(Database db, Outbox outbox, ModelRegistry registry, Prompts prompts, Embedder embedder, Clock clock,
                                      Options options, CopyWeightSetting copyWeight) {
        TrendsService s = create(db, outbox, registry, prompts, embedder, clock, options, copyWeight);
        s.counter.start();
        s.scheduler.start();
        return s;
    }

    public TrendCounter counter() {
        return counter;
    }

    public TrendRefresh refresh() {
        return refresh;
    }

    public TrendLists lists() {
        return lists;
    }

    public TrendStories stories() {
        return stories;
    }

    public TrendModeration moderation() {
        return moderation;
    }

    /**
     * Rescores and updates the stories on the schedule's thread as soon as it is free, beside the fixed schedule: for when
     * a model to write the stories' text has just become ready (otherwise readers wait up to a whole interval for it).
     */
    public void refreshSoon() {
        scheduler.runSoon();
    }

    /** Refreshes completed by the schedule so far (see {@link TrendScheduler#runsCompleted}). */
    public long refreshesCompleted() {
        return scheduler.runsCompleted();
    }

    /** Counts what is pending, rescores and updates the stories now, in the caller's thread. */
    public void runNow() {
        counter.catchUp();
        scheduler.runOnce();
    }

    @Override
    public void close() {
        scheduler.close();
        counter.close();
    }
}
