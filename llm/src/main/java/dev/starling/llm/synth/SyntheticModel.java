package dev.starling.llm.synth;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes random-weight decoder models in a real model's exact tensor names, shapes and metadata, as llama.cpp
 * expects them, with a real (or synthetic) vocabulary: for tests and speed benchmarks, where speed does not depend
 * on the weights' values.
 *
 * <p>Weights: every matrix is normal(0, 1/sqrt(row length)) so activations keep unit scale at any size (0.022 for
 * a 2048-wide model, near the usual 0.02 initialisation); norm weights are 1 + normal(0, 0.1); biases normal(0,
 * 0.02). Values depend only on (seed, tensor name, row), so the same seed gives the same weights whatever the type
 * and whatever the thread scheduling. Matrices are written in {@code type}, or in the types of a {@link WeightMix}
 * such as Q4_K_M; a row length the type's blocks do not divide falls back as llama.cpp's quantizer does (Q4_K to
 * Q4_0 here, Q6_K to Q8_0, others to F16); vectors are F32.
 * The file is streamed: nothing close to the model's size is held in memory.
 */
public final class SyntheticModel {

    /** What was written. */
    public record Result(Path path, long sizeBytes, long parameterCount, int vocabSize, int tensorCount,
            long elapsedMillis) {
    }

    private SyntheticModel() {
    }

    /** Writes a model of {@code shape} with weights of {@code type} and the given vocabulary (null: synthetic). */
    public static Result write(Shape shape, GgmlType type, ModelVocabulary vocabulary, long seed, Path out)
            throws IOException {
        return write(shape, WeightMix.uniform(type), vocabulary, seed, out);
    }

    /** Writes a model whose matrices get the types of {@code mix} (e.g. {@link WeightMix#Q4_K_M}). */
    public static Result write(Shape shape, WeightMix mix, ModelVocabulary vocabulary, long seed, Path out)
            throws IOException {
        long t0 = System.nanoTime();
        int defaultSize = shape.vocabSize() > 0 ? shape.vocabSize() : shape.isEncoder() ? 30522 : 32000;
        ModelVocabulary vocab = vocabulary != null ? vocabulary
                : shape.isEncoder() ? ModelVocabulary.syntheticWordPiece(defaultSize)
                : ModelVocabulary.synthetic(defaultSize);
        vocab = vocab.paddedTo(shape.vocabSize());
        int nVocab = vocab.size();
        String a = shape.architecture();
        GgufWriter w = GgufWriter.create(out);
        w.putString("general.architecture", a);
        w.putString("general.name", "starling-synthetic-" + shape.name());
        w.putString("general.description", "random weights (seed " + seed + ") in the shape of " + shape.name());
        w.putUInt32("general.file_type", mix.fileType());
        w.putUInt32("general.alignment", 32);
        w.putUInt32(a + ".vocab_size", nVocab);
        w.putUInt32(a + ".context_length", shape.contextLength());
        w.putUInt32(a + ".embedding_length", shape.dim());
        w.putUInt32(a + ".block_count", shape.layers());
        w.putUInt32(a + ".feed_forward_length", shape.ffnDim());
        w.putUInt32(a + ".attention.head_count", shape.heads());
        if (shape.isEncoder()) {
            w.putFloat32(a + ".attention.layer_norm_epsilon", shape.rmsEps());
            w.putBool(a + ".attention.causal", false);
            w.putUInt32(a + ".pooling_type", 1); // LLAMA_POOLING_TYPE_MEAN
        } else {
            w.putUInt32(a + ".attention.head_count_kv", shape.kvHeads());
            w.putUInt32(a + ".attention.key_length", shape.headDim());
            w.putUInt32(a + ".attention.value_length", shape.headDim());
            w.putUInt32(a + ".rope.dimension_count", shape.headDim());
            w.putFloat32(a + ".rope.freq_base", shape.ropeTheta());
            w.putFloat32(a + ".attention.layer_norm_rms_epsilon", shape.rmsEps());
        }
        vocab.writeTo(w);
        if (mix.quantized()) {
            w.putUInt32("general.quantization_version", 2);
        }

        List<TensorSpec> plan = plan(shape, mix, nVocab);
        for (TensorSpec spec : plan) {
            switch (spec.kind()) {
                case ROPE_FACTORS -> w.addTensor(spec.name(), spec.type(), spec.dims(),
                        llama3RopeFactors(shape.headDim(), shape.ropeTheta(), shape.llama3RopeFactor()));
                case MATRIX -> w.addTensor(spec.name(), spec.type(), spec.dims(),
                        rows(seed, spec.name(), 0f, (float) (1 / Math.sqrt(spec.dims()[0]))));
                case NORM -> w.addTensor(spec.name(), spec.type(), spec.dims(), rows(seed, spec.name(), 1f, 0.1f));
                case BIAS -> w.addTensor(spec.name(), spec.type(), spec.dims(), rows(seed, spec.name(), 0f, 0.02f));
            }
        }
        long size = w.write();
        long params = plan.stream().mapToLong(TensorSpec::elementCount).sum();
        return new Result(out, size, params, nVocab, plan.size(), (System.nanoTime() - t0) / 1_000_000);
    }

    /** What a tensor holds, which decides its initialisation. */
    public enum Kind { MATRIX, NORM, BIAS, ROPE_FACTORS }

    /** One planned tensor; dims in ggml order (dims[0] = row length). */
    public record TensorSpec(String name, GgmlType type, long[] dims, Kind kind) {
        public long elementCount() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }
    }

    /** The tensors of a model of this shape, in file order, with the types they are written in. */
    public static List<TensorSpec> plan(Shape shape, GgmlType type, int nVocab) {
        return plan(shape, WeightMix.uniform(type), nVocab);
    }

    /** The tensors of a model of this shape, in file order, with the types {@code mix} gives them. */
    public static List<TensorSpec> plan(Shape shape, WeightMix mix, int nVocab) {
        if (shape.isEncoder()) {
            return encoderPlan(shape, mix, nVocab);
        }
        List<TensorSpec> p = new ArrayList<>();
        int d = shape.dim();
        int n = shape.layers();
        p.add(matrix(mix.typeFor("token_embd.weight", -1, n, shape.tiedEmbeddings()), "token_embd.weight", d,
                nVocab));
        if (shape.llama3RopeFactor() > 0) {
            p.add(new TensorSpec("rope_freqs.weight", GgmlType.F32, new long[] {shape.headDim() / 2},
                    Kind.ROPE_FACTORS));
        }
        for (int i = 0; i < shape.layers(); i++) {
            String b = "blk." + i + ".";
            vector(p, b + "attn_norm.weight", d, Kind.NORM);
            p.add(matrix(mix.typeFor("attn_q.weight", i, n, false), b + "attn_q.weight", d, shape.qDim()));
            p.add(matrix(mix.typeFor("attn_k.weight", i, n, false), b + "attn_k.weight", d, shape.kvDim()));
            p.add(matrix(mix.typeFor("attn_v.weight", i, n, false), b + "attn_v.weight", d, shape.kvDim()));
            if (shape.qkvBias()) {
                vector(p, b + "attn_q.bias", shape.qDim(), Kind.BIAS);
                vector(p, b + "attn_k.bias", shape.kvDim(), Kind.BIAS);
                vector(p, b + "attn_v.bias", shape.kvDim(), Kind.BIAS);
            }
            if (shape.qkNorm()) {
                vector(p, b + "attn_q_norm.weight", shape.headDim(), Kind.NORM);
                vector(p, b + "attn_k_norm.weight", shape.headDim(), Kind.NORM);
            }
            p.add(matrix(mix.typeFor("attn_output.weight", i, n, false), b + "attn_output.weight", shape.qDim(), d));
            vector(p, b + "ffn_norm.weight", d, Kind.NORM);
            p.add(matrix(mix.typeFor("ffn_gate.weight", i, n, false), b + "ffn_gate.weight", d, shape.ffnDim()));
            p.add(matrix(mix.typeFor("ffn_up.weight", i, n, false), b + "ffn_up.weight", d, shape.ffnDim()));
            p.add(matrix(mix.typeFor("ffn_down.weight", i, n, false), b + "ffn_down.weight", shape.ffnDim(), d));
        }
        vector(p, "output_norm.weight", d, Kind.NORM);
        if (!shape.tiedEmbeddings()) {
            p.add(matrix(mix.typeFor("output.weight", -1, n, true), "output.weight", d, nVocab));
        }
        return p;
    }

    /** llama.cpp's LLM_ARCH_BERT tensors (token types: 2 rows, as in BERT). */
    private static List<TensorSpec> encoderPlan(Shape shape, WeightMix mix, int nVocab) {
        List<TensorSpec> p = new ArrayList<>();
        int d = shape.dim();
        int n = shape.layers();
        p.add(matrix(mix.typeFor("token_embd.weight", -1, n, false), "token_embd.weight", d, nVocab));
        p.add(new TensorSpec("token_types.weight", GgmlType.F32, new long[] {d, 2}, Kind.MATRIX));
        p.add(new TensorSpec("position_embd.weight", GgmlType.F32, new long[] {d, shape.contextLength()},
                Kind.MATRIX));
        vector(p, "token_embd_norm.weight", d, Kind.NORM);
        vector(p, "token_embd_norm.bias", d, Kind.BIAS);
        for (int i = 0; i < n; i++) {
            String b = "blk." + i + ".";
            for (String role : List.of("attn_q", "attn_k", "attn_v", "attn_output")) {
                p.add(matrix(mix.typeFor(role + ".weight", i, n, false), b + role + ".weight", d, d));
                vector(p, b + role + ".bias", d, Kind.BIAS);
            }
            vector(p, b + "attn_output_norm.weight", d, Kind.NORM);
            vector(p, b + "attn_output_norm.bias", d, Kind.BIAS);
            p.add(matrix(mix.typeFor("ffn_up.weight", i, n, false), b + "ffn_up.weight", d, shape.ffnDim()));
            vector(p, b + "ffn_up.bias", shape.ffnDim(), Kind.BIAS);
            p.add(matrix(mix.typeFor("ffn_down.weight", i, n, false), b + "ffn_down.weight", shape.ffnDim(), d));
            vector(p, b + "ffn_down.bias", d, Kind.BIAS);
            vector(p, b + "layer_output_norm.weight", d, Kind.NORM);
            vector(p, b + "layer_output_norm.bias", d, Kind.BIAS);
        }
        return p;
    }

    private static TensorSpec matrix(GgmlType type, String name, int cols, int rows) {
        return new TensorSpec(name, matrixType(type, cols), new long[] {cols, rows}, Kind.MATRIX);
    }

    private static void vector(List<TensorSpec> p, String name, int n, Kind kind) {
        p.add(new TensorSpec(name, GgmlType.F32, new long[] {n}, kind));
    }

    /** Row source of normal(mean, std) values depending only on (seed, tensor name, row). */
    static GgufWriter.RowSource rows(long seed, String name, float mean, float std) {
        long tensorSeed = mix(seed ^ mix(name.hashCode()));
        return (row, dst) -> {
            SplittableRandom r = new SplittableRandom(mix(tensorSeed + row * 0x9E3779B97F4A7C15L));
            for (int i = 0; i < dst.length; i++) {
                dst[i] = mean + std * (float) r.nextGaussian();
            }
        };
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The type a matrix with rows of {@code rowLength} is written in when {@code type} is asked for. */
    public static GgmlType matrixType(GgmlType type, long rowLength) {
        if (rowLength % type.blockSize() == 0) {
            return type;
        }
        GgmlType fallback = switch (type) {
            case Q4_K -> GgmlType.Q4_0;
            case Q6_K -> GgmlType.Q8_0;
            default -> GgmlType.F16;
        };
        return rowLength % fallback.blockSize() == 0 ? fallback : GgmlType.F16;
    }

    /**
     * Llama 3 rope scaling factors per frequency (convert_hf_to_gguf.py), low-frequency factor 1, high 4, original
     * context 8192.
     */
    static float[] llama3RopeFactors(int headDim, float theta, float factor) {
        double lowFreqFactor = 1.0;
        double highFreqFactor = 4.0;
        double oldContext = 8192;
        double lowWavelen = oldContext / lowFreqFactor;
        double highWavelen = oldContext / highFreqFactor;
        float[] f = new float[headDim / 2];
        for (int i = 0; i < f.length; i++) {
            float freq = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highWavelen) {
                f[i] = 1f;
            } else if (wavelen > lowWavelen) {
                f[i] = factor;
            } else {
                double smooth = (oldContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                f[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return f;
    }
}
