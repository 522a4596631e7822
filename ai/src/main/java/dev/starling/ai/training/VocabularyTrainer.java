package dev.starling.ai.training;

import dev.starling.llm.synth.ModelVocabulary;
import java.util.List;

/** Learns a tokenizer vocabulary from the training split (the BPE trainer of llm.tokenizer.train behind it). */
public interface VocabularyTrainer {

    /** What kind of tokenizer this trains, for the model card, e.g. "byte-level BPE". */
    String type();

    /**
     * @param texts         the training split's posts
     * @param vocabSize     the most tokens the vocabulary may have (specials included)
     * @param specialTokens tokens never split, each one token of the result
     * @param maxTextBytes  how many UTF-8 bytes of the texts to learn from at most (the first ones)
     * @return the vocabulary as GGUF tokenizer keys, at most vocabSize tokens
     */
    Trained train(List<String> texts, int vocabSize, List<String> specialTokens, long seed, long maxTextBytes);

    /**
     * A trained vocabulary, how many of its tokens are real (bytes, learned tokens and specials; the rest is
     * padding) and how many bytes of text it learned from.
     */
    record Trained(ModelVocabulary vocabulary, int tokens, long trainingTextBytes) {
    }
}
