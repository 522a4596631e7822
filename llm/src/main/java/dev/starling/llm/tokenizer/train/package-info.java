/**
 * Training byte-level BPE tokenizers on the network's own text.
 *
 * <p>{@link dev.starling.llm.tokenizer.train.BpeTrainer#train} takes texts (an Iterable or a Stream, read once up to
 * a byte limit) and {@link dev.starling.llm.tokenizer.train.BpeTrainer.Options} (vocabulary size, special tokens,
 * pre-tokenization) and returns a {@link dev.starling.llm.tokenizer.train.TrainedBpe}: a ready
 * {@link dev.starling.llm.tokenizer.Tokenizer}, and the vocabulary as GGUF {@code tokenizer.*} keys
 * ({@code ModelVocabulary}) that load back through {@code Tokenizers.fromGguf} to the same tokenizer.
 */
package dev.starling.llm.tokenizer.train;
