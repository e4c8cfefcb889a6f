# Sourced by the Redis demos: a temporary work directory, processes stopped on exit (started ones
# are added to `pids`), `wait_for`, and `start_redis`, which starts a redis-server of the demo's
# own on a free loopback port and sets `url`. Needs redis-server on the PATH.
command -v redis-server >/dev/null || {
  echo "error: redis-server is not on the PATH (Debian/Ubuntu: apt-get install -y redis-server)" >&2
  exit 1
}

work="$(mktemp -d "${TMPDIR:-/tmp}/cf-demo.XXXXXX")"
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

start_redis() {
  local port
  port="$(free_port)"
  url="redis://127.0.0.1:$port"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
    --logfile "$work/redis.log" &
  pids+=($!)
  wait_for "redis-server on port $port" 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
  echo "== redis-server at $url" >&2
}
