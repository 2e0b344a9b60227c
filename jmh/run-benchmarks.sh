#!/usr/bin/env bash
# Runs goloom's benchmark suite and renders docs/benchmarks.md (+ docs/plots/*.svg).
#
#   jmh/run-benchmarks.sh quick    # a first look: ~15 min on 2 cores
#   jmh/run-benchmarks.sh full     # the published numbers: about an hour on 2 cores
#
# Steps: build jmh/target/benchmarks.jar; run JMH (-> jmh/results/jmh-<mode>.json); run the starvation probe in
# one JVM per scheduler and P (-> jmh/results/starvation-<mode>.txt); run the Go twins with GOMAXPROCS=P when `go`
# is installed (-> jmh/results/go-<mode>.txt; skipped with a note otherwise); run the examples' HTTP load demo
# if it builds (-> jmh/results/http-<mode>.txt); render the report.
#
# Environment:
#   PROCS="1,2"        the P values (GOMAXPROCS / parallelism); add 4,8,... on a bigger machine
#   JMH_ARGS="..."     extra JMH arguments, e.g. a benchmark regex: JMH_ARGS='PingPong|Skynet'
#   SKIP_BUILD=1       reuse jmh/target/benchmarks.jar
#   SKIP_JMH=1 / SKIP_GO=1 / SKIP_STARVATION=1 / SKIP_HTTP=1   re-render with the results already in jmh/results
set -euo pipefail

MODE="${1:-quick}"
case "$MODE" in quick|full) ;; *) echo "usage: $0 [quick|full]" >&2; exit 2 ;; esac
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PROCS="${PROCS:-1,2}"
RESULTS=jmh/results
mkdir -p "$RESULTS"
JAR=jmh/target/benchmarks.jar
START_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

# --- build, and find the JDK 25 that Maven's toolchain picks ------------------------------------------------
JAVA_HOME_25=""
if [[ -z "${SKIP_BUILD:-}" ]]; then
  echo "== building $JAR"
  # the java-home profile makes the toolchain's java print its properties during the same build
  BUILD_LOG="$(mvn -q -pl jmh -am -Pjava-home package -DskipTests 2>&1)" || { echo "$BUILD_LOG" >&2; exit 1; }
  JAVA_HOME_25="$(echo "$BUILD_LOG" | sed -n 's/^ *java\.home = //p' | head -1)"
fi
if [[ -n "$JAVA_HOME_25" && -x "$JAVA_HOME_25/bin/java" ]]; then
  JAVA="$JAVA_HOME_25/bin/java"
else
  JAVA="$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1 || true)"   # SKIP_BUILD, or no toolchain output
fi
if [[ -z "$JAVA" ]]; then
  echo "no JDK 25 found (Maven toolchain or /usr/lib/jvm/*25*)" >&2
  exit 1
fi
echo "== java: $JAVA"
JVM_FLAGS=(--add-opens java.base/java.lang=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)

# --- JMH -------------------------------------------------------------------------------------------------------
if [[ -z "${SKIP_JMH:-}" ]]; then
  if [[ "$MODE" == quick ]]; then
    OPTS=(-f 1 -wi 1 -i 2 -w 1s -r 1s)
  else
    OPTS=(-f 2 -wi 3 -i 5 -w 2s -r 2s)
  fi
  echo "== JMH ($MODE) -> $RESULTS/jmh-$MODE.json"
  # shellcheck disable=SC2086
  "$JAVA" "${JVM_FLAGS[@]}" -jar "$JAR" "${OPTS[@]}" -p procs="$PROCS" -foe false \
      -rf json -rff "$RESULTS/jmh-$MODE.json" ${JMH_ARGS:-} | tee "$RESULTS/jmh-$MODE.log"
fi

# --- starvation (not JMH: a maximum, one JVM per scheduler and P) ----------------------------------------------
HOG_MS=1000; [[ "$MODE" == full ]] && HOG_MS=3000
if [[ -z "${SKIP_STARVATION:-}" ]]; then
  echo "== starvation ($HOG_MS ms hogs) -> $RESULTS/starvation-$MODE.txt"
  : > "$RESULTS/starvation-$MODE.txt"
  for p in ${PROCS//,/ }; do
    for impl in goloom jdk; do
      "$JAVA" "${JVM_FLAGS[@]}" -Djdk.virtualThreadScheduler.parallelism="$p" -cp "$JAR" \
          io.goloom.jmh.workloads.Starvation "$impl" "$p" "$HOG_MS" | tee -a "$RESULTS/starvation-$MODE.txt"
    done
  done
fi

# --- Go twins ----------------------------------------------------------------------------------------------------
if [[ -z "${SKIP_GO:-}" ]]; then
  GO="$(command -v go || ls /usr/lib/go/bin/go 2>/dev/null || true)"
  if [[ -n "$GO" ]]; then
    echo "== Go twins -> $RESULTS/go-$MODE.txt"
    (cd jmh/go && "$GO" build -o ../target/gotwins .)
    echo "# $("$GO" version)" > "$RESULTS/go-$MODE.txt"
    for p in ${PROCS//,/ }; do
      GOMAXPROCS="$p" jmh/target/gotwins -mode "$MODE" -hog-ms "$HOG_MS" | tee -a "$RESULTS/go-$MODE.txt"
    done
  else
    echo "== go is not installed: skipping the Go twins (apt-get install golang-go)"
    echo "# go: not installed, Go twins skipped" > "$RESULTS/go-$MODE.txt"
  fi
fi

# --- HTTP: the examples module's server demo under load (goloom agent vs JDK default), when it exists ---------
if [[ -z "${SKIP_HTTP:-}" ]]; then
  HTTP_OUT="$RESULTS/http-$MODE.txt"
  HTTP_SECONDS=5; [[ "$MODE" == full ]] && HTTP_SECONDS=15
  if mvn -q -pl examples -am package -DskipTests > /dev/null 2>&1 \
      && [[ -f examples/target/classes/io/goloom/examples/HttpLoadDemo.class ]]; then
    AGENT_JAR="$(ls scheduler/target/goloom-scheduler-*.jar 2>/dev/null | grep -v -- '-sources\|-javadoc' | head -1)"
    echo "== HTTP (examples HttpLoadDemo, ${HTTP_SECONDS}s per scheduler) -> $HTTP_OUT"
    timeout 600 "$JAVA" -Dgoloom.agent.jar="$AGENT_JAR" -Ddemo.seconds="$HTTP_SECONDS" \
        -cp examples/target/classes:scheduler/target/classes io.goloom.examples.HttpLoadDemo > "$HTTP_OUT" 2>&1 \
        || echo "# HttpLoadDemo failed (exit $?)" >> "$HTTP_OUT"
    grep -E 'requests/s|^JDK default|^goloom agent|throughput' "$HTTP_OUT" || true
  else
    echo "== HTTP: examples' HttpLoadDemo is not buildable here; the HTTP row stays pending"
    echo "# HttpLoadDemo not available" > "$HTTP_OUT"
  fi
fi

# --- report ------------------------------------------------------------------------------------------------------
echo "== rendering docs/benchmarks.md"
"$JAVA" -cp "$JAR" io.goloom.jmh.report.Report --mode "$MODE" \
    --jmh "$RESULTS/jmh-$MODE.json" --go "$RESULTS/go-$MODE.txt" --starvation "$RESULTS/starvation-$MODE.txt" \
    --http "$RESULTS/http-$MODE.txt" \
    --out docs/benchmarks.md --plots docs/plots --notes jmh/report/notes.md \
    --command "jmh/run-benchmarks.sh $MODE" --date "$START_DATE"
