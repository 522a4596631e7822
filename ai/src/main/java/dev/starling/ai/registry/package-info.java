/**
 * The model registry: the models Starling has ({@link dev.starling.ai.registry.ModelEntry}: path, family, size,
 * parameter count, context, model card), which serves each {@link dev.starling.ai.registry.Feature}, switching without
 * restart (requests hold a {@link dev.starling.ai.registry.ModelLease}; a backend closes when its last user is gone),
 * and the "no model ready" status every feature reports. {@link dev.starling.ai.registry.ModelSelections} saves each
 * feature's model when it is switched and restores it on the next start, when the model is still there.
 *
 * <pre>{@code
 * ModelRegistry models = ModelRegistry.withDefaultOpener();
 * models.addFile(Path.of("demo.gguf"), "demo");
 * models.assignAll("demo");
 * switch (models.acquire(Feature.ASK)) {
 *     case ModelRegistry.Acquired.Ready r -> { try (ModelLease lease = r.lease()) { lease.backend().chat(...); } }
 *     case ModelRegistry.Acquired.NotReady n -> respond503(n.reason());
 * }
 * }</pre>
 */
package dev.starling.ai.registry;
