package dev.starling.server.web.admin;

import dev.starling.ai.answers.CopyWeightSetting;
import dev.starling.ai.registry.Feature;
import dev.starling.ai.registry.ModelRegistry;
import dev.starling.ai.trends.TrendItem;
import dev.starling.ai.trends.TrendKind;
import dev.starling.ai.trends.TrendLists;
import dev.starling.ai.trends.TrendModeration;
import dev.starling.ai.trends.TrendStories;
import dev.starling.server.RouteModule;
import dev.starling.server.web.Form;
import dev.starling.server.web.Web;
import dev.starling.server.web.WebException;
import dev.starling.server.web.WebFeature;
import dev.starling.server.web.shell.PageMeta;
import dev.starling.social.accounts.Account;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The admin area ({@code /admin}, accounts with the admin role only; others get 403): the models
 * and which serves each AI feature (switch without restart), training runs with progress, model
 * cards, the copy weight of copy-augmented decoding (applied from the next request, kept across restarts), and
 * trend moderation (hide or show again a hashtag, link, phrase or story). Every change is
 * a CSRF-checked form POST answered with 303 back to {@code /admin} and a notice, or the page again
 * with 422 and the reason.
 */
public final class AdminPages implements WebFeature {
    static final int TRENDING_PER_KIND = 20;
    static final String STYLES = dev.starling.server.web.ai.AiPages.STYLES;
    static final int STORIES = 30;

    private final ModelRegistry registry;
    private final TrainingRuns training;
    private final TrendLists lists;
    private final TrendStories stories;
    private final TrendModeration moderation;
    private final CopyWeightSetting copyWeight;

    /** Any part may be null when the server runs without it; the page then says so. Without a copy weight setting. */
    public AdminPages(ModelRegistry registry, TrainingRuns training, TrendLists lists, TrendStories stories, TrendModeration moderation) {
        this(registry, training, lists, stories, moderation, null);
    }

    /**
     * Any part may be null when the server runs without it; the page then says so.
     *
     * @param copyWeight the operator's copy weight the AI features read per request (null: not changeable here)
     */
    public AdminPages(ModelRegistry registry, TrainingRuns training, TrendLists lists, TrendStories stories, TrendModeration moderation,
            CopyWeightSetting copyWeight) {
        this.copyWeight = copyWeight;
        this.registry = registry;
        this.training = training == null ? TrainingRuns.none() : training;
        this.lists = lists;
        this.stories = stories;
        this.moderation = moderation;
    }

    @Override
    public RouteModule routes(Web web) {
        return new Routes(web);
    }

    private final class Routes implements RouteModule {
        private final Web web;

        Routes(Web web) {
            this.web = web;
        }

        @Override
        public void register(JavalinDefaultRoutingApi routes) {
            routes.get("/admin", ctx -> {
                requireAdmin(ctx);
                show(ctx, 200, null);
            });
            routes.post("/admin/models/assign", this::assign);
            routes.post("/admin/ai/copy-weight", this::copyWeight);
            routes.post("/admin/trends/hide", ctx -> trend(ctx, true));
            routes.post("/admin/trends/unhide", ctx -> trend(ctx, false));
            routes.post("/admin/stories/unhide", ctx -> {
                adminPost(ctx);
                Long id = Form.id(ctx, "story_id");
                if (id == null) {
                    show(ctx, 422, "Give the number of the story to show again.");
                    return;
                }
                story(ctx, id, false);
            });
            routes.post("/admin/stories/{id}/hide", ctx -> story(ctx, Form.pathId(ctx, "id"), true));
            routes.post("/admin/stories/{id}/unhide", ctx -> story(ctx, Form.pathId(ctx, "id"), false));
        }

        private Account requireAdmin(Context ctx) {
            Account me = web.requireSignIn(ctx);
            if (!web.social().accounts().isAdmin(me.id())) {
                throw new WebException(403, "This page is for the administrators of this server.");
            }
            return me;
        }

        private Account adminPost(Context ctx) {
            Account me = requireAdmin(ctx);
            web.requireCsrf(ctx);
            return me;
        }

        private void show(Context ctx, int status, String error) {
            List<TrendItem> trending = new ArrayList<>();
            if (lists != null) {
                for (TrendKind k : TrendKind.values()) trending.addAll(lists.items(k, 0, TRENDING_PER_KIND));
            }
            AdminView view = new AdminView(registry == null ? null : registry.snapshot(), training.runs(), lists == null ? null : trending,
                    moderation == null ? null : moderation.hidden(), stories == null ? null : stories.list(0, STORIES), error,
                    copyWeight == null ? null : copyWeight.value());
            Map<String, Object> p = new HashMap<>();
            p.put("view", view);
            p.put("styles", web.assets().url(STYLES));
            String notice = status == 200 ? notice(ctx.queryParam("done")) : null;
            web.page(ctx, status, new PageMeta("Administration", null, List.of(), notice), "admin/admin.jte", p);
        }

        private static String notice(String done) {
            if (done == null) return null;
            return switch (done) {
                case "assigned" -> "The model assignment was changed. Requests already running finish on the model they started with.";
                case "copy-weight" -> "The copy weight was changed. It applies from the next request; requests already running keep theirs.";
                case "hidden" -> "Hidden: it no longer shows in trends.";
                case "shown" -> "Shown again in trends.";
                default -> null;
            };
        }

        private void assign(Context ctx) {
            adminPost(ctx);
            if (registry == null) throw new WebException(503, "This server runs without a model registry.");
            String modelId = Form.field(ctx, "model_id", 200);
            String featureName = Form.field(ctx, "feature", 40);
            if (modelId == null || modelId.isBlank()) {
                show(ctx, 422, "Choose a model.");
                return;
            }
            ModelRegistry.SwitchOutcome out;
            if (featureName == null || featureName.isBlank() || featureName.equals("all")) {
                out = registry.assignAll(modelId.strip());
            } else {
                Optional<Feature> f = Feature.parse(featureName.strip());
                if (f.isEmpty()) {
                    show(ctx, 422, "Unknown feature \"" + featureName + "\".");
                    return;
                }
                out = registry.assign(f.get(), modelId.strip());
            }
            if (out instanceof ModelRegistry.SwitchOutcome.Rejected r) {
                show(ctx, 422, "The model was not switched: " + r.reason() + ".");
                return;
            }
            web.seeOther(ctx, "/admin?done=assigned#models");
        }

        private void copyWeight(Context ctx) {
            Account me = adminPost(ctx);
            if (copyWeight == null) throw new WebException(503, "This server runs without a changeable copy weight.");
            String text = Form.field(ctx, CopyWeightSetting.FIELD, 100);
            switch (copyWeight.set(text == null ? "" : text, "admin @" + me.username())) {
                case CopyWeightSetting.Change.Rejected r -> show(ctx, 422, "The copy weight was not changed: " + r.reason() + ".");
                case CopyWeightSetting.Change.Saved s -> web.seeOther(ctx, "/admin?done=copy-weight#copy-weight");
            }
        }

        private void trend(Context ctx, boolean hide) {
            Account me = adminPost(ctx);
            if (moderation == null) throw new WebException(503, "This server runs without trends.");
            String kindName = Form.field(ctx, "kind", 20);
            String term = Form.field(ctx, "term", 2000);
            Optional<TrendKind> kind = TrendKind.parse(kindName == null ? "" : kindName.strip());
            if (kind.isEmpty()) {
                show(ctx, 422, "Unknown kind of trend \"" + (kindName == null ? "" : kindName) + "\": use tag, link or phrase.");
                return;
            }
            if (term == null || term.isBlank()) {
                show(ctx, 422, "Say which " + kind.get().wireName() + " to " + (hide ? "hide" : "show") + ".");
                return;
            }
            if (hide) {
                moderation.hide(kind.get(), term.strip(), me.id());
            } else if (!moderation.unhide(kind.get(), term.strip())) {
                show(ctx, 422, "That " + kind.get().wireName() + " was not hidden.");
                return;
            }
            web.seeOther(ctx, "/admin?done=" + (hide ? "hidden" : "shown") + "#moderation");
        }

        private void story(Context ctx, long id, boolean hide) {
            Account me = adminPost(ctx);
            if (moderation == null) throw new WebException(503, "This server runs without trends.");
            boolean changed = hide ? moderation.hideStory(id, me.id()) : moderation.unhideStory(id);
            if (!changed) {
                show(ctx, 422, "Story " + id + " was not found" + (hide ? " or is already hidden." : " or is not hidden."));
                return;
            }
            web.seeOther(ctx, "/admin?done=" + (hide ? "hidden" : "shown") + "#moderation");
        }
    }
}
