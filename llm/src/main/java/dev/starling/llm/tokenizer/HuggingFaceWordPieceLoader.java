package dev.starling.llm.tokenizer;

import dev.starling.llm.json.JsonValue;
import dev.starling.llm.json.JsonValue.JsonObject;

import java.util.List;
import java.util.Optional;

/**
 * Builds a {@link WordPieceTokenizer} from a Hugging Face {@code tokenizer.json} as BERT models lay it out:
 * <ul>
 * <li>normalizer: BertNormalizer (clean_text, handle_chinese_chars, strip_accents (null: as lowercase), lowercase),
 * or null;</li>
 * <li>pre_tokenizer: BertPreTokenizer;</li>
 * <li>model: WordPiece with continuing_subword_prefix "##", unk_token, max_input_chars_per_word;</li>
 * <li>post_processor: TemplateProcessing whose single template is [CLS]? $A [SEP]? (special tokens around the
 * sequence), BertProcessing, or null.</li>
 * </ul>
 * The vocabulary is turned into the phantom-space form {@link WordPieceTokenizer} works in (as llama.cpp's converter
 * does): a continuation piece {@code ##x} becomes {@code x}, a word-initial piece {@code x} becomes {@code ▁x}; added
 * tokens keep their text. Anything else is a {@link TokenizerFormatException} naming the field.
 */
final class HuggingFaceWordPieceLoader {

    private static final String PREFIX = "##";

    private HuggingFaceWordPieceLoader() {
    }

    static Tokenizer build(JsonObject root, Optional<JsonObject> config) throws TokenizerFormatException {
        JsonObject model = root.require("model").asObject();
        String prefix = model.string("continuing_subword_prefix", PREFIX);
        if (!prefix.equals(PREFIX)) {
            throw new TokenizerFormatException("model.continuing_subword_prefix '" + prefix
                    + "' is not supported; supported: ##");
        }
        int maxChars = model.get("max_input_chars_per_word").filter(v -> !v.isNull()).map(JsonValue::asInt)
                .orElse(WordPieceTokenizer.MAX_WORD_CODE_POINTS);
        if (maxChars < 1 || maxChars > 1 << 20) {
            throw new TokenizerFormatException("model.max_input_chars_per_word " + maxChars + " is outside 1.."
                    + (1 << 20));
        }
        JsonValue pre = root.get("pre_tokenizer").orElse(JsonValue.JsonNull.INSTANCE);
        String preType = pre.isNull() ? "null" : pre.asObject().string("type");
        if (!preType.equals("BertPreTokenizer")) {
            throw new TokenizerFormatException("pre_tokenizer '" + preType + "' is not supported with WordPiece;"
                    + " supported: BertPreTokenizer");
        }
        WordPieceTokenizer.Options options = normalizer(root.get("normalizer").orElse(JsonValue.JsonNull.INSTANCE),
                maxChars);

        HuggingFaceTokenizerLoader.Table table = HuggingFaceTokenizerLoader.table(root, model,
                t -> t.startsWith(PREFIX) ? t.substring(PREFIX.length()) : SentencePieceTokenizer.SPACE_MARK + t);
        String[] tokens = table.tokens();
        TokenType[] types = table.types();
        String unkText = model.string("unk_token", "[UNK]");
        int unk = HuggingFaceTokenizerLoader.lastIndexOf(tokens, unkText);
        if (unk < 0) {
            throw new TokenizerFormatException("model.unk_token '" + unkText + "' is not an added token; WordPiece"
                    + " needs one for words it cannot cut");
        }
        int[] clsSep = clsSep(root.get("post_processor").orElse(JsonValue.JsonNull.INSTANCE), tokens);
        int pad = config.map(c -> HuggingFaceTokenizerLoader.tokenId(c, "pad_token", tokens)).orElse(-1);
        boolean addSpecial = clsSep[0] >= 0 || clsSep[1] >= 0;
        Vocabulary vocab = new Vocabulary(tokens, types, null,
                new Vocabulary.SpecialIds(clsSep[0], clsSep[1], unk, -1, pad, addSpecial), table.strip());
        return new WordPieceTokenizer(vocab, options, true);
    }

    private static WordPieceTokenizer.Options normalizer(JsonValue n, int maxChars) throws TokenizerFormatException {
        if (n.isNull()) {
            return new WordPieceTokenizer.Options(false, false, false, false, maxChars);
        }
        JsonObject o = n.asObject();
        String type = o.string("type");
        if (!type.equals("BertNormalizer")) {
            throw new TokenizerFormatException("normalizer '" + type + "' is not supported with WordPiece;"
                    + " supported: BertNormalizer, null");
        }
        boolean lowercase = o.bool("lowercase", true);
        return new WordPieceTokenizer.Options(o.bool("clean_text", true), o.bool("handle_chinese_chars", true),
                o.bool("strip_accents", lowercase), lowercase, maxChars);
    }

    /** {[CLS] id, [SEP] id} the post-processor puts around a single sequence; -1 for none. */
    private static int[] clsSep(JsonValue pp, String[] tokens) throws TokenizerFormatException {
        int[] ids = {-1, -1};
        if (pp.isNull()) {
            return ids;
        }
        JsonObject p = pp.asObject();
        String type = p.string("type");
        if (type.equals("BertProcessing")) {
            ids[0] = special(tokens, p.require("cls").asArray().get(0).asString(), "post_processor.cls");
            ids[1] = special(tokens, p.require("sep").asArray().get(0).asString(), "post_processor.sep");
            return ids;
        }
        if (!type.equals("TemplateProcessing")) {
            throw new TokenizerFormatException("post_processor '" + type + "' is not supported with WordPiece;"
                    + " supported: TemplateProcessing, BertProcessing, null");
        }
        List<JsonValue> single = p.require("single").asArray().elements();
        int sequenceAt = -1;
        for (int i = 0; i < single.size(); i++) {
            if (single.get(i).asObject().get("Sequence").isPresent()) {
                sequenceAt = i;
            }
        }
        if (sequenceAt < 0 || sequenceAt > 1 || single.size() - sequenceAt > 2) {
            throw new TokenizerFormatException("post_processor.single: only [special?, $A, special?] is supported");
        }
        for (int i = 0; i < single.size(); i++) {
            if (i == sequenceAt) {
                continue;
            }
            JsonValue st = single.get(i).asObject().get("SpecialToken").orElse(null);
            if (st == null) {
                throw new TokenizerFormatException("post_processor.single[" + i + "]: expected a SpecialToken");
            }
            ids[i < sequenceAt ? 0 : 1] = special(tokens, st.asObject().string("id"), "post_processor.single[" + i
                    + "]");
        }
        return ids;
    }

    private static int special(String[] tokens, String text, String where) throws TokenizerFormatException {
        int id = HuggingFaceTokenizerLoader.lastIndexOf(tokens, text);
        if (id < 0) {
            throw new TokenizerFormatException(where + " '" + text + "' is not an added token");
        }
        return id;
    }
}
