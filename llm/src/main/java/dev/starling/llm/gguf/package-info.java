/**
 * GGUF, llama.cpp's model file format: reading (memory-mapped, validated), writing (streamed), and in
 * {@link dev.starling.llm.gguf.quant} the ggml block quantizers.
 *
 * <ul>
 *   <li>{@link dev.starling.llm.gguf.GgufFile#open} maps a v2/v3 file with {@code java.lang.foreign} and validates
 *       its header; {@link dev.starling.llm.gguf.GgufFile#tensorData} returns a slice of the mapping (no copy).
 *       Metadata is read through {@link dev.starling.llm.gguf.GgufMetadata}'s typed getters.</li>
 *   <li>{@link dev.starling.llm.gguf.GgufWriter} declares metadata and tensors (floats, row sources or raw bytes) and
 *       streams a v3 file.</li>
 *   <li>Every malformed file gives a {@link dev.starling.llm.gguf.GgufFormatException} naming the file and the byte
 *       offset; lengths and counts are checked against the bytes that remain before anything is allocated.</li>
 *   <li>{@link dev.starling.llm.gguf.GgmlType} lists ggml's tensor types with their block geometry and byte
 *       layouts.</li>
 * </ul>
 */
package dev.starling.llm.gguf;
