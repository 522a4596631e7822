package dev.starling.ai.trends;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which trending phrases are only part of a longer trending phrase (see {@link #subsumed}).
 *
 * <p>{@link #subsumed} runs in time linear in the number of phrases (times the sub-phrases of each, a handful for the
 * 2- and 3-word phrases the counters keep): a trend refresh under a burst of posts sees thousands of trending phrases,
 * and comparing every pair (as {@link #subsumedReference} does, kept as the readable definition the tests hold the fast
 * one to) took 40% of serve's CPU in a write benchmark.
 */
public final class PhraseDedup {

    /** A shorter phrase is dropped when the longer one has at least this share of its accounts. */
    public static final double SHARE = 0.8;

    private PhraseDedup() {
    }

    /**
     * The phrases of {@code accountsByPhrase} contained (as whole words) in a longer phrase of the map that was used by
     * at least {@link #SHARE} times as many accounts: "solar eclipse" goes when "total solar eclipse" carries the
     * same conversation, stays when many people say "solar eclipse" without "total"; and the phrases that only continue
     * another phrase of the same length by one word with a similar audience (a longer phrase seen through a window).
     * The result is the same, in the same order, as {@link #subsumedReference}.
     */
    public static List<String> subsumed(Map<String, Integer> accountsByPhrase) {
        Map<String, String[]> words = new HashMap<>();
        for (String phrase : accountsByPhrase.keySet()) {
            String[] w = phrase.split(" ", -1);
            if (Arrays.asList(w).contains("")) {
                return subsumedReference(accountsByPhrase); // not single-spaced words: only the definition is exact
            }
            words.put(phrase, w);
        }
        // 1. the most accounts of any longer phrase that contains each phrase (a contained phrase of whole words is a
        //    run of fewer words of the longer one)
        Map<String, Integer> mostByContainer = new HashMap<>();
        for (var longer : accountsByPhrase.entrySet()) {
            String[] w = words.get(longer.getKey());
            for (int len = 1; len < w.length; len++) {
                for (int start = 0; start + len <= w.length; start++) {
                    String part = String.join(" ", Arrays.copyOfRange(w, start, start + len));
                    if (accountsByPhrase.containsKey(part)) {
                        mostByContainer.merge(part, longer.getValue(), Math::max);
                    }
                }
            }
        }
        List<String> out = new ArrayList<>();
        Set<String> dropped = new HashSet<>();
        for (var shorter : accountsByPhrase.entrySet()) {
            Integer most = mostByContainer.get(shorter.getKey());
            if (most != null && most >= SHARE * shorter.getValue()) {
                out.add(shorter.getKey());
                dropped.add(shorter.getKey());
            }
        }
        // 2. "power cut mid" and "cut mid game" are one longer phrase seen through a 3-word window (see the reference):
        //    the phrases that b continues are those whose last n-1 words are b's first n-1
        Map<String, List<String>> byLastWords = new HashMap<>();
        for (String a : accountsByPhrase.keySet()) {
            String[] w = words.get(a);
            if (w.length >= 2) {
                byLastWords.computeIfAbsent(lastWords(w), k -> new ArrayList<>()).add(a);
            }
        }
        for (var b : accountsByPhrase.entrySet()) {
            String[] bw = words.get(b.getKey());
            if (dropped.contains(b.getKey()) || bw.length < 2) {
                continue;
            }
            for (String a : byLastWords.getOrDefault(firstWords(bw), List.of())) {
                int av = accountsByPhrase.get(a);
                int bv = b.getValue();
                boolean eachOther = lastWords(bw).equals(firstWords(words.get(a)));
                if (!a.equals(b.getKey()) && Math.min(av, bv) >= SHARE * Math.max(av, bv)
                        && !(eachOther && b.getKey().compareTo(a) < 0)) {
                    out.add(b.getKey());
                    break;
                }
            }
        }
        return out;
    }

    private static String firstWords(String[] w) {
        return String.join(" ", Arrays.copyOfRange(w, 0, w.length - 1));
    }

    private static String lastWords(String[] w) {
        return String.join(" ", Arrays.copyOfRange(w, 1, w.length));
    }

    /** The readable definition of {@link #subsumed}, comparing every pair of phrases. */
    static List<String> subsumedReference(Map<String, Integer> accountsByPhrase) {
        List<String> out = new ArrayList<>();
        for (var shorter : accountsByPhrase.entrySet()) {
            String s = " " + shorter.getKey() + " ";
            for (var longer : accountsByPhrase.entrySet()) {
                if (longer.getKey().length() > shorter.getKey().length() && (" " + longer.getKey() + " ").contains(s)
                        && longer.getValue() >= SHARE * shorter.getValue()) {
                    out.add(shorter.getKey());
                    break;
                }
            }
        }
        // "power cut mid" and "cut mid game" are one longer phrase seen through a 3-word window: keep the phrase that
        // starts the chain and drop every phrase that continues another one by a word with a similar audience
        // (decided on the whole set, so the result does not depend on iteration order; of two phrases continuing each
        // other, the alphabetically first stays).
        for (var b : accountsByPhrase.entrySet()) {
            if (out.contains(b.getKey())) {
                continue;
            }
            for (var a : accountsByPhrase.entrySet()) {
                if (continues(a.getKey(), b.getKey()) && Math.min(a.getValue(), b.getValue()) >= SHARE * Math.max(a.getValue(), b.getValue())
                        && !(continues(b.getKey(), a.getKey()) && b.getKey().compareTo(a.getKey()) < 0)) {
                    out.add(b.getKey());
                    break;
                }
            }
        }
        return out;
    }

    /** Whether {@code b} is {@code a} moved on by one word ("power cut mid" -> "cut mid game"). */
    static boolean continues(String a, String b) {
        String[] aw = a.split(" ");
        String[] bw = b.split(" ");
        if (a.equals(b) || aw.length != bw.length || aw.length < 2) {
            return false;
        }
        for (int i = 1; i < aw.length; i++) {
            if (!aw[i].equals(bw[i - 1])) {
                return false;
            }
        }
        return true;
    }
}
