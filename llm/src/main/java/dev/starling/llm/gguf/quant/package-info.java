/**
 * ggml block quantization, plain scalar code bit-exact with ggml's {@code quantize_row_*_ref} and
 * {@code dequantize_row_*} (checked against llama.cpp's own library in the tests): {@link
 * dev.starling.llm.gguf.quant.Quantize} (float to F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K), {@link
 * dev.starling.llm.gguf.quant.Dequantize} (the reference decoder), and {@link dev.starling.llm.gguf.quant.Requantize}
 * (convert a file's matrices to another type).
 */
package dev.starling.llm.gguf.quant;
