package dev.starling.search.eval;

import java.util.List;
import java.util.Set;

/** Binary-relevance retrieval metrics for one ranked list. */
public final class RetrievalMetrics {

    private RetrievalMetrics() {
    }

    /** nDCG@k with gain 1 for relevant documents and log2(rank + 1) discount. */
    public static double ndcg(List<Long> ranked, Set<Long> relevant, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (relevant.contains(ranked.get(i))) {
                dcg += 1 / log2(i + 2);
            }
        }
        double ideal = 0;
        for (int i = 0; i < Math.min(k, relevant.size()); i++) {
            ideal += 1 / log2(i + 2);
        }
        return ideal == 0 ? 0 : dcg / ideal;
    }

    /** Average precision over the whole ranked list (relevant documents not retrieved count as precision 0). */
    public static double averagePrecision(List<Long> ranked, Set<Long> relevant) {
        if (relevant.isEmpty()) {
            return 0;
        }
        double sum = 0;
        int hits = 0;
        for (int i = 0; i < ranked.size(); i++) {
            if (relevant.contains(ranked.get(i))) {
                hits++;
                sum += (double) hits / (i + 1);
            }
        }
        return sum / relevant.size();
    }

    /** Fraction of the relevant documents among the first k. */
    public static double recall(List<Long> ranked, Set<Long> relevant, int k) {
        if (relevant.isEmpty()) {
            return 0;
        }
        int hits = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (relevant.contains(ranked.get(i))) {
                hits++;
            }
        }
        return (double) hits / relevant.size();
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
