package dev.starling.llm.train;

import dev.starling.llm.model.ModelConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The trainable F32 parameters of a Llama-family decoder, named as GGUF names them
 * ({@code token_embd.weight}, {@code blk.N.attn_q.weight}, ...). Untied models have their own
 * {@code output.weight}; tied ones reuse the token embedding as the output projection.
 * Q/K/V biases and QK-norm (qwen2/qwen3) are not trainable here yet: the config must have none.
 */
public final class LlamaParameters {
    private final ModelConfig config;
    private final boolean tiedOutput;
    private final TrainParameter tokenEmbedding; // [vocab][dim]
    private final Layer[] layers;
    private final TrainParameter outputNorm;     // [1][dim]
    private final TrainParameter output;         // [vocab][dim], the embedding itself when tied
    private final List<TrainParameter> all;

    /** One block's parameters. */
    public record Layer(
            TrainParameter attnNorm, // [1][dim]
            TrainParameter wq,       // [qDim][dim]
            TrainParameter wk,       // [kvDim][dim]
            TrainParameter wv,       // [kvDim][dim]
            TrainParameter wo,       // [dim][qDim]
            TrainParameter ffnNorm,  // [1][dim]
            TrainParameter wGate,    // [ffn][dim]
            TrainParameter wUp,      // [ffn][dim]
            TrainParameter wDown) {  // [dim][ffn]
        List<TrainParameter> list() {
            return List.of(attnNorm, wq, wk, wv, wo, ffnNorm, wGate, wUp, wDown);
        }
    }

    /** Zero-filled parameters (norm gains too); see {@link #initialize} for a trainable start. */
    public LlamaParameters(ModelConfig c, boolean tiedOutput) {
        if (c.qkNorm()) {
            throw new IllegalArgumentException("training with QK-norm (qwen3) is not supported yet");
        }
        this.config = c;
        this.tiedOutput = tiedOutput;
        int d = c.dim();
        List<TrainParameter> list = new ArrayList<>();
        tokenEmbedding = TrainParameter.zeros("token_embd.weight", c.vocabSize(), d, true);
        list.add(tokenEmbedding);
        layers = new Layer[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            String b = "blk." + l + ".";
            layers[l] = new Layer(
                    TrainParameter.zeros(b + "attn_norm.weight", 1, d, false),
                    TrainParameter.zeros(b + "attn_q.weight", c.qDim(), d, true),
                    TrainParameter.zeros(b + "attn_k.weight", c.kvDim(), d, true),
                    TrainParameter.zeros(b + "attn_v.weight", c.kvDim(), d, true),
                    TrainParameter.zeros(b + "attn_output.weight", d, c.qDim(), true),
                    TrainParameter.zeros(b + "ffn_norm.weight", 1, d, false),
                    TrainParameter.zeros(b + "ffn_gate.weight", c.ffnDim(), d, true),
                    TrainParameter.zeros(b + "ffn_up.weight", c.ffnDim(), d, true),
                    TrainParameter.zeros(b + "ffn_down.weight", d, c.ffnDim(), true));
            list.addAll(layers[l].list());
        }
        outputNorm = TrainParameter.zeros("output_norm.weight", 1, d, false);
        list.add(outputNorm);
        if (tiedOutput) {
            output = tokenEmbedding;
        } else {
            output = TrainParameter.zeros("output.weight", c.vocabSize(), d, true);
            list.add(output);
        }
        all = Collections.unmodifiableList(list);
    }

    /**
     * GPT-2 style start, deterministic for the seed: matrices N(0, std), the residual output
     * projections (attn_output, ffn_down) scaled by 1/sqrt(2·layers), norm gains 1.
     */
    public void initialize(long seed, double std) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double residualStd = std / Math.sqrt(2.0 * config.layers());
        for (TrainParameter p : all) {
            boolean norm = p.name().endsWith("norm.weight");
            boolean residual = p.name().endsWith("attn_output.weight") || p.name().endsWith("ffn_down.weight");
            for (int i = 0; i < p.size(); i++) {
                p.value()[i] = norm ? 1f : (float) (gaussian(rnd) * (residual ? residualStd : std));
            }
        }
    }

    static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
    }

    public ModelConfig config() {
        return config;
    }

    public boolean tiedOutput() {
        return tiedOutput;
    }

    public TrainParameter tokenEmbedding() {
        return tokenEmbedding;
    }

    public Layer layer(int l) {
        return layers[l];
    }

    public TrainParameter outputNorm() {
        return outputNorm;
    }

    public TrainParameter output() {
        return output;
    }

    /** Every distinct parameter, in GGUF order (the tied output appears once, as the embedding). */
    public List<TrainParameter> all() {
        return all;
    }

    public TrainParameter byName(String name) {
        for (TrainParameter p : all) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no parameter named " + name);
    }

    public long count() {
        long n = 0;
        for (TrainParameter p : all) {
            n += p.size();
        }
        return n;
    }

    public void zeroGrad() {
        for (TrainParameter p : all) {
            p.zeroGrad();
        }
    }
}
