#!/usr/bin/env bash
# Runs every test of the project: the Java modules (unit, engine, bounded-memory, samples) and the
# Go worker. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
echo "== Java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1) at $JAVA_HOME"
mvn -B -ntp verify "$@"
echo "== Go: $(go version)"
(cd go-worker && ./lint.sh && go test -count=1 ./...)   # lint.sh: gofmt, go vet, staticcheck
