package dev.starling.llm.model;

import dev.starling.llm.tensor.QuantizedMatrix;

/**
 * One transformer block. Matrices are [out rows][in cols] views over the mapped file; norms and
 * biases (tiny) are copied to float arrays. Optional parts are null when the family has none.
 */
public record LayerWeights(
        float[] attnNorm,      // [dim]
        QuantizedMatrix wq,    // [qDim][dim]
        QuantizedMatrix wk,    // [kvDim][dim]
        QuantizedMatrix wv,    // [kvDim][dim]
        QuantizedMatrix wo,    // [dim][qDim]
        float[] qBias,         // [qDim] or null (qwen2)
        float[] kBias,         // [kvDim] or null
        float[] vBias,         // [kvDim] or null
        float[] qNorm,         // [headDim] or null (qwen3)
        float[] kNorm,         // [headDim] or null
        float[] ffnNorm,       // [dim]
        QuantizedMatrix wGate, // [ffnDim][dim]
        QuantizedMatrix wUp,   // [ffnDim][dim]
        QuantizedMatrix wDown) { // [dim][ffnDim]
}
