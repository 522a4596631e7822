package dev.starling.llm.tokenizer.train;

import dev.starling.llm.tokenizer.PreTokenizer;

/**
 * The pre-tokenization a trained byte-level BPE uses: the regex of {@link PreTokenizer} that splits text before
 * merging, the {@code tokenizer.ggml.pre} name under which llama.cpp (and our GGUF loader) knows it, and whether a
 * whole pre-token found in the vocabulary is emitted as one id (Llama 3's {@code ignore_merges}; the GGUF loader
 * turns it on for "llama-bpe", so the trained tokenizer does the same to encode identically).
 */
public enum PreTokenization {
    /** GPT-2: contractions, letter runs, digit runs, punctuation runs, each with an optional leading space. */
    GPT2("gpt-2", PreTokenizer.GPT2, false),
    /** Llama 3: case-insensitive contractions, digits in groups of up to three, newlines kept apart. */
    LLAMA3("llama-bpe", PreTokenizer.LLAMA3, true),
    /** Qwen2/2.5/3: as Llama 3, but each digit alone. */
    QWEN2("qwen2", PreTokenizer.QWEN2, false);

    private final String ggufPre;
    private final String regex;
    private final boolean ignoreMerges;

    PreTokenization(String ggufPre, String regex, boolean ignoreMerges) {
        this.ggufPre = ggufPre;
        this.regex = regex;
        this.ignoreMerges = ignoreMerges;
    }

    /** The value of GGUF {@code tokenizer.ggml.pre}. */
    public String ggufPre() {
        return ggufPre;
    }

    /** The pre-tokenizer regex (java.util.regex with UNICODE_CHARACTER_CLASS; the same text in Oniguruma). */
    public String regex() {
        return regex;
    }

    /** Whether a pre-token that is itself in the vocabulary is emitted whole (Hugging Face's ignore_merges). */
    public boolean ignoreMerges() {
        return ignoreMerges;
    }
}
