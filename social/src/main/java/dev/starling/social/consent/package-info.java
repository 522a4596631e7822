/**
 * Training consent: whether an account's public posts may train Starling's models. Opt-in by
 * default ({@link dev.starling.social.Social.Settings#withTrainingConsentDefault}); read and set
 * through {@link dev.starling.social.consent.TrainingConsent}; honoured by
 * {@link dev.starling.social.corpus.TrainingCorpus}.
 */
package dev.starling.social.consent;
