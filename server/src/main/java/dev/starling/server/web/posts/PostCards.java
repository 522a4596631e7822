package dev.starling.server.web.posts;

import dev.starling.server.web.text.PostHtml;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.posts.Entities;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostView;
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
 * Turns posts that social already let the viewer see ({@link PostView}s from timelines, threads,
 * search) into {@link PostCard}s. It never loads a post itself except the usernames of the accounts
 * replied to, so nothing shown here bypasses the visibility rule of the read that produced the views.
 */
public final class PostCards {
    /** The avatar shown when an account has none or an external one (the CSP allows only this site's images). */
    public static final String DEFAULT_AVATAR = "/avatars/original/missing.png";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final Social social;
    private final java.util.function.Supplier<List<PostLink>> links;
    private final java.util.function.Supplier<List<PostMarker>> markers;

    /** Cards without extra links or marks (bot authors still get their badge). */
    public PostCards(Social social) {
        this.social = social;
        this.links = List::of;
        this.markers = List::of;
    }

    /**
     * Cards with the extra links and origin marks registered on {@code web}
     * ({@link dev.starling.server.web.Web#addPostLink}, {@link dev.starling.server.web.Web#addPostMarker}).
     */
    public PostCards(dev.starling.server.web.Web web) {
        this.social = web.social();
        this.links = web::postLinks;
        this.markers = web::postMarkers;
    }

    /** Cards for views hydrated for {@code viewerId} (null when signed out), in the same order. */
    public List<PostCard> cards(Long viewerId, List<PostView> views) {
        Set<Long> repliedTo = new HashSet<>();
        for (PostView v : views) collectReplyAuthors(v, repliedTo);
        Map<Long, String> usernames = new HashMap<>();
        if (!repliedTo.isEmpty()) {
            for (Account a : social.accounts().byIds(repliedTo)) usernames.put(a.id(), a.username());
        }
        List<PostCard> out = new ArrayList<>(views.size());
        List<PostLink> extra = links.get();
        List<PostMarker> marks = markers.get();
        for (PostView v : views) out.add(card(viewerId, v, usernames, extra, marks));
        return out;
    }

    public PostCard card(Long viewerId, PostView view) {
        return cards(viewerId, List.of(view)).getFirst();
    }

    private static void collectReplyAuthors(PostView v, Set<Long> ids) {
        PostView shown = v.reblog() != null ? v.reblog() : v;
        if (shown.post().inReplyToAccountId() != null) ids.add(shown.post().inReplyToAccountId());
        if (shown.quote() != null && shown.quote().post().inReplyToAccountId() != null) ids.add(shown.quote().post().inReplyToAccountId());
    }

    private static PostCard card(Long viewerId, PostView row, Map<Long, String> usernames, List<PostLink> extra, List<PostMarker> marks) {
        PostView shown = row.reblog() != null ? row.reblog() : row;
        String repostedBy = row.reblog() != null ? row.author().username() : null;
        PostCard quote = shown.quote() == null ? null
                : build(viewerId, shown.quote().post().id(), shown.quote(), null, null, usernames, List.of(), marks);
        return build(viewerId, row.post().id(), shown, repostedBy, quote, usernames, extra, marks);
    }

    private static String mark(Account author, Post post, List<PostMarker> marks) {
        for (PostMarker m : marks) {
            String s = m.mark(author, post);
            if (s != null && !s.isBlank()) return s;
        }
        return null;
    }

    private static PostCard build(Long viewerId, long rowId, PostView v, String repostedBy, PostCard quote, Map<Long, String> usernames,
                                  List<PostLink> extra, List<PostMarker> marks) {
        Post p = v.post();
        Account a = v.author();
        String name = a.displayName() == null || a.displayName().isBlank() ? a.username() : a.displayName();
        String avatar = a.avatarUrl() != null && a.avatarUrl().startsWith("/") && !a.avatarUrl().startsWith("//") ? a.avatarUrl() : DEFAULT_AVATAR;
        return new PostCard(rowId, p.id(), a.username(), name, avatar, PostHtml.render(p.text(), localMentions(p.entities())),
                p.spoilerText() == null || p.spoilerText().isBlank() ? null : p.spoilerText(), p.visibility().mastodonName(),
                p.createdAt(), WHEN.format(p.createdAt()), p.inReplyToId(),
                p.inReplyToAccountId() == null ? null : usernames.get(p.inReplyToAccountId()), repostedBy, quote,
                v.repliesCount(), v.reblogsCount(), v.favouritesCount(), v.favourited(), v.reblogged(), v.bookmarked(),
                viewerId != null && viewerId == a.id(), viewerId != null, false, extra, a.bot(), mark(a, p, marks));
    }

    private static Set<String> localMentions(Entities entities) {
        if (entities == null || entities.mentions().isEmpty()) return Set.of();
        Set<String> names = new HashSet<>();
        for (Entities.Mention m : entities.mentions()) names.add(m.username().toLowerCase(Locale.ROOT));
        return names;
    }
}
