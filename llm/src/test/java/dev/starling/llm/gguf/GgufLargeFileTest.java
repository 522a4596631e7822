package dev.starling.llm.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.RandomAccessFile;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files past 2 GiB (every 3B+ model): a sparse 5 GiB file whose last tensor lies beyond 4 GiB. */
class GgufLargeFileTest {

    @TempDir
    Path dir;

    @Test
    void mapsAndSlicesBeyondTwoAndFourGiB() throws Exception {
        long big = 1L << 30; // F32 elements: 4 GiB of data
        byte[] header = RawGguf.header(3, 2, 1).kvString("general.architecture", "llama")
                .tensor("big", new long[] {big / 1024, 1024}, GgmlType.F32, 0)
                .tensor("tail", new long[] {8}, GgmlType.F32, 4 * big).padTo(32).bytes();
        long size = header.length + 4 * big + 32;
        Path p = dir.resolve("sparse.gguf");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.write(header);
            f.setLength(size); // sparse: no 5 GiB written
            f.seek(header.length + 4 * big);
            f.writeInt(Integer.reverseBytes(Float.floatToIntBits(1.5f)));
            f.seek(header.length + 4 * big - 4);
            f.writeInt(Integer.reverseBytes(Float.floatToIntBits(-2f)));
        }
        Assumptions.assumeTrue(Files.size(p) == size, "file system does not keep the sparse file's length");
        try (GgufFile g = GgufFile.open(p)) {
            assertEquals(header.length, g.dataOffset());
            var le = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
            var bigData = g.tensorData(g.tensor("big"));
            assertEquals(4 * big, bigData.byteSize());
            assertEquals(0f, bigData.get(le, 0));
            assertEquals(-2f, bigData.get(le, 4 * big - 4));
            var tail = g.tensorData(g.tensor("tail"));
            assertEquals(1.5f, tail.get(le, 0));
            assertEquals(0f, tail.get(le, 28));
        }
    }
}
