package dev.starling.ai.backend;

import dev.starling.llm.generate.LogitsProcessor;
import dev.starling.llm.tensor.StableMath;
import dev.starling.llm.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Copy-augmented decoding: the model's next-token distribution mixed with a <em>copy distribution</em> over the
 * evidence texts, so that an answer continues spans of the posts it rests on (as pointer-generator networks and kNN-LM
 * mix a copy or retrieval distribution into the model's):
 *
 * <pre>  p(w) = (1 - weight) * p_model(w) + weight * p_copy(w)   when p_copy is defined, else p_model(w)</pre>
 *
 * <p><b>p_copy</b>, from the output so far (the answer's tokens only, never the prompt):
 * <ol>
 * <li>At the start of the answer, or right after a citation marker ({@code [2]}, possibly followed by white space):
 *     all mass on the first token of the <em>next clause not yet copied</em>, in evidence order: clauses start at the
 *     start of every source and after every token whose text ends in {@code . ! ? ; :} or a line break; a clause counts
 *     as copied when its first {@value #OPENING_TOKENS} tokens (fewer when it is shorter) already occur in the output.
 *     So an answer goes through the evidence clause by clause (post [1] first, the best match) instead of repeating
 *     one; when every clause is copied, p_copy is undefined.</li>
 * <li>While the output since the answer's start or the last citation marker is still the opening of the clause the
 *     previous rule chose there (and, within {@value #FOLLOW_TOKENS} tokens, followed it exactly): all mass on that
 *     clause's next token. Without this, clauses that begin alike (posts that all open with the same hashtag) lost their
 *     identity after the first token, and the next rule went back to a clause already copied, over and over.</li>
 * <li>Otherwise, longest match first: for k = min({@link #maxMatch()}, output length) down to 1, every position in
 *     a source where the last k output tokens occur and a token follows; at the first k with any such position, p_copy
 *     gives each following token its share of those positions (so longer matches win outright; shorter ones only
 *     count when there is no longer one).</li>
 * <li>No position: p_copy is undefined and the logits are left exactly as they are.</li>
 * </ol>
 *
 * <p>The mixture is written back in logit space as log p(w) (log-softmax of the logits, mixed, log again), before the
 * sampler's own steps, so greedy and sampled decoding both use it. A weight of 0 leaves the logits bit-identical.
 * The sources must be only text the reader may see (the answer's evidence posts, already filtered by visibility):
 * this class copies from whatever it is given.
 */
public final class CopyMixture implements LogitsProcessor {

    /** Limits on the sources. */
    public static final int MAX_SOURCES = 64;
    public static final int MAX_SOURCE_TOKENS = 1 << 16;
    public static final int MAX_MATCH = 8;
    /** The match length used unless told otherwise. */
    public static final int DEFAULT_MAX_MATCH = 4;
    /** How many output tokens are decoded to look for a citation marker at the end of the output. */
    static final int MARKER_TOKENS = 6;
    /** How many tokens of a clause's opening show that it was copied already. */
    static final int OPENING_TOKENS = 3;
    /** How far back the output is searched for the citation marker whose chosen clause it may be following. */
    static final int FOLLOW_TOKENS = 96;
    /**
     * Whether the clause-following rule is on (default); {@code -Dstarling.ai.copyFollow=false} turns it off, to compare
     * both in one benchmark run (GroundingBench).
     */
    static final boolean FOLLOW = !"false".equals(System.getProperty("starling.ai.copyFollow"));
    private static final Pattern ENDS_WITH_MARKER = Pattern.compile("\\[\\s*\\d{1,4}(?:\\s*,\\s*\\d{1,4})*\\s*]\\s*$");

    private final int[][] sources;
    private final double weight;
    private final int maxMatch;
    private final int vocabSize;
    /** Clause starts in evidence order, as (source index, offset) pairs. */
    private final int[] starts;
    private final Predicate<int[]> endsWithCitation;

    /**
     * @param sources          the evidence texts as token ids (at most {@link #MAX_SOURCES}, {@link #MAX_SOURCE_TOKENS}
     *                         tokens in all), each id below {@code vocabSize}
     * @param weight           the copy weight, in [0, 1)
     * @param maxMatch         the longest output suffix matched, 1..{@link #MAX_MATCH}
     * @param vocabSize        the model's vocabulary size (the length of its logits)
     * @param endsClause       whether a token ends a clause (the next token of the source starts one)
     * @param endsWithCitation whether the last (up to {@value #MARKER_TOKENS}) output tokens end with a citation marker
     */
    public CopyMixture(List<int[]> sources, double weight, int maxMatch, int vocabSize, IntPredicate endsClause,
            Predicate<int[]> endsWithCitation) {
        if (!(weight >= 0 && weight < 1)) {
            throw new IllegalArgumentException("the copy weight must be in [0, 1), got " + weight);
        }
        if (maxMatch < 1 || maxMatch > MAX_MATCH) {
            throw new IllegalArgumentException("maxMatch must be 1.." + MAX_MATCH + ", got " + maxMatch);
        }
        if (sources.size() > MAX_SOURCES) {
            throw new IllegalArgumentException("at most " + MAX_SOURCES + " copy sources, got " + sources.size());
        }
        Objects.requireNonNull(endsClause, "endsClause");
        this.endsWithCitation = Objects.requireNonNull(endsWithCitation, "endsWithCitation");
        long total = 0;
        List<int[]> kept = new ArrayList<>();
        List<Integer> startList = new ArrayList<>();
        for (int s = 0; s < sources.size(); s++) {
            int[] ids = sources.get(s);
            total += ids.length;
            if (total > MAX_SOURCE_TOKENS) {
                throw new IllegalArgumentException("the copy sources are more than " + MAX_SOURCE_TOKENS + " tokens");
            }
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] < 0 || ids[i] >= vocabSize) {
                    throw new IllegalArgumentException("copy source " + s + " has token id " + ids[i] + " at " + i
                            + ", outside the vocabulary of " + vocabSize);
                }
                if (i == 0 || endsClause.test(ids[i - 1])) {
                    startList.add(kept.size());
                    startList.add(i);
                }
            }
            if (ids.length > 0) {
                kept.add(ids.clone());
            }
        }
        this.sources = kept.toArray(int[][]::new);
        this.weight = weight;
        this.maxMatch = maxMatch;
        this.vocabSize = vocabSize;
        this.starts = startList.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The mixture over {@code texts} as {@code tokenizer} encodes them (plain text: no BOS, control-token text
     * tokenized as text), with citation markers found by decoding the output's last tokens.
     */
    public static CopyMixture of(Tokenizer tokenizer, List<String> texts, double weight, int maxMatch) {
        List<int[]> ids = new ArrayList<>(texts.size());
        for (String t : texts) {
            ids.add(tokenizer.encode(t, false, false));
        }
        IntPredicate endsClause = id -> {
            String raw = tokenizer.decode(new int[] {id});
            String s = raw.stripTrailing();
            return raw.endsWith("\n") || !s.isEmpty() && ".!?;:".indexOf(s.charAt(s.length() - 1)) >= 0;
        };
        return new CopyMixture(ids, weight, maxMatch, tokenizer.vocabSize(), endsClause,
                tail -> ENDS_WITH_MARKER.matcher(tokenizer.decode(tail)).find());
    }

    public double weight() {
        return weight;
    }

    public int maxMatch() {
        return maxMatch;
    }

    /** A copy distribution: token ids and their probabilities (summing to 1), and the match length it came from. */
    public record Distribution(int[] ids, double[] probs, int matchLength) {
    }

    /**
     * p_copy after the output {@code history[from..to)}; null when undefined. {@code matchLength} is 0 for the start
     * rule (answer start or after a citation marker).
     */
    public Distribution copyDistribution(int[] history, int from, int to) {
        int n = to - from;
        if (n == 0 || endsWithCitation.test(Arrays.copyOfRange(history, Math.max(from, to - MARKER_TOKENS), to))) {
            return nextClause(history, from, to);
        }
        Distribution followed = FOLLOW ? followClause(history, from, to) : null;
        if (followed != null) {
            return followed;
        }
        int[] next = new int[64];
        for (int k = Math.min(maxMatch, n); k >= 1; k--) {
            int found = 0;
            int last = history[to - 1];
            for (int[] s : sources) {
                for (int j = k; j < s.length; j++) {
                    if (s[j - 1] != last) {
                        continue;
                    }
                    boolean match = true;
                    for (int i = 2; i <= k; i++) {
                        if (s[j - i] != history[to - i]) {
                            match = false;
                            break;
                        }
                    }
                    if (match) {
                        if (found == next.length) {
                            next = Arrays.copyOf(next, 2 * found);
                        }
                        next[found++] = s[j];
                    }
                }
            }
            if (found > 0) {
                return counted(next, found, k);
            }
        }
        return null;
    }

    /** The first token of the first clause not yet copied, or null when every clause is. */
    private Distribution nextClause(int[] history, int from, int to) {
        int clause = nextClauseIndex(history, from, to);
        return clause < 0 ? null : new Distribution(new int[] {sources[starts[clause]][starts[clause + 1]]}, new double[] {1.0}, 0);
    }

    /** The index into {@link #starts} of the first clause whose opening does not occur in {@code history[from..to)}, or -1. */
    private int nextClauseIndex(int[] history, int from, int to) {
        for (int i = 0; i < starts.length; i += 2) {
            int[] s = sources[starts[i]];
            int at = starts[i + 1];
            int len = Math.min(OPENING_TOKENS, s.length - at);
            if (!occurs(history, from, to, s, at, len)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The next token of the clause chosen at the answer's start or at the last citation marker, when the output since
     * then is exactly that clause's opening (and a token of its source follows); null otherwise.
     */
    private Distribution followClause(int[] history, int from, int to) {
        int chosenAt = -1;
        for (int p = to - 1; p >= Math.max(from, to - FOLLOW_TOKENS); p--) {
            if (p == from || endsWithCitation.test(Arrays.copyOfRange(history, Math.max(from, p - MARKER_TOKENS), p))) {
                chosenAt = p;
                break;
            }
        }
        if (chosenAt < 0) {
            return null;
        }
        int clause = nextClauseIndex(history, from, chosenAt);
        if (clause < 0) {
            return null;
        }
        int[] s = sources[starts[clause]];
        int at = starts[clause + 1];
        int done = to - chosenAt;
        if (at + done >= s.length) {
            return null;
        }
        for (int j = 0; j < done; j++) {
            if (history[chosenAt + j] != s[at + j]) {
                return null;
            }
        }
        return new Distribution(new int[] {s[at + done]}, new double[] {1.0}, done);
    }

    /** Whether {@code s[at..at+len)} occurs in {@code history[from..to)}. */
    private static boolean occurs(int[] history, int from, int to, int[] s, int at, int len) {
        outer:
        for (int i = from; i + len <= to; i++) {
            for (int j = 0; j < len; j++) {
                if (history[i + j] != s[at + j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static Distribution counted(int[] tokens, int count, int matchLength) {
        int[] sorted = Arrays.copyOf(tokens, count);
        Arrays.sort(sorted);
        int distinct = 0;
        int[] ids = new int[count];
        double[] probs = new double[count];
        for (int i = 0; i < count; i++) {
            if (distinct > 0 && ids[distinct - 1] == sorted[i]) {
                probs[distinct - 1] += 1.0 / count;
            } else {
                ids[distinct] = sorted[i];
                probs[distinct++] = 1.0 / count;
            }
        }
        return new Distribution(Arrays.copyOf(ids, distinct), Arrays.copyOf(probs, distinct), matchLength);
    }

    @Override
    public void process(float[] logits, int[] history, int promptTokens, int length) {
        if (weight == 0) {
            return;
        }
        if (logits.length != vocabSize) {
            throw new IllegalArgumentException("logits have " + logits.length + " entries, the vocabulary " + vocabSize);
        }
        Distribution copy = copyDistribution(history, promptTokens, length);
        if (copy != null) {
            mix(logits, copy, weight);
        }
    }

    /** Replaces {@code logits} by log((1 - weight) * softmax(logits) + weight * copy). */
    static void mix(float[] logits, Distribution copy, double weight) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += StableMath.exp(l - max);
        }
        double logZ = max + StrictMath.log(sum);
        double logKeep = StrictMath.log1p(-weight);
        double[] copied = new double[copy.ids().length];
        for (int i = 0; i < copied.length; i++) {
            int id = copy.ids()[i];
            double pModel = StableMath.exp(logits[id] - logZ);
            copied[i] = StrictMath.log((1 - weight) * pModel + weight * copy.probs()[i]);
        }
        for (int w = 0; w < logits.length; w++) {
            logits[w] = (float) (logits[w] - logZ + logKeep);
        }
        for (int i = 0; i < copied.length; i++) {
            logits[copy.ids()[i]] = (float) copied[i];
        }
    }
}
