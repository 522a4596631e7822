#!/usr/bin/env bash
# The search benchmark of issue 5, in one command:
#   scripts/bench-search.sh            1,000,000 posts, every distinct TweetEval text (~111k)
#   scripts/bench-search.sh --quick    100,000 posts from 5,000 distinct texts, shorter phases
#
# It builds the search module (into its own build directory) and runs the opt-in SearchBenchTest
# (search/src/test/java/dev/starling/search/bench/), which generates the posts from the real
# tweets in ../shared/data/tweeteval (hate and offensive sets left out) repeated with varied
# metadata (10,000 heavy-tailed authors, times, a visibility mix, replies, languages, likes; the
# text, its hashtags, links and mentions unchanged), then measures, printing each figure with the
# load average as it goes:
#   1. indexing posts/s without embeddings (wall and per CPU-second of the process); lexical Top
#      and operator-heavy Latest query latency p50/p99 as a viewer with follows, blocks and mutes;
#   2. freshness under a steady write load: posts written through social (post + outbox row in one
#      transaction) at --rate posts/s, indexed by the real OutboxIndexer, found by a probe query;
#      lexical query latency while it runs;
#   3. PostgreSQL full-text search (GIN, tsvector) on the same posts and words: the ratios;
#   4. real all-MiniLM-L6-v2 vectors in HNSW: each DISTINCT text is embedded once and its vector
#      reused for its repeats (equal texts have equal embeddings; this is what makes 1M posts
#      feasible on this machine); indexing posts/s with the embedding cost shown separately and
#      included; hybrid (lexical + HNSW, reciprocal rank fusion) latency including the query's embedding.
# and ends with one table. Targets (issue 5): lexical p99 < 50 ms, hybrid p99 < 150 ms at 1M
# posts, freshness < 1 s.
#
# Options (defaults in brackets; --quick changes them as noted):
#   --quick                 --posts 100000 --texts 5000 --seconds 20 --queries 500
#   --posts N [1000000]     --texts N [all]  (distinct tweets used)
#   --rate N[,N...] [200]   --seconds S [30]  (freshness write load, one run per rate; 0 seconds skips it;
#                           with --keep, phase 4 repeats it with MiniLM on the indexing path, on a copy of the index)
#   --queries N [1000]      timed queries per kind (PostgreSQL: half)
#   --no-vectors            skip phase 4        --no-postgres   skip phase 3
#   --no-lexical            skip phases 1-2 (the index without vectors and the freshness run)
#   --keep DIR              keep MiniLM's vectors and the vector index in DIR and reuse them on the next
#                           run with the same --posts/--texts (query-side changes re-measured in minutes);
#                           phase 4 then also times lexical and operator queries on that index
#   --offline               pass -o to Maven (dependencies already downloaded)
# Environment: JAVA_HOME (JDK 25; default /usr/lib/jvm/temurin-25-jdk-amd64),
#   STARLING_BENCH_BUILD_DIR (Maven build directory name, default target-bench-search).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

posts=1000000 texts=2147483647 rate=200 seconds=30 queries=1000 vectors=true postgres=true lexical=true keep="" offline=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) posts=100000; texts=5000; seconds=20; queries=500; shift ;;
    --posts) posts="$2"; shift 2 ;;
    --texts) texts="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --queries) queries="$2"; shift 2 ;;
    --no-vectors) vectors=false; shift ;;
    --no-postgres) postgres=false; shift ;;
    --no-lexical) lexical=false; shift ;;
    --keep) keep="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --offline) offline=(-o); shift ;;
    -h|--help) sed -n '2,38p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-search: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$rate" =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "bench-search: --rate must be a number or a comma list of numbers, got '$rate'" >&2; exit 2; }
for r in ${rate//,/ }; do (( r >= 1 && r <= 5000 )) || { echo "bench-search: each --rate must be 1..5000, got $r" >&2; exit 2; }; done
for v in posts texts seconds queries; do
  if ! [[ "${!v}" =~ ^[0-9]+$ ]]; then echo "bench-search: --$v must be a whole number, got '${!v}'" >&2; exit 2; fi
done
(( posts >= 1000 && posts <= 10000000 )) || { echo "bench-search: --posts must be 1000..10000000, got $posts" >&2; exit 2; }
(( queries >= 10 && queries <= 100000 )) || { echo "bench-search: --queries must be 10..100000, got $queries" >&2; exit 2; }

log() { printf '[bench-search %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

if [[ -z "${JAVA_HOME:-}" || ! -x "${JAVA_HOME}/bin/java" ]] || ! "${JAVA_HOME}/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
[[ -x "$JAVA_HOME/bin/java" ]] || { echo "bench-search: JDK 25 not found; set JAVA_HOME" >&2; exit 1; }
data="$here/../shared/data/tweeteval"
[[ -d "$data" ]] || { echo "bench-search: TweetEval not found at $data (the benchmark's posts are made from it)" >&2; exit 1; }

build="${STARLING_BENCH_BUILD_DIR:-target-bench-search}"
out="$here/search/$build/surefire-reports/dev.starling.search.bench.SearchBenchTest-output.txt"
progress="$(mktemp -t bench-search.XXXXXX)"
trap 'rm -f "$progress"' EXIT
log "posts=$posts texts=$texts rate=$rate/s for ${seconds}s queries=$queries vectors=$vectors postgres=$postgres lexical=$lexical keep=${keep:-none}; load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
rm -f "$out"
cd "$here"
./mvnw -q -B -ntp "${offline[@]}" -Dstarling.build.dir="$build" -pl search -am test -Dtest=SearchBenchTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dstarling.bench=true -Dstarling.test.forkTimeoutSeconds=0 -Dbench.posts="$posts" -Dbench.texts="$texts" -Dbench.fresh.rates="$rate" -Dbench.fresh.seconds="$seconds" \
  -Dbench.queries="$queries" -Dbench.vectors="$vectors" -Dbench.postgres="$postgres" -Dbench.lexical="$lexical" -Dbench.keep="$keep" -Dbench.log="$progress" &
mvn_pid=$!
# Follow the figures as they come (Surefire writes the test's own output only when it ends).
tail -n +1 -f --pid="$mvn_pid" "$progress" || true
status=0; wait "$mvn_pid" || status=$?
if (( status != 0 )); then log "the benchmark failed (exit $status); see search/$build/surefire-reports/"; exit "$status"; fi
echo
sed -n '/^| [0-9,]* posts |/,$p' "$out"
log "done; load $(cut -d' ' -f1-3 /proc/loadavg)"
