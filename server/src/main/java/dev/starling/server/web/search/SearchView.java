package dev.starling.server.web.search;

import dev.starling.social.accounts.Account;
import dev.starling.social.export.DirectorySearch;
import dev.starling.server.web.posts.PostCard;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The model of {@code search/search.jte}. {@code error} says why a query was refused (shown next to
 * the box); {@code total} is the number of matching posts (a lower bound past 10,000);
 * {@code nextOffset} is -1 when there is no further page.
 */
public record SearchView(String q, SearchTab tab, List<PostCard> posts, List<Account> people, List<DirectorySearch.Tag> hashtags,
                         String error, long total, int offset, int nextOffset, boolean available) {

    public List<SearchTab> tabs() {
        return List.of(SearchTab.values());
    }

    public boolean hasQuery() {
        return q != null && !q.isBlank();
    }

    /** The URL of this query on another tab (first page). */
    public String tabUrl(SearchTab t) {
        return "/search?q=" + enc(q) + "&tab=" + t.code();
    }

    /** Where a post action on this page returns to. */
    public String here() {
        return offset > 0 ? nextUrlFor(offset) : tabUrl(tab);
    }

    private String nextUrlFor(int o) {
        return "/search?q=" + enc(q) + "&tab=" + tab.code() + "&offset=" + o;
    }

    public String nextUrl() {
        return "/search?q=" + enc(q) + "&tab=" + tab.code() + "&offset=" + nextOffset;
    }

    public String previousUrl() {
        int prev = Math.max(0, offset - SearchPages.PAGE_SIZE);
        return "/search?q=" + enc(q) + "&tab=" + tab.code() + (prev > 0 ? "&offset=" + prev : "");
    }

    public String resultSummary() {
        return switch (tab) {
            case TOP, LATEST -> total == 0 ? "No posts match." : (total == 1 ? "1 post matches." : total + " posts match.");
            case PEOPLE -> people.isEmpty() ? "No people match." : "People matching your search.";
            case HASHTAGS -> hashtags.isEmpty() ? "No hashtags match." : "Hashtags matching your search.";
        };
    }

    public static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    public static String tagUrl(String tag) {
        return "/tags/" + URLEncoder.encode(tag, StandardCharsets.UTF_8);
    }

    public static String profileUrl(Account a) {
        return "/@" + a.username();
    }

    public static String displayName(Account a) {
        return a.displayName() == null || a.displayName().isBlank() ? a.username() : a.displayName();
    }
}
