package dev.starling.ai.trends;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Which trending phrases are only part of a longer trending phrase (see {@link #subsumed}). */
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
     */
    public static List<String> subsumed(Map<String, Integer> accountsByPhrase) {
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
