package dev.starling.llm.train.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TokenShardTest {

    @TempDir
    Path dir;

    static long seed() {
        String s = System.getProperty("tests.seed");
        long seed = s == null || s.isBlank() ? new SplittableRandom().nextLong() : Long.parseUnsignedLong(s, 16);
        System.out.println("seed " + Long.toHexString(seed) + " (replay with -Dtests.seed=" + Long.toHexString(seed)
                + ")");
        return seed;
    }

    private static int vocabFor(TokenShardFormat f) {
        return f == TokenShardFormat.LLMC_UINT32 ? 128256 : 65536;
    }

    private static int[] randomTokens(SplittableRandom rnd, int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = rnd.nextInt(5) == 0 ? vocab - 1 : rnd.nextInt(vocab);
        }
        return t;
    }

    private static TokenShard open(Path p, TokenShardFormat f) throws IOException {
        return f.hasHeader() ? TokenShard.openLlmc(p) : TokenShard.openNanoGpt(p);
    }

    @ParameterizedTest
    @EnumSource(TokenShardFormat.class)
    void whatIsWrittenReadsBack(TokenShardFormat format) throws IOException {
        long seed = seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int n : new int[] {0, 1, 7, 40_000 + rnd.nextInt(1000)}) {
            int[] tokens = randomTokens(rnd, n, vocabFor(format));
            Path p = dir.resolve(format + "-" + n + ".bin");
            try (TokenShardWriter w = TokenShardWriter.open(p, format, vocabFor(format))) {
                w.write(tokens, 0, n / 2);
                for (int i = n / 2; i < n; i++) {
                    w.write(tokens[i]);
                }
                assertEquals(n, w.tokenCount());
            }
            assertEquals(format.headerBytes() + (long) n * format.tokenBytes(), Files.size(p));
            try (TokenShard s = open(p, format)) {
                assertEquals(format, s.format());
                assertEquals(n, s.size());
                assertArrayEquals(tokens, s.toArray(0, n), "seed " + Long.toHexString(seed));
            }
        }
    }

    @Test
    void theLlmcHeaderIsMagicVersionCountThenZeros() throws IOException {
        Path p = dir.resolve("h.bin");
        try (TokenShardWriter w = TokenShardWriter.open(p, TokenShardFormat.LLMC_UINT16, 50257)) {
            w.write(new int[] {50256, 1, 2, 65});
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(20240520, b.getInt(0));
        assertEquals(1, b.getInt(4));
        assertEquals(4, b.getInt(8));
        for (int i = 3; i < 256; i++) {
            assertEquals(0, b.getInt(i * 4));
        }
        assertEquals((short) 50256, b.getShort(1024));
        assertEquals(65, b.getShort(1030));
        assertEquals(TokenShardFormat.LLMC_UINT16, TokenShardFormat.llmcFor(65536));
        assertEquals(TokenShardFormat.LLMC_UINT32, TokenShardFormat.llmcFor(65537));
    }

    @Test
    void badTokensAndBadFilesAreRejectedNamingFileAndOffset() throws IOException {
        Path p = dir.resolve("bad.bin");
        try (TokenShardWriter w = TokenShardWriter.open(p, TokenShardFormat.LLMC_UINT16, 1000)) {
            var e = assertThrows(IllegalArgumentException.class, () -> w.write(1000));
            assertTrue(e.getMessage().contains("token 0 is 1000, outside the vocabulary of 1000"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> w.write(-1));
            w.write(999);
        }
        var tooBig = assertThrows(IllegalArgumentException.class,
                () -> TokenShardWriter.open(dir.resolve("x.bin"), TokenShardFormat.NANOGPT_UINT16, 70000));
        assertTrue(tooBig.getMessage().contains("does not fit NANOGPT_UINT16"), tooBig.getMessage());

        byte[] good = Files.readAllBytes(p);
        expectBroken(withInt(good, 0, 12345), "offset 0: magic 12345");
        expectBroken(withInt(good, 4, 2), "offset 4: version 2 is not 1");
        expectBroken(withInt(good, 8, 5), "counts 5 tokens of 2 bytes, so the file should be 1034 bytes, but it is 1026");
        expectBroken(withInt(good, 8, -3), "offset 8: token count -3");
        expectBroken(Arrays.copyOf(good, 100), "100 bytes is shorter than llm.c's header");
        Path odd = dir.resolve("odd.bin");
        Files.write(odd, new byte[] {1, 0, 2});
        var e = assertThrows(TokenShardException.class, () -> TokenShard.openNanoGpt(odd));
        assertTrue(e.getMessage().contains("offset 2 is a stray byte") && e.getMessage().contains("odd.bin"),
                e.getMessage());
        // nothing half-written is left behind by an aborted shard
        TokenShardWriter w = TokenShardWriter.open(dir.resolve("aborted.bin"), TokenShardFormat.LLMC_UINT16, 10);
        w.write(3);
        w.abort();
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("aborted")));
        }
    }

    private void expectBroken(byte[] bytes, String part) throws IOException {
        Path p = dir.resolve("broken.bin");
        Files.write(p, bytes);
        var e = assertThrows(TokenShardException.class, () -> TokenShard.openLlmc(p));
        assertTrue(e.getMessage().contains(part) && e.getMessage().contains("broken.bin"),
                () -> "message '" + e.getMessage() + "' lacks '" + part + "'");
    }

    private static byte[] withInt(byte[] bytes, int offset, int value) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return copy;
    }

    @Test
    void aStreamIsCutIntoNumberedShards() throws IOException {
        int[] tokens = randomTokens(new SplittableRandom(7), 2500, 50257);
        List<Path> shards;
        try (ShardedTokenWriter w = new ShardedTokenWriter(dir, "starling", "train", TokenShardFormat.LLMC_UINT16,
                50257, 1000)) {
            w.write(tokens);
            w.close();
            shards = w.shards();
            assertEquals(2500, w.totalTokens());
        }
        assertEquals(List.of("starling_train_000000.bin", "starling_train_000001.bin", "starling_train_000002.bin"),
                shards.stream().map(p -> p.getFileName().toString()).toList());
        int[] back = new int[0];
        for (Path p : shards) {
            try (TokenShard s = TokenShard.openLlmc(p)) {
                int[] part = s.toArray(0, s.size());
                int at = back.length;
                back = Arrays.copyOf(back, at + part.length);
                System.arraycopy(part, 0, back, at, part.length);
            }
        }
        assertArrayEquals(tokens, back);
    }

    @Test
    void documentsGoInWithTheSeparatorBeforeEach() throws IOException {
        var bpe = dev.starling.llm.tokenizer.train.BpeTrainer.train(List.of("hello world", "hello there"),
                dev.starling.llm.tokenizer.train.BpeTrainer.Options.of(300, List.of("<|endoftext|>")));
        var tok = bpe.tokenizer();
        int eot = bpe.specialId("<|endoftext|>");
        Path p;
        try (ShardedTokenWriter w = new ShardedTokenWriter(dir, "posts", "val", TokenShardFormat.LLMC_UINT16,
                tok.vocabSize(), 1 << 20)) {
            long n = w.writeDocuments(List.of("hello world", "<|endoftext|> typed"), tok, eot);
            w.close();
            p = w.shards().getFirst();
            assertEquals(w.totalTokens(), n);
        }
        try (TokenShard s = TokenShard.openLlmc(p)) {
            int[] ids = s.toArray(0, s.size());
            int[] a = tok.encode("hello world");
            int[] b = tok.encode("<|endoftext|> typed");
            int[] expected = new int[2 + a.length + b.length];
            expected[0] = eot;
            System.arraycopy(a, 0, expected, 1, a.length);
            expected[1 + a.length] = eot;
            System.arraycopy(b, 0, expected, 2 + a.length, b.length);
            assertArrayEquals(expected, ids);
            // the separator decodes as its text; the typed marker stayed text (two separators, not three)
            assertEquals("hello world<|endoftext|><|endoftext|> typed",
                    tok.decode(Arrays.copyOfRange(ids, 1, ids.length)));
            assertEquals(2, Arrays.stream(ids).filter(id -> id == eot).count());
        }
        assertThrows(IllegalArgumentException.class, () -> new ShardedTokenWriter(dir, "bad/name", "val",
                TokenShardFormat.LLMC_UINT16, 300, 10));
    }

    /** numpy reads our files the way llm.c's and nanoGPT's Python code does (skips without numpy). */
    @Test
    void numpyReadsThemAsLlmcAndNanoGptDo() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "/usr/bin/python3 is absent; numpy check skipped");
        Process probe = new ProcessBuilder(python.toString(), "-c", "import numpy").redirectErrorStream(true).start();
        assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "numpy is not installed for /usr/bin/python3; numpy check skipped");
        long seed = seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (TokenShardFormat f : TokenShardFormat.values()) {
            int[] tokens = randomTokens(rnd, 3000, vocabFor(f));
            Path p = dir.resolve("np-" + f + ".bin");
            try (TokenShardWriter w = TokenShardWriter.open(p, f, vocabFor(f))) {
                w.write(tokens);
            }
            String script = f.hasHeader()
                    // as llm.c's dev/data/data_common.py and train_gpt2.py's _peek_data_shard / _load_data_shard
                    ? """
                    import sys, numpy as np
                    with open(sys.argv[1], "rb") as f:
                        header = np.frombuffer(f.read(256 * 4), dtype=np.int32)
                        assert header[0] in (20240520, 20240801), header[0]
                        assert header[1] == (1 if header[0] == 20240520 else 7), header[1]
                        ntok = int(header[2])
                        dtype = np.uint16 if header[0] == 20240520 else np.uint32
                        tokens = np.frombuffer(f.read(), dtype=dtype)
                    assert len(tokens) == ntok, (len(tokens), ntok)
                    print(len(tokens), int(tokens.astype(np.int64).sum()), int(tokens[0]), int(tokens[-1]))
                    """
                    // as nanoGPT's train.py get_batch
                    : """
                    import sys, numpy as np
                    tokens = np.memmap(sys.argv[1], dtype=np.uint16, mode="r")
                    print(len(tokens), int(tokens.astype(np.int64).sum()), int(tokens[0]), int(tokens[-1]))
                    """;
            Process proc = new ProcessBuilder(python.toString(), "-c", script, p.toString())
                    .redirectErrorStream(true).start();
            String out = new String(proc.getInputStream().readAllBytes()).trim();
            assertTrue(proc.waitFor(60, TimeUnit.SECONDS), "python did not finish");
            assertEquals(0, proc.exitValue(), () -> f + ": python failed: " + out);
            long sum = Arrays.stream(tokens).asLongStream().sum();
            assertEquals(tokens.length + " " + sum + " " + tokens[0] + " " + tokens[tokens.length - 1], out,
                    () -> f + ", seed " + Long.toHexString(seed));
        }
    }
}
