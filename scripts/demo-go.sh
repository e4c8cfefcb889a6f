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
command -v redis-server >/dev/null || {
  echo "error: redis-server is not on the PATH (Debian/Ubuntu: apt-get install -y redis-server)" >&2
  exit 1
}
go="$(command -v go || true)"
if [ -z "$go" ] && [ -x /usr/local/go/bin/go ]; then go=/usr/local/go/bin/go; fi
if [ -z "$go" ]; then
  echo "error: the Go toolchain (go 1.26+) is not installed: https://go.dev/doc/install" >&2
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/cf-demo-go.XXXXXX")"
pids=()
cleanup() {
  for pid in ${pids[@]+"${pids[@]}"}; do kill "$pid" 2>/dev/null || true; done
  for pid in ${pids[@]+"${pids[@]}"}; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  echo "error: found no free port" >&2
  return 1
}

# wait_for DESCRIPTION SECONDS COMMAND...: runs COMMAND until it succeeds.
wait_for() {
  local what="$1" seconds="$2"
  shift 2
  for _ in $(seq 1 $((seconds * 10))); do
    if "$@" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "error: $what did not come up within ${seconds}s" >&2
  return 1
}

echo "== building the Go worker ($("$go" version | cut -d' ' -f3))" >&2
mkdir -p redis/target/go
(cd go-worker && "$go" build -o ../redis/target/go/cfworker ./cmd/cfworker)
echo "== building the Java side (mvn -pl redis -am test-compile)" >&2
mvn -B -ntp -q -Dstyle.color=never -pl redis -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
cp="redis/target/test-classes:redis/target/classes:$(cat redis/target/test-classpath.txt)"

port="$(free_port)"
url="redis://127.0.0.1:$port"
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  --logfile "$work/redis.log" &
pids+=($!)
wait_for "redis-server on port $port" 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
echo "== redis-server at $url" >&2

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
