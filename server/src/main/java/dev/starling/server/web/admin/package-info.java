/**
 * The admin area of the web app ({@code /admin}, admin role only): models and which one serves each
 * AI feature, the copy weight of copy-augmented decoding ({@code ai.answers.CopyWeightSetting}: POST
 * {@code /admin/ai/copy-weight} with field {@code copy_weight}, a number in [0, 1) or empty for "by model";
 * applied from the next request), training runs with progress and model cards, trend and story moderation.
 * Register with {@code new AdminPages(registry, trainingRuns, trendLists, trendStories, trendModeration,
 * copyWeight)} (any may be null) as a {@link dev.starling.server.web.WebFeature}; {@link dev.starling.server.web.admin.TrainingRuns}
 * is how a running training job shows its progress here ({@code TrainingRuns.of(name, out, job)}).
 *
 * <p>Stable element ids: sections {@code models}, {@code training}, {@code moderation}; forms
 * {@code assign-form} (select {@code assign-model}, {@code assign-feature}, button {@code assign-submit});
 * {@code copy-weight-form} (input {@code copy-weight-input}, button {@code copy-weight-submit}), the value now
 * {@code copy-weight-now}, per model {@code model-ID-copy-weight};
 * per trending item a button {@code hide-KIND-N}; per story {@code hide-story-ID}; hidden items
 * {@code unhide-KIND-N}; a training run's progress bar {@code run-N-progress}.
 */
package dev.starling.server.web.admin;
