package dev.starling.llm.train.lora;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufFormatException;
import dev.starling.llm.gguf.GgufMetadata;
import dev.starling.llm.gguf.GgufTensorInfo;
import dev.starling.llm.gguf.GgufWriter;
import dev.starling.llm.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A LoRA adapter as a small GGUF, in the layout of llama.cpp's {@code convert_lora_to_gguf.py} (so that
 * {@code llama-cli --lora} and {@code llama-export-lora} can read it): {@code general.type = "adapter"},
 * {@code adapter.type = "lora"}, {@code adapter.lora.alpha}, {@code general.architecture} of the base, and per
 * adapted projection {@code blk.N.<role>.weight.lora_a} (ggml dims [in, r]) and {@code .lora_b} ([r, out]).
 * Starling adds {@code starling.lora.format_version} (currently {@value #FORMAT_VERSION}); a file without it is
 * read as a llama.cpp adapter. Tensors are written F32 and read from any type {@link FrozenMatrix} reads.
 */
public final class LoraAdapterFile {
    public static final int FORMAT_VERSION = 1;
    static final String VERSION_KEY = "starling.lora.format_version";
    private static final Pattern NAME = Pattern.compile("blk\\.(\\d+)\\.([a-z_]+)\\.weight\\.lora_([ab])");
    /** Upper limit on an adapter file's tensor count (7 projections for up to 1024 blocks, two factors each). */
    private static final int MAX_TENSORS = 2 * 7 * 1024;

    private LoraAdapterFile() {
    }

    /** Writes the adapter; returns the file size in bytes. */
    public static long write(LoraAdapter adapter, Path out) throws IOException {
        ModelConfig c = adapter.baseConfig();
        GgufWriter w = GgufWriter.create(out);
        w.putString("general.architecture", c.architecture());
        w.putString("general.type", "adapter");
        w.putString("general.name", "starling-lora");
        w.putUInt32("general.alignment", 32);
        w.putString("adapter.type", "lora");
        w.putFloat32("adapter.lora.alpha", adapter.config().alpha());
        w.putUInt32(VERSION_KEY, FORMAT_VERSION);
        w.putUInt32("starling.lora.rank", adapter.config().rank());
        for (LoraAdapter.Pair p : adapter.pairs()) {
            w.addTensor(p.a().name(), GgmlType.F32, new long[] {p.a().cols(), p.a().rows()}, p.a().value().clone());
            w.addTensor(p.b().name(), GgmlType.F32, new long[] {p.b().cols(), p.b().rows()}, p.b().value().clone());
        }
        return w.write();
    }

    /**
     * Reads an adapter for a base of config {@code base}; fails naming the file and the key or tensor that does
     * not fit (wrong type of file, other architecture, shapes that do not match the base, A without B...).
     * Blocks the file does not adapt get zero factors (no change), as llama.cpp treats them.
     */
    public static LoraAdapter read(Path path, ModelConfig base) throws IOException {
        try (GgufFile g = GgufFile.open(path)) {
            GgufMetadata m = g.metadata();
            require(path, "adapter".equals(m.getString("general.type", null)), "general.type is not 'adapter'");
            require(path, "lora".equals(m.getString("adapter.type", null)), "adapter.type is not 'lora'");
            long version = m.getLong(VERSION_KEY, FORMAT_VERSION);
            require(path, version >= 1 && version <= FORMAT_VERSION, VERSION_KEY + " " + version
                    + " is not supported (this build reads 1.." + FORMAT_VERSION + ")");
            String arch = m.getString("general.architecture", null);
            require(path, base.architecture().equals(arch), "adapter is for architecture '" + arch
                    + "', the base is '" + base.architecture() + "'");
            float alpha = m.getFloat("adapter.lora.alpha", 0f);
            require(path, alpha > 0 && Float.isFinite(alpha), "adapter.lora.alpha " + alpha + " must be > 0");
            require(path, g.tensors().size() <= MAX_TENSORS, g.tensors().size() + " tensors (limit "
                    + MAX_TENSORS + ")");
            int rank = -1;
            Set<LoraTarget> targets = EnumSet.noneOf(LoraTarget.class);
            Set<String> names = new HashSet<>();
            for (GgufTensorInfo t : g.tensors()) {
                Matcher mt = NAME.matcher(t.name());
                require(path, mt.matches(), "tensor " + t.name() + " is not named blk.N.<role>.weight.lora_a/b");
                LoraTarget target = LoraTarget.byRole(mt.group(2));
                require(path, target != null, "tensor " + t.name() + ": role " + mt.group(2) + " cannot be adapted");
                int layer = Integer.parseInt(mt.group(1));
                require(path, layer < base.layers(), "tensor " + t.name() + ": the base has " + base.layers()
                        + " blocks");
                require(path, t.dimCount() == 2, "tensor " + t.name() + " is not 2-D");
                boolean isA = mt.group(3).equals("a");
                long in = t.dim(0);
                long rows = t.dim(1);
                int r = (int) Math.min(isA ? rows : in, Integer.MAX_VALUE);
                require(path, r >= 1 && r <= LoraConfig.MAX_RANK, "tensor " + t.name() + ": rank " + r
                        + " out of range 1.." + LoraConfig.MAX_RANK);
                require(path, rank == -1 || rank == r, "tensor " + t.name() + " has rank " + r + ", others "
                        + rank);
                rank = r;
                long expectIn = isA ? target.inDim(base) : r;
                long expectRows = isA ? r : target.outDim(base);
                require(path, in == expectIn && rows == expectRows, "tensor " + t.name() + " has dims [" + in + ", "
                        + rows + "], the base needs [" + expectIn + ", " + expectRows + "]");
                targets.add(target);
                names.add(t.name());
            }
            require(path, rank > 0, "no lora_a/lora_b tensors");
            for (String n : names) {
                String other = n.endsWith("lora_a") ? n.substring(0, n.length() - 1) + "b"
                        : n.substring(0, n.length() - 1) + "a";
                require(path, names.contains(other), "tensor " + n + " has no partner " + other);
            }
            LoraAdapter adapter = new LoraAdapter(base, new LoraConfig(rank, alpha, targets, 0));
            for (LoraAdapter.Pair p : adapter.pairs()) {
                if (names.contains(p.a().name())) {
                    float[] a = FrozenMatrix.of(g, p.a().name()).toFloats();
                    float[] b = FrozenMatrix.of(g, p.b().name()).toFloats();
                    System.arraycopy(a, 0, p.a().value(), 0, a.length);
                    System.arraycopy(b, 0, p.b().value(), 0, b.length);
                }
            }
            return adapter;
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException(path, e.getMessage());
        }
    }

    private static void require(Path path, boolean ok, String problem) throws GgufFormatException {
        if (!ok) {
            throw new GgufFormatException(path, "LoRA adapter: " + problem);
        }
    }
}
