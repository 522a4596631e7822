package dev.starling.llm.train.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.generate.LlamaModel;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufTensorInfo;
import dev.starling.llm.gguf.GgufWriter;
import java.lang.foreign.Arena;
import dev.starling.llm.tensor.ComputePool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole job on a tiny Q8_0 base: text in, adapter and merged model out, loss down; bad inputs named. */
class LoraFineTuneTest {

    @Test
    void textInAdapterAndMergedModelOut(@TempDir Path dir) throws Exception {
        long seed = TinyBases.seed();
        Path model = TinyBases.write(TinyBases.LLAMA, GgmlType.Q8_0, seed, dir);
        List<String> posts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            posts.add("starling post " + (i % 4) + ": the flock flies at dawn");
        }
        Path adapter = dir.resolve("adapter.gguf");
        Path merged = dir.resolve("merged.gguf");
        LoraFineTune.Options o = new LoraFineTune.Options(model, posts,
                new LoraConfig(4, 8f, LoraTarget.ALL, seed), 24, 2, 12, 0, 1e-2, 0.0, adapter, merged,
                LoraMerge.Output.BASE_TYPE);
        List<LoraFineTune.Progress> progress = new ArrayList<>();
        LoraFineTune.Summary s;
        try (ComputePool pool = new ComputePool(2)) {
            s = LoraFineTune.run(o, pool, progress::add);
        }
        System.out.printf("LoRA job: %d steps, loss %.3f -> %.3f, %d corpus tokens, adapter %d bytes, merged %d bytes"
                + ", %d ms%n", s.steps(), s.firstLoss(), s.lastLoss(), s.corpusTokens(), s.adapterBytes(),
                s.mergedBytes(), s.elapsedMillis());
        assertEquals(12, s.steps());
        assertEquals(12, progress.size());
        assertTrue(s.lastLoss() < s.firstLoss() - 0.5, "loss " + s.firstLoss() + " -> " + s.lastLoss());
        assertEquals(Files.size(adapter), s.adapterBytes());
        try (FrozenBase base = FrozenBase.open(model)) {
            LoraAdapterFile.read(adapter, base.config());
        }
        try (ComputePool pool = new ComputePool(1); LlamaModel m = LlamaModel.load(merged, pool, 1)) {
            assertEquals(TinyBases.LLAMA.vocabSize(), m.config().vocabSize());
        }
    }

    @Test
    void tooShortCorpusIsNamed(@TempDir Path dir) throws Exception {
        Path model = TinyBases.write(TinyBases.LLAMA, GgmlType.F32, 1, dir);
        LoraFineTune.Options o = new LoraFineTune.Options(model, List.of("hi"),
                new LoraConfig(2, 2f, LoraTarget.ATTENTION, 1), 32, 1, 1, 0, 1e-3, 0.0, dir.resolve("a.gguf"), null,
                LoraMerge.Output.F32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoraFineTune.run(o, null, p -> { }));
        assertTrue(e.getMessage().contains("needs at least 33"), e.getMessage());
    }

    @Test
    void unsupportedBaseTypeIsNamed(@TempDir Path dir) throws Exception {
        Path model = TinyBases.write(TinyBases.LLAMA, GgmlType.F32, 1, dir);
        Path q5 = dir.resolve("q5.gguf");
        rewrite(model, q5, "blk.0.attn_q.weight", GgmlType.Q5_0, null, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrozenBase.open(q5));
        assertTrue(e.getMessage().contains("Q5_0") && e.getMessage().contains("blk.0.attn_q.weight")
                && e.getMessage().contains("q5.gguf"), e.getMessage());
    }

    @Test
    void partialRotaryIsNamed(@TempDir Path dir) throws Exception {
        Path model = TinyBases.write(TinyBases.LLAMA, GgmlType.F32, 1, dir);
        Path partial = dir.resolve("partial.gguf");
        rewrite(model, partial, null, null, "llama.rope.dimension_count", 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrozenBase.open(partial));
        assertTrue(e.getMessage().contains("llama") && e.getMessage().contains("partial rotary")
                && e.getMessage().contains("partial.gguf"), e.getMessage());
    }

    /** A copy of {@code in} with one tensor's type replaced (zero bytes) and/or one int key set. */
    private static void rewrite(Path in, Path out, String tensor, GgmlType type, String key, int value)
            throws Exception {
        try (GgufFile g = GgufFile.open(in); Arena arena = Arena.ofConfined()) {
            GgufWriter w = GgufWriter.create(out);
            w.putAll(g.metadata(), k -> !k.equals(key));
            if (key != null) {
                w.putUInt32(key, value);
            }
            for (GgufTensorInfo t : g.tensors()) {
                if (t.name().equals(tensor)) {
                    long bytes = type.bytesFor(t.dim(0)) * t.rowCount();
                    w.addRawTensor(t.name(), type, t.dims(), arena.allocate(bytes));
                } else {
                    w.addRawTensor(t.name(), t.type(), t.dims(), g.tensorData(t));
                }
            }
            w.write();
        }
    }
}
