#!/usr/bin/env bash
# The cost of goloom's preemption points (issue 11): PreemptionBenchmark under the agent with preempt=true and
# preempt=false, same JVM otherwise. Prints both JMH tables and the per-kernel ratio.
#
#   jmh/run-preemption.sh                 # 3x1 s warm-up, 5x1 s measurement, 1 fork per side
#   JMH_ARGS="-f 3 -i 10" jmh/run-preemption.sh
#
# Needs jmh/target/benchmarks.jar and scheduler/target/goloom-scheduler-*.jar:
#   mvn -q -pl jmh -am package -DskipTests
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
JAR=jmh/target/benchmarks.jar
AGENT="$(ls scheduler/target/goloom-scheduler-*.jar | grep -v -e sources -e javadoc | head -1)"
JAVA="${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}"
OUT=jmh/results
mkdir -p "$OUT"
for p in true false; do
  echo "== preempt=$p"
  "$JAVA" -jar "$JAR" PreemptionBenchmark ${JMH_ARGS:-} \
      -jvmArgsAppend "-javaagent:$AGENT=preempt=$p,jmx=false" -rf json -rff "$OUT/preemption-$p.json" | tail -8
done
python3 - "$OUT/preemption-true.json" "$OUT/preemption-false.json" <<'PY'
import json, sys
on = {r["benchmark"].split(".")[-1]: r["primaryMetric"]["score"] for r in json.load(open(sys.argv[1]))}
off = {r["benchmark"].split(".")[-1]: r["primaryMetric"]["score"] for r in json.load(open(sys.argv[2]))}
print("| kernel | preempt=false (ns/op) | preempt=true (ns/op) | cost |")
print("| --- | ---: | ---: | ---: |")
for k in sorted(on):
    print(f"| {k} | {off[k]:.1f} | {on[k]:.1f} | {100 * (on[k] / off[k] - 1):+.1f}% |")
PY
