package dev.starling.ai.training;

/** Told of a job's progress after each step and at each phase change, on the job's thread: keep it quick. */
@FunctionalInterface
public interface TrainingListener {
    void onProgress(TrainingProgress progress);
}
