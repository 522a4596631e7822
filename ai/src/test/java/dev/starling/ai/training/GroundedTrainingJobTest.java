package dev.starling.ai.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.synth.ModelVocabulary;
import dev.starling.llm.tokenizer.Tokenizer;
import dev.starling.llm.tokenizer.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training run with grounded-answer examples: they are in its stream and on its card, and it resumes bit for bit. */
class GroundedTrainingJobTest {

    @TempDir
    Path dir;

    private static TrainingConfig config() {
        // a 256-token context, as the demo model has: the compact prompts need it
        return TestCorpora.tiny(12).withData(512, 256, 2, 1);
    }

    @Test
    void examplesAreMixedInRecordedOnTheCardAndTheRunResumesExactly() throws Exception {
        Path corpus = TestCorpora.file(dir, 4, 200, 0);
        TrainingJob.Options options = TrainingJob.Options.defaults().withGroundedShare(0.5);
        Path whole = dir.resolve("whole.gguf");
        TrainingResult.Completed straight = assertInstanceOf(TrainingResult.Completed.class,
                new TrainingJob(new FileCorpus(corpus), config(), whole, options).run());
        GroundedMix mix = straight.card().grounded();
        assertTrue(mix.active() && mix.examples() >= 64, "examples made: " + mix.describe());
        assertEquals(mix.examples(), mix.askExamples() + mix.explainExamples());
        assertEquals(3, mix.fromBatch(), "the first quarter of 12 micro-batches is plain posts");
        assertTrue(straight.card().toJson().contains("\"grounded_examples\""));
        assertTrue(straight.card().toMarkdown().contains("Grounded-answer examples"));

        // the stream holds the plain posts and then every example, each starting with <|im_start|>
        Tokenizer t = Tokenizers.fromGguf(RunFiles.of(whole).vocabulary());
        PackedTokens tokens = TokenFile.read(RunFiles.of(whole).tokens(), 512);
        int imStart = t.specialId(SpecialTokens.IM_START).orElseThrow();
        int[] starts = mix.exampleStarts(tokens.train(), imStart, t.specialId(SpecialTokens.END_OF_TEXT).orElseThrow());
        assertEquals(mix.examples(), starts.length);
        assertEquals(mix.plainTokens() + mix.exampleTokens(), tokens.train().length);
        String first = t.decode(java.util.Arrays.copyOfRange(tokens.train(), starts[0], starts.length > 1 ? starts[1] : tokens.train().length));
        assertTrue(first.startsWith("<|im_start|>system\n") && first.contains("<|im_start|>assistant\n")
                && first.matches("(?s).*\\[\\d+].*<\\|im_end\\|>\n<\\|endoftext\\|>"), first);

        // before fromBatch rows are plain posts; after it about half the rows start at an example
        int[] tok = new int[64 * 256];
        int[] tgt = new int[64 * 256];
        GroundedMix.Markers markers = GroundedMix.Markers.of(ModelVocabulary.fromGguf(RunFiles.of(whole).vocabulary()).tokens());
        mix.fill(tokens.train(), starts, markers, 7, 1, 64, 256, tok, tgt);
        assertEquals(0, rowsAtExamples(tok, imStart), "micro-batch 1 is plain");
        for (int v : tgt) {
            assertTrue(v >= 0, "plain rows train on every position");
        }
        mix.fill(tokens.train(), starts, markers, 7, 5, 64, 256, tok, tgt);
        int rows = rowsAtExamples(tok, imStart);
        assertTrue(rows > 16 && rows < 48, "about half of 64 rows are examples, got " + rows);
        // an example row trains on its answer only: the kept targets are the answer and the end of the turn
        int checked = 0;
        for (int r = 0; r < 64; r++) {
            if (tok[r * 256] != imStart) {
                continue;
            }
            java.util.List<Integer> kept = new java.util.ArrayList<>();
            for (int j = 0; j < 256; j++) {
                if (tgt[r * 256 + j] != dev.starling.llm.train.LossModel.IGNORE) {
                    kept.add(tgt[r * 256 + j]);
                }
            }
            String row = t.decode(java.util.Arrays.copyOfRange(tok, r * 256, r * 256 + 256));
            String answer = t.decode(kept.stream().mapToInt(Integer::intValue).toArray());
            if (row.contains("<|endoftext|>")) { // the whole example is in the window
                String example = row.substring(0, row.indexOf("<|endoftext|>"));
                String expected = example.substring(example.lastIndexOf("<|im_start|>assistant\n")
                        + "<|im_start|>assistant\n".length());
                assertEquals(expected + "<|endoftext|>", answer, "kept targets of row " + r);
                assertTrue(answer.matches("(?s).*\\[\\d+].*<\\|im_end\\|>\n<\\|endoftext\\|>"), answer);
                checked++;
            }
        }
        assertTrue(checked > 8, "example rows checked: " + checked);

        Path parts = dir.resolve("parts.gguf");
        AtomicInteger cancelAt = new AtomicInteger(7);
        TrainingJob[] job = new TrainingJob[1];
        job[0] = new TrainingJob(new FileCorpus(corpus), config(), parts, options.withListener(p -> {
            if (p.phase() == TrainingProgress.Phase.TRAINING && p.step() == cancelAt.get()) {
                job[0].cancel();
            }
        }));
        assertInstanceOf(TrainingResult.Cancelled.class, job[0].run());
        TrainingResult.Completed resumed = assertInstanceOf(TrainingResult.Completed.class, new TrainingJob(
                new FileCorpus(corpus), config(), parts, options.withResume(TrainingJob.Resume.REQUIRED)).run());
        assertEquals(mix, resumed.card().grounded());
        assertArrayEquals(Files.readAllBytes(RunFiles.of(whole).checkpoint()), Files.readAllBytes(RunFiles.of(parts).checkpoint()),
                "checkpoints after 12 steps differ");
    }

    @Test
    void aShareOfZeroTrainsOnPlainPostsOnly() throws Exception {
        Path corpus = TestCorpora.file(dir, 4, 200, 0);
        TrainingResult.Completed c = assertInstanceOf(TrainingResult.Completed.class, new TrainingJob(new FileCorpus(corpus),
                config().withStop(2, 0), dir.resolve("plain.gguf"), TrainingJob.Options.defaults().withGroundedShare(0)).run());
        assertEquals(0, c.card().grounded().examples());
        assertTrue(c.card().toMarkdown().contains("Grounded-answer examples\n\n- none"));
    }

    private static int rowsAtExamples(int[] tokens, int imStart) {
        int n = 0;
        for (int r = 0; r < tokens.length / 256; r++) {
            n += tokens[r * 256] == imStart ? 1 : 0;
        }
        return n;
    }
}
