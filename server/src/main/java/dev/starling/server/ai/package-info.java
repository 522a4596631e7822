/**
 * Starling's AI API under {@code /api/v1/starling/}: Ask, Explain, Summarize, Compose (JSON or server-sent events),
 * the model registry and an admin-only model switch ({@link dev.starling.server.ai.AiRoutes}).
 */
package dev.starling.server.ai;
