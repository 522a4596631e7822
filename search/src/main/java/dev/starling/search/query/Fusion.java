package dev.starling.search.query;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reciprocal rank fusion (Cormack et al. 2009): score(d) = sum over lists of 1 / (k + rank). */
public final class Fusion {

    public static final int K = 60;

    private Fusion() {
    }

    public static List<Long> reciprocalRank(List<List<Long>> rankings, int k) {
        Map<Long, Double> score = new HashMap<>();
        Map<Long, Integer> firstSeen = new HashMap<>();
        int order = 0;
        for (List<Long> r : rankings) {
            for (int i = 0; i < r.size(); i++) {
                score.merge(r.get(i), 1.0 / (k + i + 1), Double::sum);
                firstSeen.putIfAbsent(r.get(i), order++);
            }
        }
        List<Long> ids = new ArrayList<>(score.keySet());
        ids.sort((a, b) -> {
            int c = Double.compare(score.get(b), score.get(a));
            return c != 0 ? c : Integer.compare(firstSeen.get(a), firstSeen.get(b));
        });
        return ids;
    }
}
