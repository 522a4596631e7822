package dev.starling.llm.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;

/**
 * SentencePiece-style BPE by scores (Llama 2, Phi-3; GGUF {@code tokenizer.ggml.model = "llama"}), as llama.cpp's
 * llm_tokenizer_spm: spaces become {@code ▁}, a space is prefixed to text at the start and after special tokens
 * (add_space_prefix), then adjacent symbols merge while their concatenation is a token, highest score first (leftmost
 * on ties); what does not form a token falls back to byte tokens {@code <0xNN>}.
 */
public final class SentencePieceTokenizer extends AbstractTokenizer {

    static final char SPACE_MARK = '\u2581';

    private final boolean addSpacePrefix;
    private final TextIndex textIndex;
    /** Code points that occur in at least one token text. */
    private final BitSet codePointsInTokens = new BitSet(0x110000);
    /** The id of the byte token for each byte, or -1. // [256] */
    private final int[] byteIds = new int[256];

    SentencePieceTokenizer(Vocabulary vocab, boolean addSpacePrefix) {
        super(vocab);
        if (vocab.scores() == null) {
            throw new IllegalArgumentException("a SentencePiece vocabulary needs token scores");
        }
        this.addSpacePrefix = addSpacePrefix;
        this.textIndex = new TextIndex(vocab.tokens());
        for (String t : vocab.tokens()) {
            t.codePoints().forEach(codePointsInTokens::set);
        }
        for (int b = 0; b < 256; b++) {
            Integer id = index.get(String.format("<0x%02X>", b));
            if (id == null && b < 0x80) {
                id = index.get(String.valueOf((char) b));
            }
            byteIds[b] = id == null ? vocab.specials().unk() : id;
        }
        computeTokenBytes();
    }

    /** Whether a space is put before the text (and decode drops one leading space). */
    public boolean addsSpacePrefix() {
        return addSpacePrefix;
    }

    @Override
    protected byte[] normalTokenBytes(int id) {
        String t = vocab.tokens()[id];
        if (vocab.types()[id] == TokenType.BYTE && t.length() == 6 && t.startsWith("<0x") && t.endsWith(">")) {
            int v = Integer.parseInt(t, 3, 5, 16);
            return new byte[] {(byte) v};
        }
        return t.replace(SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void encodeText(String text, int start, int end, boolean afterSpecial, IntList out) {
        StringBuilder sb = new StringBuilder(end - start + 1);
        if (addSpacePrefix && afterSpecial) {
            sb.append(SPACE_MARK);
        }
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            sb.append(c == ' ' ? SPACE_MARK : c);
        }
        tokenize(sb.toString(), out);
    }

    /**
     * Tokenizes s. A code point that occurs in no token can never be part of a merge, so the text is cut around such
     * code points (a newline, for Llama) and the runs between are merged independently: the same result, with
     * smaller heaps on long documents.
     */
    private void tokenize(String s, IntList out) {
        int runStart = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int cc = Character.charCount(cp);
            if (!codePointsInTokens.get(cp)) {
                tokenizeRun(s, runStart, i, out);
                tokenizeRun(s, i, i + cc, out);
                runStart = i + cc;
            }
            i += cc;
        }
        tokenizeRun(s, runStart, s.length(), out);
    }

    private void tokenizeRun(String s, int from, int to, IntList out) {
        if (from >= to) {
            return;
        }
        // symbols: one per code point // [n]
        int n = s.codePointCount(from, to);
        int[] start = new int[n];
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = from, k = 0; i < to; k++) {
            int cc = Character.charCount(s.codePointAt(i));
            start[k] = i;
            len[k] = cc;
            prev[k] = k - 1;
            next[k] = k + 1 < n ? k + 1 : -1;
            i += cc;
        }
        long[] heap = new long[Math.max(8, n)];
        int heapSize = 0;
        for (int k = 0; k + 1 < n; k++) {
            long key = bigram(s, start[k], len[k] + len[k + 1], k);
            if (key != -1) {
                heap[heapSize++] = key;
            }
        }
        for (int i = heapSize / 2 - 1; i >= 0; i--) {
            siftDown(heap, heapSize, i);
        }
        while (heapSize > 0) {
            long top = heap[0];
            heap[0] = heap[--heapSize];
            siftDown(heap, heapSize, 0);
            int left = (int) (top & 0xFFFFFFFFL);
            int right = len[left] == 0 ? -1 : next[left];
            if (right < 0 || bigram(s, start[left], len[left] + len[right], left) != top) {
                continue; // stale
            }
            len[left] += len[right];
            len[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (heapSize + 2 > heap.length) {
                heap = Arrays.copyOf(heap, heap.length * 2);
            }
            int p = prev[left];
            if (p >= 0) {
                long key = bigram(s, start[p], len[p] + len[left], p);
                if (key != -1) {
                    heapSize = push(heap, heapSize, key);
                }
            }
            int q = next[left];
            if (q >= 0) {
                long key = bigram(s, start[left], len[left] + len[q], left);
                if (key != -1) {
                    heapSize = push(heap, heapSize, key);
                }
            }
        }
        for (int k = n == 0 ? -1 : 0; k >= 0; k = next[k]) {
            int id = textIndex.get(s, start[k], start[k] + len[k]);
            if (id >= 0) {
                out.add(id);
            } else {
                String piece = s.substring(start[k], start[k] + len[k]);
                for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                    int bid = byteIds[b & 0xFF];
                    if (bid >= 0) {
                        out.add(bid);
                    }
                }
            }
        }
    }

    /**
     * The heap key of a candidate merge of chars [from, from+length) at symbol position left, or -1 when that text is
     * not a token. Keys order by score descending, then position ascending, compared as unsigned longs.
     */
    private long bigram(String s, int from, int length, int left) {
        int id = textIndex.get(s, from, from + length);
        if (id < 0) {
            return -1;
        }
        float score = vocab.scores()[id];
        if (Float.isNaN(score)) {
            return -1;
        }
        int bits = Float.floatToIntBits(score);
        int sortable = bits >= 0 ? bits : bits ^ 0x7FFFFFFF; // monotonic in score, as a signed int
        long inverted = 0x7FFFFFFFL - sortable; // 0 .. 2^32-1, smaller for higher scores
        return (inverted << 32) | left;
    }

    private static int push(long[] heap, int size, long v) {
        int i = size;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (Long.compareUnsigned(heap[parent], v) <= 0) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = v;
        return size + 1;
    }

    private static void siftDown(long[] heap, int size, int i) {
        if (size == 0) {
            return;
        }
        long v = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && Long.compareUnsigned(heap[child + 1], heap[child]) < 0) {
                child++;
            }
            if (Long.compareUnsigned(heap[child], v) >= 0) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = v;
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
        boolean first = true;
        for (int id : ids) {
            byte[] b = tokenBytesShared(id);
            if (first && addSpacePrefix && vocab.types()[id] != TokenType.CONTROL) {
                first = false;
                if (b.length > 0 && b[0] == ' ') {
                    bytes.write(b, 1, b.length - 1);
                    continue;
                }
            }
            bytes.writeBytes(b);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
