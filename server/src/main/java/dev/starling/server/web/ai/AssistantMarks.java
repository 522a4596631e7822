package dev.starling.server.web.ai;

import dev.starling.ai.assistant.AssistantService;
import dev.starling.ai.assistant.ReplyProvenance;
import dev.starling.server.RouteModule;
import dev.starling.server.web.Web;
import dev.starling.server.web.WebFeature;
import dev.starling.server.web.posts.PostMarker;
import dev.starling.social.accounts.Account;
import dev.starling.social.posts.Post;
import java.util.Optional;

/**
 * Marks the assistant's posts on every post card: a reply the assistant wrote (its ledger knows the
 * mention, model and prompt: {@link AssistantService#provenance}) reads "AI-generated reply by the
 * assistant (model m, prompt p)"; any other post of the assistant's account reads "Posted by this
 * network's AI assistant (an automated account)". Cards of every bot account also carry a "Bot"
 * badge (from {@link Account#bot()}, without this feature). Pages with no routes of their own:
 * register it as a {@link WebFeature} next to {@link AiPages}; with no assistant ({@code null}) it
 * marks nothing.
 */
public final class AssistantMarks implements WebFeature {
    static final int MAX_MODEL_CHARS = 80;

    private final AssistantService assistant;

    /** @param assistant the running assistant, or null when the server runs without one */
    public AssistantMarks(AssistantService assistant) {
        this.assistant = assistant;
    }

    @Override
    public RouteModule routes(Web web) {
        if (assistant != null) {
            long accountId = assistant.account().id();
            web.addPostMarker(marker(accountId, assistant));
        }
        return routes -> {
        };
    }

    static PostMarker marker(long assistantAccountId, AssistantService assistant) {
        return (Account author, Post post) -> {
            if (author.id() != assistantAccountId) return null;
            Optional<ReplyProvenance> p = assistant.provenance(post.id());
            if (p.isEmpty()) return "Posted by this network's AI assistant (an automated account).";
            return "AI-generated reply by the assistant (model " + clip(p.get().model()) + ", prompt " + clip(p.get().prompt())
                    + "). It can be wrong.";
        };
    }

    private static String clip(String s) {
        if (s == null || s.isBlank()) return "unknown";
        return s.length() <= MAX_MODEL_CHARS ? s : s.substring(0, MAX_MODEL_CHARS) + "…";
    }
}
