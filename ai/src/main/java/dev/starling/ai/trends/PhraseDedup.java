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
     * same conversation, stays when many people say "solar eclipse" without "total".
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
        return out;
    }
}
