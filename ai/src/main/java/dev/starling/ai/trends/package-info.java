/**
 * Trends and trend stories (issue 6).
 *
 * <h2>Counting (derived, rebuildable)</h2>
 * {@link dev.starling.ai.trends.TrendCounter} is the {@code trends} outbox consumer: for every post event it
 * re-derives the post's rows in {@code trend_uses} (V210) from the post as it is now: one row per hashtag, normalized
 * link ({@link dev.starling.ai.trends.Links}) and 2-3-word phrase ({@link dev.starling.ai.trends.Phrases}) of a PUBLIC
 * original post, bucketed by hour, with its author. Unlisted, followers-only and direct posts and reposts never count;
 * a deleted or no-longer-public post loses its rows; a sensitive or content-warned post counts only its hashtags.
 * Batches are transactions followed by the checkpoint, so a restart continues and a replay is harmless.
 * {@link dev.starling.ai.trends.TrendCounter#rebuild()} recomputes the table from the posts. The view
 * {@code trend_hourly} gives distinct authors and uses per hour.
 *
 * <h2>Scoring</h2>
 * {@link dev.starling.ai.trends.TrendScoring} (pure, Mastodon's {@code Trends::Tags} as the floor): distinct
 * accounts in the current 24 h against the max of the 7 windows before, {@code (observed - expected)^2 / expected},
 * at least 5 accounts, peak remembered 2 days and decayed with a half-life of 4 h (links 8 h).
 * {@link dev.starling.ai.trends.TrendRefresh} scores on a schedule into {@code trend_scores} and
 * {@code trend_statuses} (Mastodon's trending posts: reblogs + favourites decayed by age);
 * {@link dev.starling.ai.trends.TrendLists} reads them, leaving out what an admin hid
 * ({@link dev.starling.ai.trends.TrendModeration}).
 *
 * <h2>Stories</h2>
 * {@link dev.starling.ai.trends.TrendStories#update()} groups the best items of each kind by the embedding similarity
 * of their representative public posts, or by shared posts ({@link dev.starling.ai.trends.StoryClustering}); keeps a
 * story's id while its items overlap; and has {@link dev.starling.ai.trends.StoryWriter} (the model serving
 * {@code trends} in the registry, prompt file {@code prompts/trend-story.txt}) write a headline and summary citing
 * the posts as {@code [n]}, only when the items changed or the text is old. Without a model, stories are listed with
 * the reason. {@link dev.starling.ai.trends.TrendsService} wires it all for {@code starling serve}.
 */
package dev.starling.ai.trends;
