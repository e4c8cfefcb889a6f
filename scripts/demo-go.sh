#!/usr/bin/env bash
# The Go worker demo: builds the Go worker (go-worker/cmd/cfworker), starts a redis-server of its
# own on a free loopback port and two Go workers serving `fib` (naive Fibonacci) and `sum` (exact
# 64-bit sums), then runs a Java graph (io.celestialflow.redis.GoDemo) whose remote stages they
# serve and whose Java stages take their results; prints the results and which worker did what.
# Everything it started is stopped when it exits, however it exits.
#   scripts/demo-go.sh [N]      # fib(N-9..N) (default 30)
# Needs JDK 21+, Go 1.26+ and redis-server (Debian/Ubuntu: apt-get install -y redis-server).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-30}"
. scripts/java-home.sh
. scripts/local-redis.sh
go="$(command -v go || true)"
if [ -z "$go" ] && [ -x /usr/local/go/bin/go ]; then go=/usr/local/go/bin/go; fi
if [ -z "$go" ]; then
  echo "error: the Go toolchain (go 1.26+) is not installed: https://go.dev/doc/install" >&2
  exit 1
fi

echo "== building the Go worker ($("$go" version | cut -d' ' -f3))" >&2
mkdir -p redis/target/go
(cd go-worker && "$go" build -o ../redis/target/go/cfworker ./cmd/cfworker)
echo "== building the Java side (mvn -pl redis -am test-compile)" >&2
mvn -B -ntp -q -Dstyle.color=never -pl redis -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
cp="redis/target/test-classes:redis/target/classes:$(cat redis/target/test-classpath.txt)"

start_redis

for i in 1 2; do
  redis/target/go/cfworker -redis "$url" -graph godemo -stages fib,sum -consumer "go-$i" \
    -concurrency 2 -ready-file "$work/go-$i.ready" >"$work/go-$i.out" 2>"$work/go-$i.log" &
  pids+=($!)
done
for i in 1 2; do
  wait_for "Go worker go-$i" 30 test -s "$work/go-$i.ready"
  echo "== $(cat "$work/go-$i.ready")" >&2
done

echo "== running graph 'godemo'" >&2
"$JAVA_HOME/bin/java" -cp "$cp" io.celestialflow.redis.GoDemo "$url" "$n"
