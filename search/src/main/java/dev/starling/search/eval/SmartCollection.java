package dev.starling.search.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A test collection in the SMART layout of CISI: {@code *.ALL} documents as records that start
 * with {@code .I <id>} followed by fields {@code .T} title, {@code .A} author, {@code .W} text,
 * {@code .B} source, {@code .X} cross-references (each field runs until the next line starting with
 * a dot and a letter); {@code *.QRY} queries in the same layout; {@code *.REL} judgments, one per
 * line, {@code qid docid 0 0} (white-space separated). Searchable text of a document is title +
 * text (+ author); of a query, its title + text.
 *
 * <p>Limits: files up to {@link #MAX_FILE_BYTES}; a malformed line fails with the file and line.
 */
public record SmartCollection(Map<Long, String> documents, Map<Long, String> queries, Map<Long, Set<Long>> relevant) {

    public static final long MAX_FILE_BYTES = 200L << 20;

    public static SmartCollection load(Path dir) throws IOException {
        Path all = single(dir, ".ALL");
        Path qry = single(dir, ".QRY");
        Path rel = single(dir, ".REL");
        Map<Long, String> docs = records(all, true);
        Map<Long, String> queries = records(qry, false);
        Map<Long, Set<Long>> relevant = new HashMap<>();
        List<String> lines = read(rel);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty()) {
                continue;
            }
            String[] f = l.split("\\s+");
            try {
                relevant.computeIfAbsent(Long.parseLong(f[0]), k -> new HashSet<>()).add(Long.parseLong(f[1]));
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IOException(rel + " line " + (i + 1) + ": expected 'qid docid ...', got '" + l + "'");
            }
        }
        return new SmartCollection(docs, queries, relevant);
    }

    private static Path single(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> m = s.filter(p -> p.getFileName().toString().toUpperCase().endsWith(suffix)).toList();
            if (m.size() != 1) {
                throw new IOException(dir + ": expected one *" + suffix + " file, found " + m.size());
            }
            return m.getFirst();
        }
    }

    private static List<String> read(Path p) throws IOException {
        if (Files.size(p) > MAX_FILE_BYTES) {
            throw new IOException(p + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        return Files.readAllLines(p, StandardCharsets.ISO_8859_1);
    }

    private static Map<Long, String> records(Path p, boolean withAuthor) throws IOException {
        Map<Long, String> out = new LinkedHashMap<>();
        List<String> lines = read(p);
        Long id = null;
        String field = null;
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith(".I")) {
                if (id != null) {
                    out.put(id, text.toString().strip());
                }
                try {
                    id = Long.parseLong(l.substring(2).strip());
                } catch (NumberFormatException e) {
                    throw new IOException(p + " line " + (i + 1) + ": '.I' needs a numeric id, got '" + l + "'");
                }
                text.setLength(0);
                field = null;
            } else if (l.length() >= 2 && l.charAt(0) == '.' && Character.isLetter(l.charAt(1)) && l.strip().length() == 2) {
                field = l.substring(1, 2).toUpperCase();
            } else {
                if (id == null) {
                    if (!l.isBlank()) {
                        throw new IOException(p + " line " + (i + 1) + ": text before the first '.I'");
                    }
                    continue;
                }
                if ("T".equals(field) || "W".equals(field) || (withAuthor && "A".equals(field))) {
                    text.append(l.strip()).append('\n');
                }
            }
        }
        if (id != null) {
            out.put(id, text.toString().strip());
        }
        return out;
    }

    /** Queries with at least one relevant document, in id order. */
    public List<Long> judgedQueries() {
        List<Long> q = new ArrayList<>();
        for (Long id : queries.keySet()) {
            if (relevant.containsKey(id) && !relevant.get(id).isEmpty()) {
                q.add(id);
            }
        }
        q.sort(null);
        return q;
    }
}
