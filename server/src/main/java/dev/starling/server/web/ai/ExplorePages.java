package dev.starling.server.web.ai;

import dev.starling.ai.trends.TrendKind;
import dev.starling.ai.trends.TrendLists;
import dev.starling.ai.trends.TrendStories;
import dev.starling.ai.trends.TrendStory;
import dev.starling.server.RouteModule;
import dev.starling.server.web.Web;
import dev.starling.server.web.WebFeature;
import dev.starling.server.web.posts.PostCard;
import dev.starling.server.web.posts.PostCards;
import dev.starling.server.web.shell.PageMeta;
import dev.starling.social.posts.PostView;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Explore ({@code GET /explore}): trending hashtags, links and phrases, and trend stories whose
 * headline and summary the model wrote from public posts, marked AI-generated with the model and
 * prompt, each {@code [n]} opening the post it cites and the cited posts shown below. Stories without
 * text say why (no model yet, pending, withheld). Every post shown is loaded as the viewer, so a post
 * that stopped being visible is left out. Without trends on the server ({@code lists} null) the page
 * says so.
 */
public final class ExplorePages implements WebFeature {
    static final int ITEMS = 10;
    static final int STORIES = 10;
    private static final Pattern CITATION = Pattern.compile("\\[(\\d{1,3})\\]");

    private final TrendLists lists;
    private final TrendStories stories;

    /** @param lists the trend lists of serve's trends service, or null; @param stories its stories, or null */
    public ExplorePages(TrendLists lists, TrendStories stories) {
        this.lists = lists;
        this.stories = stories;
    }

    @Override
    public RouteModule routes(Web web) {
        PostCards cards = new PostCards(web);
        return routes -> routes.get("/explore", ctx -> web.page(ctx, PageMeta.of("Explore", "explore"), "ai/explore.jte",
                Map.of("view", view(web, cards, ctx), "styles", web.assets().url(AiPages.STYLES))));
    }

    private ExploreView view(Web web, PostCards cards, Context ctx) {
        if (lists == null) {
            return new ExploreView(List.of(), List.of(), List.of(), List.of(), "Trends are not available on this server.");
        }
        Long viewer = web.viewerId(ctx);
        List<ExploreView.Story> out = new ArrayList<>();
        if (stories != null) {
            for (TrendStory s : stories.list(0, STORIES)) out.add(story(web, cards, viewer, s));
        }
        return new ExploreView(lists.items(TrendKind.TAG, 0, ITEMS), lists.items(TrendKind.LINK, 0, ITEMS),
                lists.items(TrendKind.PHRASE, 0, ITEMS), out, null);
    }

    static ExploreView.Story story(Web web, PostCards cards, Long viewer, TrendStory s) {
        List<String> terms = new ArrayList<>();
        for (TrendStory.Item i : s.items()) terms.add(i.kind() == TrendKind.TAG ? "#" + i.term() : i.term());
        List<Long> postIds = s.generated() ? s.citedPostIds() : s.postIds();
        List<PostView> views = new ArrayList<>();
        List<Long> visible = new ArrayList<>();
        for (long id : postIds) {
            web.social().posts().view(viewer, id).ifPresent(v -> {
                views.add(v);
                visible.add(id);
            });
        }
        List<PostCard> shown = cards.cards(viewer, views);
        if (!s.generated()) {
            return new ExploreView.Story(s.id(), terms, null, List.of(), s.reason(), null, null, shown);
        }
        List<AnswerView.Segment> parts = new ArrayList<>();
        Matcher m = CITATION.matcher(s.summary());
        int pos = 0;
        while (m.find()) {
            int n = Integer.parseInt(m.group(1));
            if (n < 1 || n > s.citedPostIds().size() || !visible.contains(s.citedPostIds().get(n - 1))) continue;
            if (m.start() > pos) parts.add(new AnswerView.Segment(s.summary().substring(pos, m.start()), null));
            parts.add(new AnswerView.Segment(m.group(), AnswerRunner.postHref(s.citedPostIds().get(n - 1))));
            pos = m.end();
        }
        if (pos < s.summary().length()) parts.add(new AnswerView.Segment(s.summary().substring(pos), null));
        String prompt = s.promptName() == null ? null : s.promptName() + " v" + s.promptVersion();
        return new ExploreView.Story(s.id(), terms, s.headline(), parts, null, s.modelId(), prompt, shown);
    }
}
