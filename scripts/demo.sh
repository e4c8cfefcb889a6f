#!/usr/bin/env bash
# Builds the project and runs the sample pipeline (no Redis or other service needed).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
mvn -B -ntp -q -pl samples -am package -DskipTests
exec "$JAVA_HOME/bin/java" -cp "samples/target/celestialflow-samples-0.1.0-SNAPSHOT.jar:samples/target/lib/*" \
  io.celestialflow.samples.Demo "$@"
