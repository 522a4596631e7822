/**
 * LoRA fine-tuning of a loaded GGUF model. The base stays frozen in its own type (F32/F16/BF16/Q8_0,
 * {@link dev.starling.llm.train.lora.FrozenMatrix} dequantizes one row at a time); a
 * {@link dev.starling.llm.train.lora.LoraAdapter} adds (alpha/r)·B·A to chosen projections;
 * {@link dev.starling.llm.train.lora.LoraReference} is the readable forward/backward (gradients for A and B only);
 * {@link dev.starling.llm.train.lora.LoraTrainer} takes AdamW steps; {@link dev.starling.llm.train.lora.LoraAdapterFile}
 * saves and loads adapters in llama.cpp's adapter GGUF layout; {@link dev.starling.llm.train.lora.LoraMerge} writes
 * W + (alpha/r)·B·A into a new GGUF; {@link dev.starling.llm.train.lora.LoraFineTune} is the whole job.
 */
package dev.starling.llm.train.lora;
