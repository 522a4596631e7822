package dev.starling.server.web.text;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.twitter.twittertext.Extractor;
import dev.starling.social.text.TextExtractor;
import dev.starling.server.entities.ContentHtml;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A post's text as the web app shows it: every character escaped, paragraphs at blank lines,
 * {@code <br>} at line breaks, and the entities twitter-text finds linked exactly where its autolink
 * conformance suite links them: mentions ({@code @name} to {@code /@name}; {@code @name/list} to the
 * same profile, Starling has no lists), hashtags to {@code /tags/tag}, cashtags to a search for
 * {@code $TAG}, and URLs that carry a protocol to themselves ({@code rel="nofollow noopener
 * noreferrer ugc"}). One deliberate extension: twitter-text stops a mention after 20 characters,
 * Starling usernames go to 30, so a mention is extended when the longer name is one the post
 * resolved to a local account (the suite's cases resolve none).
 */
public final class PostHtml {
    /** Total characters (text + HTML) the cache holds, about 32 MiB at two bytes a char. */
    public static final long MAX_CACHE_WEIGHT_CHARS = 16L * 1024 * 1024;
    private static final int MAX_USERNAME_CHARS = 30;
    private static final int MAX_CACHED_TEXT_CHARS = 8 * 1024;

    private record Key(String text, Set<String> localMentions) {}

    private static final Cache<Key, String> CACHE = Caffeine.newBuilder()
            .maximumWeight(MAX_CACHE_WEIGHT_CHARS)
            .weigher((Key k, String html) -> k.text().length() * 2 + html.length() + 64)
            .build();

    private PostHtml() {}

    /**
     * @param localMentions lower-cased usernames the post's mentions resolved to (may be empty);
     *                      only used to extend mentions past twitter-text's 20 characters
     */
    public static String render(String text, Set<String> localMentions) {
        if (text == null || text.isEmpty()) return "";
        if (text.length() > MAX_CACHED_TEXT_CHARS) return renderUncached(text, localMentions);
        return CACHE.get(new Key(text, Set.copyOf(localMentions)), k -> renderUncached(k.text(), k.localMentions()));
    }

    static String renderUncached(String text, Set<String> localMentions) {
        Extractor extractor = new TextExtractor();
        extractor.setExtractURLWithoutProtocol(false);
        List<Extractor.Entity> entities = new ArrayList<>(extractor.extractEntitiesWithIndices(text));
        entities.sort(Comparator.comparingInt(Extractor.Entity::getStart));
        StringBuilder html = new StringBuilder(text.length() * 2 + 32).append("<p>");
        int pos = 0;
        for (Extractor.Entity e : entities) {
            if (e.getStart() < pos) continue;
            int end = e.getEnd();
            if (e.getType() == Extractor.Entity.Type.MENTION && e.getListSlug() == null) end = extendMention(text, e, localMentions);
            appendText(html, text, pos, e.getStart());
            appendLink(html, e, text.substring(e.getStart(), end), text.substring(e.getStart() + 1, end));
            pos = end;
        }
        appendText(html, text, pos, text.length());
        return html.append("</p>").toString();
    }

    private static int extendMention(String text, Extractor.Entity e, Set<String> localMentions) {
        int end = e.getEnd();
        if (localMentions.isEmpty()) return end;
        int longest = end;
        int i = end;
        while (i < text.length() && i - e.getStart() - 1 < MAX_USERNAME_CHARS && isUsernameChar(text.charAt(i))) {
            i++;
            if (localMentions.contains(text.substring(e.getStart() + 1, i).toLowerCase(Locale.ROOT))) longest = i;
        }
        return longest;
    }

    private static boolean isUsernameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static void appendLink(StringBuilder html, Extractor.Entity e, String shown, String afterSigil) {
        switch (e.getType()) {
            case MENTION -> {
                String username = e.getListSlug() == null ? afterSigil : e.getValue();
                html.append("<a href=\"/@").append(enc(username)).append("\" class=\"mention\">").append(ContentHtml.escape(shown)).append("</a>");
            }
            case HASHTAG -> html.append("<a href=\"/tags/").append(enc(e.getValue().toLowerCase(Locale.ROOT)))
                    .append("\" class=\"hashtag\" rel=\"tag\">").append(ContentHtml.escape(shown)).append("</a>");
            case CASHTAG -> html.append("<a href=\"/search?q=").append(enc("$" + e.getValue()))
                    .append("\" class=\"cashtag\">").append(ContentHtml.escape(shown)).append("</a>");
            case URL -> {
                String href = shown.regionMatches(true, 0, "http://", 0, 7) || shown.regionMatches(true, 0, "https://", 0, 8) ? shown : "http://" + shown;
                html.append("<a href=\"").append(ContentHtml.escape(href)).append("\" class=\"url\" rel=\"nofollow noopener noreferrer ugc\">")
                        .append(ContentHtml.escape(shown)).append("</a>");
            }
        }
    }

    private static void appendText(StringBuilder html, String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '\r' && i + 1 < to && text.charAt(i + 1) == '\n') continue;
            if (c == '\n') {
                if (i + 1 < to && (text.charAt(i + 1) == '\n' || (text.charAt(i + 1) == '\r' && i + 2 < to && text.charAt(i + 2) == '\n'))) {
                    while (i + 1 < to && (text.charAt(i + 1) == '\n' || text.charAt(i + 1) == '\r')) i++;
                    html.append("</p><p>");
                } else {
                    html.append("<br>");
                }
                continue;
            }
            switch (c) {
                case '&' -> html.append("&amp;");
                case '<' -> html.append("&lt;");
                case '>' -> html.append("&gt;");
                case '"' -> html.append("&quot;");
                case '\'' -> html.append("&#39;");
                default -> html.append(c);
            }
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
