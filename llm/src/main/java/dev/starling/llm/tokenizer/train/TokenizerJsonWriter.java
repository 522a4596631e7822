package dev.starling.llm.tokenizer.train;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a trained vocabulary as a Hugging Face {@code tokenizer.json}: a BPE model (vocab, merges, ignore_merges as
 * the pre-tokenization has it, no byte fallback), the pre-tokenizer as a Sequence of Split (the regex, Isolated) and
 * ByteLevel (no prefix space, no regex), a ByteLevel decoder, no normalizer, and the special tokens as added tokens
 * (special, not normalized). Hugging Face tokenizers then encode text as {@code TrainedBpe.tokenizer()} does with
 * special-token parsing on (added tokens are always matched there), which TokenizerThroughputBench checks.
 */
final class TokenizerJsonWriter {

    private TokenizerJsonWriter() {
    }

    static void write(TrainedBpe bpe, Path out) throws IOException {
        String[] tokens = bpe.tokens();
        int firstSpecial = tokens.length - bpe.options().specialTokens().size();
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            w.write("{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n");
            w.write("  \"added_tokens\": [");
            for (int i = firstSpecial; i < tokens.length; i++) {
                w.write(i == firstSpecial ? "\n" : ",\n");
                w.write("    {\"id\": " + i + ", \"content\": " + quote(tokens[i]) + ", \"single_word\": false,"
                        + " \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true}");
            }
            w.write("\n  ],\n  \"normalizer\": null,\n");
            w.write("  \"pre_tokenizer\": {\"type\": \"Sequence\", \"pretokenizers\": [\n");
            w.write("    {\"type\": \"Split\", \"pattern\": {\"Regex\": " + quote(bpe.options().preTokenization().regex())
                    + "}, \"behavior\": \"Isolated\", \"invert\": false},\n");
            w.write("    {\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": true,"
                    + " \"use_regex\": false}\n  ]},\n");
            w.write("  \"post_processor\": null,\n");
            w.write("  \"decoder\": {\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"trim_offsets\": true,"
                    + " \"use_regex\": true},\n");
            w.write("  \"model\": {\"type\": \"BPE\", \"dropout\": null, \"unk_token\": null,"
                    + " \"continuing_subword_prefix\": null, \"end_of_word_suffix\": null, \"fuse_unk\": false,"
                    + " \"byte_fallback\": false, \"ignore_merges\": " + bpe.options().preTokenization().ignoreMerges()
                    + ",\n    \"vocab\": {");
            for (int i = 0; i < firstSpecial; i++) {
                w.write(i == 0 ? "\n      " : ",\n      ");
                w.write(quote(tokens[i]) + ": " + i);
            }
            w.write("\n    },\n    \"merges\": [");
            String[] merges = bpe.merges();
            for (int i = 0; i < merges.length; i++) {
                w.write(i == 0 ? "\n      " : ",\n      ");
                w.write(quote(merges[i]));
            }
            w.write("\n    ]\n  }\n}\n");
        }
    }

    /** tokenizer_config.json: the tokenizer class, bos/eos tokens (or null), add_bos_token. */
    static void writeConfig(TrainedBpe bpe, Path out) throws IOException {
        BpeTrainer.Options o = bpe.options();
        String config = "{\n  \"tokenizer_class\": \"PreTrainedTokenizerFast\",\n"
                + "  \"bos_token\": " + (o.bosToken() == null ? "null" : quote(o.bosToken())) + ",\n"
                + "  \"eos_token\": " + (o.eosToken() == null ? "null" : quote(o.eosToken())) + ",\n"
                + "  \"add_bos_token\": " + o.addBos() + ",\n"
                + "  \"clean_up_tokenization_spaces\": false\n}\n";
        Files.writeString(out, config, StandardCharsets.UTF_8);
    }

    /** A JSON string literal. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c) && !validPair(s, i)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static boolean validPair(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
