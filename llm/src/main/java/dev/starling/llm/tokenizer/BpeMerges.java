package dev.starling.llm.tokenizer;

import java.util.Arrays;

/**
 * The merge table of a byte-pair-encoding vocabulary and the merge loop.
 *
 * <p>Pairs (left id, right id) map to their rank (lower merges first) in an open-addressing table of primitive longs.
 * {@link #apply} merges a pre-token with a min-heap of (rank, position) entries and a linked list of symbols:
 * O(n log n) in the length of the pre-token, the lowest rank first and, among equal ranks, the leftmost first (the
 * order of Hugging Face tokenizers and llama.cpp).
 */
final class BpeMerges {

    private static final long EMPTY = -1L;

    private final long[] keys;
    private final int[] ranks;
    private final int mask;
    /** The id a merge produces, by rank. // [merges] */
    private final int[] mergedIds;

    /**
     * @param lefts   left id per rank // [merges]
     * @param rights  right id per rank // [merges]
     * @param results merged id per rank // [merges]
     */
    BpeMerges(int[] lefts, int[] rights, int[] results) {
        int n = results.length;
        int capacity = Integer.highestOneBit(Math.max(4, n * 2 + 1) - 1) << 1;
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        ranks = new int[capacity];
        mask = capacity - 1;
        mergedIds = results.clone();
        for (int r = 0; r < n; r++) {
            long key = key(lefts[r], rights[r]);
            int slot = slot(key);
            while (keys[slot] != EMPTY && keys[slot] != key) {
                slot = (slot + 1) & mask;
            }
            if (keys[slot] == EMPTY) { // the first (lowest) rank of a duplicated pair wins
                keys[slot] = key;
                ranks[slot] = r;
            }
        }
    }

    int size() {
        return mergedIds.length;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    /** The rank of merging left then right, or -1 when there is no such merge. */
    int rank(int left, int right) {
        long key = key(left, right);
        int slot = slot(key);
        while (true) {
            long k = keys[slot];
            if (k == key) {
                return ranks[slot];
            }
            if (k == EMPTY) {
                return -1;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Merges symbol ids in place of a fresh array and returns the result. */
    int[] apply(int[] symbols) {
        int n = symbols.length;
        if (n < 2) {
            return symbols.clone();
        }
        int[] ids = symbols.clone();
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        long[] heap = new long[Math.max(8, n)];
        int heapSize = 0;
        for (int i = 0; i + 1 < n; i++) {
            int r = rank(ids[i], ids[i + 1]);
            if (r >= 0) {
                heap[heapSize++] = ((long) r << 32) | i;
            }
        }
        for (int i = heapSize / 2 - 1; i >= 0; i--) {
            siftDown(heap, heapSize, i);
        }
        int alive = n;
        while (heapSize > 0) {
            long top = heap[0];
            heap[0] = heap[--heapSize];
            siftDown(heap, heapSize, 0);
            int r = (int) (top >>> 32);
            int pos = (int) top;
            int right = ids[pos] < 0 ? -1 : next[pos];
            if (right < 0 || rank(ids[pos], ids[right]) != r) {
                continue; // stale: the symbol was merged away or changed since this entry was pushed
            }
            ids[pos] = mergedIds[r];
            ids[right] = -1;
            int after = next[right];
            next[pos] = after;
            if (after >= 0) {
                prev[after] = pos;
            }
            alive--;
            int before = prev[pos];
            if (heapSize + 2 > heap.length) {
                heap = Arrays.copyOf(heap, heap.length * 2);
            }
            if (before >= 0) {
                int rb = rank(ids[before], ids[pos]);
                if (rb >= 0) {
                    heapSize = push(heap, heapSize, ((long) rb << 32) | before);
                }
            }
            if (after >= 0) {
                int ra = rank(ids[pos], ids[after]);
                if (ra >= 0) {
                    heapSize = push(heap, heapSize, ((long) ra << 32) | pos);
                }
            }
        }
        int[] out = new int[alive];
        int k = 0;
        for (int i = 0; i >= 0; i = next[i]) {
            out[k++] = ids[i];
        }
        return out;
    }

    private static int push(long[] heap, int size, long v) {
        int i = size;
        heap[i] = v;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= v) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = v;
        return size + 1;
    }

    private static void siftDown(long[] heap, int size, int i) {
        long v = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= v) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = v;
    }
}
