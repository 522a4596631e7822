package dev.starling.llm.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates a GGUF header from a memory segment. Every length and count is checked against the bytes
 * that remain before anything is allocated, so a malformed file gives a {@link GgufFormatException} naming the file
 * and offset, never an OutOfMemoryError or an index error.
 *
 * <p>Layout (GGUF v2/v3, little-endian): {@code "GGUF"} magic; uint32 version; uint64 tensor count; uint64 kv count;
 * kv pairs (string key, uint32 value type, value); tensor infos (string name, uint32 n_dims, uint64 dims[n_dims],
 * uint32 ggml type, uint64 offset); padding to {@code general.alignment} (default 32); the data section. A string is
 * a uint64 byte length followed by UTF-8 bytes.
 */
final class GgufParser {

    static final int MAGIC = 0x46554747; // "GGUF" read as little-endian uint32
    static final int MAX_DIMS = 4;
    /** ggml's GGML_MAX_NAME is 64 including the terminating NUL. */
    static final int MAX_TENSOR_NAME_BYTES = 63;
    static final int MAX_KEY_BYTES = 65535;
    static final long MAX_ALIGNMENT = 1L << 30;
    /**
     * Upper bound on the Java heap the decoded metadata may take (estimated: 48 bytes per string object plus its
     * bytes, array elements at their width). A Llama 3 vocabulary (128k tokens, 280k merges) needs about 30 MiB; a
     * file of millions of tiny strings could otherwise expand several times its size in memory.
     */
    static final long MAX_METADATA_HEAP_BYTES = 1L << 30;
    static final long DEFAULT_ALIGNMENT = 32;
    static final String ALIGNMENT_KEY = "general.alignment";

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The parsed header. */
    record Header(int version, GgufMetadata metadata, List<GgufTensorInfo> tensors, long alignment, long dataOffset) {
    }

    private final Path file;
    private final MemorySegment seg;
    private final long size;
    private long pos;
    private long heapBytes;

    private final long maxHeapBytes;

    private GgufParser(Path file, MemorySegment seg, long maxHeapBytes) {
        this.file = file;
        this.seg = seg;
        this.size = seg.byteSize();
        this.maxHeapBytes = maxHeapBytes;
    }

    static Header parse(Path file, MemorySegment seg) throws GgufFormatException {
        return parse(file, seg, MAX_METADATA_HEAP_BYTES);
    }

    static Header parse(Path file, MemorySegment seg, long maxHeapBytes) throws GgufFormatException {
        return new GgufParser(file, seg, maxHeapBytes).header();
    }

    private Header header() throws GgufFormatException {
        need(4, "the magic");
        int magic = seg.get(U32, 0);
        if (magic != MAGIC) {
            throw fail(0, "bad magic 0x" + String.format("%08x", Integer.reverseBytes(magic))
                    + ", expected 0x47475546 (\"GGUF\"): not a GGUF file");
        }
        pos = 4;
        need(4, "the version");
        int version = seg.get(U32, pos);
        if (version == 1) {
            throw fail(pos, "GGUF version 1 is not supported (only versions 2 and 3); re-convert the model");
        }
        if (Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3) {
            throw fail(pos, "big-endian GGUF (version bytes " + Integer.toHexString(version)
                    + ") is not supported; use a little-endian file");
        }
        if (version != 2 && version != 3) {
            throw fail(pos, "unsupported GGUF version " + Integer.toUnsignedString(version) + " (only 2 and 3)");
        }
        pos += 4;
        long tensorCountPos = pos;
        long tensorCount = u64("the tensor count");
        long kvCountPos = pos;
        long kvCount = u64("the metadata count");
        // smallest kv: key length (8) + type (4) + one byte; smallest tensor info: name length (8) + n_dims (4)
        // + one dim (8) + type (4) + offset (8)
        long remaining = size - pos;
        if (Long.compareUnsigned(tensorCount, remaining / 32) > 0) {
            throw fail(tensorCountPos, "tensor count " + Long.toUnsignedString(tensorCount)
                    + " exceeds what the " + remaining + " remaining bytes can hold");
        }
        if (Long.compareUnsigned(kvCount, (remaining - tensorCount * 32) / 13) > 0) {
            throw fail(kvCountPos, "metadata count " + Long.toUnsignedString(kvCount)
                    + " exceeds what the " + remaining + " remaining bytes can hold");
        }

        LinkedHashMap<String, GgufMetadata.Entry> entries = new LinkedHashMap<>();
        long alignment = DEFAULT_ALIGNMENT;
        for (long i = 0; i < kvCount; i++) {
            long keyPos = pos;
            String key = string("metadata key #" + i, MAX_KEY_BYTES);
            if (key.isEmpty()) {
                throw fail(keyPos, "metadata key #" + i + " is empty");
            }
            if (entries.containsKey(key)) {
                throw fail(keyPos, "duplicate metadata key '" + key + "'");
            }
            long typePos = pos;
            GgufValueType type = valueType("metadata '" + key + "'");
            GgufMetadata.Entry entry;
            if (type == GgufValueType.ARRAY) {
                long elemPos = pos;
                GgufValueType elem = valueType("array element of '" + key + "'");
                if (elem == GgufValueType.ARRAY) {
                    throw fail(elemPos, "metadata '" + key + "': nested arrays are not supported");
                }
                entry = new GgufMetadata.Entry(type, elem, array(key, elem));
            } else {
                entry = new GgufMetadata.Entry(type, null, scalar(key, type));
            }
            if (key.equals(ALIGNMENT_KEY)) {
                if (!type.isInteger()) {
                    throw fail(typePos, ALIGNMENT_KEY + " has type " + type + ", expected an unsigned integer");
                }
                long a = (Long) entry.value();
                if (a <= 0 || a > MAX_ALIGNMENT || Long.bitCount(a) != 1) {
                    throw fail(typePos, ALIGNMENT_KEY + " = " + Long.toUnsignedString(a)
                            + " is not a power of two between 1 and " + MAX_ALIGNMENT);
                }
                alignment = a;
            }
            entries.put(key, entry);
        }

        if (tensorCount > Integer.MAX_VALUE - 16) {
            throw fail(tensorCountPos, "tensor count " + Long.toUnsignedString(tensorCount) + " is too large");
        }
        // grown as infos are parsed (each consumed at least 32 bytes), never preallocated from the count
        List<GgufTensorInfo> tensors = new ArrayList<>();
        List<Long> infoPos = new ArrayList<>();
        Map<String, Long> seen = new HashMap<>();
        for (int i = 0; i < tensorCount; i++) {
            infoPos.add(pos);
            tensors.add(tensorInfo(i, alignment, seen));
        }

        long headerEnd = pos;
        long dataOffset = pad(headerEnd, alignment);
        long dataBytes = size - dataOffset;
        for (int i = 0; i < tensors.size(); i++) {
            GgufTensorInfo t = tensors.get(i);
            long end = t.offset() + t.sizeBytes(); // both < 2^62 after tensorInfo checks
            if (dataBytes < 0 || end > dataBytes) {
                throw fail(infoPos.get(i), "tensor '" + t.name() + "' data [" + t.offset() + ", " + end
                        + ") relative to the data section at " + dataOffset + " runs past the end of the file ("
                        + size + " bytes): data missing or file truncated");
            }
        }
        // no two tensors may share bytes (llama.cpp goes further and requires them packed in order)
        Integer[] byOffset = new Integer[tensors.size()];
        for (int i = 0; i < byOffset.length; i++) {
            byOffset[i] = i;
        }
        java.util.Arrays.sort(byOffset, java.util.Comparator.comparingLong(i -> tensors.get(i).offset()));
        for (int k = 1; k < byOffset.length; k++) {
            GgufTensorInfo prev = tensors.get(byOffset[k - 1]);
            GgufTensorInfo next = tensors.get(byOffset[k]);
            if (next.offset() < prev.offset() + prev.sizeBytes()) {
                throw fail(infoPos.get(byOffset[k]), "tensor '" + next.name() + "' data at " + next.offset()
                        + " overlaps tensor '" + prev.name() + "' [" + prev.offset() + ", "
                        + (prev.offset() + prev.sizeBytes()) + ")");
            }
        }
        return new Header(version, new GgufMetadata(file, entries), List.copyOf(tensors), alignment, dataOffset);
    }

    private GgufTensorInfo tensorInfo(int index, long alignment, Map<String, Long> seen) throws GgufFormatException {
        long namePos = pos;
        String name = string("tensor #" + index + " name", MAX_TENSOR_NAME_BYTES);
        if (seen.putIfAbsent(name, namePos) != null) {
            throw fail(namePos, "duplicate tensor name '" + name + "' (first at offset " + seen.get(name) + ")");
        }
        long nDimsPos = pos;
        int nDims = u32("n_dims of tensor '" + name + "'");
        if (nDims < 1 || nDims > MAX_DIMS) {
            throw fail(nDimsPos, "tensor '" + name + "' has " + Integer.toUnsignedString(nDims)
                    + " dimensions, expected 1 to " + MAX_DIMS);
        }
        long[] dims = new long[nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            long dimPos = pos;
            dims[d] = u64("dimension " + d + " of tensor '" + name + "'");
            if (dims[d] <= 0) {
                throw fail(dimPos, "tensor '" + name + "' dimension " + d + " = " + Long.toUnsignedString(dims[d])
                        + " must be between 1 and 2^63-1");
            }
            long hi = Math.multiplyHigh(elements, dims[d]);
            elements *= dims[d];
            if (hi != 0 || elements < 0 || elements > (1L << 62)) {
                throw fail(dimPos, "tensor '" + name + "' element count overflows (dims so far "
                        + java.util.Arrays.toString(java.util.Arrays.copyOf(dims, d + 1)) + ")");
            }
        }
        long typePos = pos;
        int typeId = u32("type of tensor '" + name + "'");
        GgmlType type = GgmlType.byId(typeId);
        if (type == null) {
            throw fail(typePos, "tensor '" + name + "' has invalid ggml type id " + Integer.toUnsignedString(typeId));
        }
        if (dims[0] % type.blockSize() != 0) {
            throw fail(typePos, "tensor '" + name + "' row length " + dims[0] + " is not a multiple of the "
                    + type + " block size " + type.blockSize());
        }
        long bytes = Math.multiplyHigh(elements / type.blockSize(), type.typeSize()) != 0 ? -1
                : (elements / type.blockSize()) * type.typeSize();
        if (bytes < 0 || bytes > (1L << 62)) {
            throw fail(typePos, "tensor '" + name + "' byte size overflows");
        }
        long offPos = pos;
        long offset = u64("offset of tensor '" + name + "'");
        if (offset < 0 || offset > (1L << 62)) {
            throw fail(offPos, "tensor '" + name + "' offset " + Long.toUnsignedString(offset)
                    + " is past any possible end of file");
        }
        if (offset % alignment != 0) {
            throw fail(offPos, "tensor '" + name + "' offset " + offset + " is not a multiple of the alignment "
                    + alignment);
        }
        if (offset + bytes > size) {
            throw fail(offPos, "tensor '" + name + "' data [" + offset + ", " + (offset + bytes)
                    + ") relative to the data section runs past the end of the file (" + size + " bytes)");
        }
        return new GgufTensorInfo(name, dims, type, offset);
    }

    private Object scalar(String key, GgufValueType type) throws GgufFormatException {
        String what = "value of '" + key + "'";
        return switch (type) {
            case UINT8 -> (long) (u8(what) & 0xFF);
            case INT8 -> (long) u8(what);
            case UINT16 -> (long) (u16(what) & 0xFFFF);
            case INT16 -> (long) u16(what);
            case UINT32 -> u32(what) & 0xFFFFFFFFL;
            case INT32 -> (long) u32(what);
            case UINT64, INT64 -> u64(what);
            case FLOAT32 -> Float.intBitsToFloat(u32(what));
            case FLOAT64 -> Double.longBitsToDouble(u64(what));
            case BOOL -> bool(what);
            case STRING -> string(what, Integer.MAX_VALUE - 16);
            case ARRAY -> throw new IllegalStateException("arrays are parsed by array()");
        };
    }

    private Object array(String key, GgufValueType elem) throws GgufFormatException {
        long countPos = pos;
        long count = u64("array length of '" + key + "'");
        long remaining = size - pos;
        if (Long.compareUnsigned(count, remaining / elem.minSizeBytes()) > 0 || count > Integer.MAX_VALUE - 16) {
            throw fail(countPos, "array '" + key + "' of " + elem + " has length " + Long.toUnsignedString(count)
                    + ", more than the " + remaining + " remaining bytes can hold");
        }
        int n = (int) count;
        charge(countPos, (long) n * (elem == GgufValueType.STRING ? 8 : elem.minSizeBytes()), "array '" + key + "'");
        String what = "element of '" + key + "'";
        switch (elem) {
            case UINT8, INT8 -> {
                byte[] a = new byte[n];
                MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, a, 0, n);
                pos += n;
                return a;
            }
            case UINT16, INT16 -> {
                short[] a = new short[n];
                MemorySegment.copy(seg, U16, pos, a, 0, n);
                pos += 2L * n;
                return a;
            }
            case UINT32, INT32 -> {
                int[] a = new int[n];
                MemorySegment.copy(seg, U32, pos, a, 0, n);
                pos += 4L * n;
                return a;
            }
            case UINT64, INT64 -> {
                long[] a = new long[n];
                MemorySegment.copy(seg, U64, pos, a, 0, n);
                pos += 8L * n;
                return a;
            }
            case FLOAT32 -> {
                float[] a = new float[n];
                MemorySegment.copy(seg, F32, pos, a, 0, n);
                pos += 4L * n;
                return a;
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                MemorySegment.copy(seg, F64, pos, a, 0, n);
                pos += 8L * n;
                return a;
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = bool(what);
                }
                return a;
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = string(what + " #" + i, Integer.MAX_VALUE - 16);
                }
                return a;
            }
            default -> throw new IllegalStateException("nested arrays are rejected before");
        }
    }

    private GgufValueType valueType(String what) throws GgufFormatException {
        long at = pos;
        int id = u32("type of " + what);
        GgufValueType t = GgufValueType.byId(id);
        if (t == null) {
            throw fail(at, what + " has invalid value type " + Integer.toUnsignedString(id) + " (valid: 0 to 12)");
        }
        return t;
    }

    private String string(String what, int maxBytes) throws GgufFormatException {
        long lenPos = pos;
        long len = u64("length of " + what);
        long remaining = size - pos;
        if (Long.compareUnsigned(len, remaining) > 0) {
            throw fail(lenPos, what + " has length " + Long.toUnsignedString(len) + " but only " + remaining
                    + " bytes remain");
        }
        if (len > maxBytes) {
            throw fail(lenPos, what + " has length " + len + ", more than the limit of " + maxBytes + " bytes");
        }
        if (len == 0) {
            return "";
        }
        charge(lenPos, 48 + len, what);
        byte[] b = new byte[(int) len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, b, 0, b.length);
        pos += len;
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Counts decoded metadata against the heap limit before it is allocated. */
    private void charge(long at, long bytes, String what) throws GgufFormatException {
        heapBytes += bytes;
        if (heapBytes > maxHeapBytes) {
            throw fail(at, what + ": decoded metadata would exceed the limit of " + maxHeapBytes
                    + " bytes of memory");
        }
    }

    private boolean bool(String what) throws GgufFormatException {
        long at = pos;
        byte b = u8(what);
        if (b != 0 && b != 1) {
            throw fail(at, what + ": bool byte " + (b & 0xFF) + " is neither 0 nor 1");
        }
        return b == 1;
    }

    private byte u8(String what) throws GgufFormatException {
        need(1, what);
        return seg.get(ValueLayout.JAVA_BYTE, pos++);
    }

    private short u16(String what) throws GgufFormatException {
        need(2, what);
        short v = seg.get(U16, pos);
        pos += 2;
        return v;
    }

    private int u32(String what) throws GgufFormatException {
        need(4, what);
        int v = seg.get(U32, pos);
        pos += 4;
        return v;
    }

    private long u64(String what) throws GgufFormatException {
        need(8, what);
        long v = seg.get(U64, pos);
        pos += 8;
        return v;
    }

    private void need(long n, String what) throws GgufFormatException {
        if (size - pos < n) {
            throw fail(pos, "file ends while reading " + what + " (" + n + " bytes needed, " + (size - pos)
                    + " remain)");
        }
    }

    static long pad(long x, long alignment) {
        return (x + alignment - 1) & -alignment;
    }

    private GgufFormatException fail(long at, String problem) {
        return new GgufFormatException(file, at, problem);
    }
}
