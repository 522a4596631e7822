#!/usr/bin/env bash
# The network load benchmark of issue 2, in one command:
#   scripts/bench-network.sh            10,000 accounts, ~100 follows each, 1,000,000 posts
#   scripts/bench-network.sh --quick    1,000 accounts, 100,000 posts, shorter windows
#
# It builds Starling (if needed, into its own build directory), seeds a synthetic network into a
# fresh embedded PostgreSQL under a temporary data directory ('starling loadbench seed': COPY
# through social's tables, OAuth tokens through the server's token store), starts
# 'starling serve --no-rate-limits' on it (durable commits: fsync and synchronous_commit on),
# measures home-timeline reads and post creation with the Java load generator
# ('starling loadbench run', plain HTTP/1.1 over one socket per virtual thread), and home also with wrk
# (Debian's C client, as pgbench's is one; a check on the Java generator, whose load shares the cores):
# home first as a closed loop (saturation: each connection sends its next
# request when the last is answered), then as an OPEN loop at fixed offered rates (wrk2 style: latency from
# each request's scheduled send time, so queueing behind a slow answer is counted): shares of the open-loop
# capacity that the generator and serve reach together, found first by 'loadbench capacity' (see --open-base),
# with each late send blamed on the server's queue or on the generator itself, then post creation (closed loop); then it runs 'pgbench -S' (select-only) with the same client
# concurrency on the SAME PostgreSQL (a separate 'pgbench' database, scale 10); then stops serve and
# measures the CEILING: the same home page (captured from serve at the start, bytes and Link header)
# answered by 'starling loadbench ceiling', Starling's HTTP stack and authenticator as serve configures
# them with no database and no work per request, driven by the same load generator, connections and
# tokens (closed loop, with each of the two clients): the most home requests per second any design
# could answer on this stack and machine. It prints a table with the figures, the targets and our ratio to pgbench, and stops and
# removes everything.
#
# Options (defaults in brackets):
#   --quick                1,000 accounts, 100,000 posts, 5 s warm-up, 15 s windows
#   --accounts N [10000]   --follows N [100]   --posts N [1000000]   --tokens N [1000]
#   --connections N [16]   concurrent HTTP connections, and pgbench clients
#   --warmup S [10]        --seconds S [30]   warm-up and measured window of each workload
#   --prime S [30]         before the first home window, home requests for S seconds, not measured: the first
#                          workload after serve's start otherwise runs while the JIT still compiles (measured:
#                          0.32-0.53 ms of serve CPU per home request in that window, 0.18 once compiled)
#   --pool N [20]          the server's database pool size
#   --open-rates "P..." ["50 75"]  open-loop home runs, each at P% of the open-loop base ('' for none)
#   --open-base B [capacity]  what the open-loop percentages are of: 'capacity' = the open-loop capacity, found
#                          right after the closed-loop runs by 'starling loadbench capacity' (bisection over 0..110% of
#                          the closed-loop maximum, 6 short open-loop steps; a step keeps up with no errors, the
#                          generator on schedule and p99 <= 20 ms): the rate this generator and serve reach together
#                          open loop on these cores; 'closed' = the closed-loop maximum (the old base: it is measured
#                          with the generator's cheaper closed loop and the server batching under saturation, so a
#                          share of it may be more than the two can do open loop)
#   --no-wrk               skip the runs with wrk
#   --no-ceiling           skip the ceiling run (--explain skips it too)
#   --jfr                  record the serve JVM with Java Flight Recorder (profile settings) into the
#                          temporary directory (use with --keep)
#   --explain              profile: load pg_stat_statements (adds a little overhead to every
#                          query), print the statements behind each workload with their time
#                          per request, and EXPLAIN (ANALYZE, BUFFERS) one home-timeline query
#   --keep                 keep the temporary directory (data, logs, tokens) for inspection
# Environment: JAVA_HOME (JDK 25; default /usr/lib/jvm/temurin-25-jdk-amd64),
#   STARLING_BENCH_BUILD_DIR (Maven build directory name, default target-bench).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

accounts=10000 follows=100 posts=1000000 tokens=1000 connections=16 warmup=10 seconds=30 pool=20 prime=30
explain=0 keep=0 quick=0 jfr=0 ceiling=1 use_wrk=1 open_rates="50 75" open_base=capacity
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1; accounts=1000; posts=100000; tokens=500; warmup=5; seconds=15; prime=15; shift ;;
    --prime) prime="$2"; shift 2 ;;
    --accounts) accounts="$2"; shift 2 ;;
    --follows) follows="$2"; shift 2 ;;
    --posts) posts="$2"; shift 2 ;;
    --tokens) tokens="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --pool) pool="$2"; shift 2 ;;
    --explain) explain=1; shift ;;
    --open-rates) open_rates="$2"; shift 2 ;;
    --open-base) open_base="$2"; shift 2 ;;
    --jfr) jfr=1; shift ;;
    --no-ceiling) ceiling=0; shift ;;
    --no-wrk) use_wrk=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,52p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-network: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for v in accounts follows posts tokens connections warmup seconds pool prime; do
  if ! [[ "${!v}" =~ ^[0-9]+$ ]]; then echo "bench-network: --$v must be a whole number, got '${!v}'" >&2; exit 2; fi
done
[[ "$open_base" == capacity || "$open_base" == closed ]] || { echo "bench-network: --open-base is 'capacity' or 'closed', got '$open_base'" >&2; exit 2; }
for r in $open_rates; do
  if ! [[ "$r" =~ ^[0-9]+$ ]] || (( r < 1 || r > 100 )); then echo "bench-network: --open-rates takes percentages 1..100, got '$r'" >&2; exit 2; fi
done
if (( tokens > accounts )); then tokens=$accounts; fi
# the ceiling runs after serve (and its PostgreSQL) stopped; --explain needs PostgreSQL at the end
if (( explain && ceiling )); then echo "bench-network: --explain skips the ceiling run" >&2; ceiling=0; fi

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# --- JDK and build ----------------------------------------------------------------------------
if [[ -z "${JAVA_HOME:-}" || ! -x "${JAVA_HOME}/bin/java" ]] || ! "${JAVA_HOME}/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
[[ -x "$JAVA_HOME/bin/java" ]] || { echo "bench-network: JDK 25 not found; set JAVA_HOME" >&2; exit 1; }
build="${STARLING_BENCH_BUILD_DIR:-target-bench}"
jar="$here/app/$build/starling-app-0.1.0-SNAPSHOT.jar"
stamp="$here/app/$build/.bench-built"
if [[ ! -f "$jar" || ! -f "$stamp" || -n "$(find "$here" -path "$here/*/target*" -prune -o -path '*/node_modules' -prune -o \
      \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$stamp" -print -quit)" ]]; then
  log "building Starling into app/$build (sources changed or first run)..."
  (cd "$here" && { ./mvnw -q -B -ntp -o -DskipTests -Dstarling.build.dir="$build" -pl app -am package \
      || ./mvnw -q -B -ntp -DskipTests -Dstarling.build.dir="$build" -pl app -am package; }) >&2
  touch "$stamp"
fi
# (an array, not a function: '&' on a function would give the pid of a subshell, not of the JVM)
read -r -a java_opts <<<"${STARLING_JAVA_OPTS:-}"
starling=("$JAVA_HOME/bin/java" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC
  "${java_opts[@]}" -cp "$jar:$here/app/$build/lib/*" dev.starling.app.Main)

# --- pgbench ----------------------------------------------------------------------------------
if ! command -v pgbench >/dev/null || ! command -v psql >/dev/null; then
  log "pgbench/psql missing: installing Debian's postgresql-client"
  if [[ $(id -u) -eq 0 ]]; then apt-get update -qq && apt-get install -y -qq postgresql-client >&2
  else sudo apt-get update -qq && sudo apt-get install -y -qq postgresql-client >&2; fi
fi

if (( use_wrk )) && ! command -v wrk >/dev/null; then
  log "wrk missing: installing Debian's wrk"
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y -qq wrk >&2 || { apt-get update -qq && apt-get install -y -qq wrk >&2; }
  else sudo apt-get install -y -qq wrk >&2 || { sudo apt-get update -qq && sudo apt-get install -y -qq wrk >&2; }; fi
fi

# --- temporary data dir, and cleanup of everything we start -----------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/starling-bench.XXXXXX")"
server_pid=""
cleanup() {
  local rc=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    log "stopping the server (pid $server_pid)"
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  # a postmaster left behind by a killed JVM: stop it through its own pid file
  local pidfile="$work/data/postgres/postmaster.pid"
  if [[ -f "$pidfile" ]]; then
    local pg; pg="$(head -1 "$pidfile" 2>/dev/null || true)"
    if [[ "$pg" =~ ^[0-9]+$ ]] && kill -0 "$pg" 2>/dev/null && grep -q postgres "/proc/$pg/cmdline" 2>/dev/null; then
      # SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for clients to disconnect)
      log "stopping the orphaned postmaster (pid $pg)"; kill -INT "$pg" 2>/dev/null || true
      for _ in $(seq 1 120); do kill -0 "$pg" 2>/dev/null || break; sleep 0.5; done
      if kill -0 "$pg" 2>/dev/null; then log "postmaster $pg still running: keeping $work"; keep=1; fi
    fi
  fi
  if (( keep )); then log "kept $work"; else rm -rf "$work"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- seed ---------------------------------------------------------------------------------------
log "seeding $accounts accounts (~$follows follows each), $posts posts, $tokens tokens into $work/data"
seed_line="$("${starling[@]}" loadbench seed --data-dir "$work/data" --accounts "$accounts" --follows "$follows" --posts "$posts" \
  --tokens "$tokens" --tokens-file "$work/tokens.tsv" --caught-up trends,assistant 2> >(tee "$work/seed.err" >&2) | grep '^loadbench-seed')"
kv() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }

if (( explain )); then
  # read at the next start of the cluster (by 'serve' below)
  cat >>"$work/data/postgres/postgresql.auto.conf" <<'CONF'
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = 'top'
pg_stat_statements.track_planning = on
track_activity_query_size = 16384
CONF
fi

# --- search index -------------------------------------------------------------------------------
# serve's search indexer would otherwise catch up on the seeded outbox backlog (one row per post)
# during the measured windows and steal CPU from the network figures: build the index up front,
# lexical only, and serve without embeddings (MiniLM on every new post would measure the embedder).
log "building the search index up front (lexical, no embeddings) so its backlog does not distort the figures"
index_t0="$(date +%s.%N)"
"${starling[@]}" index rebuild --no-embeddings --data-dir "$work/data" >"$work/index.out" 2>"$work/index.err" \
  || { tail -30 "$work/index.err" >&2; echo "bench-network: index rebuild failed" >&2; exit 1; }
index_s="$(awk -v a="$index_t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
export STARLING_SEARCH_EMBEDDINGS=off

# The URL a server started in the background ($server_pid) prints as "$1 URL/" on $2.out, waiting at most $4 seconds;
# exits with $2.err's tail when the server exits or does not start in time ($3 names it in the message).
await_url() {
  local found=""
  for _ in $(seq 1 $(( $4 * 2 ))); do
    found="$(sed -n "s/^$1 \(http[^ ]*\)\/\$/\1/p" "$2.out" | head -1)"
    [[ -n "$found" ]] && { echo "$found"; return 0; }
    kill -0 "$server_pid" 2>/dev/null || { tail -30 "$2.err" >&2; echo "bench-network: $3 exited" >&2; exit 1; }
    sleep 0.5
  done
  tail -30 "$2.err" >&2; echo "bench-network: $3 did not start within $4 s" >&2; exit 1
}

# --- serve --------------------------------------------------------------------------------------
log "starting starling serve (rate limits off, pool $pool, search embeddings off)"
gc_log="$work/gc.log"
serve_opts=(-Xlog:gc:file="$gc_log":timemillis)
if (( jfr )); then serve_opts+=(-XX:StartFlightRecording=filename="$work/serve.jfr",settings=profile); fi
"${starling[@]:0:4}" "${serve_opts[@]}" "${starling[@]:4}" serve --data-dir "$work/data" --port 0 --no-rate-limits --db-pool-size "$pool" >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
url="$(await_url "Starling is serving" "$work/serve" "the server" 120)" || exit 1
pgport="$(sed -n 4p "$work/data/postgres/postmaster.pid")"
log "serving at $url; its PostgreSQL listens on localhost:$pgport"
# the durable embedded cluster requires SCRAM with the random password it keeps beside its data
if [[ -f "$work/data/postgres.password" ]]; then PGPASSWORD="$(cat "$work/data/postgres.password")"; export PGPASSWORD; fi
psqlq() { psql -X -q -t -A -h localhost -p "$pgport" -U postgres "$@"; }
sync_commit="$(psqlq -d starling -c 'SHOW synchronous_commit')"
fsync="$(psqlq -d starling -c 'SHOW fsync')"
pgversion="$(psqlq -d starling -c 'SHOW server_version')"
pgpid="$(head -1 "$work/data/postgres/postmaster.pid")"
# one real home page (first page, 20 statuses) of a seeded account, as serve answers it: the ceiling serves these bytes
page_token="$(sed -n 2p "$work/tokens.tsv" | cut -f2)"
curl -sS -D "$work/home-page.headers" -o "$work/home-page.json" -H "Authorization: Bearer $page_token" -H "Accept: application/json" \
  "$url/api/v1/timelines/home?limit=20" || { echo "bench-network: could not capture a home page" >&2; exit 1; }
page_link="$(sed -n 's/^[Ll]ink: //p' "$work/home-page.headers" | tr -d '\r')"
page_bytes="$(wc -c <"$work/home-page.json")"
page_statuses="$(grep -o '"uri":' "$work/home-page.json" | wc -l)"
log "captured a home page: $page_bytes bytes, $page_statuses statuses' uri fields (reblogs carry two)"

# --- our workloads ------------------------------------------------------------------------------
run() { # $1 workload, $2 offered rate per second (0: closed loop)
  "${starling[@]}" loadbench run --url "$url" --tokens-file "$work/tokens.tsv" --workload "$1" --connections "$connections" \
    --warmup-seconds "$warmup" --seconds "$seconds" --rate "${2:-0}" 2> >(tee -a "$work/run.err" >&2) | grep '^loadbench-result'
}
# The home workload with wrk: a random seeded token per request (as the Java generator), closed loop, a warm-up run and then
# the measured run; prints a loadbench-result line like the Java generator's (client=wrk; client CPU from the shell's
# 'times' for its children, so no /usr/bin/time is needed).
cat >"$work/home.lua" <<'LUA'
local tokens = {}
local f = assert(io.open(os.getenv("STARLING_TOKENS_FILE"), "r"))
for line in f:lines() do
  local tok = line:match("^%d+\t(%S+)$")
  if tok then tokens[#tokens + 1] = tok end
end
f:close()
assert(#tokens > 0, "no tokens in " .. os.getenv("STARLING_TOKENS_FILE"))
local threads = 0
function setup(thread) threads = threads + 1; thread:set("id", threads) end
function init(args) math.randomseed(1000 + (id or 0)) end
function request()
  return wrk.format("GET", "/api/v1/timelines/home?limit=20",
    { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)], ["Accept"] = "application/json" })
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("wrk-result requests=%d status_errors=%d socket_errors=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d mean_us=%.1f\n",
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean))
end
LUA
run_wrk() {
  local threads_w=$(( connections < $(nproc) ? connections : $(nproc) ))
  STARLING_TOKENS_FILE="$work/tokens.tsv" wrk -t"$threads_w" -c"$connections" -d"${warmup}s" --timeout 10s -s "$work/home.lua" \
    "$url/api/v1/timelines/home?limit=20" >/dev/null 2>>"$work/run.err"
  local out
  out="$( { STARLING_TOKENS_FILE="$work/tokens.tsv" wrk -t"$threads_w" -c"$connections" -d"${seconds}s" --timeout 10s -s "$work/home.lua" \
    "$url/api/v1/timelines/home?limit=20" 2>>"$work/run.err"; times; } )"
  # 'times' prints the shell's line, then the children's ("0m1.040s 0m9.080s")
  awk -v c="$connections" '/^wrk-result/ { for (i = 2; i <= NF; i++) { split($i, x, "="); v[x[1]] = x[2] } }
      /^[0-9]+m[0-9.]+s [0-9]+m[0-9.]+s$/ { tl = $0 }
      END { if (!("requests" in v)) exit 1
        split(tl, t, /[ms]+/); cpu = t[1] * 60 + t[2] + t[3] * 60 + t[4]; d = v["duration_us"] / 1e6
        ok = v["requests"] - v["status_errors"]
        printf "loadbench-result workload=home mode=closed client=wrk offered_per_s=0.0 late_sends=0 connections=%d seconds=%.3f ok=%d errors=%d throughput_per_s=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f mean_ms=%.3f errors_by_kind=- client_cpu_cores=%.2f\n",
          c, d, ok, v["status_errors"] + v["socket_errors"], ok / d, v["p50_us"] / 1000, v["p90_us"] / 1000, v["p99_us"] / 1000,
          v["p999_us"] / 1000, v["max_us"] / 1000, v["mean_us"] / 1000, cpu / d }' <<<"$out"
}
# CPU used by the server JVM and by PostgreSQL (postmaster and its backends) while a workload runs,
# from /proc: utime+stime (+ reaped children) in clock ticks. With the client's own figure this
# shows where the machine's cores went.
clk="$(getconf CLK_TCK)"
proc_ticks() {
  local t=0 p rest
  local -a f
  for p in "$@"; do
    rest="$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null)" || continue
    [[ -n "$rest" ]] || continue
    read -r -a f <<<"$rest"
    t=$(( t + f[11] + f[12] + f[13] + f[14] ))
  done
  echo "$t"
}
pg_pids() { (( pgpid > 0 )) || return 0; echo "$pgpid" $(ps -o pid= --ppid "$pgpid" 2>/dev/null); }
# Time spent runnable but waiting for a core (the kernel's schedstat, field 2, nanoseconds), summed over
# every thread of the given processes: with the window's requests this says how long a request waited
# for a CPU, beside its CPU time.
runq_ns() {
  local t=0 p f w
  for p in "$@"; do
    for f in /proc/"$p"/task/*/schedstat; do
      read -r _ w _ <"$f" 2>/dev/null || continue
      t=$(( t + w ))
    done
  done
  echo "$t"
}
# Young and full GC pauses of serve between two wall-clock instants (ms since the epoch): "count total_ms max_ms"
gc_pauses() {
  awk -v a="$1" -v b="$2" '/Pause/ && match($0, /^\[[0-9]+ms\]/) { t = substr($0, 2, RLENGTH - 4) + 0
      if (t >= a && t <= b && match($0, /[0-9.]+ms$/)) { d = substr($0, RSTART, RLENGTH - 2) + 0; n++; s += d; if (d > m) m = d } }
    END { printf "%d %.1f %.1f\n", n, s, m }' "$gc_log" 2>/dev/null || echo "0 0 0"
}
measured_run() { # $1 workload, $2 offered rate (0: closed loop); prints the result line with server_cpu_cores,
  # pg_cpu_cores, runq_ms_per_req (server + PostgreSQL threads' time waiting for a core, per request), the serve
  # JVM's GC pauses (gc_pauses, gc_pause_ms, gc_max_pause_ms) and load_avg appended.
  # CPU is taken over the measured window only (from 1 s after the warm-up ends to the end of the run): the
  # warm-up is where the JIT compiles the workload's code, which is not a per-request cost of a running server.
  local load s0 p0 t0 q0 line s1 p1 t1 q1 gc out="$work/run-$1-${2:-0}.out"
  if [[ "$1" == home-wrk ]]; then run_wrk >"$out" & else run "$1" "${2:-0}" >"$out" & fi
  local run_pid=$!
  sleep $(( warmup + 1 ))
  load="$(cut -d' ' -f1 /proc/loadavg)"
  s0="$(proc_ticks "$server_pid")"; p0="$(proc_ticks $(pg_pids))"; q0="$(runq_ns "$server_pid" $(pg_pids))"; t0="$(date +%s.%N)"
  wait "$run_pid" || true
  s1="$(proc_ticks "$server_pid")"; p1="$(proc_ticks $(pg_pids))"; q1="$(runq_ns "$server_pid" $(pg_pids))"; t1="$(date +%s.%N)"
  # (%.0f, not %d: mawk's %d stops at 2^31)
  gc="$(gc_pauses "$(awk -v t="$t0" 'BEGIN { printf "%.0f", t * 1000 }')" "$(awk -v t="$t1" 'BEGIN { printf "%.0f", t * 1000 }')")"
  line="$(cat "$out")"
  [[ -n "$line" ]] || { echo "bench-network: the $1 workload printed no result (see $work/run.err)" >&2; exit 1; }
  awk -v l="$line" -v s="$((s1 - s0))" -v p="$((p1 - p0))" -v q="$((q1 - q0))" -v c="$clk" -v a="$t0" -v b="$t1" -v la="$load" -v gc="$gc" \
    'BEGIN { w = b - a; split(gc, g, " ")
      n = split(l, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], x, "="); v[x[1]] = x[2] }
      r = v["throughput_per_s"] * w
      printf "%s server_cpu_cores=%.2f pg_cpu_cores=%.2f runq_ms_per_req=%.3f gc_pauses=%d gc_pause_ms=%.1f gc_max_pause_ms=%.1f load_avg_before=%s\n",
        l, s / c / w, p / c / w, (r > 0 ? q / 1e6 / r : 0), g[1], g[2], g[3], la }'
}
profile_reset() { (( explain )) && psqlq -d starling -c "SELECT pg_stat_statements_reset()" >/dev/null || true; }
profile_print() { # $1: label
  (( explain )) || return 0
  {
    echo
    echo "PostgreSQL time behind '$1', warm-up included (pg_stat_statements; ms per request = total time /"
    echo "calls of the most frequent statement, one per request: the bearer token is cached, so home runs two statements once each):"
    psql -X -h localhost -p "$pgport" -U postgres -d starling -P pager=off -c "
      SELECT calls, round((total_exec_time / greatest(max(calls) OVER (), 1))::numeric, 3) AS ms_per_request,
             round(mean_exec_time::numeric, 3) AS mean_ms, round(total_plan_time::numeric / greatest(calls, 1), 3) AS plan_ms,
             left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS statement
      FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'starling')
      ORDER BY total_exec_time DESC LIMIT 10"
  } >>"$work/profile.txt"
}
if (( explain )); then
  psqlq -d starling -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  : >"$work/profile.txt"
  # catch the full text of one home-timeline query while the home workload runs
  ( for _ in $(seq 1 $(( (warmup + seconds) * 5 ))); do
      q="$(psqlq -d starling -c "SELECT query FROM pg_stat_activity WHERE query LIKE '%CROSS JOIN LATERAL%' AND pid <> pg_backend_pid() LIMIT 1" 2>/dev/null || true)"
      if [[ -n "$q" ]]; then printf '%s\n' "$q" >"$work/home-query.sql"; break; fi
      sleep 0.2
    done ) &
  sampler_pid=$!
fi

if (( prime > 0 )); then
  log "priming serve (JIT): home for ${prime}s, not measured"
  "${starling[@]}" loadbench run --url "$url" --tokens-file "$work/tokens.tsv" --workload home --connections "$connections" \
    --warmup-seconds 0 --seconds "$prime" >/dev/null 2>>"$work/run.err" || true
fi
log "home timelines: $connections connections, ${warmup}s warm-up, ${seconds}s measured"
profile_reset
home="$(measured_run home 0)"
profile_print "home timeline"
home_wrk=""
if (( use_wrk )); then
  log "home timelines with wrk: $connections connections, ${warmup}s warm-up, ${seconds}s measured"
  home_wrk="$(measured_run home-wrk 0)"
fi
# open loop: fixed offered rates, shares of a base that the generator and serve reach together open loop
opens=()
home_max="$(kv "$home" throughput_per_s)"
cap_line="" open_base_rate="" open_base_text=""
if [[ -n "${open_rates// }" ]]; then
  if [[ "$open_base" == capacity ]]; then
    step_s=$(( seconds / 4 > 4 ? seconds / 4 : 4 ))
    upper="$(awk -v m="$home_max" 'BEGIN { printf "%d", m * 1.1 }')"
    log "home open-loop capacity: bisection over 0..${upper}/s (110% of the closed-loop ${home_max}/s), 6 steps of 1 + ${step_s} s"
    cap_line="$("${starling[@]}" loadbench capacity --url "$url" --tokens-file "$work/tokens.tsv" --workload home --connections "$connections" \
      --upper-rate "$upper" --steps 6 --step-warmup-seconds 1 --step-seconds "$step_s" --max-p99-ms 20 \
      2> >(tee -a "$work/run.err" >&2) | tee "$work/capacity.out" | grep '^loadbench-capacity' || true)"
    open_base_rate="$(kv "$cap_line" capacity_per_s)"
    if [[ -z "$open_base_rate" || "$open_base_rate" == 0 ]]; then
      open_base_text="open-loop capacity: NO step kept up (see $work/capacity.out); no open-loop points run"
      open_base_rate=0
    else
      open_base_text="$(awk -v c="$open_base_rate" -v m="$home_max" -v t="$(kv "$cap_line" at_top)" -v s="$step_s" 'BEGIN {
        printf "the open-loop capacity, %d/s (%.1f%% of the closed-loop %s/s): the highest of 6 bisection steps (1 + %d s each) with no errors, the generator on schedule and p99 <= 20 ms%s",
          c, (m > 0 ? 100 * c / m : 0), m, s, (t == "yes" ? "; every step kept up, so the capacity may be higher" : "") }')"
    fi
  else
    open_base_rate="$home_max"
    open_base_text="the closed-loop maximum, ${home_max}/s (--open-base closed)"
  fi
  log "open-loop base: $open_base_text"
fi
for pct in $open_rates; do
  rate="$(awk -v m="${open_base_rate:-0}" -v p="$pct" 'BEGIN { printf "%d", m * p / 100 }')"
  (( rate >= 1 )) || continue
  log "home timelines, open loop: ${rate}/s offered (${pct}% of the $open_base base ${open_base_rate}/s), $connections connections"
  opens+=("$(measured_run home "$rate") open_pct=$pct")
done
log "post creation: $connections connections, ${warmup}s warm-up, ${seconds}s measured"
profile_reset
write="$(measured_run write 0)"
profile_print "post creation"
if (( explain )); then wait "$sampler_pid" 2>/dev/null || true; fi

# --- pgbench -S on the same PostgreSQL ----------------------------------------------------------
log "pgbench: initialising scale 10 in database 'pgbench' on the same PostgreSQL"
psqlq -d postgres -c "CREATE DATABASE pgbench" >/dev/null
pgbench -i -s 10 -q -h localhost -p "$pgport" -U postgres pgbench >"$work/pgbench-init.log" 2>&1
threads=$(( connections < $(nproc) ? connections : $(nproc) ))
pgb() {
  pgbench -S "$@" -c "$connections" -j "$threads" -T "$seconds" -h localhost -p "$pgport" -U postgres pgbench 2>&1 \
    | tee -a "$work/pgbench.log" | sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | tail -1
}
pgb_n() {
  pgbench -N -M prepared -c "$connections" -j "$threads" -T "$seconds" -h localhost -p "$pgport" -U postgres pgbench 2>&1 \
    | tee -a "$work/pgbench.log" | sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | tail -1
}
log "pgbench -S: $connections clients, $threads threads, ${seconds}s"
pg_simple="$(pgb)"
log "pgbench -S -M prepared: $connections clients, $threads threads, ${seconds}s"
pg_prepared="$(pgb -M prepared)"
# not a target, context for the write figure: durable read-write transactions on the same disk
log "pgbench -N (simple-update, durable): $connections clients, $threads threads, ${seconds}s"
pg_writes="$(pgb_n)"

# --- the ceiling: the same page through the same HTTP stack, no database -----------------------------
ceil="" ceil_wrk=""
if (( ceiling )); then
  log "stopping serve (and its PostgreSQL) for the ceiling run"
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$server_pid" 2>/dev/null && { echo "bench-network: serve did not stop within 60 s" >&2; exit 1; }
  server_pid=""; pgpid=0
  gc_log="$work/gc-ceiling.log"
  link_opt=(); [[ -n "$page_link" ]] && link_opt=(--link "$page_link")
  "${starling[@]:0:4}" -Xlog:gc:file="$gc_log":timemillis "${starling[@]:4}" loadbench ceiling --page "$work/home-page.json" \
    "${link_opt[@]}" --tokens-file "$work/tokens.tsv" --port 0 >"$work/ceiling.out" 2>"$work/ceiling.err" &
  server_pid=$!
  url="$(await_url "Starling ceiling is serving" "$work/ceiling" "the ceiling server" 60)" || exit 1
  log "ceiling: the captured page ($page_bytes bytes) at $url, $connections connections, ${warmup}s warm-up, ${seconds}s measured"
  ceil="$(measured_run home 0) label=ceiling"
  if (( use_wrk )); then
    log "ceiling with wrk: $connections connections, ${warmup}s warm-up, ${seconds}s measured"
    ceil_wrk="$(measured_run home-wrk 0) label=ceiling"
  fi
fi

# --- the table ----------------------------------------------------------------------------------
home_tps="$(kv "$home" throughput_per_s)"; home_p50="$(kv "$home" p50_ms)"; home_p99="$(kv "$home" p99_ms)"
write_tps="$(kv "$write" throughput_per_s)"; write_p50="$(kv "$write" p50_ms)"; write_p99="$(kv "$write" p99_ms)"
verdict() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == "<") ? (v < t) : (v >= t); print ok ? "met" : "MISSED" }'; }
ratio="$(awk -v a="$home_tps" -v b="$pg_simple" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }')"
ratio_prep="$(awk -v a="$home_tps" -v b="$pg_prepared" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }')"
{
  echo
  echo "Starling network benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, PostgreSQL $pgversion embedded, fsync=$fsync synchronous_commit=$sync_commit)"
  echo "network: $(kv "$seed_line" accounts) accounts, $(kv "$seed_line" follows) follows, $(kv "$seed_line" posts) posts, $(kv "$seed_line" outbox) outbox rows;" \
       "seeded in $(kv "$seed_line" copy_s) s + VACUUM ANALYZE $(kv "$seed_line" vacuum_s) s"
  echo "outbox: the trends and assistant consumers start caught up (the seeded history is not in the trend counters); without that, serve spends the run inserting trend_uses rows for the backlog"
  echo "search: index built before serve (lexical, $index_s s); serve runs with STARLING_SEARCH_EMBEDDINGS=off, so new posts are indexed without vectors"
  echo "load: $connections connections, ${warmup} s warm-up, ${seconds} s measured per workload (serve primed with ${prime} s of home first); loopback; server pool $pool"
  echo "  closed loop = saturation (next request when the last is answered; latency of the requests made);"
  echo "  open loop = fixed offered rate, latency from each request's scheduled send time (queueing counted)"
  [[ -z "$open_base_text" ]] || echo "  open-loop rates are shares of $open_base_text"
  echo "  a late send (over 1 ms after its schedule) is queued (its connection's previous answer came late: the server's side)"
  echo "  or the generator's own (its connection was free: the generator woke late); over 1% of the generator's own flags the row"
  echo
  printf '%-56s %12s %10s %10s %10s %8s\n' "workload" "per second" "p50 ms" "p99 ms" "p99.9 ms" "errors"
  printf '%-56s %12s %10s %10s %10s %8s\n' "home timeline, closed loop (saturation)" "$home_tps" "$home_p50" "$home_p99" "$(kv "$home" p999_ms)" "$(kv "$home" errors)"
  if [[ -n "$home_wrk" ]]; then
    printf '%-56s %12s %10s %10s %10s %8s\n' "home timeline, closed loop, wrk client" "$(kv "$home_wrk" throughput_per_s)" \
      "$(kv "$home_wrk" p50_ms)" "$(kv "$home_wrk" p99_ms)" "$(kv "$home_wrk" p999_ms)" "$(kv "$home_wrk" errors)"
  fi
  if [[ -n "$cap_line" ]]; then
    printf '%-56s %12s %10s %10s %10s %8s\n' "home timeline, open-loop capacity (p99 <= 20 ms steps)" "$(kv "$cap_line" capacity_per_s)" "-" "-" "-" "-"
  fi
  for o in "${opens[@]}"; do
    printf '%-56s %12s %10s %10s %10s %8s\n' "home timeline, open loop at $(kv "$o" open_pct)% of $open_base = $(kv "$o" offered_per_s)/s" \
      "$(kv "$o" throughput_per_s)" "$(kv "$o" p50_ms)" "$(kv "$o" p99_ms)" "$(kv "$o" p999_ms)" "$(kv "$o" errors)"
  done
  if [[ -n "$ceil" ]]; then
    printf '%-56s %12s %10s %10s %10s %8s\n' "home CEILING: the same page, no database, closed loop" "$(kv "$ceil" throughput_per_s)" \
      "$(kv "$ceil" p50_ms)" "$(kv "$ceil" p99_ms)" "$(kv "$ceil" p999_ms)" "$(kv "$ceil" errors)"
  fi
  if [[ -n "$ceil_wrk" ]]; then
    printf '%-56s %12s %10s %10s %10s %8s\n' "home CEILING, wrk client" "$(kv "$ceil_wrk" throughput_per_s)" \
      "$(kv "$ceil_wrk" p50_ms)" "$(kv "$ceil_wrk" p99_ms)" "$(kv "$ceil_wrk" p999_ms)" "$(kv "$ceil_wrk" errors)"
  fi
  printf '%-56s %12s %10s %10s %10s %8s\n' "post creation POST /api/v1/statuses, closed loop" "$write_tps" "$write_p50" "$write_p99" "$(kv "$write" p999_ms)" "$(kv "$write" errors)"
  printf '%-56s %12s %10s %10s %10s %8s\n' "pgbench -S (select-only, simple protocol)" "$pg_simple" "-" "-" "-" "-"
  printf '%-56s %12s %10s %10s %10s %8s\n' "pgbench -S -M prepared" "$pg_prepared" "-" "-" "-" "-"
  printf '%-56s %12s %10s %10s %10s %8s\n' "pgbench -N -M prepared (durable writes)" "$pg_writes" "-" "-" "-" "-"
  echo
  echo "CPU during each measured window (warm-up excluded; in cores of $(nproc)), and its cost per request:"
  for r in "$home" ${home_wrk:+"$home_wrk"} "${opens[@]}" "$write" ${ceil:+"$ceil"} ${ceil_wrk:+"$ceil_wrk"}; do
    awk -v l=" $r" 'BEGIN {
      n = split(l, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], x, "="); v[x[1]] = x[2] }
      t = v["throughput_per_s"] + 0; per = (t > 0) ? 1000 / t : 0
      cpu = (v["server_cpu_cores"] + v["pg_cpu_cores"]) * per; rps_cpu = (cpu > 0) ? 1000 / cpu : 0
      label = (v["label"] == "ceiling" ? "home CEILING" : v["workload"] " " v["mode"]) (v["mode"] == "open" ? " " v["offered_per_s"] "/s" : "") (v["client"] == "wrk" ? " wrk" : "")
      cc = ("client_cpu_ms_per_req" in v && v["client_cpu_ms_per_req"] != "n/a") ? v["client_cpu_ms_per_req"] + 0 : v["client_cpu_cores"] * per
      printf "  %-20s server JVM %s (%.3f ms/req), PostgreSQL %s (%.3f ms/req): %.0f requests per CPU-second of both; load generator %s (%.4f ms/req); load average at the window start: %s\n",
        label, v["server_cpu_cores"], v["server_cpu_cores"] * per, v["pg_cpu_cores"], v["pg_cpu_cores"] * per, rps_cpu,
        v["client_cpu_cores"], cc, v["load_avg_before"]
      printf "  %-20s waiting for a core (server + PostgreSQL threads, runnable but not running): %.3f ms/req; serve GC: %d pauses, %.1f ms in all, longest %.1f ms%s\n",
        "", v["runq_ms_per_req"], v["gc_pauses"], v["gc_pause_ms"], v["gc_max_pause_ms"],
        (v["mode"] == "open" ? sprintf("; %s of the sends started over 1 ms late, %s of them the generator'"'"'s own (longest %s ms)%s",
          v["late_sends"], v["client_late_sends"], v["max_client_lag_ms"], (v["generator_behind"] == "yes" ? ": THE GENERATOR FELL BEHIND" : "")) : "") }'
  done
  echo
  printf '%-58s %-24s %s\n' "target" "measured" "verdict"
  printf '%-58s %-24s %s\n' "home timeline p99 < 20 ms (closed loop, saturated)" "$home_p99 ms" "$(verdict "$home_p99" "<" 20)"
  for o in "${opens[@]}"; do
    v="$(verdict "$(kv "$o" p99_ms)" "<" 20)"
    if [[ "$(kv "$o" generator_behind)" == yes ]]; then
      own="$(kv "$o" client_late_sends)"; queued=$(( $(kv "$o" late_sends) - own ))
      if (( own >= queued )); then
        v="$v: the GENERATOR FELL BEHIND ($own sends late with their connection free, $queued queued behind late answers): not a server result"
      else
        v="$v; the GENERATOR also fell behind ($own sends late with their connection free, $queued queued behind late answers): partly the generator's"
      fi
    fi
    printf '%-58s %-24s %s\n' "home timeline p99 < 20 ms (open loop, $(kv "$o" open_pct)% of $open_base, $(kv "$o" offered_per_s)/s)" "$(kv "$o" p99_ms) ms" "$v"
  done
  printf '%-58s %-24s %s\n' "home timeline >= 30% of pgbench -S" "$ratio% ($ratio_prep% of -M prepared)" "$(verdict "$ratio" ">=" 30)"
  if [[ -n "$home_wrk" ]]; then
    ratio_wrk="$(awk -v a="$(kv "$home_wrk" throughput_per_s)" -v b="$pg_simple" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }')"
    printf '%-58s %-24s %s\n' "home timeline >= 30% of pgbench -S, wrk client" "$ratio_wrk%" "$(verdict "$ratio_wrk" ">=" 30)"
    printf '%-58s %-24s %s\n' "home timeline p99 < 20 ms (closed loop, saturated, wrk)" "$(kv "$home_wrk" p99_ms) ms" "$(verdict "$(kv "$home_wrk" p99_ms)" "<" 20)"
  fi
  if [[ -n "$ceil" ]]; then
    ceil_ratio="$(awk -v a="$(kv "$ceil" throughput_per_s)" -v b="$pg_simple" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }')"
    printf '%-58s %-24s %s\n' "home CEILING (no database) as a share of pgbench -S" "$ceil_ratio%" \
      "$(awk -v c="$ceil_ratio" 'BEGIN { print (c >= 30 ? "30% reachable on this stack" : "30% NOT reachable on this stack and client") }')"
  fi
  if [[ -n "$ceil_wrk" ]]; then
    ceil_ratio_wrk="$(awk -v a="$(kv "$ceil_wrk" throughput_per_s)" -v b="$pg_simple" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }')"
    printf '%-58s %-24s %s\n' "home CEILING (no database), wrk client, share of pgbench -S" "$ceil_ratio_wrk%" \
      "$(awk -v c="$ceil_ratio_wrk" 'BEGIN { print (c >= 30 ? "30% reachable on this stack" : "30% NOT reachable on this stack and client") }')"
  fi
  printf '%-58s %-24s %s\n' "post creation >= 1,000 posts/s, durable commits" "$write_tps posts/s" "$(verdict "$write_tps" ">=" 1000)"
  echo
  echo "raw: $home"
  for o in "${opens[@]}"; do echo "raw: $o"; done
  [[ -z "$cap_line" ]] || echo "raw: $cap_line"
  [[ -z "$home_wrk" ]] || echo "raw: $home_wrk"
  echo "raw: $write"
  [[ -z "$ceil" ]] || echo "raw: $ceil"
  [[ -z "$ceil_wrk" ]] || echo "raw: $ceil_wrk"
  echo "home page served by the ceiling: $page_bytes bytes (captured from serve), Link: ${page_link:-none}"
} | tee "$work/report.txt"

if (( explain )); then
  cat "$work/profile.txt"
  echo
  if [[ -s "$work/home-query.sql" ]]; then
    viewer="$(sed -n 2p "$work/tokens.tsv" | cut -f1)"
    # the query as the server sent it, with the viewer's id for $1 (cursor parameters unused on a first page)
    sql="$(sed -E "s/[$][123]\b/${viewer}/g" "$work/home-query.sql")"
    echo "EXPLAIN (ANALYZE, BUFFERS) of the home-timeline query for account $viewer (run twice; the second, warm run shown):"
    psql -X -q -h localhost -p "$pgport" -U postgres -d starling -c "EXPLAIN (ANALYZE, BUFFERS) $sql" >/dev/null 2>&1 || true
    psql -X -h localhost -p "$pgport" -U postgres -d starling -P pager=off -c "EXPLAIN (ANALYZE, BUFFERS) $sql" 2>&1 | tee "$work/home-explain.txt"
  else
    echo "(no home-timeline query was caught in pg_stat_activity)"
  fi
fi
