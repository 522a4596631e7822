package dev.starling.app.lm;

import dev.starling.ai.training.SpecialTokens;
import dev.starling.llm.eval.BitsPerByte;
import dev.starling.llm.eval.HeldOutText;
import dev.starling.llm.eval.LmEvaluation;
import dev.starling.llm.generate.LlamaModel;
import dev.starling.llm.tensor.ComputePool;
import dev.starling.llm.tokenizer.Tokenizer;
import dev.starling.llm.tokenizer.Tokenizers;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code starling eval lm --model MODEL.gguf --train FILE --heldout FILE}: bits per byte of the held-out file for the
 * model and for a Kneser-Ney 5-gram trained on the training file, one line each.
 */
@Command(name = "lm", mixinStandardHelpOptions = true,
        description = {"Bits per byte of a held-out text (one post per line) for a GGUF model and for an interpolated"
                + " modified Kneser-Ney n-gram trained on --train: over bytes, and over the model's tokens when a model"
                + " is given. The denominator is the UTF-8 bytes of the held-out lines plus one newline per line, the"
                + " same for every line, so models with different tokenizers compare directly.",
                "The model is run over the posts joined by its end-of-text token (each post also opened by"
                        + " --post-start when the model has that token, as Starling trains its models), in windows of"
                        + " --window tokens every --stride tokens; each token after the first is scored once."})
public final class LmEvalCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL.gguf",
            description = "The model to evaluate (optional: without it only the n-grams are reported)")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "Without --model: the tokenizer of the token n-gram (a GGUF, e.g. vocabulary-only, or a"
                    + " Hugging Face tokenizer.json)")
    Path tokenizerFile;

    @Option(names = "--train", required = true, paramLabel = "FILE", description = "Training text for the n-gram")
    Path train;

    @Option(names = "--heldout", required = true, paramLabel = "FILE", description = "Held-out text")
    Path heldout;

    @Option(names = "--order", defaultValue = "5", description = "n-gram order (default ${DEFAULT-VALUE})")
    int order;

    @Option(names = "--ngram", defaultValue = "both", paramLabel = "bytes|tokens|both",
            description = "What the n-gram runs over; tokens needs --model (default ${DEFAULT-VALUE})")
    String ngram;

    @Option(names = "--window", paramLabel = "TOKENS",
            description = "Context window for the model (default: the model's context, at most 1024)")
    Integer window;

    @Option(names = "--stride", paramLabel = "TOKENS", description = "Tokens between window starts (default: half the window)")
    Integer stride;

    @Option(names = "--post-start", defaultValue = SpecialTokens.POST, paramLabel = "TOKEN|none",
            description = "The control token that opens each post in the model's training data; used when the model's"
                    + " vocabulary has it, so the model is scored on the framing it learned (default ${DEFAULT-VALUE};"
                    + " none: posts joined by end-of-text only)")
    String postStart;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads for the model (default: all cores)")
    Integer threads;

    @Option(names = "--max-bytes", defaultValue = "268435456", paramLabel = "BYTES",
            description = "Largest --train or --heldout file read (default ${DEFAULT-VALUE})")
    long maxBytes;

    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        if (!ngram.equals("bytes") && !ngram.equals("tokens") && !ngram.equals("both")) {
            throw new IllegalArgumentException("--ngram " + ngram + " is not bytes, tokens or both");
        }
        if (ngram.equals("tokens") && model == null && tokenizerFile == null) {
            throw new IllegalArgumentException("--ngram tokens needs --model or --tokenizer");
        }
        if (model != null && tokenizerFile != null) {
            throw new IllegalArgumentException("--tokenizer is for evaluating without --model; the model brings its own");
        }
        if (order < 1 || order > 8) {
            throw new IllegalArgumentException("--order " + order + " is outside 1..8");
        }
        for (Path p : new Path[] {train, heldout, model, tokenizerFile}) {
            if (p != null && !Files.isRegularFile(p)) {
                throw new IllegalArgumentException(p + " is not a file");
            }
        }
        HeldOutText trainText = HeldOutText.read(train, maxBytes);
        HeldOutText heldText = HeldOutText.read(heldout, maxBytes);
        err.printf(Locale.ROOT, "starling: train %s: %d posts, %d bytes; held-out %s: %d posts, %d bytes%n", train,
                trainText.lines().size(), trainText.bytes(), heldout, heldText.lines().size(), heldText.bytes());
        if (heldText.bytes() == 0) {
            throw new IllegalArgumentException(heldout + " is empty");
        }
        if (model != null) {
            int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
            if (t < 1 || t > 1024) {
                throw new IllegalArgumentException("--threads " + t + " is outside 1..1024");
            }
            try (ComputePool pool = new ComputePool(t); LlamaModel m = LlamaModel.load(model, pool, 1)) {
                int context = m.config().contextLength();
                int w = window == null ? Math.min(context, 1024) : window;
                if (w < 2 || w > context) {
                    throw new IllegalArgumentException("--window " + w + " is outside 2.." + context
                            + " (the model's context length)");
                }
                int s = stride == null ? Math.max(1, w / 2) : stride;
                if (s < 1 || s >= w) {
                    throw new IllegalArgumentException("--stride " + s + " is outside 1.." + (w - 1));
                }
                int startId = postStart.equals("none") ? -1 : m.tokenizer().specialId(postStart).orElse(-1);
                long total = heldText.tokenStream(m.tokenizer(), startId).length - 1L;
                long[] lastTenth = {-1};
                long t0 = System.nanoTime();
                BitsPerByte r = LmEvaluation.model("model " + model.getFileName(), m.transformer(), m.tokenizer(),
                        heldText, startId, w, s, done -> {
                            long tenth = done * 10 / Math.max(1, total);
                            if (tenth != lastTenth[0]) {
                                lastTenth[0] = tenth;
                                double secs = (System.nanoTime() - t0) / 1e9;
                                err.printf(Locale.ROOT, "starling: model %d/%d tokens (%.0f tok/s)%n", done, total,
                                        done / Math.max(secs, 1e-9));
                            }
                        });
                out.println(r.format());
                if (!ngram.equals("bytes")) {
                    out.println(LmEvaluation.ngramOverTokens(m.tokenizer(), trainText, heldText, order).format());
                }
            }
        }
        if (tokenizerFile != null && !ngram.equals("bytes")) {
            Tokenizer tok = tokenizerFile.getFileName().toString().endsWith(".json")
                    ? Tokenizers.fromHuggingFaceJson(tokenizerFile) : Tokenizers.fromGguf(tokenizerFile);
            out.println(LmEvaluation.ngramOverTokens("tokens of " + tokenizerFile.getFileName(), tok, trainText,
                    heldText, order).format());
        }
        if (!ngram.equals("tokens")) {
            out.println(LmEvaluation.ngramOverBytes(trainText, heldText, order).format());
        }
        return 0;
    }
}
