package dev.starling.llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.RopeStyle;

/**
 * Checks the Java trainer against a file written by scripts/torch-reference/reference.py: logits,
 * loss, every gradient, the losses of 10 AdamW steps and the weights after them.
 * A tensor matches when every element is within 1e-2 relative of PyTorch's, measured against the
 * tensor's largest magnitude (|a − b| ≤ 1e-2 · max|b|); losses match within 1e-3 absolute.
 */
final class TorchParity {
    static final double TENSOR_REL = 1e-2;
    static final double LOSS_ABS = 1e-3;

    private TorchParity() {
    }

    /** Runs every comparison; returns the worst relative tensor error seen (for the report). */
    static double check(TensorFile f) {
        return check(f, null);
    }

    /** As {@link #check(TensorFile)}; with a pool, gradients and AdamW steps come from the fast F32 path. */
    static double check(TensorFile f, dev.starling.llm.tensor.ComputePool pool) {
        int[] cfg = f.get("config").ints();
        double[] hyper = f.get("hyper").values();
        int dim = cfg[0];
        int heads = cfg[2];
        int seq = cfg[6];
        int batch = cfg[7];
        int accum = cfg[8];
        boolean tied = cfg[9] != 0;
        RopeStyle style = cfg[10] == 0 ? RopeStyle.NORMAL : RopeStyle.NEOX;
        ModelConfig c = new ModelConfig("llama", dim, cfg[1], heads, cfg[3], dim / heads, cfg[4], cfg[5], seq,
                (float) hyper[0], (float) hyper[1], dim / heads, 1f, style, false);
        LlamaParameters p = new LlamaParameters(c, tied);
        for (TrainParameter t : p.all()) {
            double[] init = f.get("init/" + t.name()).values();
            assertEquals(t.size(), init.length, t.name() + " size");
            for (int i = 0; i < init.length; i++) {
                t.value()[i] = (float) init[i];
            }
        }
        int[] tokens = f.get("tokens").ints();
        int[] targets = f.get("targets").ints();
        double worst = 0;
        // one pass over the whole batch
        LlamaReference ref = new LlamaReference(p);
        p.zeroGrad();
        if (pool == null) {
            ref.forwardBackward(tokens, targets, batch * accum, seq, 1.0);
        } else {
            assertEquals(f.get("loss").values()[0], new FastLlama(p, pool).lossAndGrad(tokens, targets, batch * accum, seq, 1.0),
                    LOSS_ABS, "loss (fast path)");
        }
        LlamaReference.Result r = ref.forward(tokens, targets, batch * accum, seq, true);
        assertEquals(f.get("loss").values()[0], r.loss(), LOSS_ABS, "loss");
        worst = Math.max(worst, compare("logits", r.logits(), f.get("logits").values()));
        for (TrainParameter t : p.all()) {
            worst = Math.max(worst, compare("grad/" + t.name(), toDouble(t.grad()), f.get("grad/" + t.name()).values()));
        }
        // 10 AdamW steps with accumulation, clipping and the schedule
        for (TrainParameter t : p.all()) {
            double[] init = f.get("init/" + t.name()).values();
            for (int i = 0; i < init.length; i++) {
                t.value()[i] = (float) init[i];
            }
        }
        LrSchedule schedule = new LrSchedule(hyper[2], hyper[3], (int) hyper[4], (int) hyper[5]);
        AdamW adamW = new AdamW(hyper[6], hyper[7], hyper[8], hyper[9]);
        Trainer trainer = pool == null ? new Trainer(p, adamW, schedule, hyper[10])
                : new Trainer(p, adamW, schedule, hyper[10], 0, pool);
        double[] losses = f.get("adamw_losses").values();
        double[] norms = f.get("adamw_grad_norms").values();
        int micro = batch * seq;
        int[][] tok = new int[accum][];
        int[][] tgt = new int[accum][];
        for (int a = 0; a < accum; a++) {
            tok[a] = java.util.Arrays.copyOfRange(tokens, a * micro, (a + 1) * micro);
            tgt[a] = java.util.Arrays.copyOfRange(targets, a * micro, (a + 1) * micro);
        }
        for (int s = 0; s < losses.length; s++) {
            Trainer.StepResult step = trainer.step(tok, tgt, batch, seq);
            System.out.printf("step %d: loss %.6f (torch %.6f)  grad norm %.5f (torch %.5f)  lr %.6f%n",
                    s, step.loss(), losses[s], step.gradNorm(), norms[s], step.lr());
            assertEquals(losses[s], step.loss(), LOSS_ABS, "loss of AdamW step " + s);
            assertEquals(norms[s], step.gradNorm(), TENSOR_REL * norms[s], "gradient norm of step " + s);
        }
        for (TrainParameter t : p.all()) {
            worst = Math.max(worst, compare("final/" + t.name(), toDouble(t.value()), f.get("final/" + t.name()).values()));
        }
        return worst;
    }

    static double compare(String what, double[] actual, double[] expected) {
        assertEquals(expected.length, actual.length, what + " length");
        double max = 0;
        for (double e : expected) {
            max = Math.max(max, Math.abs(e));
        }
        assertTrue(max > 0, what + " is all zeros in the reference");
        double worst = 0;
        int at = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]) / max;
            if (err > worst) {
                worst = err;
                at = i;
            }
        }
        assertTrue(worst <= TENSOR_REL, what + "[" + at + "]: " + actual[at] + " vs PyTorch " + expected[at]
                + " (error " + worst + " of max|x| " + max + ")");
        return worst;
    }

    static double[] toDouble(float[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }
}
