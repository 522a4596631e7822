package dev.starling.llm.eval;

import dev.starling.llm.tokenizer.Tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A text file of one document (post) per line, as language-model evaluation reads it. Its size in bytes is defined as
 * the UTF-8 bytes of every line plus one newline per line, whatever the file's own line endings: that is the
 * denominator of bits per byte, the same for every model and tokenizer.
 *
 * <p>The symbol streams built from it code exactly that: the line texts and a boundary after each line. Over bytes:
 * {@code \n line1 \n line2 \n ...}; over a tokenizer's ids: {@code SEP tokens(line1) SEP tokens(line2) SEP ...},
 * SEP being the end-of-text token (EOS, else BOS) that stands for the newline. The first symbol is context only.
 */
public final class HeldOutText {

    /** The largest file read (1 GiB). */
    public static final long MAX_FILE_BYTES = 1L << 30;

    private final List<String> lines;
    private final long bytes;

    private HeldOutText(List<String> lines) {
        this.lines = List.copyOf(lines);
        long b = 0;
        for (String l : lines) {
            b += l.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        this.bytes = b;
    }

    public static HeldOutText of(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.indexOf('\n') >= 0 || l.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("line " + (i + 1) + " contains a line break");
            }
            if (l.length() > Tokenizer.MAX_INPUT_CHARS) {
                throw new IllegalArgumentException("line " + (i + 1) + " has " + l.length() + " chars; at most "
                        + Tokenizer.MAX_INPUT_CHARS);
            }
        }
        return new HeldOutText(lines);
    }

    /** Reads a UTF-8 file of at most maxBytes; errors name the file (and the line of malformed UTF-8). */
    public static HeldOutText read(Path file, long maxBytes) throws IOException {
        long size = Files.size(file);
        if (size > Math.min(maxBytes, MAX_FILE_BYTES)) {
            throw new IOException(file + " has " + size + " bytes; the limit is " + Math.min(maxBytes, MAX_FILE_BYTES));
        }
        List<String> lines = new ArrayList<>();
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
            String line;
            while (true) {
                try {
                    line = r.readLine();
                } catch (CharacterCodingException e) {
                    throw new IOException(file + ": line " + (lines.size() + 1) + " is not valid UTF-8", e);
                }
                if (line == null) {
                    break;
                }
                lines.add(line);
            }
        }
        return of(lines);
    }

    public List<String> lines() {
        return lines;
    }

    /** UTF-8 bytes of the lines plus one per line: the bits-per-byte denominator. */
    public long bytes() {
        return bytes;
    }

    /** {@code \n line1 \n line2 \n ...} as unsigned bytes. */
    public int[] byteStream() {
        if (bytes + 1 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(bytes + " bytes do not fit one stream");
        }
        int[] out = new int[(int) bytes + 1];
        int k = 0;
        out[k++] = '\n';
        for (String l : lines) {
            for (byte b : l.getBytes(StandardCharsets.UTF_8)) {
                out[k++] = b & 0xFF;
            }
            out[k++] = '\n';
        }
        return out;
    }

    /** The separator id of a tokenizer: EOS, else BOS; -1 when it has neither. */
    public static int separatorId(Tokenizer tokenizer) {
        return tokenizer.eosId() >= 0 ? tokenizer.eosId() : tokenizer.bosId();
    }

    /**
     * {@code SEP tokens(line1) SEP tokens(line2) SEP ...}; special-token text inside lines is ordinary text.
     *
     * @throws IllegalArgumentException when the tokenizer has neither EOS nor BOS to stand for the line break
     */
    public int[] tokenStream(Tokenizer tokenizer) {
        return tokenStream(tokenizer, -1);
    }

    /**
     * The stream in the framing a model was trained on: with {@code postStartId} ≥ 0, each post is
     * {@code START tokens(line) SEP} ({@code START t1 SEP START t2 SEP ...}), as Starling packs posts for training
     * ({@code <|post|> … <|endoftext|>}); the first START is the context of the first post, each later START is
     * scored like any token (a model that learned the framing predicts it at almost no cost). With
     * {@code postStartId} &lt; 0, as {@link #tokenStream(Tokenizer)}.
     */
    public int[] tokenStream(Tokenizer tokenizer, int postStartId) {
        if (postStartId >= tokenizer.vocabSize()) {
            throw new IllegalArgumentException("post start id " + postStartId + " is outside the vocabulary of "
                    + tokenizer.vocabSize());
        }
        int sep = separatorId(tokenizer);
        if (sep < 0) {
            throw new IllegalArgumentException("the tokenizer has neither an EOS nor a BOS token to mark post"
                    + " boundaries");
        }
        int framing = postStartId >= 0 ? 2 : 1; // tokens besides the text per post
        int[][] parts = new int[lines.size()][];
        long n = postStartId >= 0 ? 0 : 1;
        for (int i = 0; i < parts.length; i++) {
            parts[i] = tokenizer.encode(lines.get(i), false, false);
            n += parts[i].length + framing;
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(n + " tokens do not fit one stream");
        }
        int[] out = new int[(int) n];
        int k = 0;
        if (postStartId < 0) {
            out[k++] = sep;
        }
        for (int[] p : parts) {
            if (postStartId >= 0) {
                out[k++] = postStartId;
            }
            System.arraycopy(p, 0, out, k, p.length);
            k += p.length;
            out[k++] = sep;
        }
        return out;
    }
}
