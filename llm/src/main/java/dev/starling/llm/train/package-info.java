/**
 * Training of Llama-family decoders (issue 4): {@link dev.starling.llm.train.LlamaParameters} (F32
 * parameters and gradients, GGUF names), the readable float64 reference forward/backward
 * {@link dev.starling.llm.train.LlamaReference} and the fast F32 Vector API path
 * {@link dev.starling.llm.train.FastLlama} (its matrix products all go through one register-tiled strided
 * GEMM, {@code Gemm}; attention is blocked over the causal triangle in {@code FastAttention}),
 * {@link dev.starling.llm.train.AdamW},
 * {@link dev.starling.llm.train.GradClip}, {@link dev.starling.llm.train.LrSchedule},
 * {@link dev.starling.llm.train.Trainer} (accumulation, clip, schedule, AdamW),
 * {@link dev.starling.llm.train.Checkpoint} (exact resume) and {@link dev.starling.llm.train.GgufExport}.
 * Checked by finite differences and against PyTorch (scripts/torch-reference/reference.py); speed
 * against PyTorch by {@link dev.starling.llm.train.TrainBench} (scripts/bench-train.sh).
 */
package dev.starling.llm.train;
