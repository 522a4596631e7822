/**
 * Training Starling's own model on the network's posts (issue 4): {@link dev.starling.ai.training.TrainingJob}
 * takes a {@link dev.starling.ai.training.CorpusSource} (the consented corpus of the database,
 * {@link dev.starling.ai.training.DatabaseCorpus}, or a file of one post per line,
 * {@link dev.starling.ai.training.FileCorpus}) and a {@link dev.starling.ai.training.TrainingConfig}, trains a
 * byte-level BPE tokenizer ({@link dev.starling.ai.training.BpeVocabularyTrainer}) and a Llama decoder with
 * {@code dev.starling.llm.train}, and writes a GGUF with the tokenizer, a ChatML template and the
 * {@link dev.starling.ai.training.ModelCard} inside, the card beside it, and a resumable run directory
 * ({@link dev.starling.ai.training.RunFiles}: checkpoint, run.json, packed tokens in the versioned
 * {@link dev.starling.ai.training.TokenFile} format, vocabulary). Progress is published as
 * {@link dev.starling.ai.training.TrainingProgress} snapshots; {@link dev.starling.ai.training.BackgroundTraining}
 * runs a job beside a server. {@code starling train} (app) is the command line over it.
 *
 * <p>So that a small model learns the task of the AI features, a run with a context of at least 128 tokens also makes
 * grounded-answer examples from its training posts ({@link dev.starling.ai.training.GroundedExamples}: the
 * ask-compact / explain-compact prompts with a post and 2-5 distractors on the same topic, the answer the key clause of
 * the best-matching post copied word for word with its {@code [n]}) and mixes them into the stream after the first
 * quarter of the run ({@link dev.starling.ai.training.GroundedMix}, 30% of the rows by default,
 * {@code TrainingJob.Options.withGroundedShare}); only the answers are trained on, and the model card records them.
 * The demo preset ({@code small}) has a 512-token context so that an Ask prompt holds several quoted posts.
 */
package dev.starling.ai.training;
