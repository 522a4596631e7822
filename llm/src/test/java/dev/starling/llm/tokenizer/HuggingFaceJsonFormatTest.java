package dev.starling.llm.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Small hand-written tokenizer.json files for the SentencePiece-style BPE and WordPiece layouts: each case has the ids
 * worked out by hand, and the Hugging Face tokenizers library (through DJL) must give the same ids on the same file,
 * so the expectations are the library's semantics and not only ours. Unsupported variants are rejected naming the
 * field.
 */
class HuggingFaceJsonFormatTest {

    @TempDir
    Path dir;

    private static final String SPM_VOCAB = "{\"<unk>\":0,\"<s>\":1,\"a\":2,\"b\":3,\"c\":4,\"ab\":5,\"bc\":6,\"abc\":7,"
            + "\"▁\":8,\"▁ab\":9,\"▁abc\":10,\"<0xC3>\":11,\"<0xA9>\":12,\"▁a\":13}";
    private static final String ADDED_S = "[{\"id\":1,\"content\":\"<s>\",\"single_word\":false,\"lstrip\":false,"
            + "\"rstrip\":false,\"normalized\":false,\"special\":true}]";
    private static final String LEGACY_NORMALIZER = "{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Prepend\","
            + "\"prepend\":\"▁\"},{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"▁\"}]}";
    private static final String SPM_DECODER = "{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Replace\",\"pattern\":"
            + "{\"String\":\"▁\"},\"content\":\" \"},{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"},{\"type\":\"Strip\","
            + "\"content\":\" \",\"start\":1,\"stop\":0}]}";

    private static String spm(String normalizer, String preTokenizer, String merges, boolean fuseUnk) {
        return "{\"version\":\"1.0\",\"added_tokens\":" + ADDED_S + ",\"normalizer\":" + normalizer
                + ",\"pre_tokenizer\":" + preTokenizer + ",\"post_processor\":null,\"decoder\":" + SPM_DECODER
                + ",\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":\"<unk>\",\"continuing_subword_prefix\":"
                + "null,\"end_of_word_suffix\":null,\"fuse_unk\":" + fuseUnk + ",\"byte_fallback\":true,\"vocab\":"
                + SPM_VOCAB + ",\"merges\":" + merges + "}}";
    }

    private Path write(String name, String json) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        return Files.writeString(d.resolve("tokenizer.json"), json);
    }

    /** Our ids for text (special tokens parsed, as Hugging Face always does), checked against HF and the hand value. */
    private int[] check(Path file, String text, boolean addSpecial, int... expected) throws IOException {
        Tokenizer ours = Tokenizers.fromHuggingFaceJson(file);
        int[] mine = ours.encode(text, addSpecial, true);
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens",
                String.valueOf(addSpecial), "truncation", "false", "padding", "false"))) {
            long[] theirs = hf.encode(text, addSpecial, false).getIds();
            assertArrayEquals(theirs, Arrays.stream(mine).asLongStream().toArray(),
                    () -> "HF and ours differ on '" + text + "' with " + file.getParent().getFileName());
        }
        assertArrayEquals(expected, mine, () -> "'" + text + "': " + Arrays.toString(mine));
        return mine;
    }

    @Test
    void mergesAreAppliedByRankNotByWhetherTheResultIsAToken() throws IOException {
        // "abc" is a token, but only the merges listed can build it
        Path viaBc = write("via-bc", spm("null", "null", "[[\"b\",\"c\"],[\"a\",\"bc\"]]", true));
        check(viaBc, "abc", false, 7);
        Path noAbc = write("no-abc", spm("null", "null", "[[\"a\",\"b\"],[\"b\",\"c\"]]", true));
        check(noAbc, "abc", false, 5, 4);
        // rank decides: b c first, then nothing joins a with bc
        Path bcFirst = write("bc-first", spm("null", "null", "[[\"b\",\"c\"],[\"a\",\"b\"]]", true));
        check(bcFirst, "abc", false, 2, 6);
    }

    @Test
    void unknownCharactersFallBackToBytesOrFuseIntoOneUnknown() throws IOException {
        Path fused = write("fused", spm("null", "null", "[[\"a\",\"b\"]]", true));
        check(fused, "abxyc", false, 5, 0, 4);
        check(fused, "é", false, 11, 12); // both bytes are tokens: byte fallback
        Path unfused = write("unfused", spm("null", "null", "[[\"a\",\"b\"]]", false));
        check(unfused, "abxyc", false, 5, 0, 0, 4);
    }

    @Test
    void spacePrefixRulesOfTheLayouts() throws IOException {
        String merges = "[[\"a\",\"b\"],[\"▁\",\"ab\"],[\"▁ab\",\"c\"],[\"▁\",\"a\"]]";
        // legacy: Prepend ▁ on every run of text, also after an added token
        Path legacy = write("legacy", spm(LEGACY_NORMALIZER, "null", merges, true));
        check(legacy, "abc ab", false, 10, 9);
        check(legacy, "ab<s>ab", false, 9, 1, 9);
        check(legacy, " ab", false, 8, 9);
        // Metaspace first: only at the very start, and not when the text starts with a space already
        String first = "{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"prepend_scheme\":\"first\",\"split\":false}";
        Path meta = write("metaspace-first", spm("null", first, merges, true));
        check(meta, "ab<s>ab", false, 9, 1, 5);
        check(meta, " ab", false, 9);
        // Metaspace always with split: pieces end before each ▁, so no merge crosses a space
        String always = "{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"prepend_scheme\":\"always\",\"split\":true}";
        Path split = write("metaspace-split", spm("null", always, merges, true));
        check(split, "ab<s>ab", false, 9, 1, 9);
        check(split, "a  ab", false, 13, 8, 9);
        Tokenizer t = Tokenizers.fromHuggingFaceJson(legacy);
        assertEquals("abc ab", t.decode(t.encode("abc ab")));
    }

    private static String bert(String normalizer, int maxChars, String postProcessor) {
        return "{\"version\":\"1.0\",\"added_tokens\":[" + added(0, "[PAD]") + "," + added(1, "[UNK]") + ","
                + added(2, "[CLS]") + "," + added(3, "[SEP]") + "],\"normalizer\":" + normalizer
                + ",\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},\"post_processor\":" + postProcessor
                + ",\"decoder\":{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true},\"model\":{\"type\":"
                + "\"WordPiece\",\"unk_token\":\"[UNK]\",\"continuing_subword_prefix\":\"##\","
                + "\"max_input_chars_per_word\":" + maxChars + ",\"vocab\":{\"[PAD]\":0,\"[UNK]\":1,\"[CLS]\":2,"
                + "\"[SEP]\":3,\"hello\":4,\"Hello\":5,\"##s\":6,\"café\":7,\"cafe\":8,\"!\":9,\"中\":10,\"中文\":11,"
                + "\"##文\":12,\"σ\":13,\"##σ\":14,\"ς\":15}}}";
    }

    private static String added(int id, String text) {
        return "{\"id\":" + id + ",\"content\":\"" + text + "\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
                + "\"normalized\":false,\"special\":true}";
    }

    private static final String CLS_SEP = "{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":"
            + "\"[CLS]\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"SpecialToken\":{\"id\":\"[SEP]\","
            + "\"type_id\":0}}],\"pair\":[],\"special_tokens\":{\"[CLS]\":{\"id\":\"[CLS]\",\"ids\":[2],\"tokens\":"
            + "[\"[CLS]\"]},\"[SEP]\":{\"id\":\"[SEP]\",\"ids\":[3],\"tokens\":[\"[SEP]\"]}}}";

    @Test
    void wordPieceHonoursTheNormalizerOptionsAndTheTemplate() throws IOException {
        Path uncased = write("uncased", bert("{\"type\":\"BertNormalizer\",\"clean_text\":true,"
                + "\"handle_chinese_chars\":true,\"strip_accents\":null,\"lowercase\":true}", 100, CLS_SEP));
        check(uncased, "Hellos Café!", false, 4, 6, 8, 9);
        check(uncased, "Hellos Café!", true, 2, 4, 6, 8, 9, 3);
        check(uncased, "中文", false, 10, 1); // CJK ideographs become words of their own; 文 alone is unknown
        check(uncased, "ΣΣ", false, 13, 14); // lowercased code point by code point: no final sigma
        Path cased = write("cased", bert("{\"type\":\"BertNormalizer\",\"clean_text\":true,"
                + "\"handle_chinese_chars\":false,\"strip_accents\":false,\"lowercase\":false}", 100, "null"));
        check(cased, "Hellos café!", false, 5, 6, 7, 9);
        check(cased, "Hellos café!", true, 5, 6, 7, 9); // no post-processor: nothing added
        check(cased, "中文", false, 11);
        Path shortWords = write("short", bert("null", 5, CLS_SEP));
        check(shortWords, "hello hellos", false, 4, 1); // six code points is more than 5
        Tokenizer t = Tokenizers.fromHuggingFaceJson(uncased);
        assertEquals("hellos cafe !", t.decode(t.encode("Hellos Café!")));
    }

    @Test
    void unsupportedVariantsAreRejectedNamingTheField() throws IOException {
        assertRejected(spm("null", "null", "[]", true).replace("\"dropout\":null", "\"dropout\":0.1"), "model.dropout");
        assertRejected(spm("{\"type\":\"Lowercase\"}", "null", "[]", true), "normalizer 'Lowercase'");
        assertRejected(spm("null", "{\"type\":\"Whitespace\"}", "[]", true), "pre_tokenizer 'Whitespace'");
        assertRejected(spm("null", "{\"type\":\"Metaspace\",\"replacement\":\"_\"}", "[]", true),
                "pre_tokenizer.replacement '_'");
        assertRejected(spm("null", "null", "[]", true).replace("{\"type\":\"Fuse\"}", "{\"type\":\"BPEDecoder\"}"),
                "decoder 'BPEDecoder'");
        assertRejected(spm("null", "null", "[]", true).replace("\"end_of_word_suffix\":null",
                "\"end_of_word_suffix\":\"</w>\""), "model.end_of_word_suffix");
        String ok = bert("null", 100, CLS_SEP);
        assertRejected(ok.replace("\"continuing_subword_prefix\":\"##\"", "\"continuing_subword_prefix\":\"@@\""),
                "model.continuing_subword_prefix '@@'");
        assertRejected(ok.replace("BertPreTokenizer", "Whitespace"), "pre_tokenizer 'Whitespace'");
        assertRejected(ok.replace("\"unk_token\":\"[UNK]\"", "\"unk_token\":\"<unk>\""), "model.unk_token '<unk>'");
        assertRejected(ok.replace("\"max_input_chars_per_word\":100", "\"max_input_chars_per_word\":0"),
                "model.max_input_chars_per_word 0");
        assertRejected(bert("{\"type\":\"NFKC\"}", 100, CLS_SEP), "normalizer 'NFKC'");
        assertRejected(bert("null", 100, "{\"type\":\"RobertaProcessing\"}"), "post_processor 'RobertaProcessing'");
    }

    private void assertRejected(String json, String naming) throws IOException {
        Path f = write("rejected", json);
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class,
                () -> Tokenizers.fromHuggingFaceJson(f));
        assertTrue(e.getMessage().contains(naming), () -> "expected the message to name " + naming + ": "
                + e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }
}
