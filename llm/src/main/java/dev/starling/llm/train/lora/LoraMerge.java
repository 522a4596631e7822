package dev.starling.llm.train.lora;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufTensorInfo;
import dev.starling.llm.gguf.GgufWriter;
import dev.starling.llm.gguf.quant.Quantize;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Merges an adapter into its base: writes a new GGUF with the base's metadata and tensors, where each adapted
 * W becomes W + (alpha/r)·B·A, computed row by row (dequantize the row, add the update, requantize), so a big
 * model is never held in F32. Unadapted tensors are copied byte for byte.
 */
public final class LoraMerge {
    /** The type of the merged matrices. */
    public enum Output {
        /** The base matrix's own type, requantized (F32 when that type cannot be written). */
        BASE_TYPE,
        /** F32: exact, larger. */
        F32
    }

    private LoraMerge() {
    }

    /** Writes the merged model to {@code out}; returns its size in bytes. */
    public static long merge(FrozenBase base, LoraAdapter adapter, Output output, Path out) throws IOException {
        if (!adapter.baseConfig().equals(base.config())) {
            throw new IllegalArgumentException("adapter was made for " + adapter.baseConfig() + ", the base is "
                    + base.config());
        }
        if (out.toAbsolutePath().normalize().equals(base.gguf().path().toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("refusing to overwrite the base model " + out + " while reading it");
        }
        GgufFile g = base.gguf();
        double scale = adapter.config().scale();
        GgufWriter w = GgufWriter.create(out);
        w.putAll(g.metadata(), k -> true);
        w.putString("general.name", g.metadata().getString("general.name", "model") + "+lora");
        for (GgufTensorInfo t : g.tensors()) {
            LoraAdapter.Pair p = pairFor(adapter, t.name());
            if (p == null) {
                w.addRawTensor(t.name(), t.type(), t.dims(), g.tensorData(t));
                continue;
            }
            FrozenMatrix m = base.layer(p.layer()).weight(p.target());
            GgmlType type = output == Output.F32 || !Quantize.canQuantize(t.type()) ? GgmlType.F32 : t.type();
            w.addTensor(t.name(), type, t.dims(), (row, dst) -> {
                m.row((int) row, dst);
                LoraAdapter.addDeltaRow(p, scale, (int) row, dst);
            });
        }
        return w.write();
    }

    private static LoraAdapter.Pair pairFor(LoraAdapter adapter, String tensorName) {
        for (LoraAdapter.Pair p : adapter.pairs()) {
            if (p.target().baseTensorName(p.layer()).equals(tensorName)) {
                return p;
            }
        }
        return null;
    }
}
