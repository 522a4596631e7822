/**
 * Quantized tensors and kernels. {@link dev.starling.llm.tensor.QuantizedMatrix} views a weight in a
 * ggml block encoding ({@link dev.starling.llm.tensor.QuantType}: F32, F16, BF16, Q8_0, Q4_0, Q4_K,
 * Q6_K) straight over a mapped segment. {@link dev.starling.llm.tensor.ScalarKernels} is the readable
 * reference; {@link dev.starling.llm.tensor.VectorKernels} the Vector API version tested against it;
 * {@link dev.starling.llm.tensor.Kernels} picks one. {@link dev.starling.llm.tensor.MatMul} runs
 * matrix-vector (decode) and matrix-matrix (prefill, batched decode: rows decoded once per batch)
 * products on a fixed {@link dev.starling.llm.tensor.ComputePool}.
 * {@link dev.starling.llm.tensor.ActivationRounding} rounds activations as llama.cpp does.
 */
package dev.starling.llm.tensor;
