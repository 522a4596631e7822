package dev.starling.llm.train.data;

import dev.starling.llm.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A token stream cut into shards of at most {@code tokensPerShard} tokens, named as llm.c's data scripts name them:
 * {@code <prefix>_<split>_000000.bin}, {@code _000001.bin}, ... (for example {@code starling_train_000000.bin}).
 * {@link #writeDocuments} writes posts with the end-of-text id before each (llm.c's convention).
 */
public final class ShardedTokenWriter implements AutoCloseable {

    private final Path dir;
    private final String prefix;
    private final String split;
    private final TokenShardFormat format;
    private final int vocabSize;
    private final long tokensPerShard;
    private final List<Path> written = new ArrayList<>();
    private TokenShardWriter current;
    private long totalTokens;

    public ShardedTokenWriter(Path dir, String prefix, String split, TokenShardFormat format, int vocabSize,
                              long tokensPerShard) {
        if (tokensPerShard < 1 || tokensPerShard > format.maxTokens()) {
            throw new IllegalArgumentException("shards of " + tokensPerShard + " tokens; " + format + " takes 1.."
                    + format.maxTokens());
        }
        if (!prefix.matches("[A-Za-z0-9._-]{1,100}") || !split.matches("[A-Za-z0-9-]{1,20}")) {
            throw new IllegalArgumentException("shard prefix '" + prefix + "' and split '" + split
                    + "' must be short names of letters, digits, '.', '_' or '-'");
        }
        this.dir = dir;
        this.prefix = prefix;
        this.split = split;
        this.format = format;
        this.vocabSize = vocabSize;
        this.tokensPerShard = tokensPerShard;
    }

    public void write(int token) throws IOException {
        if (current == null || current.tokenCount() >= tokensPerShard) {
            rotate();
        }
        current.write(token);
        totalTokens++;
    }

    public void write(int[] tokens) throws IOException {
        for (int t : tokens) {
            write(t);
        }
    }

    /**
     * Writes documents as llm.c's data scripts do: the separator (end-of-text) id, then the document's tokens, for
     * each text; special-token text inside a document is ordinary text. Returns the tokens written.
     */
    public long writeDocuments(Iterable<String> texts, Tokenizer tokenizer, int separatorId) throws IOException {
        if (separatorId < 0 || separatorId >= tokenizer.vocabSize()) {
            throw new IllegalArgumentException("separator id " + separatorId + " is outside the vocabulary of "
                    + tokenizer.vocabSize());
        }
        long before = totalTokens;
        for (String text : texts) {
            write(separatorId);
            write(tokenizer.encode(text, false, false));
        }
        return totalTokens - before;
    }

    private void rotate() throws IOException {
        if (current != null) {
            current.close();
            written.add(current.path());
        }
        String name = String.format(Locale.ROOT, "%s_%s_%06d.bin", prefix, split, written.size());
        current = TokenShardWriter.open(dir.resolve(name), format, vocabSize);
    }

    public long totalTokens() {
        return totalTokens;
    }

    /** The shards written so far (complete after {@link #close()}). */
    public List<Path> shards() {
        return List.copyOf(written);
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
            written.add(current.path());
            current = null;
        }
    }
}
