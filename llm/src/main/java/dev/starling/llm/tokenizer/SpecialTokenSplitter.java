package dev.starling.llm.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits text at occurrences of special-token texts (leftmost, then longest match), so that {@code "<|eot_id|>"}
 * becomes one id. Control tokens are matched only when asked to parse special tokens; user-defined tokens always.
 */
final class SpecialTokenSplitter {

    /**
     * A special token: its text, id, whether it is matched even when special parsing is off, and whether it swallows
     * the whitespace before (lstrip) or after (rstrip) it.
     */
    record Special(String text, int id, boolean always, boolean lstrip, boolean rstrip) {
        Special(String text, int id, boolean always) {
            this(text, id, always, false, false);
        }
    }

    /** Receives the pieces of a split, in order. */
    interface Sink {
        /** Ordinary text between specials, chars [start, end) of the input; never empty. */
        void text(String input, int start, int end);

        /** A matched special token. */
        void special(int id);
    }

    /** Specials by first char, longest first. */
    private final Map<Character, Special[]> byFirstChar;
    private final boolean anyAlways;
    private final boolean unicodeWhitespace;

    /** A splitter whose lstrip/rstrip swallow whitespace as C's isspace (llama.cpp). */
    SpecialTokenSplitter(List<Special> specials) {
        this(specials, false);
    }

    /**
     * @param unicodeWhitespace lstrip/rstrip swallow Unicode White_Space (Hugging Face tokenizers, Rust's
     *                          char::is_whitespace: also U+00A0, U+3000, ...) rather than C's isspace (llama.cpp)
     */
    SpecialTokenSplitter(List<Special> specials, boolean unicodeWhitespace) {
        this.unicodeWhitespace = unicodeWhitespace;
        Map<Character, List<Special>> lists = new HashMap<>();
        boolean always = false;
        for (Special s : specials) {
            if (s.text().isEmpty()) {
                continue;
            }
            lists.computeIfAbsent(s.text().charAt(0), c -> new ArrayList<>()).add(s);
            always |= s.always();
        }
        Map<Character, Special[]> map = HashMap.newHashMap(lists.size());
        for (var e : lists.entrySet()) {
            List<Special> l = e.getValue();
            l.sort(Comparator.comparingInt((Special s) -> s.text().length()).reversed()
                    .thenComparingInt(Special::id));
            map.put(e.getKey(), l.toArray(Special[]::new));
        }
        this.byFirstChar = map;
        this.anyAlways = always;
    }

    /** Whitespace as C's isspace, which llama.cpp uses for lstrip and rstrip; or Unicode White_Space (HF). */
    private boolean isSpace(char c) {
        return unicodeWhitespace ? WordPieceTokenizer.isWhiteSpace(c) : c == ' ' || (c >= '\t' && c <= '\r');
    }

    void split(String text, boolean parseSpecial, Sink sink) {
        if (text.isEmpty()) {
            return;
        }
        if (byFirstChar.isEmpty() || (!parseSpecial && !anyAlways)) {
            sink.text(text, 0, text.length());
            return;
        }
        int textStart = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            Special[] candidates = byFirstChar.get(text.charAt(i));
            Special match = null;
            if (candidates != null) {
                for (Special s : candidates) {
                    if ((parseSpecial || s.always()) && text.startsWith(s.text(), i)) {
                        match = s;
                        break;
                    }
                }
            }
            if (match == null) {
                i++;
                continue;
            }
            int textEnd = i;
            if (match.lstrip()) {
                while (textEnd > textStart && isSpace(text.charAt(textEnd - 1))) {
                    textEnd--;
                }
            }
            if (textEnd > textStart) {
                sink.text(text, textStart, textEnd);
            }
            sink.special(match.id());
            i += match.text().length();
            if (match.rstrip()) {
                while (i < n && isSpace(text.charAt(i))) {
                    i++;
                }
            }
            textStart = i;
        }
        if (textStart < n) {
            sink.text(text, textStart, n);
        }
    }
}
