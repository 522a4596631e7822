package dev.starling.llm.tokenizer;

import java.util.Arrays;

/**
 * Token text to id, with lookups of a region of a string that allocate nothing (the SentencePiece merge loop and
 * WordPiece look up many candidate substrings). Open addressing over String.hashCode-compatible hashes. When a text
 * occurs twice the later id wins, as in llama.cpp.
 */
final class TextIndex {

    private final String[] keys;
    private final int[] hashes;
    private final int[] ids;
    private final int mask;

    TextIndex(String[] tokens) {
        int capacity = Integer.highestOneBit(Math.max(4, tokens.length * 2) - 1) << 1;
        keys = new String[capacity];
        hashes = new int[capacity];
        ids = new int[capacity];
        Arrays.fill(ids, -1);
        mask = capacity - 1;
        for (int id = 0; id < tokens.length; id++) {
            String t = tokens[id];
            int h = t.hashCode();
            int slot = mix(h) & mask;
            while (keys[slot] != null && !(hashes[slot] == h && keys[slot].equals(t))) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = t;
            hashes[slot] = h;
            ids[slot] = id;
        }
    }

    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** The id of chars [start, end) of s, or -1. */
    int get(CharSequence s, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + s.charAt(i);
        }
        int len = end - start;
        int slot = mix(h) & mask;
        while (true) {
            String k = keys[slot];
            if (k == null) {
                return -1;
            }
            if (hashes[slot] == h && k.length() == len && regionEquals(k, s, start)) {
                return ids[slot];
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The id of a prefix char followed by chars [start, end) of s, or -1. */
    int get(char prefix, CharSequence s, int start, int end) {
        int h = prefix;
        for (int i = start; i < end; i++) {
            h = 31 * h + s.charAt(i);
        }
        int len = end - start + 1;
        int slot = mix(h) & mask;
        while (true) {
            String k = keys[slot];
            if (k == null) {
                return -1;
            }
            if (hashes[slot] == h && k.length() == len && k.charAt(0) == prefix && regionEquals(k, 1, s, start)) {
                return ids[slot];
            }
            slot = (slot + 1) & mask;
        }
    }

    int get(String s) {
        return get(s, 0, s.length());
    }

    private static boolean regionEquals(String key, CharSequence s, int start) {
        return regionEquals(key, 0, s, start);
    }

    private static boolean regionEquals(String key, int keyFrom, CharSequence s, int start) {
        for (int i = keyFrom, j = start; i < key.length(); i++, j++) {
            if (key.charAt(i) != s.charAt(j)) {
                return false;
            }
        }
        return true;
    }
}
