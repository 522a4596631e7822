package dev.starling.ai.assistant;

import dev.starling.search.PostSearch;
import dev.starling.search.query.SearchMode;
import dev.starling.search.query.SearchResult;
import dev.starling.social.Social;
import dev.starling.social.accounts.Account;
import dev.starling.social.posts.Post;
import dev.starling.social.timelines.Context;
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
 * What the assistant may read to answer a mention: the thread above it and related posts from search, both
 * retrieved AS the reply's least privileged reader ({@link Audience#retrievalViewerId()}: anonymous for a public
 * reply, the mentioner for a direct one) and then checked post by post against the whole {@link Audience}.
 */
final class GroundingRetriever {

    /** What the prompt will quote; {@code handles} maps author ids to usernames. */
    record Grounding(List<Post> thread, List<Post> related, Map<Long, String> handles) {
        Grounding {
            thread = List.copyOf(thread);
            related = List.copyOf(related);
            handles = Map.copyOf(handles);
        }
    }

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]{3,40}");
    private static final Pattern NOT_WORDS = Pattern.compile("[@\uFF20][\\p{L}\\p{N}_]+|\\S+://\\S+");
    private static final int MAX_QUERY_WORDS = 12;

    private final Social social;
    private final PostSearch search;
    private final AssistantConfig config;

    /** {@code search} may be null: the thread alone grounds the reply. */
    GroundingRetriever(Social social, PostSearch search, AssistantConfig config) {
        this.social = social;
        this.search = search;
        this.config = config;
    }

    Grounding retrieve(Post mention, Audience audience) {
        Long viewer = audience.retrievalViewerId();
        List<Post> thread = new ArrayList<>();
        if (config.threadPosts() > 0 && mention.isReply()) {
            Optional<Context> ctx = social.timelines().context(viewer, mention.id());
            if (ctx.isPresent()) {
                for (Post p : ctx.get().ancestors()) {
                    if (audience.allows(p)) {
                        thread.add(p);
                    }
                }
            }
            if (thread.size() > config.threadPosts()) {
                thread = new ArrayList<>(thread.subList(thread.size() - config.threadPosts(), thread.size()));
            }
        }
        List<Post> related = new ArrayList<>();
        String query = searchQuery(mention.text());
        if (search != null && config.searchPosts() > 0 && !query.isEmpty()) {
            SearchResult r = search.search(viewer, query, SearchMode.HYBRID, 0, Math.min(PostSearch.MAX_LIMIT, config.searchPosts() * 4));
            if (r instanceof SearchResult.Hits hits) {
                Set<Long> seen = new LinkedHashSet<>();
                seen.add(mention.id());
                thread.forEach(p -> seen.add(p.id()));
                for (long id : hits.postIds()) {
                    if (related.size() >= config.searchPosts()) {
                        break;
                    }
                    if (!seen.add(id)) {
                        continue;
                    }
                    // the index said visible; the database and the audience rule must agree
                    social.posts().get(viewer, id).filter(audience::allows).ifPresent(related::add);
                }
            }
        }
        Set<Long> authors = new LinkedHashSet<>();
        authors.add(mention.authorId());
        thread.forEach(p -> authors.add(p.authorId()));
        related.forEach(p -> authors.add(p.authorId()));
        Map<Long, String> handles = new HashMap<>();
        for (Account a : social.accounts().byIds(authors)) {
            handles.put(a.id(), a.username());
        }
        return new Grounding(thread, related, handles);
    }

    /** The mention's words (no @mentions, links or operators) as an any-word query. */
    static String searchQuery(String text) {
        String t = NOT_WORDS.matcher(text).replaceAll(" ");
        Set<String> words = new LinkedHashSet<>();
        Matcher m = WORD.matcher(t);
        while (m.find() && words.size() < MAX_QUERY_WORDS) {
            String w = m.group().toLowerCase(Locale.ROOT);
            if (!w.equals("or")) {
                words.add(w);
            }
        }
        return String.join(" OR ", words);
    }
}
