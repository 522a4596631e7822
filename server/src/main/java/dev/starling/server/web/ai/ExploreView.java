package dev.starling.server.web.ai;

import dev.starling.ai.trends.TrendItem;
import dev.starling.server.web.posts.PostCard;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The model of {@code ai/explore.jte}: trending hashtags, links and phrases, and the trend stories.
 * {@code unavailable} says why there are no trends at all (the server runs without them), else null.
 */
public record ExploreView(List<TrendItem> tags, List<TrendItem> links, List<TrendItem> phrases, List<Story> stories, String unavailable) {

    /**
     * One story. With model-written text, {@code headline} and {@code summary} (its {@code [n]} cut into
     * {@code summaryParts}, citations linking to {@code cited}) and who wrote it; without, {@code reason}
     * says why, and the story shows its trending terms and representative posts.
     */
    public record Story(long id, List<String> terms, String headline, List<AnswerView.Segment> summaryParts, String reason, String modelId,
                        String prompt, List<PostCard> cited) {
        public boolean generated() {
            return headline != null;
        }
    }

    public static String tagHref(String tag) {
        return "/tags/" + URLEncoder.encode(tag, StandardCharsets.UTF_8);
    }

    public static String phraseHref(String phrase) {
        return "/search?q=" + URLEncoder.encode("\"" + phrase + "\"", StandardCharsets.UTF_8);
    }

    /** Links are shown as text with their host; only http(s) links are linked at all. */
    public static boolean safeLink(String url) {
        return url != null && (url.startsWith("https://") || url.startsWith("http://"));
    }

    public static String people(TrendItem item) {
        return item.accounts() == 1 ? "1 person" : item.accounts() + " people";
    }
}
