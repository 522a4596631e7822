/**
 * Training of Llama-family decoders (issue 4): {@link dev.starling.llm.train.LlamaParameters} (F32
 * parameters and gradients, GGUF names), the readable float64 reference forward/backward
 * {@link dev.starling.llm.train.LlamaReference} and the fast F32 Vector API path
 * {@link dev.starling.llm.train.FastLlama}, {@link dev.starling.llm.train.AdamW},
 * {@link dev.starling.llm.train.GradClip}, {@link dev.starling.llm.train.LrSchedule},
 * {@link dev.starling.llm.train.Trainer} (accumulation, clip, schedule, AdamW),
 * {@link dev.starling.llm.train.Checkpoint} (exact resume) and {@link dev.starling.llm.train.GgufExport}.
 * Checked by finite differences and against PyTorch (scripts/torch-reference/reference.py).
 */
package dev.starling.llm.train;
