package dev.starling.app.model;

import dev.starling.app.StarlingSubcommand;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufMetadata;
import dev.starling.llm.gguf.GgufTensorInfo;
import dev.starling.llm.synth.ModelVocabulary;
import dev.starling.llm.synth.Shape;
import dev.starling.llm.synth.SyntheticModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code starling gguf synth|info}: make random-weight models in real shapes, and look inside GGUF files. */
@Command(name = "gguf", mixinStandardHelpOptions = true, description = "GGUF model files: make synthetic ones, inspect any.",
        subcommands = {GgufCommand.Synth.class, GgufCommand.Info.class})
public final class GgufCommand implements Runnable, StarlingSubcommand {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code starling gguf synth --shape llama-3.2-1b --type Q8_0 OUT.gguf}. */
    @Command(name = "synth", mixinStandardHelpOptions = true,
            description = "Write a random-weight model in a real model's exact shape (for tests and speed benchmarks).")
    public static final class Synth implements Callable<Integer> {

        @Option(names = "--shape", defaultValue = "llama-3.2-1b", description = "One of: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}",
                completionCandidates = ShapeNames.class)
        String shape;

        @Option(names = "--type", defaultValue = "Q8_0", description = "Weight type: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K. Default: ${DEFAULT-VALUE}")
        String type;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of the weights. Default: ${DEFAULT-VALUE}")
        long seed;

        @Option(names = "--vocab", paramLabel = "FILE", description = "A real vocabulary: a tokenizer.json or a GGUF (default: synthetic)")
        Path vocab;

        @Option(names = "--pre", defaultValue = "llama-bpe", description = "Pre-tokenizer name written with a tokenizer.json vocabulary. Default: ${DEFAULT-VALUE}")
        String pre;

        @Parameters(index = "0", paramLabel = "OUT.gguf", description = "Where to write the model")
        Path out;

        PrintStream stdout = System.out;
        PrintStream err = System.err;

        @Override
        public Integer call() {
            Shape s;
            GgmlType t;
            try {
                s = Shape.byName(shape);
                t = GgmlType.valueOf(type.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                err.println("starling: " + (e.getMessage().startsWith("No enum") ? "unknown weight type " + type
                        + " (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K)" : e.getMessage()));
                return 2;
            }
            try {
                ModelVocabulary v = null;
                if (vocab != null) {
                    v = vocab.getFileName().toString().endsWith(".gguf") ? ModelVocabulary.fromGguf(vocab)
                            : ModelVocabulary.fromTokenizerJson(vocab, pre);
                }
                if (out.getParent() != null) {
                    Files.createDirectories(out.getParent());
                }
                SyntheticModel.Result r = SyntheticModel.write(s, t, v, seed, out);
                stdout.printf(Locale.ROOT, "wrote %s: %s %s, %,d parameters, vocab %d, %d tensors, %.1f MB in %.1f s%n",
                        r.path(), s.name(), t, r.parameterCount(), r.vocabSize(), r.tensorCount(), r.sizeBytes() / 1e6,
                        r.elapsedMillis() / 1e3);
                return 0;
            } catch (IOException | IllegalArgumentException e) {
                err.println("starling: cannot write " + out + ": " + e.getMessage());
                return 1;
            }
        }
    }

    /** Shape names for picocli's help. */
    static final class ShapeNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Shape.names().iterator();
        }
    }

    /** {@code starling gguf info FILE}: version, metadata (long arrays summarized) and tensors. */
    @Command(name = "info", mixinStandardHelpOptions = true, description = "Print a GGUF file's metadata and tensors.")
    public static final class Info implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "FILE.gguf", description = "The file to read")
        Path file;

        @Option(names = "--tensors", description = "List every tensor (default: a count by type)")
        boolean tensors;

        PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = System.err;

        @Override
        public Integer call() {
            try (GgufFile gguf = GgufFile.open(file)) {
                stdout.printf(Locale.ROOT, "%s: GGUF v%d, %d bytes, %d metadata keys, %d tensors%n", file, gguf.version(),
                        gguf.sizeBytes(), gguf.metadata().size(), gguf.tensors().size());
                GgufMetadata m = gguf.metadata();
                for (String key : new java.util.TreeSet<>(m.keys())) {
                    stdout.println("  " + key + " = " + describe(m.entryOrNull(key).value()));
                }
                TreeMap<String, Integer> byType = new TreeMap<>();
                for (GgufTensorInfo t : gguf.tensors()) {
                    byType.merge(t.type().toString(), 1, Integer::sum);
                    if (tensors) {
                        stdout.println("  tensor " + t.name() + " " + t.type() + " " + Arrays.toString(t.dims()));
                    }
                }
                stdout.println("  tensor types: " + byType);
                return 0;
            } catch (IOException | RuntimeException e) {
                err.println("starling: " + e.getMessage());
                return 1;
            }
        }

        private static String describe(Object value) {
            if (value == null) {
                return "null";
            }
            if (value.getClass().isArray()) {
                int n = java.lang.reflect.Array.getLength(value);
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < Math.min(n, 5); i++) {
                    sb.append(i == 0 ? "" : ", ").append(shorten(String.valueOf(java.lang.reflect.Array.get(value, i))));
                }
                return sb.append(n > 5 ? ", ... (" + n + " items)]" : "]").toString();
            }
            if (value instanceof java.util.List<?> list) {
                return describe(list.toArray());
            }
            return shorten(String.valueOf(value));
        }

        private static String shorten(String s) {
            String oneLine = s.replace("\n", "\\n");
            return oneLine.length() > 120 ? oneLine.substring(0, 117) + "..." : oneLine;
        }
    }
}
