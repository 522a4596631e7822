package dev.starling.llm.tokenizer;

import java.util.Arrays;
import java.util.Map;

/** Builds a {@link BpeMerges} table from merge rules given as text. */
final class Merges {

    private Merges() {
    }

    /** Merge rules as parallel arrays of left and right token texts, in rank order. */
    record Rules(String[] lefts, String[] rights) {
        Rules {
            if (lefts.length != rights.length) {
                throw new IllegalArgumentException(lefts.length + " left parts but " + rights.length + " right parts");
            }
        }
    }

    /**
     * Splits rules "left right" (GGUF tokenizer.ggml.merges, tokenizer.json merges as strings).
     *
     * @throws IllegalArgumentException naming the source and index of a rule that is not two parts
     */
    static Rules split(String[] rules, String source) {
        String[] lefts = new String[rules.length];
        String[] rights = new String[rules.length];
        for (int r = 0; r < rules.length; r++) {
            String rule = rules[r];
            int space = rule.indexOf(' ', 1);
            if (space < 0 || space == rule.length() - 1) {
                throw new IllegalArgumentException(source + "[" + r + "] = '" + rule
                        + "' is not two tokens separated by a space");
            }
            lefts[r] = rule.substring(0, space);
            rights[r] = rule.substring(space + 1);
        }
        return new Rules(lefts, rights);
    }

    /**
     * The merge table for rules over a vocabulary index. A rule whose parts or result are not in the vocabulary can
     * never apply and is skipped (as in llama.cpp); the order of the others is kept.
     */
    static BpeMerges build(Map<String, Integer> index, Rules rules) {
        String[] lefts = rules.lefts();
        String[] rights = rules.rights();
        int[] l = new int[lefts.length];
        int[] r = new int[lefts.length];
        int[] m = new int[lefts.length];
        int n = 0;
        for (int i = 0; i < lefts.length; i++) {
            Integer a = index.get(lefts[i]);
            Integer b = index.get(rights[i]);
            Integer c = index.get(lefts[i] + rights[i]);
            if (a == null || b == null || c == null) {
                continue;
            }
            l[n] = a;
            r[n] = b;
            m[n] = c;
            n++;
        }
        return new BpeMerges(Arrays.copyOf(l, n), Arrays.copyOf(r, n), Arrays.copyOf(m, n));
    }
}
