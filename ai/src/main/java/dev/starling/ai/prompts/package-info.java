/**
 * Prompt templates as files an operator can read and change ({@link dev.starling.ai.prompts.Prompts}: classpath
 * {@code prompts/*.txt}, overridable per file by a directory), each with a name, version and hash
 * ({@link dev.starling.ai.prompts.PromptRef}) that outputs report. Untrusted text (posts, questions, drafts) enters
 * only through {@link dev.starling.ai.prompts.PromptBindings}, escaped by {@link dev.starling.ai.prompts.PromptText}
 * and, for posts, in delimited quoted blocks.
 */
package dev.starling.ai.prompts;
