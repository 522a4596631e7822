package dev.starling.ai.trends;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a model's story answer ({@code Headline: ...} then {@code Summary: ...}, as the {@code trend-story} prompt
 * asks) into plain text: links and markup are removed (a story never links elsewhere), citation markers {@code [n]}
 * outside 1..{@code posts} are removed, the headline is cut to {@link #MAX_HEADLINE_CHARS} and the summary to
 * {@link #MAX_SUMMARY_CHARS}. A model that ignores the labels still gets its first line read as the headline.
 */
public final class StoryText {

    public static final int MAX_HEADLINE_CHARS = 140;
    public static final int MAX_SUMMARY_CHARS = 800;
    private static final Pattern LINK = Pattern.compile("(?i)\\b(?:https?://|www\\.)\\S+");
    private static final Pattern MARKUP = Pattern.compile("<[^>]{0,200}>|[<>]");
    private static final Pattern CITE = Pattern.compile("\\[(\\d{1,3})]");
    private static final Pattern HEADLINE = Pattern.compile("(?i)^\\W{0,4}headline\\W{0,4}:\\s*");
    /** A list marker a small model puts before its headline ("- ", "* ", "1. "). */
    private static final Pattern LIST_MARKER = Pattern.compile("^(?:[-*\u2022\u2013\u2014]+|\\d{1,2}[.)])\\s+");
    /** The end of a first sentence: at least 12 characters in, a full stop (or ! ?) or a citation marker, then a space. */
    private static final Pattern FIRST_SENTENCE_END = Pattern.compile("(?<=.{12})(?:[.!?]|\\[\\d{1,3}])(?=\\s)");
    private static final Pattern SUMMARY = Pattern.compile("(?i)^\\W{0,4}summary\\W{0,4}:\\s*");

    /** A parsed story text: headline, summary and the post numbers it cites, in order of first citation. */
    public record Parsed(String headline, String summary, List<Integer> cited) {
    }

    private StoryText() {
    }

    public static Parsed parse(String modelText, int posts) {
        String clean = MARKUP.matcher(LINK.matcher(modelText == null ? "" : modelText).replaceAll("")).replaceAll("");
        List<String> lines = new ArrayList<>();
        for (String l : clean.split("\\R")) {
            if (!l.isBlank()) {
                lines.add(l.strip());
            }
        }
        String headline = "";
        StringBuilder summary = new StringBuilder();
        int i = 0;
        for (; i < lines.size(); i++) {
            Matcher h = HEADLINE.matcher(lines.get(i));
            if (h.find()) {
                headline = lines.get(i).substring(h.end());
                i++;
                break;
            }
        }
        if (headline.isEmpty() && !lines.isEmpty()) {
            headline = lines.getFirst();
            i = 1;
            // one line of several cited sentences (a small model that ignores the labels): its first sentence is the
            // headline, and the whole line, citations and all, the summary
            Matcher end = FIRST_SENTENCE_END.matcher(headline);
            if (end.find() && end.end() < headline.length() && CITE.matcher(headline).find()) {
                summary.append(headline);
                headline = headline.substring(0, end.group().length() == 1 ? end.end() : end.start()).strip();
            }
        }
        for (; i < lines.size(); i++) {
            String l = SUMMARY.matcher(lines.get(i)).replaceFirst("");
            if (!l.isEmpty()) {
                summary.append(summary.isEmpty() ? "" : " ").append(l);
            }
        }
        Set<Integer> cited = new LinkedHashSet<>();
        String h = cut(validCitations(LIST_MARKER.matcher(HEADLINE.matcher(headline).replaceFirst("")).replaceFirst(""), posts, null),
                MAX_HEADLINE_CHARS);
        String s = cut(validCitations(summary.toString(), posts, cited), MAX_SUMMARY_CHARS);
        return new Parsed(h, s, List.copyOf(cited));
    }

    private static String validCitations(String text, int posts, Set<Integer> cited) {
        Matcher m = CITE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            int n = Integer.parseInt(m.group(1));
            boolean ok = n >= 1 && n <= posts && cited != null;
            if (ok) {
                cited.add(n);
            }
            m.appendReplacement(sb, ok ? Matcher.quoteReplacement(m.group()) : "");
        }
        m.appendTail(sb);
        return sb.toString().replaceAll("[ \\t]{2,}", " ").replaceAll(" ([.,;:!?])", "$1").strip();
    }

    private static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end).stripTrailing() + "\u2026";
    }
}
