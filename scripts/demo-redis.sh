#!/usr/bin/env bash
# The Redis bridge demo: starts a redis-server of its own on a free loopback port and two worker
# processes — the demo graph's own runner started with `--worker square` — then runs the graph
# (io.celestialflow.redis.RedisDemo) through them and prints the results and which worker did
# what. Everything it started is stopped when it exits, however it exits.
#   scripts/demo-redis.sh [N]      # square 1..N (default 20)
# Needs JDK 21+ and redis-server (Debian/Ubuntu: apt-get install -y redis-server).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-20}"
. scripts/java-home.sh
command -v redis-server >/dev/null || {
  echo "error: redis-server is not on the PATH (Debian/Ubuntu: apt-get install -y redis-server)" >&2
  exit 1
}

work="$(mktemp -d "${TMPDIR:-/tmp}/cf-demo-redis.XXXXXX")"
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

echo "== building (mvn -pl redis -am test-compile)" >&2
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
  "$JAVA_HOME/bin/java" -cp "$cp" io.celestialflow.redis.graphs.DemoGraph \
    --worker square --redis "$url" --worker-consumer "worker-$i" --worker-concurrency 2 --worker-batch 2 \
    >"$work/worker-$i.out" 2>"$work/worker-$i.log" &
  pids+=($!)
done
for i in 1 2; do
  wait_for "worker-$i" 60 grep -q '^ready ' "$work/worker-$i.out"
  echo "== $(cat "$work/worker-$i.out")" >&2
done

echo "== running graph 'demo' over 1..$n" >&2
"$JAVA_HOME/bin/java" -cp "$cp" io.celestialflow.redis.RedisDemo "$url" "$n"
