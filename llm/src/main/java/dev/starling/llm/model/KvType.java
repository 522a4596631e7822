package dev.starling.llm.model;

/**
 * How a {@link KvCache} stores keys and values. F32 keeps full floats; F16 (llama.cpp's default) halves the
 * memory: values are rounded to half precision when written, and attention then works as llama.cpp's does
 * on an F16 cache (query and softmax weights rounded to F16 before their products, sums in float).
 */
public enum KvType {
    F32(Float.BYTES),
    F16(Short.BYTES);

    private final int bytesPerValue;

    KvType(int bytesPerValue) {
        this.bytesPerValue = bytesPerValue;
    }

    public int bytesPerValue() {
        return bytesPerValue;
    }

    /** The type named by {@code -Dstarling.llm.kvType} (F32 or F16), F32 when unset. */
    public static KvType fromSystemProperty() {
        String v = System.getProperty("starling.llm.kvType", "F32");
        return parse(v);
    }

    /** F32 or F16, case-insensitive; anything else is rejected naming the value. */
    public static KvType parse(String name) {
        for (KvType t : values()) {
            if (t.name().equalsIgnoreCase(name.trim())) {
                return t;
            }
        }
        throw new IllegalArgumentException("KV cache type '" + name + "' is not one of F32, F16");
    }
}
