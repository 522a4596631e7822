package dev.starling.llm.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The textbook interpolated modified Kneser-Ney, written from the formulas with maps of n-gram lists and no trie:
 * the reference KneserNey must agree with.
 */
final class NaiveKneserNey {

    private final int order;
    private final int vocab;
    /** Raw counts of every n-gram of length 1..order. */
    private final Map<List<Integer>, Integer> raw = new HashMap<>();
    /** Distinct left extensions of every n-gram of length 1..order-1. */
    private final Map<List<Integer>, Set<Integer>> left = new HashMap<>();
    private final double[][] d;

    NaiveKneserNey(int[] s, int order, int vocab) {
        this.order = order;
        this.vocab = vocab;
        for (int i = 0; i < s.length; i++) {
            for (int len = 1; len <= order && len <= i + 1; len++) {
                List<Integer> g = slice(s, i - len + 1, i + 1);
                raw.merge(g, 1, Integer::sum);
                if (len >= 2) {
                    left.computeIfAbsent(g.subList(1, len), k -> new HashSet<>()).add(g.get(0));
                }
            }
        }
        d = new double[order + 1][];
        for (int k = 1; k <= order; k++) {
            long[] n = new long[5];
            for (List<Integer> g : raw.keySet()) {
                if (g.size() == k) {
                    int a = count(g);
                    if (a >= 1 && a <= 4) {
                        n[a]++;
                    }
                }
            }
            d[k] = KneserNey.discounts(n);
        }
    }

    private static List<Integer> slice(int[] s, int from, int to) {
        List<Integer> l = new ArrayList<>();
        for (int i = from; i < to; i++) {
            l.add(s[i]);
        }
        return List.copyOf(l);
    }

    /** The count an order uses: raw at the top order, distinct left extensions below. */
    private int count(List<Integer> g) {
        if (g.size() == order) {
            return raw.getOrDefault(g, 0);
        }
        Set<Integer> l = left.get(g);
        return l == null ? 0 : l.size();
    }

    double probability(List<Integer> history, int w) {
        List<Integer> h = history.size() > order - 1 ? history.subList(history.size() - order + 1, history.size())
                : history;
        return p(h, w);
    }

    private double p(List<Integer> h, int w) {
        double lower = h.isEmpty() ? 1.0 / vocab : p(h.subList(1, h.size()), w);
        long total = 0;
        int n1 = 0;
        int n2 = 0;
        int n3 = 0;
        for (int x = 0; x < vocab; x++) {
            List<Integer> g = new ArrayList<>(h);
            g.add(x);
            int a = raw.containsKey(List.copyOf(g)) ? count(List.copyOf(g)) : 0;
            total += a;
            if (a == 1) {
                n1++;
            } else if (a == 2) {
                n2++;
            } else if (a >= 3) {
                n3++;
            }
        }
        if (total == 0) {
            return lower; // an unseen history: back off
        }
        List<Integer> g = new ArrayList<>(h);
        g.add(w);
        int a = raw.containsKey(List.copyOf(g)) ? count(List.copyOf(g)) : 0;
        double[] dk = d[h.size() + 1];
        double discounted = a == 0 ? 0 : a - dk[Math.min(a, 3)];
        return (discounted + (dk[1] * n1 + dk[2] * n2 + dk[3] * n3) * lower) / total;
    }
}
