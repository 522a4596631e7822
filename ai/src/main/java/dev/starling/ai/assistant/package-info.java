/**
 * The assistant account ({@code @starling} by default): {@link dev.starling.ai.assistant.AssistantService} reads new
 * posts that mention it from the outbox and replies in their thread.
 *
 * <ul>
 * <li><b>Exactly once</b>, across crashes: the reply posts and the mention's row in {@code assistant_mentions}
 *     (primary key: the mention) commit in one transaction; the outbox checkpoint only passes mentions that are
 *     recorded; a redelivered mention finds its row and does nothing. Skips and failures are recorded with why.</li>
 * <li><b>Never more visible than the mention</b>: public to public, unlisted to unlisted, followers-only and direct
 *     to a direct reply to the mentioner alone. The thread and search results are retrieved as the reply's least
 *     privileged reader (anonymous for a public reply, the mentioner for a direct one) and each post is checked
 *     against every reader ({@code Audience}), minus the mentioner's mutes and the assistant's blocks and mutes.</li>
 * <li><b>Data, not instructions</b>: posts enter {@code prompts/assistant.txt} (or, for a model with a small context
 *     such as a 256-token model, {@code assistant-compact.txt}) as quoted, escaped blocks; the
 *     assistant's only action is its reply, whose text loses every @mention (the mentioner is addressed by a prefix)
 *     and every link except to this instance's posts that the prompt quoted; no bot loops, never its own posts,
 *     nothing from or into threads of accounts that block it.</li>
 * <li><b>Limits</b>: a bounded queue and a fixed number of workers (a flood waits in the outbox, visible as
 *     {@link dev.starling.ai.assistant.AssistantService#stats()}), the mentioner's daily {@code assistant} budget
 *     ({@link dev.starling.ai.budget.AiBudget}; once it is spent the mentioner gets one short, model-free notice a day
 *     saying so and when it resets, as a reply under the same visibility rule, recorded exactly once like a reply),
 *     a token and time limit per generation, bounded retries; the reply
 *     is split into at most {@code maxReplyPosts} posts within the post length limit (twitter-text weights).</li>
 * </ul>
 *
 * <p>Measured (2026-11-29, this 2-core machine shared with other builds, load average ~20), opt-in benchmark
 * {@code AssistantBurstBenchTest}: a burst of 1,000 mentions, 2 workers, queue 32, max_tokens 32, the tiny
 * synthetic model of our engine (dim 64, 2 layers, ~680 prompt tokens with the shipped prompt): first reply after
 * 7.6 s, last after 328 s, 3.0 replies/s; the backlog fell steadily from 1,000 while the process held at most 35
 * mentions (32 queued, 2 being answered, 1 waiting to enter the queue); the rest waited in the outbox.
 */
package dev.starling.ai.assistant;
