/**
 * Token shards for existing trainers: {@link dev.starling.llm.train.data.TokenShardWriter} and
 * {@link dev.starling.llm.train.data.ShardedTokenWriter} write llm.c's format (256-int32 header, uint16 or uint32
 * tokens) and nanoGPT's raw uint16 {@code .bin}; {@link dev.starling.llm.train.data.TokenShard} maps one back,
 * checking the header. The layouts are written down in {@link dev.starling.llm.train.data.TokenShardFormat}.
 */
package dev.starling.llm.train.data;
