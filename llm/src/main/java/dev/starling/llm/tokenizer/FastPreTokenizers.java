package dev.starling.llm.tokenizer;

/**
 * Hand-written splitters for the three regexes in use (GPT-2, Llama 3 and Qwen2), about twice as fast as
 * java.util.regex on them. Each reproduces the regex's leftmost-alternative, greedy, backtracking result exactly; the
 * regex stays the reference, and PreTokenizerTest checks they agree on seeded random text. Character classes as the
 * regex has them under UNICODE_CHARACTER_CLASS: \p{L} letters, \p{N} numbers, \s Unicode White_Space; "other" is
 * none of these.
 */
final class FastPreTokenizers {

    /** Receives pre-tokens as char ranges of the text. */
    interface Sink {
        void piece(int start, int end);
    }

    /** A splitter of chars [start, end) of a text. */
    interface Splitter {
        void split(String text, int start, int end, Sink sink);
    }

    private FastPreTokenizers() {
    }

    /** The fast splitter for one of the known regexes, or null. */
    static Splitter forRegex(String regex) {
        if (regex.equals(PreTokenizer.GPT2)) {
            return FastPreTokenizers::gpt2;
        }
        if (regex.equals(PreTokenizer.LLAMA3)) {
            return (text, start, end, sink) -> llama3(text, start, end, 3, sink);
        }
        if (regex.equals(PreTokenizer.QWEN2)) {
            return (text, start, end, sink) -> llama3(text, start, end, 1, sink);
        }
        return null;
    }

    static boolean isLetter(int cp) {
        return Character.isLetter(cp);
    }

    static boolean isNumber(int cp) {
        int t = Character.getType(cp);
        return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }

    /** Unicode White_Space, as \s under UNICODE_CHARACTER_CLASS. */
    static boolean isSpace(int cp) {
        return WordPieceTokenizer.isWhiteSpace(cp);
    }

    private static boolean isOther(int cp) {
        return !isSpace(cp) && !isLetter(cp) && !isNumber(cp);
    }

    /** The code point at i, never reading at or past end (a pair cut by end counts as its high surrogate). */
    private static int cp(String s, int i, int end) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
            return Character.toCodePoint(c, s.charAt(i + 1));
        }
        return c;
    }

    private static int letterRun(String s, int i, int end) {
        while (i < end) {
            int c = cp(s, i, end);
            if (!isLetter(c)) {
                break;
            }
            i += Character.charCount(c);
        }
        return i;
    }

    private static int numberRun(String s, int i, int end, int max) {
        for (int n = 0; i < end && n < max; n++) {
            int c = cp(s, i, end);
            if (!isNumber(c)) {
                break;
            }
            i += Character.charCount(c);
        }
        return i;
    }

    private static int otherRun(String s, int i, int end) {
        while (i < end) {
            int c = cp(s, i, end);
            if (!isOther(c)) {
                break;
            }
            i += Character.charCount(c);
        }
        return i;
    }

    private static int spaceRun(String s, int i, int end) {
        while (i < end && isSpace(s.charAt(i))) { // every White_Space char is in the BMP
            i++;
        }
        return i;
    }

    /** Whitespace at i (a run to j): \s+(?!\S) backtracks one char before a non-space, else \s+. */
    private static int spaceTail(int i, int j, int end) {
        if (j == end) {
            return j;
        }
        return j - i >= 2 ? j - 1 : j;
    }

    /** Length of a contraction at i ('s 't 're 've 'm 'll 'd, optionally ignoring case), or 0. */
    private static int contraction(String s, int i, int end, boolean ignoreCase) {
        if (s.charAt(i) != '\'' || i + 1 >= end) {
            return 0;
        }
        int c1 = cp(s, i + 1, end);
        int n1 = Character.charCount(c1);
        if (is(c1, 's', ignoreCase) || is(c1, 't', ignoreCase)) {
            return 1 + n1;
        }
        if (i + 1 + n1 < end) {
            int c2 = cp(s, i + 1 + n1, end);
            int n2 = Character.charCount(c2);
            if ((is(c1, 'r', ignoreCase) || is(c1, 'v', ignoreCase)) && is(c2, 'e', ignoreCase)) {
                return 1 + n1 + n2;
            }
            if (is(c1, 'm', ignoreCase)) {
                return 1 + n1;
            }
            if (is(c1, 'l', ignoreCase) && is(c2, 'l', ignoreCase)) {
                return 1 + n1 + n2;
            }
            if (is(c1, 'd', ignoreCase)) {
                return 1 + n1;
            }
            return 0;
        }
        return is(c1, 'm', ignoreCase) || is(c1, 'd', ignoreCase) ? 1 + n1 : 0;
    }

    /** Equality as java.util.regex compares a literal under CASE_INSENSITIVE | UNICODE_CASE (so ſ matches s). */
    private static boolean is(int cp, char lower, boolean ignoreCase) {
        if (cp == lower) {
            return true;
        }
        return ignoreCase && Character.toLowerCase(Character.toUpperCase(cp)) == lower;
    }

    /**
     * {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}.
     */
    static void gpt2(String s, int start, int end, Sink sink) {
        int i = start;
        while (i < end) {
            int c = cp(s, i, end);
            int cc = Character.charCount(c);
            int j;
            int k = contraction(s, i, end, false);
            if (k > 0) {
                j = i + k;
            } else if (c == ' ' && i + 1 < end && !isSpace(cp(s, i + 1, end))) {
                int n = cp(s, i + 1, end);
                j = isLetter(n) ? letterRun(s, i + 1, end)
                        : isNumber(n) ? numberRun(s, i + 1, end, Integer.MAX_VALUE) : otherRun(s, i + 1, end);
            } else if (isLetter(c)) {
                j = letterRun(s, i, end);
            } else if (isNumber(c)) {
                j = numberRun(s, i, end, Integer.MAX_VALUE);
            } else if (!isSpace(c)) {
                j = otherRun(s, i, end);
            } else {
                j = spaceTail(i, spaceRun(s, i, end), end);
            }
            sink.piece(i, j);
            i = j;
        }
    }

    /**
     * {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,maxDigits}| ?[^\s\p{L}\p{N}]+[\r\n]*
     * |\s*[\r\n]+|\s+(?!\S)|\s+}.
     */
    static void llama3(String s, int start, int end, int maxDigits, Sink sink) {
        int i = start;
        while (i < end) {
            int c = cp(s, i, end);
            int cc = Character.charCount(c);
            int j;
            int k = contraction(s, i, end, true);
            if (k > 0) {
                j = i + k;
            } else if (isLetter(c)) {
                j = letterRun(s, i, end);
            } else if (c != '\r' && c != '\n' && !isNumber(c) && i + cc < end && isLetter(cp(s, i + cc, end))) {
                j = letterRun(s, i + cc, end);
            } else if (isNumber(c)) {
                j = numberRun(s, i, end, maxDigits);
            } else if (c == ' ' && i + 1 < end && isOther(cp(s, i + 1, end))) {
                j = newlineRun(s, otherRun(s, i + 1, end), end);
            } else if (isOther(c)) {
                j = newlineRun(s, otherRun(s, i, end), end);
            } else {
                int run = spaceRun(s, i, end);
                int lastNewline = -1;
                for (int p = run - 1; p >= i; p--) {
                    char ch = s.charAt(p);
                    if (ch == '\r' || ch == '\n') {
                        lastNewline = p;
                        break;
                    }
                }
                j = lastNewline >= 0 ? lastNewline + 1 : spaceTail(i, run, end);
            }
            sink.piece(i, j);
            i = j;
        }
    }

    private static int newlineRun(String s, int i, int end) {
        while (i < end && (s.charAt(i) == '\r' || s.charAt(i) == '\n')) {
            i++;
        }
        return i;
    }
}
