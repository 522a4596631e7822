/**
 * The assistant account ({@code @starling} by default): {@link dev.starling.ai.assistant.AssistantService} reads new
 * posts that mention it from the outbox and replies in their thread, exactly once per mention (the reply and its
 * ledger row commit together), never more visible than the mention, grounded only in posts every reader of the
 * reply may see, in the mention's language, within the post length limit (a short thread if it must), through a
 * bounded queue and a fixed number of workers, within per-account budgets. See {@code prompts/assistant.txt}.
 */
package dev.starling.ai.assistant;
