package dev.starling.llm.tokenizer;

import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufMetadata;

import java.io.IOException;
import java.nio.file.Path;

/** Where tokenizers come from. */
public final class Tokenizers {

    private Tokenizers() {
    }

    /**
     * The tokenizer described by GGUF metadata: {@code tokenizer.ggml.model} "gpt2" (byte-level BPE; the regex chosen
     * by {@code tokenizer.ggml.pre}: gpt-2, default (llama.cpp's regex sequence), llama-bpe/llama3, qwen2), "llama"
     * (SentencePiece with scores and byte fallback) or "bert" (WordPiece).
     *
     * @throws IOException a {@link TokenizerFormatException} or GgufFormatException naming the key that is missing,
     *                     malformed or unsupported
     */
    public static Tokenizer fromGguf(GgufMetadata metadata) throws IOException {
        return GgufTokenizerLoader.load(metadata);
    }

    /** The tokenizer of a GGUF file (see {@link #fromGguf(GgufMetadata)}); errors name the file. */
    public static Tokenizer fromGguf(Path ggufFile) throws IOException {
        try (GgufFile g = GgufFile.open(ggufFile)) {
            return fromGguf(g.metadata());
        } catch (TokenizerFormatException e) {
            throw new TokenizerFormatException(ggufFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * A tokenizer from a Hugging Face {@code tokenizer.json}: byte-level BPE (GPT-2, Llama 3, Qwen), SentencePiece-style
     * BPE with byte_fallback (Llama 2, Mistral, Phi-3) or WordPiece (BERT); BOS/EOS from a
     * {@code tokenizer_config.json} in the same directory when present. Special added tokens are recognized in text only
     * with {@code parseSpecial} (Hugging Face tokenizers always splits them out; pass true for its behaviour),
     * non-special added tokens always.
     *
     * @throws IOException a {@link TokenizerFormatException} naming the file and what is malformed or unsupported
     */
    public static Tokenizer fromHuggingFaceJson(Path tokenizerJson) throws IOException {
        return HuggingFaceTokenizerLoader.load(tokenizerJson);
    }

    /**
     * A byte-level BPE tokenizer from plain arrays (a vocabulary in byte-level form and merge rules "left right" in
     * rank order), for tests and for tokenizers trained in-process.
     */
    public static Tokenizer byteLevelBpe(Vocabulary vocab, String[] merges, String preTokenizerRegex,
                                         boolean ignoreMerges) {
        return new ByteLevelBpeTokenizer(vocab, Merges.split(merges, "merges"),
                PreTokenizer.of(preTokenizerRegex), ignoreMerges, false);
    }

    /** A SentencePiece-style tokenizer from plain arrays (the vocabulary must have scores). */
    public static Tokenizer sentencePiece(Vocabulary vocab, boolean addSpacePrefix) {
        return new SentencePieceTokenizer(vocab, addSpacePrefix);
    }
}
