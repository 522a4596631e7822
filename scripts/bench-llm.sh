#!/usr/bin/env bash
# Side-by-side speed of Starling's engine and llama.cpp (node-llama-cpp 3.21.1, prebuilt CPU build) on the
# same random-weight Llama-3.2-1B-shaped GGUF files (Q8_0 and Q4_0), same thread count, after warm-up.
# Prints prefill and decode tokens/s, the ratios, 8-stream aggregate decode (both sides: llama.cpp decodes the STREAMS
# sequences in one context, batched into one llama_decode per step), and decode x bytes per token beside the measured
# memory read bandwidth. Each side also reports tokens per CPU-second of its own process
# (x threads): on a shared, busy machine wall-clock figures swing, CPU-time figures much less.
#   scripts/bench-llm.sh [threads=2] [types="Q8_0 Q4_0"]
# KV=F16 runs Starling with an F16 KV cache as llama.cpp's side always does (default KV=F32: the decode kernels are
# what is compared, and at these short contexts the cache type moves our figures by little).
# VARIANTS=5,7 also measures the 8 streams with an older (0..6) and the current (7) batched path in every round, in the
# same process (MatMul.setBatchVariant): the comparison to trust on a shared machine. 2 fuses and vectorizes the steps
# between products, 3 adds a cheaper Q4_0 scale decoding, 4 reads the Q4_0 kernel's activations from a copy aligned to
# 64 bytes (no load crosses a cache line), 5 also goes token quad by token quad over a staged group of Q4_0 tiles, 6 is 5
# with guided pieces of tiles per thread, 7 (the default) is 5 with the group's Q4_0 scales decoded with 512-bit vectors,
# 8 is 7 with guided pieces. StepProfile --interleave true alternates variants step by step instead of round by round.
# MATVEC_VARIANTS=0,1 also measures single-stream decode with the float (0) and the integer (1, the default) Q8_0
# matrix-vector kernel in every round, in the same process (MatMul.setMatvecVariant; Q4_0 and the batched paths do
# not depend on it); StepProfile --streams 1 --interleave true --variants 7/0,7/1 alternates them step by step.
# Where a step's time goes:
#   java --add-modules jdk.incubator.vector -Dstarling.llm.phaseTimes=true -cp llm/target-bench/classes \
#     dev.starling.llm.bench.StepProfile --model bench-out/llama-3.2-1b-Q4_0.gguf --variants 5,7
# Models are written once to bench-out/ (git-ignored, ~1.3 GB for Q8_0, ~0.7 GB for Q4_0).
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${1:-2}"
TYPES="${2:-Q8_0 Q4_0}"
PREFILL="${PREFILL:-256}"
DECODE="${DECODE:-64}"
STREAMS="${STREAMS:-8}"
KV="${KV:-F32}"
VARIANTS="${VARIANTS:-}"
MATVEC_VARIANTS="${MATVEC_VARIANTS:-}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
OUT=bench-out
mkdir -p "$OUT"

echo "== building the llm module"
./mvnw -q -B -ntp -Dstarling.build.dir=target-bench -pl llm -DskipTests package >/dev/null
CP=llm/target-bench/classes
JOPTS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xmx6g -Dstarling.llm.kvType="$KV")

if [[ ! -d scripts/llamacpp/node_modules/node-llama-cpp ]]; then
  echo "== installing node-llama-cpp (prebuilt binaries)"
  (cd scripts/llamacpp && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm ci --no-audit --no-fund)
fi

summary=()
for TYPE in $TYPES; do
  MODEL="$OUT/llama-3.2-1b-$TYPE.gguf"
  if [[ ! -f "$MODEL" ]]; then
    echo "== writing $MODEL"
    "$JAVA" "${JOPTS[@]}" -cp "$CP" dev.starling.llm.bench.Bench --synth llama-3.2-1b --type "$TYPE" --out "$MODEL" 2>/dev/null
  fi
  echo "== Starling on $MODEL ($THREADS threads, $KV KV cache; load average now $(cut -d' ' -f1-3 /proc/loadavg))"
  "$JAVA" "${JOPTS[@]}" -cp "$CP" dev.starling.llm.bench.Bench --model "$MODEL" --threads "$THREADS" \
      --prefill "$PREFILL" --decode "$DECODE" --streams "$STREAMS" --repeats 3 ${VARIANTS:+--variants "$VARIANTS"} ${MATVEC_VARIANTS:+--matvec-variants "$MATVEC_VARIANTS"} 2>/dev/null | tee "$OUT/starling-$TYPE.txt"
  ours=$(tail -n 1 "$OUT/starling-$TYPE.txt")
  echo "== llama.cpp on $MODEL ($THREADS threads, F16 KV cache; load average now $(cut -d' ' -f1-3 /proc/loadavg))"
  theirs=$(cd scripts/llamacpp && node reference.mjs "{\"model\":\"$PWD/../../$MODEL\",\"threads\":$THREADS,\"kvType\":\"F16\",\"bench\":{\"prefillTokens\":$PREFILL,\"decodeTokens\":$DECODE,\"repeats\":3,\"streams\":$STREAMS}}")
  echo "$theirs"
  line=$(python3 - "$TYPE" "$ours" "$theirs" <<'PY'
import json, sys
t, ours, theirs = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])["bench"]
op, od = ours["prefillTokensPerSecond"], ours["decodeTokensPerSecond"]
lp, ld = theirs["prefillTokensPerSecond"], theirs["decodeTokensPerSecond"]
print(f"{t}: decode {od:.2f} vs llama.cpp {ld:.2f} tok/s = {od/ld:.2f}x | prefill {op:.1f} vs {lp:.1f} tok/s = {op/lp:.2f}x | "
      f"{ours['streams']} streams {ours['streamsTokensPerSecond']:.2f} tok/s = {ours['streamsTokensPerSecond']/od:.2f}x one | "
      f"decode x bytes {ours['decodeGBps']:.1f} GB/s of {ours['bandwidthGBps']:.1f} GB/s measured")
if theirs.get("streamsTokensPerSecond"):
    ls, lsc, tpb = theirs["streamsTokensPerSecond"], theirs["streamsTokensPerCpuSecond"], theirs.get("streamsTokensPerBatch")
    print(f"{t} {ours['streams']} streams, wall clock: Starling {ours['streamsTokensPerSecond']:.2f} tok/s = {ours['streamsTokensPerSecond']/od:.2f}x its one | "
          f"llama.cpp {ls:.2f} tok/s = {ls/ld:.2f}x its one ({tpb if tpb is None else round(tpb, 2)} tokens per llama_decode batch) | "
          f"Starling/llama.cpp {ours['streamsTokensPerSecond']/ls:.2f}x; per CPU-second: {ours['streamsTokensPerCpuSecond']:.2f} vs {lsc:.2f} "
          f"({ours['streamsTokensPerCpuSecond']/ours['decodeTokensPerCpuSecond']:.2f}x vs {lsc/theirs['decodeTokensPerCpuSecond']:.2f}x one)")
oc, lc = ours["decodeTokensPerCpuSecond"], theirs["decodeTokensPerCpuSecond"]
opc, lpc = ours["prefillTokensPerCpuSecond"], theirs["prefillTokensPerCpuSecond"]
osc = ours["streamsTokensPerCpuSecond"]
print(f"{t} per {ours['threads']} CPU-seconds (robust when the machine is shared): decode {oc:.2f} vs {lc:.2f} = {oc/lc:.2f}x | "
      f"prefill {opc:.1f} vs {lpc:.1f} = {opc/lpc:.2f}x | {ours['streams']} streams {osc:.2f} = {osc/oc:.2f}x one | "
      f"load average at the end of our run {ours['loadAverage']}")
PY
)
  summary+=("$line")
done
echo
echo "== summary ($THREADS threads; load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%s\n' "${summary[@]}"
