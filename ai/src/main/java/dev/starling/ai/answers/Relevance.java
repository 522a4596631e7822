package dev.starling.ai.answers;

import dev.starling.social.Social;
import dev.starling.social.posts.Post;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether an {@link Answer} addresses its question, beside {@link Grounding} (which only asks whether the answer's words
 * come from the posts it cites: an answer that copies any cited post passes that by construction).
 *
 * <p>A question has a {@link Topic}: the posts that answer it are those that carry one of its hashtags, or at least
 * {@link Topic#minWords()} of its key words (as words of the post's text, compared as {@link Grounding} compares words:
 * NFKC, lower case, a trailing {@code s} added or removed). A benchmark that generated the question from a known post,
 * hashtag or planted event gives the topic itself; {@link Topic#ofQuestion} derives one from a question's text.
 *
 * <p>Of an answer's valid, visible cited posts, the <b>relevant</b> ones are those on the topic; the <b>citation
 * precision</b> is their share. The answer is <b>relevant</b> when it is {@link Grounding.Verdict#grounded() grounded},
 * its content words are supported at least {@value Grounding#GROUNDED_SUPPORT} by the relevant cited posts alone, and
 * at least one of those supported words is not a word of the topic itself: it cites a post that answers the question,
 * says what that post says, and says more than the question's own words. So a fluent answer whose words are not in the
 * post it cites fails, an answer quoting an off-topic post fails (even when it also cites an on-topic one), and an
 * answer without content words ({@code "Is that... [1]"}) or with only the topic's ({@code "#aurora Is that... [1]"})
 * fails.
 */
public final class Relevance {

    /** Question words that say what kind of answer is wanted, not what it is about. */
    private static final Set<String> QUESTION_WORDS = Set.of("happening", "happened", "happen", "news", "tell", "saw", "see",
            "seen", "think", "know", "going", "anything", "anyone", "latest", "new", "today", "talk", "talking", "hear", "heard");
    private static final Pattern HASHTAG = Pattern.compile("(?<![\\p{L}\\p{N}_])[#\uFF03]([\\p{L}\\p{N}_]{1,100})");

    /**
     * What a question is about.
     *
     * @param hashtags lower-case hashtags without {@code #}; a post carrying one (as a hashtag or as a word) is on topic
     * @param words    lower-case key words
     * @param minWords how many of {@code words} a post needs to be on topic (1..words.size(); 0 when there are none)
     */
    public record Topic(Set<String> hashtags, List<String> words, int minWords) {

        public Topic {
            hashtags = Set.copyOf(hashtags);
            words = List.copyOf(words);
            if (hashtags.isEmpty() && words.isEmpty()) {
                throw new IllegalArgumentException("a topic needs a hashtag or a key word");
            }
            if (words.isEmpty() ? minWords != 0 : minWords < 1 || minWords > words.size()) {
                throw new IllegalArgumentException("minWords must be in [1, " + words.size() + "] for key words " + words + ", got "
                        + minWords);
            }
        }

        /** Posts carrying {@code #tag}. */
        public static Topic hashtag(String tag) {
            return new Topic(Set.of(Grounding.normalize(tag.startsWith("#") ? tag.substring(1) : tag)), List.of(), 0);
        }

        /** Posts with at least two thirds (rounded up) of {@code words}: all of two, two of three, three of four. */
        public static Topic words(List<String> words) {
            List<String> w = words.stream().map(Grounding::normalize).distinct().toList();
            return new Topic(Set.of(), w, (int) Math.ceil(w.size() * 2 / 3.0));
        }

        /**
         * The topic of a question's text: its hashtags when it has any, else its content words (stop words and question
         * words such as "news" or "happening" left out); empty when it has neither.
         */
        public static Optional<Topic> ofQuestion(String question) {
            Set<String> tags = new LinkedHashSet<>();
            Matcher m = HASHTAG.matcher(Grounding.normalize(question));
            while (m.find()) {
                tags.add(m.group(1));
            }
            if (!tags.isEmpty()) {
                return Optional.of(new Topic(tags, List.of(), 0));
            }
            List<String> words = new ArrayList<>();
            for (String w : Grounding.contentWords(question)) {
                if (!QUESTION_WORDS.contains(w)) {
                    words.add(w);
                }
            }
            return words.isEmpty() ? Optional.empty() : Optional.of(words(words));
        }

        /** Whether {@code word} (a content word) is one of the topic's hashtags or key words (plural or not). */
        public boolean names(String word) {
            return hashtags.contains(word) || Grounding.supports(Set.copyOf(words), word);
        }

        /** Whether a post with this text answers the question. */
        public boolean matches(String postText) {
            String normalized = Grounding.normalize(postText);
            Set<String> postWords = Grounding.words(postText);
            for (String tag : hashtags) {
                Matcher m = HASHTAG.matcher(normalized);
                while (m.find()) {
                    if (m.group(1).equals(tag)) {
                        return true;
                    }
                }
                if (postWords.contains(tag)) {
                    return true;
                }
            }
            if (words.isEmpty()) {
                return false;
            }
            int found = 0;
            for (String w : words) {
                if (Grounding.supports(postWords, w)) {
                    found++;
                }
            }
            return found >= minWords;
        }

        @Override
        public String toString() {
            return hashtags.isEmpty() ? minWords + " of " + words : "#" + String.join(" or #", hashtags)
                    + (words.isEmpty() ? "" : " or " + minWords + " of " + words);
        }
    }

    /**
     * The judgement of one answer.
     *
     * @param grounding          {@link Grounding}'s verdict on it
     * @param relevantCitedPosts valid, visible cited posts on the topic
     * @param relevantSupport    content words supported by those posts alone
     * @param newWords           those of {@code relevantSupport} that are not words of the topic itself
     */
    public record Verdict(Grounding.Verdict grounding, int relevantCitedPosts, List<String> relevantSupport, List<String> newWords) {

        public Verdict {
            Objects.requireNonNull(grounding, "grounding");
            relevantSupport = List.copyOf(relevantSupport);
            newWords = List.copyOf(newWords);
        }

        /** Relevant cited posts / valid, visible cited posts; 0 when it cites none. */
        public double citationPrecision() {
            return grounding.citedPosts() == 0 ? 0 : (double) relevantCitedPosts / grounding.citedPosts();
        }

        /** Content words supported by the relevant cited posts / content words; 0 when there are none. */
        public double relevantSupportShare() {
            List<String> content = grounding.contentWords();
            return content.isEmpty() ? 0 : (double) relevantSupport.size() / content.size();
        }

        /**
         * Grounded, at least {@link Grounding#GROUNDED_SUPPORT} of its content words in relevant cited posts, and one of
         * those beyond the topic's own words.
         */
        public boolean relevant() {
            return grounding.grounded() && relevantCitedPosts > 0 && relevantSupportShare() >= Grounding.GROUNDED_SUPPORT
                    && !newWords.isEmpty();
        }
    }

    private final Social social;

    /** @param social where the cited posts are read, as the asker */
    public Relevance(Social social) {
        this.social = Objects.requireNonNull(social, "social");
    }

    /** Judges {@code answer} as given to {@code askerId} (null: anonymous) against {@code topic}. */
    public Verdict judge(Long askerId, Answer answer, Topic topic) {
        Map<Long, String> visible = new HashMap<>();
        for (Citation c : answer.citations()) {
            if (!visible.containsKey(c.postId())) {
                Optional<Post> p = social.posts().get(askerId, c.postId());
                p.ifPresent(post -> visible.put(post.id(), Grounding.textOf(post)));
            }
        }
        return judge(answer, visible, topic);
    }

    /** Judges {@code answer} against the texts of the posts the asker may see, by id, and {@code topic}. */
    public static Verdict judge(Answer answer, Map<Long, String> visibleTexts, Topic topic) {
        Grounding.Verdict g = Grounding.judge(answer, visibleTexts);
        // the cited posts Grounding counted: valid and visible ones, each once
        Set<Long> seen = new HashSet<>();
        Set<String> relevantWords = new HashSet<>();
        int relevant = 0;
        List<Long> evidence = answer.evidencePostIds();
        for (Citation c : answer.citations()) {
            boolean valid = c.number() >= 1 && c.number() <= evidence.size() && evidence.get(c.number() - 1) == c.postId()
                    && visibleTexts.containsKey(c.postId());
            if (valid && seen.add(c.postId()) && topic.matches(visibleTexts.get(c.postId()))) {
                relevant++;
                relevantWords.addAll(Grounding.words(visibleTexts.get(c.postId())));
            }
        }
        List<String> supported = new ArrayList<>();
        List<String> fresh = new ArrayList<>();
        for (String w : g.contentWords()) {
            if (Grounding.supports(relevantWords, w)) {
                supported.add(w);
                if (!topic.names(w)) {
                    fresh.add(w);
                }
            }
        }
        return new Verdict(g, relevant, supported, fresh);
    }
}
