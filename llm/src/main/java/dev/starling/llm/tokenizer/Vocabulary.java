package dev.starling.llm.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The token table of a tokenizer: texts, types, optional scores, and the special ids.
 *
 * <p>Built from plain arrays, so that a tokenizer can come from GGUF metadata, a Hugging Face tokenizer.json, or a
 * test. Lookup by text follows llama.cpp: when a text occurs twice the later id wins.
 *
 * @param tokens    token texts by id // [vocab]
 * @param types     token types by id // [vocab]
 * @param scores    SentencePiece scores by id, or null // [vocab]
 * @param specials  the special ids; -1 for absent ones
 * @param stripFlags per id, {@link #LSTRIP} and {@link #RSTRIP} for special tokens that swallow neighbouring
 *                  whitespace when matched in text (llama.cpp's token attributes), or null // [vocab]
 */
public record Vocabulary(String[] tokens, TokenType[] types, float[] scores, SpecialIds specials,
                         byte[] stripFlags) {

    /** The most tokens a vocabulary may have. */
    public static final int MAX_TOKENS = 1 << 22;

    /** Flag in {@link #stripFlags}: a matched special token also swallows the whitespace before it. */
    public static final byte LSTRIP = 1;
    /** Flag in {@link #stripFlags}: a matched special token also swallows the whitespace after it. */
    public static final byte RSTRIP = 2;

    /**
     * Texts of tokens that end a generation in the common model families: the list llama.cpp (llama-vocab.cpp) uses
     * to build its end-of-generation set.
     */
    static final Set<String> END_OF_GENERATION_TEXTS = Set.of(
            "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
            "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
            "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>");

    /** A vocabulary whose special tokens strip no whitespace. */
    public Vocabulary(String[] tokens, TokenType[] types, float[] scores, SpecialIds specials) {
        this(tokens, types, scores, specials, null);
    }

    /**
     * Special ids of a vocabulary; -1 means absent.
     *
     * @param bos   beginning of sequence ([CLS] for BERT)
     * @param eos   end of sequence ([SEP] for BERT)
     * @param unk   unknown token
     * @param eot   end of turn, when the vocabulary names one
     * @param pad   padding
     * @param addBos whether prompts should start with BOS by default
     */
    public record SpecialIds(int bos, int eos, int unk, int eot, int pad, boolean addBos) {
        public static SpecialIds none() {
            return new SpecialIds(-1, -1, -1, -1, -1, false);
        }
    }

    public Vocabulary {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(types, "types");
        Objects.requireNonNull(specials, "specials");
        if (tokens.length == 0 || tokens.length > MAX_TOKENS) {
            throw new IllegalArgumentException("vocabulary of " + tokens.length + " tokens; expected 1.." + MAX_TOKENS);
        }
        if (types.length != tokens.length) {
            throw new IllegalArgumentException("vocabulary has " + tokens.length + " tokens but " + types.length
                    + " token types");
        }
        if (scores != null && scores.length != tokens.length) {
            throw new IllegalArgumentException("vocabulary has " + tokens.length + " tokens but " + scores.length
                    + " scores");
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == null || types[i] == null) {
                throw new IllegalArgumentException("vocabulary token " + i + " has no text or no type");
            }
        }
        if (stripFlags != null && stripFlags.length != tokens.length) {
            throw new IllegalArgumentException("vocabulary has " + tokens.length + " tokens but " + stripFlags.length
                    + " strip flags");
        }
        checkId("bos", specials.bos(), tokens.length);
        checkId("eos", specials.eos(), tokens.length);
        checkId("unk", specials.unk(), tokens.length);
        checkId("eot", specials.eot(), tokens.length);
        checkId("pad", specials.pad(), tokens.length);
    }

    private static void checkId(String name, int id, int size) {
        if (id < -1 || id >= size) {
            throw new IllegalArgumentException(name + " token id " + id + " is outside the vocabulary of " + size
                    + " tokens");
        }
    }

    public int size() {
        return tokens.length;
    }

    /** A map from text to id (later ids win on duplicates). */
    Map<String, Integer> buildIndex() {
        Map<String, Integer> index = HashMap.newHashMap(tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            index.put(tokens[i], i);
        }
        return index;
    }

    /** Ids that end a generation: eos, eot, and control tokens with a known end-of-turn text. */
    BitSet endOfGenerationIds() {
        BitSet eog = new BitSet(tokens.length);
        if (specials.eos() >= 0) {
            eog.set(specials.eos());
        }
        if (specials.eot() >= 0) {
            eog.set(specials.eot());
        }
        for (int i = 0; i < tokens.length; i++) {
            if ((types[i] == TokenType.CONTROL || types[i] == TokenType.USER_DEFINED)
                    && END_OF_GENERATION_TEXTS.contains(tokens[i])) {
                eog.set(i);
            }
        }
        return eog;
    }

    /** Control, user-defined (and unknown) tokens that can be matched in text, longest first. */
    List<SpecialTokenSplitter.Special> matchableSpecials() {
        List<SpecialTokenSplitter.Special> list = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            TokenType t = types[i];
            if (tokens[i].isEmpty()) {
                continue;
            }
            boolean lstrip = stripFlags != null && (stripFlags[i] & LSTRIP) != 0;
            boolean rstrip = stripFlags != null && (stripFlags[i] & RSTRIP) != 0;
            if (t == TokenType.CONTROL || t == TokenType.UNKNOWN) {
                list.add(new SpecialTokenSplitter.Special(tokens[i], i, false, lstrip, rstrip));
            } else if (t == TokenType.USER_DEFINED) {
                list.add(new SpecialTokenSplitter.Special(tokens[i], i, true, lstrip, rstrip));
            }
        }
        return list;
    }

    /** The id of a control, unknown or user-defined token with exactly this text. */
    OptionalInt specialId(Map<String, Integer> index, String text) {
        Integer id = index.get(text);
        if (id == null) {
            return OptionalInt.empty();
        }
        TokenType t = types[id];
        return t == TokenType.CONTROL || t == TokenType.USER_DEFINED || t == TokenType.UNKNOWN
                ? OptionalInt.of(id) : OptionalInt.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && Arrays.equals(tokens, v.tokens) && Arrays.equals(types, v.types)
                && Arrays.equals(scores, v.scores) && specials.equals(v.specials)
                && Arrays.equals(stripFlags, v.stripFlags);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tokens) * 31 + specials.hashCode();
    }

    @Override
    public String toString() {
        return "Vocabulary[" + tokens.length + " tokens, " + specials + "]";
    }
}
