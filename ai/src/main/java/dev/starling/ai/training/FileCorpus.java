package dev.starling.ai.training;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * A corpus file with one post per line (UTF-8). Blank lines and lines longer than {@link #MAX_POST_CHARS}
 * are left out and counted in the manifest; the line number is the key of the train/validation split.
 */
public final class FileCorpus implements CorpusSource {
    /** Longest line taken as a post; longer ones are excluded as "too long". */
    public static final int MAX_POST_CHARS = 20_000;
    /** Most posts read from one file. */
    public static final int MAX_POSTS = 20_000_000;

    private final Path file;
    private final Clock clock;

    public FileCorpus(Path file) {
        this(file, Clock.systemUTC());
    }

    public FileCorpus(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    @Override
    public String describe() {
        return "file " + file;
    }

    @Override
    public CorpusSnapshot read(long seed, double validationFraction, BooleanSupplier cancelled) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("corpus file " + file + " does not exist or is not a file");
        }
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> train = new ArrayList<>();
        List<String> validation = new ArrayList<>();
        long blank = 0;
        long tooLong = 0;
        long lineNumber = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder), 1 << 16)) {
            for (String line; (line = r.readLine()) != null; ) {
                lineNumber++;
                if ((lineNumber & 4095) == 0 && cancelled.getAsBoolean()) {
                    throw new CancellationException("cancelled while reading " + file);
                }
                String post = line.strip();
                if (post.isEmpty()) {
                    blank++;
                } else if (post.length() > MAX_POST_CHARS) {
                    tooLong++;
                } else {
                    if (train.size() + validation.size() >= MAX_POSTS) {
                        throw new IOException(file + " line " + lineNumber + ": more than " + MAX_POSTS
                                + " posts; split the corpus");
                    }
                    (CorpusSnapshot.isValidation(lineNumber, seed, validationFraction) ? validation : train).add(post);
                }
            }
        } catch (CharacterCodingException e) {
            throw new IOException(file + " line " + (lineNumber + 1) + ": not valid UTF-8", e);
        }
        Map<String, Long> excluded = new LinkedHashMap<>();
        excluded.put("blank line", blank);
        excluded.put("longer than " + MAX_POST_CHARS + " chars", tooLong);
        CorpusManifest manifest = new CorpusManifest(describe(), clock.instant(), train.size() + validation.size(), -1,
                excluded, Map.of());
        return new CorpusSnapshot(train, validation, manifest);
    }
}
