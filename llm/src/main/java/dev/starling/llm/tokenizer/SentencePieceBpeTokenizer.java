package dev.starling.llm.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * SentencePiece-style BPE as a Hugging Face {@code tokenizer.json} lays it out (Llama 2, Mistral, Phi-3: model.type
 * BPE with byte_fallback): spaces become {@code ▁} (a Replace normalizer or the Metaspace pre-tokenizer), a {@code ▁}
 * is put in front (a Prepend normalizer on every run of text between added tokens, or Metaspace's prepend_scheme
 * "always" / "first"), Metaspace with split cuts the text before each {@code ▁}; each piece starts as one symbol per
 * code point, a code point that is not a token becomes its UTF-8 bytes as {@code <0xNN>} tokens (or the unknown
 * token, consecutive ones fused when fuse_unk), and adjacent symbols merge by the merge list, lowest rank first and
 * leftmost among equal ranks (the order of Hugging Face's BPE model).
 *
 * <p>Unlike {@link SentencePieceTokenizer}, which merges by token scores as llama.cpp does, this one follows the
 * explicit merge list, so a tokenizer.json with fewer merges than "every split of every piece" is honoured exactly.
 */
public final class SentencePieceBpeTokenizer extends AbstractTokenizer {

    /** Metaspace's prepend_scheme, or NONE when there is no Metaspace pre-tokenizer. */
    enum Metaspace { NONE, ALWAYS, FIRST, NEVER }

    /**
     * How text becomes pieces and how ids become text again.
     *
     * @param prependMark       a Prepend("▁") normalizer: every non-empty run of text gets a leading ▁
     * @param replaceSpaces     spaces become ▁ (a Replace normalizer, or the Metaspace pre-tokenizer)
     * @param metaspace         the Metaspace pre-tokenizer's prepend scheme, or NONE
     * @param splitAtMark       Metaspace with split true: pieces end before each ▁
     * @param decodeStripsSpace decode drops one leading space (a Strip decoder, or Metaspace's decoder)
     * @param fuseUnk           consecutive unknown symbols become one unknown token
     */
    record Options(boolean prependMark, boolean replaceSpaces, Metaspace metaspace, boolean splitAtMark,
                   boolean decodeStripsSpace, boolean fuseUnk) {
        /** The legacy layout of Llama 2 / Phi-3 conversions: normalizer Prepend + Replace, decoder Strip. */
        static Options legacy() {
            return new Options(true, true, Metaspace.NONE, false, true, true);
        }
    }

    private final Options options;
    private final BpeMerges merges;
    private final TextIndex textIndex;
    /** The id of the byte token for each byte, or -1. // [256] */
    private final int[] byteIds = new int[256];

    SentencePieceBpeTokenizer(Vocabulary vocab, Merges.Rules rules, Options options) {
        super(vocab, true); // lstrip/rstrip of added tokens as Hugging Face: Unicode whitespace
        this.options = options;
        this.merges = Merges.build(index, rules);
        this.textIndex = new TextIndex(vocab.tokens());
        for (int b = 0; b < 256; b++) {
            Integer id = index.get(byteTokenText(b));
            byteIds[b] = id == null ? -1 : id;
        }
        computeTokenBytes();
    }

    static String byteTokenText(int b) {
        return String.format("<0x%02X>", b);
    }

    /** True for the text of a byte-fallback token, {@code <0xNN>} with upper-case hex digits. */
    static boolean isByteTokenText(String t) {
        return t.length() == 6 && t.startsWith("<0x") && t.endsWith(">") && isUpperHex(t.charAt(3))
                && isUpperHex(t.charAt(4));
    }

    private static boolean isUpperHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    }

    @Override
    protected byte[] normalTokenBytes(int id) {
        String t = vocab.tokens()[id];
        if (vocab.types()[id] == TokenType.BYTE && isByteTokenText(t)) {
            return new byte[] {(byte) Integer.parseInt(t, 3, 5, 16)};
        }
        return t.replace(SentencePieceTokenizer.SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void encodeText(String text, int start, int end, boolean afterSpecial, IntList out) {
        if (start >= end) {
            return;
        }
        StringBuilder sb = new StringBuilder(end - start + 1);
        if (options.prependMark()) {
            sb.append(SentencePieceTokenizer.SPACE_MARK);
        }
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            sb.append(c == ' ' && options.replaceSpaces() ? SentencePieceTokenizer.SPACE_MARK : c);
        }
        boolean startsWithMark = sb.charAt(0) == SentencePieceTokenizer.SPACE_MARK;
        boolean metaPrepend = switch (options.metaspace()) {
            case ALWAYS -> !startsWithMark;
            case FIRST -> !startsWithMark && start == 0; // only the run at the very start of the input
            case NONE, NEVER -> false;
        };
        if (metaPrepend) {
            sb.insert(0, SentencePieceTokenizer.SPACE_MARK);
        }
        String s = sb.toString();
        if (!options.splitAtMark()) {
            encodePiece(s, 0, s.length(), out);
            return;
        }
        int pieceStart = 0;
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) == SentencePieceTokenizer.SPACE_MARK) {
                encodePiece(s, pieceStart, i, out);
                pieceStart = i;
            }
        }
        encodePiece(s, pieceStart, s.length(), out);
    }

    /** One piece: a symbol per code point (or its byte tokens, or unknown), then the merges. */
    private void encodePiece(String s, int from, int to, IntList out) {
        IntList symbols = new IntList(to - from);
        int unk = vocab.specials().unk();
        boolean lastWasUnk = false;
        for (int i = from; i < to; ) {
            int cp = s.codePointAt(i);
            int cc = Character.charCount(cp);
            int id = textIndex.get(s, i, i + cc);
            if (id >= 0) {
                symbols.add(id);
                lastWasUnk = false;
            } else {
                byte[] bytes = s.substring(i, i + cc).getBytes(StandardCharsets.UTF_8);
                boolean all = true;
                for (byte b : bytes) {
                    all &= byteIds[b & 0xFF] >= 0;
                }
                if (all) {
                    for (byte b : bytes) {
                        symbols.add(byteIds[b & 0xFF]);
                    }
                    lastWasUnk = false;
                } else if (unk >= 0 && !(lastWasUnk && options.fuseUnk())) {
                    symbols.add(unk);
                    lastWasUnk = true;
                }
            }
            i += cc;
        }
        out.addAll(merges.apply(symbols.toArray()));
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
        boolean first = options.decodeStripsSpace();
        for (int id : ids) {
            byte[] b = tokenBytesShared(id);
            if (first && vocab.types()[id] != TokenType.CONTROL) {
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
