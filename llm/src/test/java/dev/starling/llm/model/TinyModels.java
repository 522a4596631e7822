package dev.starling.llm.model;

import dev.starling.llm.bench.RandomDecoder;
import dev.starling.llm.gguf.GgmlType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/** Small random models written once per JVM into a temp directory, shared by the model tests. */
final class TinyModels {
    private static final ConcurrentHashMap<String, Path> CACHE = new ConcurrentHashMap<>();
    private static Path dir;

    private TinyModels() {
    }

    static synchronized Path path(RandomDecoder spec) {
        String key = spec.toString();
        Path p = CACHE.get(key);
        if (p != null) {
            return p;
        }
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("starling-tiny-models");
                dir.toFile().deleteOnExit();
            }
            p = dir.resolve(spec.architecture() + "-" + spec.type() + "-" + spec.seed() + (spec.tied() ? "-tied" : "") + "-" + CACHE.size() + ".gguf");
            spec.write(p);
            p.toFile().deleteOnExit();
            CACHE.put(key, p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path tiny(String arch, GgmlType type) {
        return path(RandomDecoder.tiny(arch, type, 7));
    }
}
