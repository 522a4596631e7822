package dev.starling.server.ai;

import dev.starling.ai.answers.Answer;
import dev.starling.ai.answers.AnswerListener;
import dev.starling.ai.answers.AnswerOutcome;
import dev.starling.ai.answers.Compose;
import dev.starling.ai.answers.StarlingAi;
import dev.starling.ai.budget.AiBudget;
import dev.starling.ai.budget.BudgetDecision;
import dev.starling.ai.registry.Feature;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.server.RouteModule;
import dev.starling.server.http.ApiException;
import dev.starling.server.http.Params;
import dev.starling.server.http.RouteSupport;
import dev.starling.server.oauth.Auth;
import dev.starling.social.Social;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Starling's AI API under {@code /api/v1/starling/}:
 * <ul>
 * <li>{@code POST ask} ({@code q}; scope {@code read:search}), {@code POST statuses/:id/explain} and
 *     {@code POST statuses/:id/summarize} (scope {@code read:statuses}), {@code POST compose} ({@code draft},
 *     {@code mode} {@code complete|rewrite}; scope {@code write:statuses}): a signed-in user's request; with
 *     {@code stream=true} or {@code Accept: text/event-stream} the answer streams as server-sent events
 *     ({@code token}, {@code citations}, {@code done} with the whole answer, or {@code error}), else one JSON answer
 *     ({@link AiJson#answer}: text, numbered citations linking to this instance's posts, model, prompt name/version/hash,
 *     finish reason, usage, timings).</li>
 * <li>{@code GET models}: the registry (models, which serves each feature, readiness and status).</li>
 * <li>{@code POST models/switch} ({@code model}, optional {@code feature}; all features when absent): admins only.</li>
 * </ul>
 * Without a model every feature answers 503 {@code {"error": "No model is ready: <reason>"}}; a post the caller may
 * not see is 404; bad input 422 naming what was wrong; a spent daily budget 429. Request bodies are bounded by the
 * server; each text parameter by its own limit here.
 */
public final class AiRoutes implements RouteModule {

    public static final String PREFIX = "/api/v1/starling";
    /** Upper bound of a question or draft parameter read from the request (the features apply their own, lower limits). */
    public static final int MAX_TEXT_CHARS = 8_000;

    private final RouteSupport support;
    private final Social social;
    private final StarlingAi ai;
    private final AiBudget budget;

    /**
     * @param budget per-account daily budgets; null for none
     */
    public AiRoutes(RouteSupport support, Social social, StarlingAi ai, AiBudget budget) {
        this.support = support;
        this.social = social;
        this.ai = ai;
        this.budget = budget;
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.post(PREFIX + "/ask", ctx -> {
            long me = Auth.user(ctx, "read:search");
            Params p = support.params(ctx);
            String q = p.has("q") ? p.string("q", MAX_TEXT_CHARS) : p.string("question", MAX_TEXT_CHARS);
            if (q == null) {
                throw Params.badParam("q", "is required: the question to answer");
            }
            respond(ctx, p, me, Feature.ASK, ai.settings().askMaxTokens(), l -> ai.ask().ask(me, q, l));
        });
        routes.post(PREFIX + "/statuses/{id}/explain", ctx -> {
            long me = Auth.user(ctx, "read:statuses");
            long id = RouteSupport.pathId(ctx, "id");
            respond(ctx, support.params(ctx), me, Feature.EXPLAIN, ai.settings().explainMaxTokens(),
                    l -> ai.explain().explain(me, id, l));
        });
        routes.post(PREFIX + "/statuses/{id}/summarize", ctx -> {
            long me = Auth.user(ctx, "read:statuses");
            long id = RouteSupport.pathId(ctx, "id");
            respond(ctx, support.params(ctx), me, Feature.SUMMARIZE, ai.settings().summarizeMaxTokens(),
                    l -> ai.summarize().summarize(me, id, l));
        });
        routes.post(PREFIX + "/compose", ctx -> {
            long me = Auth.user(ctx, "write:statuses");
            Params p = support.params(ctx);
            String draft = p.required("draft", MAX_TEXT_CHARS);
            String modeName = p.string("mode", 20);
            Compose.Mode mode = modeName == null ? Compose.Mode.COMPLETE : Compose.Mode.parse(modeName)
                    .orElseThrow(() -> Params.badParam("mode", "must be complete or rewrite, got '" + modeName + "'"));
            respond(ctx, p, me, Feature.COMPOSE, ai.settings().composeMaxTokens(), l -> ai.compose().compose(me, draft, mode, l));
        });
        routes.get(PREFIX + "/models", ctx -> {
            Auth.viewer(ctx, "read");
            ctx.json(AiJson.registry(ai.registry().snapshot()));
        });
        routes.post(PREFIX + "/models/switch", ctx -> {
            long me = Auth.user(ctx, "write");
            if (!social.accounts().isAdmin(me)) {
                throw ApiException.forbidden("Switching models is allowed only to administrators");
            }
            Params p = support.params(ctx);
            String model = p.required("model", 200);
            String featureName = p.string("feature", 40);
            ModelRegistry.SwitchOutcome outcome;
            if (featureName == null || featureName.equals("all")) {
                outcome = ai.registry().assignAll(model);
            } else {
                Feature f = Feature.parse(featureName.toLowerCase(Locale.ROOT)).orElseThrow(() -> Params.badParam("feature",
                        "must be all or one of ask, explain, summarize, assistant, trends, compose; got '" + featureName + "'"));
                outcome = ai.registry().assign(f, model);
            }
            if (outcome instanceof ModelRegistry.SwitchOutcome.Rejected r) {
                throw ApiException.unprocessable(r.reason());
            }
            ctx.json(AiJson.registry(ai.registry().snapshot()));
        });
    }

    private static boolean wantsStream(Context ctx, Params p) {
        String accept = ctx.header("Accept");
        return p.bool("stream", false) || accept != null && accept.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
    }

    private void respond(Context ctx, Params p, long me, Feature feature, int maxTokens,
            Function<AnswerListener, AnswerOutcome> call) {
        boolean stream = wantsStream(ctx, p);
        BudgetDecision.Granted granted = null;
        if (budget != null) {
            BudgetDecision d = budget.reserve(me, feature.apiName(), maxTokens);
            if (d instanceof BudgetDecision.Exceeded ex) {
                throw new ApiException(429, ex.message());
            }
            granted = (BudgetDecision.Granted) d;
        }
        AiEventStream events = stream ? new AiEventStream(ctx, support.mapper()) : null;
        AnswerListener listener = events == null ? AnswerListener.NONE : new AnswerListener() {
            @Override
            public void onText(String text) {
                events.send("token", Map.of("text", text));
            }

            @Override
            public boolean cancelled() {
                return events.broken();
            }
        };
        AnswerOutcome outcome;
        try {
            outcome = call.apply(listener);
        } catch (RuntimeException e) {
            if (granted != null) {
                budget.cancel(granted.reservation());
            }
            throw e;
        }
        if (granted != null) {
            if (outcome instanceof AnswerOutcome.Answered a && a.answer().modelId() != null) {
                budget.settle(granted.reservation(), a.answer().usage().totalTokens());
            } else {
                budget.cancel(granted.reservation());
            }
        }
        if (outcome instanceof AnswerOutcome.Answered a) {
            Answer answer = a.answer();
            Map<String, Object> json = AiJson.answer(answer, support.baseUrl(ctx));
            if (events == null) {
                ctx.json(json);
            } else {
                events.send("citations", Map.of("citations", json.get("citations")));
                events.send("done", json);
            }
            return;
        }
        ApiException error = error(outcome);
        if (events != null && events.started()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("error", error.getMessage());
            e.put("status", error.status());
            events.send("error", e);
        } else {
            throw error;
        }
    }

    private static ApiException error(AnswerOutcome outcome) {
        return switch (outcome) {
            case AnswerOutcome.NotReady n -> new ApiException(503, "No model is ready: " + n.reason());
            case AnswerOutcome.NotFound nf -> ApiException.notFound();
            case AnswerOutcome.Invalid inv -> ApiException.unprocessable(inv.message());
            case AnswerOutcome.Failed f -> new ApiException(switch (f.error().kind()) {
                case OVERLOADED, UNAVAILABLE -> 503; // busy or unreachable: try again later
                case UPSTREAM -> 502;
                default -> 500; // the prompt does not fit the model, or a bug: the operator's to fix
            }, "The model could not answer: " + f.error().message());
            case AnswerOutcome.Answered a -> throw new IllegalStateException("not an error");
        };
    }
}
