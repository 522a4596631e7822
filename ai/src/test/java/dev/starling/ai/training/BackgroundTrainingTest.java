package dev.starling.ai.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Serve's way of training: in the background, watched by progress, closed on shutdown, resumed after a restart. */
class BackgroundTrainingTest {
    @TempDir
    Path dir;

    @Test
    void closeCancelsWithACheckpointAndARestartResumesToTheEnd() throws Exception {
        Path corpus = TestCorpora.file(dir, 8, 150, 0);
        Path model = dir.resolve("demo.gguf");
        TrainingConfig config = TestCorpora.tiny(40);
        TrainingJob.Options options = TrainingJob.Options.defaults().withResume(TrainingJob.Resume.IF_PRESENT);
        int stoppedAt;
        try (BackgroundTraining t = BackgroundTraining.start(new TrainingJob(new FileCorpus(corpus), config, model, options))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (t.progress().step() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(TrainingProgress.Phase.TRAINING, t.progress().phase());
            assertTrue(t.progress().describe().startsWith("training: step "), t.progress().describe());
            t.close();
            TrainingResult.Cancelled c = assertInstanceOf(TrainingResult.Cancelled.class, t.result().get(5, TimeUnit.SECONDS));
            stoppedAt = c.step();
            assertTrue(Files.isRegularFile(c.checkpoint()));
            assertEquals(TrainingProgress.Phase.CANCELLED, t.progress().phase());
        }
        // after a "restart" the same call resumes from the checkpoint and finishes the run
        java.util.List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (BackgroundTraining t = BackgroundTraining.start(new TrainingJob(new FileCorpus(corpus), config, model,
                options.withListener(p -> messages.add(p.message()))))) {
            TrainingResult r = t.result().get(60, TimeUnit.SECONDS);
            assertEquals(40, assertInstanceOf(TrainingResult.Completed.class, r, r::toString).card().steps());
            assertTrue(stoppedAt < 40, "stopped at " + stoppedAt);
            assertTrue(messages.stream().anyMatch(m -> m.startsWith("resumed at step " + stoppedAt)), messages.toString());
            assertEquals(TrainingProgress.Phase.DONE, t.progress().phase());
        }
    }
}
