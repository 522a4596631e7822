package dev.starling.llm.train.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes one token shard in a {@link TokenShardFormat}, streaming: tokens are buffered and appended, and the llm.c
 * header (whose count is known only at the end) is written when the shard is closed. The file is written beside the
 * target under a temporary name and moved over it on close, so a reader never sees a half-written shard.
 *
 * <p>Every token is checked: negative ids, ids the format cannot store, ids at or past the vocabulary size, and more
 * tokens than the format can count are rejected with a message naming the file and the token's position.
 */
public final class TokenShardWriter implements AutoCloseable {

    private static final int BUFFER_BYTES = 1 << 16;

    private final Path target;
    private final Path temp;
    private final TokenShardFormat format;
    private final long vocabSize;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long count;
    private boolean closed;

    private TokenShardWriter(Path target, TokenShardFormat format, int vocabSize) throws IOException {
        this.target = target;
        this.format = format;
        this.vocabSize = vocabSize;
        if (vocabSize < 1 || vocabSize - 1L > format.maxTokenId()) {
            throw new IllegalArgumentException("a vocabulary of " + vocabSize + " tokens does not fit " + format
                    + " (ids up to " + format.maxTokenId() + ")");
        }
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        this.temp = Files.createTempFile(dir, target.getFileName().toString(), ".part");
        this.channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        if (format.hasHeader()) {
            channel.write(ByteBuffer.allocate(format.headerBytes()), 0); // zeros; filled in on close
            channel.position(format.headerBytes());
        }
    }

    /**
     * Opens a shard for writing.
     *
     * @param vocabSize the vocabulary size: every id must be below it (and fit the format)
     */
    public static TokenShardWriter open(Path target, TokenShardFormat format, int vocabSize) throws IOException {
        return new TokenShardWriter(target, format, vocabSize);
    }

    public void write(int token) throws IOException {
        if (closed) {
            throw new IllegalStateException(target + " is closed");
        }
        if (token < 0 || token >= vocabSize) {
            throw new IllegalArgumentException(target + ": token " + count + " is " + token
                    + ", outside the vocabulary of " + vocabSize);
        }
        if (count >= format.maxTokens()) {
            throw new IllegalArgumentException(target + ": " + format + " holds at most " + format.maxTokens()
                    + " tokens per shard");
        }
        if (buffer.remaining() < 4) {
            flush();
        }
        if (format.tokenBytes() == 2) {
            buffer.putShort((short) token);
        } else {
            buffer.putInt(token);
        }
        count++;
    }

    public void write(int[] tokens, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            write(tokens[i]);
        }
    }

    public void write(int[] tokens) throws IOException {
        write(tokens, 0, tokens.length);
    }

    /** Tokens written so far. */
    public long tokenCount() {
        return count;
    }

    public Path path() {
        return target;
    }

    public TokenShardFormat format() {
        return format;
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    /** Writes the header and moves the shard into place. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (channel) {
            flush();
            if (format.hasHeader()) {
                ByteBuffer header = ByteBuffer.allocate(format.headerBytes()).order(ByteOrder.LITTLE_ENDIAN);
                header.putInt(0, format.magic());
                header.putInt(4, format.version());
                header.putInt(8, (int) count);
                channel.write(header, 0);
            }
            channel.force(false);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Closes without moving into place: the partial shard is deleted. */
    public void abort() throws IOException {
        if (!closed) {
            closed = true;
            channel.close();
            Files.deleteIfExists(temp);
        }
    }
}
