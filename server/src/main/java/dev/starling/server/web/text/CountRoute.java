package dev.starling.server.web.text;

import dev.starling.server.RouteModule;
import dev.starling.server.web.Form;
import dev.starling.social.posts.PostText;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /web/count} (form field {@code text}): the post's weighted length as the server counts
 * it (twitter-text, the same {@link PostText} rules that validate a new post), for the compose
 * box's live counter. Answers {@code {"weighted_length", "max", "valid", "error"}}; it changes
 * nothing, so it needs no CSRF token.
 */
public final class CountRoute implements RouteModule {
    private final PostText rules;

    public CountRoute(PostText rules) {
        this.rules = rules;
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.post("/web/count", ctx -> {
            String text = Form.field(ctx, "text", PostText.MAX_RAW_CHARS + 1);
            ctx.header("Cache-Control", "no-store").json(count(text == null ? "" : text));
        });
    }

    /** What the endpoint answers for this text. */
    public Map<String, Object> count(String text) {
        Map<String, Object> out = new LinkedHashMap<>();
        var rejection = rules.validate(text);
        out.put("weighted_length", text.length() > PostText.MAX_RAW_CHARS ? text.length() : PostText.weightedLength(text));
        out.put("max", rules.maxWeightedLength());
        out.put("valid", rejection.isEmpty());
        out.put("error", rejection.map(r -> r.message()).orElse(null));
        return out;
    }
}
