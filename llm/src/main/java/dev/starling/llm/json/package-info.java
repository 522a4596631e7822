/**
 * A small strict JSON reader ({@link dev.starling.llm.json.Json}) for configuration files such as tokenizer.json:
 * the {@code llm} module depends on the JDK only. Values are {@link dev.starling.llm.json.JsonValue} records; errors
 * name the offset, line and column, and the file when read from one.
 */
package dev.starling.llm.json;
