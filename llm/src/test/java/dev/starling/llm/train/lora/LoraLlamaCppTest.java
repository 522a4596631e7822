package dev.starling.llm.train.lora;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.starling.llm.bench.LlamaCppReference;
import dev.starling.llm.gguf.GgmlType;
import dev.starling.llm.json.Json;
import dev.starling.llm.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * llama.cpp (node-llama-cpp's prebuilt CPU build, installed under scripts/llamacpp) loads our adapter file with
 * {@code --lora} semantics over the base GGUF, and our merged GGUF, and both give the next-token log-probabilities
 * of Starling's base + adapter forward. Skips, saying why, when node or node-llama-cpp is not installed.
 */
class LoraLlamaCppTest {
    private static final String SCRIPT = """
            const { getLlama, LlamaLogLevel } = await import(process.argv[2]);
            const req = JSON.parse(process.argv[3]);
            const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error, maxThreads: 2 });
            const model = await llama.loadModel({ modelPath: req.model, gpuLayers: 0, useMmap: true });
            const opts = { contextSize: 64, sequences: 1, batchSize: 64, threads: { ideal: 2, min: 2 },
              flashAttention: false, experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32" };
            if (req.lora) opts.lora = { adapters: [{ filePath: req.lora, scale: 1 }] };
            const ctx = await model.createContext(opts);
            const seq = ctx.getSequence();
            const last = req.prompt.length - 1;
            const items = req.prompt.map((t, i) => i === last ? [t, { generateNext: { probabilities: true } }] : t);
            const out = await seq.controlledEvaluate(items);
            const lp = new Array(req.vocab).fill(-1e30);
            for (const [tok, p] of out[last].next.probabilities) lp[tok] = p > 0 ? Math.log(p) : -1e30;
            console.log(JSON.stringify({ logprobs: lp }));
            await ctx.dispose();
            await model.dispose();
            """;

    @Test
    void llamaCppAppliesOurAdapterAndLoadsOurMerge(@TempDir Path dir) throws Exception {
        Path project = Path.of(System.getProperty("starling.project.dir", "..")).toAbsolutePath().normalize();
        String why = new LlamaCppReference(project).unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "skipping llama.cpp LoRA check: " + why);
        Path index = project.resolve("scripts/llamacpp/node_modules/node-llama-cpp/dist/index.js");
        long seed = TinyBases.seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        Path model = TinyBases.write(TinyBases.LLAMA, GgmlType.F32, rnd.nextLong(), dir);
        int vocab = TinyBases.LLAMA.vocabSize();
        int[] prompt = new int[8];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = 3 + rnd.nextInt(vocab - 3);
        }
        Path adapterFile = dir.resolve("adapter.gguf");
        Path merged = dir.resolve("merged.gguf");
        double[] expected;
        try (FrozenBase base = FrozenBase.open(model)) {
            LoraAdapter adapter = LoraAdapter.initialize(base.config(),
                    new LoraConfig(4, 8f, LoraTarget.ALL, rnd.nextLong()));
            TinyBases.randomizeB(adapter, rnd.nextLong(), 0.05);
            LoraAdapterFile.write(adapter, adapterFile);
            LoraMerge.merge(base, adapter, LoraMerge.Output.F32, merged);
            double[] logits = new LoraReference(base, adapter).forward(prompt, null, 1, prompt.length, true).logits();
            expected = logSoftmax(logits, (prompt.length - 1) * vocab, vocab);
        }
        Path script = dir.resolve("lora.mjs");
        Files.writeString(script, SCRIPT);
        String url = index.toUri().toString();
        double[] withLora = run(script, url, "{\"model\":\"" + model + "\",\"lora\":\"" + adapterFile + "\",\"prompt\":"
                + LlamaCppReference.ints(prompt) + ",\"vocab\":" + vocab + "}");
        double[] fromMerge = run(script, url, "{\"model\":\"" + merged + "\",\"prompt\":"
                + LlamaCppReference.ints(prompt) + ",\"vocab\":" + vocab + "}");
        double[] plain = run(script, url, "{\"model\":\"" + model + "\",\"prompt\":"
                + LlamaCppReference.ints(prompt) + ",\"vocab\":" + vocab + "}");
        double errLora = maxDiff(withLora, expected);
        double errMerge = maxDiff(fromMerge, expected);
        double errPlain = maxDiff(plain, expected);
        System.out.printf("llama.cpp next-token log-probs vs Starling base+adapter: --lora %.2e, merged %.2e "
                + "(base without adapter %.2e)%n", errLora, errMerge, errPlain);
        assertTrue(errPlain > 0.05, "the adapter hardly changes the model (" + errPlain + "), the check shows nothing");
        assertTrue(errLora < 1e-4, "llama.cpp with our adapter differs by " + errLora);
        assertTrue(errMerge < 1e-4, "llama.cpp on our merged model differs by " + errMerge);
    }

    private static double[] logSoftmax(double[] logits, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(logits[off + i] - max);
        }
        double logZ = max + Math.log(sum);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = logits[off + i] - logZ;
        }
        return out;
    }

    /** Largest |difference| over tokens llama.cpp gives a log-probability above -15 to. */
    private static double maxDiff(double[] llamaCpp, double[] ours) {
        double worst = 0;
        for (int i = 0; i < ours.length; i++) {
            if (llamaCpp[i] > -15) {
                worst = Math.max(worst, Math.abs(llamaCpp[i] - ours[i]));
            }
        }
        return worst;
    }

    private static double[] run(Path script, String indexUrl, String request) throws IOException, InterruptedException {
        Path err = Files.createTempFile(script.getParent(), "node", ".err");
        Process p = new ProcessBuilder(List.of("node", script.toString(), indexUrl, request))
                .redirectError(err.toFile()).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("llama.cpp timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException("llama.cpp exited with " + p.exitValue() + ": " + Files.readString(err));
        }
        JsonValue.JsonObject o = Json.parse(new String(out, StandardCharsets.UTF_8).trim()).asObject();
        List<JsonValue> lp = o.require("logprobs").asArray().elements();
        double[] r = new double[lp.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = lp.get(i).asDouble();
        }
        return r;
    }
}
