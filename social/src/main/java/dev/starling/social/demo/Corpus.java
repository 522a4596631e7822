package dev.starling.social.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.social.posts.PostText;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Post texts for the demo network: the default corpus written for Starling (a resource, no
 * third-party text), or a file with one post per line, or JSONL with a {@code "text"} field per
 * line (detected by a first non-blank line starting with '{'). Texts longer than the post limit,
 * blank lines and malformed JSON lines are skipped and counted.
 */
public record Corpus(String name, List<String> texts, int skipped) {

    public static final long MAX_FILE_BYTES = 64L * 1024 * 1024;
    public static final int MAX_TEXTS = 1_000_000;
    private static final String RESOURCE = "/dev/starling/social/demo/corpus.txt";

    public Corpus {
        texts = List.copyOf(texts);
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("corpus " + name + " has no usable post texts");
        }
    }

    /** The corpus shipped with Starling (300+ short original posts). */
    public static Corpus defaultCorpus() {
        try (InputStream in = Corpus.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return read("default", in);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + RESOURCE, e);
        }
    }

    /** Reads a corpus file (plain lines or JSONL), at most {@value #MAX_FILE_BYTES} bytes. */
    public static Corpus fromFile(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IOException("corpus file " + file + " is " + size + " bytes; the limit is " + MAX_FILE_BYTES);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(file.toString(), in);
        }
    }

    static Corpus read(String name, InputStream in) throws IOException {
        PostText rules = new PostText(PostText.DEFAULT_MAX_WEIGHTED_LENGTH);
        ObjectMapper json = new ObjectMapper();
        List<String> texts = new ArrayList<>();
        int skipped = 0;
        Boolean jsonl = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                if (jsonl == null) {
                    jsonl = line.stripLeading().startsWith("{");
                }
                String text = line.strip();
                if (jsonl) {
                    try {
                        JsonNode node = json.readTree(line);
                        JsonNode t = node == null ? null : node.get("text");
                        text = t != null && t.isTextual() ? t.asText().strip() : null;
                    } catch (IOException e) {
                        text = null;
                    }
                }
                if (text == null || rules.validate(text).isPresent()) {
                    skipped++;
                    continue;
                }
                texts.add(text);
                if (texts.size() >= MAX_TEXTS) {
                    break;
                }
            }
        }
        return new Corpus(name, texts, skipped);
    }
}
