package dev.starling.server.web.ai;

import dev.starling.ai.answers.AnswerListener;
import dev.starling.ai.answers.StarlingAi;
import dev.starling.ai.budget.AiBudget;
import dev.starling.ai.registry.Feature;
import dev.starling.server.RouteModule;
import dev.starling.server.web.Form;
import dev.starling.server.web.Web;
import dev.starling.server.web.WebException;
import dev.starling.server.web.WebFeature;
import dev.starling.server.web.posts.PostCard;
import dev.starling.server.web.posts.PostCards;
import dev.starling.server.web.posts.PostLink;
import dev.starling.server.web.shell.PageMeta;
import dev.starling.social.accounts.Account;
import dev.starling.social.posts.PostView;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Ask, Explain this post and Summarize thread in the web app (see the package documentation for the
 * URLs). Each works as a plain form POST that renders the finished answer; the module
 * {@code static/ai/answer.js} instead posts to the {@code /stream} twin and shows the answer as it is
 * written, then swaps in the server's rendering of the finished answer. Answers are for signed-in
 * people (their daily AI budget applies when the server has one); what the model reads is found as
 * the asker, by {@link StarlingAi}. Every post card links to both ("Explain this post", "Summarize
 * thread": {@link Web#addPostLink}). Without AI on this server ({@code ai} null) the pages say so.
 */
public final class AiPages implements WebFeature {
    /** The stylesheet of the AI, Explore, settings and admin pages (static/ai/pages.css), linked from the page body. */
    public static final String STYLES = "ai/pages.css";

    private final StarlingAi ai;
    private final AiBudget budget;

    /**
     * @param ai     the AI features of {@code starling serve}, or null when the server runs without them
     * @param budget per-account daily budgets, or null for none
     */
    public AiPages(StarlingAi ai, AiBudget budget) {
        this.ai = ai;
        this.budget = budget;
    }

    @Override
    public RouteModule routes(Web web) {
        web.addPostLink(new PostLink(Kind.EXPLAIN.path, Kind.EXPLAIN.heading, Kind.EXPLAIN.path));
        web.addPostLink(new PostLink(Kind.SUMMARIZE.path, Kind.SUMMARIZE.heading, Kind.SUMMARIZE.path));
        return new Routes(web, ai, new AnswerRunner(web.social(), budget), new PostCards(web));
    }

    private record Routes(Web web, StarlingAi ai, AnswerRunner runner, PostCards cards) implements RouteModule {
        static final String ASK_TEMPLATE = "ai/ask.jte";
        static final String POST_TEMPLATE = "ai/post_answer.jte";

        @Override
        public void register(JavalinDefaultRoutingApi routes) {
            routes.get("/ask", ctx -> askPage(ctx, 200, "", AnswerView.empty()));
            routes.post("/ask", ctx -> {
                Account me = signedInWithCsrf(ctx);
                String q = question(ctx);
                AnswerRunner.Result r = ask(me, q, AnswerListener.NONE);
                askPage(ctx, r.status(), q, r.view());
            });
            routes.post("/ask/stream", ctx -> {
                Account me = signedInWithCsrf(ctx);
                String q = question(ctx);
                stream(ctx, listener -> ask(me, q, listener), v -> web.renderToString(ctx, "ai/answer.jte", Map.of("answer", v)));
            });
            for (Kind kind : Kind.values()) {
                String base = "/posts/{id}/" + kind.path;
                routes.get(base, ctx -> postPage(ctx, kind, 200, AnswerView.empty()));
                routes.post(base, ctx -> {
                    Account me = signedInWithCsrf(ctx);
                    long id = Form.pathId(ctx, "id");
                    AnswerRunner.Result r = onPost(me, kind, id, AnswerListener.NONE);
                    postPage(ctx, kind, r.status(), r.view());
                });
                routes.post(base + "/stream", ctx -> {
                    Account me = signedInWithCsrf(ctx);
                    long id = Form.pathId(ctx, "id");
                    stream(ctx, listener -> onPost(me, kind, id, listener), v -> web.renderToString(ctx, "ai/answer.jte", Map.of("answer", v)));
                });
            }
        }

        private Account signedInWithCsrf(Context ctx) {
            Account me = web.requireSignIn(ctx);
            web.requireCsrf(ctx);
            if (ai == null) throw new WebException(503, "Starling's AI is not available on this server (it runs without a model).");
            return me;
        }

        private static String question(Context ctx) {
            String q = Form.field(ctx, "question", 4000);
            return q == null ? "" : q.strip();
        }

        private AnswerRunner.Result ask(Account me, String q, AnswerListener listener) {
            return runner.run(me, Feature.ASK, ai.settings().askMaxTokens(), listener, l -> ai.ask().ask(me.id(), q, l));
        }

        private AnswerRunner.Result onPost(Account me, Kind kind, long postId, AnswerListener listener) {
            return switch (kind) {
                case EXPLAIN -> runner.run(me, Feature.EXPLAIN, ai.settings().explainMaxTokens(), listener,
                        l -> ai.explain().explain(me.id(), postId, l));
                case SUMMARIZE -> runner.run(me, Feature.SUMMARIZE, ai.settings().summarizeMaxTokens(), listener,
                        l -> ai.summarize().summarize(me.id(), postId, l));
            };
        }

        /** Streams the answer's text, then the finished answer's HTML as the last event. */
        private void stream(Context ctx, Function<AnswerListener, AnswerRunner.Result> run, Function<AnswerView, String> render) {
            EventStream events = new EventStream(ctx);
            AnswerListener listener = new AnswerListener() {
                @Override
                public void onText(String text) {
                    events.text(text);
                }

                @Override
                public boolean cancelled() {
                    return events.broken();
                }
            };
            AnswerRunner.Result r = run.apply(listener);
            events.finish(render.apply(r.view()), r.status());
        }

        private void askPage(Context ctx, int status, String question, AnswerView answer) {
            Map<String, Object> p = new HashMap<>();
            p.put("question", question);
            p.put("answer", answer);
            p.put("availability", availability(Feature.ASK));
            p.put("styles", web.assets().url(STYLES));
            web.page(ctx, status, PageMeta.of("Ask", "ask").withModules("ai/answer.js"), ASK_TEMPLATE, p);
        }

        private void postPage(Context ctx, Kind kind, int status, AnswerView answer) {
            long id = Form.pathId(ctx, "id");
            Long viewer = web.viewerId(ctx);
            PostView view = web.social().posts().view(viewer, id).orElseThrow(() -> WebException.notFound("This post"));
            PostCard card = cards.card(viewer, view);
            Map<String, Object> p = new HashMap<>();
            p.put("card", card);
            p.put("kind", kind.path);
            p.put("heading", kind.heading);
            p.put("button", kind.button);
            p.put("action", "/posts/" + id + "/" + kind.path);
            p.put("answer", answer);
            p.put("availability", availability(kind.feature));
            p.put("here", "/posts/" + id + "/" + kind.path);
            p.put("styles", web.assets().url(STYLES));
            web.page(ctx, status, PageMeta.of(kind.heading, null).withModules("ai/answer.js"), POST_TEMPLATE, p);
        }

        /** Null when the feature has a model; otherwise what the page should say. */
        private String availability(Feature feature) {
            if (ai == null) return "Starling's AI is not available on this server (it runs without a model).";
            var snapshot = ai.registry().snapshot();
            if (snapshot.serving().get(feature) != null) return null;
            return "Starling's AI is not ready yet (" + snapshot.status() + "). Search and the rest of the network work as usual.";
        }
    }

    enum Kind {
        EXPLAIN("explain", "Explain this post", "Explain", Feature.EXPLAIN),
        SUMMARIZE("summarize", "Summarize thread", "Summarize", Feature.SUMMARIZE);

        final String path;
        final String heading;
        final String button;
        final Feature feature;

        Kind(String path, String heading, String button, Feature feature) {
            this.path = path;
            this.heading = heading;
            this.button = button;
            this.feature = feature;
        }
    }
}
