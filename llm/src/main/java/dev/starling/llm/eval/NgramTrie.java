package dev.starling.llm.eval;

import java.util.Arrays;

/**
 * A trie of n-grams over symbols 0..V-1: node 0 is the empty n-gram, a child is found by (parent, symbol) in one
 * open-addressing table of primitive longs. Per node: its length, how often the n-gram occurred, and how many
 * distinct symbols were seen right before it (its continuation count, for Kneser-Ney's lower orders).
 */
final class NgramTrie {

    private static final long EMPTY = -1L;

    private final long vocab;
    private long[] keys;
    private int[] values;
    private int mask;
    private int used;

    /** Per node. // [nodes] */
    int[] count;
    int[] leftExtensions;
    byte[] length;
    int nodes;

    NgramTrie(int vocabSize, int expectedNodes) {
        this.vocab = vocabSize;
        int capacity = Integer.highestOneBit(Math.max(16, expectedNodes * 2) - 1) << 1;
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        values = new int[capacity];
        mask = capacity - 1;
        int n = Math.max(16, expectedNodes);
        count = new int[n];
        leftExtensions = new int[n];
        length = new byte[n];
        nodes = 1; // the root
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        int s = (int) (h ^ (h >>> 32)) & mask;
        while (keys[s] != EMPTY && keys[s] != key) {
            s = (s + 1) & mask;
        }
        return s;
    }

    /** The child of parent by symbol, or -1. */
    int child(int parent, int symbol) {
        int s = slot(parent * vocab + symbol);
        return keys[s] == EMPTY ? -1 : values[s];
    }

    /** The child of parent by symbol, created when new; {@code created[0]} says whether it was. */
    int childOrCreate(int parent, int symbol, boolean[] created) {
        long key = parent * vocab + symbol;
        int s = slot(key);
        if (keys[s] != EMPTY) {
            created[0] = false;
            return values[s];
        }
        if ((used + 1) * 4L > keys.length * 3L) {
            grow();
            s = slot(key);
        }
        if (nodes == count.length) {
            if (nodes > Integer.MAX_VALUE / 2) {
                throw new IllegalStateException("n-gram trie is full at " + nodes + " nodes");
            }
            int n = nodes * 2;
            count = Arrays.copyOf(count, n);
            leftExtensions = Arrays.copyOf(leftExtensions, n);
            length = Arrays.copyOf(length, n);
        }
        int id = nodes++;
        length[id] = (byte) (length[parent] + 1);
        keys[s] = key;
        values[s] = id;
        used++;
        created[0] = true;
        return id;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        values = new int[keys.length];
        mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int s = slot(oldKeys[i]);
                keys[s] = oldKeys[i];
                values[s] = oldValues[i];
            }
        }
    }

    /** Calls the visitor with (parent, child) for every node but the root. */
    void forEachEdge(EdgeVisitor v) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                v.edge((int) (keys[i] / vocab), values[i]);
            }
        }
    }

    interface EdgeVisitor {
        void edge(int parent, int child);
    }

    long sizeBytes() {
        return keys.length * 12L + count.length * 9L;
    }
}
