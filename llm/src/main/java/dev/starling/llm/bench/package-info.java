/**
 * Speed and reference tooling: {@link dev.starling.llm.bench.Bench} (llama-bench-style prefill, decode and
 * N-stream figures; {@code scripts/bench-llm.sh} runs it beside llama.cpp), {@link dev.starling.llm.bench.KernelBench},
 * {@link dev.starling.llm.bench.BatchBench} (the products of one batched step), {@link dev.starling.llm.bench.StepProfile}
 * (wall and CPU time per phase of a batched step, with {@code -Dstarling.llm.phaseTimes=true}),
 * {@link dev.starling.llm.bench.LlamaCppReference} (runs {@code scripts/llamacpp/reference.mjs}), and random-weight
 * model writers for tests ({@link dev.starling.llm.bench.RandomDecoder}, {@link dev.starling.llm.bench.RandomEncoder}).
 */
package dev.starling.llm.bench;
