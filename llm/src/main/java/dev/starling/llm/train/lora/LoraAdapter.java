package dev.starling.llm.train.lora;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.train.TrainParameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The trainable part of a LoRA fine-tune: for each adapted projection W [out][in] of each block, A [r][in] and
 * B [out][r], so that the layer computes W·x + (alpha/r)·B·A·x. Named as llama.cpp names adapter tensors:
 * {@code blk.N.attn_q.weight.lora_a} / {@code .lora_b}.
 */
public final class LoraAdapter {
    private final LoraConfig config;
    private final ModelConfig base;
    private final Pair[][] pairs; // [layer][target ordinal], null when not adapted
    private final List<TrainParameter> parameters;

    /** The two factors of one adapted projection. */
    public record Pair(int layer, LoraTarget target, TrainParameter a, TrainParameter b) {
    }

    /**
     * A fresh adapter: A uniform in ±1/sqrt(in) (PEFT's Kaiming-uniform start) from the config's seed, B zero, so
     * the adapted model starts as the base.
     */
    public static LoraAdapter initialize(ModelConfig base, LoraConfig config) {
        LoraAdapter a = new LoraAdapter(base, config);
        SplittableRandom rnd = new SplittableRandom(config.seed());
        for (Pair p : a.pairs()) {
            float[] v = p.a().value();
            double bound = 1.0 / Math.sqrt(p.a().cols());
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            }
        }
        return a;
    }

    /** Zero-filled factors of the right shapes (filled by a loader or a test). */
    public LoraAdapter(ModelConfig base, LoraConfig config) {
        this.config = config;
        this.base = base;
        this.pairs = new Pair[base.layers()][LoraTarget.values().length];
        List<TrainParameter> list = new ArrayList<>();
        for (int l = 0; l < base.layers(); l++) {
            for (LoraTarget t : LoraTarget.values()) {
                if (!config.targets().contains(t)) {
                    continue;
                }
                String name = t.baseTensorName(l);
                TrainParameter a = TrainParameter.zeros(name + ".lora_a", config.rank(), t.inDim(base), true);
                TrainParameter b = TrainParameter.zeros(name + ".lora_b", t.outDim(base), config.rank(), true);
                pairs[l][t.ordinal()] = new Pair(l, t, a, b);
                list.add(a);
                list.add(b);
            }
        }
        this.parameters = Collections.unmodifiableList(list);
    }

    public LoraConfig config() {
        return config;
    }

    public ModelConfig baseConfig() {
        return base;
    }

    /** The pair adapting {@code t} in block {@code layer}, or null. */
    public Pair pair(int layer, LoraTarget t) {
        return pairs[layer][t.ordinal()];
    }

    /** Every pair, block by block, in target order. */
    public List<Pair> pairs() {
        List<Pair> out = new ArrayList<>();
        for (Pair[] row : pairs) {
            for (Pair p : row) {
                if (p != null) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** The trainable tensors (A then B of each pair), for the optimizer. */
    public List<TrainParameter> parameters() {
        return parameters;
    }

    public long parameterCount() {
        long n = 0;
        for (TrainParameter p : parameters) {
            n += p.size();
        }
        return n;
    }

    public void zeroGrad() {
        for (TrainParameter p : parameters) {
            p.zeroGrad();
        }
    }

    /** Row {@code row} of the update (alpha/r)·B·A [out][in], summed in float64, added to {@code dst[0..in)}. */
    public static void addDeltaRow(Pair p, double scale, int row, float[] dst) {
        int r = p.a().rows();
        int in = p.a().cols();
        float[] a = p.a().value();
        float[] b = p.b().value();
        double[] acc = new double[in];
        for (int k = 0; k < r; k++) {
            double f = b[row * r + k];
            if (f == 0) {
                continue;
            }
            int ao = k * in;
            for (int i = 0; i < in; i++) {
                acc[i] += f * a[ao + i];
            }
        }
        for (int i = 0; i < in; i++) {
            dst[i] = (float) (dst[i] + scale * acc[i]);
        }
    }
}
