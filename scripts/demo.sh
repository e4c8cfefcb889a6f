#!/usr/bin/env bash
# Builds the project and runs a sample pipeline with the live dashboard on embedded defaults (no
# Redis or other service needed): it prints "Dashboard: http://127.0.0.1:PORT/", crawls a simulated
# site for about 45 s (a loop, a splitter, a router, four execution modes) so there is something
# to watch, then keeps serving until Ctrl-C. Options: --seconds N, --port P, --exit.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
mvn -B -ntp -q -Dstyle.color=never -pl web-assets,dashboard -am package -DskipTests
exec "$JAVA_HOME/bin/java" -Dslf4j.internal.verbosity=ERROR \
  -cp "dashboard/target/celestialflow-dashboard-0.1.0-SNAPSHOT.jar:dashboard/target/lib/*" \
  io.celestialflow.dashboard.demo.DashboardDemo "$@"
