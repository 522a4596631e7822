package dev.starling.server.entities;

import com.twitter.twittertext.Extractor;
import dev.starling.social.text.TextExtractor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a post's plain text as Mastodon's status {@code content} HTML: text escaped, paragraphs
 * ({@code <p>}) at blank lines, {@code <br />} at line breaks, and links formatted as Mastodon
 * formats them: hashtags ({@code class="mention hashtag" rel="tag"}), mentions of local accounts
 * ({@code h-card} / {@code u-url mention}) and URLs (with the scheme in an {@code invisible} span).
 * Entities are found by twitter-text, as the post validation found them.
 */
public final class ContentHtml {
    private static final int URL_DISPLAY_CHARS = 30;

    private ContentHtml() {}

    /**
     * @param mentioned lower-cased usernames of the local accounts the post mentions, to their
     *                  profile URL; a {@code @name} not in the map stays plain text
     */
    public static String render(String text, String baseUrl, Map<String, String> mentioned) {
        if (text == null || text.isEmpty()) return "";
        Extractor extractor = new TextExtractor();
        List<Extractor.Entity> entities = new ArrayList<>(extractor.extractEntitiesWithIndices(text));
        entities.sort(Comparator.comparingInt(Extractor.Entity::getStart));
        StringBuilder html = new StringBuilder(text.length() + 64).append("<p>");
        int pos = 0;
        for (Extractor.Entity e : entities) {
            if (e.getStart() < pos) continue;
            String link = link(e, text, baseUrl, mentioned);
            if (link == null) continue;
            appendText(html, text.substring(pos, e.getStart()));
            html.append(link);
            pos = e.getEnd();
        }
        appendText(html, text.substring(pos));
        return html.append("</p>").toString();
    }

    private static String link(Extractor.Entity e, String text, String baseUrl, Map<String, String> mentioned) {
        String value = e.getValue();
        return switch (e.getType()) {
            case HASHTAG -> "<a href=\"" + escape(baseUrl + "/tags/" + value.toLowerCase(Locale.ROOT)) + "\" class=\"mention hashtag\" rel=\"tag\">#<span>"
                    + escape(value) + "</span></a>";
            case MENTION -> {
                String url = mentioned.get(value.toLowerCase(Locale.ROOT));
                if (url == null || e.getListSlug() != null) yield null;
                yield "<span class=\"h-card\" translate=\"no\"><a href=\"" + escape(url) + "\" class=\"u-url mention\">@<span>"
                        + escape(value) + "</span></a></span>";
            }
            case URL -> url(value);
            default -> null;
        };
    }

    private static String url(String url) {
        String href = url.matches("(?i)^https?://.*") ? url : "http://" + url;
        int schemeEnd = url.indexOf("://");
        String scheme = schemeEnd >= 0 ? url.substring(0, schemeEnd + 3) : "";
        String rest = url.substring(scheme.length());
        if (rest.startsWith("www.")) {
            scheme += "www.";
            rest = rest.substring(4);
        }
        String display = rest.length() > URL_DISPLAY_CHARS ? rest.substring(0, URL_DISPLAY_CHARS) : rest;
        String hidden = rest.substring(display.length());
        return "<a href=\"" + escape(href) + "\" target=\"_blank\" rel=\"nofollow noopener\" translate=\"no\"><span class=\"invisible\">"
                + escape(scheme) + "</span><span class=\"" + (hidden.isEmpty() ? "" : "ellipsis") + "\">" + escape(display)
                + "</span><span class=\"invisible\">" + escape(hidden) + "</span></a>";
    }

    private static void appendText(StringBuilder html, String s) {
        String normalized = s.replace("\r\n", "\n");
        for (int i = 0; i < normalized.length(); i++) {
            char c = normalized.charAt(i);
            if (c == '\n') {
                if (i + 1 < normalized.length() && normalized.charAt(i + 1) == '\n') {
                    while (i + 1 < normalized.length() && normalized.charAt(i + 1) == '\n') i++;
                    html.append("</p><p>");
                } else {
                    html.append("<br />");
                }
            } else {
                escapeChar(html, c);
            }
        }
    }

    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) escapeChar(sb, s.charAt(i));
        return sb.toString();
    }

    private static void escapeChar(StringBuilder sb, char c) {
        switch (c) {
            case '&' -> sb.append("&amp;");
            case '<' -> sb.append("&lt;");
            case '>' -> sb.append("&gt;");
            case '"' -> sb.append("&quot;");
            case '\'' -> sb.append("&#39;");
            default -> sb.append(c);
        }
    }

    /** A profile note (bio) as Mastodon renders it: escaped text with line breaks, links and hashtags. */
    public static String note(String note, String baseUrl) {
        return note == null || note.isEmpty() ? "" : render(note, baseUrl, Map.of());
    }
}
