/**
 * Synthetic models: random weights in a real model's exact tensor names, shapes, metadata and vocabulary, for tests
 * and speed benchmarks. {@link dev.starling.llm.synth.SyntheticModel#write} takes a {@link
 * dev.starling.llm.synth.Shape} (llama-3.2-1b, qwen2.5-0.5b, qwen3-0.6b, tiny and small test shapes), a weight type
 * or {@link dev.starling.llm.synth.WeightMix} (e.g. Q4_K_M), a {@link dev.starling.llm.synth.ModelVocabulary} (from a
 * GGUF vocab file, a Hugging Face tokenizer.json, or made up) and a seed.
 */
package dev.starling.llm.synth;
