package dev.starling.llm.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What every tokenizer shares: the vocabulary, the input limit, special-token splitting, BOS, and decoding through
 * {@link #tokenBytes(int)}. Subclasses encode runs of ordinary text.
 */
abstract class AbstractTokenizer implements Tokenizer {

    protected final Vocabulary vocab;
    protected final Map<String, Integer> index;
    private final BitSet endOfGeneration;
    private final SpecialTokenSplitter splitter;
    /** Raw bytes per id. // [vocab][bytes] */
    private final byte[][] bytesById;

    AbstractTokenizer(Vocabulary vocab) {
        this(vocab, false);
    }

    /**
     * @param unicodeWhitespaceStrip special tokens with lstrip/rstrip swallow Unicode whitespace, as Hugging Face
     *                               tokenizers does (tokenizers from a tokenizer.json), rather than C's isspace, as
     *                               llama.cpp does (tokenizers from GGUF)
     */
    AbstractTokenizer(Vocabulary vocab, boolean unicodeWhitespaceStrip) {
        this.vocab = vocab;
        this.index = vocab.buildIndex();
        this.endOfGeneration = vocab.endOfGenerationIds();
        this.splitter = new SpecialTokenSplitter(vocab.matchableSpecials(), unicodeWhitespaceStrip);
        this.bytesById = new byte[vocab.size()][];
    }

    /** Fills the byte table; subclasses call this at the end of their constructor. */
    protected final void computeTokenBytes() {
        for (int i = 0; i < bytesById.length; i++) {
            TokenType t = vocab.types()[i];
            bytesById[i] = t == TokenType.CONTROL || t == TokenType.USER_DEFINED || t == TokenType.UNKNOWN
                    ? vocab.tokens()[i].getBytes(StandardCharsets.UTF_8)
                    : normalTokenBytes(i);
        }
    }

    /** The bytes of a NORMAL (or BYTE, UNUSED) token. */
    protected abstract byte[] normalTokenBytes(int id);

    /**
     * Encodes a run of ordinary text (no specials inside).
     *
     * @param afterSpecial true when the run is the first of the input or follows a special token
     */
    protected abstract void encodeText(String text, int start, int end, boolean afterSpecial, IntList out);

    @Override
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        checkLength(text);
        IntList out = new IntList(text.length() / 3 + 4);
        if (addBos && vocab.specials().bos() >= 0) {
            out.add(vocab.specials().bos());
        }
        boolean[] afterSpecial = {true};
        splitter.split(text, parseSpecial, new SpecialTokenSplitter.Sink() {
            @Override
            public void text(String input, int start, int end) {
                encodeText(input, start, end, afterSpecial[0], out);
                afterSpecial[0] = false;
            }

            @Override
            public void special(int id) {
                out.add(id);
                afterSpecial[0] = true;
            }
        });
        finishEncode(addBos, out);
        return out.toArray();
    }

    /** A hook after encoding (WordPiece appends [SEP]). */
    protected void finishEncode(boolean addSpecial, IntList out) {
    }

    static void checkLength(String text) {
        if (text.length() > MAX_INPUT_CHARS) {
            throw new IllegalArgumentException("text of " + text.length() + " chars exceeds the tokenizer input limit of "
                    + MAX_INPUT_CHARS + " chars; split it into smaller pieces first");
        }
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            bytes.writeBytes(tokenBytes(id));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] tokenBytes(int id) {
        checkId(id);
        return bytesById[id].clone();
    }

    /** The shared byte array of a token; callers must not modify it. */
    final byte[] tokenBytesShared(int id) {
        checkId(id);
        return bytesById[id];
    }

    @Override
    public String tokenText(int id) {
        checkId(id);
        return vocab.tokens()[id];
    }

    protected final void checkId(int id) {
        if (id < 0 || id >= bytesById.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + bytesById.length
                    + " tokens");
        }
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    @Override
    public int bosId() {
        return vocab.specials().bos();
    }

    @Override
    public int eosId() {
        return vocab.specials().eos();
    }

    @Override
    public boolean isEndOfGeneration(int id) {
        return id >= 0 && endOfGeneration.get(id);
    }

    @Override
    public boolean isControl(int id) {
        checkId(id);
        return vocab.types()[id] == TokenType.CONTROL;
    }

    @Override
    public OptionalInt specialId(String text) {
        return vocab.specialId(index, text);
    }

    @Override
    public boolean addsBosByDefault() {
        return vocab.specials().addBos();
    }

    /** The vocabulary this tokenizer was built from. */
    public Vocabulary vocabulary() {
        return vocab;
    }
}
