package dev.starling.ai.answers;

import dev.starling.ai.prompts.QuotedPost;
import dev.starling.search.PostSearch;
import dev.starling.search.query.SearchMode;
import dev.starling.search.query.SearchResult;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.posts.Post;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the posts an answer may rest on, as the viewer: hybrid search with the viewer's visibility filter inside the
 * index query, then every hit checked once more by social's visibility rule (the one place that decides it) and read
 * from the database, the source of truth. Nothing the viewer may not see is ever returned.
 */
public final class Evidence {

    /** Most words of a question that go into the search query. */
    public static final int MAX_QUERY_WORDS = 16;
    private static final Pattern WORD = Pattern.compile("#?[\\p{L}\\p{N}_]{2,40}");
    private static final Set<String> STOPWORDS = Set.of("a", "an", "and", "are", "as", "at", "be", "been", "but", "by",
            "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "how", "i", "if", "in", "into", "is",
            "it", "its", "me", "my", "no", "not", "of", "on", "or", "our", "said", "say", "says", "should", "so", "than",
            "that", "the", "their", "them", "then", "there", "these", "they", "this", "to", "was", "we", "were", "what",
            "when", "where", "which", "who", "whom", "why", "will", "with", "would", "you", "your", "about", "any",
            "people", "think", "anyone", "anybody", "tell", "know", "some", "here", "all", "just", "like", "get");

    private final Social social;
    private final PostSearch search;

    public Evidence(Social social, PostSearch search) {
        this.social = social;
        this.search = search;
    }

    public Social social() {
        return social;
    }

    /**
     * The search query for a natural-language text: its content words (stop words dropped, at most
     * {@link #MAX_QUERY_WORDS}, hashtags kept) joined with {@code OR}; empty when nothing is left to search for.
     */
    public static Optional<String> query(String text) {
        LinkedHashSet<String> words = new LinkedHashSet<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find() && words.size() < MAX_QUERY_WORDS) {
            String w = m.group();
            if (w.startsWith("#") ? w.length() > 2 : !STOPWORDS.contains(w)) {
                words.add(w);
            }
        }
        return words.isEmpty() ? Optional.empty() : Optional.of(String.join(" OR ", words));
    }

    /**
     * Up to {@code k} posts about {@code text} that {@code viewerId} (null: anonymous) may see, best first, without
     * reposts, empty posts and the ids in {@code exclude}.
     */
    public List<Post> search(Long viewerId, String text, int k, Set<Long> exclude) {
        Optional<String> q = query(text);
        if (q.isEmpty() || k < 1) {
            return List.of();
        }
        SearchResult r = search.search(viewerId, q.get(), SearchMode.HYBRID, 0, Math.min(PostSearch.MAX_LIMIT, 2 * k + exclude.size()));
        if (!(r instanceof SearchResult.Hits hits)) {
            return List.of();
        }
        List<Post> out = new ArrayList<>();
        for (long id : hits.postIds()) {
            if (out.size() >= k) {
                break;
            }
            if (exclude.contains(id)) {
                continue;
            }
            visible(viewerId, id).filter(p -> !p.isReblog() && !p.text().isBlank()).ifPresent(out::add);
        }
        return out;
    }

    /** The post, when {@code viewerId} may see it (social's rule). */
    public Optional<Post> visible(Long viewerId, long postId) {
        return social.posts().get(viewerId, postId);
    }

    /**
     * The posts as numbered quotes ({@code [1]} first), with their authors' handles.
     *
     * @param roles the role label of each post (same size as {@code posts})
     */
    public List<QuotedPost> quote(List<Post> posts, List<String> roles, int maxChars) {
        Set<Long> authorIds = new LinkedHashSet<>();
        posts.forEach(p -> authorIds.add(p.authorId()));
        Map<Long, String> handles = new HashMap<>();
        for (Account a : social.accounts().byIds(authorIds)) {
            handles.put(a.id(), a.username());
        }
        List<QuotedPost> out = new ArrayList<>(posts.size());
        for (int i = 0; i < posts.size(); i++) {
            Post p = posts.get(i);
            String text = p.spoilerText() == null || p.spoilerText().isBlank() ? p.text() : "(content warning: "
                    + p.spoilerText() + ") " + p.text();
            out.add(new QuotedPost(i + 1, p.id(), handles.getOrDefault(p.authorId(), "unknown"), p.createdAt(), roles.get(i),
                    text).truncated(maxChars));
        }
        return out;
    }
}
