package dev.starling.llm.tokenizer;

import dev.starling.llm.gguf.GgufMetadata;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * Token attributes that GGUF files do not store but llama.cpp derives when it loads a vocabulary
 * (llama-vocab.cpp), so that our tokenizer gives the same ids as llama.cpp on the same file:
 * <ul>
 *   <li>tokens whose text is on the end-of-generation list ({@code <|eot_id|>}, {@code </s>}, ...) become CONTROL
 *       when they are not, so they are no longer matched in text unless special parsing is on (phi-3's
 *       {@code </s>} is USER_DEFINED in the file);</li>
 *   <li>Phi-3 (general.name contains phi-3 or phi3): special tokens swallow the whitespace after them (rstrip),
 *       except {@code <unk>}, {@code <s>}, {@code <|endoftext|>};</li>
 *   <li>Jina v2 and nomic-bert-moe / jina-bert-v3: {@code <mask>} swallows the whitespace before it (lstrip);
 *       modern-bert: {@code [MASK]} likewise.</li>
 * </ul>
 */
final class LlamaCppTokenAttributes {

    private LlamaCppTokenAttributes() {
    }

    /** Updates types in place; returns the strip flags by id. */
    static byte[] apply(GgufMetadata md, String[] tokens, TokenType[] types) throws IOException {
        boolean hasToolResponse = false;
        for (String t : tokens) {
            if (t.equals("<|tool_response>")) {
                hasToolResponse = true;
                break;
            }
        }
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (Vocabulary.END_OF_GENERATION_TEXTS.contains(t) && types[i] != TokenType.CONTROL
                    && !(hasToolResponse && t.equals("</s>"))) { // llama.cpp's gemma4 workaround keeps </s> text
                types[i] = TokenType.CONTROL;
            }
        }
        byte[] strip = new byte[tokens.length];
        String name = md.getString("general.name", "").toLowerCase(Locale.ROOT);
        String pre = md.getString("tokenizer.ggml.pre", "");
        String arch = md.getString("general.architecture", "");
        if (containsAny(pre, "jina-v2-de", "jina-v2-es", "jina-v2-code")
                || containsAny(arch, "nomic-bert-moe", "jina-bert-v3")) {
            set(tokens, strip, Set.of("<mask>"), Vocabulary.LSTRIP);
        } else if (containsAny(name, "phi-3", "phi3")) {
            for (int i = 0; i < tokens.length; i++) {
                TokenType t = types[i];
                if (t == TokenType.CONTROL || t == TokenType.USER_DEFINED || t == TokenType.UNKNOWN) {
                    strip[i] |= Vocabulary.RSTRIP;
                }
            }
            set(tokens, strip, Set.of("</s>"), Vocabulary.RSTRIP);
            for (int i = 0; i < tokens.length; i++) {
                if (tokens[i].equals("<unk>") || tokens[i].equals("<s>") || tokens[i].equals("<|endoftext|>")) {
                    strip[i] &= (byte) ~Vocabulary.RSTRIP;
                }
            }
        } else if (containsAny(name, "modern-bert")) {
            set(tokens, strip, Set.of("[MASK]"), Vocabulary.LSTRIP);
        }
        return strip;
    }

    private static void set(String[] tokens, byte[] strip, Set<String> texts, byte flag) {
        for (int i = 0; i < tokens.length; i++) {
            if (texts.contains(tokens[i])) {
                strip[i] |= flag;
            }
        }
    }

    private static boolean containsAny(String s, String... parts) {
        for (String p : parts) {
            if (s.contains(p)) {
                return true;
            }
        }
        return false;
    }
}
