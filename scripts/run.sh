#!/usr/bin/env bash
# Builds the samples and runs one of their classes, generated graph runners included:
#   ./scripts/run.sh QuickStartGraph --input add='[[1,2],[3,4],[5,6]]'
#   ./scripts/run.sh CollatzGraph --input start='[27]' --progress
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: scripts/run.sh <class in io.celestialflow.samples> [arguments...]" >&2
  exit 2
fi
. scripts/java-home.sh
main="$1"
shift
# Maven's own output goes to stderr, so that stdout holds only what the class prints.
mvn -B -ntp -q -pl samples -am package -DskipTests >&2
exec "$JAVA_HOME/bin/java" -cp "samples/target/celestialflow-samples-0.1.0-SNAPSHOT.jar:samples/target/lib/*" \
  "io.celestialflow.samples.$main" "$@"
