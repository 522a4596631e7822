/**
 * LoRA fine-tuning of a loaded GGUF model. The base stays frozen in its own type (F32/F16/BF16/Q8_0/Q4_0/Q4_K/Q6_K;
 * llama, mistral, qwen2 with biases, qwen3 with QK-norm, linear and Llama 3 rope scaling): see {@link
 * dev.starling.llm.train.lora.FrozenBase} and {@link dev.starling.llm.train.lora.FrozenMatrix}. A
 * {@link dev.starling.llm.train.lora.LoraAdapter} adds (alpha/r)·B·A to chosen projections. Two implementations of
 * {@link dev.starling.llm.train.lora.LoraModel} compute loss and gradients (for A and B only):
 * {@link dev.starling.llm.train.lora.LoraFast}, float32 on a pool, decoding each block of a frozen weight once per
 * batch ({@link dev.starling.llm.train.lora.FrozenProducts}), the default; and
 * {@link dev.starling.llm.train.lora.LoraReference}, the readable float64 one that the gradient check and the fast
 * path's tests rest on. {@link dev.starling.llm.train.lora.LoraTrainer} takes AdamW steps;
 * {@link dev.starling.llm.train.lora.LoraAdapterFile} saves and loads adapters in llama.cpp's adapter GGUF layout;
 * {@link dev.starling.llm.train.lora.LoraMerge} writes W + (alpha/r)·B·A into a new GGUF;
 * {@link dev.starling.llm.train.lora.LoraFineTune} is the whole job ({@code starling finetune}).
 */
package dev.starling.llm.train.lora;
