# Shared by the bench scripts (sourced, not run). Expects $work (a scratch directory) and the repository as the
# current directory.

# Prints the redis-server to use: the one on PATH, else the one bundled in the jar (copied into $work).
redis_server_binary() {
  if command -v redis-server >/dev/null; then
    command -v redis-server
  else
    unzip -p target/multiverse9.jar redis-server-6.2.6-v5-linux-amd64 > "$work/redis-server"
    chmod +x "$work/redis-server"
    echo "$work/redis-server"
  fi
}

# start_twemproxy PORT STATS_PORT REDIS_PORT...: nutcracker (twemproxy) on 127.0.0.1:PORT in front of the Redis
# servers on those ports of 127.0.0.1, its stats on loopback too; returns once it answers, its pid in
# $twemproxy_pid. A background job of the caller, so the caller's EXIT trap stops it.
start_twemproxy() {
  local port=$1 stats=$2; shift 2
  {
    echo "pool:"
    echo "  listen: 127.0.0.1:$port"
    echo "  hash: fnv1a_64"
    echo "  distribution: ketama"
    echo "  redis: true"
    echo "  auto_eject_hosts: false"
    echo "  timeout: 2000"
    echo "  servers:"
    for redis in "$@"; do echo "   - 127.0.0.1:$redis:1"; done
  } > "$work/twemproxy-$port.yml"
  nutcracker -c "$work/twemproxy-$port.yml" -o "$work/twemproxy-$port.log" -a 127.0.0.1 -s "$stats" \
    > /dev/null 2>&1 &
  twemproxy_pid=$!
  for _ in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "twemproxy did not start: $(tail -3 "$work/twemproxy-$port.log")" >&2
  return 1
}


# require_free_ports PORT...: stops the script, saying which port and how to find its holder, when anything on
# 127.0.0.1 already listens on one of the ports it is about to use. Otherwise a Redis left running by someone else
# answers the script's "is my Redis up?" check, and the script measures that Redis (or dies without a word when it
# lacks what the script asks of it, as compare.sh did on a Redis without DEBUG POPULATE).
require_free_ports() {
  local port
  for port in "$@"; do
    if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
      echo "$(basename "$0"): port $port on 127.0.0.1 is taken by another process (ss -ltnp | grep :$port shows" \
        "which); stop it and run again" >&2
      exit 1
    fi
  done
}
