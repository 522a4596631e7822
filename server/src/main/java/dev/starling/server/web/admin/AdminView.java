package dev.starling.server.web.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.starling.ai.answers.AnswerSettings;
import dev.starling.ai.answers.CopyWeightSetting;
import dev.starling.ai.registry.Feature;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.ai.trends.TrendItem;
import dev.starling.ai.trends.TrendModeration;
import dev.starling.ai.trends.TrendStory;
import dev.starling.ai.training.TrainingProgress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The model of {@code admin/admin.jte}; a null part means the server runs without it (the page says so).
 * {@code copyWeight}: the operator's copy weight now (null: not changeable on this server).
 */
public record AdminView(ModelRegistry.Snapshot models, List<TrainingRuns.Run> runs, List<TrendItem> trending, List<TrendModeration.Hidden> hidden,
                        List<TrendStory> stories, String error, CopyWeightSetting.Value copyWeight) {

    public AdminView(ModelRegistry.Snapshot models, List<TrainingRuns.Run> runs, List<TrendItem> trending, List<TrendModeration.Hidden> hidden,
                     List<TrendStory> stories, String error) {
        this(models, runs, trending, hidden, stories, error, null);
    }

    /** The copy weight a model decodes with now, by {@link AnswerSettings#copyWeightFor} (remote models: 0). */
    public String effectiveCopyWeight(ModelRegistry.ModelStatus m) {
        double w = AnswerSettings.copyWeightFor(m.entry(), copyWeight == null ? java.util.OptionalDouble.empty() : copyWeight.weight());
        return w == 0 ? "0 (no copying)" : Double.toString(w);
    }

    /** The form field's current text: the weight, or empty for "by model". */
    public String copyWeightText() {
        return copyWeight == null || copyWeight.weight().isEmpty() ? "" : Double.toString(copyWeight.weight().getAsDouble());
    }
    private static final ObjectMapper JSON = new ObjectMapper();

    public List<Feature> features() {
        return List.of(Feature.values());
    }

    public String servedBy(Feature f) {
        return models == null ? null : models.serving().get(f);
    }

    public static String size(long bytes) {
        if (bytes < 0) return "remote";
        if (bytes < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        if (bytes < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }

    public static String params(long n) {
        if (n < 0) return "unknown";
        if (n < 1_000_000) return String.format(Locale.ROOT, "%.1fK", n / 1e3);
        if (n < 1_000_000_000) return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        return String.format(Locale.ROOT, "%.2fB", n / 1e9);
    }

    public static int percent(TrainingProgress p) {
        return (int) Math.round(100 * p.fraction());
    }

    public static String phase(TrainingProgress p) {
        return p.phase().name().toLowerCase(Locale.ROOT);
    }

    /** A model card (JSON) as name/value lines, nested objects flattened with dots; a malformed card is shown as it is. */
    public static List<Map.Entry<String, String>> card(String json) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (json == null || json.isBlank()) return out;
        try {
            flatten("", JSON.readTree(json), out);
        } catch (Exception e) {
            out.add(Map.entry("card", json.length() > 2000 ? json.substring(0, 2000) + "…" : json));
        }
        return out;
    }

    private static void flatten(String prefix, JsonNode node, List<Map.Entry<String, String>> out) {
        if (out.size() >= 80) return;
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isArray()) {
            out.add(Map.entry(prefix, node.toString()));
        } else {
            out.add(Map.entry(prefix, node.asText()));
        }
    }
}
