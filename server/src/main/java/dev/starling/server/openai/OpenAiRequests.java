package dev.starling.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.starling.ai.backend.BackendError;
import dev.starling.ai.backend.ChatRequest;
import dev.starling.ai.backend.CompletionRequest;
import dev.starling.ai.backend.EmbeddingRequest;
import dev.starling.ai.backend.SamplingParams;
import dev.starling.ai.chat.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads OpenAI request bodies into backend requests, checking every field's type and limit. A rejection is an
 * {@link OpenAiRequests.Invalid} naming the parameter, answered with 400 in OpenAI's error shape. Fields this
 * server does not implement ({@code n} other than 1, {@code tools}, {@code logprobs}, ...) are rejected rather
 * than silently ignored; unknown fields are ignored, as OpenAI clients send extras.
 */
final class OpenAiRequests {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    private OpenAiRequests() {
    }

    /** A request that cannot be served as sent. */
    static final class Invalid extends RuntimeException {
        private final transient BackendError error;

        Invalid(String param, String message) {
            super(message, null, false, false);
            this.error = BackendError.invalid(param, message);
        }

        BackendError error() {
            return error;
        }
    }

    record Chat(ChatRequest request, boolean stream, boolean includeUsage) {
    }

    record Completion(CompletionRequest request, boolean stream, boolean includeUsage) {
    }

    record Embedding(EmbeddingRequest request, boolean base64) {
    }

    static Chat chat(JsonNode body, OpenAiLimits limits) {
        requireObject(body);
        String model = requiredString(body, "model");
        JsonNode messagesNode = body.get("messages");
        if (messagesNode == null || !messagesNode.isArray()) {
            throw new Invalid("messages", "messages must be an array of {role, content} objects");
        }
        if (messagesNode.isEmpty()) {
            throw new Invalid("messages", "messages must not be empty");
        }
        if (messagesNode.size() > limits.maxMessages()) {
            throw new Invalid("messages", "at most " + limits.maxMessages() + " messages, got " + messagesNode.size());
        }
        List<ChatMessage> messages = new ArrayList<>(messagesNode.size());
        long chars = 0;
        for (int i = 0; i < messagesNode.size(); i++) {
            ChatMessage m = message(messagesNode.get(i), "messages[" + i + "]");
            chars += m.content().length();
            if (chars > limits.maxPromptChars()) {
                throw new Invalid("messages", "the messages hold more than " + limits.maxPromptChars() + " characters");
            }
            messages.add(m);
        }
        rejectUnsupported(body, "tools", "tool calls are not supported");
        rejectUnsupported(body, "functions", "function calls are not supported");
        rejectUnsupported(body, "logprobs", "logprobs are not supported", JsonNode::asBoolean);
        rejectUnsupported(body, "response_format", "response_format is not supported",
                n -> !"text".equals(n.path("type").asText("text")));
        Integer maxTokens = optionalInt(body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = optionalInt(body, "max_tokens");
        }
        SamplingParams sampling = sampling(body, maxTokens, limits);
        boolean stream = optionalBoolean(body, "stream", false);
        return new Chat(new ChatRequest(model, messages, sampling), stream, includeUsage(body));
    }

    static Completion completion(JsonNode body, OpenAiLimits limits) {
        requireObject(body);
        String model = requiredString(body, "model");
        JsonNode promptNode = body.get("prompt");
        String prompt;
        if (promptNode != null && promptNode.isTextual()) {
            prompt = promptNode.asText();
        } else if (promptNode != null && promptNode.isArray() && promptNode.size() == 1 && promptNode.get(0).isTextual()) {
            prompt = promptNode.get(0).asText();
        } else if (promptNode != null && promptNode.isArray()) {
            throw new Invalid("prompt", "only one prompt per request is supported, as a string");
        } else {
            throw new Invalid("prompt", "prompt must be a string");
        }
        if (prompt.length() > limits.maxPromptChars()) {
            throw new Invalid("prompt", "prompt is " + prompt.length() + " characters, at most " + limits.maxPromptChars());
        }
        rejectUnsupported(body, "logprobs", "logprobs are not supported", n -> !n.isNull());
        rejectUnsupported(body, "echo", "echo is not supported", JsonNode::asBoolean);
        rejectUnsupported(body, "suffix", "suffix is not supported", n -> !n.isNull());
        rejectUnsupported(body, "best_of", "best_of is not supported", n -> n.asInt(1) != 1);
        SamplingParams sampling = sampling(body, optionalInt(body, "max_tokens"), limits);
        boolean stream = optionalBoolean(body, "stream", false);
        return new Completion(new CompletionRequest(model, prompt, sampling), stream, includeUsage(body));
    }

    static Embedding embedding(JsonNode body, OpenAiLimits limits) {
        requireObject(body);
        String model = requiredString(body, "model");
        JsonNode input = body.get("input");
        List<String> inputs = new ArrayList<>();
        if (input != null && input.isTextual()) {
            inputs.add(input.asText());
        } else if (input != null && input.isArray() && !input.isEmpty()) {
            if (input.size() > limits.maxEmbeddingInputs()) {
                throw new Invalid("input", "at most " + limits.maxEmbeddingInputs() + " inputs, got " + input.size());
            }
            for (JsonNode item : input) {
                if (!item.isTextual()) {
                    throw new Invalid("input", "input must be a string or an array of strings (token arrays are not supported)");
                }
                inputs.add(item.asText());
            }
        } else {
            throw new Invalid("input", "input must be a non-empty string or array of strings");
        }
        long chars = 0;
        for (String s : inputs) {
            if (s.isEmpty()) {
                throw new Invalid("input", "input strings must not be empty");
            }
            chars += s.length();
        }
        if (chars > limits.maxPromptChars()) {
            throw new Invalid("input", "the inputs hold more than " + limits.maxPromptChars() + " characters");
        }
        String format = optionalString(body, "encoding_format");
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw new Invalid("encoding_format", "encoding_format must be 'float' or 'base64', got '" + format + "'");
        }
        if (body.has("dimensions") && !body.get("dimensions").isNull()) {
            throw new Invalid("dimensions", "dimensions is not supported: the model's own size is used");
        }
        return new Embedding(new EmbeddingRequest(model, inputs), "base64".equals(format));
    }

    private static ChatMessage message(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new Invalid("messages", where + " must be an object with role and content");
        }
        JsonNode roleNode = node.get("role");
        if (roleNode == null || !roleNode.isTextual() || !ROLES.contains(roleNode.asText())) {
            throw new Invalid("messages", where + ".role must be one of " + ROLES.stream().sorted().toList());
        }
        String role = roleNode.asText();
        if (node.has("tool_calls") && !node.get("tool_calls").isNull()) {
            throw new Invalid("messages", where + ": tool calls are not supported");
        }
        JsonNode content = node.get("content");
        String text;
        if (content == null || content.isNull()) {
            if (!role.equals("assistant")) {
                throw new Invalid("messages", where + ".content is required for role " + role);
            }
            text = "";
        } else if (content.isTextual()) {
            text = content.asText();
        } else if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw new Invalid("messages", where + ".content: only text parts ({type: 'text', text}) are supported");
                }
                sb.append(part.get("text").asText());
            }
            text = sb.toString();
        } else {
            throw new Invalid("messages", where + ".content must be a string or an array of text parts");
        }
        // OpenAI's "developer" role is the newer name of "system"; chat templates know only the latter.
        return new ChatMessage(role.equals("developer") ? "system" : role, text);
    }

    private static SamplingParams sampling(JsonNode body, Integer maxTokens, OpenAiLimits limits) {
        int n = optionalInt(body, "n") == null ? 1 : optionalInt(body, "n");
        if (n != 1) {
            throw new Invalid("n", "only n = 1 is supported, got " + n);
        }
        JsonNode stopNode = body.get("stop");
        List<String> stop = new ArrayList<>();
        if (stopNode != null && !stopNode.isNull()) {
            if (stopNode.isTextual()) {
                stop.add(stopNode.asText());
            } else if (stopNode.isArray()) {
                for (JsonNode s : stopNode) {
                    if (!s.isTextual()) {
                        throw new Invalid("stop", "stop must be a string or an array of strings");
                    }
                    stop.add(s.asText());
                }
            } else {
                throw new Invalid("stop", "stop must be a string or an array of strings");
            }
        }
        Long seed = optionalLong(body, "seed");
        Double repetition = optionalDouble(body, "repetition_penalty");
        if (repetition == null) {
            repetition = optionalDouble(body, "repeat_penalty"); // llama.cpp's name
        }
        SamplingParams params = new SamplingParams(
                orDefault(optionalDouble(body, "temperature"), 1.0),
                orDefault(optionalDouble(body, "top_p"), 1.0),
                optionalInt(body, "top_k") == null ? 0 : optionalInt(body, "top_k"),
                orDefault(optionalDouble(body, "min_p"), 0.0),
                orDefault(repetition, 1.0),
                orDefault(optionalDouble(body, "frequency_penalty"), 0.0),
                orDefault(optionalDouble(body, "presence_penalty"), 0.0),
                seed == null ? OptionalLong.empty() : OptionalLong.of(seed),
                maxTokens == null ? limits.defaultMaxTokens() : maxTokens,
                stop);
        params.validate(limits.maxTokensCap()).ifPresent(e -> {
            throw new Invalid(e.param(), e.message());
        });
        return params;
    }

    private static boolean includeUsage(JsonNode body) {
        JsonNode options = body.get("stream_options");
        if (options == null || options.isNull()) {
            return false;
        }
        if (!options.isObject()) {
            throw new Invalid("stream_options", "stream_options must be an object");
        }
        return optionalBoolean(options, "include_usage", false);
    }

    private static void requireObject(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new Invalid(null, "the request body must be a JSON object");
        }
    }

    private static String requiredString(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new Invalid(field, field + " is required and must be a non-empty string");
        }
        if (node.asText().length() > 256) {
            throw new Invalid(field, field + " is longer than 256 characters");
        }
        return node.asText();
    }

    private static String optionalString(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new Invalid(field, field + " must be a string");
        }
        return node.asText();
    }

    private static Double optionalDouble(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw new Invalid(field, field + " must be a number");
        }
        return node.asDouble();
    }

    private static Integer optionalInt(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new Invalid(field, field + " must be an integer");
        }
        return node.asInt();
    }

    private static Long optionalLong(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new Invalid(field, field + " must be an integer");
        }
        return node.asLong();
    }

    private static boolean optionalBoolean(JsonNode body, String field, boolean fallback) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw new Invalid(field, field + " must be true or false");
        }
        return node.asBoolean();
    }

    private static double orDefault(Double value, double fallback) {
        return value == null ? fallback : value;
    }

    private static void rejectUnsupported(JsonNode body, String field, String message) {
        rejectUnsupported(body, field, message, n -> !(n.isArray() && n.isEmpty()));
    }

    private static void rejectUnsupported(JsonNode body, String field, String message,
            java.util.function.Predicate<JsonNode> used) {
        JsonNode node = body.get(field);
        if (node != null && !node.isNull() && used.test(node)) {
            throw new Invalid(field, message);
        }
    }
}
