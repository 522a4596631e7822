/**
 * Tokenizers: text to token ids and back, for the vocabularies the engine runs.
 *
 * <ul>
 *   <li>{@link dev.starling.llm.tokenizer.Tokenizers#fromGguf(dev.starling.llm.gguf.GgufMetadata)}: GGUF
 *       {@code tokenizer.ggml.model} "gpt2" (byte-level BPE, {@link dev.starling.llm.tokenizer.ByteLevelBpeTokenizer};
 *       regex by {@code tokenizer.ggml.pre}: default, gpt-2, llama-bpe/llama3, qwen2), "llama" (SentencePiece with
 *       scores and byte fallback, {@link dev.starling.llm.tokenizer.SentencePieceTokenizer}) and "bert" (WordPiece,
 *       {@link dev.starling.llm.tokenizer.WordPieceTokenizer}). Token attributes that llama.cpp derives at load time
 *       (end-of-generation texts become control tokens, phi-3's rstrip) are applied too.</li>
 *   <li>{@link dev.starling.llm.tokenizer.Tokenizers#fromHuggingFaceJson(java.nio.file.Path)}: a tokenizer.json with
 *       a BPE model and a byte-level pre-tokenizer (Llama 3, Qwen2/2.5/3, GPT-2); a BPE model with byte_fallback, as
 *       the converters lay out SentencePiece models (Llama 2, Mistral, Phi-3: Prepend/Replace normalizer or Metaspace,
 *       {@link dev.starling.llm.tokenizer.SentencePieceBpeTokenizer}, merges by rank); or a WordPiece model with
 *       BertNormalizer, BertPreTokenizer and a [CLS] $A [SEP] template (BERT); BOS/EOS from tokenizer_config.json.
 *       Other variants are rejected with a TokenizerFormatException naming the field.</li>
 *   <li>{@link dev.starling.llm.tokenizer.StreamingDecoder}: ids to text chunks that never split a UTF-8
 *       character, for token streaming.</li>
 * </ul>
 *
 * <p>Proven against llama.cpp's tokenizer test vectors (test-tokenizer-0: add_special and parse_special false) for
 * gpt-2, llama-spm, phi-3, bert-bge, llama-bpe and qwen2 (TokenizerVectorsTest), against llama.cpp itself on random
 * Unicode (LlamaCppTokenizerParityTest), and by exact round trips (RoundTripTest). The tokenizer.json loader for
 * SentencePiece and WordPiece is proven on the llama-spm, phi-3 and bert-bge vocabularies written as Hugging Face
 * conversions would write them (HuggingFaceTokenizerExporter): llama.cpp's vectors, and the Hugging Face tokenizers
 * library itself on the same files, on the vectors and on TweetEval (HuggingFaceJsonParityTest).
 */
package dev.starling.llm.tokenizer;
