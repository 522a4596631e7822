package dev.starling.llm.tokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Splits text into pre-tokens with a regular expression, as Hugging Face's {@code Split} pre-tokenizer with behavior
 * {@code Isolated}: each match is a pre-token, and so is any text between matches.
 *
 * <p>The patterns are compiled with {@link Pattern#UNICODE_CHARACTER_CLASS}, so {@code \s} is Unicode White_Space as
 * in Oniguruma (Hugging Face) and Python's {@code regex}, and {@code (?i)} folds Unicode case. Whether that is
 * faithful is checked against the llama.cpp test vectors, not assumed (see TokenizerVectorsTest).
 * <p>Letters, numbers and marks are the JDK's (Unicode 16.0 in Java 25). llama.cpp's tables are older: a character first
 * assigned in Unicode 16.0 (U+13B72, say) is a letter here and "other" there, so text with one can split differently
 * (LlamaCppTokenizerParityTest keeps such blocks out of its random text; they are rare in real posts).
 */
public final class PreTokenizer {

    /** GPT-2 (and Hugging Face's ByteLevel pre-tokenizer with use_regex). */
    public static final String GPT2 =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    /** Llama 3: case-insensitive contractions, digits in groups of up to three. */
    public static final String LLAMA3 =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Qwen2 (and Qwen2.5, Qwen3): as Llama 3, but each digit alone. */
    public static final String QWEN2 =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /**
     * llama.cpp's "default" BPE pre-tokenizer: these regexes applied one after the other, each splitting the pieces
     * of the previous one (punctuation runs, then the GPT-2 regex, then number runs, then groups of three digits).
     */
    static final String[] LLAMA_CPP_DEFAULT = {"[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]"};

    /** The regexes, applied in sequence. */
    private final Pattern[] patterns;
    /** Hand-written equivalents of the patterns where known; else null entries. */
    private final FastPreTokenizers.Splitter[] fast;

    private PreTokenizer(Pattern[] patterns) {
        this.patterns = patterns;
        this.fast = new FastPreTokenizers.Splitter[patterns.length];
        for (int i = 0; i < patterns.length; i++) {
            fast[i] = FastPreTokenizers.forRegex(patterns[i].pattern());
        }
    }

    /** A pre-tokenizer for a regex in the dialect of tokenizer.json (Oniguruma); fails naming the pattern. */
    public static PreTokenizer of(String regex) {
        return sequence(regex);
    }

    /** Regexes applied one after the other, each splitting every piece of the previous one (as llama.cpp does). */
    public static PreTokenizer sequence(String... regexes) {
        if (regexes.length == 0) {
            throw new IllegalArgumentException("a pre-tokenizer needs at least one regex");
        }
        Pattern[] patterns = new Pattern[regexes.length];
        for (int i = 0; i < regexes.length; i++) {
            try {
                patterns[i] = Pattern.compile(regexes[i], Pattern.UNICODE_CHARACTER_CLASS);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("pre-tokenizer regex cannot be compiled: " + e.getDescription()
                        + " in " + regexes[i], e);
            }
        }
        return new PreTokenizer(patterns);
    }

    /**
     * The pre-tokenizer for a GGUF {@code tokenizer.ggml.pre} name (the names llama.cpp maps to these regexes).
     *
     * @throws IllegalArgumentException naming the value when it is not supported
     */
    public static PreTokenizer forGgufPre(String pre) {
        return switch (pre.toLowerCase(Locale.ROOT)) {
            case "default" -> sequence(LLAMA_CPP_DEFAULT);
            case "gpt-2", "gpt2", "phi-2", "jina-es", "jina-de", "jina-v1-en", "jina-v2-es", "jina-v2-de",
                 "jina-v2-code", "roberta-bpe", "mpt", "olmo" -> of(GPT2);
            case "llama-bpe", "llama3", "llama-v3", "dbrx", "smaug-bpe", "falcon3", "pixtral" -> of(LLAMA3);
            case "qwen2", "deepseek-r1-qwen", "stablelm2" -> of(QWEN2);
            default -> throw new IllegalArgumentException("tokenizer.ggml.pre '" + pre
                    + "' is not supported; supported: default, gpt-2 (and its aliases), llama-bpe/llama3, qwen2");
        };
    }

    /** The regex sources, in the order they apply. */
    public List<String> regexes() {
        return Arrays.stream(patterns).map(Pattern::pattern).toList();
    }

    /** Whether a hand-written splitter replaces java.util.regex for every stage. */
    boolean isFast() {
        return Arrays.stream(fast).allMatch(Objects::nonNull);
    }

    /** Calls the consumer with each pre-token of chars [start, end) of text, in order. */
    void split(String text, int start, int end, Consumer<String> piece) {
        split(text, start, end, piece, true);
    }

    /** The reference: the same split by java.util.regex alone. */
    void splitWithRegex(String text, int start, int end, Consumer<String> piece) {
        split(text, start, end, piece, false);
    }

    private void split(String text, int start, int end, Consumer<String> piece, boolean useFast) {
        if (patterns.length == 1) {
            stage(0, text, start, end, useFast, (from, to) -> piece.accept(text.substring(from, to)));
            return;
        }
        IntList ranges = new IntList(16);
        ranges.add(start);
        ranges.add(end);
        for (int s = 0; s < patterns.length; s++) {
            IntList next = new IntList(ranges.size() * 2);
            for (int r = 0; r < ranges.size(); r += 2) {
                stage(s, text, ranges.get(r), ranges.get(r + 1), useFast, (from, to) -> {
                    next.add(from);
                    next.add(to);
                });
            }
            ranges = next;
        }
        for (int r = 0; r < ranges.size(); r += 2) {
            piece.accept(text.substring(ranges.get(r), ranges.get(r + 1)));
        }
    }

    /** One regex over chars [start, end): each match is a piece, and so is any text between matches. */
    private void stage(int s, String text, int start, int end, boolean useFast, FastPreTokenizers.Sink sink) {
        if (useFast && fast[s] != null) {
            fast[s].split(text, start, end, sink);
            return;
        }
        Matcher m = patterns[s].matcher(text);
        m.region(start, end);
        int last = start;
        while (m.find()) {
            if (m.start() > last) {
                sink.piece(last, m.start());
            }
            if (m.end() > m.start()) {
                sink.piece(m.start(), m.end());
            }
            last = m.end();
        }
        if (last < end) {
            sink.piece(last, end);
        }
    }
}
