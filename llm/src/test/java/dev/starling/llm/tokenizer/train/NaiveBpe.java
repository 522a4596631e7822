package dev.starling.llm.tokenizer.train;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The readable reference of BPE training: recounts every pair of every word before each merge and takes the most
 * frequent (ties: smaller left id, then smaller right id). Slow, obviously right; BpeTrainer must learn the same
 * merges.
 */
final class NaiveBpe {

    private NaiveBpe() {
    }

    /** Merge rules "left right" learned from words (pre-tokens, already split) with their counts. */
    static List<String> merges(Map<String, Long> wordCounts, int maxNewTokens, int minPairCount,
                               Set<String> specialTexts) {
        List<String> tokens = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteChars.charOf(b)));
            index.put(tokens.get(b), b);
        }
        Set<String> specialForms = new HashSet<>();
        for (String s : specialTexts) {
            specialForms.add(ByteChars.encode(s.getBytes(StandardCharsets.UTF_8)));
        }
        List<int[]> words = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (var e : wordCounts.entrySet()) {
            byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
            int[] s = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                s[i] = b[i] & 0xFF;
            }
            words.add(s);
            counts.add(e.getValue());
        }
        List<String> merges = new ArrayList<>();
        Set<Long> banned = new HashSet<>();
        while (tokens.size() - 256 < maxNewTokens) {
            TreeMap<Long, Long> pairCounts = new TreeMap<>(); // key order = (left, right) ascending for ids < 2^31
            for (int w = 0; w < words.size(); w++) {
                int[] s = words.get(w);
                for (int i = 0; i + 1 < s.length; i++) {
                    pairCounts.merge(((long) s[i] << 32) | s[i + 1], counts.get(w), Long::sum);
                }
            }
            long bestKey = -1;
            long best = 0;
            for (var e : pairCounts.entrySet()) {
                if (e.getValue() > best && !banned.contains(e.getKey())) {
                    best = e.getValue();
                    bestKey = e.getKey();
                }
            }
            if (bestKey < 0 || best < minPairCount) {
                break;
            }
            int left = (int) (bestKey >>> 32);
            int right = (int) bestKey;
            String merged = tokens.get(left) + tokens.get(right);
            if (specialForms.contains(merged)) {
                banned.add(bestKey);
                continue;
            }
            Integer id = index.get(merged);
            if (id == null) {
                id = tokens.size();
                tokens.add(merged);
                index.put(merged, id);
            }
            merges.add(tokens.get(left) + " " + tokens.get(right));
            for (int w = 0; w < words.size(); w++) {
                int[] s = words.get(w);
                List<Integer> out = new ArrayList<>();
                for (int i = 0; i < s.length; ) {
                    if (i + 1 < s.length && s[i] == left && s[i + 1] == right) {
                        out.add(id);
                        i += 2;
                    } else {
                        out.add(s[i++]);
                    }
                }
                words.set(w, out.stream().mapToInt(Integer::intValue).toArray());
            }
        }
        return merges;
    }
}
