package dev.starling.llm.tokenizer;

import java.util.OptionalInt;

/**
 * Text to token ids and back, for one model vocabulary. Implementations are immutable and thread-safe.
 *
 * <p>Build one with {@link Tokenizers#fromGguf} or {@link Tokenizers#fromHuggingFaceJson}. Every input has a limit:
 * text longer than {@link #MAX_INPUT_CHARS} chars is rejected with an {@link IllegalArgumentException} that says so.
 */
public interface Tokenizer {

    /** The longest text {@link #encode} accepts, in UTF-16 chars (16 Mi); split longer documents first. */
    int MAX_INPUT_CHARS = 16 << 20;

    /** Encodes plain text: no BOS, special-token text such as {@code <|eot_id|>} is tokenized as ordinary text. */
    default int[] encode(String text) {
        return encode(text, false, false);
    }

    /**
     * Encodes text.
     *
     * @param addBos       prepend the BOS token when the vocabulary has one (for a BERT WordPiece vocabulary: wrap in
     *                     [CLS] ... [SEP], as llama.cpp's add_special does)
     * @param parseSpecial recognize the text of control tokens (for example {@code <|eot_id|>}) and emit their ids;
     *                     when false they are tokenized as text. User-defined added tokens (type USER_DEFINED, or
     *                     non-special added tokens of a tokenizer.json) are always recognized, as in llama.cpp and
     *                     Hugging Face tokenizers.
     */
    int[] encode(String text, boolean addBos, boolean parseSpecial);

    /**
     * Decodes ids to text; byte sequences that are not valid UTF-8 become U+FFFD. Control tokens are rendered as their
     * text. A SentencePiece vocabulary that adds a space prefix drops one leading space, so that
     * {@code decode(encode(s)).equals(s)}.
     */
    String decode(int[] ids);

    /** The raw bytes a token stands for (for streaming UTF-8 decoding, see {@link StreamingDecoder}). */
    byte[] tokenBytes(int id);

    /** The token's text as stored in the vocabulary (for example {@code Ġthe}, {@code ▁the}, {@code <0x0A>}). */
    String tokenText(int id);

    int vocabSize();

    /** The BOS id, or -1 when the vocabulary has none. */
    int bosId();

    /** The EOS id, or -1 when the vocabulary has none. */
    int eosId();

    /** True for ids that end a generation: EOS, EOT, {@code <|im_end|>}, {@code <|eot_id|>} and the like. */
    boolean isEndOfGeneration(int id);

    /**
     * True for control tokens (BOS, EOS, {@code <|eot_id|>}, {@code <|im_start|>}, ...): text a chat UI usually does
     * not show. llama.cpp's server leaves them out of generated text unless asked; see
     * {@link StreamingDecoder#StreamingDecoder(Tokenizer, boolean)}.
     */
    boolean isControl(int id);

    /** The id of a control or user-defined token with exactly this text. */
    OptionalInt specialId(String text);

    /** Whether the vocabulary asks for a BOS token at the start of a prompt (tokenizer.ggml.add_bos_token). */
    boolean addsBosByDefault();
}
