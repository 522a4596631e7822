package dev.starling.llm.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Serial register-tiled F32 GEMM on strided operands, the core of every training matmul and of the
 * attention blocks: C (+)= A · B where element (r, p) of A is {@code a[aOff + r·ars + p·acs]} (so A may be
 * read row-major or transposed without copying), row p of B starts at {@code b[bOff + p·ldb]} and row r of
 * C at {@code c[cOff + r·ldc]}. The micro-kernel holds 8 rows × 2 vectors of C in 16 accumulators over
 * the whole k range (broadcast A, load B, FMA); ragged edges use the same loop with masked vectors. Each
 * element is summed over p in increasing order by FMA whatever the tiling, so results do not depend on
 * the split into tiles, the thread count or the JIT.
 */
final class Gemm {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    /** Rows of C per micro-tile. */
    static final int MR = 8;
    /** Columns of C per micro-tile. */
    static final int NR = 2 * L;

    /** Which part of the k range a row tile needs (for causal attention, whose other entries are zero). */
    enum Range {
        /** all of [0, k). */
        ALL,
        /** [0, min(k, last row of the tile + 1)): A is lower-triangular (A[r][p] = 0 for p > r). */
        UP_TO_ROW,
        /** [first row of the tile, k): A[r][p] = 0 for p < r. */
        FROM_ROW
    }

    private Gemm() {
    }

    /**
     * Computes rows [i0, i1) and columns [j0, j1) of C over k; {@code colsUpToRow} limits each row tile to
     * the column tiles that reach its last row (the causal part of a score matrix; the rest is not written).
     */
    static void run(float[] a, int aOff, int ars, int acs, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                    int i0, int i1, int j0, int j1, int k, Range range, boolean colsUpToRow, boolean accumulate) {
        float[] tile = accumulate ? new float[MR * NR] : null; // [MR][NR] a tile before it is added to C
        for (int j = j0; j < j1; j += NR) {
            for (int i = i0; i < i1; i += MR) {
                int rows = Math.min(MR, i1 - i);
                if (colsUpToRow && j > i + rows - 1) {
                    continue;
                }
                int kStart = range == Range.FROM_ROW ? Math.min(i, k) : 0;
                int kEnd = range == Range.UP_TO_ROW ? Math.min(k, i + rows) : k;
                int cols = Math.min(NR, j1 - j);
                int aBase = aOff + i * ars;
                int cBase = cOff + i * ldc + j;
                if (rows == MR && cols == NR && accumulate) {
                    tile8x2(a, aBase, ars, acs, b, bOff + j, ldb, tile, 0, NR, kStart, kEnd);
                    addTile(tile, c, cBase, ldc);
                } else if (rows == MR && cols == NR) {
                    tile8x2(a, aBase, ars, acs, b, bOff + j, ldb, c, cBase, ldc, kStart, kEnd);
                } else {
                    edge(a, aBase, ars, acs, b, bOff + j, ldb, c, cBase, ldc, rows, cols, kStart, kEnd, accumulate);
                }
            }
        }
    }

    private static void tile8x2(float[] a, int aBase, int ars, int acs, float[] b, int bBase, int ldb,
                                float[] c, int cBase, int ldc, int kStart, int kEnd) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        FloatVector c60 = FloatVector.zero(F), c61 = FloatVector.zero(F);
        FloatVector c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
        for (int p = kStart; p < kEnd; p++) {
            int bo = bBase + p * ldb;
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + L);
            int ao = aBase + p * acs;
            FloatVector x = FloatVector.broadcast(F, a[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, a[ao + ars]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, a[ao + 2 * ars]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, a[ao + 3 * ars]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(F, a[ao + 4 * ars]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(F, a[ao + 5 * ars]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(F, a[ao + 6 * ars]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(F, a[ao + 7 * ars]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        put(c, cBase, c00, c01);
        put(c, cBase + ldc, c10, c11);
        put(c, cBase + 2 * ldc, c20, c21);
        put(c, cBase + 3 * ldc, c30, c31);
        put(c, cBase + 4 * ldc, c40, c41);
        put(c, cBase + 5 * ldc, c50, c51);
        put(c, cBase + 6 * ldc, c60, c61);
        put(c, cBase + 7 * ldc, c70, c71);
    }

    private static void put(float[] c, int at, FloatVector v0, FloatVector v1) {
        v0.intoArray(c, at);
        v1.intoArray(c, at + L);
    }

    /**
     * c[MR rows][NR] += tile. Accumulating tiles go through this separate small method: adding to C inside
     * {@link #tile8x2} made C2 give up inlining part of the vector calls there (the kernel ran 5x slower).
     */
    private static void addTile(float[] tile, float[] c, int cBase, int ldc) {
        for (int r = 0; r < MR; r++) {
            int co = cBase + r * ldc;
            FloatVector.fromArray(F, tile, r * NR).add(FloatVector.fromArray(F, c, co)).intoArray(c, co);
            FloatVector.fromArray(F, tile, r * NR + L).add(FloatVector.fromArray(F, c, co + L)).intoArray(c, co + L);
        }
    }

    /**
     * A partial tile (rows ≤ MR, cols ≤ NR): one row at a time, one or two vectors (the last one masked).
     * Separate methods per case, so that no vector variable merges two branches (see {@link #put}).
     */
    private static void edge(float[] a, int aBase, int ars, int acs, float[] b, int bBase, int ldb, float[] c, int cBase,
                             int ldc, int rows, int cols, int kStart, int kEnd, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            if (cols > L) {
                edgeRow2(a, aBase + r * ars, acs, b, bBase, ldb, c, cBase + r * ldc, F.indexInRange(L, cols), kStart, kEnd, accumulate);
            } else {
                edgeRow1(a, aBase + r * ars, acs, b, bBase, ldb, c, cBase + r * ldc, F.indexInRange(0, cols), kStart, kEnd, accumulate);
            }
        }
    }

    private static void edgeRow2(float[] a, int ar, int acs, float[] b, int bBase, int ldb, float[] c, int co,
                                 VectorMask<Float> m1, int kStart, int kEnd, boolean accumulate) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        for (int p = kStart; p < kEnd; p++) {
            FloatVector x = FloatVector.broadcast(F, a[ar + p * acs]);
            int bo = bBase + p * ldb;
            s0 = x.fma(FloatVector.fromArray(F, b, bo), s0);
            s1 = x.fma(FloatVector.fromArray(F, b, bo + L, m1), s1);
        }
        if (accumulate) {
            s0.add(FloatVector.fromArray(F, c, co)).intoArray(c, co);
            s1.add(FloatVector.fromArray(F, c, co + L, m1)).intoArray(c, co + L, m1);
        } else {
            s0.intoArray(c, co);
            s1.intoArray(c, co + L, m1);
        }
    }

    private static void edgeRow1(float[] a, int ar, int acs, float[] b, int bBase, int ldb, float[] c, int co,
                                 VectorMask<Float> m0, int kStart, int kEnd, boolean accumulate) {
        FloatVector s0 = FloatVector.zero(F);
        for (int p = kStart; p < kEnd; p++) {
            s0 = FloatVector.broadcast(F, a[ar + p * acs]).fma(FloatVector.fromArray(F, b, bBase + p * ldb, m0), s0);
        }
        if (accumulate) {
            s0.add(FloatVector.fromArray(F, c, co, m0)).intoArray(c, co, m0);
        } else {
            s0.intoArray(c, co, m0);
        }
    }
}
