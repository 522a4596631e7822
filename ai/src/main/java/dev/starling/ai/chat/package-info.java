/**
 * Chat templates: the Jinja template a model carries ({@code tokenizer.chat_template}) rendered as Hugging Face
 * renders it, in a sandbox. Use {@link dev.starling.ai.chat.ChatTemplate#of} and
 * {@link dev.starling.ai.chat.ChatTemplate#render}; the outcome is the prompt text or the reason there is none
 * (the template's own {@code raise_exception}, a syntax error, a sandbox refusal, a budget exceeded).
 *
 * <p>On top of Jinjava (which renders the rest): an allowlist resolver instead of Java bean access
 * ({@code SandboxResolver}), Python's string/dict/list methods ({@code PyMethods}), {@code tojson} as Python's
 * {@code json.dumps} ({@code PyJson}), Python precedence for {@code not}, keyword-argument expressions and stepped
 * slices ({@code PythonSyntaxBuilder}), Python booleans in output, {@code raise_exception} and {@code strftime_now},
 * and per-render budgets ({@code RenderGuard}).
 */
package dev.starling.ai.chat;
