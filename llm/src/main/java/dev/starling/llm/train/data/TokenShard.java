package dev.starling.llm.train.data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A token shard opened for reading, memory-mapped (nothing is copied on open): llm.c's format with its header checked
 * (magic, version, and that the file is exactly header + count tokens long), or nanoGPT's raw uint16 tokens. Errors
 * name the file and the byte offset of what is wrong.
 */
public final class TokenShard implements AutoCloseable {

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final TokenShardFormat format;
    private final Arena arena;
    private final MemorySegment tokens;
    private final long size;

    private TokenShard(Path path, TokenShardFormat format, Arena arena, MemorySegment tokens, long size) {
        this.path = path;
        this.format = format;
        this.arena = arena;
        this.tokens = tokens;
        this.size = size;
    }

    /** Opens an llm.c shard, uint16 or uint32 as its header says. */
    public static TokenShard openLlmc(Path path) throws IOException {
        return open(path, null);
    }

    /** Opens a nanoGPT {@code .bin} (raw little-endian uint16). */
    public static TokenShard openNanoGpt(Path path) throws IOException {
        return open(path, TokenShardFormat.NANOGPT_UINT16);
    }

    private static TokenShard open(Path path, TokenShardFormat raw) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileBytes = ch.size();
            MemorySegment all = fileBytes == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, 0,
                    fileBytes, arena);
            TokenShardFormat format;
            long count;
            if (raw != null) {
                format = raw;
                if (fileBytes % 2 != 0) {
                    throw new TokenShardException(path + ": " + fileBytes + " bytes is not a whole number of uint16"
                            + " tokens (offset " + (fileBytes - 1) + " is a stray byte)");
                }
                count = fileBytes / 2;
            } else {
                if (fileBytes < TokenShardFormat.LLMC_HEADER_BYTES) {
                    throw new TokenShardException(path + ": " + fileBytes + " bytes is shorter than llm.c's header of "
                            + TokenShardFormat.LLMC_HEADER_BYTES + " bytes");
                }
                int magic = all.get(I32, 0);
                int version = all.get(I32, 4);
                int n = all.get(I32, 8);
                if (magic == TokenShardFormat.LLMC_UINT16.magic()) {
                    format = TokenShardFormat.LLMC_UINT16;
                } else if (magic == TokenShardFormat.LLMC_UINT32.magic()) {
                    format = TokenShardFormat.LLMC_UINT32;
                } else {
                    throw new TokenShardException(path + ": offset 0: magic " + magic + " is not llm.c's "
                            + TokenShardFormat.LLMC_UINT16.magic() + " (uint16) or "
                            + TokenShardFormat.LLMC_UINT32.magic() + " (uint32)");
                }
                if (version != format.version()) {
                    throw new TokenShardException(path + ": offset 4: version " + version + " is not "
                            + format.version() + ", the version of magic " + magic);
                }
                if (n < 0) {
                    throw new TokenShardException(path + ": offset 8: token count " + n + " is negative");
                }
                count = n;
                long expected = TokenShardFormat.LLMC_HEADER_BYTES + count * format.tokenBytes();
                if (fileBytes != expected) {
                    throw new TokenShardException(path + ": the header (offset 8) counts " + count + " tokens of "
                            + format.tokenBytes() + " bytes, so the file should be " + expected + " bytes, but it is "
                            + fileBytes);
                }
            }
            MemorySegment tokens = fileBytes == 0 ? MemorySegment.NULL
                    : all.asSlice(format.headerBytes(), count * format.tokenBytes());
            return new TokenShard(path, format, arena, tokens, count);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public TokenShardFormat format() {
        return format;
    }

    /** The number of tokens. */
    public long size() {
        return size;
    }

    /** The token at index i (an unsigned uint16, or a uint32 read as int: ids above 2^31 come back negative). */
    public int get(long i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(path + ": token " + i + " of " + size);
        }
        return format.tokenBytes() == 2 ? Short.toUnsignedInt(tokens.get(U16, i * 2)) : tokens.get(I32, i * 4);
    }

    /** Tokens [from, to) as ints. */
    public int[] toArray(long from, long to) {
        if (from < 0 || to > size || from > to || to - from > Integer.MAX_VALUE - 8) {
            throw new IndexOutOfBoundsException(path + ": tokens [" + from + ", " + to + ") of " + size);
        }
        int[] out = new int[(int) (to - from)];
        for (int k = 0; k < out.length; k++) {
            out[k] = get(from + k);
        }
        return out;
    }

    @Override
    public void close() {
        arena.close();
    }
}
