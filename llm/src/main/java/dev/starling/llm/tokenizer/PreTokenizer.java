package dev.starling.llm.tokenizer;

import java.util.Locale;
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

    private final Pattern pattern;
    /** A hand-written equivalent of the pattern, when it is one of the known ones; else null. */
    private final FastPreTokenizers.Splitter fast;

    private PreTokenizer(Pattern pattern) {
        this.pattern = pattern;
        this.fast = FastPreTokenizers.forRegex(pattern.pattern());
    }

    /** A pre-tokenizer for a regex in the dialect of tokenizer.json (Oniguruma); fails naming the pattern. */
    public static PreTokenizer of(String regex) {
        try {
            return new PreTokenizer(Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("pre-tokenizer regex cannot be compiled: " + e.getDescription()
                    + " in " + regex, e);
        }
    }

    /**
     * The pre-tokenizer for a GGUF {@code tokenizer.ggml.pre} name.
     *
     * @throws IllegalArgumentException naming the value when it is not supported
     */
    public static PreTokenizer forGgufPre(String pre) {
        return switch (pre.toLowerCase(Locale.ROOT)) {
            case "gpt-2", "gpt2", "default", "phi-2", "jina-es", "jina-de", "roberta-bpe" -> of(GPT2);
            case "llama-bpe", "llama3", "llama-v3", "dbrx", "smaug-bpe", "falcon3", "pixtral", "bailingmoe" ->
                    of(LLAMA3);
            case "qwen2", "deepseek-r1-qwen", "megrez" -> of(QWEN2);
            default -> throw new IllegalArgumentException("tokenizer.ggml.pre '" + pre
                    + "' is not supported; supported: gpt-2/default, llama-bpe/llama3 (Llama 3 regex), qwen2");
        };
    }

    /** The regex source. */
    public String regex() {
        return pattern.pattern();
    }

    /** Whether a hand-written splitter replaces java.util.regex for this pattern. */
    boolean isFast() {
        return fast != null;
    }

    /** Calls the consumer with each pre-token of chars [start, end) of text, in order. */
    void split(String text, int start, int end, Consumer<String> piece) {
        if (fast != null) {
            fast.split(text, start, end, (from, to) -> piece.accept(text.substring(from, to)));
        } else {
            splitWithRegex(text, start, end, piece);
        }
    }

    /** The reference: the same split by java.util.regex. */
    void splitWithRegex(String text, int start, int end, Consumer<String> piece) {
        Matcher m = pattern.matcher(text);
        m.region(start, end);
        int last = start;
        while (m.find()) {
            if (m.start() > last) {
                piece.accept(text.substring(last, m.start()));
            }
            if (m.end() > m.start()) {
                piece.accept(text.substring(m.start(), m.end()));
            }
            last = m.end();
        }
        if (last < end) {
            piece.accept(text.substring(last, end));
        }
    }
}
