package dev.starling.llm.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hand-assembles GGUF bytes field by field, so tests can craft files the writer would refuse to write. */
final class RawGguf {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Magic, version, tensor count and kv count. */
    static RawGguf header(int version, long tensorCount, long kvCount) {
        return new RawGguf().u32(GgufParser.MAGIC).u32(version).u64(tensorCount).u64(kvCount);
    }

    int position() {
        return out.size();
    }

    RawGguf u8(int v) {
        out.write(v);
        return this;
    }

    RawGguf u32(int v) {
        for (int i = 0; i < 4; i++) {
            out.write(v >> (8 * i));
        }
        return this;
    }

    RawGguf u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >> (8 * i)));
        }
        return this;
    }

    RawGguf str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        out.writeBytes(b);
        return this;
    }

    RawGguf kvString(String key, String value) {
        return str(key).u32(GgufValueType.STRING.id()).str(value);
    }

    RawGguf kvU32(String key, int value) {
        return str(key).u32(GgufValueType.UINT32.id()).u32(value);
    }

    RawGguf tensor(String name, long[] dims, GgmlType type, long offset) {
        return tensor(name, dims, type.id(), offset);
    }

    RawGguf tensor(String name, long[] dims, int typeId, long offset) {
        str(name).u32(dims.length);
        for (long d : dims) {
            u64(d);
        }
        return u32(typeId).u64(offset);
    }

    RawGguf padTo(int alignment) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        return this;
    }

    RawGguf zeros(int n) {
        out.writeBytes(new byte[n]);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
