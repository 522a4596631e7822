package dev.starling.llm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns a stream of token ids into text chunks that are always whole UTF-8 characters: a token may end in the middle
 * of a multi-byte character (byte tokens, byte-level BPE), so the incomplete tail is held back until the next token
 * completes it. Bytes that can never form a character become U+FFFD. Not thread-safe: one per stream.
 *
 * <p>Unlike {@link Tokenizer#decode}, no leading space is dropped: a stream continues a prompt.
 */
public final class StreamingDecoder {

    /** At most this many bytes are held back (the longest UTF-8 sequence minus one). */
    private static final int MAX_PENDING_BYTES = 3;

    private final Tokenizer tokenizer;
    private final boolean renderControl;
    private byte[] pending = new byte[0];

    /** A decoder that renders control tokens as their text (as {@link Tokenizer#decode} does). */
    public StreamingDecoder(Tokenizer tokenizer) {
        this(tokenizer, true);
    }

    /**
     * @param renderControl whether control tokens ({@link Tokenizer#isControl}) appear as their text; false leaves
     *                      them out, as llama.cpp's server does by default
     */
    public StreamingDecoder(Tokenizer tokenizer, boolean renderControl) {
        this.tokenizer = tokenizer;
        this.renderControl = renderControl;
    }

    /** Adds one token; returns the text that is now complete (possibly empty). */
    public String push(int id) {
        if (!renderControl && tokenizer.isControl(id)) {
            return "";
        }
        byte[] b = tokenizer.tokenBytes(id);
        byte[] all = new byte[pending.length + b.length];
        System.arraycopy(pending, 0, all, 0, pending.length);
        System.arraycopy(b, 0, all, pending.length, b.length);
        int complete = completePrefixLength(all);
        pending = Arrays.copyOfRange(all, complete, all.length);
        return new String(all, 0, complete, StandardCharsets.UTF_8);
    }

    /** Adds several tokens; returns the text now complete. */
    public String push(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(push(id));
        }
        return sb.toString();
    }

    /** Ends the stream: returns what was held back (an incomplete character becomes U+FFFD). */
    public String flush() {
        String s = new String(pending, StandardCharsets.UTF_8);
        pending = new byte[0];
        return s;
    }

    /** Bytes held back waiting for the rest of a character. */
    public int pendingBytes() {
        return pending.length;
    }

    /**
     * The length of the longest prefix that does not end inside a possibly valid, incomplete UTF-8 sequence.
     */
    static int completePrefixLength(byte[] bytes) {
        int n = bytes.length;
        for (int back = 1; back <= Math.min(MAX_PENDING_BYTES, n); back++) {
            int b = bytes[n - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // a continuation byte: look further back for its lead byte
            }
            int need = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xC2 && b <= 0xDF ? 2 : 1;
            if (need > back && couldStillBeValid(bytes, n - back, back)) {
                return n - back;
            }
            return n;
        }
        return n;
    }

    /** Whether the bytes from the lead byte on are a valid beginning of a sequence (second-byte ranges included). */
    private static boolean couldStillBeValid(byte[] bytes, int lead, int have) {
        if (have < 2) {
            return true;
        }
        int b0 = bytes[lead] & 0xFF;
        int b1 = bytes[lead + 1] & 0xFF;
        return switch (b0) {
            case 0xE0 -> b1 >= 0xA0 && b1 <= 0xBF;
            case 0xED -> b1 >= 0x80 && b1 <= 0x9F;
            case 0xF0 -> b1 >= 0x90 && b1 <= 0xBF;
            case 0xF4 -> b1 >= 0x80 && b1 <= 0x8F;
            default -> true;
        };
    }

    /** Text for a whole sequence, as the stream would produce it (push each id, then flush). */
    public static String decodeAll(Tokenizer tokenizer, int[] ids) {
        StreamingDecoder d = new StreamingDecoder(tokenizer);
        return d.push(ids) + d.flush();
    }
}
