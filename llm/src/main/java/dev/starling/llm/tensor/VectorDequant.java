package dev.starling.llm.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

/** Vector API dequantization of one row per type, each in its own small method (C2 compiles them with every intrinsic). */
final class VectorDequant {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private VectorDequant() {
    }

    static void dequantizeRow(QuantType type, MemorySegment s, long off, float[] out, int outOff, int cols) {
        switch (type) {
            case F32 -> dequantF32(s, off, out, outOff, cols);
            case F16 -> dequantF16(s, off, out, outOff, cols);
            case BF16 -> dequantBF16(s, off, out, outOff, cols);
            case Q8_0 -> dequantQ8_0(s, off, out, outOff, cols);
            case Q4_0 -> dequantQ4_0(s, off, out, outOff, cols);
            case Q4_K -> dequantQ4_K(s, off, out, outOff, cols);
            case Q6_K -> dequantQ6_K(s, off, out, outOff, cols);
        }
    }

    private static void dequantF32(MemorySegment s, long off, float[] out, int outOff, int cols) {
        int i = 0;
        for (; i + VectorKernels.L <= cols; i += VectorKernels.L) {
            FloatVector.fromMemorySegment(VectorKernels.F, s, off + 4L * i, LE).intoArray(out, outOff + i);
        }
        for (; i < cols; i++) {
            out[outOff + i] = s.get(Blocks.FLOAT_LE, off + 4L * i);
        }
    }

    private static void dequantF16(MemorySegment s, long off, float[] out, int outOff, int cols) {
        int i = 0;
        for (; i + VectorKernels.L <= cols; i += VectorKernels.L) {
            VectorKernels.loadF16(s, off + 2L * i).intoArray(out, outOff + i);
        }
        for (; i < cols; i++) {
            out[outOff + i] = Blocks.f16(s, off + 2L * i);
        }
    }

    private static void dequantBF16(MemorySegment s, long off, float[] out, int outOff, int cols) {
        int i = 0;
        for (; i + VectorKernels.L <= cols; i += VectorKernels.L) {
            VectorKernels.loadBF16(s, off + 2L * i).intoArray(out, outOff + i);
        }
        for (; i < cols; i++) {
            out[outOff + i] = Blocks.bf16(s, off + 2L * i);
        }
    }

    private static void dequantQ8_0(MemorySegment s, long off, float[] out, int outOff, int cols) {
        for (int b = 0; b < cols / 32; b++) {
            long bo = off + 34L * b;
            float d = Blocks.f16(s, bo);
            for (int j = 0; j < 32; j += VectorKernels.L) {
                VectorKernels.bytesToFloats(ByteVector.fromMemorySegment(VectorKernels.BL, s, bo + 2 + j, LE)).mul(d).intoArray(out, outOff + 32 * b + j);
            }
        }
    }

    private static void dequantQ4_0(MemorySegment s, long off, float[] out, int outOff, int cols) {
        for (int b = 0; b < cols / 32; b++) {
            long bo = off + 18L * b;
            float d = Blocks.f16(s, bo);
            for (int j = 0; j < 16; j += VectorKernels.L) {
                ByteVector q = ByteVector.fromMemorySegment(VectorKernels.BL, s, bo + 2 + j, LE);
                VectorKernels.bytesToFloats(q.and((byte) 0xF).sub((byte) 8)).mul(d).intoArray(out, outOff + 32 * b + j);
                VectorKernels.bytesToFloats(VectorKernels.highNibbles(q).sub((byte) 8)).mul(d).intoArray(out, outOff + 32 * b + 16 + j);
            }
        }
    }

    private static void dequantQ4_K(MemorySegment s, long off, float[] out, int outOff, int cols) {
        for (int b = 0; b < cols / 256; b++) {
            long bo = off + 144L * b;
            float d = Blocks.f16(s, bo);
            float dmin = Blocks.f16(s, bo + 2);
            long sc = bo + 4;
            long qs = bo + 16;
            int y = outOff + 256 * b;
            for (int j = 0; j < 4; j++) {
                FloatVector d1 = FloatVector.broadcast(VectorKernels.F, d * Blocks.q4kScale(s, sc, 2 * j));
                FloatVector m1 = FloatVector.broadcast(VectorKernels.F, -dmin * Blocks.q4kMin(s, sc, 2 * j));
                FloatVector d2 = FloatVector.broadcast(VectorKernels.F, d * Blocks.q4kScale(s, sc, 2 * j + 1));
                FloatVector m2 = FloatVector.broadcast(VectorKernels.F, -dmin * Blocks.q4kMin(s, sc, 2 * j + 1));
                for (int l = 0; l < 32; l += VectorKernels.L) {
                    ByteVector q = ByteVector.fromMemorySegment(VectorKernels.BL, s, qs + 32L * j + l, LE);
                    VectorKernels.bytesToFloats(q.and((byte) 0xF)).fma(d1, m1).intoArray(out, y + 64 * j + l);
                    VectorKernels.bytesToFloats(VectorKernels.highNibbles(q)).fma(d2, m2).intoArray(out, y + 64 * j + 32 + l);
                }
            }
        }
    }

    private static final jdk.incubator.vector.VectorSpecies<Integer> IL =
            jdk.incubator.vector.VectorSpecies.of(int.class, VectorKernels.F.vectorShape());

    /**
     * Q6_K unpacked in int lanes: bytes are widened once to ints, where shifts and masks are single native
     * instructions (byte-lane shifts are emulated on x86, and the byte-lane form overflowed C2's node budget).
     */
    private static void dequantQ6_K(MemorySegment s, long off, float[] out, int outOff, int cols) {
        int lanes = VectorKernels.L;
        for (int b = 0; b < cols / 256; b++) {
            long bo = off + 210L * b;
            float d = Blocks.f16(s, bo + 208);
            for (int h = 0; h < 2; h++) {
                long ql = bo + 64L * h;
                long qh = bo + 128 + 32L * h;
                long sc = bo + 192 + 8L * h;
                int y = outOff + 256 * b + 128 * h;
                for (int l = 0; l < 32; l += lanes) {
                    q6Lanes(s, ql + l, qh + l, sc + l / 16, d, out, y + l);
                }
            }
        }
    }

    private static void q6Lanes(MemorySegment s, long ql, long qh, long sc, float d, float[] out, int y) {
        jdk.incubator.vector.IntVector lo0 = (jdk.incubator.vector.IntVector) ByteVector.fromMemorySegment(VectorKernels.BL, s, ql, LE).castShape(IL, 0);
        jdk.incubator.vector.IntVector lo1 = (jdk.incubator.vector.IntVector) ByteVector.fromMemorySegment(VectorKernels.BL, s, ql + 32, LE).castShape(IL, 0);
        jdk.incubator.vector.IntVector hi = (jdk.incubator.vector.IntVector) ByteVector.fromMemorySegment(VectorKernels.BL, s, qh, LE).castShape(IL, 0);
        jdk.incubator.vector.IntVector q1 = lo0.and(0xF).or(hi.and(3).lanewise(jdk.incubator.vector.VectorOperators.LSHL, 4)).sub(32);
        jdk.incubator.vector.IntVector q2 = lo1.and(0xF).or(hi.and(0xC).lanewise(jdk.incubator.vector.VectorOperators.LSHL, 2)).sub(32);
        jdk.incubator.vector.IntVector q3 = lo0.lanewise(jdk.incubator.vector.VectorOperators.ASHR, 4).and(0xF).or(hi.and(0x30)).sub(32);
        jdk.incubator.vector.IntVector q4 = lo1.lanewise(jdk.incubator.vector.VectorOperators.ASHR, 4).and(0xF)
                .or(hi.lanewise(jdk.incubator.vector.VectorOperators.ASHR, 2).and(0x30)).sub(32);
        ((FloatVector) q1.castShape(VectorKernels.F, 0)).mul(d * Blocks.i8(s, sc)).intoArray(out, y);
        ((FloatVector) q2.castShape(VectorKernels.F, 0)).mul(d * Blocks.i8(s, sc + 2)).intoArray(out, y + 32);
        ((FloatVector) q3.castShape(VectorKernels.F, 0)).mul(d * Blocks.i8(s, sc + 4)).intoArray(out, y + 64);
        ((FloatVector) q4.castShape(VectorKernels.F, 0)).mul(d * Blocks.i8(s, sc + 6)).intoArray(out, y + 96);
    }
}
