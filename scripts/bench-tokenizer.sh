#!/usr/bin/env bash
# Tokenizer encoding throughput, Starling versus Hugging Face tokenizers (Rust, via DJL's JNI binding
# ai.djl.huggingface:tokenizers, a test dependency of app), on the TweetEval tweets with the same vocabulary:
# a 32k vocabulary trained by Starling's BpeTrainer (written as tokenizer.json for Hugging Face), and the real
# Llama 3 and Qwen3 tokenizer.json files. Checks identical ids on every tweet, then prints tokens/s of both and
# the ratio, per text on one thread and as a batch on all cores, by wall time and by CPU time.
#   scripts/bench-tokenizer.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
BUILD="${BUILD:-target-bench-tok}"
./mvnw -q -B -ntp -Dstarling.build.dir="$BUILD" -pl app -am test -Dtest=TokenizerThroughputBench \
    -Dstarling.bench=true -Dstarling.test.forkTimeoutSeconds=0 -Dsurefire.failIfNoSpecifiedTests=false >&2 || {
  echo "bench-tokenizer: the benchmark failed; see app/$BUILD/surefire-reports" >&2
  cat "app/$BUILD/surefire-reports/dev.starling.app.lm.TokenizerThroughputBench-output.txt" 2>/dev/null | grep -v -E ' (WARN|INFO) ' >&2 || true
  exit 1
}
grep -v -E ' (WARN|INFO) ' "app/$BUILD/surefire-reports/dev.starling.app.lm.TokenizerThroughputBench-output.txt"
