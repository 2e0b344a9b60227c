#!/usr/bin/env bash
# Issue 10's server benchmark: an unmodified Helidon SE 4 WebServer (a virtual thread per connection, blocking socket
# I/O) loaded by wrk over loopback, JDK default scheduler vs -javaagent:goloom-scheduler.jar, at P=1 and P=2, plus
# the timer-lateness probe. Renders the "Server benchmark" section of docs/benchmarks.md (+ docs/plots/http-server*.svg).
#
#   httpbench/run-httpbench.sh quick   # a look: 1 round, 2 s warm-up + 3 s measured per cell (~4 min)
#   httpbench/run-httpbench.sh full    # the published numbers: 3 rounds, 5 s + 10 s per cell (~25 min)
#
# Per round, for P in PROCS, for each route, for sched in jdk goloom (interleaved: JDK, goloom, JDK, goloom, ...):
# start a fresh server JVM, warm it up with wrk on the route (not recorded), then snapshot /proc/<pid>, run
# `wrk --latency` for the measured window, snapshot again, count carriers, stop the JVM. One line per cell goes to
# jmh/results/http-server-<mode>.txt; the lateness lines to jmh/results/timer-lateness-<mode>.txt.
#
# P=1: server `taskset -c 1` with GOMAXPROCS=1 / -Djdk.virtualThreadScheduler.parallelism=1, wrk `taskset -c 0`.
# P=2: server and wrk share CPUs 0,1. (Both flags are given to both JVMs; each scheduler reads its own.)
#
# Environment:
#   PROCS="1,2"       P values (P>2 pins server and wrk to CPUs 0..P-1, shared)
#   ROUTES="plain sleep sleep512 cpu ring"   routes; sleep512 = /sleep with 512 connections
#   CONNS=64          wrk connections for the other routes
#   ROUNDS / WARMUP / MEASURE_SECONDS   override the mode's rounds and per-cell seconds
#   LATENCY_SECONDS   seconds per lateness run (quick 3, full 10); SKIP_LATENCY=1 / SKIP_HTTP=1 skip a part
#   SKIP_BUILD=1      reuse the built classes; SKIP_RENDER=1 leave docs/ alone
#   JAVA=/path/java   the JDK 25 java (default: /usr/lib/jvm/*25*/bin/java)
set -euo pipefail

MODE="${1:-quick}"
case "$MODE" in
  quick) ROUNDS="${ROUNDS:-1}"; WARMUP="${WARMUP:-2}"; SECONDS_="${MEASURE_SECONDS:-3}"; LAT_S="${LATENCY_SECONDS:-3}" ;;
  full)  ROUNDS="${ROUNDS:-3}"; WARMUP="${WARMUP:-5}"; SECONDS_="${MEASURE_SECONDS:-10}"; LAT_S="${LATENCY_SECONDS:-10}" ;;
  *) echo "usage: $0 [quick|full]" >&2; exit 2 ;;
esac
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PROCS="${PROCS:-1,2}"
ROUTES="${ROUTES:-plain sleep sleep512 cpu ring}"
CONNS="${CONNS:-64}"
RESULTS=jmh/results
mkdir -p "$RESULTS"
HTTP_OUT="$RESULTS/http-server-$MODE.txt"
LAT_OUT="$RESULTS/timer-lateness-$MODE.txt"
START_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
SERVER_JVM_FLAGS=(-Xms512m -Xmx512m)

# --- tools -------------------------------------------------------------------------------------------------------
if ! command -v wrk > /dev/null; then
  echo "== wrk is missing: apt-get install -y wrk"
  if [[ "$(id -u)" == 0 ]]; then apt-get install -y wrk > /dev/null || { apt-get update > /dev/null && apt-get install -y wrk > /dev/null; }
  else sudo apt-get install -y wrk > /dev/null; fi
fi
command -v taskset > /dev/null || { echo "taskset (util-linux) is needed" >&2; exit 1; }
JAVA="${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1 || true)}"
[[ -x "$JAVA" ]] || { echo "no JDK 25 java found: set JAVA=/path/to/jdk-25/bin/java" >&2; exit 1; }
NCPU="$(nproc)"
CLK_TCK="$(getconf CLK_TCK)"

# --- build: the agent jar, the server's class path, the report renderer ---------------------------------------------
if [[ -z "${SKIP_BUILD:-}" ]]; then
  echo "== building (scheduler agent jar, httpbench, jmh report)"
  mvn -q -pl httpbench,jmh -am package -DskipTests -Pclasspath > /tmp/httpbench-build.$$.log 2>&1 \
    || { cat /tmp/httpbench-build.$$.log >&2; exit 1; }
  rm -f /tmp/httpbench-build.$$.log
fi
AGENT="$(ls scheduler/target/goloom-scheduler-*.jar 2>/dev/null | grep -v -- '-sources\|-javadoc' | head -1 || true)"
[[ -f "$AGENT" ]] || { echo "no scheduler/target/goloom-scheduler-*.jar: run without SKIP_BUILD" >&2; exit 1; }
CP="httpbench/target/classes:$(cat httpbench/target/classpath.txt)"
echo "== java: $JAVA; agent: $AGENT; wrk: $(wrk -v 2>&1 | head -1 | cut -c1-40)"

server_cpus() { if [[ "$1" == 1 ]]; then echo 1; else echo "0-$(( $1 - 1 ))"; fi; }
wrk_cpus()    { if [[ "$1" == 1 ]]; then echo 0; else echo "0-$(( $1 - 1 ))"; fi; }
sched_flags() { # sched P -> the JVM flags of that set-up
  if [[ "$1" == goloom ]]; then echo "-javaagent:$AGENT"; fi
}

# /proc snapshot of the server: "<utime+stime ticks> <voluntary+nonvoluntary context switches of all live threads>"
snap() {
  local pid="$1" ticks cs
  ticks="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
  cs="$(cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s + 0}')"
  echo "$ticks $cs"
}

# thread counts by name at the end of the window: goloom's Ms, the JDK scheduler's ForkJoinPool workers, all
threads() {
  local pid="$1" comms
  comms="$(cat /proc/"$pid"/task/*/comm 2>/dev/null || true)"
  echo "goloom_m=$(grep -c '^goloom-M' <<< "$comms" || true) fjp_workers=$(grep -c '^ForkJoinPool-' <<< "$comms" || true) threads=$(wc -l <<< "$comms")"
}

SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2> /dev/null; then
    kill -TERM "$SERVER_PID" 2> /dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2> /dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2> /dev/null || true
    wait "$SERVER_PID" 2> /dev/null || true
  fi
  SERVER_PID=""
}
trap stop_server EXIT

# start_server sched P -> sets SERVER_PID and PORT, or returns 1
start_server() {
  local sched="$1" p="$2" out
  out="$(mktemp /tmp/httpbench-server.XXXXXX)"
  # shellcheck disable=SC2046
  GOMAXPROCS="$p" taskset -c "$(server_cpus "$p")" "$JAVA" "${SERVER_JVM_FLAGS[@]}" $(sched_flags "$sched") \
      -Djdk.virtualThreadScheduler.parallelism="$p" -cp "$CP" io.goloom.httpbench.BenchServer 0 \
      > "$out" 2> "$out.err" &
  SERVER_PID=$!
  PORT=""
  for _ in $(seq 1 300); do
    PORT="$(sed -n 's/^httpbench listening port=\([0-9]*\).*/\1/p' "$out")"
    [[ -n "$PORT" ]] && break
    kill -0 "$SERVER_PID" 2> /dev/null || break
    sleep 0.2
  done
  if [[ -z "$PORT" ]]; then
    echo "server ($sched, P=$p) did not start:" >&2; tail -20 "$out.err" >&2
    stop_server; rm -f "$out" "$out.err"; return 1
  fi
  rm -f "$out" "$out.err"
}

# wrk latency line value (e.g. "1.23ms", "850.00us", "1.02s") -> milliseconds
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }

# --- HTTP ----------------------------------------------------------------------------------------------------------
if [[ -z "${SKIP_HTTP:-}" ]]; then
  {
    echo "# httpbench $MODE $START_DATE: Helidon SE $(sed -n 's#.*helidon-webserver-\([^/]*\)\.jar.*#\1#p' <<< "${CP//:/$'\n'}" | head -1) WebServer, wrk over loopback"
    echo "# machine: $NCPU CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(uname -r); $("$JAVA" -version 2>&1 | sed -n 2p)"
    echo "# rounds=$ROUNDS warmup_s=$WARMUP seconds=$SECONDS_ conns=$CONNS (sleep512: 512) wrk_threads=1 clk_tck=$CLK_TCK load=$(cut -d' ' -f1-3 /proc/loadavg)"
  } > "$HTTP_OUT"
  echo "== HTTP ($MODE: $ROUNDS round(s), ${WARMUP}s warm-up + ${SECONDS_}s per cell) -> $HTTP_OUT"
  for round in $(seq 1 "$ROUNDS"); do
    for p in ${PROCS//,/ }; do
      for route in $ROUTES; do
        path="/$route"; conns="$CONNS"
        if [[ "$route" == sleep512 ]]; then path=/sleep; conns=512; fi
        for sched in jdk goloom; do
          if ! start_server "$sched" "$p"; then
            echo "round=$round P=$p route=$route sched=$sched conns=$conns error=server-did-not-start" >> "$HTTP_OUT"
            continue
          fi
          url="http://127.0.0.1:$PORT$path"
          taskset -c "$(wrk_cpus "$p")" timeout $(( WARMUP + 30 )) wrk -t1 -c"$conns" -d"${WARMUP}s" --timeout 10s "$url" > /dev/null 2>&1 || true
          read -r t0 cs0 <<< "$(snap "$SERVER_PID")"
          wout="$(taskset -c "$(wrk_cpus "$p")" timeout $(( SECONDS_ + 30 )) wrk -t1 -c"$conns" -d"${SECONDS_}s" --timeout 10s --latency "$url" 2>&1 || true)"
          if ! kill -0 "$SERVER_PID" 2> /dev/null; then
            echo "round=$round P=$p route=$route sched=$sched conns=$conns error=server-died" >> "$HTTP_OUT"
            stop_server; continue
          fi
          read -r t1 cs1 <<< "$(snap "$SERVER_PID")"
          thr="$(threads "$SERVER_PID")"
          stop_server
          reqs="$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' <<< "$wout")"
          rps="$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<< "$wout")"
          p50="$(to_ms "$(awk '$1 == "50%" {print $2}' <<< "$wout")")"
          p99="$(to_ms "$(awk '$1 == "99%" {print $2}' <<< "$wout")")"
          errs="$(awk '/Socket errors/ {gsub(",", ""); s = $4 + $6 + $8 + $10} /Non-2xx/ {s += $NF} END {print s + 0}' <<< "$wout")"
          if [[ -z "$reqs" || "$reqs" == 0 ]]; then
            echo "round=$round P=$p route=$route sched=$sched conns=$conns error=no-requests" >> "$HTTP_OUT"
            echo "$wout" | sed 's/^/#   /' >> "$HTTP_OUT"
            continue
          fi
          line="$(awk -v r="$round" -v p="$p" -v route="$route" -v s="$sched" -v c="$conns" -v d="$SECONDS_" \
              -v reqs="$reqs" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v dt=$(( t1 - t0 )) -v dcs=$(( cs1 - cs0 )) \
              -v hz="$CLK_TCK" -v errs="$errs" -v thr="$thr" 'BEGIN {
                printf "round=%d P=%d route=%s sched=%s conns=%d seconds=%d requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f cpu_us_per_req=%.2f cs_per_req=%.3f errors=%d %s\n",
                  r, p, route, s, c, d, reqs, rps, p50, p99, dt * 1e6 / hz / reqs, dcs / reqs, errs, thr }')"
          echo "$line" | tee -a "$HTTP_OUT"
        done
      done
    done
  done
fi

# --- timer lateness with every P busy ------------------------------------------------------------------------------
if [[ -z "${SKIP_LATENCY:-}" ]]; then
  echo "# timer lateness $MODE $START_DATE: GOMAXPROCS busy virtual threads (yield: 100 us slices + Thread.yield) or GOMAXPROCS pairs (pingpong: 100 us slices, unpark partner + park), 4 sleepers of Thread.sleep(1 ms), ${LAT_S}s after a 1 s warm-up" > "$LAT_OUT"
  echo "== timer lateness ($ROUNDS round(s), ${LAT_S}s each) -> $LAT_OUT"
  for round in $(seq 1 "$ROUNDS"); do
    for p in ${PROCS//,/ }; do
      for kind in yield pingpong; do
        for sched in jdk goloom; do
          # shellcheck disable=SC2046
          l="$(GOMAXPROCS="$p" taskset -c "$(server_cpus "$p")" timeout $(( 2 * LAT_S + 90 )) "$JAVA" "${SERVER_JVM_FLAGS[@]}" \
              $(sched_flags "$sched") -Djdk.virtualThreadScheduler.parallelism="$p" -cp "$CP" \
              io.goloom.httpbench.TimerLateness "$sched" "$p" "$LAT_S" 4 100 "$kind" 2>&1 | grep '^lateness' \
              || echo "lateness sched=$sched kind=$kind error=failed")"
          echo "round=$round P=$p $l" | tee -a "$LAT_OUT"
        done
      done
    done
  done
fi

# --- report ----------------------------------------------------------------------------------------------------------
if [[ -z "${SKIP_RENDER:-}" ]]; then
  echo "== rendering the server section of docs/benchmarks.md"
  "$JAVA" -cp jmh/target/classes io.goloom.jmh.report.HttpServerReport --mode "$MODE" \
      --http "$HTTP_OUT" --lateness "$LAT_OUT" --out docs/benchmarks.md --plots docs/plots --notes httpbench/notes.md \
      --command "httpbench/run-httpbench.sh $MODE" --date "$START_DATE"
fi
