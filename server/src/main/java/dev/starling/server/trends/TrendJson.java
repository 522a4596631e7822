package dev.starling.server.trends;

import dev.starling.ai.trends.TrendItem;
import dev.starling.ai.trends.TrendStory;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Mastodon's trend entities (Tag with history, TrendsLink) and Starling's phrase and story shapes. */
final class TrendJson {

    private TrendJson() {
    }

    /** Mastodon's history: newest day first, numbers as strings, {@code day} as a UNIX timestamp string. */
    static List<Map<String, Object>> history(TrendItem i) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TrendItem.Day d : i.history()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("day", Long.toString(d.day().getEpochSecond()));
            m.put("accounts", Integer.toString(d.accounts()));
            m.put("uses", Integer.toString(d.uses()));
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> tag(TrendItem i, String base) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", i.term());
        m.put("url", base + "/tags/" + i.term());
        m.put("history", history(i));
        m.put("following", false);
        return m;
    }

    /** Mastodon's TrendsLink: a PreviewCard plus history. There is no fetched card: title and provider come from the URL. */
    static Map<String, Object> link(TrendItem i) {
        String host = "";
        try {
            host = URI.create(i.term()).getHost();
        } catch (IllegalArgumentException e) {
            // a normalized link always parses; keep the empty host otherwise
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", i.term());
        m.put("title", i.term().replaceFirst("^https://", ""));
        m.put("description", "");
        m.put("type", "link");
        m.put("author_name", "");
        m.put("author_url", "");
        m.put("provider_name", host == null ? "" : host);
        m.put("provider_url", "");
        m.put("html", "");
        m.put("width", 0);
        m.put("height", 0);
        m.put("image", null);
        m.put("embed_url", "");
        m.put("blurhash", null);
        m.put("history", history(i));
        return m;
    }

    static Map<String, Object> phrase(TrendItem i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phrase", i.term());
        m.put("score", i.score());
        m.put("history", history(i));
        return m;
    }

    static Map<String, Object> story(TrendStory s, List<Map<String, Object>> statuses, String base) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", Long.toString(s.id()));
        m.put("headline", s.headline());
        m.put("summary", s.summary());
        m.put("ai_generated", s.generated());
        m.put("text_state", s.textState());
        m.put("reason", s.reason());
        m.put("model", s.modelId());
        if (s.generated()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", s.promptName());
            p.put("version", s.promptVersion());
            m.put("prompt", p);
        } else {
            m.put("prompt", null);
        }
        m.put("generated_at", s.generatedAt() == null ? null : s.generatedAt().toString());
        m.put("updated_at", s.updatedAt() == null ? null : s.updatedAt().toString());
        m.put("score", s.score());
        List<Map<String, Object>> items = new ArrayList<>();
        for (TrendStory.Item i : s.items()) {
            Map<String, Object> it = new LinkedHashMap<>();
            it.put("type", i.kind().wireName());
            it.put("name", i.term());
            if (i.kind() == dev.starling.ai.trends.TrendKind.TAG) {
                it.put("url", base + "/tags/" + i.term());
            } else if (i.kind() == dev.starling.ai.trends.TrendKind.LINK) {
                it.put("url", i.term());
            }
            items.add(it);
        }
        m.put("items", items);
        List<Map<String, Object>> citations = new ArrayList<>();
        java.util.Set<String> visible = new java.util.HashSet<>();
        statuses.forEach(st -> visible.add(String.valueOf(st.get("id"))));
        for (int n = 0; n < s.citedPostIds().size(); n++) {
            // [n] keeps its number; a post this viewer may not see (an author they block) is not named
            String id = Long.toString(s.citedPostIds().get(n));
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("n", n + 1);
            c.put("status_id", visible.contains(id) ? id : null);
            c.put("url", visible.contains(id) ? base + "/statuses/" + id : null);
            citations.add(c);
        }
        m.put("citations", citations);
        m.put("statuses", statuses);
        if (s.hidden()) {
            m.put("hidden", true);
        }
        return m;
    }
}
