package dev.starling.ai.training;

import dev.starling.ai.training.TrainingProgress.Phase;
import dev.starling.llm.gguf.GgufMetadata;
import dev.starling.llm.gguf.GgufValueType;
import dev.starling.llm.gguf.GgufWriter;
import dev.starling.llm.synth.ModelVocabulary;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.tokenizer.Tokenizer;
import dev.starling.llm.tokenizer.Tokenizers;
import dev.starling.llm.train.AdamW;
import dev.starling.llm.train.Checkpoint;
import dev.starling.llm.train.Dropout;
import dev.starling.llm.train.FastLlama;
import dev.starling.llm.train.GgufExport;
import dev.starling.llm.train.LlamaParameters;
import dev.starling.llm.train.LrSchedule;
import dev.starling.llm.train.Trainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns a corpus into a served model: read and split the corpus, train a tokenizer on the training split, pack the
 * posts into a token stream, train a Llama decoder with the fast F32 trainer (warmup + cosine, accumulation,
 * clipping, AdamW; validation loss every N steps; a checkpoint at each validation), then export a GGUF with the
 * tokenizer, a ChatML chat template and the model card inside, and write the card beside it.
 *
 * <p>With a time budget the job sizes the learning-rate schedule to it (it times a few forward/backward passes
 * first) and stops cleanly before the budget ends; with a number of steps it runs exactly those. A resume
 * ({@link Resume}) continues from the run directory with the same tokens and schedule and gives the same bits as a
 * run never interrupted; only the time budget and the thread count come from the resuming call.
 *
 * <p>Run it on any thread ({@link #run()}); watch it with a {@link TrainingListener} or {@link #progress()}; stop
 * it with {@link #cancel()} (it saves a checkpoint first).
 */
public final class TrainingJob {

    /** Whether to continue an earlier run of the same output. */
    public enum Resume {
        /** Start over, replacing any earlier run's files. */
        NEVER,
        /** Continue the earlier run when there is one (serve's background training after a restart). */
        IF_PRESENT,
        /** Continue the earlier run; reject when there is none ({@code starling train --resume}). */
        REQUIRED
    }

    /**
     * @param modelName       general.name of the GGUF; null for the output's file name
     * @param starlingVersion for the model card
     */
    /**
     * @param groundedShare share of the training rows that are grounded-answer examples ({@link GroundedExamples},
     *                      mixed in after the first quarter of the run, {@link GroundedMix}); 0 trains on plain posts only
     */
    public record Options(Resume resume, VocabularyTrainer vocabularyTrainer, TrainingListener listener, Clock clock,
            String modelName, String starlingVersion, double groundedShare) {

        public Options {
            Objects.requireNonNull(resume, "resume");
            Objects.requireNonNull(vocabularyTrainer, "vocabularyTrainer");
            Objects.requireNonNull(listener, "listener");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(starlingVersion, "starlingVersion");
            if (!(groundedShare >= 0 && groundedShare <= 0.6)) {
                throw new IllegalArgumentException("the grounded-example share " + groundedShare + " is outside [0, 0.6]");
            }
        }

        public static Options defaults() {
            String v = TrainingJob.class.getPackage().getImplementationVersion();
            return new Options(Resume.NEVER, new BpeVocabularyTrainer(), p -> { }, Clock.systemUTC(), null,
                    v == null ? "0.1.0-SNAPSHOT" : v, DEFAULT_GROUNDED_SHARE);
        }

        public Options withResume(Resume r) {
            return new Options(r, vocabularyTrainer, listener, clock, modelName, starlingVersion, groundedShare);
        }

        public Options withListener(TrainingListener l) {
            return new Options(resume, vocabularyTrainer, l, clock, modelName, starlingVersion, groundedShare);
        }

        public Options withVocabularyTrainer(VocabularyTrainer t) {
            return new Options(resume, t, listener, clock, modelName, starlingVersion, groundedShare);
        }

        public Options withModelName(String name) {
            return new Options(resume, vocabularyTrainer, listener, clock, name, starlingVersion, groundedShare);
        }

        /** @param share of the training rows that are grounded-answer examples, in [0, 0.6] (0: none) */
        public Options withGroundedShare(double share) {
            return new Options(resume, vocabularyTrainer, listener, clock, modelName, starlingVersion, share);
        }

        public Options withStarlingVersion(String v) {
            return new Options(resume, vocabularyTrainer, listener, clock, modelName, v, groundedShare);
        }
    }

    private static final int LOSS_WINDOW = 10;
    /** Share of training rows that are grounded-answer examples unless the options say otherwise. */
    public static final double DEFAULT_GROUNDED_SHARE = 0.3;
    /** Most grounded-answer examples one run makes (each is one prompt and answer, about a context long). */
    static final int MAX_GROUNDED_EXAMPLES = 20_000;
    /**
     * A shorter context cannot hold a compact prompt with one quoted post and its answer: such a run (a test model)
     * trains on plain posts only, its tokenizer on the posts alone.
     */
    static final int MIN_GROUNDED_SEQ = 128;
    /** Share of the examples that are Explain (the rest Ask). */
    static final double EXPLAIN_SHARE = 0.3;
    /** A budget-sized run stops after this many validations without a new best, and exports the best weights. */
    static final int PATIENCE = 3;

    private final CorpusSource corpus;
    private final TrainingConfig config;
    private final RunFiles files;
    private final Options options;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private volatile TrainingProgress progress = TrainingProgress.starting();
    private final List<TrainingListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private long startNanos;

    public TrainingJob(CorpusSource corpus, TrainingConfig config, Path out, Options options) {
        this.corpus = Objects.requireNonNull(corpus, "corpus");
        this.config = config.validate();
        this.files = RunFiles.of(out);
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The latest progress (safe from any thread). */
    public TrainingProgress progress() {
        return progress;
    }

    /** Adds a listener besides the one of the options (e.g. a log); add before {@link #run()}. */
    public void addListener(TrainingListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Asks the job to stop; it saves a checkpoint at the next step boundary and returns {@link TrainingResult.Cancelled}. */
    public void cancel() {
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    public RunFiles files() {
        return files;
    }

    /** Everything prepared for training: fresh or loaded from the run directory. */
    private record Prepared(RunState state, ModelVocabulary vocabulary, PackedTokens tokens, LlamaParameters params,
            AdamW optimizer, int step, long dataPosition, int[] exampleStarts) {
    }

    /**
     * Runs the job to its end on the calling thread.
     *
     * @throws IOException when a file cannot be read or written (the corpus, the run directory, the model)
     */
    public TrainingResult run() throws IOException {
        startNanos = System.nanoTime();
        try (ComputePool pool = new ComputePool(config.threads())) {
            return runOn(pool);
        } catch (CancellationException e) {
            publish(Phase.CANCELLED, progress.step(), progress.totalSteps(), "cancelled before training started");
            return new TrainingResult.Cancelled(0, null);
        } catch (IOException | RuntimeException e) {
            publish(Phase.FAILED, progress.step(), progress.totalSteps(), "failed: " + e.getMessage());
            throw e;
        }
    }

    private TrainingResult runOn(ComputePool pool) throws IOException {
        Files.createDirectories(files.runDirectory());
        boolean earlier = Files.isRegularFile(files.state()) && Files.isRegularFile(files.checkpoint());
        Object prepared;
        if (options.resume() == Resume.REQUIRED && !earlier) {
            prepared = new TrainingResult.Rejected("nothing to resume: no checkpoint and run.json in " + files.runDirectory()
                    + " (start without --resume)");
        } else if (options.resume() != Resume.NEVER && earlier) {
            prepared = load();
        } else {
            prepared = prepare(pool);
        }
        if (prepared instanceof TrainingResult.Rejected r) {
            publish(Phase.REJECTED, 0, 0, r.reason());
            return r;
        }
        return train((Prepared) prepared, pool);
    }

    private Object prepare(ComputePool pool) throws IOException {
        publish(Phase.CORPUS, 0, 0, "reading " + corpus.describe());
        CorpusSnapshot snapshot = corpus.read(config.seed(), config.validationFraction(), cancelled::get);
        CorpusManifest manifest = snapshot.manifest();
        List<String> train = new ArrayList<>(snapshot.train());
        List<String> validation = new ArrayList<>(snapshot.validation());
        List<CorpusSnapshot.PostInfo> info = new ArrayList<>(snapshot.trainInfo());
        if (train.isEmpty() && validation.isEmpty()) {
            return new TrainingResult.Rejected("no posts to train on from " + corpus.describe() + ": 0 included; "
                    + manifest.postsExcluded() + " excluded (" + manifest.describeExclusions() + ")");
        }
        if (validation.isEmpty() && train.size() >= 2) {
            validation.add(train.removeLast()); // a tiny corpus whose hash split held none out
            if (!info.isEmpty()) {
                info.removeLast();
            }
        } else if (train.isEmpty()) {
            train.add(validation.removeLast());
        }
        CorpusSnapshot split = new CorpusSnapshot(train, validation, manifest, info);
        // grounded examples quote the training split only: never a validation post, never anything outside the corpus
        GroundedExamples grounded = options.groundedShare() > 0 && config.seq() >= MIN_GROUNDED_SEQ
                ? new GroundedExamples(split.trainSources(),
                dev.starling.ai.prompts.Prompts.classpath()) : null;
        int exampleCount = grounded == null ? 0 : Math.min(MAX_GROUNDED_EXAMPLES, Math.max(64, train.size()));
        checkCancelled();
        publish(Phase.TOKENIZER, 0, 0, "training the tokenizer on " + train.size() + " posts");
        List<String> tokenizerText = train;
        if (grounded != null) {
            // the prompts' own words (instructions, block headers, markers) are learned as tokens too, so a prompt
            // takes fewer of the small context's tokens
            tokenizerText = new ArrayList<>(train);
            for (GroundedExamples.Example e : grounded.build(Math.min(exampleCount, Math.max(16, train.size() / 10)),
                    EXPLAIN_SHARE, config.seed(), GroundedExamples.Fit.none())) {
                StringBuilder sb = new StringBuilder();
                e.prompt().forEach(m -> sb.append(m.content()).append('\n'));
                tokenizerText.add(sb.append(e.answer()).toString());
            }
        }
        VocabularyTrainer.Trained trained = options.vocabularyTrainer().train(tokenizerText, config.vocabSize(),
                SpecialTokens.ALL, config.seed(), config.maxTokenizerTextBytes());
        TrainingConfig run = config;
        int fitted = Math.max(256 + SpecialTokens.ALL.size(), (trained.tokens() + 63) / 64 * 64);
        if (fitted < config.vocabSize()) {
            // a small corpus has fewer distinct merges than the vocabulary allows: retrain to the size it fills
            // (the same merges, as the trainer is deterministic), so no embedding rows are spent on padding
            publish(Phase.TOKENIZER, 0, 0, "the corpus fills " + trained.tokens() + " of " + config.vocabSize()
                    + " tokens; using a vocabulary of " + fitted);
            trained = options.vocabularyTrainer().train(tokenizerText, fitted, SpecialTokens.ALL, config.seed(),
                    config.maxTokenizerTextBytes());
            run = config.withData(fitted, config.seq(), config.batch(), config.accumulation());
        }
        ModelVocabulary vocabulary = SpecialTokens.complete(trained.vocabulary(), run.vocabSize());
        writeVocabulary(vocabulary, files.vocabulary());
        Tokenizer tokenizer = Tokenizers.fromGguf(files.vocabulary());
        checkCancelled();
        publish(Phase.TOKENIZER, 0, 0, "tokenizing " + (train.size() + validation.size()) + " posts");
        PackedTokens tokens = PackedTokens.pack(split, tokenizer, cancelled::get);
        if (tokens.train().length < config.seq() + 1) {
            return new TrainingResult.Rejected("the training split is " + tokens.train().length + " tokens ("
                    + train.size() + " posts), fewer than one sequence of seq + 1 = " + (config.seq() + 1)
                    + " tokens; add posts or lower --seq");
        }
        GroundedTokens examples = GroundedTokens.none(tokens);
        if (grounded != null) {
            checkCancelled();
            publish(Phase.TOKENIZER, 0, 0, "making " + exampleCount + " grounded-answer examples from the training posts");
            examples = GroundedTokens.make(grounded, exampleCount, EXPLAIN_SHARE, config.seed(), tokenizer, run.seq(), tokens);
        }
        tokens = examples.tokens();
        TokenFile.write(files.tokens(), tokens, run.vocabSize());
        LlamaParameters params = new LlamaParameters(run.modelConfig(), true);
        params.initialize(config.seed(), 0.02);
        int total = config.steps() > 0 ? config.steps() : sizeToBudget(params, tokens, pool);
        GroundedMix mix = examples.mix(options.groundedShare(),
                (long) Math.floor(total * (double) config.accumulation() * GroundedMix.PLAIN_FIRST));
        if (mix.active()) {
            publish(Phase.TOKENIZER, 0, 0, "grounded-answer examples: " + mix.describe());
        }
        int warmup = Math.min(config.warmupSteps(), total / 10);
        // a run sized to its budget validates at least ten times, whatever its length turned out to be
        TrainingConfig sized = run.steps() > 0 ? run
                : run.withValidation(Math.max(1, Math.min(run.valEvery(), total / 10)), run.valBatches(),
                        run.validationFraction());
        RunState state = new RunState(sized, total, warmup, options.vocabularyTrainer().type(),
                trained.tokens(), trained.trainingTextBytes(), manifest, train.size(), validation.size(), 0,
                Double.NaN, Double.NaN, mix);
        Files.deleteIfExists(files.checkpoint());
        state.write(files.state());
        return new Prepared(state, vocabulary, tokens, params,
                new AdamW(0.9, 0.95, 1e-8, config.weightDecay()), 0, 0, examples.starts());
    }

    private Prepared load() throws IOException {
        publish(Phase.CORPUS, 0, 0, "resuming the run in " + files.runDirectory());
        RunState state = RunState.read(files.state());
        Checkpoint.State checkpoint = Checkpoint.load(files.checkpoint());
        var saved = state.config().modelConfig();
        var loaded = checkpoint.params().config();
        if (loaded.dim() != saved.dim() || loaded.layers() != saved.layers() || loaded.vocabSize() != saved.vocabSize()
                || loaded.ffnDim() != saved.ffnDim() || loaded.heads() != saved.heads()) {
            throw new IOException(files.checkpoint() + ": the checkpoint's model shape does not match " + files.state());
        }
        ModelVocabulary vocabulary = ModelVocabulary.fromGguf(files.vocabulary());
        PackedTokens tokens = TokenFile.read(files.tokens(), saved.vocabSize());
        int[] starts = new int[0];
        if (state.grounded().active()) {
            int imStart = SpecialTokens.indexOf(vocabulary.tokens(), SpecialTokens.IM_START);
            int eot = SpecialTokens.indexOf(vocabulary.tokens(), SpecialTokens.END_OF_TEXT);
            starts = state.grounded().exampleStarts(tokens.train(), imStart, eot);
            if (starts.length != state.grounded().examples()) {
                throw new IOException(files.tokens() + ": " + starts.length + " grounded examples in the token stream, "
                        + files.state() + " says " + state.grounded().examples());
            }
        }
        return new Prepared(state, vocabulary, tokens, checkpoint.params(), checkpoint.optimizer(), checkpoint.step(),
                checkpoint.dataPosition(), starts);
    }

    /** Times forward/backward passes and returns how many steps fit in what is left of the budget. */
    private int sizeToBudget(LlamaParameters params, PackedTokens tokens, ComputePool pool) {
        int n = config.batch() * config.seq();
        int[] tok = new int[n];
        int[] tgt = new int[n];
        Batches.fill(tokens.train(), config.seed(), 0, config.batch(), config.seq(), tok, tgt);
        FastLlama model = new FastLlama(params, pool);
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) { // the first one warms the JIT up
            checkCancelled();
            long t0 = System.nanoTime();
            model.lossAndGrad(tok, tgt, config.batch(), config.seq(), 1.0);
            best = i == 0 ? Long.MAX_VALUE : Math.min(best, System.nanoTime() - t0);
        }
        params.zeroGrad();
        double microMillis = best / 1e6;
        double stepMillis = microMillis * config.accumulation() * 1.05; // + clip and AdamW
        double validationMillis = ValidationLoss.rows(tokens.validation().length, config) / (double) config.batch() * microMillis / 3;
        double exportMillis = 1000 + params.count() * 4 / 50_000.0; // 50 MB/s, generous
        double left = config.timeBudgetMillis() - elapsedMillis() - exportMillis - validationMillis;
        long steps = (long) (left / (stepMillis + validationMillis / config.valEvery()));
        return (int) Math.max(1, Math.min(steps, 100_000_000L));
    }

    private TrainingResult train(Prepared p, ComputePool pool) throws IOException {
        RunState state = p.state();
        TrainingConfig c = state.config();
        int total = state.totalSteps();
        LrSchedule schedule = new LrSchedule(c.maxLr(), c.minLr(), state.warmupSteps(), Math.max(total, state.warmupSteps() + 1));
        Dropout dropout = new Dropout(c.dropout(), c.seed());
        Trainer trainer = new Trainer(p.params(), p.optimizer(), schedule, c.maxGradNorm(), p.step(), pool, dropout);
        FastLlama evaluator = new FastLlama(p.params(), pool);
        int n = c.batch() * c.seq();
        int[][] tok = new int[c.accumulation()][n];
        int[][] tgt = new int[c.accumulation()][n];
        GroundedMix.Markers markers = GroundedMix.Markers.of(p.vocabulary().tokens()); // where example answers begin
        long dataPosition = p.dataPosition();
        double[] recent = new double[LOSS_WINDOW];
        int recentCount = 0;
        double valLoss = state.lastValLoss();
        double trainLoss = state.lastTrainLoss();
        long deadline = config.timeBudgetMillis() > 0 ? startNanos + config.timeBudgetMillis() * 1_000_000L : Long.MAX_VALUE;
        long exportReserveNanos = (long) ((1000 + p.params().count() * 4 / 50_000.0) * 1e6);
        long sessionStart = System.nanoTime();
        // only a run sized to a time budget adapts its length; a run of given steps stays exact (and resumable bit for bit)
        boolean replan = c.steps() == 0 && deadline != Long.MAX_VALUE;
        int sessionSteps = 0;
        boolean validatedAtEnd = false;
        String stopped = "steps";
        BestWeights best = new BestWeights(PATIENCE);
        publish(Phase.TRAINING, trainer.step(), total, trainLoss, valLoss, 0, -1,
                (p.step() > 0 ? "resumed at step " + p.step() : "training") + ", " + p.params().count() + " parameters");
        while (trainer.step() < total) {
            if (cancelled.get()) {
                saveCheckpoint(p, trainer, dataPosition, state, trainLoss, valLoss);
                publish(Phase.CANCELLED, trainer.step(), total, trainLoss, valLoss, 0, -1,
                        "cancelled at step " + trainer.step() + "; checkpoint saved");
                return new TrainingResult.Cancelled(trainer.step(), files.checkpoint());
            }
            long now = System.nanoTime();
            long perStep = sessionSteps == 0 ? 0 : (now - sessionStart) / sessionSteps;
            if (now + perStep + exportReserveNanos > deadline && (sessionSteps > 0 || now > deadline)) {
                stopped = "time budget";
                break;
            }
            for (int a = 0; a < c.accumulation(); a++) {
                state.grounded().fill(p.tokens().train(), p.exampleStarts(), markers, c.seed(), dataPosition + a, c.batch(), c.seq(),
                        tok[a], tgt[a]);
            }
            Trainer.StepResult r = trainer.step(tok, tgt, c.batch(), c.seq());
            dataPosition += c.accumulation();
            sessionSteps++;
            if (!Double.isFinite(r.loss())) {
                return reject("training diverged at step " + r.step() + " (loss " + r.loss() + "); lower the learning rate");
            }
            recent[recentCount++ % LOSS_WINDOW] = r.loss();
            trainLoss = mean(recent, Math.min(recentCount, LOSS_WINDOW));
            int done = trainer.step();
            validatedAtEnd = false;
            if (done % c.valEvery() == 0 || done == total) {
                valLoss = ValidationLoss.of(evaluator, p.tokens().validation(), c);
                boolean overfitting = false;
                // with grounded examples, the best weights are looked for only once they are in the mix: the plain-post
                // loss may rise a little as the model learns the task, and weights from before would not know it
                if (replan && !Double.isNaN(valLoss) && (!state.grounded().active() || dataPosition > state.grounded().fromBatch())) {
                    overfitting = best.offer(valLoss, done, p.params());
                }
                if (replan && done < total && sessionSteps >= 3) {
                    // the machine's speed changed since the schedule was sized: fit the rest of the cosine to what
                    // is left of the budget, so the learning rate still ends low when the budget does
                    double nanosPerStep = (System.nanoTime() - sessionStart) / (double) sessionSteps;
                    long fit = done + (long) ((deadline - System.nanoTime() - exportReserveNanos) / nanosPerStep);
                    int replanned = (int) Math.max(done + 1, Math.min(fit, 100_000_000L));
                    if (Math.abs(replanned - total) > Math.max(2, total / 20)) {
                        total = replanned;
                        state = state.withTotalSteps(total);
                        schedule = new LrSchedule(c.maxLr(), c.minLr(), state.warmupSteps(),
                                Math.max(total, state.warmupSteps() + 1));
                        trainer = new Trainer(p.params(), p.optimizer(), schedule, c.maxGradNorm(), done, pool, dropout);
                    }
                }
                saveCheckpoint(p, trainer, dataPosition, state, trainLoss, valLoss);
                validatedAtEnd = true;
                if (overfitting) {
                    stopped = "validation loss stopped improving";
                    break;
                }
            }
            long elapsed = System.nanoTime() - sessionStart;
            double tokensPerSecond = sessionSteps * (double) c.tokensPerStep() / (elapsed / 1e9);
            long eta = (long) ((total - done) * (elapsed / 1e6 / sessionSteps));
            if (deadline != Long.MAX_VALUE) {
                eta = Math.min(eta, Math.max(0, (deadline - System.nanoTime()) / 1_000_000L));
            }
            publish(Phase.TRAINING, done, total, trainLoss, valLoss, tokensPerSecond, eta, "step " + done);
        }
        if (!validatedAtEnd && sessionSteps > 0) {
            valLoss = ValidationLoss.of(evaluator, p.tokens().validation(), c);
            saveCheckpoint(p, trainer, dataPosition, state, trainLoss, valLoss);
        }
        if (best.beats(valLoss)) {
            best.restoreInto(p.params());
            stopped += "; exported the best validation loss, step " + best.bestStep();
            valLoss = best.bestLoss();
        }
        long elapsed = System.nanoTime() - sessionStart;
        double tokensPerSecond = sessionSteps == 0 ? 0 : sessionSteps * (double) c.tokensPerStep() / (elapsed / 1e9);
        publish(Phase.EXPORT, trainer.step(), total, trainLoss, valLoss, tokensPerSecond, 0,
                "writing " + files.model().getFileName());
        ModelCard card = new ModelCard(modelName(), options.starlingVersion(), options.clock().instant(),
                state.manifest(), state.trainPosts(), state.validationPosts(), p.tokens().train().length,
                p.tokens().validation().length, state.tokenizerType(), state.tokenizerTokens(), state.tokenizerTextBytes(),
                c, p.params().count(), trainer.step(), total, (long) trainer.step() * c.tokensPerStep(), trainLoss,
                valLoss, state.elapsedMillis() + elapsedMillis(), stopped, state.grounded());
        export(p, card);
        publish(Phase.DONE, trainer.step(), total, trainLoss, valLoss, tokensPerSecond, 0,
                "wrote " + files.model() + " (" + stopped + ")");
        return new TrainingResult.Completed(files.model(), card);
    }

    private TrainingResult reject(String reason) {
        publish(Phase.REJECTED, progress.step(), progress.totalSteps(), reason);
        return new TrainingResult.Rejected(reason);
    }

    private void export(Prepared p, ModelCard card) throws IOException {
        Path tmp = files.model().resolveSibling(files.model().getFileName() + ".tmp");
        GgufExport.write(p.params(), p.vocabulary(), modelName(),
                Map.of(ModelCard.GGUF_KEY, new GgufMetadata.Entry(GgufValueType.STRING, null, card.toJson())), tmp);
        Files.move(tmp, files.model(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        writeText(files.cardJson(), card.toJson());
        writeText(files.cardMarkdown(), card.toMarkdown());
    }

    private void saveCheckpoint(Prepared p, Trainer trainer, long dataPosition, RunState state, double trainLoss,
            double valLoss) throws IOException {
        Checkpoint.save(files.checkpoint(), p.params(), p.optimizer(), trainer.step(), dataPosition);
        state.withProgress(state.elapsedMillis() + elapsedMillis(), trainLoss, valLoss).write(files.state());
    }

    private static double mean(double[] v, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += v[i];
        }
        return s / n;
    }

    private static void writeVocabulary(ModelVocabulary v, Path out) throws IOException {
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        GgufWriter w = GgufWriter.create(tmp);
        w.putString("general.name", "starling tokenizer");
        v.writeTo(w);
        w.write();
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeText(Path out, String text) throws IOException {
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private String modelName() {
        return options.modelName() != null ? options.modelName() : RunFiles.baseName(files.model());
    }

    private long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000L;
    }

    private void checkCancelled() {
        if (cancelled.get()) {
            throw new CancellationException("cancelled");
        }
    }

    private void publish(Phase phase, int step, int total, String message) {
        TrainingProgress last = progress;
        publish(phase, step, total, last.loss(), last.valLoss(), last.tokensPerSecond(), -1, message);
    }

    private void publish(Phase phase, int step, int total, double loss, double valLoss, double tokensPerSecond,
            long etaMillis, String message) {
        TrainingProgress p = new TrainingProgress(phase, step, total, loss, valLoss, tokensPerSecond, etaMillis,
                elapsedMillis(), message);
        progress = p;
        options.listener().onProgress(p);
        for (TrainingListener l : listeners) {
            l.onProgress(p);
        }
    }
}
