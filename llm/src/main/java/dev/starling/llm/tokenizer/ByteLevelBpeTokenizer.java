package dev.starling.llm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE (GPT-2, Llama 3, Qwen): optional NFC normalization, a regex pre-tokenizer, the GPT-2 byte-to-char
 * map, then merges by rank within each pre-token.
 *
 * <p>Results per pre-token are cached (bounded); merging is O(n log n) per pre-token (see {@link BpeMerges}).
 */
public final class ByteLevelBpeTokenizer extends AbstractTokenizer {

    /** Pre-tokens longer than this (in chars) are not cached. */
    private static final int MAX_CACHED_PIECE_CHARS = 64;
    /** The cache is cleared when it grows past this many pre-tokens. */
    private static final int MAX_CACHE_ENTRIES = 1 << 17;

    private final BpeMerges merges;
    private final PreTokenizer preTokenizer;
    private final boolean ignoreMerges;
    private final boolean nfc;
    /** The token id of each byte's char, or -1. // [256] */
    private final int[] byteIds = new int[256];
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param vocab        tokens in byte-level form ({@code Ġthe})
     * @param merges       the merge rules, in rank order
     * @param preTokenizer how text is split before merging
     * @param ignoreMerges emit a whole pre-token as one id when the vocabulary has it (Llama 3's ignore_merges)
     * @param nfc          normalize text to NFC first (Qwen's normalizer)
     */
    ByteLevelBpeTokenizer(Vocabulary vocab, Merges.Rules merges, PreTokenizer preTokenizer, boolean ignoreMerges,
                          boolean nfc) {
        this(vocab, merges, preTokenizer, ignoreMerges, nfc, false);
    }

    /** @param unicodeWhitespaceStrip lstrip/rstrip of special tokens as Hugging Face (see AbstractTokenizer) */
    ByteLevelBpeTokenizer(Vocabulary vocab, Merges.Rules merges, PreTokenizer preTokenizer, boolean ignoreMerges,
                          boolean nfc, boolean unicodeWhitespaceStrip) {
        super(vocab, unicodeWhitespaceStrip);
        this.merges = Merges.build(index, merges);
        this.preTokenizer = preTokenizer;
        this.ignoreMerges = ignoreMerges;
        this.nfc = nfc;
        for (int b = 0; b < 256; b++) {
            Integer id = index.get(String.valueOf(ByteLevelCodec.charOf(b)));
            byteIds[b] = id == null ? -1 : id;
        }
        computeTokenBytes();
    }

    @Override
    protected byte[] normalTokenBytes(int id) {
        return ByteLevelCodec.decode(vocab.tokens()[id]);
    }

    @Override
    protected void encodeText(String text, int start, int end, boolean afterSpecial, IntList out) {
        String segment = text;
        int s = start;
        int e = end;
        if (nfc) {
            String sub = text.substring(start, end);
            if (!Normalizer.isNormalized(sub, Normalizer.Form.NFC)) {
                segment = Normalizer.normalize(sub, Normalizer.Form.NFC);
                s = 0;
                e = segment.length();
            }
        }
        preTokenizer.split(segment, s, e, piece -> out.addAll(encodePiece(piece)));
    }

    /** The ids of one pre-token. */
    int[] encodePiece(String piece) {
        boolean cacheable = piece.length() <= MAX_CACHED_PIECE_CHARS;
        if (cacheable) {
            int[] hit = cache.get(piece);
            if (hit != null) {
                return hit;
            }
        }
        int[] ids = bpe(piece);
        if (cacheable) {
            if (cache.size() >= MAX_CACHE_ENTRIES) {
                cache.clear();
            }
            cache.put(piece, ids);
        }
        return ids;
    }

    private int[] bpe(String piece) {
        byte[] utf8 = piece.getBytes(StandardCharsets.UTF_8);
        if (ignoreMerges) {
            Integer whole = index.get(ByteLevelCodec.encode(utf8));
            if (whole != null) {
                return new int[] {whole};
            }
        }
        int[] symbols = new int[utf8.length];
        int n = 0;
        for (byte b : utf8) {
            int id = byteIds[b & 0xFF];
            if (id >= 0) {
                symbols[n++] = id;
            } else if (vocab.specials().unk() >= 0) {
                symbols[n++] = vocab.specials().unk();
            }
            // else: a vocabulary without this byte and without <unk> cannot represent it; it is dropped
        }
        if (n != symbols.length) {
            symbols = java.util.Arrays.copyOf(symbols, n);
        }
        return merges.apply(symbols);
    }

    /** The pre-tokenizer in use. */
    public PreTokenizer preTokenizer() {
        return preTokenizer;
    }
}
