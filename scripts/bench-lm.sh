#!/usr/bin/env bash
# Language-model quality on the real tweets: bits per byte on the TweetEval validation splits for a model and for
# interpolated modified Kneser-Ney 5-grams (over the model's tokens, and over bytes) trained on the train splits.
# One post per line; the hate and offensive sets are left out (they are for moderation classifiers).
#   scripts/bench-lm.sh [MODEL.gguf] [extra 'starling eval lm' options, e.g. --window 256]
#   scripts/bench-lm.sh --train DURATION [extra 'starling eval lm' options]
# Without a model only the byte 5-gram is reported. With --train, a model is first trained on the train splits for at
# most DURATION (e.g. 60m: the issue's budget) with the configuration recorded in the notes (dim 384, 6 layers, 6/3
# heads, FFN 1024, vocab 8192, seq 256, batch 8, no dropout, no grounded-answer rows), on all cores, then evaluated.
# Corpus files and the model go to bench-out/lm/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${STARLING_SHARED:-../shared}/data/tweeteval"
OUT=bench-out/lm
STARLING="${STARLING:-./starling}"
if [[ ! -d "$DATA" ]]; then
  echo "bench-lm: $DATA is absent (TweetEval); nothing to measure" >&2
  exit 1
fi
mkdir -p "$OUT"
SETS=(emoji emotion irony sentiment stance)
for split in train val; do
  : > "$OUT/tweeteval-$split.txt"
  for set in "${SETS[@]}"; do
    find "$DATA/$set" -name "${split}_text.txt" | sort | while read -r f; do
      # one post per line, CR removed; blank lines kept (a post is a line)
      tr -d '\r' < "$f" >> "$OUT/tweeteval-$split.txt"
      if [[ -n "$(tail -c1 "$f")" ]]; then echo >> "$OUT/tweeteval-$split.txt"; fi
    done
  done
  echo "bench-lm: $split: $(wc -l < "$OUT/tweeteval-$split.txt") posts, $(wc -c < "$OUT/tweeteval-$split.txt") bytes" >&2
done
ARGS=(eval lm --train "$OUT/tweeteval-train.txt" --heldout "$OUT/tweeteval-val.txt")
if [[ "${1:-}" == --train ]]; then
  BUDGET="${2:?--train needs a duration, e.g. 60m}"
  shift 2
  MODEL="$OUT/tweeteval-$BUDGET.gguf"
  echo "bench-lm: training $MODEL for at most $BUDGET (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  "$STARLING" train --corpus "$OUT/tweeteval-train.txt" --out "$MODEL" --time-budget "$BUDGET" \
    --dim 384 --layers 6 --heads 6 --kv-heads 3 --ffn 1024 --vocab 8192 --seq 256 --batch 8 \
    --grounded-share 0
  ARGS+=(--model "$MODEL")
elif [[ $# -ge 1 && "$1" != --* ]]; then
  ARGS+=(--model "$1")
  shift
fi
echo "bench-lm: evaluating (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
"$STARLING" "${ARGS[@]}" "$@"
