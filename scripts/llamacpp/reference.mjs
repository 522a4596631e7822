// llama.cpp (through node-llama-cpp's prebuilt CPU binaries) as the reference for Starling's engine.
// Usage: node reference.mjs '<json request>'   and it prints one JSON object on stdout.
// Request: {"model": path, "prompt": [token ids], "generate": N (greedy tokens, 0 for none),
//           "logprobs": true|false (log-softmax of the last prompt position, over the whole vocabulary),
//           "threads": 2, "contextSize": 512, "kvType": "F32"|"F16",
//           "bench": {"prefillTokens": 512, "decodeTokens": 64, "repeats": 3, "streams": 8 (aggregate decode of 8 sequences
//                     batched in one context; 0 or absent: skipped)},
//           "embed": [token ids] (pooled embedding of an embedding model, e.g. BERT)}
// Output: {"greedy": [ids], "embedding": [floats], "logprobs": [floats, -1e30 where the probability underflowed to 0],
//          "bench": {"prefillTokensPerSecond", "decodeTokensPerSecond", "streamsTokensPerSecond", ...}, "llamaCpp": version}
import { getLlama, LlamaLogLevel } from "node-llama-cpp";

const req = JSON.parse(process.argv[2] ?? "{}");
if (!req.model) {
  console.error("usage: node reference.mjs '{\"model\": \"m.gguf\", \"prompt\": [1,2,3], \"generate\": 64, \"logprobs\": true}'");
  process.exit(2);
}
const threads = req.threads ?? 2;
const kvType = req.kvType ?? "F32";
const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error, maxThreads: threads });
const model = await llama.loadModel({ modelPath: req.model, gpuLayers: 0, useMmap: true });
const result = {};

async function newContext(size) {
  return model.createContext({
    contextSize: size,
    sequences: 2,
    batchSize: Math.min(size, 512),
    threads: { ideal: threads, min: threads },
    flashAttention: false,
    experimentalKvCacheKeyType: kvType,
    experimentalKvCacheValueType: kvType,
  });
}

const prompt = req.prompt ?? [];
if ((req.generate ?? 0) > 0 || req.logprobs) {
  const ctx = await newContext(req.contextSize ?? 512);
  if (req.logprobs) {
    const seq = ctx.getSequence();
    const items = prompt.map((t, i) => i === prompt.length - 1 ? [t, { generateNext: { probabilities: true } }] : t);
    const out = await seq.controlledEvaluate(items);
    const probs = out[prompt.length - 1].next.probabilities;
    const lp = new Array(model.tokens.length ?? probs.size).fill(-1e30);
    for (const [tok, p] of probs) lp[tok] = p > 0 ? Math.log(p) : -1e30;
    result.logprobs = lp;
    seq.dispose();
  }
  if ((req.generate ?? 0) > 0) {
    const seq = ctx.getSequence();
    const greedy = [];
    for await (const token of seq.evaluate(prompt, { temperature: 0 })) {
      greedy.push(token);
      if (greedy.length >= req.generate) break;
    }
    result.greedy = greedy;
    seq.dispose();
  }
  await ctx.dispose();
}

if (req.embed) {
  const ectx = await model.createEmbeddingContext({ contextSize: req.contextSize ?? 512, threads: threads });
  const e = await ectx.getEmbeddingFor(req.embed);
  result.embedding = Array.from(e.vector);
  await ectx.dispose();
}

if (req.bench) {
  const b = req.bench;
  const prefillN = b.prefillTokens ?? 512;
  const decodeN = b.decodeTokens ?? 64;
  const repeats = b.repeats ?? 3;
  const vocab = model.tokens ? 1000 : 1000;
  const ctx = await newContext(Math.max(prefillN, decodeN + 8) + 16);
  const tokens = Array.from({ length: prefillN }, (_, i) => 300 + ((i * 7919) % vocab));
  let bestPrefill = 0, bestDecode = 0, bestPrefillCpu = 0, bestDecodeCpu = 0;
  const cpuSeconds = (u) => (u.user + u.system) / 1e6; // this process: llama.cpp's threads run inside it
  for (let r = 0; r <= repeats; r++) { // round 0 is warm-up
    const seq = ctx.getSequence();
    let c0 = process.cpuUsage();
    let t0 = performance.now();
    await seq.controlledEvaluate(tokens);
    const prefillTps = prefillN / ((performance.now() - t0) / 1000);
    const prefillCpu = prefillN / (cpuSeconds(process.cpuUsage(c0)) / threads);
    await seq.clearHistory();
    await seq.controlledEvaluate([1]);
    let n = 0;
    c0 = process.cpuUsage();
    t0 = performance.now();
    for await (const token of seq.evaluate([300], { temperature: 0 })) {
      if (++n >= decodeN) break;
    }
    const decodeTps = n / ((performance.now() - t0) / 1000);
    const decodeCpu = n / (cpuSeconds(process.cpuUsage(c0)) / threads);
    seq.dispose();
    if (r > 0) {
      bestPrefill = Math.max(bestPrefill, prefillTps);
      bestDecode = Math.max(bestDecode, decodeTps);
      bestPrefillCpu = Math.max(bestPrefillCpu, prefillCpu);
      bestDecodeCpu = Math.max(bestDecodeCpu, decodeCpu);
    }
  }
  result.bench = { prefillTokensPerSecond: bestPrefill, decodeTokensPerSecond: bestDecode, threads,
    prefillTokensPerCpuSecond: bestPrefillCpu, decodeTokensPerCpuSecond: bestDecodeCpu, prefillTokens: prefillN, decodeTokens: decodeN };
  await ctx.dispose();
  if ((b.streams ?? 0) > 1) {
    Object.assign(result.bench, await benchStreams(b.streams, decodeN, repeats));
  }
}
// Aggregate decode of n sequences of one context, as Starling's Bench --streams measures it: each sequence gets the prompt
// [1, 300+i, 301, 302], then decodes from token 303+i; all n run at once, so node-llama-cpp puts one token of every
// sequence into each llama_decode batch. Not quite: after a batch, node-llama-cpp samples each sequence's token and, while
// it still holds the context, decodes what is queued by then; one sequence's token misses each batch (measured:
// 8, then 7 per batch; a dispatch schedule that waits for all n changed nothing, since that loop bypasses it).
// tokensPerBatch (tokens per native decodeBatch call, ~6.7 of 8) says how batched the peer was; DEBUG_BATCHES=1 lists them.
async function benchStreams(n, decodeN, repeats) {
  const ctx = await model.createContext({
    contextSize: decodeN + 8 + 16, // per sequence
    sequences: n,
    batchSize: Math.max(n, 64),
    threads: { ideal: threads, min: threads },
    flashAttention: false,
    experimentalKvCacheKeyType: kvType,
    experimentalKvCacheValueType: kvType,
  });
  let batches = 0, pending = 0;
  const sizes = [];
  try {
    const native = ctx._ctx; // internal; its methods are read-only, so it is wrapped
    ctx._ctx = new Proxy(native, { get(target, key) {
      const v = Reflect.get(target, key);
      if (typeof v !== "function") return v;
      if (key === "addToBatch") return (...a) => { pending += a[2].length; return v.apply(target, a); };
      if (key === "decodeBatch") return (...a) => { batches++; sizes.push(pending); pending = 0; return v.apply(target, a); };
      return v.bind(target);
    } });
  } catch (e) { console.error("cannot count batches: " + e); batches = NaN; }
  const cpuSeconds = (u) => (u.user + u.system) / 1e6;
  let best = 0, bestCpu = 0, tokensPerBatch = NaN;
  const seqs = Array.from({ length: n }, () => ctx.getSequence());
  for (let r = 0; r <= repeats; r++) { // round 0 is warm-up
    await Promise.all(seqs.map((seq) => seq.clearHistory()));
    await Promise.all(seqs.map((seq, i) => seq.controlledEvaluate([1, 300 + i, 301, 302])));
    const b0 = batches;
    sizes.length = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const counts = await Promise.all(seqs.map(async (seq, i) => {
      let k = 0;
      for await (const token of seq.evaluate([303 + i], { temperature: 0 })) {
        if (++k >= decodeN) break;
      }
      return k;
    }));
    const total = counts.reduce((x, y) => x + y, 0);
    const tps = total / ((performance.now() - t0) / 1000);
    const cpu = total / (cpuSeconds(process.cpuUsage(c0)) / threads);
    if (r > 0) {
      best = Math.max(best, tps);
      bestCpu = Math.max(bestCpu, cpu);
      tokensPerBatch = total / (batches - b0);
      if (process.env.DEBUG_BATCHES) console.error("batch sizes: " + sizes.join(" "));
    }
  }
  for (const seq of seqs) seq.dispose();
  await ctx.dispose();
  return { streams: n, streamsTokensPerSecond: best, streamsTokensPerCpuSecond: bestCpu, streamsTokensPerBatch: tokensPerBatch };
}

result.llamaCpp = llama.llamaCppRelease?.release ?? "unknown";
await model.dispose();
await llama.dispose();
process.stdout.write(JSON.stringify(result) + "\n");
