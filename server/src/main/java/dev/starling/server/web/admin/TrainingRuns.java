package dev.starling.server.web.admin;

import dev.starling.ai.training.TrainingJob;
import dev.starling.ai.training.TrainingProgress;
import java.nio.file.Path;
import java.util.List;

/**
 * The training runs the admin page shows, supplied by whoever runs them (serve's background
 * training of the demo model, for one). Each call reads the runs' current progress.
 */
@FunctionalInterface
public interface TrainingRuns {
    /** One run: a name for people, where its model goes, and its progress now. */
    record Run(String name, String output, TrainingProgress progress) {}

    List<Run> runs();

    /** No training on this server. */
    static TrainingRuns none() {
        return List::of;
    }

    /** One job, named, writing {@code out}. */
    static TrainingRuns of(String name, Path out, TrainingJob job) {
        return () -> List.of(new Run(name, out.toString(), job.progress()));
    }
}
