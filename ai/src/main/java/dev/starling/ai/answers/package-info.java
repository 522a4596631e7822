/**
 * The AI features that answer people: {@link dev.starling.ai.answers.Ask} (questions answered from visible posts with
 * numbered citations), {@link dev.starling.ai.answers.Explain} (a post in context),
 * {@link dev.starling.ai.answers.Summarize} (a thread), {@link dev.starling.ai.answers.Compose} (draft completion or
 * rewrite, on request); {@link dev.starling.ai.answers.StarlingAi} bundles them. {@link dev.starling.ai.answers.Grounding}
 * measures an answer: citations valid and visible to the asker, and the share of its key words found in the cited posts;
 * {@link dev.starling.ai.answers.Relevance} adds whether it addresses its question (its words come from cited posts on
 * the question's topic: its hashtag or key words), which a copying answer does not pass by construction.
 *
 * <p>Safety: retrieval runs as the viewer and every post is re-checked by social's visibility rule before the model
 * reads it ({@link dev.starling.ai.answers.Evidence}); posts enter prompts only as escaped, delimited quotes; model text
 * passes {@link dev.starling.ai.answers.OutputFilter} (valid citations only, no foreign links, no HTML) before anyone
 * sees it; every generation has a token and a time limit.
 *
 * <p>Answers with evidence (Ask, Explain, Summarize) from an in-process model are decoded with a copy mixture over the
 * quoted posts ({@link dev.starling.ai.answers.CopySources}; weight {@link dev.starling.ai.answers.AnswerSettings#copyWeightFor},
 * 0.5 by default for models trained by Starling, 0 for other GGUFs and always 0 for remote models), so that small
 * models quote the posts they cite; {@link dev.starling.ai.answers.Answer#copyWeight()} records the weight used. The
 * operator's weight is a {@link dev.starling.ai.answers.CopyWeightSetting} (admin page, {@code serve --copy-weight},
 * stored in {@code ai_copy_weight}), read once per request: a change applies from the next request.
 */
package dev.starling.ai.answers;
