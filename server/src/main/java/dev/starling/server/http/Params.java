package dev.starling.server.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of one request, read the way Mastodon reads them: from the query string, from a
 * form body (urlencoded or multipart) or from a JSON object body, merged (body wins). Arrays are
 * accepted both as {@code key[]=a&key[]=b} and as JSON arrays; nested JSON objects are flattened
 * to {@code outer[inner]}. Every read validates and throws {@link ApiException} (400/422) saying
 * which parameter was wrong and why.
 */
public final class Params {
    public static final int MAX_PARAMS = 256;
    public static final int MAX_LIST_SIZE = 100;
    public static final int MAX_VALUE_CHARS = 100_000;

    private final Map<String, List<String>> values;

    private Params(Map<String, List<String>> values) {
        this.values = values;
    }

    public static Params of(Map<String, List<String>> values) {
        Map<String, List<String>> normalized = new LinkedHashMap<>();
        values.forEach((k, v) -> put(normalized, k, v));
        return new Params(normalized);
    }

    /** Reads query, form and JSON parameters of the request (cached on the context). */
    public static Params from(Context ctx, ObjectMapper mapper) {
        Params cached = ctx.attribute(Params.class.getName());
        if (cached != null) return cached;
        Map<String, List<String>> merged = new LinkedHashMap<>();
        try {
            ctx.queryParamMap().forEach((k, v) -> put(merged, k, v));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("Malformed query string: " + e.getMessage());
        }
        String method = ctx.method().name();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            String contentType = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
            if (contentType.startsWith("application/json")) {
                readJson(ctx, mapper, merged);
            } else if (contentType.startsWith("application/x-www-form-urlencoded") || contentType.startsWith("multipart/form-data")) {
                try {
                    ctx.formParamMap().forEach((k, v) -> put(merged, k, v));
                } catch (ApiException e) {
                    throw e;
                } catch (Exception e) { // Jetty reports a broken multipart body as a (sneakily thrown) ServletException
                    Throwable cause = e;
                    while (cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
                    throw ApiException.badRequest("Malformed form body: " + cause.getMessage());
                }
            } else if (!contentType.isEmpty() && ctx.contentLength() > 0) {
                throw new ApiException(415, "Unsupported Content-Type '" + ctx.contentType()
                        + "': use application/json, application/x-www-form-urlencoded or multipart/form-data");
            }
        }
        if (merged.size() > MAX_PARAMS) throw badParam("request", "has " + merged.size() + " parameters, at most " + MAX_PARAMS + " allowed");
        Params params = new Params(merged);
        ctx.attribute(Params.class.getName(), params);
        return params;
    }

    private static void readJson(Context ctx, ObjectMapper mapper, Map<String, List<String>> merged) {
        String body = ctx.body();
        if (body.isBlank()) return;
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
            throw ApiException.badRequest("Malformed JSON body" + where + ": " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode()) return;
        if (!root.isObject()) throw ApiException.badRequest("JSON body must be an object, got " + root.getNodeType().name().toLowerCase(Locale.ROOT));
        flatten("", root, merged);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, List<String>> out) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String key = prefix.isEmpty() ? e.getKey() : prefix + "[" + e.getKey() + "]";
            JsonNode v = e.getValue();
            if (v.isNull()) continue;
            if (v.isObject()) {
                flatten(key, v, out);
            } else if (v.isArray()) {
                List<String> items = new ArrayList<>();
                for (JsonNode item : v) {
                    if (item.isContainerNode()) throw badParam(key, "must be an array of scalars");
                    items.add(item.asText());
                }
                put(out, key, items);
            } else {
                put(out, key, List.of(v.asText()));
            }
            if (out.size() > MAX_PARAMS) throw badParam("request", "has more than " + MAX_PARAMS + " parameters");
        }
    }

    private static void put(Map<String, List<String>> out, String rawKey, List<String> v) {
        String key = rawKey.endsWith("[]") ? rawKey.substring(0, rawKey.length() - 2) : rawKey;
        List<String> list = out.computeIfAbsent(key, k -> new ArrayList<>());
        list.addAll(v);
        if (list.size() > MAX_LIST_SIZE) throw badParam(key, "has " + list.size() + " values, at most " + MAX_LIST_SIZE + " allowed");
        for (String s : v) {
            if (s != null && s.length() > MAX_VALUE_CHARS) throw badParam(key, "is longer than " + MAX_VALUE_CHARS + " characters");
        }
    }

    public static ApiException badParam(String name, String problem) {
        return new ApiException(422, "Validation failed: " + name + " " + problem,
                Map.of("details", Map.of(name, List.of(Map.of("error", "ERR_INVALID", "description", name + " " + problem)))), Map.of());
    }

    public boolean has(String name) {
        List<String> v = values.get(name);
        return v != null && !v.isEmpty();
    }

    /** The last value of the parameter, or null when absent. */
    public String string(String name) {
        List<String> v = values.get(name);
        return v == null || v.isEmpty() ? null : v.getLast();
    }

    public String string(String name, int maxChars) {
        String s = string(name);
        if (s != null && s.codePointCount(0, s.length()) > maxChars) throw badParam(name, "is too long (at most " + maxChars + " characters)");
        return s;
    }

    public String required(String name, int maxChars) {
        String s = string(name, maxChars);
        if (s == null || s.isBlank()) throw badParam(name, "can't be blank");
        return s;
    }

    public List<String> list(String name, int maxItems) {
        List<String> v = values.getOrDefault(name, List.of());
        if (v.size() > maxItems) throw badParam(name, "has " + v.size() + " values, at most " + maxItems + " allowed");
        return List.copyOf(v);
    }

    public boolean bool(String name, boolean fallback) {
        String s = string(name);
        if (s == null || s.isEmpty()) return fallback;
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "1", "on", "yes", "t" -> true;
            case "false", "0", "off", "no", "f" -> false;
            default -> throw badParam(name, "must be a boolean, got '" + abbreviate(s) + "'");
        };
    }

    public Boolean boolOrNull(String name) {
        return has(name) ? bool(name, false) : null;
    }

    /** A positive id parameter (Mastodon ids are strings of digits), or null when absent. */
    public Long id(String name) {
        String s = string(name);
        if (s == null || s.isEmpty()) return null;
        return parseId(name, s);
    }

    public static long parseId(String name, String s) {
        if (s.length() > 19 || s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw badParam(name, "must be a numeric id, got '" + abbreviate(s) + "'");
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw badParam(name, "is out of range: '" + abbreviate(s) + "'");
        }
    }

    public int intInRange(String name, int fallback, int min, int max) {
        String s = string(name);
        if (s == null || s.isEmpty()) return fallback;
        try {
            int v = Integer.parseInt(s.trim());
            if (v < min || v > max) throw badParam(name, "must be between " + min + " and " + max + ", got " + v);
            return v;
        } catch (NumberFormatException e) {
            throw badParam(name, "must be an integer, got '" + abbreviate(s) + "'");
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
