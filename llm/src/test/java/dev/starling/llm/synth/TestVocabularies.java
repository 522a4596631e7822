package dev.starling.llm.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;

/** Real vocabularies from the shared data, parsed once per JVM (the tokenizer.json files are 9-11 MB). */
final class TestVocabularies {

    private static final ConcurrentHashMap<String, ModelVocabulary> CACHE = new ConcurrentHashMap<>();

    private TestVocabularies() {
    }

    /** The shared data file under tokenizers/, or a skipped test when the data is absent. */
    static Path data(String rel) {
        Path p = Path.of(System.getProperty("starling.shared.dir", "../shared"), "data", "tokenizers", rel);
        Assumptions.assumeTrue(Files.exists(p), "shared data absent, skipping: " + p);
        return p;
    }

    /** The vocabulary of tokenizers/{dir}/tokenizer.json ("llama3" or "qwen3"). */
    static ModelVocabulary json(String dir) {
        Path p = data(dir + "/tokenizer.json");
        return CACHE.computeIfAbsent(dir, d -> {
            try {
                return ModelVocabulary.fromTokenizerJson(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
