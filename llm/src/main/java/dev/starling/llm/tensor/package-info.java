/**
 * Quantized tensors and kernels. {@link dev.starling.llm.tensor.QuantizedMatrix} views a weight in a
 * ggml block encoding ({@link dev.starling.llm.tensor.QuantType}: F32, F16, BF16, Q8_0, Q4_0, Q4_K,
 * Q6_K) straight over a mapped segment. {@link dev.starling.llm.tensor.ScalarKernels} is the readable
 * reference; {@link dev.starling.llm.tensor.VectorKernels} the Vector API version tested against it;
 * {@link dev.starling.llm.tensor.Kernels} picks one. {@link dev.starling.llm.tensor.MatMul} runs
 * matrix-vector (decode) and matrix-matrix (prefill, batched decode: rows decoded once per batch)
 * products on a fixed {@link dev.starling.llm.tensor.ComputePool}: Q8_0/Q4_0 batches of any length (batched decode
 * and prefill) through {@link dev.starling.llm.tensor.BatchKernels} (blocks of 4 rows decoded into registers once
 * for 4 tokens; long batches a ~128 KiB panel of rows at a time, 16 tokens at a time within it; rows copied ~64 KiB
 * at a time, one sequential burst, and Q4_0 block scales decoded once per tile for all its tokens); other types by
 * decoding a panel of rows into floats once and reusing it for every token.
 * Int8 dot products on quantized activations are not used: the Vector API offers no int8/int16 multiply-add
 * into int32 lanes (vpmaddwd, vpdpbusd), and the widening multiplies and per-block conversions it does offer
 * cost more vector operations per weight than the float FMA path (counted from the instruction sequences, not
 * measured).
 * {@link dev.starling.llm.tensor.ActivationRounding} rounds activations as llama.cpp does;
 * {@link dev.starling.llm.tensor.VectorRounding} gives its Q8_0 rounding, SwiGLU and the softmax exponentials
 * with vector instructions and exactly the scalar code's floats (the forward pass fuses them with the norms and
 * attention, so that the steps between products run on every thread in few passes).
 */
package dev.starling.llm.tensor;
