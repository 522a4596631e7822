package dev.starling.llm.tokenizer;

import dev.starling.llm.gguf.GgufMetadata;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

/** Builds a tokenizer from the {@code tokenizer.ggml.*} keys of GGUF metadata (the keys llama.cpp writes). */
final class GgufTokenizerLoader {

    static final String MODEL = "tokenizer.ggml.model";
    static final String PRE = "tokenizer.ggml.pre";
    static final String TOKENS = "tokenizer.ggml.tokens";
    static final String TOKEN_TYPE = "tokenizer.ggml.token_type";
    static final String SCORES = "tokenizer.ggml.scores";
    static final String MERGES = "tokenizer.ggml.merges";

    private GgufTokenizerLoader() {
    }

    static Tokenizer load(GgufMetadata md) throws IOException {
        String model = md.getString(MODEL);
        String[] tokens = md.getStringArray(TOKENS);
        if (tokens.length == 0 || tokens.length > Vocabulary.MAX_TOKENS) {
            throw new TokenizerFormatException(TOKENS + " has " + tokens.length + " tokens; expected 1.."
                    + Vocabulary.MAX_TOKENS);
        }
        TokenType[] types = new TokenType[tokens.length];
        if (md.has(TOKEN_TYPE)) {
            int[] codes = md.getIntArray(TOKEN_TYPE);
            if (codes.length != tokens.length) {
                throw new TokenizerFormatException(TOKEN_TYPE + " has " + codes.length + " entries but " + TOKENS
                        + " has " + tokens.length);
            }
            for (int i = 0; i < codes.length; i++) {
                if (codes[i] < 0 || codes[i] > 6) {
                    throw new TokenizerFormatException(TOKEN_TYPE + "[" + i + "] = " + codes[i]
                            + " is not a token type (0..6)");
                }
                types[i] = TokenType.fromCode(codes[i]);
            }
        } else {
            Arrays.fill(types, TokenType.NORMAL);
        }
        byte[] strip = LlamaCppTokenAttributes.apply(md, tokens, types);
        float[] scores = null;
        if (md.has(SCORES)) {
            scores = md.getFloatArray(SCORES);
            if (scores.length != tokens.length) {
                throw new TokenizerFormatException(SCORES + " has " + scores.length + " entries but " + TOKENS
                        + " has " + tokens.length);
            }
        }
        try {
            return switch (model) {
                case "gpt2" -> bpe(md, tokens, types, scores, strip);
                case "llama" -> spm(md, tokens, types, scores, strip);
                case "bert" -> wordPiece(md, tokens, types, scores, strip);
                default -> throw new TokenizerFormatException(MODEL + " '" + model
                        + "' is not supported; supported: gpt2 (byte-level BPE), llama (SentencePiece), bert (WordPiece)");
            };
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException("GGUF tokenizer (" + MODEL + " = " + model + "): " + e.getMessage(), e);
        }
    }

    private static int id(GgufMetadata md, String name, int dflt, int size) throws IOException {
        String key = "tokenizer.ggml." + name;
        int id = md.getInt(key, dflt);
        if (id < -1 || id >= size) {
            throw new TokenizerFormatException(key + " = " + id + " is outside the vocabulary of " + size + " tokens");
        }
        return id;
    }

    private static Tokenizer bpe(GgufMetadata md, String[] tokens, TokenType[] types, float[] scores,
                                    byte[] strip)
            throws IOException {
        String pre = md.getString(PRE, "default");
        PreTokenizer preTokenizer;
        try {
            preTokenizer = PreTokenizer.forGgufPre(pre);
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException(e.getMessage(), e);
        }
        boolean ignoreMerges = switch (pre.toLowerCase(Locale.ROOT)) {
            case "llama-bpe", "llama3", "llama-v3", "falcon3", "pixtral" -> true;
            default -> false;
        };
        int n = tokens.length;
        Vocabulary.SpecialIds specials = new Vocabulary.SpecialIds(id(md, "bos_token_id", -1, n),
                id(md, "eos_token_id", -1, n), id(md, "unknown_token_id", -1, n), id(md, "eot_token_id", -1, n),
                id(md, "padding_token_id", -1, n), md.getBoolean("tokenizer.ggml.add_bos_token", false));
        Vocabulary vocab = new Vocabulary(tokens, types, scores, specials, strip);
        String[] merges = md.getStringArray(MERGES);
        return new ByteLevelBpeTokenizer(vocab, Merges.split(merges, MERGES), preTokenizer,
                ignoreMerges, false);
    }

    private static Tokenizer spm(GgufMetadata md, String[] tokens, TokenType[] types, float[] scores,
                                    byte[] strip)
            throws IOException {
        if (scores == null) {
            throw new TokenizerFormatException(SCORES + " is missing; a SentencePiece (llama) vocabulary needs scores");
        }
        int n = tokens.length;
        Vocabulary.SpecialIds specials = new Vocabulary.SpecialIds(id(md, "bos_token_id", n > 1 ? 1 : -1, n),
                id(md, "eos_token_id", n > 2 ? 2 : -1, n), id(md, "unknown_token_id", 0, n),
                id(md, "eot_token_id", -1, n), id(md, "padding_token_id", -1, n),
                md.getBoolean("tokenizer.ggml.add_bos_token", true));
        boolean addSpacePrefix = md.getBoolean("tokenizer.ggml.add_space_prefix", true);
        return new SentencePieceTokenizer(new Vocabulary(tokens, types, scores, specials, strip), addSpacePrefix);
    }

    private static Tokenizer wordPiece(GgufMetadata md, String[] tokens, TokenType[] types, float[] scores,
                                    byte[] strip)
            throws IOException {
        int n = tokens.length;
        int cls = md.has("tokenizer.ggml.cls_token_id") ? id(md, "cls_token_id", -1, n) : id(md, "bos_token_id", -1, n);
        int sep = md.has("tokenizer.ggml.seperator_token_id") ? id(md, "seperator_token_id", -1, n)
                : id(md, "eos_token_id", -1, n);
        int unk = id(md, "unknown_token_id", -1, n);
        if (unk < 0) {
            throw new TokenizerFormatException("tokenizer.ggml.unknown_token_id is missing; WordPiece needs [UNK]");
        }
        Vocabulary.SpecialIds specials = new Vocabulary.SpecialIds(cls, sep, unk, -1, id(md, "padding_token_id", -1, n),
                md.getBoolean("tokenizer.ggml.add_bos_token", true));
        return new WordPieceTokenizer(new Vocabulary(tokens, types, scores, specials, strip));
    }
}
