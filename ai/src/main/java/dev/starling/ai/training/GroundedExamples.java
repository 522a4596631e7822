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
 * of Ask and Explain: quoted posts in, an answer copied from the right one of them with its {@code [n]} marker out.
 *
 * <p>For a post p (drawn by the seed): a topic word of p that other posts share (a hashtag first, else a rarer content
 * word; @mentions are no words) makes the question; 2-5 other training posts with that word are the distractors, as a
 * search for it would retrieve them (each with its own text: reposted copies of p, mentions aside, are no distractors); p and they are shuffled and numbered, and the prompt is rendered by the real prompt files
 * ({@code ask-compact}, {@code explain-compact}) through {@link PromptBindings}, the way {@code ai.answers} renders them
 * for a small model. Half of the questions also name a word that only p has among the quoted posts, so that p is the
 * one post that answers them. The answer is extractive and copy-friendly: the cited post is the quoted post sharing the
 * most question words (the lowest number on a tie, as a ranked search puts the best post first), and the answer is that
 * post's key clause ({@link #keyClause}: the first sentence holding a question word, else its first sentence, 4-14
 * words, in the post's own words) followed by its marker; now and then a second clause of the next post that has a
 * question word. Since every distractor shares the topic, and the post order is shuffled, what to copy and which
 * number to cite can only be read from the prompt. Explain examples quote p as [1] ("the post to explain") and the
 * others as "related", and answer with 1-3 points ({@code - clause [n]}), one per post that shares p's words.
 *
 * <p>Only the posts given are ever quoted (the caller passes the training split of the consented corpus and nothing
 * else); the same posts, prompts and seed give the same examples. Every example is fitted to the model's context as
 * {@code ai.answers.Generation} fits a prompt: posts dropped from the end (never p) down to three, their texts halved
 * down to 100 characters, then posts dropped down to p alone and texts halved down to 40 characters, until the prompt
 * leaves a quarter of the context for the answer and prompt and answer fit.
 */
public final class GroundedExamples {

    /** Most examples built in one run. */
    public static final int MAX_EXAMPLES = 200_000;
    /** Longest quoted post text before fitting, as AnswerSettings.defaults() quotes. */
    public static final int QUOTED_POST_CHARS = 400;
    /** Most words of an answer's key clause. */
    static final int MAX_CLAUSE_WORDS = 14;
    /** A sentence shorter than this is continued into the next one (or, when it is the last, passed over). */
    static final int MIN_CLAUSE_WORDS = 4;
    /** Posts a fitted prompt keeps before texts are cut below {@link #KEEP_POSTS_CHARS}, as ai.answers.Generation. */
    static final int KEEP_POSTS = 3;
    static final int KEEP_POSTS_CHARS = 100;
    /** A word in more than this share of the posts is too common to make a question. */
    private static final double MAX_WORD_SHARE = 0.5;
    private static final int MAX_POSTING = 4096;
    static final String ASK_PROMPT = "ask-compact";
    static final String EXPLAIN_PROMPT = "explain-compact";
    private static final Pattern WORD = Pattern.compile("#?[\\p{L}\\p{N}_]{2,40}");
    private static final Pattern SPLIT = Pattern.compile("\\s+");
    private static final Pattern MENTION = Pattern.compile("@[\\p{L}\\p{N}_.@-]+");
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
            List<String> w = contentWords(MENTION.matcher(this.posts.get(i).text()).replaceAll(" ")); // no handles
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
        // the topic: a hashtag of p that others share, else one of its rarer shared words
        String topic = shared.stream().filter(w -> w.startsWith("#")).findFirst()
                .orElse(shared.get(rnd.nextInt(Math.min(2, shared.size()))));
        List<Integer> chosen = new ArrayList<>(others(p, List.of(topic), 2 + rnd.nextInt(4), rnd));
        if (chosen.size() < 2) { // too few share the topic: any of p's shared words
            LinkedHashSet<Integer> more = new LinkedHashSet<>(chosen);
            more.addAll(others(p, shared, 2 + rnd.nextInt(4) - chosen.size(), rnd, chosen));
            chosen = new ArrayList<>(more);
        }
        List<String> q = new ArrayList<>(List.of(topic));
        if (rnd.nextBoolean()) { // a word only p has among the quoted posts: p is the one post that answers
            List<String> own = ownWords(p, chosen);
            if (!own.isEmpty()) {
                q.add(own.get(rnd.nextInt(own.size())));
            }
        }
        String question = String.format(Locale.ROOT, ASK_FORMS.get(rnd.nextInt(ASK_FORMS.size())), String.join(" ", q));
        chosen.add(p);
        Collections.shuffle(chosen, new java.util.Random(rnd.nextLong()));
        List<String> roles = Collections.nCopies(chosen.size(), "");
        return fitted(Kind.ASK, p, chosen, roles, q, fit, posts -> PromptBindings.of().text("question", question).posts("posts", posts),
                ask, rnd);
    }

    /** p's content words (no hashtags, at least 4 letters) that none of {@code others} has, in text order. */
    private List<String> ownWords(int p, List<Integer> others) {
        Set<String> theirs = new java.util.HashSet<>();
        for (int o : others) {
            theirs.addAll(words.get(o));
        }
        List<String> out = new ArrayList<>();
        for (String w : words.get(p)) {
            if (!w.startsWith("#") && w.length() >= 4 && !theirs.contains(w)) {
                out.add(w);
            }
        }
        return out;
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

    private List<Integer> others(int p, List<String> with, int n, SplittableRandom rnd) {
        return others(p, with, n, rnd, List.of());
    }

    /**
     * Up to n posts other than p that share a word of {@code with}, drawn from the words' postings, each with a text
     * (mentions aside) unlike p's, {@code besides}' and each other's: a distractor that repeats p teaches nothing.
     */
    private List<Integer> others(int p, List<String> with, int n, SplittableRandom rnd, List<Integer> besides) {
        LinkedHashSet<Integer> out = new LinkedHashSet<>();
        Set<String> texts = new java.util.HashSet<>();
        texts.add(normalized(posts.get(p).text()));
        besides.forEach(b -> texts.add(normalized(posts.get(b).text())));
        for (int tries = 0; tries < 8 * n && out.size() < n; tries++) {
            int[] list = postings.get(with.get(rnd.nextInt(with.size())));
            if (list == null) {
                continue;
            }
            int o = list[rnd.nextInt(list.length)];
            if (o != p && texts.add(normalized(posts.get(o).text()))) {
                out.add(o);
            }
        }
        return new ArrayList<>(out);
    }

    /** A text without its @mentions, lower case, spaces collapsed: reposted copies of one post compare equal. */
    static String normalized(String text) {
        return SPLIT.matcher(MENTION.matcher(text).replaceAll(" ").toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
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
            String answer = kind == Kind.ASK ? askAnswer(quoted, questionWords, new SplittableRandom(answerSeed))
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
            if (drop >= 0 && order.size() > KEEP_POSTS) {
                order.remove(drop);
                roleOrder.remove(drop);
            } else if (chars > KEEP_POSTS_CHARS) {
                chars = Math.max(KEEP_POSTS_CHARS, chars / 2);
            } else if (drop >= 0) {
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

    /**
     * The key clause of the quoted post sharing the most question words (the lowest number on a tie) with its marker,
     * sometimes a second clause of the next post that has a question word; null when none has one.
     */
    private static String askAnswer(List<QuotedPost> quoted, List<String> questionWords, SplittableRandom rnd) {
        int best = -1;
        int bestScore = 0;
        for (int i = 0; i < quoted.size(); i++) {
            int s = overlap(quoted.get(i).text(), questionWords);
            if (s > bestScore) {
                best = i;
                bestScore = s;
            }
        }
        String first = best < 0 ? null : keyClause(quoted.get(best).text(), questionWords);
        if (first == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(first).append(" [").append(best + 1).append(']');
        if (rnd.nextInt(3) == 0) {
            for (int i = 0; i < quoted.size(); i++) {
                if (i != best && overlap(quoted.get(i).text(), questionWords) > 0) {
                    String second = keyClause(quoted.get(i).text(), questionWords);
                    if (second != null && !second.equals(first)) {
                        sb.append(". ").append(second).append(" [").append(i + 1).append(']');
                    }
                    break;
                }
            }
        }
        return sb.toString();
    }

    /** 1-3 points: post [1] first (its first sentence when it has none of the words), then related posts sharing them. */
    private static String explainAnswer(List<QuotedPost> quoted, List<String> words) {
        StringBuilder sb = new StringBuilder();
        int points = 0;
        for (int i = 0; i < quoted.size() && points < 3; i++) {
            String s = keyClause(quoted.get(i).text(), words);
            if (s == null && i == 0) {
                s = keyClause(quoted.get(0).text(), List.of());
            }
            if (s == null || sb.indexOf("- " + s + " [") >= 0) { // no point twice
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
     * The key clause of a post in its own words: its first sentence of {@value #MIN_CLAUSE_WORDS}-{@value
     * #MAX_CLAUSE_WORDS} words (a shorter sentence runs on into the next) that holds one of {@code words}, else its
     * first sentence; links, mentions and square brackets left out, trailing punctuation dropped. Null when the text
     * has none of {@code words} (with {@code words} empty: its first sentence).
     */
    static String keyClause(String text, List<String> words) {
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
        boolean any = words.isEmpty();
        String first = null;
        for (int start = 0; start < tokens.size(); start++) {
            if (start > 0 && !endsSentence(tokens.get(start - 1))) {
                continue;
            }
            int end = start; // exclusive
            while (end < tokens.size() && end - start < MAX_CLAUSE_WORDS
                    && (end - start < MIN_CLAUSE_WORDS || !endsSentence(tokens.get(end - 1)))) {
                end++;
            }
            List<String> clause = tokens.subList(start, end);
            if (first == null) {
                first = clauseText(clause);
            }
            if (words.isEmpty()) {
                break;
            }
            boolean has = false;
            for (String t : clause) {
                for (String w : contentWords(t)) {
                    has |= words.contains(w);
                }
            }
            any |= has;
            if (has && clause.size() >= MIN_CLAUSE_WORDS) {
                return clauseText(clause);
            }
        }
        return any ? first : null;
    }

    private static boolean endsSentence(String token) {
        char c = token.charAt(token.length() - 1);
        return c == '.' || c == '!' || c == '?';
    }

    private static String clauseText(List<String> clause) {
        String s = String.join(" ", clause).strip();
        while (!s.isEmpty() && ".,;:!?-".indexOf(s.charAt(s.length() - 1)) >= 0) {
            s = s.substring(0, s.length() - 1).strip();
        }
        return s.isEmpty() ? null : s;
    }
}
