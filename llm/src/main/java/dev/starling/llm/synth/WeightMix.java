package dev.starling.llm.synth;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.quant.Quantize;

/**
 * Which type each weight matrix of a synthetic model gets: one type throughout ({@link #uniform}), or llama.cpp's
 * {@code Q4_K_M} mix ({@link #Q4_K_M}, following {@code llama_tensor_get_type} in llama-quant.cpp): Q4_K, with Q6_K
 * for the output projection (the token embedding when it is tied), and for attn_v and ffn_down in the layers
 * {@code use_more_bits} picks (the first and last eighth, and every third layer between).
 */
public final class WeightMix {

    public static final WeightMix Q4_K_M = new WeightMix("Q4_K_M", GgmlType.Q4_K, 15);

    private final String name;
    private final GgmlType base;
    private final int fileType;

    private WeightMix(String name, GgmlType base, int fileType) {
        this.name = name;
        this.base = base;
        this.fileType = fileType;
    }

    /** Every matrix in {@code type} (where its rows allow; see {@link SyntheticModel#matrixType}). */
    public static WeightMix uniform(GgmlType type) {
        if (!Quantize.canQuantize(type)) {
            throw new IllegalArgumentException("weight type " + type + " is not writable (F32, F16, BF16, Q8_0,"
                    + " Q4_0, Q4_K, Q6_K)");
        }
        int fileType = switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            case Q4_K -> 14; // LLAMA_FTYPE_MOSTLY_Q4_K_S: Q4_K throughout
            case Q6_K -> 18;
            case BF16 -> 32;
            default -> throw new AssertionError(type);
        };
        return new WeightMix(type.name(), type, fileType);
    }

    /** A type name (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K) or a mix name (Q4_K_M). */
    public static WeightMix byName(String name) {
        if (name.equals(Q4_K_M.name)) {
            return Q4_K_M;
        }
        try {
            return uniform(GgmlType.valueOf(name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("weight type '" + name + "' (known: F32, F16, BF16, Q8_0, Q4_0, Q4_K,"
                    + " Q6_K, Q4_K_M)");
        }
    }

    public String name() {
        return name;
    }

    /** llama.cpp's general.file_type (LLAMA_FTYPE_*) of a file in this mix. */
    public int fileType() {
        return fileType;
    }

    /** Whether the weights are quantized (general.quantization_version is written). */
    public boolean quantized() {
        return base != GgmlType.F32 && base != GgmlType.F16 && base != GgmlType.BF16;
    }

    /**
     * The type asked for a matrix before the row-length fallback.
     *
     * @param role   the tensor name without "blk.N.", e.g. "attn_v.weight", "token_embd.weight"
     * @param layer  its layer, or -1 outside the blocks
     * @param layers the model's block count
     * @param isOutputProjection whether this matrix computes the logits (output.weight, or token_embd when tied)
     */
    public GgmlType typeFor(String role, int layer, int layers, boolean isOutputProjection) {
        if (this != Q4_K_M) {
            return base;
        }
        if (isOutputProjection) {
            return GgmlType.Q6_K;
        }
        if ((role.equals("attn_v.weight") || role.equals("ffn_down.weight")) && useMoreBits(layer, layers)) {
            return GgmlType.Q6_K;
        }
        return GgmlType.Q4_K;
    }

    /** llama.cpp's use_more_bits. */
    static boolean useMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    @Override
    public String toString() {
        return name;
    }
}
