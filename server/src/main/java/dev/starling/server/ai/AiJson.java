package dev.starling.server.ai;

import dev.starling.ai.answers.Answer;
import dev.starling.ai.answers.Citation;
import dev.starling.ai.registry.Feature;
import dev.starling.ai.registry.ModelEntry;
import dev.starling.ai.registry.ModelRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of Starling's AI API (ids as strings, as Mastodon's). */
final class AiJson {

    private AiJson() {
    }

    /** An answer with everything that says where it came from; citations link to this instance's posts. */
    static Map<String, Object> answer(Answer a, String baseUrl) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("feature", a.feature().apiName());
        m.put("text", a.text());
        m.put("citations", citations(a.citations(), baseUrl));
        m.put("cited_ids", a.citedPostIds().stream().map(String::valueOf).toList());
        m.put("evidence_ids", a.evidencePostIds().stream().map(String::valueOf).toList());
        m.put("model", a.modelId());
        m.put("copy_weight", a.copyWeight()); // share of each next-token distribution copied from the evidence (0: none)
        if (a.prompt() == null) {
            m.put("prompt", null);
        } else {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", a.prompt().name());
            p.put("version", a.prompt().version());
            p.put("sha256", a.prompt().sha256());
            p.put("source", a.prompt().source());
            m.put("prompt", p);
        }
        m.put("finish_reason", a.finishReason());
        m.put("usage", Map.of("prompt_tokens", a.usage().promptTokens(), "completion_tokens", a.usage().completionTokens()));
        m.put("timings", Map.of("first_text_ms", a.firstTextMillis(), "total_ms", a.totalMillis()));
        m.put("ai_generated", a.modelId() != null);
        return m;
    }

    static List<Map<String, Object>> citations(List<Citation> citations, String baseUrl) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Citation c : citations) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("n", c.number());
            m.put("id", String.valueOf(c.postId()));
            m.put("account", c.authorHandle());
            m.put("url", baseUrl + "/@" + c.authorHandle() + "/" + c.postId());
            out.add(m);
        }
        return out;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper CARDS = new com.fasterxml.jackson.databind.ObjectMapper();

    /** A model card written as JSON (Starling's training writes it so) as a JSON object; any other text as a string. */
    static Object card(String card) {
        if (card == null || !card.strip().startsWith("{")) {
            return card;
        }
        try {
            return CARDS.readTree(card);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return card;
        }
    }

    static Map<String, Object> registry(ModelRegistry.Snapshot s) {
        List<Map<String, Object>> models = new ArrayList<>();
        for (ModelRegistry.ModelStatus st : s.models()) {
            ModelEntry e = st.entry();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
            m.put("location", e.kind() == ModelEntry.Kind.LOCAL ? java.nio.file.Path.of(e.location()).getFileName().toString() : e.location());
            m.put("family", e.family());
            m.put("size_bytes", e.sizeBytes());
            m.put("parameters", e.parameterCount());
            m.put("context_tokens", e.contextTokens());
            m.put("model_card", card(e.modelCard()));
            m.put("loaded", st.loaded());
            m.put("requests_in_flight", st.leasesInFlight());
            m.put("serves", st.serves().stream().map(Feature::apiName).toList());
            models.add(m);
        }
        Map<String, Object> features = new LinkedHashMap<>();
        for (Feature f : Feature.values()) {
            features.put(f.apiName(), s.serving().get(f));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("models", models);
        out.put("features", features);
        out.put("ready", !s.serving().isEmpty());
        out.put("status", s.serving().isEmpty() ? s.status() : "ready");
        return out;
    }
}
