package dev.starling.llm.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reader of the "STRT" version 1 tensor file that scripts/torch-reference/reference.py writes
 * (format described there). Every entry is returned as float64 values with its dims; errors name the
 * file and the byte offset.
 */
record TensorFile(Path path, Map<String, Entry> entries) {
    static final int VERSION = 1;
    static final long MAX_BYTES = 64L << 20;

    record Entry(String name, int kind, int[] dims, double[] values) {
        int[] ints() {
            int[] r = new int[values.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = (int) values[i];
            }
            return r;
        }
    }

    Entry get(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException(path + ": no entry named " + name);
        }
        return e;
    }

    static TensorFile read(Path path) throws IOException {
        long size = Files.size(path);
        if (size > MAX_BYTES) {
            throw new IOException(path + ": " + size + " bytes exceeds the limit of " + MAX_BYTES);
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        try {
            byte[] magic = new byte[4];
            b.get(magic);
            if (!"STRT".equals(new String(magic, StandardCharsets.US_ASCII))) {
                throw new IOException(path + " at offset 0: not a STRT tensor file");
            }
            int version = b.getInt();
            if (version != VERSION) {
                throw new IOException(path + " at offset 4: version " + version + ", this reader reads version " + VERSION);
            }
            int count = b.getInt();
            if (count < 0 || count > 100_000) {
                throw new IOException(path + " at offset 8: entry count " + count + " out of range");
            }
            Map<String, Entry> map = new LinkedHashMap<>();
            for (int e = 0; e < count; e++) {
                int at = b.position();
                byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
                b.get(name);
                int kind = b.get();
                int ndims = b.get();
                if (kind < 0 || kind > 2 || ndims < 0 || ndims > 8) {
                    throw new IOException(path + " at offset " + at + ": entry kind " + kind + " / ndims " + ndims + " invalid");
                }
                int[] dims = new int[ndims];
                long n = 1;
                for (int i = 0; i < ndims; i++) {
                    dims[i] = b.getInt();
                    n *= dims[i];
                }
                int width = kind == 2 ? 8 : 4;
                if (dims.length > 0 && (n < 0 || n * width > b.remaining())) {
                    throw new IOException(path + " at offset " + at + ": entry needs " + n * width + " bytes, "
                            + b.remaining() + " remain");
                }
                double[] values = new double[(int) n];
                for (int i = 0; i < n; i++) {
                    values[i] = switch (kind) {
                        case 0 -> b.getFloat();
                        case 1 -> b.getInt();
                        default -> b.getDouble();
                    };
                }
                map.put(new String(name, StandardCharsets.UTF_8), new Entry(new String(name, StandardCharsets.UTF_8), kind, dims, values));
            }
            if (b.hasRemaining()) {
                throw new IOException(path + " at offset " + b.position() + ": " + b.remaining() + " trailing bytes");
            }
            return new TensorFile(path, map);
        } catch (java.nio.BufferUnderflowException ex) {
            throw new IOException(path + " at offset " + b.position() + ": truncated", ex);
        }
    }
}
