package dev.starling.server.web.profile;

import dev.starling.server.RouteModule;
import dev.starling.server.web.Form;
import dev.starling.server.web.Notices;
import dev.starling.server.web.Web;
import dev.starling.server.web.WebException;
import dev.starling.server.web.posts.PostCards;
import dev.starling.server.web.shell.PageMeta;
import dev.starling.server.web.text.PostHtml;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Outcome;
import dev.starling.social.common.Page;
import dev.starling.social.common.Slice;
import dev.starling.social.posts.Post;
import dev.starling.social.relationships.AccountEntry;
import dev.starling.social.relationships.Relationship;
import dev.starling.social.relationships.Relationships;
import dev.starling.social.timelines.AccountFilter;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Profiles at {@code /@username} with tabs (posts, posts and replies, followers, following), the
 * relationship actions ({@code POST /@username/follow|unfollow|block|unblock|mute|unmute}) and the
 * follow requests of a locked account ({@code /follow_requests}, accept and reject).
 */
public final class ProfilePages implements RouteModule {
    public static final int PAGE_SIZE = 20;

    private final Web web;
    private final PostCards cards;

    public ProfilePages(Web web) {
        this.web = web;
        this.cards = new PostCards(web);
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        Relationships r = web.social().relationships();
        routes.get("/@{username}", ctx -> posts(ctx, "posts", new AccountFilter(true, false, false, null)));
        routes.get("/@{username}/with_replies", ctx -> posts(ctx, "replies", AccountFilter.NONE));
        routes.get("/@{username}/followers", ctx -> people(ctx, "followers", r::followers));
        routes.get("/@{username}/following", ctx -> people(ctx, "following", r::following));
        relationAction(routes, "follow", (me, t) -> r.follow(me, t), rel -> rel.requested() && !rel.following() ? "requested" : "followed");
        relationAction(routes, "unfollow", r::unfollow, rel -> "unfollowed");
        relationAction(routes, "block", r::block, rel -> "blocked");
        relationAction(routes, "unblock", r::unblock, rel -> "unblocked");
        relationAction(routes, "mute", (me, t) -> r.mute(me, t, true), rel -> "muted");
        relationAction(routes, "unmute", r::unmute, rel -> "unmuted");
        routes.get("/follow_requests", ctx -> {
            Account me = web.requireSignIn(ctx);
            Slice<AccountEntry> slice = r.followRequests(me.id(), Page.of(Form.queryId(ctx, "max_id"), null, null, 40));
            List<Account> people = new ArrayList<>();
            for (AccountEntry e : slice.items()) people.add(e.account());
            web.page(ctx, PageMeta.of("Follow requests", "notifications").withNotice(Notices.message(ctx.queryParam("notice"))),
                    "follow_requests.jte", Map.of("people", people));
        });
        routes.post("/follow_requests/{id}/accept", ctx -> answerRequest(ctx, true));
        routes.post("/follow_requests/{id}/reject", ctx -> answerRequest(ctx, false));
    }

    private Account account(Context ctx) {
        String username = ctx.pathParam("username");
        if (username.length() > 30) throw WebException.notFound("The account @" + username.substring(0, 30) + "…");
        return web.social().accounts().byUsername(username).orElseThrow(() -> WebException.notFound("The account @" + username));
    }

    private ProfileView head(Context ctx, Account a, String tab) {
        Long me = web.viewerId(ctx);
        Relationship rel = me == null || me == a.id() ? null : web.social().relationships().relationship(me, a.id());
        String avatar = a.avatarUrl() != null && a.avatarUrl().startsWith("/") && !a.avatarUrl().startsWith("//") ? a.avatarUrl() : PostCards.DEFAULT_AVATAR;
        return new ProfileView(a, PostHtml.render(a.note(), Set.of()), avatar, rel, me != null && me == a.id(), me != null, tab);
    }

    private void posts(Context ctx, String tab, AccountFilter filter) {
        Account a = account(ctx);
        Long me = web.viewerId(ctx);
        Long maxId = Form.queryId(ctx, "max_id");
        Slice<Post> slice = web.social().timelines().account(me, a.id(), filter, Page.of(maxId, null, null, PAGE_SIZE));
        Map<String, Object> p = new HashMap<>();
        p.put("profile", head(ctx, a, tab));
        p.put("cards", cards.cards(me, web.social().posts().views(me, slice.items())));
        p.put("people", null);
        p.put("olderUrl", slice.nextMaxId() == null || slice.items().size() < PAGE_SIZE ? null : ctx.path() + "?max_id=" + slice.nextMaxId());
        render(ctx, a, p);
    }

    private void people(Context ctx, String tab, BiFunction<Long, Page, Slice<AccountEntry>> list) {
        Account a = account(ctx);
        Slice<AccountEntry> slice = list.apply(a.id(), Page.of(Form.queryId(ctx, "max_id"), null, null, 40));
        List<Account> people = new ArrayList<>();
        for (AccountEntry e : slice.items()) people.add(e.account());
        Map<String, Object> p = new HashMap<>();
        p.put("profile", head(ctx, a, tab));
        p.put("cards", null);
        p.put("people", people);
        p.put("olderUrl", slice.nextMaxId() == null || slice.items().size() < 40 ? null : ctx.path() + "?max_id=" + slice.nextMaxId());
        render(ctx, a, p);
    }

    private void render(Context ctx, Account a, Map<String, Object> p) {
        Long me = web.viewerId(ctx);
        String nav = me != null && me == a.id() ? "profile" : null;
        web.page(ctx, PageMeta.of("@" + a.username(), nav).withNotice(Notices.message(ctx.queryParam("notice"))), "profile.jte", p);
    }

    private void relationAction(JavalinDefaultRoutingApi routes, String name, BiFunction<Long, Long, Outcome<Relationship>> act,
                                java.util.function.Function<Relationship, String> notice) {
        routes.post("/@{username}/" + name, ctx -> {
            Account me = web.requireSignIn(ctx);
            web.requireCsrf(ctx);
            Account target = account(ctx);
            Outcome<Relationship> result = act.apply(me.id(), target.id());
            if (result instanceof Outcome.Rejected<Relationship> rej) {
                String why = rej.rejection().message();
                throw new WebException(rej.rejection().kind().httpStatus(), Character.toUpperCase(why.charAt(0)) + why.substring(1) + ".");
            }
            web.seeOther(ctx, "/@" + target.username() + "?notice=" + notice.apply(result.orThrow()) + "#relationship");
        });
    }

    private void answerRequest(Context ctx, boolean accept) {
        Account me = web.requireSignIn(ctx);
        web.requireCsrf(ctx);
        long requester = Form.pathId(ctx, "id");
        Relationships r = web.social().relationships();
        Outcome<Relationship> result = accept ? r.authorize(me.id(), requester) : r.reject(me.id(), requester);
        if (result instanceof Outcome.Rejected<Relationship> rej) {
            throw new WebException(rej.rejection().kind().httpStatus(), "That follow request was not found.");
        }
        web.seeOther(ctx, "/follow_requests?notice=" + (accept ? "accepted" : "rejected"));
    }
}
