package dev.starling.llm.tokenizer.train;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first pass of BPE training: the corpus cut at special tokens (which never take part in merges), split into
 * pre-tokens by the pre-tokenizer regex exactly as {@code ByteLevelBpeTokenizer} splits text (each match is a
 * pre-token, and so is any text between matches), and counted as distinct words of UTF-8 bytes.
 */
final class CorpusWords {

    /** Distinct pre-tokens in first-seen order, with their counts. */
    final Map<String, long[]> counts = new LinkedHashMap<>();
    long textsUsed;
    long bytesUsed;
    /** True when the byte limit stopped reading before the corpus ended. */
    boolean truncated;

    private final Pattern pattern;
    private final List<String> specials;

    CorpusWords(PreTokenization pre, List<String> specials) {
        this.pattern = Pattern.compile(pre.regex(), Pattern.UNICODE_CHARACTER_CLASS);
        this.specials = specials;
    }

    /** Reads texts until the corpus ends or the next text would pass maxBytes (UTF-8 bytes). */
    void read(Iterator<? extends CharSequence> texts, long maxBytes) {
        while (texts.hasNext()) {
            CharSequence next = texts.next();
            if (next == null) {
                throw new IllegalArgumentException("corpus text " + textsUsed + " is null");
            }
            String text = next.toString();
            long bytes = utf8Length(text);
            if (bytesUsed + bytes > maxBytes) {
                truncated = true;
                return;
            }
            bytesUsed += bytes;
            textsUsed++;
            addText(text);
        }
    }

    private void addText(String text) {
        int start = 0;
        while (start < text.length()) {
            int bestAt = text.length();
            int bestLength = 0;
            for (String s : specials) {
                int at = text.indexOf(s, start);
                if (at >= 0 && (at < bestAt || (at == bestAt && s.length() > bestLength))) {
                    bestAt = at;
                    bestLength = s.length();
                }
            }
            if (bestAt > start) {
                addOrdinary(text, start, bestAt);
            }
            start = bestAt + bestLength;
        }
    }

    private void addOrdinary(String text, int start, int end) {
        Matcher m = pattern.matcher(text);
        m.region(start, end);
        int last = start;
        while (m.find()) {
            if (m.start() > last) {
                count(text.substring(last, m.start()));
            }
            if (m.end() > m.start()) {
                count(text.substring(m.start(), m.end()));
            }
            last = m.end();
        }
        if (last < end) {
            count(text.substring(last, end));
        }
    }

    private void count(String piece) {
        counts.computeIfAbsent(piece, p -> new long[1])[0]++;
    }

    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3; // includes a lone surrogate, which UTF-8 encoding replaces by '?' (1 byte): an upper bound
            }
        }
        return n;
    }

    static byte[] utf8(String piece) {
        return piece.getBytes(StandardCharsets.UTF_8);
    }
}
