package dev.starling.llm.train.lora;

/**
 * Forward and backward of a Llama-family decoder with LoRA adapters over a frozen base: {@link LoraFast} (float32,
 * the default) or {@link LoraReference} (float64, readable, the one the gradient check and the fast path's tests
 * compare against). A batch is {@code batch} sequences of {@code seq} tokens, flattened; targets are the next
 * tokens.
 */
public interface LoraModel {
    /** Mean cross-entropy of the batch; adds gradScale · d(mean loss)/d(A, B) to the adapter's gradients. */
    double lossAndGradients(int[] tokens, int[] targets, int batch, int seq, double gradScale);

    /** Mean cross-entropy of the batch, without touching the gradients. */
    double loss(int[] tokens, int[] targets, int batch, int seq);
}
