package dev.starling.llm.tokenizer;

import dev.starling.llm.json.Json;
import dev.starling.llm.json.JsonException;
import dev.starling.llm.json.JsonValue;
import dev.starling.llm.json.JsonValue.JsonArray;
import dev.starling.llm.json.JsonValue.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a tokenizer from a Hugging Face {@code tokenizer.json}: model.type WordPiece goes to
 * {@link HuggingFaceWordPieceLoader}, BPE with byte_fallback (SentencePiece-style) to
 * {@link HuggingFaceSentencePieceLoader}; the rest of this class builds byte-level BPE (model.type BPE; pre-tokenizer ByteLevel,
 * or a Sequence of a regex Split and a ByteLevel; normalizer none or NFC; added_tokens as specials, with their lstrip
 * and rstrip; single_word and normalized are not interpreted). BOS and EOS come
 * from a {@code tokenizer_config.json} beside it when present.
 */
final class HuggingFaceTokenizerLoader {

    private HuggingFaceTokenizerLoader() {
    }

    static Tokenizer load(Path file) throws IOException {
        JsonObject root;
        try {
            root = Json.parse(file).asObject();
        } catch (JsonException e) {
            throw new TokenizerFormatException(file + ": " + e.getMessage(), e);
        }
        Optional<JsonObject> config = Optional.empty();
        Path configFile = file.resolveSibling("tokenizer_config.json");
        if (Files.isRegularFile(configFile)) {
            try {
                config = Optional.of(Json.parse(configFile).asObject());
            } catch (JsonException e) {
                throw new TokenizerFormatException(configFile + ": " + e.getMessage(), e);
            }
        }
        try {
            return build(root, config);
        } catch (TokenizerFormatException e) {
            throw new TokenizerFormatException(file + ": " + e.getMessage(), e);
        } catch (JsonException | IllegalArgumentException e) {
            throw new TokenizerFormatException(file + ": " + e.getMessage(), e);
        }
    }

    private static Tokenizer build(JsonObject root, Optional<JsonObject> config) throws TokenizerFormatException {
        JsonObject model = root.require("model").asObject();
        String type = model.string("type", "BPE");
        if (type.equals("WordPiece")) {
            return HuggingFaceWordPieceLoader.build(root, config);
        }
        if (!type.equals("BPE")) {
            throw new TokenizerFormatException("model.type '" + type + "' is not supported; supported: BPE (byte-level,"
                    + " or SentencePiece-style with byte_fallback), WordPiece");
        }
        if (model.bool("byte_fallback", false)) {
            return HuggingFaceSentencePieceLoader.build(root, config);
        }
        boolean ignoreMerges = model.bool("ignore_merges", false);
        PreTokenizer preTokenizer = preTokenizer(root.get("pre_tokenizer").orElse(JsonValue.JsonNull.INSTANCE));
        boolean nfc = normalizerIsNfc(root.get("normalizer").orElse(JsonValue.JsonNull.INSTANCE));

        Table table = table(root, model, t -> t);
        String[] tokens = table.tokens();
        TokenType[] types = table.types();
        byte[] strip = table.strip();

        Merges.Rules rules = mergeRules(model);
        int bos = config.map(c -> tokenId(c, "bos_token", tokens)).orElse(-1);
        int eos = config.map(c -> tokenId(c, "eos_token", tokens)).orElse(-1);
        int pad = config.map(c -> tokenId(c, "pad_token", tokens)).orElse(-1);
        int unk = config.map(c -> tokenId(c, "unk_token", tokens)).orElse(-1);
        if (unk < 0) {
            unk = model.get("unk_token").filter(v -> !v.isNull()).map(v -> lastIndexOf(tokens, v.asString()))
                    .orElse(-1);
        }
        boolean addBos = bos >= 0 && config.map(c -> c.bool("add_bos_token", postProcessorAddsBos(root, tokens, bos)))
                .orElse(postProcessorAddsBos(root, tokens, bos));
        Vocabulary vocab = new Vocabulary(tokens, types, null, new Vocabulary.SpecialIds(bos, eos, unk, -1, pad,
                addBos), strip);
        return new ByteLevelBpeTokenizer(vocab, rules, preTokenizer, ignoreMerges, nfc, true);
    }

    /**
     * The token table of a tokenizer.json: model.vocab (each text passed through vocabText) as NORMAL tokens, then
     * added_tokens over them (special ones CONTROL, others USER_DEFINED, with their lstrip/rstrip); ids no token has
     * are UNUSED with empty text.
     */
    record Table(String[] tokens, TokenType[] types, byte[] strip, boolean[] added) {
    }

    static Table table(JsonObject root, JsonObject model, java.util.function.UnaryOperator<String> vocabText) {
        Map<String, JsonValue> vocabJson = model.require("vocab").asObject().members();
        JsonArray added = root.get("added_tokens").orElse(new JsonArray(java.util.List.of())).asArray();
        int size = 0;
        for (var e : vocabJson.entrySet()) {
            size = Math.max(size, checkId(e.getValue().asInt(), "model.vocab['" + e.getKey() + "']") + 1);
        }
        for (JsonValue a : added.elements()) {
            size = Math.max(size, checkId(a.asObject().require("id").asInt(), "added_tokens id") + 1);
        }
        String[] tokens = new String[size];
        TokenType[] types = new TokenType[size];
        Arrays.fill(tokens, "");
        Arrays.fill(types, TokenType.UNUSED);
        for (var e : vocabJson.entrySet()) {
            int id = e.getValue().asInt();
            tokens[id] = vocabText.apply(e.getKey());
            types[id] = TokenType.NORMAL;
        }
        byte[] strip = new byte[size];
        boolean[] isAdded = new boolean[size];
        for (JsonValue a : added.elements()) {
            JsonObject t = a.asObject();
            int id = t.require("id").asInt();
            tokens[id] = t.string("content");
            types[id] = t.bool("special", false) ? TokenType.CONTROL : TokenType.USER_DEFINED;
            isAdded[id] = true;
            strip[id] = (byte) ((t.bool("lstrip", false) ? Vocabulary.LSTRIP : 0)
                    | (t.bool("rstrip", false) ? Vocabulary.RSTRIP : 0));
        }
        return new Table(tokens, types, strip, isAdded);
    }

    /** model.merges, as strings "left right" or as pairs [left, right]. */
    static Merges.Rules mergeRules(JsonObject model) throws TokenizerFormatException {
        JsonArray mergesJson = model.require("merges").asArray();
        String[] lefts = new String[mergesJson.size()];
        String[] rights = new String[mergesJson.size()];
        for (int r = 0; r < mergesJson.size(); r++) {
            JsonValue m = mergesJson.get(r);
            if (m instanceof JsonValue.JsonString s) {
                String rule = s.value();
                int space = rule.indexOf(' ', 1);
                if (space < 0 || space == rule.length() - 1) {
                    throw new TokenizerFormatException("model.merges[" + r + "] = '" + rule
                            + "' is not two tokens separated by a space");
                }
                lefts[r] = rule.substring(0, space);
                rights[r] = rule.substring(space + 1);
            } else {
                JsonArray pair = m.asArray();
                if (pair.size() != 2) {
                    throw new TokenizerFormatException("model.merges[" + r + "] has " + pair.size()
                            + " parts; expected 2");
                }
                lefts[r] = pair.get(0).asString();
                rights[r] = pair.get(1).asString();
            }
        }

        return new Merges.Rules(lefts, rights);
    }

    /** The id of a token text (the last one, as in the tokenizer's index), or -1; a linear scan for a few lookups. */
    static int lastIndexOf(String[] tokens, String text) {
        for (int i = tokens.length - 1; i >= 0; i--) {
            if (tokens[i].equals(text)) {
                return i;
            }
        }
        return -1;
    }

    private static int checkId(int id, String what) {
        if (id < 0 || id >= Vocabulary.MAX_TOKENS) {
            throw new IllegalArgumentException(what + " = " + id + " is outside 0.." + (Vocabulary.MAX_TOKENS - 1));
        }
        return id;
    }

    /** A token named in tokenizer_config.json, as a string or an object with "content"; -1 when absent or null. */
    static int tokenId(JsonObject config, String key, String[] tokens) {
        JsonValue v = config.get(key).orElse(JsonValue.JsonNull.INSTANCE);
        String text = switch (v) {
            case JsonValue.JsonString s -> s.value();
            case JsonObject o -> o.string("content");
            default -> null;
        };
        if (text == null) {
            return -1;
        }
        int id = lastIndexOf(tokens, text);
        if (id < 0) {
            throw new IllegalArgumentException("tokenizer_config.json " + key + " '" + text
                    + "' is not in the vocabulary");
        }
        return id;
    }

    /** True when the post-processor is a TemplateProcessing whose single template starts with the BOS token. */
    static boolean postProcessorAddsBos(JsonObject root, String[] tokens, int bos) {
        Optional<JsonValue> pp = root.get("post_processor").filter(v -> !v.isNull());
        if (pp.isEmpty()) {
            return false;
        }
        JsonObject p = pp.get().asObject();
        if (p.string("type", "").equals("Sequence")) {
            for (JsonValue inner : p.get("processors").orElse(new JsonArray(java.util.List.of())).asArray()
                    .elements()) {
                if (templateStartsWith(inner.asObject(), tokens[bos])) {
                    return true;
                }
            }
            return false;
        }
        return templateStartsWith(p, tokens[bos]);
    }

    private static boolean templateStartsWith(JsonObject p, String bosText) {
        if (!p.string("type", "").equals("TemplateProcessing")) {
            return false;
        }
        JsonArray single = p.require("single").asArray();
        if (single.size() == 0) {
            return false;
        }
        return single.get(0).asObject().get("SpecialToken")
                .map(s -> s.asObject().string("id").equals(bosText)).orElse(false);
    }

    private static boolean normalizerIsNfc(JsonValue n) throws TokenizerFormatException {
        if (n.isNull()) {
            return false;
        }
        String type = n.asObject().string("type");
        if (type.equals("NFC")) {
            return true;
        }
        if (type.equals("Sequence") && n.asObject().require("normalizers").asArray().size() == 0) {
            return false;
        }
        throw new TokenizerFormatException("normalizer '" + type + "' is not supported; supported: none, NFC");
    }

    private static PreTokenizer preTokenizer(JsonValue p) throws TokenizerFormatException {
        if (p.isNull()) {
            throw new TokenizerFormatException("pre_tokenizer is missing; a byte-level BPE needs one");
        }
        JsonObject o = p.asObject();
        String type = o.string("type");
        if (type.equals("ByteLevel")) {
            checkByteLevel(o, true);
            return PreTokenizer.of(PreTokenizer.GPT2);
        }
        if (type.equals("Sequence")) {
            JsonArray list = o.require("pretokenizers").asArray();
            if (list.size() == 2 && list.get(0).asObject().string("type").equals("Split")
                    && list.get(1).asObject().string("type").equals("ByteLevel")) {
                JsonObject split = list.get(0).asObject();
                checkByteLevel(list.get(1).asObject(), false);
                String behavior = split.string("behavior", "Isolated");
                if (!behavior.equals("Isolated") || split.bool("invert", false)) {
                    throw new TokenizerFormatException("Split pre-tokenizer with behavior '" + behavior + "' and invert "
                            + split.bool("invert", false) + " is not supported; supported: Isolated, not inverted");
                }
                JsonObject pattern = split.require("pattern").asObject();
                String regex = pattern.string("Regex", null);
                if (regex == null) {
                    throw new TokenizerFormatException("Split pre-tokenizer pattern without 'Regex' is not supported");
                }
                return PreTokenizer.of(regex);
            }
        }
        throw new TokenizerFormatException("pre_tokenizer '" + type + "' is not supported; supported: ByteLevel,"
                + " or Sequence [Split (regex, Isolated), ByteLevel]");
    }

    private static void checkByteLevel(JsonObject byteLevel, boolean mayUseRegex) throws TokenizerFormatException {
        if (byteLevel.bool("add_prefix_space", false)) {
            throw new TokenizerFormatException("ByteLevel pre-tokenizer with add_prefix_space is not supported");
        }
        if (!mayUseRegex && byteLevel.bool("use_regex", true)) {
            throw new TokenizerFormatException("ByteLevel after a Split must have use_regex false");
        }
    }
}
