/**
 * Where language-model work is done, behind one interface: {@link dev.starling.ai.backend.ModelBackend}.
 *
 * <ul>
 * <li>{@link dev.starling.ai.backend.LocalBackend}: the engine in this process ({@code dev.starling.llm.generate.LlamaModel}),
 * one GGUF model with its tokenizer and chat template; concurrent requests are decoded together.</li>
 * <li>{@link dev.starling.ai.backend.OpenAiHttpBackend}: any OpenAI-compatible server (vLLM, llama.cpp's server,
 * another Starling's {@code /v1}), streaming included.</li>
 * </ul>
 *
 * <pre>
 * try (ModelBackend model = LocalBackend.open(Path.of("model.gguf"), LocalBackend.Options.defaults())) {
 *     BackendResult&lt;Completion&gt; r = model.chat(new ChatRequest("model", List.of(ChatMessage.user("Hi")),
 *             SamplingParams.defaults(256).withSeed(42)), delta -&gt; System.out.print(delta));
 *     switch (r) {
 *         case BackendResult.Ok&lt;Completion&gt; ok -&gt; use(ok.value().text(), ok.value().usage());
 *         case BackendResult.Err&lt;Completion&gt; err -&gt; report(err.error().kind(), err.error().message());
 *     }
 * }
 * </pre>
 * Failures are values ({@link dev.starling.ai.backend.BackendError}, with the HTTP status and OpenAI error type
 * they map to), not exceptions. Both implementations pass one contract suite ({@code ModelBackendContract}, in the
 * server module's tests, where Starling's own {@code /v1} can be started for the remote one).
 *
 * <p>Copy-augmented decoding: a {@link dev.starling.ai.backend.ChatRequest} may carry
 * {@link dev.starling.ai.backend.CopyEvidence} (texts and a copy weight); {@code LocalBackend} then mixes a copy
 * distribution over those texts into each next-token distribution ({@link dev.starling.ai.backend.CopyMixture}, an
 * engine {@code LogitsProcessor}). {@code OpenAiHttpBackend} ignores it: a remote model gets no copy mixture.
 */
package dev.starling.ai.backend;
