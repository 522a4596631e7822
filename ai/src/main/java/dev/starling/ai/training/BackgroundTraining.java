package dev.starling.ai.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TrainingJob} on its own daemon thread, for a server that trains while it serves (serve's demo model):
 * the result as a future, the latest progress for an admin page, a log line at each phase and each tenth of the
 * run, and {@link #close()} that cancels (saving a checkpoint) and waits for the thread.
 * <pre>{@code
 * BackgroundTraining t = BackgroundTraining.start(new TrainingJob(new DatabaseCorpus(db),
 *         TrainingConfig.preset("small"), dataDir.resolve("models/starling-demo.gguf"),
 *         TrainingJob.Options.defaults().withResume(TrainingJob.Resume.IF_PRESENT)));
 * t.result().thenAccept(r -> { if (r instanceof TrainingResult.Completed c) registry.serve(c.model()); });
 * }</pre>
 */
public final class BackgroundTraining implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundTraining.class);

    private final TrainingJob job;
    private final Thread thread;
    private final CompletableFuture<TrainingResult> result = new CompletableFuture<>();

    private BackgroundTraining(TrainingJob job) {
        this.job = job;
        this.thread = Thread.ofPlatform().name("starling-training").daemon(true).priority(Thread.MIN_PRIORITY)
                .unstarted(this::run);
    }

    /** Starts the job on a new daemon thread (its own listener still hears every progress; this adds a log). */
    public static BackgroundTraining start(TrainingJob job) {
        BackgroundTraining t = new BackgroundTraining(job);
        t.thread.start();
        return t;
    }

    private void run() {
        LOG.info("training a model for {}", job.files().model());
        job.addListener(new ProgressLog());
        try {
            TrainingResult r = job.run();
            switch (r) {
                case TrainingResult.Completed c -> LOG.info("training done: {} ({} steps, validation loss {})", c.model(),
                        c.card().steps(), String.format("%.3f", c.card().finalValLoss()));
                case TrainingResult.Rejected x -> LOG.warn("training rejected: {}", x.reason());
                case TrainingResult.Cancelled x -> LOG.info("training cancelled at step {}", x.step());
            }
            result.complete(r);
        } catch (IOException e) {
            LOG.error("training failed: {}", e.getMessage(), e);
            result.completeExceptionally(new UncheckedIOException(e));
        } catch (RuntimeException | Error e) {
            LOG.error("training failed: {}", e.getMessage(), e);
            result.completeExceptionally(e);
        }
    }

    /** Logs phase changes, each tenth of the run and the end. */
    private static final class ProgressLog implements TrainingListener {
        private TrainingProgress.Phase phase;
        private int decile = -1;

        @Override
        public void onProgress(TrainingProgress p) {
            int d = (int) (p.fraction() * 10);
            if (p.phase() != phase || (p.phase() == TrainingProgress.Phase.TRAINING && d != decile)) {
                phase = p.phase();
                decile = d;
                LOG.info("{}", p.describe());
            }
        }
    }

    /** Completes with the job's outcome, or exceptionally with its I/O failure. */
    public CompletableFuture<TrainingResult> result() {
        return result;
    }

    /** The latest progress, for an admin page ("training: 45%"). */
    public TrainingProgress progress() {
        return job.progress();
    }

    public TrainingJob job() {
        return job;
    }

    /** Cancels the job (it checkpoints at the next step) and waits up to a minute for its thread. */
    @Override
    public void close() {
        job.cancel();
        try {
            thread.join(TimeUnit.MINUTES.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
