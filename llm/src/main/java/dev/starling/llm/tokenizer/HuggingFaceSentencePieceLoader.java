package dev.starling.llm.tokenizer;

import dev.starling.llm.json.JsonValue;
import dev.starling.llm.json.JsonValue.JsonArray;
import dev.starling.llm.json.JsonValue.JsonObject;

import java.util.List;
import java.util.Optional;

/**
 * Builds a {@link SentencePieceBpeTokenizer} from a Hugging Face {@code tokenizer.json} with model.type BPE and
 * byte_fallback true, as the converters lay out Llama 2, Mistral and Phi-3:
 * <ul>
 * <li>normalizer: null, or Prepend("▁") and/or Replace(" " → "▁"), alone or in a Sequence;</li>
 * <li>pre_tokenizer: null, or Metaspace (replacement ▁, prepend_scheme always / first / never, split);</li>
 * <li>model: merges, unk_token, fuse_unk; dropout, continuing_subword_prefix and end_of_word_suffix must be unset;</li>
 * <li>decoder: null, Metaspace, or a Sequence of Replace(▁ → " "), ByteFallback, Fuse, Strip(" ", start, 0).</li>
 * </ul>
 * BOS/EOS from tokenizer_config.json when present, else from a TemplateProcessing post-processor (BOS) and
 * model.unk_token. Anything else is a {@link TokenizerFormatException} naming the field.
 */
final class HuggingFaceSentencePieceLoader {

    private static final String MARK = String.valueOf(SentencePieceTokenizer.SPACE_MARK);

    private HuggingFaceSentencePieceLoader() {
    }

    static Tokenizer build(JsonObject root, Optional<JsonObject> config) throws TokenizerFormatException {
        JsonObject model = root.require("model").asObject();
        JsonValue dropout = model.get("dropout").orElse(JsonValue.JsonNull.INSTANCE);
        if (!dropout.isNull() && dropout.asDouble() != 0) {
            throw new TokenizerFormatException("model.dropout " + dropout.asDouble() + " is not supported (encoding"
                    + " would be random); supported: null or 0");
        }
        for (String key : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
            String v = model.string(key, "");
            if (!v.isEmpty()) {
                throw new TokenizerFormatException("model." + key + " '" + v + "' is not supported with byte_fallback;"
                        + " supported: null");
            }
        }
        if (model.bool("ignore_merges", false)) {
            throw new TokenizerFormatException("model.ignore_merges true is not supported with byte_fallback");
        }
        boolean[] normalizer = normalizer(root.get("normalizer").orElse(JsonValue.JsonNull.INSTANCE));
        JsonValue pre = root.get("pre_tokenizer").orElse(JsonValue.JsonNull.INSTANCE);
        SentencePieceBpeTokenizer.Metaspace metaspace = SentencePieceBpeTokenizer.Metaspace.NONE;
        boolean split = false;
        if (!pre.isNull()) {
            JsonObject p = pre.asObject();
            String type = p.string("type");
            if (!type.equals("Metaspace")) {
                throw new TokenizerFormatException("pre_tokenizer '" + type + "' is not supported with byte_fallback;"
                        + " supported: null, Metaspace");
            }
            checkMark(p.string("replacement", MARK), "pre_tokenizer.replacement");
            metaspace = scheme(p);
            split = p.bool("split", true);
        }
        boolean stripsSpace = decoderStripsSpace(root.get("decoder").orElse(JsonValue.JsonNull.INSTANCE));

        HuggingFaceTokenizerLoader.Table table = HuggingFaceTokenizerLoader.table(root, model, t -> t);
        String[] tokens = table.tokens();
        TokenType[] types = table.types();
        for (int i = 0; i < tokens.length; i++) {
            if (types[i] == TokenType.NORMAL && SentencePieceBpeTokenizer.isByteTokenText(tokens[i])) {
                types[i] = TokenType.BYTE;
            }
        }
        int unk = model.get("unk_token").filter(v -> !v.isNull())
                .map(v -> HuggingFaceTokenizerLoader.lastIndexOf(tokens, v.asString())).orElse(-1);
        int bos = config.map(c -> HuggingFaceTokenizerLoader.tokenId(c, "bos_token", tokens)).orElse(-1);
        int eos = config.map(c -> HuggingFaceTokenizerLoader.tokenId(c, "eos_token", tokens)).orElse(-1);
        int pad = config.map(c -> HuggingFaceTokenizerLoader.tokenId(c, "pad_token", tokens)).orElse(-1);
        if (bos < 0) {
            bos = templateFirstToken(root, tokens);
        }
        if (unk >= 0 && types[unk] == TokenType.CONTROL) {
            types[unk] = TokenType.UNKNOWN;
        }
        int bosId = bos;
        boolean addBos = bos >= 0 && config.map(c -> c.bool("add_bos_token",
                        HuggingFaceTokenizerLoader.postProcessorAddsBos(root, tokens, bosId)))
                .orElse(HuggingFaceTokenizerLoader.postProcessorAddsBos(root, tokens, bosId));
        Vocabulary vocab = new Vocabulary(tokens, types, null,
                new Vocabulary.SpecialIds(bos, eos, unk, -1, pad, addBos), table.strip());
        var options = new SentencePieceBpeTokenizer.Options(normalizer[0], normalizer[1] || metaspace
                != SentencePieceBpeTokenizer.Metaspace.NONE, metaspace, split, stripsSpace,
                model.bool("fuse_unk", false));
        return new SentencePieceBpeTokenizer(vocab, HuggingFaceTokenizerLoader.mergeRules(model), options);
    }

    /** {prepend ▁, replace spaces by ▁} from the normalizer. */
    private static boolean[] normalizer(JsonValue n) throws TokenizerFormatException {
        boolean[] flags = new boolean[2];
        if (n.isNull()) {
            return flags;
        }
        JsonObject o = n.asObject();
        List<JsonValue> steps = o.string("type").equals("Sequence")
                ? o.require("normalizers").asArray().elements() : List.of(o);
        for (int i = 0; i < steps.size(); i++) {
            JsonObject step = steps.get(i).asObject();
            String type = step.string("type");
            String where = o.string("type").equals("Sequence") ? "normalizer.normalizers[" + i + "]" : "normalizer";
            switch (type) {
                case "Prepend" -> {
                    checkMark(step.string("prepend"), where + ".prepend");
                    flags[0] = true;
                }
                case "Replace" -> {
                    String pattern = step.require("pattern").asObject().string("String", null);
                    if (!" ".equals(pattern) || !MARK.equals(step.string("content"))) {
                        throw new TokenizerFormatException(where + ": Replace other than String \" \" -> \"▁\" is"
                                + " not supported");
                    }
                    flags[1] = true;
                }
                default -> throw new TokenizerFormatException(where + " '" + type + "' is not supported with"
                        + " byte_fallback; supported: Prepend(▁), Replace(\" \" -> ▁)");
            }
        }
        return flags;
    }

    private static SentencePieceBpeTokenizer.Metaspace scheme(JsonObject metaspace) throws TokenizerFormatException {
        // older files say add_prefix_space instead of prepend_scheme
        String scheme = metaspace.string("prepend_scheme",
                metaspace.bool("add_prefix_space", true) ? "always" : "never");
        return switch (scheme) {
            case "always" -> SentencePieceBpeTokenizer.Metaspace.ALWAYS;
            case "first" -> SentencePieceBpeTokenizer.Metaspace.FIRST;
            case "never" -> SentencePieceBpeTokenizer.Metaspace.NEVER;
            default -> throw new TokenizerFormatException("pre_tokenizer.prepend_scheme '" + scheme
                    + "' is not one of always, first, never");
        };
    }

    private static void checkMark(String s, String where) throws TokenizerFormatException {
        if (!MARK.equals(s)) {
            throw new TokenizerFormatException(where + " '" + s + "' is not supported; supported: ▁ (U+2581)");
        }
    }

    /** Whether decoding drops one leading space; rejects decoders this tokenizer cannot honour. */
    private static boolean decoderStripsSpace(JsonValue d) throws TokenizerFormatException {
        if (d.isNull()) {
            return false;
        }
        JsonObject o = d.asObject();
        if (o.string("type").equals("Metaspace")) {
            return !scheme(o).equals(SentencePieceBpeTokenizer.Metaspace.NEVER);
        }
        List<JsonValue> steps = o.string("type").equals("Sequence")
                ? o.require("decoders").asArray().elements() : List.of(o);
        boolean strips = false;
        for (int i = 0; i < steps.size(); i++) {
            JsonObject step = steps.get(i).asObject();
            String type = step.string("type");
            switch (type) {
                case "ByteFallback", "Fuse" -> {
                }
                case "Metaspace" -> strips |= !scheme(step).equals(SentencePieceBpeTokenizer.Metaspace.NEVER);
                case "Replace" -> {
                    String pattern = step.require("pattern").asObject().string("String", null);
                    if (!MARK.equals(pattern) || !" ".equals(step.string("content"))) {
                        throw new TokenizerFormatException("decoder.decoders[" + i + "]: Replace other than String"
                                + " \"▁\" -> \" \" is not supported");
                    }
                }
                case "Strip" -> {
                    int start = step.require("start").asInt();
                    int stop = step.require("stop").asInt();
                    if (!" ".equals(step.string("content")) || start > 1 || stop != 0) {
                        throw new TokenizerFormatException("decoder.decoders[" + i + "]: Strip other than content"
                                + " \" \", start 0 or 1, stop 0 is not supported");
                    }
                    strips |= start == 1;
                }
                default -> throw new TokenizerFormatException("decoder '" + type + "' is not supported with"
                        + " byte_fallback; supported: Replace, ByteFallback, Fuse, Strip, Metaspace");
            }
        }
        return strips;
    }

    /** The id of the special token a TemplateProcessing single template starts with, or -1. */
    private static int templateFirstToken(JsonObject root, String[] tokens) {
        Optional<JsonValue> pp = root.get("post_processor").filter(v -> !v.isNull());
        if (pp.isEmpty() || !pp.get().asObject().string("type", "").equals("TemplateProcessing")) {
            return -1;
        }
        JsonArray single = pp.get().asObject().require("single").asArray();
        if (single.size() == 0) {
            return -1;
        }
        return single.get(0).asObject().get("SpecialToken")
                .map(s -> HuggingFaceTokenizerLoader.lastIndexOf(tokens, s.asObject().string("id"))).orElse(-1);
    }
}
