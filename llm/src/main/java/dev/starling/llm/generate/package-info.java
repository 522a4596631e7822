/**
 * The engine's public API. {@link dev.starling.llm.generate.LlamaModel#load(java.nio.file.Path)} loads a
 * decoder; {@link dev.starling.llm.generate.LlamaModel#generate} / {@code submit} run a
 * {@link dev.starling.llm.generate.GenerationRequest} (prompt text or ids, {@link dev.starling.llm.generate.SamplingParams},
 * max tokens, stop strings) streaming text to a {@link dev.starling.llm.generate.TokenListener} and return a
 * {@link dev.starling.llm.generate.GenerationResult} (text, ids, finish reason, counts, timings). Concurrent
 * requests are decoded together by a {@link dev.starling.llm.generate.BatchScheduler}.
 * {@link dev.starling.llm.generate.EmbeddingModel#load(java.nio.file.Path)} gives embeddings from a decoder or a
 * BERT-style encoder ({@link dev.starling.llm.generate.EncoderModel}).
 */
package dev.starling.llm.generate;
