package dev.starling.llm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * WordPiece for BERT-style vocabularies (GGUF {@code tokenizer.ggml.model = "bert"}), with the uncased BERT
 * normalization of Hugging Face tokenizers: control characters dropped, whitespace unified, CJK ideographs isolated,
 * accents stripped (NFD without nonspacing marks), lowercase; then words split at whitespace and punctuation, and each
 * word cut greedily into the longest vocabulary pieces; a word that cannot be cut becomes [UNK].
 *
 * <p>In GGUF the vocabulary is stored in "phantom space" form: word-initial pieces carry a {@code ▁} prefix and
 * continuation pieces ({@code ##x} in the original vocabulary) are stored bare.
 */
public final class WordPieceTokenizer extends AbstractTokenizer {

    /** Words longer than this many code points become [UNK] (max_input_chars_per_word of BERT). */
    public static final int MAX_WORD_CODE_POINTS = 100;

    /**
     * The steps of Hugging Face's BertNormalizer that are on, and the word limit of the WordPiece model.
     *
     * @param cleanText            drop NUL, U+FFFD and control characters; unify whitespace to a space
     * @param handleChineseChars   put spaces around CJK ideographs
     * @param stripAccents         NFD, then drop nonspacing marks
     * @param lowercase            lowercase each code point
     * @param maxInputCharsPerWord words longer than this many code points become [UNK]
     */
    record Options(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase,
                   int maxInputCharsPerWord) {
        /** Uncased BERT, as llama.cpp's bert vocabularies are tokenized. */
        static final Options UNCASED = new Options(true, true, true, true, MAX_WORD_CODE_POINTS);

        Options {
            if (maxInputCharsPerWord < 1 || maxInputCharsPerWord > 1 << 20) {
                throw new IllegalArgumentException("max_input_chars_per_word " + maxInputCharsPerWord
                        + " is outside 1.." + (1 << 20));
            }
        }
    }

    private final Options options;
    private final int separatorId;
    private final int maxTokenChars;
    private final TextIndex textIndex;

    /**
     * @param vocab       phantom-space vocabulary; specials.bos() is [CLS] and specials.eos() is [SEP]
     */
    WordPieceTokenizer(Vocabulary vocab) {
        this(vocab, Options.UNCASED, false);
    }

    /**
     * @param vocab   phantom-space vocabulary; specials.bos() is [CLS] and specials.eos() is [SEP] (-1: none added)
     * @param options normalization steps and the word limit
     * @param unicodeWhitespaceStrip lstrip/rstrip of special tokens as Hugging Face (see AbstractTokenizer)
     */
    WordPieceTokenizer(Vocabulary vocab, Options options, boolean unicodeWhitespaceStrip) {
        super(vocab, unicodeWhitespaceStrip);
        this.options = options;
        if (vocab.specials().unk() < 0) {
            throw new IllegalArgumentException("a WordPiece vocabulary needs an unknown token id");
        }
        this.separatorId = vocab.specials().eos();
        int max = 1;
        for (String t : vocab.tokens()) {
            max = Math.max(max, t.length());
        }
        this.maxTokenChars = max;
        this.textIndex = new TextIndex(vocab.tokens());
        computeTokenBytes();
    }

    @Override
    protected byte[] normalTokenBytes(int id) {
        return vocab.tokens()[id].replace(SentencePieceTokenizer.SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void encodeText(String text, int start, int end, boolean afterSpecial, IntList out) {
        for (String word : words(normalize(text.substring(start, end), options))) {
            encodeWord(word, out);
        }
    }

    @Override
    protected void finishEncode(boolean addSpecial, IntList out) {
        if (addSpecial && separatorId >= 0) {
            out.add(separatorId);
        }
    }

    private void encodeWord(String word, IntList out) {
        if (word.codePointCount(0, word.length()) > options.maxInputCharsPerWord()) {
            out.add(vocab.specials().unk());
            return;
        }
        int mark = out.size();
        int startChar = 0;
        while (startChar < word.length()) {
            int endChar = Math.min(word.length(), startChar + maxTokenChars);
            int found = -1;
            while (endChar > startChar) {
                // never cut between the halves of a surrogate pair
                if (endChar < word.length() && Character.isLowSurrogate(word.charAt(endChar))
                        && Character.isHighSurrogate(word.charAt(endChar - 1))) {
                    endChar--;
                    continue;
                }
                int id = startChar == 0 ? textIndex.get(SentencePieceTokenizer.SPACE_MARK, word, startChar, endChar)
                        : textIndex.get(word, startChar, endChar);
                if (id >= 0) {
                    found = id;
                    break;
                }
                endChar--;
            }
            if (found < 0) {
                out.truncate(mark);
                out.add(vocab.specials().unk());
                return;
            }
            out.add(found);
            startChar = endChar;
        }
    }

    /** Uncased BERT normalization (clean text, CJK spacing, strip accents, lowercase). */
    static String normalize(String text) {
        return normalize(text, Options.UNCASED);
    }

    /** BertNormalizer, in its order: clean text, CJK spacing, strip accents, lowercase (each when on). */
    static String normalize(String text, Options options) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (options.cleanText() && (cp == 0 || cp == 0xFFFD || isControlChar(cp))) {
                continue;
            }
            if (options.cleanText() && isWhiteSpace(cp)) {
                sb.append(' ');
            } else if (options.handleChineseChars() && isChineseChar(cp)) {
                sb.append(' ').appendCodePoint(cp).append(' ');
            } else {
                sb.appendCodePoint(cp);
            }
        }
        CharSequence result = sb;
        if (options.stripAccents()) {
            String nfd = Normalizer.normalize(sb, Normalizer.Form.NFD);
            StringBuilder stripped = new StringBuilder(nfd.length());
            for (int i = 0; i < nfd.length(); ) {
                int cp = nfd.codePointAt(i);
                i += Character.charCount(cp);
                if (Character.getType(cp) != Character.NON_SPACING_MARK) {
                    stripped.appendCodePoint(cp);
                }
            }
            result = stripped;
        }
        return options.lowercase() ? lowercaseEachCodePoint(result) : result.toString();
    }

    /**
     * Lowercases code point by code point (full mappings, no context: a final capital sigma becomes σ, not ς), as
     * Hugging Face's Lowercase and llama.cpp do.
     */
    private static String lowercaseEachCodePoint(CharSequence s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = Character.codePointAt(s, i);
            int cc = Character.charCount(cp);
            if (cp < 0x80) {
                sb.append((char) (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
            } else {
                sb.append(s.subSequence(i, i + cc).toString().toLowerCase(Locale.ROOT));
            }
            i += cc;
        }
        return sb.toString();
    }

    /** Splits normalized text at whitespace (dropped) and punctuation (kept as one-char words). */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        int wordStart = -1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (isWhiteSpace(cp) || isPunctuation(cp)) {
                if (wordStart >= 0) {
                    words.add(text.substring(wordStart, i));
                    wordStart = -1;
                }
                if (!isWhiteSpace(cp)) {
                    words.add(text.substring(i, next));
                }
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i = next;
        }
        if (wordStart >= 0) {
            words.add(text.substring(wordStart));
        }
        return words;
    }

    /** Unicode White_Space (Rust's char::is_whitespace). */
    static boolean isWhiteSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    private static boolean isControlChar(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        // Cc, Cf, Co, Cs; unassigned code points (Cn) are kept, as Hugging Face tokenizers does
        int t = Character.getType(cp);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.SURROGATE
                || t == Character.PRIVATE_USE;
    }

    private static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        int t = Character.getType(cp);
        return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION
                || t == Character.START_PUNCTUATION || t == Character.END_PUNCTUATION
                || t == Character.INITIAL_QUOTE_PUNCTUATION || t == Character.FINAL_QUOTE_PUNCTUATION
                || t == Character.OTHER_PUNCTUATION;
    }

    private static boolean isChineseChar(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B820 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    @Override
    public String decode(int[] ids) {
        String s = super.decode(ids);
        return s.startsWith(" ") ? s.substring(1) : s;
    }
}
