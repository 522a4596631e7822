package dev.starling.llm.tokenizer;

import java.util.Map;

/** Builds a {@link BpeMerges} table from merge rules given as text. */
final class Merges {

    private Merges() {
    }

    /**
     * From rules "left right" (GGUF tokenizer.ggml.merges, tokenizer.json merges as strings), in rank order. A rule
     * whose parts or result are not in the vocabulary can never apply and is skipped (as in llama.cpp).
     *
     * @throws IllegalArgumentException naming the source and index of a rule that is not two parts
     */
    static BpeMerges fromPairs(Vocabulary vocab, String[] rules, String source) {
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
        return fromParts(vocab, lefts, rights);
    }

    /** From rules given as (left, right) texts, in rank order. */
    static BpeMerges fromParts(Vocabulary vocab, String[] lefts, String[] rights) {
        Map<String, Integer> index = vocab.buildIndex();
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
        return new BpeMerges(java.util.Arrays.copyOf(l, n), java.util.Arrays.copyOf(r, n),
                java.util.Arrays.copyOf(m, n));
    }
}
