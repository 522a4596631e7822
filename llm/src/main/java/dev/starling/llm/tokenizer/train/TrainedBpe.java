package dev.starling.llm.tokenizer.train;

import dev.starling.llm.gguf.GgufMetadata;
import dev.starling.llm.gguf.GgufValueType;
import dev.starling.llm.gguf.GgufWriter;
import dev.starling.llm.synth.ModelVocabulary;
import dev.starling.llm.tokenizer.TokenType;
import dev.starling.llm.tokenizer.Tokenizer;
import dev.starling.llm.tokenizer.Tokenizers;
import dev.starling.llm.tokenizer.Vocabulary;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A byte-level BPE vocabulary learned by {@link BpeTrainer}: token texts in byte-level form, merge rules in rank
 * order, the options it was trained with and what the training read. Use it directly ({@link #tokenizer()}), put it
 * into a model's GGUF ({@link #modelVocabulary()}, which {@code GgufExport} and {@code ModelVocabulary.writeTo}
 * take), or write a vocabulary-only GGUF ({@link #writeGguf}).
 */
public final class TrainedBpe {

    /**
     * What the training read and produced.
     *
     * @param textsRead       texts taken from the corpus
     * @param bytesRead       their UTF-8 bytes
     * @param truncated       whether the byte limit stopped reading before the corpus ended
     * @param distinctWords   distinct pre-tokens
     * @param mergeRules      merge rules learned
     * @param tokensLearned   tokens added by merges (fewer than rules when two rules spell the same token)
     * @param paddingTokens   unused tokens added to reach the vocabulary size
     * @param elapsedMillis   wall time of the training
     */
    public record Stats(long textsRead, long bytesRead, boolean truncated, int distinctWords, int mergeRules,
                        int tokensLearned, int paddingTokens, long elapsedMillis) {
    }

    private final String[] tokens;
    private final String[] merges;
    private final BpeTrainer.Options options;
    private final Stats stats;
    private final Vocabulary vocabulary;
    private final Tokenizer tokenizer;

    TrainedBpe(String[] tokens, String[] merges, BpeTrainer.Options options, Stats stats) {
        this.tokens = tokens;
        this.merges = merges;
        this.options = options;
        this.stats = stats;
        int firstSpecial = tokens.length - options.specialTokens().size();
        TokenType[] types = new TokenType[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            types[i] = i >= firstSpecial ? TokenType.CONTROL
                    : i >= firstSpecial - stats.paddingTokens() ? TokenType.UNUSED : TokenType.NORMAL;
        }
        this.vocabulary = new Vocabulary(tokens.clone(), types, null,
                new Vocabulary.SpecialIds(specialId(options.bosToken()), specialId(options.eosToken()), -1,
                        specialId(options.eotToken()), -1, options.addBos()));
        this.tokenizer = Tokenizers.byteLevelBpe(vocabulary, merges, options.preTokenization().regex(),
                options.preTokenization().ignoreMerges());
    }

    /** The tokenizer, ready to use (immutable, thread-safe). */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Token texts by id (byte-level form; specials as given). */
    public String[] tokens() {
        return tokens.clone();
    }

    /** Merge rules "left right" in rank order. */
    public String[] merges() {
        return merges.clone();
    }

    public int vocabSize() {
        return tokens.length;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public BpeTrainer.Options options() {
        return options;
    }

    public Stats stats() {
        return stats;
    }

    /** The id of a special token given to the trainer, or -1 (also for null). */
    public int specialId(String special) {
        if (special == null) {
            return -1;
        }
        int i = options.specialTokens().indexOf(special);
        return i < 0 ? -1 : tokens.length - options.specialTokens().size() + i;
    }

    /**
     * The vocabulary as GGUF {@code tokenizer.*} keys: model "gpt2", pre the pre-tokenization's llama.cpp name,
     * types (normal, unused padding, control specials), merges, bos/eos/eot ids when named, add_bos_token.
     */
    public ModelVocabulary modelVocabulary() {
        int[] codes = new int[tokens.length];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = vocabulary.types()[i].code();
        }
        Map<String, GgufMetadata.Entry> other = new LinkedHashMap<>();
        putId(other, "tokenizer.ggml.bos_token_id", vocabulary.specials().bos());
        putId(other, "tokenizer.ggml.eos_token_id", vocabulary.specials().eos());
        putId(other, "tokenizer.ggml.eot_token_id", vocabulary.specials().eot());
        other.put("tokenizer.ggml.add_bos_token", new GgufMetadata.Entry(GgufValueType.BOOL, null, options.addBos()));
        return new ModelVocabulary("gpt2", options.preTokenization().ggufPre(), tokens.clone(), codes, null,
                merges.clone(), other);
    }

    private static void putId(Map<String, GgufMetadata.Entry> other, String key, int id) {
        if (id >= 0) {
            other.put(key, new GgufMetadata.Entry(GgufValueType.UINT32, null, (long) id));
        }
    }

    /**
     * Writes the vocabulary for Hugging Face tokenizers into a directory: {@code tokenizer.json} (BPE model,
     * Split + ByteLevel pre-tokenizer, the specials as added tokens) and {@code tokenizer_config.json} (bos/eos
     * tokens, add_bos_token); returns the path of tokenizer.json.
     */
    public Path writeHuggingFace(Path dir) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        Path json = dir.resolve("tokenizer.json");
        TokenizerJsonWriter.write(this, json);
        TokenizerJsonWriter.writeConfig(this, dir.resolve("tokenizer_config.json"));
        return json;
    }

    /** Writes a vocabulary-only GGUF (no tensors), like llama.cpp's ggml-vocab-*.gguf files; returns its size. */
    public long writeGguf(Path out, String name) throws IOException {
        GgufWriter w = GgufWriter.create(out);
        w.putString("general.name", name);
        modelVocabulary().writeTo(w);
        return w.write();
    }
}
