/**
 * Ask, Explain this post and Summarize thread in the web app, over {@link dev.starling.ai.answers.StarlingAi}.
 * Register with {@code new AiPages(starlingAi, aiBudget)} as a {@link dev.starling.server.web.WebFeature}
 * (either may be null: without AI the pages say it is not available; without a budget none applies).
 *
 * <p>URLs (all answers need a signed-in person; POSTs need the CSRF token):
 * <ul>
 *   <li>{@code GET /ask} the question box; {@code POST /ask} (field {@code question}) renders the answer;
 *       {@code POST /ask/stream} streams it (see {@link dev.starling.server.web.ai.EventStream}).</li>
 *   <li>{@code GET /posts/{id}/explain} the post with an "Explain" button; {@code POST /posts/{id}/explain}
 *       and {@code POST /posts/{id}/explain/stream} as above. Post cards link here ("Explain this post").</li>
 *   <li>{@code GET /posts/{id}/summarize}, {@code POST /posts/{id}/summarize}, {@code POST /posts/{id}/summarize/stream}:
 *       the same for the thread of a post ("Summarize thread" on thread pages).</li>
 * </ul>
 *
 * <p>Stable element ids: {@code ask-form}, {@code ask-question}, {@code ask-submit}, {@code explain-submit},
 * {@code summarize-submit}, {@code answer-region} (where the answer appears), {@code answer-streaming} (the text
 * while it streams), {@code answer-heading}, {@code answer-label} (the AI-generated mark with model and prompt),
 * {@code answer-text} (citations are {@code a.citation} linking to {@code /posts/{id}}), {@code answer-sources}
 * with {@code source-link-N} for source N, {@code answer-error}, {@code ai-availability}.
 */
package dev.starling.server.web.ai;
