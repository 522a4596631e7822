package dev.starling.server.entities;

import dev.starling.server.http.Json;
import dev.starling.social.accounts.Account;
import dev.starling.social.posts.Entities;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostView;
import dev.starling.social.relationships.Relationship;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Mastodon's JSON entities (Account, CredentialAccount, Status, Relationship, Context) from the
 * social domain's records: ids as strings, timestamps ISO-8601 UTC with milliseconds, content as
 * HTML. Every field a Mastodon client reads is present, with Mastodon's value for features
 * Starling does not have (no media, no emojis, no polls, no cards).
 */
public final class MastodonJson {
    private MastodonJson() {}

    public static String accountUrl(String baseUrl, Account a) {
        return baseUrl + "/@" + a.username();
    }

    public static Map<String, Object> account(Account a, String baseUrl) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", Long.toString(a.id()));
        m.put("username", a.username());
        m.put("acct", a.username());
        m.put("display_name", a.displayName() == null ? "" : a.displayName());
        m.put("locked", a.locked());
        m.put("bot", a.bot());
        m.put("discoverable", true);
        m.put("indexable", true);
        m.put("group", false);
        m.put("created_at", Json.timestamp(a.createdAt()));
        m.put("note", RenderedHtmlCache.note(a.note(), baseUrl));
        m.put("url", accountUrl(baseUrl, a));
        m.put("uri", baseUrl + "/users/" + a.username());
        String avatar = a.avatarUrl() == null || a.avatarUrl().isEmpty() ? baseUrl + "/avatars/original/missing.png" : a.avatarUrl();
        m.put("avatar", avatar);
        m.put("avatar_static", avatar);
        m.put("header", baseUrl + "/headers/original/missing.png");
        m.put("header_static", baseUrl + "/headers/original/missing.png");
        m.put("followers_count", a.followersCount());
        m.put("following_count", a.followingCount());
        m.put("statuses_count", a.statusesCount());
        m.put("last_status_at", Json.date(a.lastStatusAt()));
        m.put("hide_collections", false);
        m.put("noindex", false);
        m.put("emojis", List.of());
        m.put("roles", List.of());
        m.put("fields", List.of());
        return m;
    }

    /** The account as its owner sees it (verify_credentials, update_credentials): adds {@code source}. */
    public static Map<String, Object> credentialAccount(Account a, String baseUrl, long followRequestsCount) {
        Map<String, Object> m = account(a, baseUrl);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("privacy", "public");
        source.put("sensitive", false);
        source.put("language", null);
        source.put("note", a.note() == null ? "" : a.note());
        source.put("fields", List.of());
        source.put("follow_requests_count", followRequestsCount);
        source.put("hide_collections", false);
        source.put("discoverable", true);
        source.put("indexable", true);
        source.put("attribution_domains", List.of());
        m.put("source", source);
        Map<String, Object> role = new LinkedHashMap<>();
        role.put("id", "-99");
        role.put("name", "");
        role.put("permissions", "0");
        role.put("color", "");
        role.put("highlighted", false);
        m.put("role", role);
        return m;
    }

    public static Map<String, Object> status(PostView v, String baseUrl) {
        Post p = v.post();
        Map<String, Object> m = new LinkedHashMap<>();
        String id = Long.toString(p.id());
        m.put("id", id);
        m.put("created_at", Json.timestamp(p.createdAt()));
        m.put("in_reply_to_id", p.inReplyToId() == null ? null : Long.toString(p.inReplyToId()));
        m.put("in_reply_to_account_id", p.inReplyToAccountId() == null ? null : Long.toString(p.inReplyToAccountId()));
        m.put("sensitive", p.sensitive());
        m.put("spoiler_text", p.spoilerText() == null ? "" : p.spoilerText());
        m.put("visibility", p.visibility().mastodonName());
        m.put("language", p.language());
        m.put("uri", baseUrl + "/users/" + v.author().username() + "/statuses/" + id);
        m.put("url", accountUrl(baseUrl, v.author()) + "/" + id);
        m.put("replies_count", v.repliesCount());
        m.put("reblogs_count", v.reblogsCount());
        m.put("favourites_count", v.favouritesCount());
        m.put("quotes_count", 0);
        m.put("edited_at", Json.timestamp(p.editedAt()));
        m.put("favourited", v.favourited());
        m.put("reblogged", v.reblogged());
        m.put("muted", false);
        m.put("bookmarked", v.bookmarked());
        m.put("pinned", false);
        Entities e = p.entities() == null ? Entities.NONE : p.entities();
        Map<String, String> mentionUrls = new HashMap<>();
        List<Map<String, Object>> mentions = new ArrayList<>();
        for (Entities.Mention mention : e.mentions()) {
            String url = baseUrl + "/@" + mention.username();
            mentionUrls.put(mention.username().toLowerCase(Locale.ROOT), url);
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("id", Long.toString(mention.accountId()));
            mm.put("username", mention.username());
            mm.put("url", url);
            mm.put("acct", mention.username());
            mentions.add(mm);
        }
        m.put("content", v.reblog() != null ? "" : RenderedHtmlCache.render(p.text(), baseUrl, mentionUrls));
        m.put("filtered", List.of());
        m.put("reblog", v.reblog() == null ? null : status(v.reblog(), baseUrl));
        m.put("application", null);
        m.put("account", account(v.author(), baseUrl));
        m.put("media_attachments", List.of());
        m.put("mentions", mentions);
        List<Map<String, Object>> tags = new ArrayList<>();
        for (String tag : e.hashtags()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", tag.toLowerCase(Locale.ROOT));
            t.put("url", baseUrl + "/tags/" + tag.toLowerCase(Locale.ROOT));
            tags.add(t);
        }
        m.put("tags", tags);
        m.put("emojis", List.of());
        m.put("quote", quote(v, baseUrl));
        m.put("card", null);
        m.put("poll", null);
        return m;
    }

    /** Mastodon 4.5's quote field: null when not a quote, else its state and the quoted status when visible. */
    private static Map<String, Object> quote(PostView v, String baseUrl) {
        if (v.post().quoteOfId() == null) return null;
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("state", v.quote() == null ? "unauthorized" : "accepted");
        q.put("quoted_status", v.quote() == null ? null : status(v.quote(), baseUrl));
        return q;
    }

    /** A deleted status as DELETE /api/v1/statuses/:id returns it: with its source {@code text}. */
    public static Map<String, Object> deletedStatus(PostView v, String baseUrl) {
        Map<String, Object> m = status(v, baseUrl);
        m.put("text", v.post().text());
        return m;
    }

    public static Map<String, Object> relationship(Relationship r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", Long.toString(r.targetId()));
        m.put("following", r.following());
        m.put("showing_reblogs", r.following());
        m.put("notifying", false);
        m.put("languages", null);
        m.put("followed_by", r.followedBy());
        m.put("blocking", r.blocking());
        m.put("blocked_by", r.blockedBy());
        m.put("muting", r.muting());
        m.put("muting_notifications", r.mutingNotifications());
        m.put("requested", r.requested());
        m.put("requested_by", r.requestedBy());
        m.put("domain_blocking", false);
        m.put("endorsed", false);
        m.put("note", "");
        return m;
    }

    public static List<Map<String, Object>> statuses(List<PostView> views, String baseUrl) {
        List<Map<String, Object>> out = new ArrayList<>(views.size());
        for (PostView v : views) out.add(status(v, baseUrl));
        return out;
    }

    public static List<Map<String, Object>> accounts(List<Account> accounts, String baseUrl) {
        List<Map<String, Object>> out = new ArrayList<>(accounts.size());
        for (Account a : accounts) out.add(account(a, baseUrl));
        return out;
    }
}
