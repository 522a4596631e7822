package dev.starling.llm.gguf;

import java.util.EnumMap;
import java.util.Map;

/** A human-readable description of a GGUF file (for a {@code starling gguf info} command and for logs). */
public final class GgufSummary {

    private GgufSummary() {
    }

    /**
     * Version, sizes, every metadata key (long strings and arrays shortened), then tensors: all of them, or the
     * first {@code maxTensors} followed by a count of the rest; then bytes per tensor type.
     */
    public static String of(GgufFile f, int maxTensors) {
        StringBuilder sb = new StringBuilder();
        sb.append(f.path()).append(": GGUF v").append(f.version()).append(", ").append(f.sizeBytes())
                .append(" bytes, ").append(f.metadata().size()).append(" metadata keys, ").append(f.tensors().size())
                .append(" tensors, alignment ").append(f.alignment()).append(", data at ").append(f.dataOffset())
                .append('\n');
        GgufMetadata m = f.metadata();
        for (String k : m.keys()) {
            GgufMetadata.Entry e = m.entryOrNull(k);
            sb.append("  ").append(k).append(" ").append(e.type() == GgufValueType.ARRAY
                    ? "ARRAY[" + e.elementType() + "]" : e.type().name()).append(" = ").append(value(e)).append('\n');
        }
        Map<GgmlType, long[]> byType = new EnumMap<>(GgmlType.class);
        int shown = 0;
        for (GgufTensorInfo t : f.tensors()) {
            if (shown++ < maxTensors) {
                sb.append("  ").append(t.name()).append(' ').append(java.util.Arrays.toString(t.dims())).append(' ')
                        .append(t.type()).append(t.type().supported() ? "" : " (unsupported)").append(" @")
                        .append(t.offset()).append(", ").append(t.sizeBytes()).append(" bytes\n");
            }
            long[] acc = byType.computeIfAbsent(t.type(), x -> new long[3]);
            acc[0]++;
            acc[1] += t.elementCount();
            acc[2] += t.sizeBytes();
        }
        if (shown > maxTensors) {
            sb.append("  ... and ").append(shown - maxTensors).append(" more tensors\n");
        }
        byType.forEach((type, acc) -> sb.append("  ").append(type).append(": ").append(acc[0]).append(" tensors, ")
                .append(acc[1]).append(" elements, ").append(acc[2]).append(" bytes\n"));
        return sb.toString();
    }

    private static String value(GgufMetadata.Entry e) {
        Object v = e.value();
        if (v.getClass().isArray()) {
            int n = java.lang.reflect.Array.getLength(v);
            StringBuilder sb = new StringBuilder("(").append(n).append(") [");
            for (int i = 0; i < Math.min(n, 8); i++) {
                sb.append(i > 0 ? ", " : "").append(shorten(String.valueOf(java.lang.reflect.Array.get(v, i)), 40));
            }
            return sb.append(n > 8 ? ", ...]" : "]").toString();
        }
        if (e.type() == GgufValueType.UINT64) {
            return Long.toUnsignedString((Long) v);
        }
        return shorten(String.valueOf(v), 120);
    }

    private static String shorten(String s, int max) {
        String oneLine = s.replace("\n", "\\n");
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "... (" + s.length() + " chars)";
    }
}
