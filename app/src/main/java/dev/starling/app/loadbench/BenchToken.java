package dev.starling.app.loadbench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An OAuth bearer token of a seeded account, as the load generator uses it.
 *
 * <p>Tokens file format, version 1 (UTF-8 text): the first line is exactly {@value #HEADER}; each
 * further line is {@code <account id>\t<token>}; at most {@value #MAX_TOKENS} tokens. The file holds
 * live secrets and is written readable by its owner only.
 */
public record BenchToken(long accountId, String token) {
    public static final String HEADER = "# starling loadbench tokens v1";
    public static final int MAX_TOKENS = 1_000_000;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{16,256}");

    public BenchToken {
        if (accountId <= 0) {
            throw new IllegalArgumentException("account id must be > 0, was " + accountId);
        }
        if (token == null || !TOKEN.matcher(token).matches()) {
            throw new IllegalArgumentException("token must be 16..256 URL-safe characters");
        }
    }

    public static void write(Path file, List<BenchToken> tokens) {
        if (tokens.size() > MAX_TOKENS) {
            throw new IllegalArgumentException("at most " + MAX_TOKENS + " tokens, got " + tokens.size());
        }
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (BenchToken t : tokens) {
            sb.append(t.accountId).append('\t').append(t.token).append('\n');
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.writeString(file, sb, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write tokens file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a tokens file; a malformed file gives an exception naming the file and line. */
    public static List<BenchToken> read(Path file) {
        List<String> lines;
        try {
            if (Files.size(file) > 200L * MAX_TOKENS) {
                throw new IllegalArgumentException(file + ": tokens file is larger than " + (200L * MAX_TOKENS) + " bytes");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read tokens file " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.getFirst().equals(HEADER)) {
            throw new IllegalArgumentException(file + ":1: not a loadbench tokens file (expected first line '" + HEADER + "')");
        }
        List<BenchToken> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected '<account id>\\t<token>'");
            }
            try {
                out.add(new BenchToken(Long.parseLong(line.substring(0, tab)), line.substring(tab + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
            if (out.size() > MAX_TOKENS) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": more than " + MAX_TOKENS + " tokens");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no tokens");
        }
        return out;
    }
}
