package dev.starling.ai.training;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The packed token streams of a training run, kept beside its checkpoint so that a resume trains on exactly the
 * same tokens even when the corpus has changed since.
 * <p>Format "STTK" version 1, little-endian: magic (4 bytes), u32 version, u32 vocabulary size, u32 train count,
 * u32 validation count, the train tokens then the validation tokens as u32, then the CRC-32 of every byte before
 * it as u32. Written to a temporary file and moved into place.
 */
public final class TokenFile {
    static final int VERSION = 1;
    private static final byte[] MAGIC = "STTK".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = 20;

    private TokenFile() {
    }

    public static void write(Path out, PackedTokens tokens, int vocabSize) throws IOException {
        long count = (long) tokens.train().length + tokens.validation().length;
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(HEADER_BYTES + 4 * count + 4)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).putInt(vocabSize).putInt(tokens.train().length).putInt(tokens.validation().length);
        b.asIntBuffer().put(tokens.train());
        b.position(b.position() + 4 * tokens.train().length);
        b.asIntBuffer().put(tokens.validation());
        b.position(b.position() + 4 * tokens.validation().length);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Files.write(tmp, b.array());
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** @throws IOException naming the file and offset when it is not a valid token file for this vocabulary size */
    public static PackedTokens read(Path in, int vocabSize) throws IOException {
        ByteBuffer b;
        try (FileChannel ch = FileChannel.open(in, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE - 8 || ch.size() < HEADER_BYTES + 4) {
                throw new IOException(in + ": " + ch.size() + " bytes is not a token file (20-byte header, 2 GiB limit)");
            }
            b = ByteBuffer.allocate((int) ch.size());
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // read fully
            }
            b.flip().order(ByteOrder.LITTLE_ENDIAN);
        }
        byte[] magic = new byte[4];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException(in + " at offset 0: not a Starling token file (no STTK magic)");
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new IOException(in + " at offset 4: token file version " + version + ", this build reads " + VERSION);
        }
        int vocab = b.getInt();
        if (vocab != vocabSize) {
            throw new IOException(in + " at offset 8: tokens of a " + vocab + "-token vocabulary, the model has " + vocabSize);
        }
        long train = Integer.toUnsignedLong(b.getInt());
        long validation = Integer.toUnsignedLong(b.getInt());
        long expected = HEADER_BYTES + 4 * (train + validation) + 4;
        if (expected != b.limit()) {
            throw new IOException(in + " at offset 12: counts " + train + " + " + validation + " need " + expected
                    + " bytes, the file has " + b.limit());
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.limit() - 4);
        int stored = b.getInt(b.limit() - 4);
        if (stored != (int) crc.getValue()) {
            throw new IOException(in + " at offset " + (b.limit() - 4) + ": checksum mismatch (file damaged)");
        }
        int[] t = new int[(int) train];
        int[] v = new int[(int) validation];
        b.asIntBuffer().get(t);
        b.position(b.position() + 4 * t.length);
        b.asIntBuffer().get(v);
        for (int i = 0; i < t.length + v.length; i++) {
            int id = i < t.length ? t[i] : v[i - t.length];
            if (id < 0 || id >= vocabSize) {
                throw new IOException(in + " at offset " + (HEADER_BYTES + 4L * i) + ": token " + id
                        + " outside the vocabulary of " + vocabSize);
            }
        }
        return new PackedTokens(t, v);
    }
}
