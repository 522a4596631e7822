package dev.starling.ai.trends;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The phrases of a post that can trend: runs of 2 and 3 consecutive content words. The text is lower-cased; URLs,
 * {@code @mentions}, {@code #hashtags} (they trend as tags) and {@code $cashtags} are removed; words are runs of
 * letters and digits (with inner apostrophes); a word of one character, a number, or a stopword (English and a few
 * other languages' commonest function words, {@link #STOPWORDS}) breaks the run, and so does sentence punctuation.
 * So "the total solar eclipse is tonight" gives "total solar", "solar eclipse", "total solar eclipse" and nothing
 * with "the" or "is". At most {@link #MAX_PER_POST} phrases per post, in text order, without repeats.
 */
public final class Phrases {

    public static final int MAX_PER_POST = 40;
    public static final int MAX_WORD_CHARS = 40;

    private static final Pattern STRIP = Pattern.compile("(?i)\\b(?:https?://|www\\.)\\S+|[@#$][\\p{L}\\p{N}_]+(?:@[\\w.-]+)?");
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+(?:['’][\\p{L}]+)*|[.!?;:,()\\[\\]{}\"“”…|/\\\\–—-]");

    /** Function words that never start, end or sit inside a phrase. */
    public static final Set<String> STOPWORDS = Set.copyOf(List.of(
            // English
            "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "aren't", "as", "at",
            "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "can't", "cannot",
            "could", "couldn't", "did", "didn't", "do", "does", "doesn't", "doing", "don't", "down", "during", "each", "few",
            "for", "from", "further", "get", "gets", "got", "had", "hadn't", "has", "hasn't", "have", "haven't", "having", "he",
            "he'd", "he'll", "he's", "her", "here", "here's", "hers", "herself", "him", "himself", "his", "how", "how's", "i",
            "i'd", "i'll", "i'm", "i've", "if", "in", "into", "is", "isn't", "it", "it's", "its", "itself", "just", "let's",
            "like", "me", "more", "most", "mustn't", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once",
            "only", "or", "other", "ought", "our", "ours", "ourselves", "out", "over", "own", "really", "same", "shan't",
            "she", "she'd", "she'll", "she's", "should", "shouldn't", "so", "some", "such", "than", "that", "that's", "the",
            "their", "theirs", "them", "themselves", "then", "there", "there's", "these", "they", "they'd", "they'll",
            "they're", "they've", "this", "those", "through", "to", "too", "under", "until", "up", "us", "very", "was",
            "wasn't", "we", "we'd", "we'll", "we're", "we've", "were", "weren't", "what", "what's", "when", "when's", "where",
            "where's", "which", "while", "who", "who's", "whom", "why", "why's", "will", "with", "won't", "would",
            "wouldn't", "you", "you'd", "you'll", "you're", "you've", "your", "yours", "yourself", "yourselves", "im",
            "dont", "cant", "ive", "youre", "thats", "also", "one", "much", "many", "even", "still", "lol", "amp", "rt",
            "via", "gonna", "wanna", "yeah", "oh", "ok", "okay", "u", "ur", "day", "today", "new", "good", "go", "going",
            "know", "want", "make", "see", "time", "people", "think", "way", "back", "well", "need", "never", "every",
            "always", "s", "t", "re", "ve", "ll", "d", "m",
            // Spanish, French, German, Portuguese, Italian: the commonest function words
            "el", "la", "los", "las", "un", "una", "y", "o", "de", "del", "en", "que", "por", "para", "con", "es", "se", "lo",
            "le", "les", "des", "du", "et", "est", "pour", "dans", "pas", "sur", "au", "aux", "il", "elle", "je", "tu", "nous",
            "vous", "ils", "der", "die", "das", "und", "ist", "nicht", "mit", "den", "dem", "ein", "eine", "zu", "auf", "von",
            "ich", "du", "sie", "es", "wir", "ihr", "um", "em", "os", "as", "da", "do", "dos", "das", "uma", "não", "com",
            "il", "di", "che", "non", "per", "una", "sono", "gli", "della"));

    private Phrases() {
    }

    /** The phrases of {@code text} (see the class comment). */
    public static List<String> of(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        String stripped = STRIP.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" . ");
        Set<String> out = new LinkedHashSet<>();
        List<String> run = new ArrayList<>();
        Matcher m = TOKEN.matcher(stripped);
        while (m.find() && out.size() < MAX_PER_POST) {
            String t = m.group().replace('’', '\'');
            if (isContentWord(t)) {
                run.add(t);
                int n = run.size();
                if (n >= 2) {
                    out.add(run.get(n - 2) + " " + run.get(n - 1));
                }
                if (n >= 3 && out.size() < MAX_PER_POST) {
                    out.add(run.get(n - 3) + " " + run.get(n - 2) + " " + run.get(n - 1));
                }
            } else {
                run.clear();
            }
        }
        List<String> list = new ArrayList<>(out);
        return list.size() > MAX_PER_POST ? list.subList(0, MAX_PER_POST) : list;
    }

    static boolean isContentWord(String t) {
        if (t.length() < 2 || t.length() > MAX_WORD_CHARS || STOPWORDS.contains(t)) {
            return false;
        }
        boolean letter = false;
        for (int i = 0; i < t.length(); i++) {
            if (Character.isLetter(t.charAt(i))) {
                letter = true;
                break;
            }
        }
        return letter;
    }
}
