package dev.starling.ai.training;

import dev.starling.ai.chat.ChatMessage;
import dev.starling.ai.prompts.PromptBindings;
import dev.starling.ai.prompts.PromptTemplate;
import dev.starling.ai.prompts.Prompts;
import dev.starling.ai.prompts.QuotedPost;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Grounded-answer training examples made from the training posts themselves, so that a small model learns the task
 * format of Ask and Explain: quoted posts in, a short answer copied from them with its {@code [n]} marker out.
 *
 * <p>For a post p (drawn by the seed): its rarer content words (a hashtag first) make the question; 1-4 other training
 * posts that share those words play the retrieved evidence; p and they are shuffled and numbered, and the prompt is
 * rendered by the real prompt files ({@code ask-compact}, {@code explain-compact}) through {@link PromptBindings}, the
 * way {@code ai.answers} renders them for a small model. The target is extractive: a span of about a dozen words of
 * the most relevant quoted post (the one sharing most question words, p on a tie) around the first question word,
 * followed by its marker, and now and then a second span from another quoted post that has a question word. Explain
 * examples quote p as [1] ("the post to explain") and the others as "related", and answer with 1-3 points
 * ({@code - span [n]}), one per post that shares p's words.
 *
 * <p>Only the posts given are ever quoted (the caller passes the training split of the consented corpus and nothing
 * else); the same posts, prompts and seed give the same examples. Every example is fitted to the model's context as
 * {@code ai.answers.Generation} fits a prompt: posts dropped from the end (never p), then texts halved down to 40
 * characters, until the prompt leaves a quarter of the context for the answer and prompt and answer fit.
 */
public final class GroundedExamples {

    /** Most examples built in one run. */
    public static final int MAX_EXAMPLES = 200_000;
    /** Longest quoted post text before fitting, as AnswerSettings.defaults() quotes. */
    public static final int QUOTED_POST_CHARS = 400;
    /** Words in an answer span. */
    static final int SPAN_WORDS = 12;
    /** A word in more than this share of the posts is too common to make a question. */
    private static final double MAX_WORD_SHARE = 0.5;
    private static final int MAX_POSTING = 4096;
    static final String ASK_PROMPT = "ask-compact";
    static final String EXPLAIN_PROMPT = "explain-compact";
    private static final Pattern WORD = Pattern.compile("#?[\\p{L}\\p{N}_]{2,40}");
    private static final Pattern SPLIT = Pattern.compile("\\s+");
    private static final Set<String> STOPWORDS = Set.of("a", "an", "and", "are", "as", "at", "be", "been", "but", "by",
            "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "how", "i", "if", "in", "into", "is",
            "it", "its", "me", "my", "no", "not", "of", "on", "or", "our", "said", "say", "says", "should", "so", "than",
            "that", "the", "their", "them", "then", "there", "these", "they", "this", "to", "was", "we", "were", "what",
            "when", "where", "which", "who", "whom", "why", "will", "with", "would", "you", "your", "about", "any",
            "people", "think", "anyone", "anybody", "tell", "know", "some", "here", "all", "just", "like", "get", "im",
            "it's", "i'm", "dont", "don", "am", "one", "out", "up", "now", "too", "more", "very", "got", "new", "via",
            "http", "https", "www", "com", "amp", "rt", "user");
    private static final List<String> ASK_FORMS = List.of("What do people say about %s?", "%s?", "What about %s?",
            "Tell me about %s.", "Anyone talking about %s?", "What is going on with %s?", "%s", "Why %s?");

    /** One corpus post as a quote shows it; {@code key} is its stable id (post id, or line number of a file). */
    public record Source(long key, String authorHandle, Instant createdAt, String text) {
        public Source {
            Objects.requireNonNull(authorHandle, "authorHandle");
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(text, "text");
        }
    }

    public enum Kind { ASK, EXPLAIN }

    /**
     * One example: the prompt's messages (as the feature renders them), the assistant's answer, the keys of the quoted
     * posts in their [n] order, and the key of the post the example was made from.
     */
    public record Example(Kind kind, long fromKey, List<Long> quotedKeys, List<ChatMessage> prompt, String answer) {
        public Example {
            quotedKeys = List.copyOf(quotedKeys);
            prompt = List.copyOf(prompt);
        }
    }

    /**
     * How examples are fitted to a model.
     *
     * @param promptTokens the token count of a prompt as the served model renders it (chat template, generation prompt)
     * @param answerTokens the token count of an answer plus its end marker
     * @param context      the model's context (the training sequence length)
     */
    public record Fit(ToIntFunction<List<ChatMessage>> promptTokens, ToIntFunction<String> answerTokens, int context) {
        /** No limit: every example keeps all its posts (for tokenizer training text). */
        public static Fit none() {
            return new Fit(m -> 0, a -> 0, Integer.MAX_VALUE);
        }
    }

    private final List<Source> posts;
    private final List<List<String>> words; // [post][distinct content words, in text order]
    private final Map<String, int[]> postings;
    private final PromptTemplate ask;
    private final PromptTemplate explain;

    /**
     * Indexes the posts' content words; words in more than half of the posts (or in one post only) make no question,
     * and the rarer of a post's words are preferred.
     */
    public GroundedExamples(List<Source> posts, Prompts prompts) {
        this.posts = List.copyOf(posts);
        this.ask = prompts.get(ASK_PROMPT);
        this.explain = prompts.get(EXPLAIN_PROMPT);
        this.words = new ArrayList<>(this.posts.size());
        Map<String, List<Integer>> lists = new HashMap<>();
        for (int i = 0; i < this.posts.size(); i++) {
            List<String> w = contentWords(this.posts.get(i).text());
            words.add(w);
            for (String s : w) {
                List<Integer> l = lists.computeIfAbsent(s, k -> new ArrayList<>());
                if (l.size() <= MAX_POSTING) {
                    l.add(i);
                }
            }
        }
        int maxDf = Math.max(3, (int) (this.posts.size() * MAX_WORD_SHARE));
        this.postings = new HashMap<>();
        lists.forEach((w, l) -> {
            if (l.size() >= 2 && l.size() <= maxDf) {
                postings.put(w, l.stream().mapToInt(Integer::intValue).toArray());
            }
        });
    }

    /** Distinct lower-cased content words of a text in order: stop words, numbers-only and 1-letter words dropped. */
    static List<String> contentWords(String text) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            String w = m.group();
            String bare = w.startsWith("#") ? w.substring(1) : w;
            if (bare.length() >= 2 && !STOPWORDS.contains(bare) && !bare.chars().allMatch(Character::isDigit)) {
                out.add(w);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Up to {@code count} examples (at most {@link #MAX_EXAMPLES}), {@code explainShare} of them Explain, deterministic
     * for the seed; fewer when few posts share words with others or do not fit the context.
     */
    public List<Example> build(int count, double explainShare, long seed, Fit fit) {
        int want = Math.min(count, MAX_EXAMPLES);
        List<Example> out = new ArrayList<>();
        if (posts.size() < 2 || want <= 0) {
            return out;
        }
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5F3759DF1B873593L);
        int attempts = 0;
        int maxAttempts = want * 4 + 16;
        while (out.size() < want && attempts++ < maxAttempts) {
            int p = rnd.nextInt(posts.size());
            Example e = rnd.nextDouble() < explainShare ? explainExample(p, rnd, fit) : askExample(p, rnd, fit);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    private Example askExample(int p, SplittableRandom rnd, Fit fit) {
        List<String> shared = sharedWords(p);
        if (shared.isEmpty()) {
            return null;
        }
        // the question: one or two of p's shared words, a hashtag preferred
        List<String> q = new ArrayList<>();
        shared.stream().filter(w -> w.startsWith("#")).findFirst().ifPresent(q::add);
        while (q.size() < Math.min(shared.size(), 1 + rnd.nextInt(2))) {
            String w = shared.get(rnd.nextInt(shared.size()));
            if (!q.contains(w)) {
                q.add(w);
            }
        }
        String question = String.format(Locale.ROOT, ASK_FORMS.get(rnd.nextInt(ASK_FORMS.size())), String.join(" ", q));
        List<Integer> chosen = new ArrayList<>(others(p, q, 1 + rnd.nextInt(4), rnd));
        chosen.add(p);
        Collections.shuffle(chosen, new java.util.Random(rnd.nextLong()));
        List<String> roles = Collections.nCopies(chosen.size(), "");
        return fitted(Kind.ASK, p, chosen, roles, q, fit, posts -> PromptBindings.of().text("question", question).posts("posts", posts),
                ask, rnd);
    }

    private Example explainExample(int p, SplittableRandom rnd, Fit fit) {
        List<String> shared = sharedWords(p);
        if (shared.isEmpty()) {
            return null;
        }
        List<Integer> chosen = new ArrayList<>();
        chosen.add(p);
        List<Integer> related = new ArrayList<>(others(p, shared, 1 + rnd.nextInt(3), rnd));
        Collections.shuffle(related, new java.util.Random(rnd.nextLong()));
        chosen.addAll(related);
        List<String> roles = new ArrayList<>();
        roles.add("the post to explain");
        roles.addAll(Collections.nCopies(related.size(), "related"));
        return fitted(Kind.EXPLAIN, p, chosen, roles, shared, fit, posts -> PromptBindings.of().posts("posts", posts), explain,
                rnd);
    }

    /** p's words that at least one other post has, rarer first (ties in text order). */
    private List<String> sharedWords(int p) {
        List<String> w = new ArrayList<>();
        for (String s : words.get(p)) {
            if (postings.containsKey(s)) {
                w.add(s);
            }
        }
        w.sort((a, b) -> Integer.compare(postings.get(a).length, postings.get(b).length));
        return w.subList(0, Math.min(w.size(), 4));
    }

    /** Up to n posts other than p that share a word of {@code with}, drawn from the words' postings. */
    private List<Integer> others(int p, List<String> with, int n, SplittableRandom rnd) {
        LinkedHashSet<Integer> out = new LinkedHashSet<>();
        for (int tries = 0; tries < 8 * n && out.size() < n; tries++) {
            int[] list = postings.get(with.get(rnd.nextInt(with.size())));
            if (list == null) {
                continue;
            }
            int o = list[rnd.nextInt(list.length)];
            if (o != p && !posts.get(o).text().equals(posts.get(p).text())) {
                out.add(o);
            }
        }
        return new ArrayList<>(out);
    }

    private Example fitted(Kind kind, int p, List<Integer> chosen, List<String> roles, List<String> questionWords, Fit fit,
            java.util.function.Function<List<QuotedPost>, PromptBindings> bindings, PromptTemplate template,
            SplittableRandom rnd) {
        List<Integer> order = new ArrayList<>(chosen);
        List<String> roleOrder = new ArrayList<>(roles);
        int chars = QUOTED_POST_CHARS;
        long answerSeed = rnd.nextLong();
        while (true) {
            List<QuotedPost> quoted = new ArrayList<>(order.size());
            for (int i = 0; i < order.size(); i++) {
                Source s = posts.get(order.get(i));
                int limit = kind == Kind.EXPLAIN && i == 0 && order.size() > 1 ? Math.max(chars, Math.min(1000, 2 * chars)) : chars;
                quoted.add(new QuotedPost(i + 1, s.key(), s.authorHandle(), s.createdAt(), roleOrder.get(i), s.text()).truncated(limit));
            }
            List<ChatMessage> prompt = template.render(bindings.apply(quoted));
            String answer = kind == Kind.ASK ? askAnswer(order.indexOf(p), quoted, questionWords, new SplittableRandom(answerSeed))
                    : explainAnswer(quoted, questionWords);
            if (answer != null) {
                int promptTokens = fit.promptTokens().applyAsInt(prompt);
                int reserve = fit.context() == Integer.MAX_VALUE ? 0 : fit.context() / 4; // Generation's answer budget
                if (promptTokens + reserve <= fit.context()
                        && (long) promptTokens + fit.answerTokens().applyAsInt(answer) <= fit.context()) {
                    List<Long> keys = order.stream().map(i -> posts.get(i).key()).toList();
                    return new Example(kind, posts.get(p).key(), keys, prompt, answer);
                }
            }
            int drop = lastDroppable(order, p);
            if (drop >= 0) {
                order.remove(drop);
                roleOrder.remove(drop);
            } else if (chars > 40) {
                chars = Math.max(40, chars / 2);
            } else {
                return null;
            }
        }
    }

    private static int lastDroppable(List<Integer> order, int p) {
        if (order.size() <= 1) {
            return -1;
        }
        for (int i = order.size() - 1; i >= 0; i--) {
            if (order.get(i) != p) {
                return i;
            }
        }
        return -1;
    }

    /** A span of the most relevant quoted post with its marker, sometimes a second span of another; null when none. */
    private static String askAnswer(int pIndex, List<QuotedPost> quoted, List<String> questionWords, SplittableRandom rnd) {
        int best = pIndex;
        int bestScore = overlap(quoted.get(pIndex).text(), questionWords);
        for (int i = 0; i < quoted.size(); i++) {
            int s = overlap(quoted.get(i).text(), questionWords);
            if (s > bestScore) {
                best = i;
                bestScore = s;
            }
        }
        String first = span(quoted.get(best).text(), questionWords);
        if (first == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(first).append(" [").append(best + 1).append(']');
        if (rnd.nextInt(3) == 0) {
            for (int i = 0; i < quoted.size(); i++) {
                if (i != best && overlap(quoted.get(i).text(), questionWords) > 0) {
                    String second = span(quoted.get(i).text(), questionWords);
                    if (second != null) {
                        sb.append(". ").append(second).append(" [").append(i + 1).append(']');
                    }
                    break;
                }
            }
        }
        return sb.toString();
    }

    /** 1-3 points: post [1] first, then the related posts that share its words. */
    private static String explainAnswer(List<QuotedPost> quoted, List<String> words) {
        StringBuilder sb = new StringBuilder();
        int points = 0;
        for (int i = 0; i < quoted.size() && points < 3; i++) {
            String s = span(quoted.get(i).text(), words);
            if (s == null && i == 0) {
                s = span(quoted.get(0).text(), List.of());
            }
            if (s == null) {
                continue;
            }
            sb.append(sb.isEmpty() ? "" : "\n").append("- ").append(s).append(" [").append(i + 1).append(']');
            points++;
        }
        return points == 0 ? null : sb.toString();
    }

    private static int overlap(String text, List<String> words) {
        Set<String> have = new java.util.HashSet<>(contentWords(text));
        int n = 0;
        for (String w : words) {
            if (have.contains(w)) {
                n++;
            }
        }
        return n;
    }

    /**
     * About {@link #SPAN_WORDS} words of the text around the first word of {@code words} it contains (from its start
     * when {@code words} is empty), links, mentions and square brackets left out; null when it has none of them.
     */
    static String span(String text, List<String> words) {
        String clean = text.replace('\u2026', ' ').replace('[', '(').replace(']', ')');
        List<String> tokens = new ArrayList<>();
        for (String t : SPLIT.split(clean.strip())) {
            String lower = t.toLowerCase(Locale.ROOT);
            if (!t.isEmpty() && !lower.startsWith("http") && !lower.startsWith("www.") && !t.startsWith("@") && !t.contains("<")
                    && !t.contains(">")) {
                tokens.add(t);
            }
        }
        if (tokens.isEmpty()) {
            return null;
        }
        int at = words.isEmpty() ? 0 : -1;
        for (int i = 0; i < tokens.size() && at < 0; i++) {
            List<String> w = contentWords(tokens.get(i));
            for (String s : w) {
                if (words.contains(s)) {
                    at = i;
                    break;
                }
            }
        }
        if (at < 0) {
            return null;
        }
        int from = Math.max(0, at - 3);
        int to = Math.min(tokens.size(), from + SPAN_WORDS);
        from = Math.max(0, Math.min(from, to - SPAN_WORDS));
        String s = String.join(" ", tokens.subList(from, to)).strip();
        while (!s.isEmpty() && ".,;:!?-".indexOf(s.charAt(s.length() - 1)) >= 0) {
            s = s.substring(0, s.length() - 1).strip();
        }
        return s.isEmpty() ? null : s;
    }
}
