package dev.starling.ai.answers;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns {@link GroundingBench} prints for Ask and for the assistant alike: citations valid and visible, answers
 * citing, grounded ({@link Grounding}), relevant ({@link Relevance}), citation precision, how often the posts the model
 * was given held one on the question's topic (retrieval), by question kind, and the latencies.
 */
final class GroundingTally {

    /** Counts of one question kind (or of all). */
    static final class Counts {
        int answered;
        int valid;
        int noEvidence;
        int modelAnswers;
        int cited;
        int grounded;
        int relevant;
        int evidenceOnTopic;
        double precisionSum;
    }

    private final String label;
    private final Counts all = new Counts();
    private final Map<String, Counts> byKind = new LinkedHashMap<>();
    private final int[] supportBuckets = new int[11];
    final List<Long> firstMillis = new ArrayList<>();
    final List<Long> totalMillis = new ArrayList<>();
    final List<String> invalid = new ArrayList<>();
    /** Posts a model was given that its reader may not see (must stay empty). */
    final List<String> hidden = new ArrayList<>();
    final List<String> samples = new ArrayList<>();
    int notAnswered;

    GroundingTally(String label) {
        this.label = label;
    }

    /**
     * Counts one answer.
     *
     * @param kind            the question's kind
     * @param v               its relevance verdict (with the grounding verdict inside)
     * @param cites           it cites at least one post (for the assistant: its text has an {@code [n]} marker)
     * @param evidenceOnTopic one of the posts the model was given is on the question's topic
     */
    void add(String kind, Relevance.Verdict v, boolean cites, boolean evidenceOnTopic) {
        for (Counts c : List.of(all, byKind.computeIfAbsent(kind, k -> new Counts()))) {
            c.answered++;
            c.valid += v.grounding().citationsValid() ? 1 : 0;
            c.evidenceOnTopic += evidenceOnTopic ? 1 : 0;
            if (v.grounding().noEvidence()) {
                c.noEvidence++;
                continue;
            }
            c.modelAnswers++;
            c.cited += cites ? 1 : 0;
            c.grounded += v.grounding().grounded() ? 1 : 0;
            c.relevant += v.relevant() ? 1 : 0;
            c.precisionSum += v.citationPrecision();
        }
        if (!v.grounding().noEvidence()) {
            supportBuckets[(int) Math.floor(v.grounding().support() * 10)]++;
        }
    }

    int answered() {
        return all.answered;
    }

    int valid() {
        return all.valid;
    }

    /**
     * Prints the columns. Shares of "model answers" count a question the feature did not answer (a backend failure, or an
     * assistant whose every attempt was empty once cleaned) as a model answer that is neither citing, grounded nor relevant.
     */
    void print() {
        Counts a = all;
        int modelAnswers = a.modelAnswers + notAnswered;
        System.out.printf("%s over %d questions (%d answered, %d not): citations valid and visible in %d of %d (%.1f%%)%n", label,
                a.answered + notAnswered, a.answered, notAnswered, a.valid, a.answered, pct(a.valid, a.answered));
        System.out.printf("  no evidence: %d of %d (%.1f%%); model answers: %d (%d of them not answered), of which cite >= 1 post: %d"
                + " (%.1f%%)%n", a.noEvidence, a.answered, pct(a.noEvidence, a.answered), modelAnswers, notAnswered, a.cited,
                pct(a.cited, modelAnswers));
        System.out.printf("  GROUNDED (support >= %.1f, >= 1 valid citation): %d of %d model answers (%.1f%%)%n",
                Grounding.GROUNDED_SUPPORT, a.grounded, modelAnswers, pct(a.grounded, modelAnswers));
        System.out.printf("  RELEVANT (grounded, and support >= %.1f from cited posts on the question's topic): %d of %d (%.1f%%);"
                + " mean citation precision of the answers given %.2f%n", Grounding.GROUNDED_SUPPORT, a.relevant, modelAnswers,
                pct(a.relevant, modelAnswers), a.modelAnswers == 0 ? 0 : a.precisionSum / a.modelAnswers);
        System.out.printf("  retrieval: a post on the question's topic among the posts the model was given in %d of %d (%.1f%%)%n",
                a.evidenceOnTopic, a.answered, pct(a.evidenceOnTopic, a.answered));
        StringBuilder dist = new StringBuilder("  key-word support of model answers:");
        for (int i = 0; i <= 10; i++) {
            dist.append(i == 10 ? " [1.0]=" : String.format(" [%.1f,%.1f)=", i / 10.0, (i + 1) / 10.0)).append(supportBuckets[i]);
        }
        System.out.println(dist);
        byKind.forEach((kind, k) -> System.out.printf("  %-14s %3d answered, %3d valid, %3d grounded, %3d relevant, %3d on-topic"
                + " evidence, %3d no evidence%n", kind, k.answered, k.valid, k.grounded, k.relevant, k.evidenceOnTopic, k.noEvidence));
        System.out.printf("  model answers: first text p50 %d ms p90 %d ms; total p50 %d ms p90 %d ms (load average %.1f)%n",
                pctl(firstMillis, 50), pctl(firstMillis, 90), pctl(totalMillis, 50), pctl(totalMillis, 90), load());
        samples.forEach(s -> System.out.println("  " + s));
        invalid.forEach(s -> System.out.println("  INVALID " + s));
        // | run | answered | valid + visible | cite >= 1 | grounded | relevant | on-topic evidence | precision | first p50/p90 | total p50/p90 |
        System.out.printf("  TABLE | %s | %d/%d | %.0f%% | %.0f%% | %.0f%% | **%.0f%%** | %.0f%% | %.2f | %d/%d ms | %d/%d ms |%n", label,
                a.answered, a.answered + notAnswered,
                pct(a.valid, a.answered), pct(a.cited, modelAnswers), pct(a.grounded, modelAnswers), pct(a.relevant, modelAnswers),
                pct(a.evidenceOnTopic, a.answered), a.modelAnswers == 0 ? 0 : a.precisionSum / a.modelAnswers, pctl(firstMillis, 50),
                pctl(firstMillis, 90), pctl(totalMillis, 50), pctl(totalMillis, 90));
    }

    static double pct(int n, int of) {
        return of == 0 ? 0 : 100.0 * n / of;
    }

    static long pctl(List<Long> values, int p) {
        if (values.isEmpty()) {
            return -1;
        }
        long[] s = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }

    static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
