package dev.starling.server.web.posts;

import dev.starling.server.RouteModule;
import dev.starling.server.web.Form;
import dev.starling.server.web.Notices;
import dev.starling.server.web.Web;
import dev.starling.server.web.WebException;
import dev.starling.server.web.shell.PageMeta;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Outcome;
import dev.starling.social.posts.NewPost;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostText;
import dev.starling.social.posts.PostView;
import dev.starling.social.posts.PostVisibility;
import dev.starling.social.posts.Posts;
import dev.starling.social.timelines.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A post and what one does with it: the thread view {@code /posts/{id}} (ancestors, the post,
 * replies, and a reply box), compose ({@code /compose?in_reply_to=|quote=}, {@code POST /posts}),
 * like/repost/bookmark and their undo ({@code POST /posts/{id}/like} ...), and delete with a
 * confirmation page ({@code GET/POST /posts/{id}/delete}). Every POST checks the CSRF token and
 * answers 303 back to {@code return_to}; sent by the page's script (header
 * {@code X-Starling-Fragment: post}) it answers the post's new HTML instead.
 */
public final class PostPages implements RouteModule {
    /** Replies shown under a thread's post (the rest are summarised). */
    public static final int MAX_REPLIES_SHOWN = 150;
    /** Ancestors shown above it. */
    public static final int MAX_ANCESTORS_SHOWN = 40;

    private final Web web;
    private final PostCards cards;

    public PostPages(Web web) {
        this.web = web;
        this.cards = new PostCards(web);
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        Posts posts = web.social().posts();
        routes.get("/posts/{id}", this::thread);
        routes.get("/compose", this::composePage);
        routes.post("/posts", this::create);
        action(routes, "like", posts::favourite);
        action(routes, "unlike", posts::unfavourite);
        action(routes, "repost", posts::reblog);
        action(routes, "unrepost", posts::unreblog);
        action(routes, "bookmark", posts::bookmark);
        action(routes, "unbookmark", posts::unbookmark);
        routes.get("/posts/{id}/delete", ctx -> {
            Account me = web.requireSignIn(ctx);
            PostCard card = visibleCard(me.id(), Form.pathId(ctx, "id"));
            if (!card.mine()) throw new WebException(403, "Only the author can delete a post.");
            web.page(ctx, PageMeta.of("Delete post?", null), "confirm_delete.jte", Map.of("card", card));
        });
        routes.post("/posts/{id}/delete", ctx -> {
            Account me = web.requireSignIn(ctx);
            web.requireCsrf(ctx);
            check(posts.delete(me.id(), Form.pathId(ctx, "id")));
            web.seeOther(ctx, "/?notice=deleted");
        });
    }

    private void thread(io.javalin.http.Context ctx) {
        long id = Form.pathId(ctx, "id");
        Long me = web.viewerId(ctx);
        PostView focus = web.social().posts().view(me, id).orElseThrow(() -> WebException.notFound("This post"));
        if (focus.reblog() != null) {
            web.seeOther(ctx, "/posts/" + focus.reblog().post().id());
            return;
        }
        Context context = web.social().timelines().context(me, id).orElseThrow(() -> WebException.notFound("This post"));
        List<Post> up = context.ancestors();
        if (up.size() > MAX_ANCESTORS_SHOWN) up = up.subList(up.size() - MAX_ANCESTORS_SHOWN, up.size());
        List<Post> down = context.descendants();
        int hidden = Math.max(0, down.size() - MAX_REPLIES_SHOWN);
        if (hidden > 0) down = down.subList(0, MAX_REPLIES_SHOWN);
        Map<String, Object> p = new HashMap<>();
        p.put("ancestors", cards.cards(me, web.social().posts().views(me, up)));
        p.put("focus", cards.card(me, focus).highlight());
        p.put("replies", cards.cards(me, web.social().posts().views(me, down)));
        p.put("hiddenReplies", hidden);
        p.put("compose", me == null ? null : replyForm(web.requireSignIn(ctx), focus.post(), "", null));
        String author = focus.author().username();
        web.page(ctx, PageMeta.of("Post by @" + author, null).withNotice(Notices.message(ctx.queryParam("notice"))), "thread.jte", p);
    }

    private ComposeForm replyForm(Account me, Post parent, String text, String error) {
        // a reply is at most as visible as its parent and the author's default, as Mastodon's clients default it
        PostVisibility v = parent.visibility().code() > me.defaultVisibility().code() ? parent.visibility() : me.defaultVisibility();
        return new ComposeForm(text, "", v.mastodonName(), parent.id(), null, maxChars(), error);
    }

    private int maxChars() {
        return web.social().posts().rules().maxWeightedLength();
    }

    private void composePage(io.javalin.http.Context ctx) {
        Account me = web.requireSignIn(ctx);
        Long replyTo = Form.queryId(ctx, "in_reply_to");
        Long quote = Form.queryId(ctx, "quote");
        composeWith(ctx, 200, me, replyTo, quote, null);
    }

    private void composeWith(io.javalin.http.Context ctx, int status, Account me, Long replyTo, Long quote, ComposeForm submitted) {
        PostCard target = null;
        ComposeForm form = submitted;
        if (replyTo != null) {
            PostView parent = web.social().posts().view(me.id(), replyTo).orElseThrow(() -> WebException.notFound("The post you reply to"));
            target = cards.card(me.id(), parent);
            if (form == null) form = replyForm(me, parent.post(), "", null);
        } else if (quote != null) {
            PostView quoted = web.social().posts().view(me.id(), quote).orElseThrow(() -> WebException.notFound("The post you quote"));
            target = cards.card(me.id(), quoted);
            if (form == null) form = new ComposeForm("", "", me.defaultVisibility().mastodonName(), null, quoted.post().id(), maxChars(), null);
        } else if (form == null) {
            form = ComposeForm.empty(maxChars(), me.defaultVisibility());
        }
        Map<String, Object> p = new HashMap<>();
        p.put("target", target);
        p.put("form", form);
        String title = replyTo != null ? "Reply" : quote != null ? "Quote post" : "New post";
        web.page(ctx, status, PageMeta.of(title, null), "compose.jte", p);
    }

    private void create(io.javalin.http.Context ctx) {
        Account me = web.requireSignIn(ctx);
        web.requireCsrf(ctx);
        String text = Form.field(ctx, "text", PostText.MAX_RAW_CHARS);
        String spoiler = Form.field(ctx, "spoiler_text", PostText.MAX_SPOILER_CHARS);
        String visibilityName = Form.field(ctx, "visibility", 20);
        Long replyTo = Form.id(ctx, "in_reply_to_id");
        Long quote = Form.id(ctx, "quote_of_id");
        PostVisibility visibility = visibilityName == null || visibilityName.isEmpty() ? me.defaultVisibility()
                : PostVisibility.parse(visibilityName).orElseThrow(() -> new WebException(422,
                "Visibility must be public, unlisted, private or direct, not \"" + visibilityName + "\"."));
        NewPost post = new NewPost(text == null ? "" : text, visibility, replyTo, quote, null,
                spoiler != null && !spoiler.isBlank(), spoiler == null || spoiler.isBlank() ? null : spoiler);
        Outcome<Post> created = web.social().posts().create(me.id(), post);
        if (created instanceof Outcome.Rejected<Post> r) {
            String why = r.rejection().message();
            ComposeForm again = new ComposeForm(text == null ? "" : text, spoiler == null ? "" : spoiler, visibility.mastodonName(),
                    replyTo, quote, maxChars(), Character.toUpperCase(why.charAt(0)) + why.substring(1) + ".");
            composeWith(ctx, r.rejection().kind().httpStatus(), me, replyTo, quote, again);
            return;
        }
        long id = created.orThrow().id();
        web.seeOther(ctx, replyTo != null ? "/posts/" + replyTo + "?notice=posted#post-" + id : "/?notice=posted#post-" + id);
    }

    private void action(JavalinDefaultRoutingApi routes, String name, BiFunction<Long, Long, Outcome<Post>> act) {
        routes.post("/posts/{id}/" + name, ctx -> {
            Account me = web.requireSignIn(ctx);
            web.requireCsrf(ctx);
            long id = Form.pathId(ctx, "id");
            check(act.apply(me.id(), id));
            Long row = Form.id(ctx, "row_id");
            long rowId = row == null ? id : row;
            if ("post".equals(ctx.header("X-Starling-Fragment"))) {
                Optional<PostView> view = web.social().posts().view(me.id(), rowId);
                if (view.isEmpty() || (view.get().post().id() != id && (view.get().reblog() == null || view.get().reblog().post().id() != id))) {
                    view = web.social().posts().view(me.id(), id);
                }
                PostCard card = cards.card(me.id(), view.orElseThrow(() -> WebException.notFound("This post")));
                web.fragment(ctx, "parts/post.jte", Map.of("card", card, "here", returnTo(ctx)));
                return;
            }
            web.seeOther(ctx, returnTo(ctx) + "#post-" + rowId);
        });
    }

    private static String returnTo(io.javalin.http.Context ctx) {
        String r = Form.field(ctx, "return_to", 2000);
        return Web.isLocalPath(r) && !r.contains("#") ? r : "/";
    }

    private PostCard visibleCard(long viewerId, long postId) {
        return cards.card(viewerId, web.social().posts().view(viewerId, postId).orElseThrow(() -> WebException.notFound("This post")));
    }

    private static <T> T check(Outcome<T> outcome) {
        if (outcome instanceof Outcome.Rejected<T> r) {
            String why = r.rejection().message();
            throw new WebException(r.rejection().kind().httpStatus(), Character.toUpperCase(why.charAt(0)) + why.substring(1) + ".");
        }
        return outcome.orThrow();
    }
}
