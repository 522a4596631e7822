package dev.starling.app.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.app.Main;
import dev.starling.llm.model.ModelConfig;
import dev.starling.llm.model.RopeStyle;
import dev.starling.llm.tokenizer.train.BpeTrainer;
import dev.starling.llm.tokenizer.train.TrainedBpe;
import dev.starling.llm.train.GgufExport;
import dev.starling.llm.train.LlamaParameters;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code starling eval lm} through the real command line, on a tiny random model and tiny files. */
class LmEvalCommandTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        try {
            var cl = Main.commandLine();
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int exit = cl.execute(args);
            return new Run(exit, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static List<String> posts(SplittableRandom rnd, int n) {
        String[] words = {"good", "morning", "starling", "friends", "coffee", "is", "ready", "🙂", "#monday"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            for (int j = 0, k = 1 + rnd.nextInt(8); j < k; j++) {
                sb.append(j == 0 ? "" : " ").append(words[rnd.nextInt(words.length)]);
            }
            out.add(sb.toString());
        }
        return out;
    }

    @Test
    void reportsTheModelAndTheNgramsOneLineEach() throws Exception {
        SplittableRandom rnd = new SplittableRandom(11);
        List<String> train = posts(rnd, 300);
        Path trainFile = Files.write(dir.resolve("train.txt"), train);
        Path heldFile = Files.write(dir.resolve("val.txt"), posts(rnd, 30));
        TrainedBpe bpe = BpeTrainer.train(train, BpeTrainer.Options.of(300, List.of("<|endoftext|>")));
        ModelConfig c = new ModelConfig("llama", 32, 1, 4, 2, 8, 64, bpe.vocabSize(), 64, 1e-5f, 10000f, 8, 1f,
                RopeStyle.NORMAL, false);
        LlamaParameters p = new LlamaParameters(c, true);
        p.initialize(5, 0.05);
        Path model = dir.resolve("tiny.gguf");
        GgufExport.write(p, bpe.modelVocabulary(), "tiny", model);

        Run r = run("eval", "lm", "--model", model.toString(), "--train", trainFile.toString(), "--heldout",
                heldFile.toString(), "--window", "32", "--threads", "1");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(3, lines.length, r.out());
        assertTrue(lines[0].startsWith("model tiny.gguf") && lines[0].contains("window 32 stride 16"), lines[0]);
        assertTrue(lines[1].startsWith("5-gram Kneser-Ney over the model's tokens"), lines[1]);
        assertTrue(lines[2].startsWith("5-gram Kneser-Ney over bytes"), lines[2]);
        // a near-uniform random model is far worse than the n-grams on this word salad
        double model0 = bitsPerByte(lines[0]);
        double bytes5 = bitsPerByte(lines[2]);
        assertTrue(model0 > bytes5, r.out());
        assertTrue(r.err().contains("300 posts"), r.err());

        Path vocab = dir.resolve("vocab.gguf");
        bpe.writeGguf(vocab, "vocab");
        Path json = bpe.writeHuggingFace(dir.resolve("hf"));
        for (Path tokenizer : List.of(vocab, json)) {
            Run tok = run("eval", "lm", "--tokenizer", tokenizer.toString(), "--train", trainFile.toString(),
                    "--heldout", heldFile.toString(), "--ngram", "tokens");
            assertEquals(0, tok.exit(), () -> tokenizer + ": " + tok.err() + tok.out());
            assertEquals(lines[1].replace("the model's tokens", "tokens of " + tokenizer.getFileName())
                    .replaceAll("\\d+\\.\\d s", "T s").replaceAll("\\s+", " "),
                    tok.out().strip().replaceAll("\\d+\\.\\d s", "T s").replaceAll("\\s+", " "));
        }

        Run only = run("eval", "lm", "--train", trainFile.toString(), "--heldout", heldFile.toString(), "--order", "3");
        assertEquals(0, only.exit(), only.err());
        assertTrue(only.out().strip().startsWith("3-gram Kneser-Ney over bytes") && !only.out().contains("model"),
                only.out());
    }

    private static double bitsPerByte(String line) {
        String[] parts = line.split("\\s+");
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].equals("bits/byte")) {
                return Double.parseDouble(parts[i - 1]);
            }
        }
        throw new AssertionError("no bits/byte in " + line);
    }

    @Test
    void badOptionsFailSayingWhy() throws Exception {
        Path f = Files.write(dir.resolve("t.txt"), List.of("hello"));
        Run missing = run("eval", "lm", "--train", dir.resolve("nope.txt").toString(), "--heldout", f.toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("nope.txt is not a file"), missing.err());
        Run tokens = run("eval", "lm", "--train", f.toString(), "--heldout", f.toString(), "--ngram", "tokens");
        assertEquals(1, tokens.exit());
        assertTrue(tokens.err().contains("--ngram tokens needs --model or --tokenizer"), tokens.err());
        Run order = run("eval", "lm", "--train", f.toString(), "--heldout", f.toString(), "--order", "0");
        assertTrue(order.err().contains("--order 0 is outside 1..8"), order.err());
    }
}
