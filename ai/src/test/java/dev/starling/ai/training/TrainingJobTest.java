package dev.starling.ai.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.llm.generate.GenerationRequest;
import dev.starling.llm.generate.GenerationResult;
import dev.starling.llm.generate.LlamaModel;
import dev.starling.llm.generate.SamplingParams;
import dev.starling.llm.generate.TokenListener;
import dev.starling.llm.gguf.GgufFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingJobTest {

    @TempDir
    Path dir;

    @Test
    void trainsOnAFileCorpusAndTheModelLoadsAndGenerates() throws Exception {
        Path corpus = TestCorpora.file(dir, 1, 300, 3);
        List<TrainingProgress> seen = new ArrayList<>();
        TrainingJob job = new TrainingJob(new FileCorpus(corpus), TestCorpora.tiny(60).withOptimizer(1e-2, 1e-3, 5, 0.0, 1.0), dir.resolve("m.gguf"),
                TrainingJob.Options.defaults().withListener(seen::add));
        TrainingResult result = job.run();
        TrainingResult.Completed done = assertInstanceOf(TrainingResult.Completed.class, result, result::toString);
        ModelCard card = done.card();

        assertEquals(300, card.corpus().postsIncluded());
        assertEquals(3, card.corpus().postsExcludedByReason().get("blank line"));
        assertEquals(300, card.trainPosts() + card.validationPosts());
        assertTrue(card.validationPosts() > 0 && card.validationPosts() < 80, "validation posts " + card.validationPosts());
        assertEquals(60, card.steps());
        assertEquals(60L * 4 * 32, card.tokensSeen());
        assertTrue(card.tokenizerTokens() > 260 && card.tokenizerTokens() <= 320, "learned " + card.tokenizerTokens());
        // uniform guessing over 320 tokens is ln(320) = 5.77; a repetitive corpus must go well below it
        assertTrue(card.finalTrainLoss() < 4.0, "train loss " + card.finalTrainLoss());
        assertTrue(card.finalValLoss() < 4.0, "validation loss " + card.finalValLoss());
        assertEquals("steps", card.stoppedBecause());

        // the progress went through every phase in order and ended DONE
        List<TrainingProgress.Phase> phases = seen.stream().map(TrainingProgress::phase).distinct().toList();
        assertEquals(List.of(TrainingProgress.Phase.CORPUS, TrainingProgress.Phase.TOKENIZER,
                TrainingProgress.Phase.TRAINING, TrainingProgress.Phase.EXPORT, TrainingProgress.Phase.DONE), phases);
        assertEquals(60, job.progress().step());

        // the card beside the model and inside it
        RunFiles files = RunFiles.of(dir.resolve("m.gguf"));
        JsonNode json = new ObjectMapper().readTree(files.cardJson().toFile());
        assertEquals(300, json.at("/corpus/posts_included").asLong());
        assertEquals(3, json.at("/corpus/posts_excluded/blank line").asLong());
        assertEquals(card.parameters(), json.at("/model/parameters").asLong());
        assertTrue(Files.readString(files.cardMarkdown()).contains("Posts excluded, blank line: 3"));
        assertEquals(card.toJson(), ModelCard.jsonFromGguf(done.model()).orElseThrow());
        try (GgufFile g = GgufFile.open(done.model())) {
            assertEquals(SpecialTokens.CHAT_TEMPLATE, g.metadata().getString("tokenizer.chat_template", null));
        }

        try (LlamaModel model = LlamaModel.load(done.model())) {
            assertEquals(320, model.config().vocabSize());
            assertEquals(32, model.config().contextLength());
            int post = model.tokenizer().specialId(SpecialTokens.POST).orElseThrow();
            int[] prompt = concat(new int[] {post}, model.tokenizer().encode("the cat"));
            GenerationResult g = model.generate(GenerationRequest.ofTokens(prompt, SamplingParams.greedy(), 12, List.of()),
                    TokenListener.NONE);
            assertTrue(g.tokenIds().length > 0, "generated nothing");
            // a trained model continues with words of the corpus
            String text = g.text();
            assertTrue(text.matches("(?s).*(sat|sang|flew|wrote|looked|laughed|on|the|about|over|at).*"),
                    () -> "generated '" + text + "' = " + java.util.Arrays.toString(g.tokenIds()) + " " + g.finishReason());
        }
    }

    @Test
    void resumingGivesTheSameBitsAsAnUninterruptedRun() throws Exception {
        Path corpus = TestCorpora.file(dir, 2, 200, 0);
        // with dropout: its masks are keyed by step, so the resumed half drops what the uninterrupted run dropped
        TrainingConfig config = TestCorpora.tiny(12).withDropout(0.1);
        Path whole = dir.resolve("whole.gguf");
        TrainingResult straight = new TrainingJob(new FileCorpus(corpus), config, whole, TrainingJob.Options.defaults()).run();
        assertInstanceOf(TrainingResult.Completed.class, straight);

        Path parts = dir.resolve("parts.gguf");
        AtomicInteger cancelAt = new AtomicInteger(7);
        TrainingJob[] first = new TrainingJob[1];
        first[0] = new TrainingJob(new FileCorpus(corpus), config, parts, TrainingJob.Options.defaults().withListener(p -> {
            if (p.phase() == TrainingProgress.Phase.TRAINING && p.step() == cancelAt.get()) {
                first[0].cancel();
            }
        }));
        TrainingResult.Cancelled cancelled = assertInstanceOf(TrainingResult.Cancelled.class, first[0].run());
        assertEquals(7, cancelled.step());
        assertFalse(Files.exists(parts), "a cancelled run exports nothing");

        // resumed from a different (empty) corpus: the run's own token file is what it trains on
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        TrainingResult resumed = new TrainingJob(new FileCorpus(empty), config.withThreads(1), parts,
                TrainingJob.Options.defaults().withResume(TrainingJob.Resume.REQUIRED)).run();
        TrainingResult.Completed c = assertInstanceOf(TrainingResult.Completed.class, resumed, resumed::toString);
        assertEquals(12, c.card().steps());

        assertArrayEquals(Files.readAllBytes(RunFiles.of(whole).checkpoint()), Files.readAllBytes(RunFiles.of(parts).checkpoint()),
                "checkpoints after 12 steps differ");
        assertEquals(((TrainingResult.Completed) straight).card().finalValLoss(), c.card().finalValLoss());
        assertArrayEquals(tensorBytes(whole), tensorBytes(parts), "exported tensors differ");
    }

    @Test
    void aTimeBudgetSizesTheRunAndStopsBeforeIt() throws Exception {
        Path corpus = TestCorpora.file(dir, 3, 200, 0);
        long budgetMillis = 4000;
        long t0 = System.nanoTime();
        TrainingResult r = new TrainingJob(new FileCorpus(corpus), TestCorpora.tiny(0).withStop(0, budgetMillis),
                dir.resolve("b.gguf"), TrainingJob.Options.defaults()).run();
        long tookMillis = (System.nanoTime() - t0) / 1_000_000;
        ModelCard card = assertInstanceOf(TrainingResult.Completed.class, r, r::toString).card();
        assertTrue(card.totalSteps() > 10, "sized to " + card.totalSteps() + " steps");
        assertTrue(card.steps() > 0 && card.steps() <= card.totalSteps(), "ran " + card.steps() + " of " + card.totalSteps() + " steps, stopped because " + card.stoppedBecause());
        int valEvery = card.hyperparameters().valEvery();
        // a tenth of the first estimate; the total shrinks or grows when re-planned to the machine's speed (on a busy
        // machine it can shrink to a third of the estimate), so this checks the interval was sized to the run at all
        assertTrue(valEvery <= Math.max(1, card.totalSteps() / 2), "validates every " + valEvery + " of " + card.totalSteps());
        // the budget is honoured (slack for export and a busy machine; this checks the stop, not the speed)
        assertTrue(tookMillis < budgetMillis + 5000, "took " + tookMillis + " ms for a " + budgetMillis + " ms budget");
        // on a quiet machine the tiny model can also stop early once validation stops improving
        String why = card.stoppedBecause();
        assertTrue(why.equals("steps") || why.equals("time budget") || why.startsWith("validation loss stopped improving"), why);
    }

    @Test
    void aBudgetRunStopsWhenValidationStopsImprovingAndExportsTheBest() throws Exception {
        Path corpus = TestCorpora.file(dir, 9, 40, 0);
        List<Double> valLosses = new ArrayList<>();
        TrainingConfig config = TestCorpora.tiny(0).withStop(0, 60_000).withOptimizer(3e-2, 3e-3, 2, 0.0, 1.0)
                .withValidation(5, 2, 0.2);
        TrainingResult r = new TrainingJob(new FileCorpus(corpus), config, dir.resolve("o.gguf"),
                TrainingJob.Options.defaults().withListener(p -> {
                    if (p.phase() == TrainingProgress.Phase.TRAINING && !Double.isNaN(p.valLoss())
                            && (valLosses.isEmpty() || valLosses.getLast() != p.valLoss())) {
                        valLosses.add(p.valLoss());
                    }
                })).run();
        ModelCard card = assertInstanceOf(TrainingResult.Completed.class, r, r::toString).card();
        assertTrue(card.stoppedBecause().startsWith("validation loss stopped improving; exported the best"),
                card.stoppedBecause() + " after " + card.steps() + " of " + card.totalSteps() + " steps, val " + valLosses);
        double best = valLosses.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        assertEquals(best, card.finalValLoss(), 0.0);
        assertTrue(valLosses.getLast() > best, valLosses.toString());
        try (LlamaModel model = LlamaModel.load(dir.resolve("o.gguf"))) {
            assertTrue(model.config().vocabSize() > 0);
        }
    }

    @Test
    void aSmallCorpusGetsAVocabularyItFills() throws Exception {
        Path corpus = TestCorpora.file(dir, 5, 60, 0);
        TrainingConfig config = TestCorpora.tiny(2);
        config = config.withData(4096, config.seq(), config.batch(), config.accumulation());
        TrainingResult r = new TrainingJob(new FileCorpus(corpus), config, dir.resolve("v.gguf"), TrainingJob.Options.defaults()).run();
        ModelCard card = assertInstanceOf(TrainingResult.Completed.class, r, r::toString).card();
        int vocab = card.hyperparameters().vocabSize();
        assertTrue(vocab < 1024 && vocab % 64 == 0 && vocab >= card.tokenizerTokens() && vocab - card.tokenizerTokens() < 64,
                "model vocabulary " + vocab + " for " + card.tokenizerTokens() + " learned tokens");
        try (LlamaModel model = LlamaModel.load(dir.resolve("v.gguf"))) {
            assertEquals(vocab, model.config().vocabSize());
            assertEquals("the cat sat on the mat", model.tokenizer().decode(model.tokenizer().encode("the cat sat on the mat")));
        }
    }

    @Test
    void anEmptyCorpusIsRejectedSayingWhatWasExcluded() throws Exception {
        Path corpus = Files.writeString(dir.resolve("blank.txt"), "\n  \n\t\n");
        TrainingResult r = new TrainingJob(new FileCorpus(corpus), TestCorpora.tiny(5), dir.resolve("x.gguf"),
                TrainingJob.Options.defaults()).run();
        TrainingResult.Rejected rejected = assertInstanceOf(TrainingResult.Rejected.class, r);
        assertTrue(rejected.reason().contains("no posts to train on") && rejected.reason().contains("3 blank line"),
                rejected.reason());
    }

    @Test
    void aCorpusShorterThanOneSequenceIsRejected() throws Exception {
        Path corpus = Files.writeString(dir.resolve("short.txt"), "hi\nho\n");
        TrainingResult r = new TrainingJob(new FileCorpus(corpus), TestCorpora.tiny(5), dir.resolve("x.gguf"),
                TrainingJob.Options.defaults()).run();
        TrainingResult.Rejected rejected = assertInstanceOf(TrainingResult.Rejected.class, r);
        assertTrue(rejected.reason().contains("fewer than one sequence"), rejected.reason());
    }

    @Test
    void resumeWithoutAnEarlierRunIsRejected() throws Exception {
        Path corpus = TestCorpora.file(dir, 4, 50, 0);
        TrainingResult r = new TrainingJob(new FileCorpus(corpus), TestCorpora.tiny(5), dir.resolve("none.gguf"),
                TrainingJob.Options.defaults().withResume(TrainingJob.Resume.REQUIRED)).run();
        assertTrue(assertInstanceOf(TrainingResult.Rejected.class, r).reason().contains("nothing to resume"));
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Every tensor's bytes, in file order. */
    private static byte[] tensorBytes(Path gguf) throws Exception {
        try (GgufFile g = GgufFile.open(gguf)) {
            var out = new java.io.ByteArrayOutputStream();
            for (var t : g.tensors()) {
                out.write(g.tensorData(t).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            }
            return out.toByteArray();
        }
    }
}
