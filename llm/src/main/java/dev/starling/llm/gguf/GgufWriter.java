package dev.starling.llm.gguf;

import dev.starling.llm.gguf.quant.Quantize;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * Writes GGUF version 3 files: metadata of every value type (arrays included) and tensors given as floats
 * (quantized on the way out with {@link Quantize}) or as raw bytes of any {@link GgmlType}.
 *
 * <p>Use: declare metadata and tensors, then {@link #write()}. Nothing is written before {@link #write()}; it
 * streams the header and then each tensor's data in declaration order through a buffered stream to a temporary
 * file that is renamed over the target at the end, so models of many gigabytes never sit in memory (tensors given
 * by a {@link RowSource} are produced and quantized a chunk of rows at a time). Tensor data is padded to
 * {@code general.alignment} (32 unless {@link #alignment(int)} sets it), and offsets are contiguous, as llama.cpp
 * expects.
 */
public final class GgufWriter {

    /** Produces the floats of one row (dims[0] values) of a tensor; may be called concurrently for different rows. */
    @FunctionalInterface
    public interface RowSource {
        void row(long rowIndex, float[] dst);
    }

    private record Pending(GgufTensorInfo info, Object source) {
    }

    private static final int CHUNK_TARGET_BYTES = 4 << 20;

    private final Path out;
    private final LinkedHashMap<String, GgufMetadata.Entry> metadata = new LinkedHashMap<>();
    private final List<Pending> tensors = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private long alignment = GgufParser.DEFAULT_ALIGNMENT;
    private long nextOffset;
    private boolean written;

    private GgufWriter(Path out) {
        this.out = out;
    }

    public static GgufWriter create(Path out) {
        return new GgufWriter(out);
    }

    // ---- metadata (a key put twice keeps its first position and takes the new value)

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValueType.STRING, value);
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValueType.BOOL, value);
    }

    public GgufWriter putUInt8(String key, int value) {
        return putInteger(key, GgufValueType.UINT8, value, 0, 0xFF);
    }

    public GgufWriter putInt8(String key, int value) {
        return putInteger(key, GgufValueType.INT8, value, Byte.MIN_VALUE, Byte.MAX_VALUE);
    }

    public GgufWriter putUInt16(String key, int value) {
        return putInteger(key, GgufValueType.UINT16, value, 0, 0xFFFF);
    }

    public GgufWriter putInt16(String key, int value) {
        return putInteger(key, GgufValueType.INT16, value, Short.MIN_VALUE, Short.MAX_VALUE);
    }

    public GgufWriter putUInt32(String key, long value) {
        return putInteger(key, GgufValueType.UINT32, value, 0, 0xFFFFFFFFL);
    }

    public GgufWriter putInt32(String key, int value) {
        return putInteger(key, GgufValueType.INT32, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** The value's 64 bits are written as they are (use Long.parseUnsignedLong for values above 2^63-1). */
    public GgufWriter putUInt64(String key, long value) {
        return put(key, GgufValueType.UINT64, value);
    }

    public GgufWriter putInt64(String key, long value) {
        return put(key, GgufValueType.INT64, value);
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValueType.FLOAT32, value);
    }

    public GgufWriter putFloat64(String key, double value) {
        return put(key, GgufValueType.FLOAT64, value);
    }

    public GgufWriter putStringArray(String key, String... values) {
        return putArray(key, GgufValueType.STRING, values.clone());
    }

    public GgufWriter putFloatArray(String key, float... values) {
        return putArray(key, GgufValueType.FLOAT32, values.clone());
    }

    public GgufWriter putInt32Array(String key, int... values) {
        return putArray(key, GgufValueType.INT32, values.clone());
    }

    /**
     * An array of {@code elementType}; {@code values} must be the Java array {@link GgufMetadata} uses for that type
     * (byte[] for UINT8/INT8, short[] for 16-bit, int[] for 32-bit, long[] for 64-bit integers, float[], double[],
     * boolean[], String[]). The array is kept by reference until {@link #write()}.
     */
    public GgufWriter putArray(String key, GgufValueType elementType, Object values) {
        if (elementType == GgufValueType.ARRAY) {
            throw new IllegalArgumentException(key + ": nested arrays are not supported");
        }
        Class<?> want = switch (elementType) {
            case UINT8, INT8 -> byte[].class;
            case UINT16, INT16 -> short[].class;
            case UINT32, INT32 -> int[].class;
            case UINT64, INT64 -> long[].class;
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case BOOL -> boolean[].class;
            case STRING -> String[].class;
            case ARRAY -> throw new AssertionError();
        };
        if (!want.isInstance(values)) {
            throw new IllegalArgumentException(key + ": an array of " + elementType + " must be given as "
                    + want.getSimpleName() + ", not " + (values == null ? "null" : values.getClass().getSimpleName()));
        }
        return putEntry(key, new GgufMetadata.Entry(GgufValueType.ARRAY, elementType, values));
    }

    /** Copies one decoded entry (e.g. from another file's {@link GgufMetadata#entryOrNull}). */
    public GgufWriter putEntry(String key, GgufMetadata.Entry entry) {
        checkKey(key);
        if (entry.type() == GgufValueType.ARRAY) {
            if (entry.elementType() == null || entry.elementType() == GgufValueType.ARRAY) {
                throw new IllegalArgumentException(key + ": array entries need a non-array element type");
            }
        } else {
            checkScalar(key, entry.type(), entry.value());
        }
        if (key.equals(GgufParser.ALIGNMENT_KEY)) {
            if (!entry.type().isInteger()) {
                throw new IllegalArgumentException(key + " must be an integer, not " + entry.type());
            }
            setAlignment((Long) entry.value());
            entry = new GgufMetadata.Entry(GgufValueType.UINT32, null, entry.value()); // llama.cpp reads a uint32
        }
        metadata.put(key, entry);
        return this;
    }

    /** Copies every entry of {@code from} whose key passes the filter, e.g. {@code k -> k.startsWith("tokenizer.")}. */
    public GgufWriter putAll(GgufMetadata from, Predicate<String> keyFilter) {
        for (String key : from.keys()) {
            if (keyFilter.test(key)) {
                putEntry(key, from.entryOrNull(key));
            }
        }
        return this;
    }

    /** Sets {@code general.alignment} (a power of two) for tensor data; must be set before tensors are added. */
    public GgufWriter alignment(int bytes) {
        return putUInt32(GgufParser.ALIGNMENT_KEY, bytes);
    }

    // ---- tensors, in the order they will be written

    /** A tensor from floats in row-major order (dims[0] fastest), quantized to {@code type} when written. */
    public GgufWriter addTensor(String name, GgmlType type, long[] dims, float[] values) {
        requireQuantizable(name, type);
        GgufTensorInfo info = declare(name, type, dims);
        if (values.length != info.elementCount()) {
            throw new IllegalArgumentException("tensor " + name + ": " + values.length + " values given for dims "
                    + Arrays.toString(dims) + " (" + info.elementCount() + " elements)");
        }
        return add(info, values);
    }

    /** A tensor whose rows are produced on demand when written (for tensors too large to hold). */
    public GgufWriter addTensor(String name, GgmlType type, long[] dims, RowSource rows) {
        requireQuantizable(name, type);
        if (dims.length > 0 && dims[0] > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("tensor " + name + ": row length " + dims[0] + " is too long");
        }
        return add(declare(name, type, dims), rows);
    }

    /** A tensor from its encoded bytes ({@code sizeBytes()} of them), of any type. */
    public GgufWriter addRawTensor(String name, GgmlType type, long[] dims, byte[] bytes) {
        return addRawTensor(name, type, dims, MemorySegment.ofArray(bytes));
    }

    /** A tensor from encoded bytes in a segment (e.g. {@link GgufFile#tensorData} of another file); kept by reference. */
    public GgufWriter addRawTensor(String name, GgmlType type, long[] dims, MemorySegment bytes) {
        GgufTensorInfo info = declare(name, type, dims);
        if (bytes.byteSize() != info.sizeBytes()) {
            throw new IllegalArgumentException("tensor " + name + ": " + bytes.byteSize() + " bytes given, " + type
                    + " " + Arrays.toString(dims) + " needs " + info.sizeBytes());
        }
        return add(info, bytes);
    }

    /** Writes the file (header, then each tensor's data in order); returns its size in bytes. Only once. */
    public long write() throws IOException {
        if (written) {
            throw new IllegalStateException("already written: " + out);
        }
        written = true;
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, out.getFileName().toString(), ".part");
        boolean ok = false;
        try {
            long size;
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                LeOutput o = new LeOutput(os);
                writeHeader(o);
                for (Pending p : tensors) {
                    writeData(o, p);
                    o.padTo(alignment);
                }
                o.flush();
                size = o.position();
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            ok = true;
            return size;
        } finally {
            if (!ok) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    // ---- internals

    private GgufWriter put(String key, GgufValueType type, Object value) {
        return putEntry(key, new GgufMetadata.Entry(type, null, value instanceof Integer i ? (long) i : value));
    }

    private GgufWriter putInteger(String key, GgufValueType type, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + ": " + value + " does not fit " + type);
        }
        return put(key, type, value);
    }

    private static void checkKey(String key) {
        int len = key.getBytes(StandardCharsets.UTF_8).length;
        if (len == 0 || len > GgufParser.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("metadata key length " + len + " must be 1.."
                    + GgufParser.MAX_KEY_BYTES + ": '" + key + "'");
        }
    }

    private static void checkScalar(String key, GgufValueType type, Object value) {
        boolean ok = switch (type) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> value instanceof Long;
            case FLOAT32 -> value instanceof Float;
            case FLOAT64 -> value instanceof Double;
            case BOOL -> value instanceof Boolean;
            case STRING -> value instanceof String;
            case ARRAY -> false;
        };
        if (!ok) {
            throw new IllegalArgumentException(key + ": value " + value + " does not match type " + type);
        }
    }

    private void setAlignment(long a) {
        if (a <= 0 || a > GgufParser.MAX_ALIGNMENT || Long.bitCount(a) != 1) {
            throw new IllegalArgumentException(GgufParser.ALIGNMENT_KEY + " " + a + " is not a power of two up to "
                    + GgufParser.MAX_ALIGNMENT);
        }
        if (!tensors.isEmpty() && a != alignment) {
            throw new IllegalStateException("set " + GgufParser.ALIGNMENT_KEY + " before adding tensors");
        }
        alignment = a;
    }

    private static void requireQuantizable(String name, GgmlType type) {
        if (!Quantize.canQuantize(type)) {
            throw new IllegalArgumentException("tensor " + name + ": cannot quantize floats to " + type
                    + " (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K); pass raw bytes instead");
        }
    }

    private GgufTensorInfo declare(String name, GgmlType type, long[] dims) {
        int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (nameBytes == 0 || nameBytes > GgufParser.MAX_TENSOR_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name '" + name + "' must be 1.."
                    + GgufParser.MAX_TENSOR_NAME_BYTES + " bytes of UTF-8");
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        }
        if (dims.length < 1 || dims.length > GgufParser.MAX_DIMS) {
            throw new IllegalArgumentException("tensor " + name + ": " + dims.length + " dims, expected 1.."
                    + GgufParser.MAX_DIMS);
        }
        for (long d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException("tensor " + name + ": dims " + Arrays.toString(dims)
                        + " must all be >= 1");
            }
        }
        if (dims[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor " + name + ": row length " + dims[0]
                    + " is not a multiple of the " + type + " block size " + type.blockSize());
        }
        GgufTensorInfo info = new GgufTensorInfo(name, dims, type, nextOffset);
        nextOffset = GgufParser.pad(Math.addExact(nextOffset, info.sizeBytes()), alignment);
        return info;
    }

    private GgufWriter add(GgufTensorInfo info, Object source) {
        tensors.add(new Pending(info, source));
        return this;
    }

    private void writeHeader(LeOutput o) throws IOException {
        o.u32(GgufParser.MAGIC);
        o.u32(3);
        o.u64(tensors.size());
        o.u64(metadata.size());
        for (var e : metadata.entrySet()) {
            o.string(e.getKey());
            GgufMetadata.Entry v = e.getValue();
            o.u32(v.type().id());
            if (v.type() == GgufValueType.ARRAY) {
                o.u32(v.elementType().id());
                writeArray(o, v.elementType(), v.value());
            } else {
                writeScalar(o, v.type(), v.value());
            }
        }
        for (Pending p : tensors) {
            GgufTensorInfo t = p.info();
            o.string(t.name());
            o.u32(t.dimCount());
            for (int i = 0; i < t.dimCount(); i++) {
                o.u64(t.dim(i));
            }
            o.u32(t.type().id());
            o.u64(t.offset());
        }
        o.padTo(alignment);
    }

    private static void writeScalar(LeOutput o, GgufValueType type, Object v) throws IOException {
        switch (type) {
            case UINT8, INT8 -> o.u8((int) (long) (Long) v);
            case UINT16, INT16 -> o.u16((int) (long) (Long) v);
            case UINT32, INT32 -> o.u32((int) (long) (Long) v);
            case UINT64, INT64 -> o.u64((Long) v);
            case FLOAT32 -> o.u32(Float.floatToRawIntBits((Float) v));
            case FLOAT64 -> o.u64(Double.doubleToRawLongBits((Double) v));
            case BOOL -> o.u8((Boolean) v ? 1 : 0);
            case STRING -> o.string((String) v);
            case ARRAY -> throw new AssertionError();
        }
    }

    private static void writeArray(LeOutput o, GgufValueType elem, Object array) throws IOException {
        int n = java.lang.reflect.Array.getLength(array);
        o.u64(n);
        switch (array) {
            case byte[] a -> o.bytes(a, 0, a.length);
            case short[] a -> {
                for (short s : a) {
                    o.u16(s);
                }
            }
            case int[] a -> {
                for (int s : a) {
                    o.u32(s);
                }
            }
            case long[] a -> {
                for (long s : a) {
                    o.u64(s);
                }
            }
            case float[] a -> {
                for (float s : a) {
                    o.u32(Float.floatToRawIntBits(s));
                }
            }
            case double[] a -> {
                for (double s : a) {
                    o.u64(Double.doubleToRawLongBits(s));
                }
            }
            case boolean[] a -> {
                for (boolean s : a) {
                    o.u8(s ? 1 : 0);
                }
            }
            case String[] a -> {
                for (String s : a) {
                    o.string(s);
                }
            }
            default -> throw new IllegalArgumentException("array of " + elem + " given as " + array.getClass());
        }
    }

    private static void writeData(LeOutput o, Pending p) throws IOException {
        GgufTensorInfo t = p.info();
        switch (p.source()) {
            case MemorySegment seg -> {
                byte[] chunk = new byte[(int) Math.min(CHUNK_TARGET_BYTES, Math.max(1, seg.byteSize()))];
                for (long at = 0; at < seg.byteSize(); at += chunk.length) {
                    int len = (int) Math.min(chunk.length, seg.byteSize() - at);
                    MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, at, chunk, 0, len);
                    o.bytes(chunk, 0, len);
                }
            }
            case float[] values -> writeRows(o, t, (row, dst) ->
                    System.arraycopy(values, Math.toIntExact(row * dst.length), dst, 0, dst.length));
            case RowSource rows -> writeRows(o, t, rows);
            default -> throw new AssertionError(p.source());
        }
    }

    /** Produces and quantizes rows a chunk at a time (in parallel within a chunk), writing chunks in order. */
    private static void writeRows(LeOutput o, GgufTensorInfo t, RowSource rows) throws IOException {
        int rowLen = Math.toIntExact(t.dim(0));
        int rowBytes = Math.toIntExact(t.type().bytesFor(rowLen));
        long rowCount = t.rowCount();
        int chunkRows = (int) Math.max(1, Math.min(rowCount, CHUNK_TARGET_BYTES / Math.max(rowBytes, rowLen * 4L)));
        byte[] chunk = new byte[chunkRows * rowBytes];
        for (long first = 0; first < rowCount; first += chunkRows) {
            long base = first;
            int n = (int) Math.min(chunkRows, rowCount - first);
            IntStream range = IntStream.range(0, n);
            (n > 1 ? range.parallel() : range).forEach(r -> {
                float[] src = new float[rowLen];
                rows.row(base + r, src);
                Quantize.row(t.type(), src, 0, rowLen, chunk, r * rowBytes);
            });
            o.bytes(chunk, 0, n * rowBytes);
        }
    }
}
