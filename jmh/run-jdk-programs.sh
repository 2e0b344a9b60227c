#!/usr/bin/env bash
# Issue 12: unmodified JDK programs (JdkProgramsBenchmark) on the JDK default scheduler, under the goloom agent,
# under the agent without HotSpot's JVMTI virtual-thread transitions, and on a library GoScheduler.
#
#   jmh/run-jdk-programs.sh            # quick: 1 fork, 1 warm-up + 2 iterations of 1 s each (a first look)
#   MODES="jdk flag" PROGRAMS='synchronousQueue|sieve' jmh/run-jdk-programs.sh
#   JMH_JAVA_OPTS=-Djmh.ignoreLock=true jmh/run-jdk-programs.sh   # beside another JMH run (numbers then unreliable)
#
# Writes jmh/results/jdk-programs-<mode>.json and prints a table of ns per operation (JdkPrograms.opsOf).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
MODES="${MODES:-jdk flag flag-nt library}"
PROCS="${PROCS:-1,2}"
OPTS=(${JMH_OPTS:--f 1 -wi 1 -i 2 -w 1s -r 1s})
JAR=jmh/target/benchmarks.jar
if [[ -z "${SKIP_BUILD:-}" ]]; then
  mvn -q -pl jmh -am package -DskipTests
fi
AGENT_JAR="$(ls scheduler/target/goloom-scheduler-*.jar | grep -v -- '-sources\|-javadoc' | head -1)"
JAVA="$(ls -d /usr/lib/jvm/*25*/bin/java | head -1)"
mkdir -p jmh/results
for mode in $MODES; do
  extra=()
  case "$mode" in
    flag) extra=(-jvmArgsAppend "-javaagent:$AGENT_JAR") ;;
    flag-nt) extra=(-jvmArgsAppend "-javaagent:$AGENT_JAR -XX:+UnlockExperimentalVMOptions -XX:-DoJVMTIVirtualThreadTransitions") ;;
  esac
  # shellcheck disable=SC2086
  "$JAVA" ${JMH_JAVA_OPTS:-} --add-opens java.base/java.lang=ALL-UNNAMED -jar "$JAR" "JdkProgramsBenchmark.run" "${OPTS[@]}" \
      -p mode="$mode" -p procs="$PROCS" ${PROGRAMS:+-p program="${PROGRAMS//|/,}"} -foe false "${extra[@]}" \
      -rf json -rff "jmh/results/jdk-programs-$mode.json" > "jmh/results/jdk-programs-$mode.log" 2>&1 \
      || echo "JMH for mode=$mode failed: see jmh/results/jdk-programs-$mode.log" >&2
done
"$JAVA" -cp "$JAR" io.goloom.jmh.report.JdkProgramsTable jmh/results $MODES
