package dev.starling.ai.answers;

import dev.starling.social.Social;
import dev.starling.social.posts.Post;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.it.ItalianAnalyzer;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;

/**
 * How well an {@link Answer} rests on the posts it cites, for one asker. Two measures:
 *
 * <ol>
 * <li><b>Citations valid and visible</b>: every citation {@code [n]} has {@code 1 <= n <= evidence size}, points at
 *     the n-th post the model was given ({@link Answer#evidencePostIds()}), and that post is visible to the asker NOW
 *     by social's visibility rule ({@code social.posts().get(asker, id)}); and every {@code [n]} marker in the text has
 *     such a citation. An answer without citations passes this check vacuously (and is never grounded, below).</li>
 * <li><b>Key-word support</b>: the share of the answer's <em>content words</em> that occur in the texts of its valid,
 *     visible cited posts. Content words are defined exactly as follows: the answer text is NFKC-normalized and lower
 *     cased (ROOT locale); citation markers ({@code [1]}, {@code [1, 3]}) are removed; the text is split into maximal
 *     runs of letters and digits ({@code [\p{L}\p{N}]+}; so {@code #aurora} gives {@code aurora} and
 *     {@code don't} gives {@code don}, {@code t}); runs shorter than 2 characters, runs of digits only, and the stop
 *     words of the answer's language are dropped; what remains, without duplicates, are the content words. A content
 *     word is supported when it equals a token of the cited posts' texts split the same way, or equals one with a
 *     trailing {@code s} added or removed ({@code light}/{@code lights}). The answer's language is the one of
 *     {@link #LANGUAGES} whose stop words occur most often among the answer's runs (ties and no stop word at all:
 *     English).</li>
 * </ol>
 *
 * An answer is <b>grounded</b> when it is not a no-evidence answer, its citations are valid and visible, it cites at
 * least one post and its support is at least {@value #GROUNDED_SUPPORT}. An answer <b>says no evidence</b> when no
 * model was called ({@link Answer#NO_EVIDENCE}) or when it cites nothing and its text declines (e.g. "the posts do not
 * say", "I cannot answer"; {@link #DECLINES}); such answers are counted apart, neither grounded nor ungrounded.
 */
public final class Grounding {

    /** The support share from which an answer counts as grounded. */
    public static final double GROUNDED_SUPPORT = 0.5;
    /** Languages whose stop words are known (ISO 639-1). */
    public static final List<String> LANGUAGES = List.of("en", "de", "fr", "es", "it", "pt", "nl");
    /** A model's own "no evidence": only counted when the answer cites nothing. */
    public static final Pattern DECLINES = Pattern.compile("(?i)\\b(no (posts?|evidence|information)|(do|does|did)(n'?t| not)"
            + " (say|mention|answer|tell)|can(not|'?t) (answer|tell|say)|(i )?(do|did)(n'?t| not) (know|find))\\b");

    private static final Pattern MARKER = Pattern.compile("\\[\\s*\\d{1,4}(?:\\s*[,;]\\s*\\d{1,4})*\\s*]");
    private static final Pattern NUMBER = Pattern.compile("\\d{1,4}");
    private static final Pattern RUN = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final Pattern DIGITS = Pattern.compile("\\p{N}+");
    private static final Set<String> ENGLISH = Set.of("a", "about", "above", "after", "again", "against", "all", "also", "am",
            "an", "and", "any", "are", "aren", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
            "but", "by", "can", "could", "couldn", "did", "didn", "do", "does", "doesn", "doing", "don", "down", "during", "each",
            "even", "ever", "few", "for", "from", "further", "get", "got", "had", "hadn", "has", "hasn", "have", "haven", "having",
            "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "however", "i", "if", "in", "into", "is",
            "isn", "it", "its", "itself", "just", "let", "like", "ll", "may", "me", "might", "more", "most", "much", "must", "my",
            "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only", "or", "other", "our", "ours",
            "ourselves", "out", "over", "own", "re", "said", "same", "say", "says", "she", "should", "so", "some", "such", "than",
            "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through",
            "to", "too", "under", "until", "up", "us", "ve", "very", "was", "wasn", "we", "were", "weren", "what", "when", "where",
            "which", "while", "who", "whom", "why", "will", "with", "won", "would", "wouldn", "you", "your", "yours", "yourself",
            "post", "posts", "people", "someone", "something", "thing", "things", "many", "lot", "well", "yes", "yeah");
    private static final Map<String, CharArraySet> OTHERS = Map.of("de", GermanAnalyzer.getDefaultStopSet(),
            "fr", FrenchAnalyzer.getDefaultStopSet(), "es", SpanishAnalyzer.getDefaultStopSet(),
            "it", ItalianAnalyzer.getDefaultStopSet(), "pt", PortugueseAnalyzer.getDefaultStopSet(),
            "nl", DutchAnalyzer.getDefaultStopSet());

    /**
     * The judgement of one answer.
     *
     * @param noEvidence       the answer says no evidence (counted apart)
     * @param citationsValid   every citation valid and visible to the asker (vacuously true without citations)
     * @param problems         why not, one line per bad citation or marker (empty when valid)
     * @param language         the language whose stop words were removed
     * @param contentWords     the answer's content words, in order of first use
     * @param supportedWords   those found in the cited posts
     * @param citedPosts       valid, visible cited posts whose texts were searched
     */
    public record Verdict(boolean noEvidence, boolean citationsValid, List<String> problems, String language,
            List<String> contentWords, List<String> supportedWords, int citedPosts) {

        public Verdict {
            problems = List.copyOf(problems);
            contentWords = List.copyOf(contentWords);
            supportedWords = List.copyOf(supportedWords);
        }

        /** Supported content words / content words; 0 when there are none. */
        public double support() {
            return contentWords.isEmpty() ? 0 : (double) supportedWords.size() / contentWords.size();
        }

        /** Not a no-evidence answer, citations valid, at least one post cited, support >= {@link #GROUNDED_SUPPORT}. */
        public boolean grounded() {
            return !noEvidence && citationsValid && citedPosts > 0 && support() >= GROUNDED_SUPPORT;
        }
    }

    private final Social social;

    /** @param social where the cited posts are read, as the asker (social's visibility rule) */
    public Grounding(Social social) {
        this.social = Objects.requireNonNull(social, "social");
    }

    /**
     * Judges {@code answer} as given to {@code askerId} (null: anonymous): the cited posts are read again, now, as the
     * asker; one that is gone or hidden from the asker makes the citations invalid.
     */
    public Verdict judge(Long askerId, Answer answer) {
        Map<Long, String> visible = new HashMap<>();
        for (Citation c : answer.citations()) {
            if (!visible.containsKey(c.postId())) {
                Optional<Post> p = social.posts().get(askerId, c.postId());
                p.ifPresent(post -> visible.put(post.id(), textOf(post)));
            }
        }
        return judge(answer, visible);
    }

    /** What a post offers as support: its content warning and its text. */
    static String textOf(Post p) {
        return p.spoilerText() == null || p.spoilerText().isBlank() ? p.text() : p.spoilerText() + " " + p.text();
    }

    /**
     * Judges {@code answer} against {@code visibleTexts}: the texts of the posts the asker may see, by post id (a cited
     * id absent from it is not visible).
     */
    public static Verdict judge(Answer answer, Map<Long, String> visibleTexts) {
        List<String> problems = new ArrayList<>();
        List<Long> evidence = answer.evidencePostIds();
        Set<Integer> numbers = new HashSet<>();
        List<String> citedTexts = new ArrayList<>();
        Set<Long> counted = new HashSet<>();
        for (Citation c : answer.citations()) {
            numbers.add(c.number());
            if (c.number() < 1 || c.number() > evidence.size()) {
                problems.add("[" + c.number() + "] is outside the " + evidence.size() + " posts the model was given");
            } else if (evidence.get(c.number() - 1) != c.postId()) {
                problems.add("[" + c.number() + "] points at post " + c.postId() + ", but post " + c.number() + " given was "
                        + evidence.get(c.number() - 1));
            } else if (!visibleTexts.containsKey(c.postId())) {
                problems.add("[" + c.number() + "] cites post " + c.postId() + ", which the asker may not see (or is gone)");
            } else if (counted.add(c.postId())) {
                citedTexts.add(visibleTexts.get(c.postId()));
            }
        }
        String text = normalize(answer.text());
        Matcher m = MARKER.matcher(text);
        while (m.find()) {
            Matcher n = NUMBER.matcher(m.group());
            while (n.find()) {
                int k = Integer.parseInt(n.group());
                if (!numbers.contains(k)) {
                    problems.add("the text cites [" + k + "], which is not among the answer's citations");
                }
            }
        }
        List<String> runs = runs(MARKER.matcher(text).replaceAll(" "));
        String language = language(runs);
        List<String> content = contentWords(answer.text());
        Set<String> support = new HashSet<>();
        for (String t : citedTexts) {
            support.addAll(words(t));
        }
        List<String> supported = new ArrayList<>();
        for (String w : content) {
            if (supports(support, w)) {
                supported.add(w);
            }
        }
        boolean noEvidence = Answer.NO_EVIDENCE.equals(answer.finishReason())
                || answer.citations().isEmpty() && DECLINES.matcher(answer.text()).find();
        return new Verdict(noEvidence, problems.isEmpty(), problems, language, List.copyOf(content), supported, citedTexts.size());
    }

    /** The language of {@link #LANGUAGES} whose stop words occur most often among {@code runs}; English on a tie. */
    static String language(List<String> runs) {
        String best = "en";
        int bestCount = count("en", runs);
        for (String lang : LANGUAGES) {
            int n = count(lang, runs);
            if (n > bestCount) {
                best = lang;
                bestCount = n;
            }
        }
        return best;
    }

    private static int count(String language, List<String> runs) {
        int n = 0;
        for (String w : runs) {
            if (isStopWord(language, w)) {
                n++;
            }
        }
        return n;
    }

    private static boolean isStopWord(String language, String w) {
        return language.equals("en") ? ENGLISH.contains(w) : OTHERS.get(language).contains(w);
    }

    /** The words of a post's text as support is looked up: NFKC, lower case, maximal runs of letters and digits. */
    static Set<String> words(String text) {
        return new HashSet<>(runs(normalize(text)));
    }

    /** Whether {@code word} is among {@code words}, also with a trailing {@code s} added or removed. */
    static boolean supports(Set<String> words, String word) {
        return words.contains(word) || words.contains(word + "s") || word.endsWith("s") && words.contains(word.substring(0, word.length() - 1));
    }

    /** The content words of {@code text} (a question, an answer), as {@link Verdict#contentWords()} defines them. */
    static List<String> contentWords(String text) {
        List<String> runs = runs(MARKER.matcher(normalize(text)).replaceAll(" "));
        String language = language(runs);
        LinkedHashSet<String> content = new LinkedHashSet<>();
        for (String w : runs) {
            if (w.length() >= 2 && !DIGITS.matcher(w).matches() && !isStopWord(language, w)) {
                content.add(w);
            }
        }
        return List.copyOf(content);
    }

    static String normalize(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    private static List<String> runs(String normalized) {
        List<String> out = new ArrayList<>();
        Matcher m = RUN.matcher(normalized);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
