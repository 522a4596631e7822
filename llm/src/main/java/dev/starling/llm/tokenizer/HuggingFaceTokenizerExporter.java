package dev.starling.llm.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes the {@code tokenizer.json} a Hugging Face conversion would produce from a SentencePiece or WordPiece
 * vocabulary (such as a llama.cpp GGUF vocabulary), so that the same vocabulary can be checked through our
 * tokenizer.json loader and through the Hugging Face tokenizers library.
 *
 * <p>SentencePiece: model BPE with byte_fallback and fuse_unk; the vocabulary as it is; merges derived from the scores
 * the way transformers' SentencePieceExtractor does: for every NORMAL piece, every split into two parts that are both
 * tokens (by code point, left part shortest first), ordered within a piece by the ids of (left, right), then all of
 * them stably by the piece's score, highest first. Either the legacy layout of LlamaConverter (normalizer Prepend ▁ +
 * Replace " " → ▁, no pre-tokenizer) or the non-legacy one (Metaspace with prepend_scheme "first", split false); the
 * decoder Replace ▁ → " ", ByteFallback, Fuse, Strip one leading space. Control, unknown and user-defined tokens
 * become added_tokens (special unless user-defined), with lstrip/rstrip from the vocabulary's strip flags.
 *
 * <p>WordPiece: the phantom-space vocabulary turned back into BERT form (as llama.cpp's converter, in reverse: a
 * {@code [..]} token stays, {@code ▁x} becomes {@code x}, any other {@code x} becomes {@code ##x}), BertNormalizer
 * (uncased), BertPreTokenizer, TemplateProcessing [CLS] $A [SEP], decoder WordPiece.
 */
final class HuggingFaceTokenizerExporter {

    private HuggingFaceTokenizerExporter() {
    }

    /** The layout of the normalizer and pre-tokenizer of a SentencePiece conversion. */
    enum SpmLayout { LEGACY, METASPACE }

    static String sentencePiece(Vocabulary v, boolean addSpacePrefix, SpmLayout layout) {
        if (v.scores() == null) {
            throw new IllegalArgumentException("a SentencePiece vocabulary needs scores to derive merges");
        }
        StringBuilder sb = new StringBuilder(1 << 20);
        sb.append("{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":");
        addedTokens(sb, v);
        if (layout == SpmLayout.LEGACY) {
            sb.append(",\"normalizer\":{\"type\":\"Sequence\",\"normalizers\":[");
            if (addSpacePrefix) {
                sb.append("{\"type\":\"Prepend\",\"prepend\":\"▁\"},");
            }
            sb.append("{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"▁\"}]}");
            sb.append(",\"pre_tokenizer\":null");
        } else {
            sb.append(",\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"Metaspace\",\"replacement\":\"▁\","
                    + "\"prepend_scheme\":\"").append(addSpacePrefix ? "first" : "never").append("\",\"split\":false}");
        }
        int bos = v.specials().bos();
        if (bos >= 0 && v.specials().addBos()) {
            String b = quote(v.tokens()[bos]);
            sb.append(",\"post_processor\":{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":")
                    .append(b).append(",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}],\"pair\":[")
                    .append("{\"SpecialToken\":{\"id\":").append(b).append(",\"type_id\":0}},")
                    .append("{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"SpecialToken\":{\"id\":").append(b)
                    .append(",\"type_id\":1}},{\"Sequence\":{\"id\":\"B\",\"type_id\":1}}],\"special_tokens\":{")
                    .append(b).append(":{\"id\":").append(b).append(",\"ids\":[").append(bos).append("],\"tokens\":[")
                    .append(b).append("]}}}");
        } else {
            sb.append(",\"post_processor\":null");
        }
        sb.append(",\"decoder\":{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Replace\",\"pattern\":{\"String\":"
                + "\"▁\"},\"content\":\" \"},{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"}");
        if (addSpacePrefix) {
            sb.append(",{\"type\":\"Strip\",\"content\":\" \",\"start\":1,\"stop\":0}");
        }
        sb.append("]}");
        int unk = v.specials().unk();
        sb.append(",\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":")
                .append(unk >= 0 ? quote(v.tokens()[unk]) : "null")
                .append(",\"continuing_subword_prefix\":null,\"end_of_word_suffix\":null,\"fuse_unk\":true,"
                        + "\"byte_fallback\":true,\"ignore_merges\":false,\"vocab\":");
        vocab(sb, v.tokens());
        sb.append(",\"merges\":[");
        boolean first = true;
        for (String[] m : spmMerges(v)) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append('[').append(quote(m[0])).append(',').append(quote(m[1])).append(']');
        }
        sb.append("]}}");
        return sb.toString();
    }

    /** Merges from scores, as transformers' SentencePieceExtractor derives them (see the class comment). */
    static List<String[]> spmMerges(Vocabulary v) {
        Map<String, Integer> index = v.buildIndex();
        String[] tokens = v.tokens();
        record Merge(String left, String right, float score, int leftId, int rightId) {
        }
        List<Merge> all = new ArrayList<>();
        List<Merge> local = new ArrayList<>();
        for (int id = 0; id < tokens.length; id++) {
            if (v.types()[id] != TokenType.NORMAL || index.get(tokens[id]) != id) {
                continue;
            }
            String piece = tokens[id];
            local.clear();
            for (int at = piece.offsetByCodePoints(0, 1); at < piece.length(); at = piece.offsetByCodePoints(at, 1)) {
                Integer l = index.get(piece.substring(0, at));
                Integer r = index.get(piece.substring(at));
                if (l != null && r != null) {
                    local.add(new Merge(piece.substring(0, at), piece.substring(at), v.scores()[id], l, r));
                }
            }
            local.sort(Comparator.comparingInt(Merge::leftId).thenComparingInt(Merge::rightId));
            all.addAll(local);
        }
        all.sort((a, b) -> Float.compare(b.score(), a.score())); // stable: ties keep the order above
        List<String[]> out = new ArrayList<>(all.size());
        for (Merge m : all) {
            out.add(new String[] {m.left(), m.right()});
        }
        return out;
    }

    static String wordPiece(Vocabulary v) {
        String[] bert = Arrays.stream(v.tokens()).map(HuggingFaceTokenizerExporter::unphantom).toArray(String[]::new);
        int cls = v.specials().bos();
        int sep = v.specials().eos();
        int unk = v.specials().unk();
        if (cls < 0 || sep < 0 || unk < 0) {
            throw new IllegalArgumentException("a BERT vocabulary needs [CLS], [SEP] and [UNK] ids; got " + v.specials());
        }
        StringBuilder sb = new StringBuilder(1 << 20);
        sb.append("{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":");
        addedTokens(sb, v);
        String c = quote(bert[cls]);
        String s = quote(bert[sep]);
        sb.append(",\"normalizer\":{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":true,"
                + "\"strip_accents\":null,\"lowercase\":true},\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},");
        sb.append("\"post_processor\":{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":")
                .append(c).append(",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"SpecialToken\":"
                        + "{\"id\":").append(s).append(",\"type_id\":0}}],\"pair\":[{\"SpecialToken\":{\"id\":")
                .append(c).append(",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"SpecialToken\":"
                        + "{\"id\":").append(s).append(",\"type_id\":0}},{\"Sequence\":{\"id\":\"B\",\"type_id\":1}},"
                        + "{\"SpecialToken\":{\"id\":").append(s).append(",\"type_id\":1}}],\"special_tokens\":{")
                .append(c).append(":{\"id\":").append(c).append(",\"ids\":[").append(cls).append("],\"tokens\":[")
                .append(c).append("]},").append(s).append(":{\"id\":").append(s).append(",\"ids\":[").append(sep)
                .append("],\"tokens\":[").append(s).append("]}}},");
        sb.append("\"decoder\":{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true},");
        sb.append("\"model\":{\"type\":\"WordPiece\",\"unk_token\":").append(quote(bert[unk]))
                .append(",\"continuing_subword_prefix\":\"##\",\"max_input_chars_per_word\":")
                .append(WordPieceTokenizer.MAX_WORD_CODE_POINTS).append(",\"vocab\":");
        vocab(sb, bert);
        sb.append("}}");
        return sb.toString();
    }

    /** llama.cpp's phantom-space form back to BERT form. */
    static String unphantom(String t) {
        if (t.startsWith("[") && t.endsWith("]")) {
            return t;
        }
        if (!t.isEmpty() && t.charAt(0) == SentencePieceTokenizer.SPACE_MARK) {
            return t.substring(1);
        }
        return "##" + t;
    }

    private static void addedTokens(StringBuilder sb, Vocabulary v) {
        sb.append('[');
        boolean first = true;
        for (int id = 0; id < v.size(); id++) {
            TokenType t = v.types()[id];
            if (t != TokenType.CONTROL && t != TokenType.UNKNOWN && t != TokenType.USER_DEFINED) {
                continue;
            }
            byte flags = v.stripFlags() == null ? 0 : v.stripFlags()[id];
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append("{\"id\":").append(id).append(",\"content\":").append(quote(v.tokens()[id]))
                    .append(",\"single_word\":false,\"lstrip\":").append((flags & Vocabulary.LSTRIP) != 0)
                    .append(",\"rstrip\":").append((flags & Vocabulary.RSTRIP) != 0)
                    .append(",\"normalized\":false,\"special\":").append(t != TokenType.USER_DEFINED).append('}');
        }
        sb.append(']');
    }

    /** The vocabulary object; a text that occurs twice keeps its last id (as the tokenizer's index does). */
    private static void vocab(StringBuilder sb, String[] tokens) {
        Map<String, Integer> last = new java.util.HashMap<>();
        for (int i = 0; i < tokens.length; i++) {
            last.put(tokens[i], i);
        }
        sb.append('{');
        boolean first = true;
        for (int i = 0; i < tokens.length; i++) {
            if (last.get(tokens[i]) != i) {
                continue;
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(quote(tokens[i])).append(':').append(i);
        }
        sb.append('}');
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
