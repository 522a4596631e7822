package dev.starling.llm.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The register-blocked small-batch kernels (8 and 4 tokens per weight block, 2 rows per kernel) equal the
 * scalar reference on random shapes: batches 1..17 (every token tail, both sides of the direct/panel
 * threshold), odd row counts (a last unpaired row, tiles of 1..3 rows), one to many blocks per row.
 */
class BatchKernelsTest {

    @Test
    void smallBatchesMatchTheScalarReferenceWithRaggedTails() {
        Assumptions.assumeTrue(Kernels.VECTOR, "the batch kernels need the Vector API (this JVM uses the scalar kernels)");
        long seed = TestSeeds.seed("BatchKernelsTest.smallBatches");
        Random r = new Random(seed);
        try (Arena arena = Arena.ofShared(); ComputePool pool = new ComputePool(2)) {
            for (QuantType type : new QuantType[] {QuantType.Q8_0, QuantType.Q4_0}) {
                assertTrue(BatchKernels.supports(type));
                for (int n = 1; n <= 17; n++) {
                    int rows = 1 + 2 * r.nextInt(12); // odd: the last tile is ragged and has an unpaired row
                    int cols = 32 * (1 + r.nextInt(9));
                    MemorySegment s = RandomRows.matrix(arena, type, rows, cols, 0, r);
                    QuantizedMatrix w = new QuantizedMatrix("w", type, s, rows, cols);
                    float[] x = RandomRows.vector(n * cols, r);
                    int outOff = r.nextInt(3);
                    int stride = rows + outOff + r.nextInt(3);
                    float[] direct = new float[n * stride + outOff];
                    for (int r0 = 0; r0 < rows; r0 += BatchKernels.ROWS) {
                        BatchKernels.rows(w, r0, Math.min(BatchKernels.ROWS, rows - r0), x, n, direct, outOff, stride);
                    }
                    float[] viaMatMul = new float[n * stride + outOff];
                    MatMul.matmul(pool, w, x, n, viaMatMul, outOff, stride);
                    for (int t = 0; t < n; t++) {
                        for (int row = 0; row < rows; row++) {
                            float want = ScalarKernels.dot(type, s, w.rowOffset(row), x, t * cols, cols);
                            float tol = RandomRows.dotTolerance(type, s, w.rowOffset(row), x, t * cols, cols);
                            int tt = t, rr = row, nn = n;
                            String where = type + " n=" + nn + " rows=" + rows + " cols=" + cols + " token " + tt + " row " + rr + ", seed " + seed;
                            assertEquals(want, direct[t * stride + outOff + row], tol, () -> "batch kernel, " + where);
                            assertEquals(want, viaMatMul[t * stride + outOff + row], tol, () -> "matmul, " + where);
                        }
                    }
                    // nothing outside the output rows was written
                    for (int t = 0; t < n; t++) {
                        for (int c = rows; c < stride && t * stride + outOff + c < direct.length; c++) {
                            assertEquals(0f, direct[t * stride + outOff + c], "padding at token " + t + " column " + c + ", seed " + seed);
                        }
                    }
                }
            }
        }
    }

    @Test
    void longBatchesBlockedByPanelsAndTokenBlocksMatchTheScalarReference() {
        Assumptions.assumeTrue(Kernels.VECTOR, "the batch kernels need the Vector API (this JVM uses the scalar kernels)");
        long seed = TestSeeds.seed("BatchKernelsTest.longBatchesBlocked");
        Random r = new Random(seed);
        try (Arena arena = Arena.ofShared()) {
            for (int round = 0; round < 48; round++) {
                QuantType type = r.nextBoolean() ? QuantType.Q8_0 : QuantType.Q4_0;
                int rows = 1 + r.nextInt(45); // any count: full tiles, a ragged last tile (1..3 rows)
                int cols = 32 * (1 + r.nextInt(6));
                int n = 1 + r.nextInt(41); // token blocks with tails of every length
                int tokenBlock = 1 + r.nextInt(12);
                long panelBytes = r.nextInt(3) * BatchKernels.ROWS * type.rowBytes(cols) + r.nextInt(64); // 0..2 tiles per panel (0 -> 1)
                long stageBytes = r.nextInt(4) * BatchKernels.ROWS * type.rowBytes(cols) + r.nextInt(64); // 0..3 tiles per copy (0 -> 1)
                // the Q4_0 kernel: scales decoded in its loop (0), per tile (1), per tile with 16-bit loads (2), on aligned activations (3)
                int preScaled = r.nextInt(5);
                MemorySegment s = RandomRows.matrix(arena, type, rows, cols, 0, r);
                QuantizedMatrix w = new QuantizedMatrix("w", type, s, rows, cols);
                float[] x = RandomRows.vector(n * cols, r);
                int outOff = r.nextInt(3);
                int stride = rows + outOff + r.nextInt(3);
                float[] out = new float[n * stride + outOff];
                int tiles = (rows + MatMul.TILE_ROWS - 1) / MatMul.TILE_ROWS;
                int split = r.nextInt(tiles + 1); // two callers' ranges of tiles, as the pool splits them
                MatMul.directTiles(w, x, n, out, outOff, stride, 0, split, panelBytes, tokenBlock, stageBytes, preScaled);
                MatMul.directTiles(w, x, n, out, outOff, stride, split, tiles, panelBytes, tokenBlock, stageBytes, preScaled);
                for (int t = 0; t < n; t++) {
                    for (int row = 0; row < rows; row++) {
                        float want = ScalarKernels.dot(type, s, w.rowOffset(row), x, t * cols, cols);
                        float tol = RandomRows.dotTolerance(type, s, w.rowOffset(row), x, t * cols, cols);
                        int tt = t, rr = row;
                        assertEquals(want, out[t * stride + outOff + row], tol, () -> type + " rows=" + rows + " cols=" + cols + " n=" + n
                                + " tokenBlock=" + tokenBlock + " panelBytes=" + panelBytes + " stageBytes=" + stageBytes + " preScaled=" + preScaled + " token " + tt + " row " + rr + ", seed " + seed);
                    }
                    for (int c = rows; c < stride && t * stride + outOff + c < out.length; c++) {
                        assertEquals(0f, out[t * stride + outOff + c], "padding at token " + t + " column " + c + ", seed " + seed);
                    }
                }
            }
        }
    }

    @Test
    void aBatchedProductEqualsEachTokenAloneToRounding() {
        Assumptions.assumeTrue(Kernels.VECTOR, "the batch kernels need the Vector API");
        long seed = TestSeeds.seed("BatchKernelsTest.batchedEqualsAlone");
        Random r = new Random(seed);
        try (Arena arena = Arena.ofShared(); ComputePool pool = new ComputePool(2)) {
            for (QuantType type : new QuantType[] {QuantType.Q8_0, QuantType.Q4_0}) {
                int rows = 37;
                int cols = 256;
                int n = 9;
                MemorySegment s = RandomRows.matrix(arena, type, rows, cols, 0, r);
                QuantizedMatrix w = new QuantizedMatrix("w", type, s, rows, cols);
                float[] x = RandomRows.vector(n * cols, r);
                ActivationRounding.round(type, x, n, cols); // as the engine does before every Q8_0/Q4_0 product
                float[] batched = new float[n * rows];
                MatMul.matmul(pool, w, x, n, batched, 0, rows);
                for (int t = 0; t < n; t++) {
                    float[] alone = new float[rows];
                    MatMul.matvec(pool, w, x, t * cols, alone, 0);
                    for (int row = 0; row < rows; row++) {
                        float want = alone[row];
                        assertEquals(want, batched[t * rows + row], RandomRows.dotTolerance(type, s, w.rowOffset(row), x, t * cols, cols), type + " token " + t + " row " + row + ", seed " + seed);
                    }
                }
            }
        }
    }

    @Test
    void theQ4KernelsOnAlignedActivationsGiveExactlyTheFloatArrayKernelsFloats() {
        Assumptions.assumeTrue(Kernels.VECTOR, "the batch kernels need the Vector API");
        long seed = TestSeeds.seed("BatchKernelsTest.alignedExact");
        Random r = new Random(seed);
        try (Arena arena = Arena.ofShared(); ComputePool pool = new ComputePool(2)) {
            for (int round = 0; round < 24; round++) {
                int rows = 1 + r.nextInt(48); // full tiles and a ragged last one
                int cols = 32 * (1 + r.nextInt(40));
                int n = 2 + r.nextInt(30); // 4-token passes and a scalar tail
                MemorySegment s = RandomRows.matrix(arena, QuantType.Q4_0, rows, cols, 0, r);
                QuantizedMatrix w = new QuantizedMatrix("w", QuantType.Q4_0, s, rows, cols);
                float[] x = RandomRows.vector(n * cols + r.nextInt(40), r); // longer than n tokens: only n are read
                int tiles = (rows + MatMul.TILE_ROWS - 1) / MatMul.TILE_ROWS;
                int tokenBlock = r.nextBoolean() ? 16 : 1 + r.nextInt(20);
                long stageBytes = r.nextInt(5) * BatchKernels.ROWS * w.rowBytes();
                float[] plain = new float[n * rows];
                MatMul.directTiles(w, x, n, plain, 0, rows, 0, tiles, Long.MAX_VALUE, tokenBlock, stageBytes, 2);
                for (int kernel = 3; kernel <= 5; kernel++) {
                    float[] aligned = new float[n * rows];
                    int split = r.nextInt(tiles + 1);
                    MatMul.directTiles(w, x, n, aligned, 0, rows, 0, split, Long.MAX_VALUE, tokenBlock, stageBytes, kernel);
                    MatMul.directTiles(w, x, n, aligned, 0, rows, split, tiles, Long.MAX_VALUE, tokenBlock, stageBytes, kernel);
                    for (int i = 0; i < plain.length; i++) {
                        int ii = i, k = kernel;
                        assertEquals(Float.floatToIntBits(plain[i]), Float.floatToIntBits(aligned[i]),
                                () -> "kernel " + k + " rows=" + rows + " cols=" + cols + " n=" + n + " tokenBlock=" + tokenBlock + " output " + ii + ": "
                                        + plain[ii] + " vs " + aligned[ii] + ", seed " + seed);
                    }
                }
                for (int t = 0; t < n; t++) { // and the reference itself against the scalar kernel
                    for (int row = 0; row < rows; row++) {
                        float want = ScalarKernels.dot(QuantType.Q4_0, s, w.rowOffset(row), x, t * cols, cols);
                        assertEquals(want, plain[t * rows + row], RandomRows.dotTolerance(QuantType.Q4_0, s, w.rowOffset(row), x, t * cols, cols),
                                "token " + t + " row " + row + ", seed " + seed);
                    }
                }
                // through the public entry point, with the batch variants that select the aligned kernels: the same floats
                int before = MatMul.currentBatchVariant();
                try {
                    float[] want = new float[n * rows];
                    MatMul.setBatchVariant(3);
                    MatMul.matmul(pool, w, x, n, want, 0, rows);
                    for (int variant = 4; variant <= 8; variant++) { // 6 and 8 also split the tiles in guided pieces
                        MatMul.setBatchVariant(variant);
                        float[] got = new float[n * rows];
                        MatMul.matmul(pool, w, x, n, got, 0, rows);
                        x[r.nextInt(n * cols)] += 1f; // a new product on the same array must not reuse the previous copy
                        float[] want2 = new float[n * rows];
                        float[] got2 = new float[n * rows];
                        MatMul.matmul(pool, w, x, n, got2, 0, rows);
                        MatMul.setBatchVariant(3);
                        MatMul.matmul(pool, w, x, n, want2, 0, rows);
                        for (int i = 0; i < want.length; i++) {
                            int ii = i, v = variant;
                            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), () -> "variant " + v + " output " + ii + ", seed " + seed);
                            assertEquals(Float.floatToIntBits(want2[i]), Float.floatToIntBits(got2[i]), () -> "variant " + v + " after a change, output " + ii + ", seed " + seed);
                        }
                        want = want2;
                    }
                } finally {
                    MatMul.setBatchVariant(before);
                }
            }
        }
    }

    @Test
    void theAlignedCopyStartsOnA64ByteBoundary() {
        Assumptions.assumeTrue(AlignedBatchKernels.USABLE, "8 float lanes here: the aligned kernels (16 lanes) are not used");
        Assumptions.assumeTrue(AlignedBatchKernels.addressMod64(new float[4]) >= 0, "no native access here: the copies stay unaligned");
        long seed = TestSeeds.seed("BatchKernelsTest.alignedCopy");
        Random r = new Random(seed);
        int aligned = 0;
        for (int round = 0; round < 20; round++) {
            float[] x = RandomRows.vector(32 * (1 + r.nextInt(300)), r);
            float[] copy = AlignedBatchKernels.alignedCopy(x, x.length, -1000 - round);
            int offset = AlignedBatchKernels.alignedOffset();
            int mod = AlignedBatchKernels.addressMod64(copy);
            assertTrue(mod >= 0 && mod % 4 == 0, "address mod 64 of a float[]: " + mod);
            aligned += (mod + 4 * offset) % 64 == 0 ? 1 : 0; // the collector may move the array in between (rarely)
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToIntBits(x[i]), Float.floatToIntBits(copy[offset + i]), "element " + i + ", seed " + seed);
            }
            float[] before = copy;
            assertTrue(before == AlignedBatchKernels.alignedCopy(x, x.length, -1000 - round), "the same product is copied once");
        }
        assertTrue(aligned >= 18, aligned + " of 20 copies on a 64-byte boundary, seed " + seed);
    }

    @Test
    void theQ4KernelWithPreDecodedScalesGivesExactlyTheOldKernelsFloats() {
        Assumptions.assumeTrue(Kernels.VECTOR, "the batch kernels need the Vector API");
        long seed = TestSeeds.seed("BatchKernelsTest.preScaledExact");
        Random r = new Random(seed);
        try (Arena arena = Arena.ofShared()) {
            for (int round = 0; round < 16; round++) {
                int rows = 4 * (1 + r.nextInt(12));
                int cols = 32 * (1 + r.nextInt(40));
                int n = 4 + r.nextInt(13);
                MemorySegment s = RandomRows.matrix(arena, QuantType.Q4_0, rows, cols, 0, r);
                QuantizedMatrix w = new QuantizedMatrix("w", QuantType.Q4_0, s, rows, cols);
                float[] x = RandomRows.vector(n * cols, r);
                int tiles = rows / MatMul.TILE_ROWS;
                long stageBytes = r.nextInt(5) * BatchKernels.ROWS * w.rowBytes();
                float[] old = new float[n * rows];
                float[] pre = new float[n * rows];
                float[] halves = new float[n * rows];
                if (r.nextInt(4) == 0) { // zero and subnormal scales: the vector F16 decoding hands such groups to the scalar one
                    for (int row = 0; row < rows; row++) {
                        for (int b = 0; b < cols / 32; b++) {
                            if (r.nextInt(3) == 0) {
                                long at = w.rowOffset(row) + 18L * b;
                                s.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, at, (short) (r.nextBoolean() ? 0 : 1 + r.nextInt(1023)));
                            }
                        }
                    }
                }
                MatMul.directTiles(w, x, n, old, 0, rows, 0, tiles, Long.MAX_VALUE, 16, 0, 0);
                MatMul.directTiles(w, x, n, pre, 0, rows, 0, tiles, Long.MAX_VALUE, 16, stageBytes, 1);
                MatMul.directTiles(w, x, n, halves, 0, rows, 0, tiles, Long.MAX_VALUE, 16, stageBytes, 2);
                // (q - 8) d computed as q d + (-8 d) in one FMA is exact, and the FMA order per output is the same
                for (int i = 0; i < old.length; i++) {
                    int ii = i;
                    assertEquals(Float.floatToIntBits(old[i]), Float.floatToIntBits(pre[i]),
                            () -> "rows=" + rows + " cols=" + cols + " n=" + n + " output " + ii + ": " + old[ii] + " vs " + pre[ii] + ", seed " + seed);
                    assertEquals(Float.floatToIntBits(old[i]), Float.floatToIntBits(halves[i]),
                            () -> "by halves: rows=" + rows + " cols=" + cols + " n=" + n + " output " + ii + ": " + old[ii] + " vs " + halves[ii] + ", seed " + seed);
                }
            }
        }
    }
}
