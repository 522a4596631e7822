package dev.starling.ai.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
    @TempDir
    Path dir;

    private static PackedTokens random(long seed, int vocab) {
        SplittableRandom r = new SplittableRandom(seed);
        return new PackedTokens(r.ints(1000 + r.nextInt(100), 0, vocab).toArray(), r.ints(r.nextInt(50), 0, vocab).toArray());
    }

    @Test
    void roundTrips() throws IOException {
        long seed = Long.getLong("tests.seed", System.nanoTime());
        System.out.println("TokenFileTest seed " + seed + " (replay with -Dtests.seed=" + seed + ")");
        PackedTokens t = random(seed, 777);
        Path f = dir.resolve("t.sttk");
        TokenFile.write(f, t, 777);
        PackedTokens back = TokenFile.read(f, 777);
        assertArrayEquals(t.train(), back.train());
        assertArrayEquals(t.validation(), back.validation());
    }

    @Test
    void damageIsReportedWithFileAndOffset() throws IOException {
        Path f = dir.resolve("t.sttk");
        TokenFile.write(f, random(1, 500), 500);
        byte[] bytes = Files.readAllBytes(f);

        IOException wrongVocab = assertThrows(IOException.class, () -> TokenFile.read(f, 501));
        assertTrue(wrongVocab.getMessage().contains(f + " at offset 8"), wrongVocab.getMessage());

        byte[] flipped = bytes.clone();
        flipped[100] ^= 1;
        Files.write(f, flipped);
        IOException crc = assertThrows(IOException.class, () -> TokenFile.read(f, 500));
        assertTrue(crc.getMessage().contains("checksum"), crc.getMessage());

        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        IOException truncated = assertThrows(IOException.class, () -> TokenFile.read(f, 500));
        assertTrue(truncated.getMessage().contains("at offset 12"), truncated.getMessage());

        byte[] magic = bytes.clone();
        magic[0] = 'X';
        Files.write(f, magic);
        IOException notOurs = assertThrows(IOException.class, () -> TokenFile.read(f, 500));
        assertTrue(notOurs.getMessage().contains("no STTK magic"), notOurs.getMessage());
    }
}
