package dev.starling.llm.gguf;

/**
 * ggml tensor element types with their GGUF type ids and block geometry.
 *
 * <p>Ids and sizes follow llama.cpp's {@code ggml.h} / {@code ggml-common.h}: {@link #blockSize()} is the number of
 * elements packed into one block and {@link #typeSize()} the number of bytes of one block. A row of a tensor
 * (dims[0] elements) must be a whole number of blocks. Ids 4, 5 (old Q4_2/Q4_3), 31-33 and 36-38 (removed
 * repacked types) are not assigned.
 *
 * <p>Block byte layouts of the supported quantized types (all little-endian, "half" = IEEE binary16):
 * <ul>
 *   <li>Q8_0 (34 bytes / 32 values): half d; int8 qs[32]. x = d * q.</li>
 *   <li>Q4_0 (18 bytes / 32 values): half d; uint8 qs[16], byte j holds value j in the low nibble and value
 *       j+16 in the high nibble. x = d * (q - 8).</li>
 *   <li>Q4_K (144 bytes / 256 values): half d; half dmin; uint8 scales[12] (eight 6-bit scales and eight 6-bit
 *       mins packed, see {@code get_scale_min_k4}); uint8 qs[128] (four groups of 32 bytes, each holding two
 *       32-value sub-blocks: low nibbles then high nibbles). x = d * sc * q - dmin * m.</li>
 *   <li>Q6_K (210 bytes / 256 values): uint8 ql[128] (low 4 bits); uint8 qh[64] (high 2 bits); int8 scales[16]
 *       (one per 16 values); half d. x = d * scale * (q - 32).</li>
 * </ul>
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    IQ2_XXS(16, 256, 66),
    IQ2_XS(17, 256, 74),
    IQ3_XXS(18, 256, 98),
    IQ1_S(19, 256, 50),
    IQ4_NL(20, 32, 18),
    IQ3_S(21, 256, 110),
    IQ2_S(22, 256, 82),
    IQ4_XS(23, 256, 136),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 56),
    BF16(30, 1, 2),
    TQ1_0(34, 256, 54),
    TQ2_0(35, 256, 66),
    MXFP4(39, 32, 17);

    private static final GgmlType[] BY_ID = new GgmlType[64];

    static {
        for (GgmlType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final int blockSize;
    private final int typeSize;

    GgmlType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    /** The ggml type id as stored in GGUF tensor infos. */
    public int id() {
        return id;
    }

    /** Elements per block. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    /** Whether Starling's engine computes with this type (others can be read but not run). */
    public boolean supported() {
        return switch (this) {
            case F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K -> true;
            default -> false;
        };
    }

    /** Bytes needed for {@code elements} values; the caller guarantees elements is a multiple of blockSize. */
    public long bytesFor(long elements) {
        return Math.multiplyExact(elements / blockSize, (long) typeSize);
    }

    /** The type with this id, or null when the id is not a known ggml type. */
    public static GgmlType byId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }
}
