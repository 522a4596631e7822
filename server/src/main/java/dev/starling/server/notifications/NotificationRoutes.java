package dev.starling.server.notifications;

import dev.starling.server.RouteModule;
import dev.starling.server.entities.MastodonJson;
import dev.starling.server.http.ApiException;
import dev.starling.server.http.Json;
import dev.starling.server.http.Outcomes;
import dev.starling.server.http.Pages;
import dev.starling.server.http.Params;
import dev.starling.server.http.RouteSupport;
import dev.starling.server.oauth.Auth;
import dev.starling.social.accounts.Account;
import dev.starling.social.accounts.Accounts;
import dev.starling.social.common.Slice;
import dev.starling.social.notifications.Notification;
import dev.starling.social.notifications.NotificationType;
import dev.starling.social.notifications.Notifications;
import dev.starling.social.posts.PostView;
import dev.starling.social.posts.Posts;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Notifications: list (types[], exclude_types[], paging), get, clear, dismiss. */
public final class NotificationRoutes implements RouteModule {
    private final RouteSupport support;
    private final Notifications notifications;
    private final Accounts accounts;
    private final Posts posts;

    public NotificationRoutes(RouteSupport support, Notifications notifications, Accounts accounts, Posts posts) {
        this.support = support;
        this.notifications = notifications;
        this.accounts = accounts;
        this.posts = posts;
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get("/api/v1/notifications", ctx -> {
            long me = Auth.user(ctx, "read:notifications");
            Params p = support.params(ctx);
            Slice<Notification> slice = notifications.list(me, Pages.from(p), types(p, "types"), types(p, "exclude_types"));
            Pages.link(ctx, support.baseUrl(ctx), slice);
            ctx.json(render(ctx, me, slice.items()));
        });
        routes.get("/api/v1/notifications/{id}", ctx -> {
            long me = Auth.user(ctx, "read:notifications");
            Notification n = notifications.get(me, RouteSupport.pathId(ctx, "id")).orElseThrow(ApiException::notFound);
            List<Map<String, Object>> out = render(ctx, me, List.of(n));
            if (out.isEmpty()) throw ApiException.notFound();
            ctx.json(out.getFirst());
        });
        routes.post("/api/v1/notifications/clear", ctx -> {
            notifications.clear(Auth.user(ctx, "write:notifications"));
            ctx.json(Map.of());
        });
        routes.post("/api/v1/notifications/{id}/dismiss", ctx -> {
            long me = Auth.user(ctx, "write:notifications");
            Outcomes.value(notifications.dismiss(me, RouteSupport.pathId(ctx, "id")));
            ctx.json(Map.of());
        });
    }

    /** Known type names (unknown ones, e.g. "poll" or "update", select nothing, as on Mastodon). */
    private static Set<NotificationType> types(Params p, String name) {
        List<String> raw = p.list(name, 20);
        if (raw.isEmpty()) return null;
        Set<NotificationType> out = EnumSet.noneOf(NotificationType.class);
        for (String s : raw) NotificationType.parse(s).ifPresent(out::add);
        if (out.isEmpty() && name.equals("types")) return Set.of(); // only unknown types asked for
        return out;
    }

    private List<Map<String, Object>> render(Context ctx, long me, List<Notification> items) {
        if (items.isEmpty()) return List.of();
        String base = support.baseUrl(ctx);
        Set<Long> accountIds = new LinkedHashSet<>();
        for (Notification n : items) accountIds.add(n.fromAccountId());
        Map<Long, Account> from = new HashMap<>();
        for (Account a : accounts.byIds(accountIds)) from.put(a.id(), a);
        List<Map<String, Object>> out = new ArrayList<>(items.size());
        for (Notification n : items) {
            Account a = from.get(n.fromAccountId());
            if (a == null) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", Long.toString(n.id()));
            m.put("type", n.type().wireName());
            m.put("created_at", Json.timestamp(n.createdAt()));
            m.put("group_key", "ungrouped-" + n.id());
            m.put("account", MastodonJson.account(a, base));
            if (n.postId() != null) {
                Optional<PostView> v = posts.view(me, n.postId());
                if (v.isEmpty()) continue; // the post became invisible: so does the notification
                m.put("status", MastodonJson.status(v.get(), base));
            }
            out.add(m);
        }
        return out;
    }
}
