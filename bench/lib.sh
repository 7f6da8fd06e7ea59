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

# cpu_ticks PID[,PID...]: the CPU time (user + system, in clock ticks) these processes have used so far
cpu_ticks() {
  local total=0 pid
  for pid in ${1//,/ }; do
    # past the command name in parentheses (which may hold spaces), utime and stime are fields 12 and 13
    total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
  done
  echo "$total"
}

# cpu_ticks_of_children PID: the CPU time the finished children of shell PID have used (pass $BASHPID: inside
# $(...) this function runs in a subshell of its own)
cpu_ticks_of_children() {
  sed 's/.*) //' "/proc/$1/stat" | awk '{print $14 + $15}'
}

# measured "NAME=PID[,PID...] ..." -- COMMAND...: runs COMMAND (a bench with --json) and prints its last JSON line
# with "cpu_us_per_request" added: for each named group of processes, and for COMMAND itself ("bench"), the CPU
# time (user + system) it spent during the command, divided by the requests answered (warm-up included). On a
# machine whose cores every process shares, this says who spends them.
measured() {
  local groups=$1; shift 2
  local shell=$BASHPID before=() group ticks="" i=0
  for group in $groups; do before+=("$(cpu_ticks "${group#*=}")"); done
  local start; start=$(cpu_ticks_of_children "$shell")
  local json; json=$("$@" 2>/dev/null | tail -1)
  local bench=$(( $(cpu_ticks_of_children "$shell") - start ))
  for group in $groups; do
    ticks+="${group%%=*}=$(( $(cpu_ticks "${group#*=}") - ${before[$i]} )) "; i=$((i + 1))
  done
  python3 - "$json" "${ticks}bench=$bench" "$(getconf CLK_TCK)" <<'PY'
import json, sys
result, ticks, hz = json.loads(sys.argv[1]), sys.argv[2].split(), int(sys.argv[3])
answered = result["requests"] + result.get("warmup_requests", 0)
result["cpu_us_per_request"] = {
    name: round(int(t) * 1e6 / hz / answered, 1) for name, t in (x.split("=") for x in ticks)}
print(json.dumps(result))
PY
}
