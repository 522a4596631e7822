/**
 * Models from GGUF. {@link dev.starling.llm.model.ModelConfig} reads a Llama-family decoder's shape and
 * switches (llama, mistral, qwen2, qwen3); {@link dev.starling.llm.model.ModelWeights} maps its tensors;
 * {@link dev.starling.llm.model.Transformer} is the one forward pass (batched prefill and batched decode
 * over {@link dev.starling.llm.model.KvCache}s). {@link dev.starling.llm.model.BertEncoder} is the
 * BERT-style encoder for embedding models. Unsupported files raise
 * {@link dev.starling.llm.model.UnsupportedModelException} naming the architecture, tensor or type;
 * a full context raises {@link dev.starling.llm.model.ContextOverflowException}.
 */
package dev.starling.llm.model;
