package dev.starling.llm.tensor;

/**
 * The weight encodings the kernels understand, with ggml's exact block layouts (little-endian):
 * <pre>
 * F32   1 element,   4 bytes: IEEE float
 * F16   1 element,   2 bytes: IEEE half
 * BF16  1 element,   2 bytes: upper half of an IEEE float
 * Q8_0  32 elements, 34 bytes: f16 d; int8 qs[32];                 x = d * q
 * Q4_0  32 elements, 18 bytes: f16 d; u8 qs[16];                   x[j] = d * ((qs[j] &amp; 15) - 8), x[j+16] = d * ((qs[j] &gt;&gt; 4) - 8)
 * Q4_K  256 elements, 144 bytes: f16 d; f16 dmin; u8 scales[12] (8 x 6-bit scale, 8 x 6-bit min); u8 qs[128]
 * Q6_K  256 elements, 210 bytes: u8 ql[128] (low 4 bits); u8 qh[64] (high 2 bits); int8 scales[16]; f16 d
 * </pre>
 * The kernels' own view of a type: the model layer maps a GGUF tensor type onto it and names any type it cannot.
 */
public enum QuantType {
    F32(1, 4),
    F16(1, 2),
    BF16(1, 2),
    Q8_0(32, 34),
    Q4_0(32, 18),
    Q4_K(256, 144),
    Q6_K(256, 210);

    /** Elements per block. */
    public final int blockSize;
    /** Bytes per block. */
    public final int blockBytes;

    QuantType(int blockSize, int blockBytes) {
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** Bytes of one row of {@code cols} elements; cols must be a multiple of the block size. */
    public long rowBytes(long cols) {
        if (cols % blockSize != 0) {
            throw new IllegalArgumentException(name() + " rows need a multiple of " + blockSize + " elements, got " + cols);
        }
        return cols / blockSize * blockBytes;
    }

    /** The type of this name (as ggml spells it), or null if the kernels do not support it. */
    public static QuantType byName(String name) {
        for (QuantType t : values()) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        return null;
    }
}
