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
. scripts/local-redis.sh

echo "== building (mvn -pl redis -am test-compile)" >&2
mvn -B -ntp -q -Dstyle.color=never -pl redis -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
cp="redis/target/test-classes:redis/target/classes:$(cat redis/target/test-classpath.txt)"

start_redis

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
