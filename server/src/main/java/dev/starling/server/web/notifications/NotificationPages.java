package dev.starling.server.web.notifications;

import dev.starling.server.RouteModule;
import dev.starling.server.web.Form;
import dev.starling.server.web.Web;
import dev.starling.server.web.posts.PostCard;
import dev.starling.server.web.posts.PostCards;
import dev.starling.server.web.shell.PageMeta;
import dev.starling.social.accounts.Account;
import dev.starling.social.common.Page;
import dev.starling.social.common.Slice;
import dev.starling.social.notifications.Notification;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostView;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code /notifications}: mentions and replies, follows, follow requests, likes and reposts, newest
 * first, paged by {@code ?max_id=}. A notification's post is shown only while the viewer may still
 * see it (read through social's visibility rule again).
 */
public final class NotificationPages implements RouteModule {
    public static final int PAGE_SIZE = 30;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final Web web;
    private final PostCards cards;

    public NotificationPages(Web web) {
        this.web = web;
        this.cards = new PostCards(web);
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get("/notifications", ctx -> {
            Account me = web.requireSignIn(ctx);
            Slice<Notification> slice = web.social().notifications().list(me.id(), Page.of(Form.queryId(ctx, "max_id"), null, null, PAGE_SIZE), Set.of(), Set.of());
            Set<Long> from = new HashSet<>();
            List<Post> posts = new ArrayList<>();
            for (Notification n : slice.items()) {
                from.add(n.fromAccountId());
                if (n.postId() != null) web.social().posts().get(me.id(), n.postId()).ifPresent(posts::add);
            }
            Map<Long, Account> accounts = new HashMap<>();
            for (Account a : web.social().accounts().byIds(from)) accounts.put(a.id(), a);
            Map<Long, PostCard> byPost = new HashMap<>();
            List<PostView> views = web.social().posts().views(me.id(), dedupe(posts));
            List<PostCard> shown = cards.cards(me.id(), views);
            for (PostCard c : shown) byPost.put(c.rowId(), c);
            List<NotificationItem> items = new ArrayList<>();
            for (Notification n : slice.items()) {
                Account a = accounts.get(n.fromAccountId());
                if (a == null) continue;
                PostCard card = n.postId() == null ? null : byPost.get(n.postId());
                if (n.postId() != null && card == null) continue; // the post is gone or no longer visible
                String name = a.displayName() == null || a.displayName().isBlank() ? a.username() : a.displayName();
                items.add(new NotificationItem(n.id(), n.type().wireName(), a.username(), name, sentence(n), WHEN.format(n.createdAt()), card));
            }
            Map<String, Object> p = new HashMap<>();
            p.put("items", items);
            p.put("olderUrl", slice.nextMaxId() == null || slice.items().size() < PAGE_SIZE ? null : "/notifications?max_id=" + slice.nextMaxId());
            web.page(ctx, PageMeta.of("Notifications", "notifications"), "notifications.jte", p);
        });
    }

    private static List<Post> dedupe(List<Post> posts) {
        Set<Long> seen = new HashSet<>();
        List<Post> out = new ArrayList<>();
        for (Post p : posts) if (seen.add(p.id())) out.add(p);
        return out;
    }

    private static String sentence(Notification n) {
        return switch (n.type()) {
            case MENTION -> "mentioned you";
            case FOLLOW -> "followed you";
            case FOLLOW_REQUEST -> "asked to follow you";
            case FAVOURITE -> "liked your post";
            case REBLOG -> "reposted your post";
        };
    }
}
