package dev.starling.llm.tokenizer;

import dev.starling.llm.gguf.GgufFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shared tokenizer data ({@code <starling.shared.dir>/data/tokenizers}) and llama.cpp's test vectors. Tests skip
 * with a message naming the path when the data is absent. Tokenizers are loaded once per JVM.
 */
final class TokenizerTestData {

    static final String MARKER = "\n__ggml_vocab_test__\n";
    private static final Map<String, Tokenizer> LOADED = new ConcurrentHashMap<>();

    /** One case of a vector file: input text and the expected ids. */
    record Case(int index, String text, int[] expected) {
    }

    private TokenizerTestData() {
    }

    static Path dir() {
        String shared = System.getProperty("starling.shared.dir", "../shared");
        Path dir = Path.of(shared, "data", "tokenizers");
        assumeTrue(Files.isDirectory(dir), "shared tokenizer data not found at " + dir.toAbsolutePath()
                + " (set -Dstarling.shared.dir); skipping");
        return dir;
    }

    static Path file(String name) {
        Path p = dir().resolve(name);
        assumeTrue(Files.exists(p), "shared tokenizer file not found: " + p.toAbsolutePath() + "; skipping");
        return p;
    }

    /** gpt-2, llama-spm, phi-3, bert-bge from their GGUF; llama-bpe and qwen2 from the Llama 3 / Qwen3 json. */
    static Tokenizer tokenizer(String name) {
        return LOADED.computeIfAbsent(name, n -> {
            try {
                return switch (n) {
                    case "llama-bpe" -> Tokenizers.fromHuggingFaceJson(file("llama3/tokenizer.json"));
                    case "qwen2" -> Tokenizers.fromHuggingFaceJson(file("qwen3/tokenizer.json"));
                    default -> {
                        try (GgufFile g = GgufFile.open(file("ggml-vocab-" + n + ".gguf"))) {
                            yield Tokenizers.fromGguf(g.metadata());
                        }
                    }
                };
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /**
     * The cases of llama.cpp's test-tokenizer-0 for a vocabulary: each text in the .inp is followed by the marker line;
     * line i of the .out lists the expected ids of case i, each preceded by a space.
     */
    static List<Case> cases(String name) throws IOException {
        String inp = Files.readString(file("ggml-vocab-" + name + ".gguf.inp"), StandardCharsets.UTF_8);
        List<String> texts = new ArrayList<>();
        int from = 0;
        while (from < inp.length()) {
            int at = inp.indexOf(MARKER, from);
            if (at < 0) {
                throw new IOException(name + ".inp: text after the last marker at char " + from);
            }
            texts.add(inp.substring(from, at));
            from = at + MARKER.length();
        }
        List<String> lines = Files.readAllLines(file("ggml-vocab-" + name + ".gguf.out"), StandardCharsets.UTF_8);
        if (lines.size() != texts.size()) {
            throw new IOException(name + ": " + texts.size() + " inputs but " + lines.size() + " expected outputs");
        }
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String line = lines.get(i).strip();
            int[] ids = line.isEmpty() ? new int[0]
                    : java.util.Arrays.stream(line.split(" ")).mapToInt(Integer::parseInt).toArray();
            cases.add(new Case(i, texts.get(i), ids));
        }
        return cases;
    }
}
