package dev.starling.server.accounts;

import dev.starling.server.RouteModule;
import dev.starling.server.entities.MastodonJson;
import dev.starling.server.http.ApiException;
import dev.starling.server.http.Outcomes;
import dev.starling.server.http.Pages;
import dev.starling.server.http.Params;
import dev.starling.server.http.RouteSupport;
import dev.starling.server.oauth.Auth;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.Accounts;
import dev.starling.social.accounts.ProfileUpdate;
import dev.starling.social.accounts.Role;
import dev.starling.social.common.Outcome;
import dev.starling.social.common.Page;
import dev.starling.social.common.Slice;
import dev.starling.social.relationships.AccountEntry;
import dev.starling.social.relationships.Relationship;
import dev.starling.social.relationships.Relationships;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Accounts: verify_credentials, update_credentials, get, lookup, followers, following,
 * follow/unfollow, block/unblock, mute/unmute, relationships, follow requests, blocks and mutes lists.
 * (An account's statuses are served by the timelines module.)
 */
public final class AccountRoutes implements RouteModule {
    public static final int MAX_RELATIONSHIP_IDS = 100;

    private final RouteSupport support;
    private final Accounts accounts;
    private final Relationships relationships;
    private final FollowRequestCount followRequestCount;

    public AccountRoutes(RouteSupport support, Accounts accounts, Relationships relationships, FollowRequestCount followRequestCount) {
        this.support = support;
        this.accounts = accounts;
        this.relationships = relationships;
        this.followRequestCount = followRequestCount;
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get("/api/v1/accounts/verify_credentials", ctx -> {
            long me = Auth.user(ctx, "profile");
            ctx.json(credential(ctx, me));
        });
        routes.patch("/api/v1/accounts/update_credentials", this::updateCredentials);
        routes.get("/api/v1/accounts/lookup", ctx -> {
            Auth.viewer(ctx, "read:accounts");
            String acct = support.params(ctx).required("acct", 400);
            String username = acct.startsWith("@") ? acct.substring(1) : acct;
            int at = username.indexOf('@');
            if (at >= 0) {
                // Starling has local accounts only: user@<this host> is user, user@<elsewhere> is nobody here.
                String domain = username.substring(at + 1);
                String host = java.net.URI.create(support.baseUrl(ctx)).getHost();
                if (!domain.equalsIgnoreCase(host) && !domain.equalsIgnoreCase(host + ":" + java.net.URI.create(support.baseUrl(ctx)).getPort())) {
                    throw ApiException.notFound();
                }
                username = username.substring(0, at);
            }
            Account a = accounts.byUsername(username).orElseThrow(ApiException::notFound);
            ctx.json(MastodonJson.account(a, support.baseUrl(ctx)));
        });
        routes.get("/api/v1/accounts/relationships", ctx -> {
            long me = Auth.user(ctx, "read:follows");
            List<Long> ids = new ArrayList<>();
            for (String s : support.params(ctx).list("id", MAX_RELATIONSHIP_IDS)) ids.add(Params.parseId("id", s));
            List<Map<String, Object>> out = new ArrayList<>();
            for (Relationship r : relationships.relationships(me, ids)) out.add(MastodonJson.relationship(r));
            ctx.json(out);
        });
        routes.get("/api/v1/accounts/{id}", ctx -> {
            Auth.viewer(ctx, "read:accounts");
            ctx.json(MastodonJson.account(account(ctx), support.baseUrl(ctx)));
        });
        routes.get("/api/v1/accounts/{id}/followers", ctx -> list(ctx, relationships.followers(account(ctx).id(), page(ctx))));
        routes.get("/api/v1/accounts/{id}/following", ctx -> list(ctx, relationships.following(account(ctx).id(), page(ctx))));
        relationshipAction(routes, "follow", "write:follows", (me, id, ctx) -> relationships.follow(me, id));
        relationshipAction(routes, "unfollow", "write:follows", (me, id, ctx) -> relationships.unfollow(me, id));
        relationshipAction(routes, "block", "write:blocks", (me, id, ctx) -> relationships.block(me, id));
        relationshipAction(routes, "unblock", "write:blocks", (me, id, ctx) -> relationships.unblock(me, id));
        relationshipAction(routes, "mute", "write:mutes", (me, id, ctx) -> relationships.mute(me, id, support.params(ctx).bool("notifications", true)));
        relationshipAction(routes, "unmute", "write:mutes", (me, id, ctx) -> relationships.unmute(me, id));

        routes.get("/api/v1/follow_requests", ctx -> {
            long me = Auth.user(ctx, "read:follows");
            list(ctx, relationships.followRequests(me, page(ctx)));
        });
        routes.post("/api/v1/follow_requests/{id}/authorize", ctx -> {
            long me = Auth.user(ctx, "write:follows");
            ctx.json(MastodonJson.relationship(Outcomes.value(relationships.authorize(me, RouteSupport.pathId(ctx, "id")))));
        });
        routes.post("/api/v1/follow_requests/{id}/reject", ctx -> {
            long me = Auth.user(ctx, "write:follows");
            ctx.json(MastodonJson.relationship(Outcomes.value(relationships.reject(me, RouteSupport.pathId(ctx, "id")))));
        });
        routes.get("/api/v1/blocks", ctx -> list(ctx, relationships.blocks(Auth.user(ctx, "read:blocks"), page(ctx))));
        routes.get("/api/v1/mutes", ctx -> list(ctx, relationships.mutes(Auth.user(ctx, "read:mutes"), page(ctx))));
    }

    private interface RelationshipAction {
        Outcome<Relationship> apply(long me, long target, Context ctx);
    }

    private void relationshipAction(JavalinDefaultRoutingApi routes, String name, String scope, RelationshipAction action) {
        routes.post("/api/v1/accounts/{id}/" + name, ctx -> {
            long me = Auth.user(ctx, scope);
            long target = account(ctx).id();
            if (target == me) throw new ApiException(403, "This action is not allowed on your own account");
            ctx.json(MastodonJson.relationship(Outcomes.value(action.apply(me, target, ctx))));
        });
    }

    private Account account(Context ctx) {
        return accounts.byId(RouteSupport.pathId(ctx, "id")).orElseThrow(ApiException::notFound);
    }

    private Page page(Context ctx) {
        return Pages.from(support.params(ctx));
    }

    private void list(Context ctx, Slice<AccountEntry> slice) {
        List<Account> out = new ArrayList<>(slice.items().size());
        for (AccountEntry e : slice.items()) out.add(e.account());
        Pages.link(ctx, support.baseUrl(ctx), slice);
        ctx.json(MastodonJson.accounts(out, support.baseUrl(ctx)));
    }

    private Map<String, Object> credential(Context ctx, long me) {
        Account a = accounts.byId(me).orElseThrow(() -> ApiException.unauthorized("The access token is invalid"));
        Role role = accounts.role(me).orElse(Role.USER);
        return CredentialFields.add(MastodonJson.credentialAccount(a, support.baseUrl(ctx), followRequestCount.of(me)), a, role);
    }

    private void updateCredentials(Context ctx) {
        long me = Auth.user(ctx, "write:accounts");
        Params p = support.params(ctx);
        if (p.has("avatar") || p.has("header")) {
            throw Params.badParam("avatar", "uploads are not supported: set avatar_url to an image URL instead");
        }
        String avatarUrl = p.string("avatar_url", Accounts.MAX_AVATAR_URL);
        ProfileUpdate update = new ProfileUpdate(p.string("display_name", Accounts.MAX_DISPLAY_NAME), p.string("note", Accounts.MAX_NOTE),
                avatarUrl, p.boolOrNull("locked"), p.boolOrNull("bot"), CredentialFields.trainingConsent(p), CredentialFields.privacy(p));
        Outcomes.value(accounts.updateProfile(me, update));
        ctx.json(credential(ctx, me));
    }
}
