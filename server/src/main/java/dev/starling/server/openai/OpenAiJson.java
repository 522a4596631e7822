package dev.starling.server.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.starling.ai.backend.BackendError;
import dev.starling.ai.backend.Completion;
import dev.starling.ai.backend.Embeddings;
import dev.starling.ai.backend.FinishReason;
import dev.starling.ai.backend.ModelInfo;
import dev.starling.ai.backend.Usage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;

/** The response bodies of OpenAI's API, field for field. */
final class OpenAiJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private OpenAiJson() {
    }

    /** {@code {"error": {"message", "type", "param", "code"}}}. */
    static ObjectNode error(BackendError e) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", e.message());
        error.put("type", e.kind().openAiType());
        error.put("param", e.param());
        error.put("code", e.kind().openAiCode());
        return root;
    }

    /** OpenAI's answer to a missing or wrong API key (401). */
    static ObjectNode unauthorized() {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", "Incorrect or missing API key: send Authorization: Bearer <key>");
        error.put("type", "invalid_request_error");
        error.putNull("param");
        error.put("code", "invalid_api_key");
        return root;
    }

    static ObjectNode models(List<ModelInfo> models) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (ModelInfo m : models) {
            ObjectNode node = data.addObject();
            node.put("id", m.id());
            node.put("object", "model");
            node.put("created", m.createdEpochSeconds());
            node.put("owned_by", m.ownedBy());
        }
        return root;
    }

    static ObjectNode usage(Usage usage) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("prompt_tokens", usage.promptTokens());
        node.put("completion_tokens", usage.completionTokens());
        node.put("total_tokens", usage.totalTokens());
        return node;
    }

    static ObjectNode chatCompletion(String id, long created, Completion c) {
        ObjectNode root = header(id, "chat.completion", created, c.model());
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", c.text());
        choice.putNull("logprobs");
        choice.put("finish_reason", c.finishReason().openAiName());
        root.set("usage", usage(c.usage()));
        return root;
    }

    /** A streamed chat chunk: {@code role} set on the first, {@code content} on text, finish reason on the last. */
    static ObjectNode chatChunk(String id, long created, String model, String role, String content,
            FinishReason finish) {
        ObjectNode root = header(id, "chat.completion.chunk", created, model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (role != null) {
            delta.put("role", role);
        }
        if (content != null) {
            delta.put("content", content);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finish == null ? null : finish.openAiName());
        return root;
    }

    static ObjectNode textCompletion(String id, long created, Completion c) {
        ObjectNode root = header(id, "text_completion", created, c.model());
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("text", c.text());
        choice.put("index", 0);
        choice.putNull("logprobs");
        choice.put("finish_reason", c.finishReason().openAiName());
        root.set("usage", usage(c.usage()));
        return root;
    }

    static ObjectNode textChunk(String id, long created, String model, String text, FinishReason finish) {
        ObjectNode root = header(id, "text_completion", created, model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("text", text);
        choice.put("index", 0);
        choice.putNull("logprobs");
        choice.put("finish_reason", finish == null ? null : finish.openAiName());
        return root;
    }

    /** The last chunk when {@code stream_options.include_usage}: no choices, only usage. */
    static ObjectNode usageChunk(String id, String object, long created, String model, Usage usage) {
        ObjectNode root = header(id, object, created, model);
        root.putArray("choices");
        root.set("usage", usage(usage));
        return root;
    }

    static ObjectNode embeddings(Embeddings e, boolean base64) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (int i = 0; i < e.vectors().size(); i++) {
            float[] v = e.vectors().get(i);
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            if (base64) {
                ByteBuffer buf = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) {
                    buf.putFloat(f);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(buf.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float f : v) {
                    values.add(f);
                }
            }
            item.put("index", i);
        }
        root.put("model", e.model());
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", e.usage().promptTokens());
        usage.put("total_tokens", e.usage().promptTokens());
        return root;
    }

    private static ObjectNode header(String id, String object, long created, String model) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        return root;
    }
}
