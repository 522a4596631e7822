package dev.starling.llm.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The block scales of a staged Q4_0 tile (4 rows) decoded with 512-bit vectors, 4 blocks of the 4 rows (32 floats) at
 * a time, into {@link BatchKernels#q4ScalesFast}'s layout (sc[8 b + 2 r] = d, sc[8 b + 2 r + 1] = -8 d of block b, row
 * r), for batch variant 7. The scalar decoding (a 16-bit load, a half-to-float conversion, a multiply and two stores
 * per scale) took about 134 ns per tile of 2048 columns against about 790 ns for the tile's two token quads (one thread,
 * cached data): a sixth of the product.
 * <p>Per 4 blocks: one 64-byte load per row (blocks 4 j .. 4 j + 3 lie in 72 bytes from 72 j; their scales are the
 * 16-bit lanes 0, 9, 18 and 27 of that load), each row's halves moved to their slots and duplicated (one permute per
 * row, three blends), widened, converted, and multiplied by 1, -8, 1, -8, ...
 * <p>Half to float without a conversion instruction (the Vector API has none for 16-bit floats): the sign-less bits
 * shifted left by 13 are a float 2^-112 times the value, for normal and subnormal halves alike (exact: a power of two
 * scaling, and a subnormal half lands on a normal float); infinities and NaNs (exponent 31) get the float exponent 255
 * and NaNs the quiet bit, as {@code vcvtph2ps} (Float.float16ToFloat in compiled code) gives them. Tested against
 * {@link Float#float16ToFloat} on all 65,536 bit patterns.
 */
final class Q4Scales {
    private static final VectorSpecies<Byte> B512 = ByteVector.SPECIES_512;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
    /** Blocks decoded together. */
    static final int GROUP = 4;
    /** For row r: 16-bit lane L of the output (block L / 8, slot L % 8) takes lane 9 (L / 8) of the row's load. */
    private static final VectorShuffle<Short> PICK0 = pick(0);
    private static final VectorShuffle<Short> PICK1 = pick(1);
    private static final VectorShuffle<Short> PICK2 = pick(2);
    private static final VectorShuffle<Short> PICK3 = pick(3);
    /** The output lanes of row r (slots 2 r and 2 r + 1 of each block). */
    private static final VectorMask<Short> ROW1 = row(1);
    private static final VectorMask<Short> ROW2 = row(2);
    private static final VectorMask<Short> ROW3 = row(3);
    /** d, -8 d, d, -8 d, .. */
    private static final FloatVector SIGNS = FloatVector.fromArray(F512,
            new float[] {1, -8, 1, -8, 1, -8, 1, -8, 1, -8, 1, -8, 1, -8, 1, -8}, 0);
    private static final float TWO_TO_112 = 0x1p112f;

    private Q4Scales() {
    }

    private static VectorShuffle<Short> pick(int r) {
        int[] idx = new int[S512.length()];
        for (int lane = 0; lane < idx.length; lane++) {
            idx[lane] = (lane % 8) / 2 == r ? 9 * (lane / 8) : 0;
        }
        return VectorShuffle.fromArray(S512, idx, 0);
    }

    private static VectorMask<Short> row(int r) {
        boolean[] bits = new boolean[S512.length()];
        for (int lane = 0; lane < bits.length; lane++) {
            bits[lane] = (lane % 8) / 2 == r;
        }
        return VectorMask.fromArray(S512, bits, 0);
    }

    /**
     * Scales of the 4 staged Q4_0 rows at s[off], s[off + rowBytes], .. into sc[scOff ..]: the same floats in the same
     * places as {@link BatchKernels#q4ScalesFast}. Needs 512-bit vectors (callers check {@link AlignedBatchKernels#USABLE}).
     */
    static void decode(byte[] s, int off, int rowBytes, int blocks, float[] sc, int scOff) {
        int full = blocks / GROUP;
        int o1 = off + rowBytes;
        int o2 = off + 2 * rowBytes;
        int o3 = off + 3 * rowBytes;
        for (int j = 0; j < full; j++) {
            int ob = 18 * GROUP * j;
            ShortVector h0 = ByteVector.fromArray(B512, s, off + ob).reinterpretAsShorts().rearrange(PICK0);
            ShortVector h1 = ByteVector.fromArray(B512, s, o1 + ob).reinterpretAsShorts().rearrange(PICK1);
            ShortVector h2 = ByteVector.fromArray(B512, s, o2 + ob).reinterpretAsShorts().rearrange(PICK2);
            ShortVector h3 = ByteVector.fromArray(B512, s, o3 + ob).reinterpretAsShorts().rearrange(PICK3);
            ShortVector h = h0.blend(h1, ROW1).blend(h2, ROW2).blend(h3, ROW3);
            int c = scOff + 8 * GROUP * j;
            toFloats((IntVector) h.convertShape(VectorOperators.S2I, I512, 0)).mul(SIGNS).intoArray(sc, c);
            toFloats((IntVector) h.convertShape(VectorOperators.S2I, I512, 1)).mul(SIGNS).intoArray(sc, c + 16);
        }
        for (int b = full * GROUP; b < blocks; b++) {
            for (int r = 0; r < BatchKernels.ROWS; r++) {
                int o = off + r * rowBytes + 18 * b;
                float d = Float.float16ToFloat((short) ((s[o] & 0xFF) | (s[o + 1] << 8)));
                sc[scOff + 8 * b + 2 * r] = d;
                sc[scOff + 8 * b + 2 * r + 1] = -8f * d;
            }
        }
    }

    /** Float.float16ToFloat of each lane's low 16 bits (x sign-extended from 16 bits: bit 31 is the half's sign). */
    private static FloatVector toFloats(IntVector x) {
        IntVector em = x.and(0x7FFF);
        IntVector bits = em.lanewise(VectorOperators.LSHL, 13);
        FloatVector finite = bits.reinterpretAsFloats().mul(TWO_TO_112);
        IntVector special = bits.or(0x7F80_0000).blend(bits.or(0x7FC0_0000), em.compare(VectorOperators.GT, 0x7C00));
        IntVector mag = finite.reinterpretAsInts().blend(special, em.compare(VectorOperators.GE, 0x7C00));
        return mag.or(x.and(0x8000_0000)).reinterpretAsFloats();
    }

    /** Float.float16ToFloat of halves[i] through the vector conversion of {@link #decode} (tests: every bit pattern). */
    static float[] toFloats(short[] halves) {
        float[] r = new float[halves.length];
        int i = 0;
        for (; i + 16 <= halves.length; i += 16) {
            toFloats((IntVector) ShortVector.fromArray(ShortVector.SPECIES_256, halves, i).convertShape(VectorOperators.S2I, I512, 0))
                    .intoArray(r, i);
        }
        for (; i < halves.length; i++) {
            r[i] = Float.float16ToFloat(halves[i]);
        }
        return r;
    }
}
