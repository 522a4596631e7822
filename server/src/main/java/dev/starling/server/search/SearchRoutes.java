package dev.starling.server.search;

import dev.starling.search.PostSearch;
import dev.starling.search.query.SearchMode;
import dev.starling.search.query.SearchResult;
import dev.starling.search.tags.HashtagHistory;
import dev.starling.server.RouteModule;
import dev.starling.server.entities.MastodonJson;
import dev.starling.server.http.ApiException;
import dev.starling.server.http.Params;
import dev.starling.server.http.RouteSupport;
import dev.starling.server.oauth.Auth;
import dev.starling.social.Social;
import dev.starling.social.export.DirectorySearch;
import dev.starling.social.posts.Post;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Mastodon's {@code GET /api/v2/search}: {@code q} (required), {@code type} (accounts, hashtags,
 * statuses; all three when absent), {@code limit} (1..40, default 20), {@code offset},
 * {@code resolve} (accepted; there is no federation to resolve against), {@code following},
 * {@code account_id}; plus Starling's {@code order} (top, latest, hybrid; default hybrid, which
 * is top when no embedder is configured). Statuses come from the index with the viewer's
 * visibility filter inside the query (X-style operators in {@code q}); each is checked once more
 * against social's rule before it is shown, in case the index lags a change by a moment.
 * Accounts and hashtags match by prefix (typeahead); each hashtag carries Mastodon's
 * {@code history} (uses and accounts per UTC day for the last 7 days, newest first, public posts). A malformed status query answers 422 with
 * what was wrong when {@code type=statuses}, and an empty statuses list otherwise.
 */
public final class SearchRoutes implements RouteModule {

    public static final int MAX_LIMIT = 40;
    public static final int MAX_QUERY_CHARS = 512;

    private final RouteSupport support;
    private final Social social;
    private final PostSearch search;
    private final DirectorySearch directory;
    private final HashtagHistory history;

    public SearchRoutes(RouteSupport support, Social social, PostSearch search) {
        this.support = support;
        this.social = social;
        this.search = search;
        this.directory = new DirectorySearch(social.database());
        this.history = new HashtagHistory(social.database());
    }

    @Override
    public void register(JavalinDefaultRoutingApi routes) {
        routes.get("/api/v2/search", ctx -> {
            Long viewer = Auth.viewer(ctx, "read:search");
            Params p = support.params(ctx);
            String q = p.required("q", MAX_QUERY_CHARS);
            String type = p.string("type", 20);
            if (type != null && !type.isEmpty() && !List.of("accounts", "hashtags", "statuses").contains(type)) {
                throw Params.badParam("type", "must be accounts, hashtags or statuses, got '" + type + "'");
            }
            int limit = p.intInRange("limit", 20, 1, MAX_LIMIT);
            int offset = p.intInRange("offset", 0, 0, PostSearch.MAX_OFFSET);
            p.bool("resolve", false);
            p.bool("exclude_unreviewed", false);
            boolean following = p.bool("following", false);
            Long accountId = p.id("account_id");
            SearchMode mode = switch (Optional.ofNullable(p.string("order", 20)).orElse("hybrid").toLowerCase(Locale.ROOT)) {
                case "top" -> SearchMode.TOP;
                case "latest" -> SearchMode.LATEST;
                case "hybrid" -> SearchMode.HYBRID;
                default -> throw Params.badParam("order", "must be top, latest or hybrid");
            };
            if (following && viewer == null) {
                throw ApiException.unauthorized("The access token is invalid");
            }
            boolean all = type == null || type.isEmpty();
            String base = support.baseUrl(ctx);
            Map<String, Object> json = new LinkedHashMap<>();
            boolean directoryText = q.strip().length() <= DirectorySearch.MAX_TEXT_CHARS;
            json.put("accounts", (all || type.equals("accounts")) && directoryText
                    ? MastodonJson.accounts(directory.accounts(q, viewer, following, offset, limit), base) : List.of());
            json.put("statuses", all || type.equals("statuses") ? statuses(viewer, q, mode, offset, limit, accountId, following, !all, base) : List.of());
            json.put("hashtags", (all || type.equals("hashtags")) && directoryText ? hashtags(q, offset, limit, base) : List.of());
            ctx.json(json);
        });
    }

    private List<Map<String, Object>> statuses(Long viewer, String q, SearchMode mode, int offset, int limit, Long accountId, boolean following,
                                               boolean strict, String base) {
        SearchResult r = search.search(viewer, q, mode, offset, limit, accountId, following);
        if (r instanceof SearchResult.Invalid inv) {
            if (strict) {
                throw ApiException.unprocessable("Invalid search query: " + inv.message());
            }
            return List.of();
        }
        List<Post> shown = new ArrayList<>();
        for (long id : ((SearchResult.Hits) r).postIds()) {
            social.posts().get(viewer, id).ifPresent(shown::add);
        }
        return MastodonJson.statuses(social.posts().views(viewer, shown), base);
    }

    private List<Map<String, Object>> hashtags(String q, int offset, int limit, String base) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<DirectorySearch.Tag> tags = directory.hashtags(q, offset, limit);
        Map<String, List<HashtagHistory.Day>> days = history.history(tags.stream().map(DirectorySearch.Tag::name).toList(), Instant.now());
        for (DirectorySearch.Tag t : tags) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("url", base + "/tags/" + t.name());
            m.put("history", days.getOrDefault(t.name(), List.of()).stream().map(HashtagHistory.Day::toJson).toList());
            m.put("following", false);
            out.add(m);
        }
        return out;
    }
}
