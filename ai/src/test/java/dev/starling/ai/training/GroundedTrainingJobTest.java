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
        // a 256-token context: the compact prompts need it (the demo model has 512)
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
        // an example row trains on answers only: the kept targets are the answer and the end of the turn of the example
        // the row starts at (to the window's end when it runs past it) and of each later example that ends in the window
        int checked = 0;
        int packed = 0;
        for (int r = 0; r < 64; r++) {
            if (tok[r * 256] != imStart) {
                continue;
            }
            int at = -1;
            for (int st : starts) {
                if (st + 256 < tokens.train().length && java.util.Arrays.equals(tokens.train(), st, st + 256, tok, r * 256, r * 256 + 256)) {
                    at = st;
                    break;
                }
            }
            if (at < 0) {
                continue; // a window moved back from the end of the stream
            }
            StringBuilder expected = new StringBuilder();
            int examplesKept = 0;
            int segment = at;
            int limit = at + 257;
            while (segment < limit) {
                int end = segment;
                while (end < limit && tokens.train()[end] != t.specialId(SpecialTokens.END_OF_TEXT).orElseThrow()) {
                    end++;
                }
                String seg = t.decode(java.util.Arrays.copyOfRange(tokens.train(), segment, Math.min(end + 1, limit)));
                int header = seg.lastIndexOf("<|im_start|>assistant\n");
                boolean ended = end < limit; // its <|endoftext|> is in the window
                if (seg.startsWith("<|im_start|>system\n") && header >= 0 && (segment == at || ended)) {
                    expected.append(seg.substring(header + "<|im_start|>assistant\n".length()));
                    examplesKept++;
                }
                segment = end + 1;
            }
            java.util.List<Integer> kept = new java.util.ArrayList<>();
            for (int j = 0; j < 256; j++) {
                if (tgt[r * 256 + j] != dev.starling.llm.train.LossModel.IGNORE) {
                    kept.add(tgt[r * 256 + j]);
                }
            }
            String answer = t.decode(kept.stream().mapToInt(Integer::intValue).toArray());
            assertEquals(expected.toString(), answer, "kept targets of row " + r);
            assertTrue(examplesKept >= 1 && answer.matches("(?s).*\\[\\d+].*"), answer);
            if (examplesKept >= 2) {
                assertTrue(answer.matches("(?s).*<\\|im_end\\|>\n<\\|endoftext\\|>.+"), "two answers: " + answer);
                packed++;
            }
            checked++;
        }
        System.out.println("example rows checked: " + checked + ", of which holding more than one answer: " + packed);
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
