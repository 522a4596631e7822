package dev.starling.llm.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF v2/v3 file, memory-mapped read-only with {@code java.lang.foreign}: tensor data is never copied, and
 * {@link #tensorData} returns slices of the mapping. The mapping belongs to a shared arena, so slices may be read
 * from any thread until {@link #close()}; reading a slice after close throws IllegalStateException.
 *
 * <p>The header is fully validated on open (see {@link GgufParser}); all problems are
 * {@link GgufFormatException}s naming the file and the byte offset.
 */
public final class GgufFile implements AutoCloseable {

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final GgufParser.Header header;
    private final Map<String, GgufTensorInfo> byName;

    private GgufFile(Path path, Arena arena, MemorySegment mapping, GgufParser.Header header) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.header = header;
        Map<String, GgufTensorInfo> m = new HashMap<>();
        for (GgufTensorInfo t : header.tensors()) {
            m.put(t.name(), t);
        }
        this.byName = m;
    }

    /** Maps and validates the file at path. */
    public static GgufFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.ofArray(new byte[0])
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new GgufFile(path, arena, seg, GgufParser.parse(path, seg));
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Validates GGUF bytes already in memory (e.g. a heap segment in tests); {@code name} is used in messages.
     * Closing the result does not free the given segment.
     */
    public static GgufFile parse(Path name, MemorySegment bytes) throws GgufFormatException {
        return new GgufFile(name, null, bytes, GgufParser.parse(name, bytes));
    }

    public int version() {
        return header.version();
    }

    public Path path() {
        return path;
    }

    public GgufMetadata metadata() {
        return header.metadata();
    }

    /** Tensor infos in file order. */
    public List<GgufTensorInfo> tensors() {
        return header.tensors();
    }

    /** The tensor with this name, or null if absent. */
    public GgufTensorInfo tensor(String name) {
        return byName.get(name);
    }

    /** The tensor's bytes: a read-only slice of the mapping (no copy), {@code sizeBytes()} long. */
    public MemorySegment tensorData(GgufTensorInfo tensor) {
        if (byName.get(tensor.name()) != tensor && !tensor.equals(byName.get(tensor.name()))) {
            throw new IllegalArgumentException("tensor " + tensor.name() + " is not from " + path);
        }
        return mapping.asSlice(header.dataOffset() + tensor.offset(), tensor.sizeBytes()).asReadOnly();
    }

    /** The whole mapped file. */
    public MemorySegment segment() {
        return mapping.asReadOnly();
    }

    public long alignment() {
        return header.alignment();
    }

    /** Absolute file offset of the data section (tensor offsets are relative to it). */
    public long dataOffset() {
        return header.dataOffset();
    }

    public long sizeBytes() {
        return mapping.byteSize();
    }

    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", v" + version() + ", " + metadata().size() + " keys, " + tensors().size()
                + " tensors]";
    }
}
