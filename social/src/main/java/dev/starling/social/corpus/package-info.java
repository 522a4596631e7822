/**
 * The consented training corpus: {@link dev.starling.social.corpus.TrainingCorpus} (the rules),
 * {@link dev.starling.social.corpus.CorpusSnapshot} (one consistent, streamed read),
 * {@link dev.starling.social.corpus.CorpusManifest} (counts by reason, for model cards) and
 * {@link dev.starling.social.corpus.TrainValidationSplit} (a deterministic split by post id).
 */
package dev.starling.social.corpus;
