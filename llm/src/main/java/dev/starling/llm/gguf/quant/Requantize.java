package dev.starling.llm.gguf.quant;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufTensorInfo;
import dev.starling.llm.gguf.GgufWriter;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * Converts a GGUF file's weight matrices to another type (e.g. an F32 checkpoint from training to Q8_0 for serving),
 * streaming row by row: every metadata key is copied (general.file_type is dropped, since it would no longer be
 * true), tensors the filter selects are dequantized with {@link Dequantize} and quantized with {@link Quantize}, and
 * all others are copied byte for byte.
 */
public final class Requantize {

    private Requantize() {
    }

    /** Which tensors llama-quantize converts by default: matrices (2+ dims), not norms, biases or rope factors. */
    public static final Predicate<GgufTensorInfo> MATRICES = t -> t.dimCount() >= 2;

    /**
     * Writes {@code out} with the tensors {@code which} selects converted to {@code type} where their row length is a
     * whole number of the type's blocks and their current type can be decoded; returns the number converted.
     */
    public static int convert(Path in, Path out, GgmlType type, Predicate<GgufTensorInfo> which) throws IOException {
        if (!Quantize.canQuantize(type)) {
            throw new IllegalArgumentException("cannot quantize to " + type);
        }
        int converted = 0;
        try (GgufFile f = GgufFile.open(in)) {
            GgufWriter w = GgufWriter.create(out);
            w.putAll(f.metadata(), k -> !k.equals("general.file_type"));
            if (type != GgmlType.F32 && type != GgmlType.F16 && type != GgmlType.BF16
                    && !f.metadata().has("general.quantization_version")) {
                w.putUInt32("general.quantization_version", 2);
            }
            for (GgufTensorInfo t : f.tensors()) {
                MemorySegment data = f.tensorData(t);
                boolean convertible = which.test(t) && t.type() != type && Quantize.canQuantize(t.type())
                        && t.dim(0) % type.blockSize() == 0 && t.dim(0) <= Integer.MAX_VALUE / 4;
                if (convertible) {
                    int rowLen = (int) t.dim(0);
                    int rowBytes = Math.toIntExact(t.type().bytesFor(rowLen));
                    GgmlType from = t.type();
                    w.addTensor(t.name(), type, t.dims(), (row, dst) -> {
                        byte[] src = new byte[rowBytes];
                        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, row * rowBytes, src, 0, rowBytes);
                        Dequantize.row(from, src, 0, rowLen, dst, 0);
                    });
                    converted++;
                } else {
                    w.addRawTensor(t.name(), t.type(), t.dims(), data);
                }
            }
            w.write(); // while the input is still mapped
        }
        return converted;
    }
}
