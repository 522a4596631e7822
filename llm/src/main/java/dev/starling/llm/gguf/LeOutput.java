package dev.starling.llm.gguf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Little-endian primitive writes to a stream, counting the bytes written (for alignment padding). */
final class LeOutput {

    private final OutputStream out;
    private final byte[] scratch = new byte[8];
    private long position;

    LeOutput(OutputStream out) {
        this.out = out;
    }

    long position() {
        return position;
    }

    void u8(int v) throws IOException {
        out.write(v);
        position++;
    }

    void u16(int v) throws IOException {
        scratch[0] = (byte) v;
        scratch[1] = (byte) (v >> 8);
        bytes(scratch, 0, 2);
    }

    void u32(int v) throws IOException {
        for (int i = 0; i < 4; i++) {
            scratch[i] = (byte) (v >> (8 * i));
        }
        bytes(scratch, 0, 4);
    }

    void u64(long v) throws IOException {
        for (int i = 0; i < 8; i++) {
            scratch[i] = (byte) (v >> (8 * i));
        }
        bytes(scratch, 0, 8);
    }

    void string(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        bytes(b, 0, b.length);
    }

    void bytes(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        position += len;
    }

    void padTo(long alignment) throws IOException {
        long padded = GgufParser.pad(position, alignment);
        while (position < padded) {
            u8(0);
        }
    }

    void flush() throws IOException {
        out.flush();
    }
}
