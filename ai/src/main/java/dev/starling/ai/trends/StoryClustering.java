package dev.starling.ai.trends;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Groups trending items into stories, greedily and explainably: items are taken best score first; each is described
 * by the normalized mean embedding of its representative posts; it joins the existing story whose centroid it is
 * most similar to (cosine) if that similarity is at least {@code minSimilarity}, or any story that already holds at
 * least {@code minSharedPosts} of its posts (the same posts carry both items: "#aurora" and "northern lights" are
 * written in the same posts); otherwise it starts a new story. A story's centroid is the normalized mean of its
 * items' vectors. Stories keep the order of their best item.
 */
public final class StoryClustering {

    /** A trending item with its representative posts and their mean embedding (unit length, or all zeros if none). */
    public record Candidate(TrendKind kind, String term, double score, List<Long> postIds, float[] vector) {
        public Candidate {
            postIds = List.copyOf(postIds);
        }
    }

    /** One story: its items (best first), the union of their posts (in item order) and its score (its best item's). */
    public record Cluster(List<Candidate> items, List<Long> postIds, double score) {
    }

    private StoryClustering() {
    }

    public static List<Cluster> cluster(List<Candidate> candidates, double minSimilarity, int minSharedPosts) {
        List<Candidate> sorted = new ArrayList<>(candidates);
        sorted.sort((a, b) -> Double.compare(b.score(), a.score()));
        List<List<Candidate>> groups = new ArrayList<>();
        List<float[]> centroids = new ArrayList<>();
        for (Candidate c : sorted) {
            int best = -1;
            double bestSim = Double.NEGATIVE_INFINITY;
            for (int g = 0; g < groups.size(); g++) {
                double sim = cosine(c.vector(), centroids.get(g));
                boolean shares = shared(c, groups.get(g)) >= minSharedPosts;
                double rank = shares ? Math.max(sim, minSimilarity) + 1 : sim; // sharing posts wins over mere similarity
                if ((sim >= minSimilarity || shares) && rank > bestSim) {
                    bestSim = rank;
                    best = g;
                }
            }
            if (best < 0) {
                groups.add(new ArrayList<>(List.of(c)));
                centroids.add(c.vector().clone());
            } else {
                groups.get(best).add(c);
                centroids.set(best, centroid(groups.get(best)));
            }
        }
        List<Cluster> out = new ArrayList<>();
        for (List<Candidate> g : groups) {
            Set<Long> posts = new LinkedHashSet<>();
            for (Candidate c : g) {
                posts.addAll(c.postIds());
            }
            out.add(new Cluster(List.copyOf(g), List.copyOf(posts), g.getFirst().score()));
        }
        return out;
    }

    static int shared(Candidate c, List<Candidate> group) {
        Set<Long> in = new java.util.HashSet<>();
        for (Candidate g : group) {
            in.addAll(g.postIds());
        }
        int n = 0;
        for (long p : c.postIds()) {
            if (in.contains(p)) {
                n++;
            }
        }
        return n;
    }

    static float[] centroid(List<Candidate> group) {
        float[] sum = new float[group.getFirst().vector().length];
        for (Candidate c : group) {
            float[] v = c.vector();
            for (int i = 0; i < sum.length && i < v.length; i++) {
                sum[i] += v[i];
            }
        }
        return normalize(sum);
    }

    /** The cosine of two vectors (0 when either is all zeros). */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of different lengths: " + a.length + " and " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    /** The normalized mean of vectors (all zeros when there are none or they cancel out). */
    public static float[] mean(List<float[]> vectors, int dimension) {
        float[] sum = new float[dimension];
        for (float[] v : vectors) {
            for (int i = 0; i < dimension; i++) {
                sum[i] += v[i];
            }
        }
        return normalize(sum);
    }

    private static float[] normalize(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        if (s > 0) {
            float inv = (float) (1 / Math.sqrt(s));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
        return v;
    }
}
