package dev.starling.llm.gguf;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The key/value metadata of a GGUF file, in file order.
 *
 * <p>Values are decoded when the file is opened. Scalars: integers are kept as {@link Long} (unsigned 64-bit values
 * as their two's-complement bits), FLOAT32 as {@link Float}, FLOAT64 as {@link Double}, BOOL as {@link Boolean},
 * STRING as {@link String}. Arrays keep their element width: byte[] (UINT8/INT8), short[] (UINT16/INT16),
 * int[] (UINT32/INT32), long[] (UINT64/INT64), float[], double[], boolean[], String[].
 *
 * <p>A missing key or a value of the wrong type gives a {@link GgufFormatException} naming the key; the overloads
 * with a default value return the default only when the key is absent (a present key of the wrong type still fails).
 */
public final class GgufMetadata {

    /** One decoded value; elementType is null unless type is ARRAY. */
    public record Entry(GgufValueType type, GgufValueType elementType, Object value) {
    }

    private final Path file;
    private final Map<String, Entry> entries;

    GgufMetadata(Path file, LinkedHashMap<String, Entry> entries) {
        this.file = file;
        this.entries = Collections.unmodifiableMap(entries);
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** Keys in file order. */
    public Set<String> keys() {
        return entries.keySet();
    }

    public int size() {
        return entries.size();
    }

    /** The value type of a key (ARRAY for arrays); fails when the key is absent. */
    public GgufValueType typeOf(String key) throws GgufFormatException {
        return entry(key).type();
    }

    /** The element type of an array key; fails when the key is absent or not an array. */
    public GgufValueType elementTypeOf(String key) throws GgufFormatException {
        Entry e = entry(key);
        if (e.type() != GgufValueType.ARRAY) {
            throw wrongType(key, e, "an array");
        }
        return e.elementType();
    }

    /** The decoded entry (type, element type, value) for copying metadata verbatim; null when absent. */
    public Entry entryOrNull(String key) {
        return entries.get(key);
    }

    /** Number of elements of an array key. */
    public int arrayLength(String key) throws GgufFormatException {
        Entry e = entry(key);
        if (e.type() != GgufValueType.ARRAY) {
            throw wrongType(key, e, "an array");
        }
        return java.lang.reflect.Array.getLength(e.value());
    }

    // ---- scalars

    public String getString(String key) throws GgufFormatException {
        Entry e = entry(key);
        if (e.type() != GgufValueType.STRING) {
            throw wrongType(key, e, "a string");
        }
        return (String) e.value();
    }

    public String getString(String key, String dflt) throws GgufFormatException {
        return has(key) ? getString(key) : dflt;
    }

    /** Any integer type; an unsigned 64-bit value above Long.MAX_VALUE is rejected. */
    public long getLong(String key) throws GgufFormatException {
        Entry e = entry(key);
        if (!e.type().isInteger()) {
            throw wrongType(key, e, "an integer");
        }
        long v = (Long) e.value();
        if (e.type() == GgufValueType.UINT64 && v < 0) {
            throw new GgufFormatException(file, "metadata key '" + key + "': value " + Long.toUnsignedString(v)
                    + " does not fit a signed 64-bit integer");
        }
        return v;
    }

    public long getLong(String key, long dflt) throws GgufFormatException {
        return has(key) ? getLong(key) : dflt;
    }

    /** Any integer type whose value fits an int. */
    public int getInt(String key) throws GgufFormatException {
        long v = getLong(key);
        if (v != (int) v) {
            throw new GgufFormatException(file, "metadata key '" + key + "': value " + v + " does not fit an int");
        }
        return (int) v;
    }

    public int getInt(String key, int dflt) throws GgufFormatException {
        return has(key) ? getInt(key) : dflt;
    }

    /** FLOAT32, FLOAT64 (narrowed) or an integer type (converted). */
    public float getFloat(String key) throws GgufFormatException {
        return (float) getDouble(key);
    }

    public float getFloat(String key, float dflt) throws GgufFormatException {
        return has(key) ? getFloat(key) : dflt;
    }

    public double getDouble(String key) throws GgufFormatException {
        Entry e = entry(key);
        return switch (e.value()) {
            case Float f -> f;
            case Double d -> d;
            case Long l when e.type().isInteger() -> e.type() == GgufValueType.UINT64 && l < 0
                    ? Math.scalb((double) (l >>> 1), 1) : (double) l;
            default -> throw wrongType(key, e, "a number");
        };
    }

    public double getDouble(String key, double dflt) throws GgufFormatException {
        return has(key) ? getDouble(key) : dflt;
    }

    public boolean getBoolean(String key) throws GgufFormatException {
        Entry e = entry(key);
        if (e.type() != GgufValueType.BOOL) {
            throw wrongType(key, e, "a bool");
        }
        return (Boolean) e.value();
    }

    public boolean getBoolean(String key, boolean dflt) throws GgufFormatException {
        return has(key) ? getBoolean(key) : dflt;
    }

    // ---- arrays (each call returns a fresh copy)

    public String[] getStringArray(String key) throws GgufFormatException {
        Entry e = entry(key);
        if (e.value() instanceof String[] a) {
            return a.clone();
        }
        throw wrongType(key, e, "an array of strings");
    }

    public String[] getStringArray(String key, String[] dflt) throws GgufFormatException {
        return has(key) ? getStringArray(key) : dflt;
    }

    /** Arrays of FLOAT32, FLOAT64 (narrowed) or integers (converted). */
    public float[] getFloatArray(String key) throws GgufFormatException {
        Entry e = entry(key);
        Object v = e.value();
        if (v instanceof float[] a) {
            return a.clone();
        }
        if (v instanceof double[] a) {
            float[] r = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                r[i] = (float) a[i];
            }
            return r;
        }
        if (e.type() == GgufValueType.ARRAY && e.elementType().isInteger()) {
            long[] l = longs(key, e);
            float[] r = new float[l.length];
            for (int i = 0; i < l.length; i++) {
                r[i] = l[i];
            }
            return r;
        }
        throw wrongType(key, e, "an array of numbers");
    }

    public float[] getFloatArray(String key, float[] dflt) throws GgufFormatException {
        return has(key) ? getFloatArray(key) : dflt;
    }

    /** Arrays of any integer type whose values fit an int. */
    public int[] getIntArray(String key) throws GgufFormatException {
        Entry e = entry(key);
        if (e.value() instanceof int[] a && e.elementType() == GgufValueType.INT32) {
            return a.clone();
        }
        long[] l = getLongArray(key);
        int[] r = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] != (int) l[i]) {
                throw new GgufFormatException(file, "metadata key '" + key + "': element " + i + " = " + l[i]
                        + " does not fit an int");
            }
            r[i] = (int) l[i];
        }
        return r;
    }

    public int[] getIntArray(String key, int[] dflt) throws GgufFormatException {
        return has(key) ? getIntArray(key) : dflt;
    }

    /** Arrays of any integer type (unsigned widened; UINT64 above Long.MAX_VALUE rejected). */
    public long[] getLongArray(String key) throws GgufFormatException {
        Entry e = entry(key);
        if (e.type() != GgufValueType.ARRAY || !e.elementType().isInteger()) {
            throw wrongType(key, e, "an array of integers");
        }
        return longs(key, e);
    }

    public long[] getLongArray(String key, long[] dflt) throws GgufFormatException {
        return has(key) ? getLongArray(key) : dflt;
    }

    public boolean[] getBooleanArray(String key) throws GgufFormatException {
        Entry e = entry(key);
        if (e.value() instanceof boolean[] a) {
            return a.clone();
        }
        throw wrongType(key, e, "an array of bools");
    }

    private long[] longs(String key, Entry e) throws GgufFormatException {
        boolean unsigned = switch (e.elementType()) {
            case UINT8, UINT16, UINT32, UINT64 -> true;
            default -> false;
        };
        return switch (e.value()) {
            case byte[] a -> {
                long[] r = new long[a.length];
                for (int i = 0; i < a.length; i++) {
                    r[i] = unsigned ? a[i] & 0xFFL : a[i];
                }
                yield r;
            }
            case short[] a -> {
                long[] r = new long[a.length];
                for (int i = 0; i < a.length; i++) {
                    r[i] = unsigned ? a[i] & 0xFFFFL : a[i];
                }
                yield r;
            }
            case int[] a -> {
                long[] r = new long[a.length];
                for (int i = 0; i < a.length; i++) {
                    r[i] = unsigned ? a[i] & 0xFFFFFFFFL : a[i];
                }
                yield r;
            }
            case long[] a -> {
                if (unsigned) {
                    for (int i = 0; i < a.length; i++) {
                        if (a[i] < 0) {
                            throw new GgufFormatException(file, "metadata key '" + key + "': element " + i + " = "
                                    + Long.toUnsignedString(a[i]) + " does not fit a signed 64-bit integer");
                        }
                    }
                }
                yield a.clone();
            }
            default -> throw wrongType(key, e, "an array of integers");
        };
    }

    private Entry entry(String key) throws GgufFormatException {
        Entry e = entries.get(key);
        if (e == null) {
            throw new GgufFormatException(file, "metadata key '" + key + "' is missing");
        }
        return e;
    }

    private GgufFormatException wrongType(String key, Entry e, String wanted) {
        String actual = e.type() == GgufValueType.ARRAY ? "ARRAY of " + e.elementType() : e.type().name();
        return new GgufFormatException(file, "metadata key '" + key + "' is " + actual + ", expected " + wanted);
    }
}
