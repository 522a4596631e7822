package dev.starling.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.app.CliRun;
import dev.starling.llm.generate.LlamaModel;
import dev.starling.llm.tensor.ComputePool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `starling finetune` end to end on a tiny Q8_0 model from `gguf synth`: adapter and merged model written, loss down. */
class FinetuneCommandTest {

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void adaptsASynthesizedModelAndWritesAdapterAndMergedModel(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("base.gguf");
        CliRun synth = run("gguf", "synth", "--shape", "tiny-llama", "--type", "Q8_0", base.toString());
        assertEquals(0, synth.code(), synth.err());
        Path corpus = dir.resolve("posts.txt");
        List<String> posts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            posts.add("the flock flies at dawn over the harbour " + (i % 5));
        }
        Files.write(corpus, posts);
        Path adapter = dir.resolve("adapter.gguf");
        Path merged = dir.resolve("merged.gguf");
        CliRun r = run("finetune", "--base", base.toString(), "--corpus", corpus.toString(), "--adapter-out", adapter.toString(),
                "--merge-out", merged.toString(), "--rank", "4", "--alpha", "8", "--targets", "all", "--seq", "24", "--batch", "2",
                "--steps", "10", "--lr", "1e-2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("fine-tuned 10 steps"), r.out());
        assertTrue(r.err().contains("fast float32 path"), r.err());
        assertTrue(java.util.regex.Pattern.compile("step 10/10  loss [0-9.]+  [0-9.]+ tok/s  elapsed \\d+:\\d\\d  ETA 0:00")
                .matcher(r.err()).find(), r.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("loss ([0-9.]+) -> ([0-9.]+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Double.parseDouble(m.group(2)) < Double.parseDouble(m.group(1)), "the loss falls: " + r.out());
        assertTrue(Files.size(adapter) > 0);
        try (ComputePool pool = new ComputePool(1); LlamaModel model = LlamaModel.load(merged, pool, 1)) {
            assertTrue(model.config().vocabSize() > 0);
        }
    }

    @Test
    void referencePathOnAQwen3Q4Base(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("qwen3.gguf");
        CliRun synth = run("gguf", "synth", "--shape", "tiny-qwen3", "--type", "Q4_0", base.toString());
        assertEquals(0, synth.code(), synth.err());
        Path corpus = dir.resolve("posts.txt");
        List<String> posts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            posts.add("starlings gather on the wires " + (i % 3));
        }
        Files.write(corpus, posts);
        Path adapter = dir.resolve("adapter.gguf");
        CliRun r = run("finetune", "--base", base.toString(), "--corpus", corpus.toString(), "--adapter-out", adapter.toString(),
                "--rank", "2", "--seq", "16", "--batch", "1", "--steps", "3", "--reference");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("float64 reference path"), r.err());
        assertTrue(r.out().contains("fine-tuned 3 steps"), r.out());
        assertTrue(Files.size(adapter) > 0);
    }

    @Test
    void badInputsAreNamed(@TempDir Path dir) {
        CliRun missing = run("finetune", "--base", dir.resolve("nope.gguf").toString(), "--corpus", dir.resolve("c.txt").toString(),
                "--adapter-out", dir.resolve("a.gguf").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such model file"), missing.err());
        CliRun badTargets = run("gguf", "synth", "--shape", "tiny-llama", "--type", "F32", dir.resolve("b.gguf").toString());
        assertEquals(0, badTargets.code(), badTargets.err());
        CliRun bad = run("finetune", "--base", dir.resolve("b.gguf").toString(), "--corpus", dir.resolve("b.gguf").toString(),
                "--adapter-out", dir.resolve("a.gguf").toString(), "--targets", "q,nose");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("nose"), bad.err());
        CliRun badType = run("finetune", "--base", dir.resolve("b.gguf").toString(), "--corpus", dir.resolve("b.gguf").toString(),
                "--adapter-out", dir.resolve("a.gguf").toString(), "--merge-type", "q4");
        assertEquals(2, badType.code());
        assertTrue(badType.err().contains("--merge-type must be base or f32"), badType.err());
    }
}
