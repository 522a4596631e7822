package dev.starling.llm.eval;

import dev.starling.llm.model.Transformer;
import dev.starling.llm.tokenizer.Tokenizer;

import java.util.function.LongConsumer;

/**
 * Bits per byte of a held-out text for a decoder model and for Kneser-Ney n-gram baselines trained on a training
 * text, all over the same bytes (see {@link HeldOutText}).
 */
public final class LmEvaluation {

    private LmEvaluation() {
    }

    /** A Kneser-Ney n-gram over bytes (V = 256) trained on train's byte stream. */
    public static BitsPerByte ngramOverBytes(HeldOutText train, HeldOutText heldOut, int order) {
        long t0 = System.nanoTime();
        KneserNey kn = KneserNey.train(train.byteStream(), order, 256);
        int[] eval = heldOut.byteStream();
        double bits = kn.bits(eval, 1, eval.length);
        return new BitsPerByte(order + "-gram Kneser-Ney over bytes", bits, heldOut.bytes(), eval.length - 1L,
                "bytes", (System.nanoTime() - t0) / 1_000_000, kn.nodes() + " n-grams");
    }

    /** A Kneser-Ney n-gram over a tokenizer's ids (V = its vocabulary) trained on train's token stream. */
    public static BitsPerByte ngramOverTokens(Tokenizer tokenizer, HeldOutText train, HeldOutText heldOut, int order) {
        return ngramOverTokens("the model's tokens", tokenizer, train, heldOut, order);
    }

    /** As {@link #ngramOverTokens(Tokenizer, HeldOutText, HeldOutText, int)}, naming the tokenizer in the line. */
    public static BitsPerByte ngramOverTokens(String tokenizerName, Tokenizer tokenizer, HeldOutText train,
                                              HeldOutText heldOut, int order) {
        long t0 = System.nanoTime();
        KneserNey kn = KneserNey.train(train.tokenStream(tokenizer), order, tokenizer.vocabSize());
        int[] eval = heldOut.tokenStream(tokenizer);
        double bits = kn.bits(eval, 1, eval.length);
        return new BitsPerByte(order + "-gram Kneser-Ney over " + tokenizerName, bits, heldOut.bytes(),
                eval.length - 1L, "tokens", (System.nanoTime() - t0) / 1_000_000, kn.nodes() + " n-grams");
    }

    /** The decoder over the held-out token stream, in windows of window tokens every stride tokens. */
    public static BitsPerByte model(String name, Transformer model, Tokenizer tokenizer, HeldOutText heldOut,
                                    int window, int stride, LongConsumer progress) {
        return model(name, model, tokenizer, heldOut, -1, window, stride, progress);
    }

    /**
     * As {@link #model(String, Transformer, Tokenizer, HeldOutText, int, int, LongConsumer)}, with each post framed
     * as the model was trained ({@link HeldOutText#tokenStream(Tokenizer, int)}; {@code postStartId} &lt; 0: none).
     */
    public static BitsPerByte model(String name, Transformer model, Tokenizer tokenizer, HeldOutText heldOut,
                                    int postStartId, int window, int stride, LongConsumer progress) {
        if (tokenizer.vocabSize() > model.config().vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " tokens, the model "
                    + model.config().vocabSize());
        }
        long t0 = System.nanoTime();
        int[] tokens = heldOut.tokenStream(tokenizer, postStartId);
        WindowedScorer.Result r = WindowedScorer.score(model, tokens, window, stride, progress);
        String framing = postStartId >= 0 ? ", posts framed " + tokenizer.tokenText(postStartId) + " … "
                + tokenizer.tokenText(HeldOutText.separatorId(tokenizer)) : "";
        return new BitsPerByte(name, r.bits(), heldOut.bytes(), r.scoredTokens(), "tokens",
                (System.nanoTime() - t0) / 1_000_000, "window " + window + " stride " + stride + framing);
    }
}
