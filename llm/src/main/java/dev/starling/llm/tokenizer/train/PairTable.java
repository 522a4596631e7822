package dev.starling.llm.tokenizer.train;

import java.util.Arrays;

/**
 * Adjacent-pair statistics of BPE training: for each pair (left id, right id) its weighted count over the corpus and
 * the words it occurs in. Open addressing over primitive arrays; slots are never removed (a pair whose count drops to
 * zero keeps its slot), which is fine since the number of distinct pairs ever seen is bounded by the corpus.
 *
 * <p>The word lists may hold a word twice or hold words that no longer contain the pair; the trainer re-checks each
 * word when it merges, so they only need to be a superset.
 */
final class PairTable {

    private static final long EMPTY = -1L;

    private long[] keys;
    private long[] counts;
    /** Word indices per slot. // [capacity][*] */
    private int[][] words;
    private int[] wordCounts;
    private int size;
    private int mask;

    PairTable(int expectedPairs) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedPairs * 2) - 1) << 1;
        allocate(capacity);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        counts = new long[capacity];
        words = new int[capacity][];
        wordCounts = new int[capacity];
        mask = capacity - 1;
        size = 0;
    }

    static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    static int left(long key) {
        return (int) (key >>> 32);
    }

    static int right(long key) {
        return (int) key;
    }

    private int find(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        int slot = (int) (h ^ (h >>> 31)) & mask;
        while (keys[slot] != EMPTY && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private int slotFor(long key) {
        int slot = find(key);
        if (keys[slot] == EMPTY) {
            if ((size + 1) * 4L > keys.length * 3L) {
                grow();
                slot = find(key);
            }
            keys[slot] = key;
            size++;
        }
        return slot;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldCounts = counts;
        int[][] oldWords = words;
        int[] oldWordCounts = wordCounts;
        allocate(oldKeys.length * 2);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int slot = find(oldKeys[i]);
                keys[slot] = oldKeys[i];
                counts[slot] = oldCounts[i];
                words[slot] = oldWords[i];
                wordCounts[slot] = oldWordCounts[i];
                size++;
            }
        }
    }

    /** Adds delta (may be negative) to the pair's count. */
    void add(long key, long delta) {
        counts[slotFor(key)] += delta;
    }

    /** Adds delta to the pair's count and records that the word contains it. */
    void add(long key, long delta, int word) {
        int slot = slotFor(key);
        counts[slot] += delta;
        int n = wordCounts[slot];
        int[] list = words[slot];
        if (n > 0 && list[n - 1] == word) {
            return;
        }
        if (list == null) {
            list = new int[2];
        } else if (n == list.length) {
            list = Arrays.copyOf(list, n * 2);
        }
        list[n] = word;
        words[slot] = list;
        wordCounts[slot] = n + 1;
    }

    long count(long key) {
        int slot = find(key);
        return keys[slot] == EMPTY ? 0 : counts[slot];
    }

    /** The words that may contain the pair (a copy), and forgets them. */
    int[] takeWords(long key) {
        int slot = find(key);
        if (keys[slot] == EMPTY || words[slot] == null) {
            return new int[0];
        }
        int[] list = Arrays.copyOf(words[slot], wordCounts[slot]);
        words[slot] = null;
        wordCounts[slot] = 0;
        return list;
    }

    /** Calls the visitor with every pair of positive count. */
    void forEachPositive(PairVisitor visitor) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY && counts[i] > 0) {
                visitor.pair(keys[i], counts[i]);
            }
        }
    }

    interface PairVisitor {
        void pair(long key, long count);
    }
}
