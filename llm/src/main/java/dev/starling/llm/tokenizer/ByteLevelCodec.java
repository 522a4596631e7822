package dev.starling.llm.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's reversible map between bytes and printable chars (bytes_to_unicode): printable Latin-1 bytes stand for
 * themselves, the other 68 bytes map to U+0100 onwards in byte order. So a space is {@code Ġ} and a newline {@code Ċ}.
 */
final class ByteLevelCodec {

    /** char for each byte. // [256] */
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** byte for each char below 0x200, or -1. // [512] */
    private static final short[] CHAR_TO_BYTE = new short[512];

    static {
        Arrays.fill(CHAR_TO_BYTE, (short) -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = (short) b;
        }
    }

    private ByteLevelCodec() {
    }

    static char charOf(int unsignedByte) {
        return BYTE_TO_CHAR[unsignedByte];
    }

    /** The byte a char stands for, or -1 when the char is not in the map. */
    static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** Maps UTF-8 bytes to their byte-level chars. */
    static String encode(byte[] utf8) {
        char[] out = new char[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            out[i] = BYTE_TO_CHAR[utf8[i] & 0xFF];
        }
        return new String(out);
    }

    /**
     * Maps a byte-level token text back to bytes; a char outside the map (possible in hand-made vocabularies)
     * contributes its own UTF-8 bytes.
     */
    static byte[] decode(String tokenText) {
        byte[] out = new byte[tokenText.length()];
        int n = 0;
        for (int i = 0; i < tokenText.length(); i++) {
            int b = byteOf(tokenText.charAt(i));
            if (b < 0) {
                return decodeMixed(tokenText);
            }
            out[n++] = (byte) b;
        }
        return out;
    }

    private static byte[] decodeMixed(String tokenText) {
        var bytes = new java.io.ByteArrayOutputStream(tokenText.length() * 2);
        for (int i = 0; i < tokenText.length(); ) {
            int cp = tokenText.codePointAt(i);
            int b = cp < 0x10000 ? byteOf((char) cp) : -1;
            if (b >= 0) {
                bytes.write(b);
            } else {
                bytes.writeBytes(Character.toString(cp).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            i += Character.charCount(cp);
        }
        return bytes.toByteArray();
    }
}
