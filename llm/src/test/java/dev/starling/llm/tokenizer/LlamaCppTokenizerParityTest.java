package dev.starling.llm.tokenizer;

import dev.starling.llm.gguf.GgufFile;
import dev.starling.llm.gguf.GgufWriter;
import dev.starling.llm.json.Json;
import dev.starling.llm.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Differential test against llama.cpp itself (node-llama-cpp's prebuilt binaries, installed by .ci/run under
 * scripts/llamacpp): seeded random Unicode strings and real tweets are tokenized by llama.cpp from the same GGUF
 * vocabularies, with and without special parsing, and every id sequence must be equal; also the GPT-2 vocabulary
 * rewritten with tokenizer.ggml.pre = "default" (llama.cpp's fallback regex sequence). Code points of blocks new in
 * Unicode 16.0, which Java 25 classifies and llama.cpp's tables do not, are replaced first
 * ({@link RandomText#withoutUnicode16Blocks}). Skips with a message when
 * node or node-llama-cpp is not installed.
 */
class LlamaCppTokenizerParityTest {

    private static final int RANDOM_STRINGS = 300;
    private static final int TWEETS = 300;
    private static final List<String> VOCABS = List.of("gpt-2", "llama-spm", "phi-3");

    /** Tokenizes each text of a JSON array with llama.cpp (add_special false), plain and with special parsing. */
    private static final String SCRIPT = """
            import fs from "node:fs";
            import { pathToFileURL } from "node:url";
            const [moduleFile, inFile, outFile, ...models] = process.argv.slice(2);
            const { getLlama, LlamaLogLevel } = await import(pathToFileURL(moduleFile).href);
            const texts = JSON.parse(fs.readFileSync(inFile, "utf8"));
            const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
            const out = {};
            for (const model of models) {
              const m = await llama.loadModel({ modelPath: model, vocabOnly: true });
              out[model] = texts.map(t => [Array.from(m.tokenize(t, false)), Array.from(m.tokenize(t, true))]);
              await m.dispose();
            }
            fs.writeFileSync(outFile, JSON.stringify(out));
            process.exit(0);
            """;

    @Test
    void sameIdsAsLlamaCpp(@TempDir Path dir) throws Exception {
        Path project = Path.of(System.getProperty("starling.project.dir", ".."));
        Path module = project.resolve("scripts/llamacpp/node_modules/node-llama-cpp/dist/index.js");
        assumeTrue(Files.exists(module), "node-llama-cpp not installed at " + module.toAbsolutePath()
                + " (run .ci/run or npm ci in scripts/llamacpp); skipping");
        assumeTrue(nodeAvailable(), "node not found on PATH; skipping");

        long seed = RandomText.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> texts = new ArrayList<>();
        while (texts.size() < RANDOM_STRINGS) {
            String s = RandomText.withoutUnicode16Blocks(RandomText.next(rnd, 60));
            if (s.indexOf('\0') < 0) { // llama.cpp reads C strings
                texts.add(s);
            }
        }
        Path tweets = TokenizerTestData.dir().resolve("../tweeteval/emoji/val_text.txt").normalize();
        if (Files.exists(tweets)) {
            texts.addAll(Files.readAllLines(tweets, StandardCharsets.UTF_8).stream().limit(TWEETS).toList());
        }
        Path in = dir.resolve("texts.json");
        Files.writeString(in, jsonStrings(texts), StandardCharsets.UTF_8);
        Path script = dir.resolve("tokenize.mjs");
        Files.writeString(script, SCRIPT);
        Path out = dir.resolve("ids.json");
        List<String> cmd = new ArrayList<>(List.of("node", script.toString(), module.toAbsolutePath().toString(),
                in.toString(), out.toString()));
        for (String v : VOCABS) {
            cmd.add(TokenizerTestData.file("ggml-vocab-" + v + ".gguf").toAbsolutePath().toString());
        }
        // llama.cpp's "default" BPE pre-tokenizer (a sequence of four regexes), on the GPT-2 vocabulary
        Path defaultPre = dir.resolve("gpt2-default-pre.gguf");
        try (GgufFile g = GgufFile.open(TokenizerTestData.file("ggml-vocab-gpt-2.gguf"))) {
            GgufWriter.create(defaultPre).putAll(g.metadata(), k -> true).putString("tokenizer.ggml.pre", "default")
                    .write();
        }
        cmd.add(defaultPre.toAbsolutePath().toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile())
                .start();
        boolean done = p.waitFor(180, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String log = Files.readString(dir.resolve("node.log"));
        assertTrue(done && p.exitValue() == 0 && Files.exists(out), "llama.cpp tokenization failed: " + log);

        JsonValue.JsonObject result = Json.parse(out).asObject();
        List<String> failures = new ArrayList<>();
        for (String v : VOCABS) {
            Tokenizer tok = TokenizerTestData.tokenizer(v);
            List<JsonValue> rows = result.require(TokenizerTestData.file("ggml-vocab-" + v + ".gguf").toAbsolutePath()
                    .toString()).asArray().elements();
            assertEquals(texts.size(), rows.size());
            for (int i = 0; i < texts.size(); i++) {
                for (int mode = 0; mode < 2; mode++) {
                    int[] expected = ids(rows.get(i).asArray().get(mode));
                    int[] got = tok.encode(texts.get(i), false, mode == 1);
                    if (!Arrays.equals(expected, got) && failures.size() < 10) {
                        failures.add(v + " parseSpecial=" + (mode == 1) + " " + TokenizerVectorsTest.escape(texts.get(i))
                                + "\n   llama.cpp " + Arrays.toString(expected) + "\n   ours      "
                                + Arrays.toString(got));
                    }
                }
            }
        }
        Tokenizer withDefaultPre = Tokenizers.fromGguf(defaultPre);
        List<JsonValue> rows = result.require(defaultPre.toAbsolutePath().toString()).asArray().elements();
        for (int i = 0; i < texts.size(); i++) {
            int[] expected = ids(rows.get(i).asArray().get(0));
            int[] got = withDefaultPre.encode(texts.get(i));
            if (!Arrays.equals(expected, got) && failures.size() < 20) {
                failures.add("gpt-2 vocabulary with pre 'default' " + TokenizerVectorsTest.escape(texts.get(i))
                        + "\n   llama.cpp " + Arrays.toString(expected) + "\n   ours      " + Arrays.toString(got));
            }
        }
        assertEquals(List.of(), failures, "differences from llama.cpp; " + RandomText.seedText(seed));
    }

    private static int[] ids(JsonValue array) {
        return array.asArray().elements().stream().mapToInt(JsonValue::asInt).toArray();
    }

    private static boolean nodeAvailable() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** A JSON array of strings, every non-ASCII char escaped. */
    static String jsonStrings(List<String> texts) {
        StringBuilder sb = new StringBuilder("[");
        for (int k = 0; k < texts.size(); k++) {
            if (k > 0) {
                sb.append(',');
            }
            sb.append('"');
            String s = texts.get(k);
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else if (c < 0x20 || c > 0x7E) {
                    sb.append(String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            sb.append('"');
        }
        return sb.append(']').toString();
    }
}
