/**
 * Speed and reference tooling: {@link dev.starling.llm.bench.Bench} (llama-bench-style prefill, decode and
 * N-stream figures; {@code scripts/bench-llm.sh} runs it beside llama.cpp), {@link dev.starling.llm.bench.KernelBench},
 * {@link dev.starling.llm.bench.LlamaCppReference} (runs {@code scripts/llamacpp/reference.mjs}), and random-weight
 * model writers for tests ({@link dev.starling.llm.bench.RandomDecoder}, {@link dev.starling.llm.bench.RandomEncoder}).
 */
package dev.starling.llm.bench;
