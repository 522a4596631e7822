package dev.starling.llm.model;

/**
 * How rotary embeddings pair up the dimensions of a head, as llama.cpp's rope types:
 * NORMAL rotates adjacent pairs (x[2i], x[2i+1]) (llama, mistral); NEOX rotates (x[i], x[i + n/2])
 * (qwen2, qwen3).
 */
public enum RopeStyle {
    NORMAL,
    NEOX
}
