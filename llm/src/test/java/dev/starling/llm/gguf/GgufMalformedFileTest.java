package dev.starling.llm.gguf;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per class of malformed file that llama.cpp's tests/test-gguf.cpp rejects (and a few more); each expects
 * a {@link GgufFormatException} naming the file and the offset of the bad field.
 */
class GgufMalformedFileTest {

    private static final Path NAME = Path.of("crafted.gguf");

    @TempDir
    Path dir;

    /** Parses the bytes, expects a format error at {@code offset} whose message contains {@code words}. */
    private static GgufFormatException rejects(byte[] bytes, long offset, String words) {
        GgufFormatException e = assertThrows(GgufFormatException.class,
                () -> GgufFile.parse(NAME, MemorySegment.ofArray(bytes)));
        String msg = e.getMessage();
        assertTrue(msg.startsWith("crafted.gguf: at offset " + offset + ": "), msg);
        assertTrue(msg.contains(words), "'" + words + "' not in: " + msg);
        assertEquals(offset, e.offset());
        assertEquals(NAME, e.file());
        return e;
    }

    private static byte[] oneTensorFile(long[] dims, GgmlType type, long offset, int dataBytes) {
        return RawGguf.header(3, 1, 1).kvString("general.architecture", "llama")
                .tensor("w", dims, type, offset).padTo(32).zeros(dataBytes).bytes();
    }

    private static byte[] oneTensorFile(long[] dims, int typeId) {
        return RawGguf.header(3, 1, 1).kvString("general.architecture", "llama")
                .tensor("w", dims, typeId, 0).padTo(32).zeros(64).bytes();
    }

    /** Offset of the tensor info's n_dims field in {@link #oneTensorFile}. */
    private static final int TENSOR_INFO = 24 + (8 + 20 + 4 + 8 + 5) + (8 + 1);

    @Test
    void emptyFile() throws Exception {
        Path p = dir.resolve("empty.gguf");
        Files.write(p, new byte[0]);
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(p));
        assertTrue(e.getMessage().startsWith(p + ": at offset 0: file ends while reading the magic"), e.getMessage());
    }

    @Test
    void badMagic() throws Exception {
        byte[] b = RawGguf.header(3, 0, 0).bytes();
        b[0] = 'F';
        rejects(b, 0, "bad magic");
        Path p = dir.resolve("notgguf.bin");
        Files.write(p, "hello world, not a model".getBytes());
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(p));
        assertTrue(e.getMessage().startsWith(p + ": at offset 0: bad magic"), e.getMessage());
    }

    @Test
    void unsupportedVersions() {
        rejects(RawGguf.header(1, 0, 0).bytes(), 4, "version 1 is not supported");
        rejects(RawGguf.header(4, 0, 0).bytes(), 4, "unsupported GGUF version 4");
        rejects(RawGguf.header(0, 0, 0).bytes(), 4, "unsupported GGUF version 0");
        rejects(RawGguf.header(Integer.reverseBytes(3), 0, 0).bytes(), 4, "big-endian");
    }

    @Test
    void versionTwoIsAccepted() throws Exception {
        try (GgufFile f = GgufFile.parse(NAME, MemorySegment.ofArray(RawGguf.header(2, 0, 1)
                .kvString("general.architecture", "llama").bytes()))) {
            assertEquals(2, f.version());
            assertEquals("llama", f.metadata().getString("general.architecture"));
        }
    }

    @Test
    void absurdCounts() {
        rejects(RawGguf.header(3, 1L << 60, 0).bytes(), 8, "tensor count 1152921504606846976 exceeds");
        rejects(RawGguf.header(3, -1L, 0).bytes(), 8, "tensor count 18446744073709551615 exceeds");
        rejects(RawGguf.header(3, 0, 1L << 60).bytes(), 16, "metadata count 1152921504606846976 exceeds");
        // a count that is small but still more than the bytes that follow can hold
        rejects(RawGguf.header(3, 0, 3).kvU32("a", 1).bytes(), 16, "metadata count 3 exceeds");
    }

    @Test
    void keyAndStringLengthsPastTheEnd() {
        rejects(RawGguf.header(3, 0, 1).u64(1L << 40).u32(4).u32(1).bytes(), 24,
                "metadata key #0 has length 1099511627776 but only 8 bytes remain");
        rejects(RawGguf.header(3, 0, 1).u64(-1L).u32(4).u32(1).bytes(), 24, "has length 18446744073709551615");
        rejects(RawGguf.header(3, 0, 1).str("k").u32(GgufValueType.STRING.id()).u64(1000).u8('x').bytes(),
                24 + 9 + 4, "value of 'k' has length 1000 but only 1 bytes remain");
        rejects(RawGguf.header(3, 0, 1).str("").u32(4).u32(1).bytes(), 24, "metadata key #0 is empty");
    }

    @Test
    void invalidValueTypes() {
        rejects(RawGguf.header(3, 0, 1).str("k").u32(13).u32(0).bytes(), 33, "invalid value type 13");
        rejects(RawGguf.header(3, 0, 1).str("k").u32(-1).u32(0).bytes(), 33, "invalid value type 4294967295");
        rejects(RawGguf.header(3, 0, 1).str("k").u32(GgufValueType.BOOL.id()).u8(2).zeros(8).bytes(), 37,
                "bool byte 2");
        rejects(RawGguf.header(3, 0, 1).str("k").u32(9).u32(99).u64(0).bytes(), 37, "invalid value type 99");
    }

    @Test
    void nestedArrays() {
        rejects(RawGguf.header(3, 0, 1).str("k").u32(9).u32(9).u64(1).u32(4).u64(1).u32(7).bytes(), 37,
                "nested arrays are not supported");
    }

    @Test
    void absurdArrayLengths() {
        rejects(RawGguf.header(3, 0, 1).str("k").u32(9).u32(GgufValueType.UINT64.id()).u64(1L << 61).u64(1).bytes(),
                41, "array 'k' of UINT64 has length 2305843009213693952, more than the 8 remaining bytes");
        rejects(RawGguf.header(3, 0, 1).str("k").u32(9).u32(GgufValueType.STRING.id()).u64(3).u64(0).u64(0).bytes(),
                41, "array 'k' of STRING has length 3");
    }

    @Test
    void badAlignment() {
        rejects(RawGguf.header(3, 0, 1).kvU32("general.alignment", 0).bytes(), 24 + 25, "is not a power of two");
        rejects(RawGguf.header(3, 0, 1).kvU32("general.alignment", 48).bytes(), 24 + 25,
                "general.alignment = 48 is not a power of two");
        rejects(RawGguf.header(3, 0, 1).kvString("general.alignment", "32").bytes(), 24 + 25,
                "has type STRING, expected an unsigned integer");
    }

    @Test
    void duplicateKeysAndTensorNames() {
        rejects(RawGguf.header(3, 0, 2).kvU32("a", 1).kvU32("a", 2).bytes(), 24 + 13 + 4,
                "duplicate metadata key 'a'");
        byte[] b = RawGguf.header(3, 2, 0).tensor("w", new long[] {32}, GgmlType.F32, 0)
                .tensor("w", new long[] {32}, GgmlType.F32, 128).padTo(32).zeros(256).bytes();
        rejects(b, 24 + 33, "duplicate tensor name 'w' (first at offset 24)");
    }

    @Test
    void dimensionCounts() {
        rejects(oneTensorFile(new long[] {1, 1, 1, 1, 1}, GgmlType.F32, 0, 32), TENSOR_INFO, "has 5 dimensions");
        rejects(oneTensorFile(new long[] {}, GgmlType.F32, 0, 32), TENSOR_INFO, "has 0 dimensions");
    }

    @Test
    void overflowingAndNonPositiveDims() {
        rejects(oneTensorFile(new long[] {1L << 32, 1L << 32}, GgmlType.F32, 0, 32), TENSOR_INFO + 12,
                "element count overflows");
        rejects(oneTensorFile(new long[] {1L << 31, 1L << 31, 1L << 31}, GgmlType.F32, 0, 32), TENSOR_INFO + 20,
                "element count overflows");
        rejects(oneTensorFile(new long[] {-1L, 1}, GgmlType.F32, 0, 32), TENSOR_INFO + 4,
                "dimension 0 = 18446744073709551615");
        rejects(oneTensorFile(new long[] {32, 0}, GgmlType.F32, 0, 32), TENSOR_INFO + 12, "dimension 1 = 0");
        // element count fits but the byte size of the data does not fit in the file
        rejects(oneTensorFile(new long[] {1L << 31, 1L << 28}, GgmlType.F32, 0, 32), TENSOR_INFO + 24,
                "runs past the end of the file");
    }

    @Test
    void invalidTensorTypes() {
        rejects(oneTensorFile(new long[] {32}, 4), TENSOR_INFO + 12, "invalid ggml type id 4");
        rejects(oneTensorFile(new long[] {32}, 40), TENSOR_INFO + 12, "invalid ggml type id 40");
        rejects(oneTensorFile(new long[] {32}, -1), TENSOR_INFO + 12, "invalid ggml type id 4294967295");
    }

    @Test
    void rowLengthNotAMultipleOfTheBlockSize() {
        rejects(oneTensorFile(new long[] {33, 2}, GgmlType.Q8_0, 0, 256), TENSOR_INFO + 20,
                "row length 33 is not a multiple of the Q8_0 block size 32");
        rejects(oneTensorFile(new long[] {128}, GgmlType.Q4_K, 0, 256), TENSOR_INFO + 12,
                "row length 128 is not a multiple of the Q4_K block size 256");
    }

    @Test
    void tensorOffsetsMisalignedOrPastTheEnd() {
        rejects(oneTensorFile(new long[] {8}, GgmlType.F32, 4, 64), TENSOR_INFO + 16,
                "offset 4 is not a multiple of the alignment 32");
        rejects(oneTensorFile(new long[] {8}, GgmlType.F32, 1L << 40, 64), TENSOR_INFO + 16,
                "runs past the end of the file");
        rejects(oneTensorFile(new long[] {8}, GgmlType.F32, -32L, 64), TENSOR_INFO + 16,
                "is past any possible end of file");
    }

    @Test
    void overlappingTensorData() {
        byte[] b = RawGguf.header(3, 2, 0).tensor("a", new long[] {16}, GgmlType.F32, 0)
                .tensor("b", new long[] {8}, GgmlType.F32, 32).padTo(32).zeros(96).bytes();
        rejects(b, 24 + 33, "tensor 'b' data at 32 overlaps tensor 'a' [0, 64)");
    }

    @Test
    void dataMissing() {
        // header is intact, but the file ends before the tensor's 32 bytes of data
        rejects(oneTensorFile(new long[] {8}, GgmlType.F32, 0, 16), TENSOR_INFO - 9,
                "data missing or file truncated");
        rejects(oneTensorFile(new long[] {8}, GgmlType.F32, 0, 0), TENSOR_INFO - 9, "data missing");
    }

    @Test
    void tensorNameTooLong() {
        byte[] b = RawGguf.header(3, 1, 0).tensor("x".repeat(64), new long[] {8}, GgmlType.F32, 0).padTo(32)
                .zeros(32).bytes();
        rejects(b, 24, "more than the limit of 63 bytes");
    }

    @Test
    void metadataThatWouldExpandPastTheHeapLimit() {
        RawGguf r = RawGguf.header(3, 0, 1).str("many").u32(9).u32(GgufValueType.STRING.id()).u64(1000);
        for (int i = 0; i < 1000; i++) {
            r.str("x");
        }
        byte[] b = r.bytes();
        // key "many" (52 bytes), 1000 slots (8000), then 49 bytes per one-byte string: string #39 passes 10000
        GgufFormatException e = assertThrows(GgufFormatException.class,
                () -> GgufParser.parse(NAME, MemorySegment.ofArray(b), 10_000));
        assertTrue(e.getMessage().startsWith("crafted.gguf: at offset " + (24 + 12 + 4 + 4 + 8 + 39 * 9) + ": "),
                e.getMessage());
        assertTrue(e.getMessage().contains("exceed the limit of 10000 bytes of memory"), e.getMessage());
        assertEquals(1000, assertDoesNotThrow(() -> GgufParser.parse(NAME, MemorySegment.ofArray(b)))
                .metadata().entryOrNull("many").value() instanceof String[] a ? a.length : -1);
    }

    @Test
    void everyTruncationOfAValidFileIsAFormatError() throws Exception {
        byte[] full = RawGguf.header(3, 2, 2).kvString("general.architecture", "llama").str("arr").u32(9)
                .u32(GgufValueType.STRING.id()).u64(2).str("ab").str("c")
                .tensor("a", new long[] {8}, GgmlType.F32, 0).tensor("b", new long[] {32, 2}, GgmlType.Q8_0, 32)
                .padTo(32).zeros(32 + 68).bytes();
        try (GgufFile f = GgufFile.parse(NAME, MemorySegment.ofArray(full))) {
            assertEquals(2, f.tensors().size());
        }
        for (int len = 0; len < full.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(full, len);
            GgufFormatException e = assertThrows(GgufFormatException.class,
                    () -> GgufFile.parse(NAME, MemorySegment.ofArray(cut)), "truncated to " + len);
            assertTrue(e.getMessage().startsWith("crafted.gguf: at offset "), e.getMessage());
            assertTrue(e.offset() >= 0 && e.offset() <= len, "offset " + e.offset() + " for length " + len);
        }
    }
}
