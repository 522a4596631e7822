package dev.starling.llm.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Little-endian element access shared by the scalar and vector kernels. */
final class Blocks {
    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Blocks() {
    }

    static float f16(MemorySegment s, long off) {
        return Float.float16ToFloat(s.get(SHORT_LE, off));
    }

    static float bf16(MemorySegment s, long off) {
        return Float.intBitsToFloat((s.get(SHORT_LE, off) & 0xFFFF) << 16);
    }

    static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    static int i8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off);
    }

    /** Q4_K: 6-bit scale (index j in 0..7) packed in the 12 scale bytes at sc, as ggml's get_scale_min_k4. */
    static int q4kScale(MemorySegment s, long sc, int j) {
        if (j < 4) {
            return u8(s, sc + j) & 63;
        }
        return (u8(s, sc + j + 4) & 0xF) | ((u8(s, sc + j - 4) >> 6) << 4);
    }

    /** Q4_K: 6-bit min (index j in 0..7). */
    static int q4kMin(MemorySegment s, long sc, int j) {
        if (j < 4) {
            return u8(s, sc + j + 4) & 63;
        }
        return (u8(s, sc + j + 4) >> 4) | ((u8(s, sc + j) >> 6) << 4);
    }
}
