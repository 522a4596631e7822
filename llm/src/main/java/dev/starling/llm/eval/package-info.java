/**
 * Language-model quality in bits per byte: {@link dev.starling.llm.eval.LmEvaluation} scores a held-out text
 * ({@link dev.starling.llm.eval.HeldOutText}, one post per line) with a decoder in sliding windows
 * ({@link dev.starling.llm.eval.WindowedScorer}) and with interpolated modified Kneser-Ney n-grams
 * ({@link dev.starling.llm.eval.KneserNey}) over bytes or over the model's tokens, all divided by the same bytes.
 */
package dev.starling.llm.eval;
