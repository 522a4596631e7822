package dev.starling.llm.gguf;

/** GGUF metadata value types with their on-disk ids ({@code enum gguf_type}). */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    /** uint64 length + UTF-8 bytes (no terminator). */
    STRING(8, 8),
    /** uint32 element type + uint64 count + elements. */
    ARRAY(9, 12),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = values();

    private final int id;
    private final int minSizeBytes;

    GgufValueType(int id, int minSizeBytes) {
        this.id = id;
        this.minSizeBytes = minSizeBytes;
    }

    public int id() {
        return id;
    }

    /** The smallest number of bytes one value of this type occupies on disk (its exact size for scalars). */
    public int minSizeBytes() {
        return minSizeBytes;
    }

    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** The type with this id, or null when the id is not a GGUF value type. */
    public static GgufValueType byId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }
}
