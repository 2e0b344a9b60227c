#!/usr/bin/env bash
# The cost of goloom's preemption points (issue 11): PreemptionBenchmark under the agent with preempt=true and
# preempt=false, same JVM otherwise, alternated ROUNDS times (on, off, on, off, ...) so that a load change on a
# shared machine hits both sides alike. Prints, per kernel, the best (lowest) and the median score of each side
# over the rounds, and the cost of the points on both.
#
#   jmh/run-preemption.sh                       # 3 rounds of 1 fork, 3x0.5 s warm-up, 5x0.5 s measurement
#   ROUNDS=5 JMH_ARGS="-wi 5 -i 10 -w 1 -r 1" jmh/run-preemption.sh
#   JMH_IGNORE_LOCK=1 ...                      # run although another JMH holds /tmp/jmh.lock (a shared machine)
#
# Needs jmh/target/benchmarks.jar and scheduler/target/goloom-scheduler-*.jar:
#   mvn -q -pl jmh -am package -DskipTests
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
JAR=jmh/target/benchmarks.jar
AGENT="$(ls scheduler/target/goloom-scheduler-*.jar | grep -v -e sources -e javadoc | head -1)"
JAVA="${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}"
ROUNDS="${ROUNDS:-3}"
OUT=jmh/results
mkdir -p "$OUT"
for r in $(seq 1 "$ROUNDS"); do
  for p in true false; do
    echo "== round $r preempt=$p"
    "$JAVA" ${JMH_IGNORE_LOCK:+-Djmh.ignoreLock=true} -jar "$JAR" PreemptionBenchmark -f 1 -wi 3 -i 5 -w 500ms -r 500ms ${JMH_ARGS:-} \
        -jvmArgsAppend "-javaagent:$AGENT=preempt=$p,jmx=false" -rf json -rff "$OUT/preemption-$p-$r.json" \
        | grep -E '^PreemptionBenchmark\.' || true
  done
done
python3 - "$OUT" "$ROUNDS" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def load(p):
    s = {}
    for r in range(1, rounds + 1):
        for b in json.load(open(f"{out}/preemption-{p}-{r}.json")):
            s.setdefault(b["benchmark"].split(".")[-1], []).append(b["primaryMetric"]["score"])
    return s
on, off = load("true"), load("false")
print("| kernel | points | preempt=false best / median (ns/op) | preempt=true best / median (ns/op) | cost (best) | cost (median) |")
print("| --- | --- | ---: | ---: | ---: | ---: |")
points = {"vector": "none (counted, no calls)", "nested": "outer two loops", "recursive": "entry of fib",
          "collections": "every iteration", "linkedList": "every iteration (no calls)"}
for k in sorted(on):
    bo, mo, bf, mf = min(on[k]), statistics.median(on[k]), min(off[k]), statistics.median(off[k])
    print(f"| {k} | {points.get(k, '?')} | {bf:,.1f} / {mf:,.1f} | {bo:,.1f} / {mo:,.1f} | {100 * (bo / bf - 1):+.1f}% | {100 * (mo / mf - 1):+.1f}% |")
PY
