package dev.starling.server.statuses;

import dev.starling.server.RouteModule;
import dev.starling.server.entities.MastodonJson;
import dev.starling.server.http.ApiException;
import dev.starling.server.http.Outcomes;
import dev.starling.server.http.Pages;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Slice;
import dev.starling.server.http.Params;
import dev.starling.server.http.RouteSupport;
import dev.starling.server.oauth.Auth;
import dev.starling.social.common.Outcome;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostText;
import dev.starling.social.posts.PostView;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.posts.Posts;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.sql.SQLException;

/**
 * Statuses: create (with Idempotency-Key), get, delete, favourite/unfavourite, reblog/unreblog,
 * bookmark/unbookmark. Every read asks social's visibility rule: a status the caller may not see
 * is a 404, as in Mastodon.
 */
public final class StatusRoutes implements RouteModule {
    private final RouteSupport support;
    private final Posts posts;
    private final IdempotencyKeys idempotency;
    private final StatusAccounts statusAccounts;

    public StatusRoutes(RouteSupport support, Posts posts, IdempotencyKeys idempotency, StatusAccounts statusAccounts) {
        this.support = support;
        this.posts = posts;
        this.idempotency = idempotency;
        this.statusAccounts = statusAccounts;
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.post("/api/v1/statuses", this::create);
        routes.get("/api/v1/statuses/{id}", ctx -> {
            Long viewer = Auth.viewer(ctx, "read:statuses");
            ctx.json(MastodonJson.status(view(viewer, RouteSupport.pathId(ctx, "id")), support.baseUrl(ctx)));
        });
        routes.delete("/api/v1/statuses/{id}", ctx -> {
            long me = Auth.user(ctx, "write:statuses");
            long id = RouteSupport.pathId(ctx, "id");
            PostView before = view(me, id);
            Outcomes.value(posts.delete(me, id));
            ctx.json(MastodonJson.deletedStatus(before, support.baseUrl(ctx)));
        });
        action(routes, "favourite", "write:favourites", posts::favourite);
        action(routes, "unfavourite", "write:favourites", posts::unfavourite);
        action(routes, "bookmark", "write:bookmarks", posts::bookmark);
        action(routes, "unbookmark", "write:bookmarks", posts::unbookmark);
        routes.post("/api/v1/statuses/{id}/unreblog", ctx -> {
            long me = Auth.user(ctx, "write:statuses");
            Post original = Outcomes.value(posts.unreblog(me, RouteSupport.pathId(ctx, "id")));
            // One's own repost can always be removed, also of a post one may no longer see (made
            // followers-only or direct since): then the answer says only that it is not reblogged.
            java.util.Optional<PostView> visible = posts.view(me, original.id());
            if (visible.isPresent()) {
                ctx.json(MastodonJson.status(visible.get(), support.baseUrl(ctx)));
            } else {
                ctx.json(java.util.Map.of("id", Long.toString(original.id()), "reblogged", false));
            }
        });
        routes.get("/api/v1/statuses/{id}/favourited_by", ctx -> {
            Long viewer = Auth.viewer(ctx, "read:statuses");
            PostView v = view(viewer, RouteSupport.pathId(ctx, "id"));
            long original = v.reblog() != null ? v.reblog().post().id() : v.post().id();
            accounts(ctx, statusAccounts.favouritedBy(original, Pages.from(support.params(ctx))));
        });
        routes.get("/api/v1/statuses/{id}/reblogged_by", ctx -> {
            Long viewer = Auth.viewer(ctx, "read:statuses");
            PostView v = view(viewer, RouteSupport.pathId(ctx, "id"));
            long original = v.reblog() != null ? v.reblog().post().id() : v.post().id();
            accounts(ctx, statusAccounts.rebloggedBy(original, Pages.from(support.params(ctx))));
        });
        // reblog answers with the new reblog status, which wraps the original
        routes.post("/api/v1/statuses/{id}/reblog", ctx -> {
            long me = Auth.user(ctx, "write:statuses");
            Post reblog = Outcomes.value(posts.reblog(me, RouteSupport.pathId(ctx, "id")));
            ctx.json(MastodonJson.status(view(me, reblog.id()), support.baseUrl(ctx)));
        });
    }

    private interface Action {
        Outcome<Post> apply(long actorId, long postId);
    }

    private void action(JavalinDefaultRoutingApi routes, String name, String scope, Action action) {
        routes.post("/api/v1/statuses/{id}/" + name, ctx -> {
            long me = Auth.user(ctx, scope);
            Post post = Outcomes.value(action.apply(me, RouteSupport.pathId(ctx, "id")));
            ctx.json(MastodonJson.status(view(me, post.id()), support.baseUrl(ctx)));
        });
    }

    private void accounts(Context ctx, Slice<Account> slice) {
        Pages.link(ctx, support.baseUrl(ctx), slice);
        ctx.json(MastodonJson.accounts(slice.items(), support.baseUrl(ctx)));
    }

    private PostView view(Long viewer, long id) {
        return posts.view(viewer, id).orElseThrow(ApiException::notFound);
    }

    private void create(Context ctx) throws SQLException {
        long me = Auth.user(ctx, "write:statuses");
        Params p = support.params(ctx);
        String text = p.string("status", PostText.MAX_RAW_CHARS);
        if (!p.list("media_ids", 4).isEmpty()) throw Params.badParam("media_ids", "are not supported: Starling has no media attachments");
        if (p.has("poll[options]")) throw Params.badParam("poll", "is not supported by Starling");
        if (text == null || text.isBlank()) throw new ApiException(422, "Validation failed: Text can't be blank");
        PostVisibility visibility;
        String v = p.string("visibility", 20);
        if (v != null && !v.isEmpty()) {
            visibility = PostVisibility.parse(v).orElseThrow(() -> Params.badParam("visibility", "must be one of public, unlisted, private, direct"));
        } else {
            visibility = statusAccounts.defaultVisibility(me); // Mastodon: the account's source.privacy
        }
        Long inReplyTo = p.id("in_reply_to_id");
        Long quote = p.has("quoted_status_id") ? p.id("quoted_status_id") : p.id("quote_id");
        String spoiler = p.string("spoiler_text", PostText.MAX_SPOILER_CHARS);
        if (spoiler != null && spoiler.isEmpty()) spoiler = null;
        boolean sensitive = p.bool("sensitive", false) || spoiler != null;
        String language = p.string("language", 16);
        if (language != null && language.isEmpty()) language = null;
        NewPost post = new NewPost(text, visibility, inReplyTo, quote, language, sensitive, spoiler);

        String key = ctx.header("Idempotency-Key");
        if (key != null && (key.isBlank() || key.length() > IdempotencyKeys.MAX_KEY_CHARS)) {
            throw new ApiException(422, "Validation failed: Idempotency-Key must be 1.." + IdempotencyKeys.MAX_KEY_CHARS + " characters");
        }
        if (key != null) {
            switch (idempotency.claim(me, key)) {
                case IdempotencyKeys.Claim.Done done -> {
                    ctx.json(MastodonJson.status(view(me, done.postId()), support.baseUrl(ctx)));
                    return;
                }
                case IdempotencyKeys.Claim.InFlight inFlight -> throw new ApiException(409, "A request with the same Idempotency-Key is still being processed");
                case IdempotencyKeys.Claim.Claimed claimed -> { }
            }
        }
        PostView created; // hydrated in the creating transaction: no second look-up
        try {
            created = Outcomes.value(posts.createView(me, post));
        } catch (RuntimeException e) {
            if (key != null) idempotency.release(me, key);
            throw e;
        }
        if (key != null) idempotency.complete(me, key, created.post().id());
        ctx.json(MastodonJson.status(created, support.baseUrl(ctx)));
    }
}
