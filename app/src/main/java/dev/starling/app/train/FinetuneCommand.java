package dev.starling.app.train;

import dev.starling.ai.training.CorpusSnapshot;
import dev.starling.ai.training.CorpusSource;
import dev.starling.ai.training.DatabaseCorpus;
import dev.starling.ai.training.FileCorpus;
import dev.starling.app.DatabaseOptions;
import dev.starling.app.StarlingSubcommand;
import dev.starling.llm.gguf.GgufFormatException;
import dev.starling.llm.model.UnsupportedModelException;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.train.lora.LoraConfig;
import dev.starling.llm.train.lora.LoraFineTune;
import dev.starling.llm.train.lora.LoraMerge;
import dev.starling.llm.train.lora.LoraTarget;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code starling finetune}: LoRA fine-tuning of an existing GGUF model (frozen base in F32/F16/BF16/Q8_0/Q4_0/Q4_K/
 * Q6_K; llama, mistral, qwen2, qwen3, Llama 3 rope scaling) on the
 * network's consented public posts (or {@code --corpus FILE}), writing the adapter in llama.cpp's LoRA GGUF layout
 * and, with {@code --merge-out}, a new GGUF with the adapter merged in that {@code serve --model} serves. Trains on
 * the fast float32 path by default; {@code --reference} uses the slow float64 reference.
 */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = {"Adapt an existing GGUF model to this network with LoRA: train low-rank adapters on the consented public posts "
                + "(the database, as serve opens it) or on --corpus FILE, write the adapter (llama.cpp's LoRA GGUF layout) "
                + "and optionally a merged model.",
                "The base stays frozen in its own type (F32, F16, BF16, Q8_0, Q4_0, Q4_K or Q6_K)."})
public final class FinetuneCommand implements StarlingSubcommand, Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Option(names = "--base", required = true, paramLabel = "MODEL.gguf", description = "The model to adapt")
    Path base;

    @Option(names = "--corpus", paramLabel = "FILE", description = "Train on this UTF-8 file, one post per line, instead of the database")
    Path corpus;

    @Option(names = "--adapter-out", required = true, paramLabel = "ADAPTER.gguf", description = "Where the adapter is written")
    Path adapterOut;

    @Option(names = "--merge-out", paramLabel = "MODEL.gguf", description = "Also write the base with the adapter merged in")
    Path mergeOut;

    @Option(names = "--merge-type", defaultValue = "base", paramLabel = "base|f32",
            description = "Type of the merged weights: the base's own type (requantized) or F32. Default: ${DEFAULT-VALUE}")
    String mergeType;

    @Option(names = "--rank", defaultValue = "8", description = "Adapter rank. Default: ${DEFAULT-VALUE}")
    int rank;

    @Option(names = "--alpha", defaultValue = "16", description = "Adapter scale numerator (the update is scaled by alpha/rank). Default: ${DEFAULT-VALUE}")
    float alpha;

    @Option(names = "--targets", defaultValue = "q,k,v,o", paramLabel = "LIST",
            description = "Projections to adapt: q,k,v,o,gate,up,down, or 'attention' / 'all'. Default: ${DEFAULT-VALUE}")
    String targets;

    @Option(names = "--seq", defaultValue = "128", description = "Tokens per sequence. Default: ${DEFAULT-VALUE}")
    int seq;

    @Option(names = "--batch", defaultValue = "4", description = "Sequences per step. Default: ${DEFAULT-VALUE}")
    int batch;

    @Option(names = "--steps", defaultValue = "200", description = "Most optimizer steps. Default: ${DEFAULT-VALUE}")
    int steps;

    @Option(names = "--time-budget", paramLabel = "DURATION", converter = Durations.class,
            description = "Stop cleanly after this long (e.g. 10m); default: no limit but --steps")
    Duration timeBudget;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Learning rate (AdamW). Default: ${DEFAULT-VALUE}")
    double lr;

    @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW weight decay on the adapter. Default: ${DEFAULT-VALUE}")
    double weightDecay;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the adapter's initialization and the corpus split. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--reference", description = "Train with the float64 reference implementation (slow; for checking) instead of the fast float32 one")
    boolean reference;

    PrintStream err = System.err;
    PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(base)) {
            err.println("starling finetune: no such model file: " + base);
            return 2;
        }
        if (corpus != null && !Files.isRegularFile(corpus)) {
            err.println("starling finetune: no such corpus file: " + corpus);
            return 2;
        }
        LoraMerge.Output output = switch (mergeType.toLowerCase(Locale.ROOT)) {
            case "base" -> LoraMerge.Output.BASE_TYPE;
            case "f32" -> LoraMerge.Output.F32;
            default -> null;
        };
        if (output == null) {
            err.println("starling finetune: --merge-type must be base or f32, was '" + mergeType + "'");
            return 2;
        }
        LoraConfig lora;
        LoraFineTune.Options options;
        List<String> documents;
        try {
            lora = new LoraConfig(rank, alpha, LoraTarget.parse(targets), seed);
            documents = read(corpus != null ? new FileCorpus(corpus) : null);
            options = new LoraFineTune.Options(base, documents, lora, seq, batch, steps,
                    timeBudget == null ? 0 : timeBudget.toMillis(), lr, weightDecay, adapterOut, mergeOut, output,
                    reference);
        } catch (IllegalArgumentException e) {
            err.println("starling finetune: " + e.getMessage());
            return 2;
        }
        if (documents.isEmpty()) {
            err.println("starling finetune: the corpus has no posts to train on");
            return 2;
        }
        ComputePool pool = ComputePool.shared();
        err.println("starling finetune: " + documents.size() + " posts, rank " + rank + " on " + lora.targets() + ", base " + base
                + (reference ? ", float64 reference path" : ", fast float32 path") + ", " + pool.threads() + " threads");
        try {
            LoraFineTune.Summary s = LoraFineTune.run(options, pool, p -> err.printf(Locale.ROOT,
                    "step %d/%d  loss %.4f  %.1f tok/s  elapsed %s  ETA %s%n", p.step(), p.maxSteps(), p.loss(), p.tokensPerSecond(),
                    clock(p.elapsedMillis()), clock(p.etaMillis())));
            out.printf(Locale.ROOT, "fine-tuned %d steps in %.1f s: loss %.4f -> %.4f, %d trainable parameters; adapter %s (%d bytes)%s%n",
                    s.steps(), s.elapsedMillis() / 1000.0, s.firstLoss(), s.lastLoss(), s.trainableParameters(), adapterOut, s.adapterBytes(),
                    mergeOut == null ? "" : "; merged model " + mergeOut + " (" + s.mergedBytes() + " bytes)");
            return 0;
        } catch (GgufFormatException | UnsupportedModelException | IllegalArgumentException e) {
            // names the file and the architecture, tensor type or rope layout that LoRA cannot train
            err.println("starling finetune: " + e.getMessage());
            return 2;
        }
    }

    /** h:mm:ss or m:ss. */
    static String clock(long millis) {
        long s = Math.max(0, millis) / 1000;
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** The training side of the corpus (consented posts from the database, or the file); validation posts are not used. */
    private List<String> read(CorpusSource file) throws IOException {
        if (file != null) {
            return new ArrayList<>(file.read(seed, 0.0, () -> false).train());
        }
        err.println("starling finetune: reading the corpus from " + db.describe());
        try (DatabaseOptions.Opened opened = db.open()) {
            CorpusSnapshot snapshot = new DatabaseCorpus(opened.database()).read(seed, 0.0, () -> false);
            return new ArrayList<>(snapshot.train());
        }
    }
}
