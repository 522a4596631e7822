package dev.starling.ai.training;

import java.nio.file.Path;

/** How a training job ended (I/O failures are exceptions; these are the expected outcomes). */
public sealed interface TrainingResult {

    /** The model is written and can be served. */
    record Completed(Path model, ModelCard card) implements TrainingResult {
    }

    /** Nothing to train on, or a corpus too small: the reason says what and why. */
    record Rejected(String reason) implements TrainingResult {
    }

    /** Stopped by {@link TrainingJob#cancel()}; the checkpoint (if any steps ran) lets a resume continue. */
    record Cancelled(int step, Path checkpoint) implements TrainingResult {
    }
}
