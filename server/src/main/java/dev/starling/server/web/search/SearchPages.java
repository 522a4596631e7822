package dev.starling.server.web.search;

import dev.starling.search.PostSearch;
import dev.starling.search.query.SearchMode;
import dev.starling.search.query.SearchResult;
import dev.starling.server.RouteModule;
import dev.starling.server.web.Web;
import dev.starling.server.web.WebException;
import dev.starling.server.web.WebFeature;
import dev.starling.server.web.posts.PostCards;
import dev.starling.server.web.shell.PageMeta;
import dev.starling.social.accounts.Account;
import dev.starling.social.export.DirectorySearch;
import dev.starling.social.posts.Post;
import dev.starling.social.posts.PostView;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Search in the web app: {@code GET /search?q=&tab=top|latest|people|hashtags&offset=} renders the
 * page (query box, operator help, tabs, results, paging) and {@code GET /search/suggest?q=} a
 * fragment of up to {@value #SUGGESTIONS} people and hashtags for the typeahead module
 * ({@code static/search/typeahead.js}). Posts come from the index searched as the viewer (the
 * visibility filter is inside the index query, {@link PostSearch}); each hit is loaded again through
 * social's visibility rule before it is shown, in case the index lags a change. Top ranks as the
 * API's default does (hybrid: BM25 with recency and engagement, fused with embedding similarity when
 * the index has embeddings, else BM25 alone); Latest is newest first. Without a search
 * index ({@code search} null) the page says search is not available instead of showing nothing.
 */
public final class SearchPages implements WebFeature {
    /** The page's stylesheet (static/search/search.css), linked from the page body. */
    static final String STYLES = "search/search.css";
    public static final int PAGE_SIZE = 20;
    public static final int SUGGESTIONS = 5;
    public static final int MAX_QUERY_CHARS = 512;
    static final int MAX_OFFSET = 1000;

    private final PostSearch search;

    /** @param search the post index searcher of {@code starling serve}'s search wiring, or null when there is none */
    public SearchPages(PostSearch search) {
        this.search = search;
    }

    @Override
    public RouteModule routes(Web web) {
        DirectorySearch directory = new DirectorySearch(web.social().database());
        return new Routes(web, search, directory, new PostCards(web));
    }

    private record Routes(Web web, PostSearch search, DirectorySearch directory, PostCards cards) implements RouteModule {
        @Override
        public void register(JavalinDefaultRoutingApi routes) {
            routes.get("/search", this::page);
            routes.get("/search/suggest", this::suggest);
        }

        private void page(Context ctx) {
            String q = query(ctx);
            SearchTab tab = SearchTab.parse(ctx.queryParam("tab"));
            if (tab == null) throw new WebException(400, "Unknown search tab \"" + shorten(ctx.queryParam("tab")) + "\": use top, latest, people or hashtags.");
            int offset = offset(ctx);
            Long viewer = web.viewerId(ctx);
            SearchView view;
            int status = 200;
            if (q.isBlank()) {
                view = new SearchView("", tab, List.of(), List.of(), List.of(), null, 0, 0, -1, search != null);
            } else if (tab.posts()) {
                if (search == null) {
                    view = new SearchView(q, tab, List.of(), List.of(), List.of(), null, 0, offset, -1, false);
                } else {
                    SearchResult r = search.search(viewer, q, tab == SearchTab.LATEST ? SearchMode.LATEST : SearchMode.HYBRID, offset, PAGE_SIZE);
                    if (r instanceof SearchResult.Invalid inv) {
                        status = 422;
                        view = new SearchView(q, tab, List.of(), List.of(), List.of(), "This search cannot be run: " + inv.message() + ".", 0, offset, -1, true);
                    } else {
                        SearchResult.Hits hits = (SearchResult.Hits) r;
                        List<Post> shown = new ArrayList<>();
                        for (long id : hits.postIds()) web.social().posts().get(viewer, id).ifPresent(shown::add);
                        List<PostView> views = web.social().posts().views(viewer, shown);
                        boolean more = offset + PAGE_SIZE < hits.total() && offset + PAGE_SIZE <= MAX_OFFSET && hits.postIds().size() == PAGE_SIZE;
                        List<Account> people = offset == 0 && plainWord(q) ? directory.accounts(q, viewer, false, 0, 3) : List.of();
                        List<DirectorySearch.Tag> tags = offset == 0 && plainWord(q) ? directory.hashtags(q, 0, 3) : List.of();
                        view = new SearchView(q, tab, cards.cards(viewer, views), people, tags, null, hits.total(), offset, more ? offset + PAGE_SIZE : -1, true);
                    }
                }
            } else if (q.strip().length() > DirectorySearch.MAX_TEXT_CHARS) {
                status = 422;
                view = new SearchView(q, tab, List.of(), List.of(), List.of(),
                        "People and hashtag search takes at most " + DirectorySearch.MAX_TEXT_CHARS + " characters.", 0, offset, -1, true);
            } else if (tab == SearchTab.PEOPLE) {
                List<Account> people = directory.accounts(q, viewer, false, offset, PAGE_SIZE + 1);
                boolean more = people.size() > PAGE_SIZE;
                view = new SearchView(q, tab, List.of(), more ? people.subList(0, PAGE_SIZE) : people, List.of(), null, 0, offset,
                        more ? offset + PAGE_SIZE : -1, true);
            } else {
                List<DirectorySearch.Tag> tags = directory.hashtags(q, offset, PAGE_SIZE + 1);
                boolean more = tags.size() > PAGE_SIZE;
                view = new SearchView(q, tab, List.of(), List.of(), more ? tags.subList(0, PAGE_SIZE) : tags, null, 0, offset,
                        more ? offset + PAGE_SIZE : -1, true);
            }
            Map<String, Object> p = new HashMap<>();
            p.put("view", view);
            p.put("styles", web.assets().url(STYLES));
            String title = q.isBlank() ? "Search" : "Search: " + shorten(q);
            web.page(ctx, status, PageMeta.of(title, "search").withModules("search/typeahead.js"), "search/search.jte", p);
        }

        private void suggest(Context ctx) {
            String q = query(ctx).strip();
            List<Account> people = List.of();
            List<DirectorySearch.Tag> tags = List.of();
            if (!q.isEmpty() && q.length() <= DirectorySearch.MAX_TEXT_CHARS) {
                Long viewer = web.viewerId(ctx);
                if (!q.startsWith("#")) people = directory.accounts(q, viewer, false, 0, SUGGESTIONS);
                if (!q.startsWith("@")) tags = directory.hashtags(q, 0, SUGGESTIONS);
            }
            Map<String, Object> p = new HashMap<>();
            p.put("q", q);
            p.put("people", people);
            p.put("hashtags", tags);
            web.fragment(ctx, "search/suggestions.jte", p);
        }

        private static String query(Context ctx) {
            String q = ctx.queryParam("q");
            if (q == null) return "";
            if (q.length() > MAX_QUERY_CHARS) {
                throw new WebException(422, "The search is " + q.length() + " characters long; at most " + MAX_QUERY_CHARS + " are allowed.");
            }
            return q;
        }

        private static int offset(Context ctx) {
            String s = ctx.queryParam("offset");
            if (s == null || s.isBlank()) return 0;
            if (s.length() > 6 || !s.chars().allMatch(Character::isDigit)) throw new WebException(400, "The offset must be a number, got \"" + shorten(s) + "\".");
            int o = Integer.parseInt(s);
            if (o > MAX_OFFSET) throw new WebException(400, "Results go at most " + MAX_OFFSET + " deep; refine the search instead.");
            return o;
        }

        /** One word without operator syntax: worth matching against people and hashtags too. */
        private static boolean plainWord(String q) {
            String s = q.strip();
            return !s.isEmpty() && s.length() <= 30 && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '#' || c == '@');
        }

        private static String shorten(String s) {
            if (s == null) return "";
            return s.length() > 60 ? s.substring(0, 60) + "…" : s;
        }
    }
}
