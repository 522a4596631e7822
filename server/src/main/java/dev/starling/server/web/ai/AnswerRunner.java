package dev.starling.server.web.ai;

import dev.starling.ai.answers.Answer;
import dev.starling.ai.answers.AnswerListener;
import dev.starling.ai.answers.AnswerOutcome;
import dev.starling.ai.answers.Citation;
import dev.starling.ai.budget.AiBudget;
import dev.starling.ai.budget.BudgetDecision;
import dev.starling.ai.registry.Feature;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.posts.PostView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one AI feature for a signed-in person within their daily budget (when the server has one:
 * reserve before, settle with the tokens used after, cancel when nothing was generated) and turns
 * the outcome into an {@link AnswerView}. Sources are loaded again as the viewer, so a post that
 * became invisible since retrieval is left out of the list rather than shown.
 */
final class AnswerRunner {
    private static final Pattern CITATION = Pattern.compile("\\[(\\d{1,3})\\]");
    static final int EXCERPT_CHARS = 160;

    private final Social social;
    private final AiBudget budget;

    AnswerRunner(Social social, AiBudget budget) {
        this.social = social;
        this.budget = budget;
    }

    /** The result and the HTTP status a page showing it should have. */
    record Result(AnswerView view, int status) {}

    Result run(Account viewer, Feature feature, int maxTokens, AnswerListener listener, Function<AnswerListener, AnswerOutcome> call) {
        BudgetDecision.Granted granted = null;
        if (budget != null) {
            BudgetDecision d = budget.reserve(viewer.id(), feature.apiName(), maxTokens);
            if (d instanceof BudgetDecision.Exceeded ex) {
                return new Result(AnswerView.problem("budget", sentence(ex.message())), 429);
            }
            granted = (BudgetDecision.Granted) d;
        }
        AnswerOutcome outcome;
        try {
            outcome = call.apply(listener);
        } catch (RuntimeException e) {
            if (granted != null) budget.cancel(granted.reservation());
            throw e;
        }
        if (granted != null) {
            if (outcome instanceof AnswerOutcome.Answered a && a.answer().modelId() != null) {
                budget.settle(granted.reservation(), a.answer().usage().totalTokens());
            } else {
                budget.cancel(granted.reservation());
            }
        }
        return switch (outcome) {
            case AnswerOutcome.Answered a -> new Result(view(viewer.id(), a.answer()), 200);
            case AnswerOutcome.NotReady n -> new Result(AnswerView.problem("not_ready",
                    "Starling's AI is not ready yet (" + n.reason() + "). Search and the rest of the network work as usual; try again later."), 503);
            case AnswerOutcome.NotFound nf -> new Result(AnswerView.problem("not_found", "That post was not found, or you may not see it."), 404);
            case AnswerOutcome.Invalid inv -> new Result(AnswerView.problem("invalid", sentence(inv.message())), 422);
            case AnswerOutcome.Failed f -> new Result(AnswerView.problem("failed",
                    "The model could not answer: " + sentence(f.error().message())), f.error().kind().httpStatus() >= 500 ? 502 : 503);
        };
    }

    AnswerView view(Long viewerId, Answer answer) {
        Map<Integer, Long> cited = new HashMap<>();
        for (Citation c : answer.citations()) cited.put(c.number(), c.postId());
        List<List<AnswerView.Segment>> paragraphs = new ArrayList<>();
        for (String line : answer.text().split("\\n")) {
            if (line.isBlank()) continue;
            List<AnswerView.Segment> segments = new ArrayList<>();
            Matcher m = CITATION.matcher(line);
            int pos = 0;
            while (m.find()) {
                Long postId = cited.get(Integer.parseInt(m.group(1)));
                if (postId == null) continue;
                if (m.start() > pos) segments.add(new AnswerView.Segment(line.substring(pos, m.start()), null));
                segments.add(new AnswerView.Segment(m.group(), postHref(postId)));
                pos = m.end();
            }
            if (pos < line.length()) segments.add(new AnswerView.Segment(line.substring(pos), null));
            paragraphs.add(List.copyOf(segments));
        }
        List<AnswerView.Source> sources = new ArrayList<>();
        List<Long> evidence = answer.evidencePostIds();
        for (int i = 0; i < evidence.size(); i++) {
            long id = evidence.get(i);
            Optional<PostView> v = social.posts().view(viewerId, id);
            if (v.isEmpty()) continue;
            Account a = v.get().author();
            String name = a.displayName() == null || a.displayName().isBlank() ? a.username() : a.displayName();
            sources.add(new AnswerView.Source(i + 1, id, postHref(id), a.username(), name, excerpt(v.get().post().text()),
                    cited.containsValue(id)));
        }
        String finish = switch (answer.finishReason()) {
            case "length" -> "The answer stopped at its length limit.";
            case "timeout" -> "The answer stopped at its time limit.";
            case "cancelled" -> "The answer was cancelled.";
            default -> null;
        };
        return new AnswerView("answered", null, List.copyOf(paragraphs), List.copyOf(sources), answer.modelId(),
                answer.prompt() == null ? null : answer.prompt().toString(), finish);
    }

    static String postHref(long postId) {
        return "/posts/" + postId;
    }

    static String excerpt(String text) {
        String t = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        return t.length() <= EXCERPT_CHARS ? t : t.substring(0, EXCERPT_CHARS - 1) + "…";
    }

    static String sentence(String message) {
        if (message == null || message.isBlank()) return "Something went wrong.";
        String s = Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }
}
