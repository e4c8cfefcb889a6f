#!/usr/bin/env bash
# Builds the benchmarks module and runs the JMH report: every CelestialFlow figure beside its
# plain-Java baseline measured in the same run, as a ratio, with its target and PASS/MISS.
#
#   scripts/bench.sh                 # full run (1 fork, 3 x 2 s warmup, 5 x 2 s measurement)
#   scripts/bench.sh --quick         # smoke run, about 1-2 minutes
#   scripts/bench.sh --quick async   # only the pairs matching a regex
#   scripts/bench.sh --prof gc chain # with a JMH profiler
#   scripts/bench.sh --help          # every option of the report
#
# JAVA_HOME comes from scripts/java-home.sh, like the other scripts: the one already set if it is
# a JDK 21+, else the newest JDK 21+ under /usr/lib/jvm (Temurin preferred). Set SKIP_BUILD=1 to
# run the last build again without rebuilding.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# shellcheck source=scripts/java-home.sh
. scripts/java-home.sh
java_version="$(cf_java_major "$JAVA_HOME")"
java_version="${java_version#1.}"

# JMH 1.37 uses sun.misc.Unsafe, which JDK 24+ warns about in every JVM; allow it quietly (the
# forked benchmark JVMs inherit the option).
java_opts=()
if ((java_version >= 23)); then
  java_opts+=(--sun-misc-unsafe-memory-access=allow)
fi

echo "bench.sh: JAVA_HOME=$JAVA_HOME (JDK $java_version)" >&2

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -ntp -pl benchmarks -am package -DskipTests
fi

jar="$(ls benchmarks/target/celestialflow-benchmarks-*.jar 2>/dev/null | grep -v -e '-sources' -e '-javadoc' | head -n 1 || true)"
if [[ -z "$jar" ]]; then
  echo "bench.sh: no benchmarks jar under benchmarks/target; build first (without SKIP_BUILD)" >&2
  exit 1
fi
entries="$("$JAVA_HOME/bin/jar" tf "$jar")"
if ! grep -qx 'META-INF/BenchmarkList' <<<"$entries"; then
  echo "bench.sh: $jar has no META-INF/BenchmarkList: the JMH annotation processor did not run" >&2
  exit 1
fi

exec "$JAVA_HOME/bin/java" "${java_opts[@]}" \
  -cp 'benchmarks/target/*:benchmarks/target/lib/*' \
  io.celestialflow.benchmarks.BenchmarkReport "$@"
