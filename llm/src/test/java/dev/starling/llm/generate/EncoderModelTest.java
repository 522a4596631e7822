package dev.starling.llm.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.bench.LlamaCppReference;
import dev.starling.llm.bench.RandomEncoder;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.json.JsonValue;
import dev.starling.llm.tensor.ComputePool;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A random BERT encoder with the real bge WordPiece vocabulary: unit vectors, and the same embedding as llama.cpp. */
class EncoderModelTest {

    @Test
    void embeddingsAreUnitVectorsAndMatchLlamaCpp(@TempDir Path dir) throws Exception {
        Path vocab = Path.of(System.getProperty("starling.shared.dir", "../shared"), "data", "tokenizers", "ggml-vocab-bert-bge.gguf");
        Assumptions.assumeTrue(Files.isRegularFile(vocab), () -> "skipping: " + vocab + " is absent");
        Path model = dir.resolve("bert.gguf");
        new RandomEncoder(128, 2, 4, 256, 128, GgmlType.F32, 3).write(vocab, model);
        try (ComputePool pool = new ComputePool(2); EncoderModel m = EncoderModel.load(model, pool)) {
            String text = "Starlings flock together at dusk.";
            int[] ids = m.tokenize(text);
            assertEquals(101, ids[0], "[CLS] first");
            assertEquals(102, ids[ids.length - 1], "[SEP] last");
            float[] a = m.embed(text);
            float[] b = m.embed("A completely different sentence about databases.");
            double na = 0;
            double dot = 0;
            for (int i = 0; i < a.length; i++) {
                na += a[i] * a[i];
                dot += a[i] * b[i];
            }
            assertEquals(1.0, na, 1e-4);
            assertTrue(dot < 0.9999, "different texts, same vector");
            LlamaCppReference llama = new LlamaCppReference(Path.of(System.getProperty("starling.project.dir", "..")).toAbsolutePath());
            String why = llama.unavailableReason();
            Assumptions.assumeTrue(why == null, () -> "llama.cpp comparison skipped: " + why);
            JsonValue.JsonObject ref = llama.run("{\"model\":\"" + model + "\",\"embed\":" + LlamaCppReference.ints(ids) + ",\"threads\":2,\"contextSize\":128}", 120);
            var arr = ref.require("embedding").asArray();
            assertEquals(a.length, arr.size());
            float[] theirs = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                theirs[i] = (float) arr.get(i).asDouble();
            }
            EmbeddingModel.normalize(theirs);
            double maxDiff = 0;
            double cos = 0;
            for (int i = 0; i < a.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(a[i] - theirs[i]));
                cos += a[i] * theirs[i];
            }
            System.out.printf("bert parity: max |diff| %.2e, cosine %.8f%n", maxDiff, cos);
            assertTrue(maxDiff < 1e-3, "embedding differs from llama.cpp's by " + maxDiff);
        }
    }
}
