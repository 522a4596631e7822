package dev.starling.llm.tokenizer.train;

/**
 * GPT-2's reversible map from bytes to printable chars (bytes_to_unicode), in which byte-level BPE vocabularies are
 * written: printable Latin-1 bytes stand for themselves, the other 68 bytes map to U+0100 onwards in byte order (a
 * space is {@code Ġ}, a newline {@code Ċ}). The same map as the tokenizer package's codec.
 */
final class ByteChars {

    /** char for each byte. // [256] */
    private static final char[] BYTE_TO_CHAR = new char[256];

    static {
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = printable ? (char) b : (char) next++;
        }
    }

    private ByteChars() {
    }

    static char charOf(int unsignedByte) {
        return BYTE_TO_CHAR[unsignedByte];
    }

    static String encode(byte[] bytes) {
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }
}
