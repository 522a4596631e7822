/**
 * Per-account daily AI budgets: {@link dev.starling.ai.budget.AiBudget} reserves a request and its worst-case
 * tokens before a generation and settles to what was used after; an exhausted budget is a
 * {@link dev.starling.ai.budget.BudgetDecision.Exceeded} that says which limit and when it resets (00:00 UTC).
 * Counts are durable in {@code ai_budget_usage} (migration {@code V200__assistant.sql}).
 */
package dev.starling.ai.budget;
