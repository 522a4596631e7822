package dev.starling.llm.train.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufFormatException;
import dev.starling.llm.model.ModelConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter file round-trips exactly in llama.cpp's adapter layout and rejects files that do not fit; merging
 * writes a GGUF that LlamaModel loads and whose logits equal base + adapter (F32 merge within 1e-4, Q8_0
 * requantized within Q8_0's rounding).
 */
class LoraAdapterFileTest {

    @Test
    void saveAndLoadRoundTrip(@TempDir Path dir) throws Exception {
        long seed = TinyBases.seed();
        try (FrozenBase base = FrozenBase.open(TinyBases.write(TinyBases.LLAMA, GgmlType.F32, seed, dir))) {
            LoraAdapter adapter = LoraAdapter.initialize(base.config(),
                    new LoraConfig(3, 6f, LoraTarget.parse("q,v,down"), seed));
            TinyBases.randomizeB(adapter, seed + 1, 0.1);
            Path file = dir.resolve("adapter.gguf");
            LoraAdapterFile.write(adapter, file);
            try (GgufFile g = GgufFile.open(file)) {
                assertEquals("adapter", g.metadata().getString("general.type"));
                assertEquals("lora", g.metadata().getString("adapter.type"));
                assertEquals(6f, g.metadata().getFloat("adapter.lora.alpha"));
                assertEquals("llama", g.metadata().getString("general.architecture"));
                // ggml dims: lora_a [in, r], lora_b [r, out]
                assertArrayEquals(new long[] {64, 3}, g.tensor("blk.1.attn_q.weight.lora_a").dims());
                assertArrayEquals(new long[] {3, 64}, g.tensor("blk.1.ffn_down.weight.lora_b").dims());
                assertEquals(2 * 3 * 2, g.tensors().size());
            }
            LoraAdapter back = LoraAdapterFile.read(file, base.config());
            assertEquals(adapter.config().rank(), back.config().rank());
            assertEquals(adapter.config().alpha(), back.config().alpha());
            assertEquals(adapter.config().targets(), back.config().targets());
            List<LoraAdapter.Pair> a = adapter.pairs();
            List<LoraAdapter.Pair> b = back.pairs();
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i).a().value(), b.get(i).a().value(), a.get(i).a().name());
                assertArrayEquals(a.get(i).b().value(), b.get(i).b().value(), a.get(i).b().name());
            }
        }
    }

    @Test
    void rejectsFilesThatDoNotFit(@TempDir Path dir) throws Exception {
        long seed = TinyBases.seed();
        Path model = TinyBases.write(TinyBases.LLAMA, GgmlType.F32, seed, dir);
        try (FrozenBase base = FrozenBase.open(model)) {
            ModelConfig c = base.config();
            GgufFormatException notAdapter = assertThrows(GgufFormatException.class,
                    () -> LoraAdapterFile.read(model, c));
            assertTrue(notAdapter.getMessage().contains("general.type"), notAdapter.getMessage());
            Path file = dir.resolve("adapter.gguf");
            LoraAdapterFile.write(LoraAdapter.initialize(c, new LoraConfig(2, 2f, LoraTarget.ALL, seed)), file);
            ModelConfig wider = new ModelConfig(c.architecture(), 128, c.layers(), c.heads(), c.kvHeads(), 32,
                    c.ffnDim(), c.vocabSize(), c.contextLength(), c.rmsEps(), c.ropeTheta(), 32, 1f, c.ropeStyle(),
                    false);
            GgufFormatException shape = assertThrows(GgufFormatException.class,
                    () -> LoraAdapterFile.read(file, wider));
            assertTrue(shape.getMessage().contains("adapter.gguf") && shape.getMessage().contains("dims"),
                    shape.getMessage());
        }
    }

    @Test
    void mergeF32MatchesAdapterForward(@TempDir Path dir) throws Exception {
        merge(GgmlType.F32, LoraMerge.Output.F32, 1e-4, dir);
    }

    @Test
    void mergeQ8F32OutputMatchesAdapterForward(@TempDir Path dir) throws Exception {
        merge(GgmlType.Q8_0, LoraMerge.Output.F32, 1e-4, dir);
    }

    @Test
    void mergeQ8RequantizedIsCloseToAdapterForward(@TempDir Path dir) throws Exception {
        merge(GgmlType.Q8_0, LoraMerge.Output.BASE_TYPE, -1, dir);
    }

    /**
     * tolerance < 0: the merge is requantized to the base type; allowed error is three times what that type's
     * rounding costs on its own (the same synthetic weights in F32 against {@code type}, measured here).
     */
    private static void merge(GgmlType type, LoraMerge.Output output, double tolerance, Path dir) throws Exception {
        long seed = TinyBases.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        long modelSeed = rnd.nextLong();
        Path model = TinyBases.write(TinyBases.LLAMA, type, modelSeed, dir);
        int seq = 10;
        int[] tokens = new int[seq];
        for (int i = 0; i < seq; i++) {
            tokens[i] = rnd.nextInt(TinyBases.LLAMA.vocabSize());
        }
        if (tolerance < 0) {
            Path f32 = TinyBases.write(TinyBases.LLAMA, GgmlType.F32, modelSeed, dir);
            float[] exact = TinyBases.inferenceLogits(f32, tokens);
            double[] exactD = new double[exact.length];
            for (int i = 0; i < exact.length; i++) {
                exactD[i] = exact[i];
            }
            double rounding = TinyBases.relativeError(TinyBases.inferenceLogits(model, tokens), exactD);
            System.out.printf("%s rounding alone moves the logits by %.2e of max|x|%n", type, rounding);
            tolerance = 3 * rounding + 1e-4;
        }
        Path merged = dir.resolve("merged.gguf");
        double[] expected;
        try (FrozenBase base = FrozenBase.open(model)) {
            LoraAdapter adapter = LoraAdapter.initialize(base.config(),
                    new LoraConfig(4, 8f, LoraTarget.ALL, rnd.nextLong()));
            TinyBases.randomizeB(adapter, rnd.nextLong(), 0.1);
            Path file = dir.resolve("adapter.gguf");
            LoraAdapterFile.write(adapter, file);
            LoraAdapter loaded = LoraAdapterFile.read(file, base.config());
            expected = new LoraReference(base, loaded).forward(tokens, null, 1, seq, true).logits();
            LoraMerge.merge(base, loaded, output, merged);
        }
        try (GgufFile g = GgufFile.open(merged)) {
            GgmlType want = output == LoraMerge.Output.F32 ? GgmlType.F32 : type;
            assertEquals(want, g.tensor("blk.0.attn_q.weight").type());
            assertEquals(type, g.tensor("token_embd.weight").type(), "unadapted tensors keep their type");
        }
        double err = TinyBases.relativeError(TinyBases.inferenceLogits(merged, tokens), expected);
        double baseErr = TinyBases.relativeError(TinyBases.inferenceLogits(model, tokens), expected);
        System.out.printf("merge of a %s base to %s: LlamaModel(merged) vs base+adapter forward %.2e of max|x| "
                + "(the base alone is off by %.2e)%n", type, output, err, baseErr);
        assertTrue(err < tolerance, "merged logits differ by " + err + " of max|x|");
        assertTrue(baseErr > 10 * err, "the adapter hardly changes the model, the test shows nothing");
    }
}
