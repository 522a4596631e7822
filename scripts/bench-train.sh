#!/usr/bin/env bash
# Training speed, Starling against PyTorch CPU (scripts/torch-reference/reference.py --time), on the three
# shapes of issue 4: fp32, AdamW, global-norm clip, same thread count, median step after a warm-up step.
# For each shape both sides print tokens/s and tokens per CPU-second of their own process, with the load
# average; on a shared, busy machine read the CPU-second ratio (wall-clock figures swing with the load).
# With more runnable threads than cores, PyTorch's OpenMP workers spin and its CPU time balloons (seen: 188
# tokens per CPU-second at 2 threads and load 22 against 2022 at 1 thread); `scripts/bench-train.sh 1` then
# gives the cleanest per-CPU-second comparison.
#   scripts/bench-train.sh [threads=2] [shapes=small,medium,gpt2]
# Needs /usr/bin/python3 with torch for the PyTorch side (otherwise only Starling's figures are printed).
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${1:-2}"
SHAPES="${2:-small,medium,gpt2}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
BUILD="${STARLING_BUILD_DIR:-target-bench}"

echo "== building the llm module ($BUILD)"
./mvnw -q -B -ntp -Dstarling.build.dir="$BUILD" -pl llm -DskipTests compile >/dev/null
CP="llm/$BUILD/classes"

#            DIM LAYERS HEADS KV FFN  VOCAB SEQ BATCH STEPS
declare -A SHAPE=(
  [small]="256 4 8 4 688 8192 256 8 8"
  [medium]="512 8 8 4 1376 16384 256 4 6"
  [gpt2]="768 12 12 12 2048 50257 64 4 6"
)
for name in ${SHAPES//,/ }; do
  args="${SHAPE[$name]:?unknown shape $name (small, medium, gpt2)}"
  echo "== $name: DIM LAYERS HEADS KV FFN VOCAB SEQ BATCH STEPS = $args, threads $THREADS"
  # shellcheck disable=SC2086
  "$JAVA" --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xmx8g -cp "$CP" \
    dev.starling.llm.train.TrainBench $args "$THREADS" 2>&1 | grep -v 'WARNING: Using incubator modules'
done
