/**
 * The admin area of the web app ({@code /admin}, admin role only): models and which one serves each
 * AI feature, training runs with progress and model cards, trend and story moderation. Register with
 * {@code new AdminPages(registry, trainingRuns, trendLists, trendStories, trendModeration)} (any may be
 * null) as a {@link dev.starling.server.web.WebFeature}; {@link dev.starling.server.web.admin.TrainingRuns}
 * is how a running training job shows its progress here ({@code TrainingRuns.of(name, out, job)}).
 *
 * <p>Stable element ids: sections {@code models}, {@code training}, {@code moderation}; forms
 * {@code assign-form} (select {@code assign-model}, {@code assign-feature}, button {@code assign-submit});
 * per trending item a button {@code hide-KIND-N}; per story {@code hide-story-ID}; hidden items
 * {@code unhide-KIND-N}; a training run's progress bar {@code run-N-progress}.
 */
package dev.starling.server.web.admin;
