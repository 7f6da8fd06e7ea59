#!/usr/bin/env bash
# A node's footprint with the JVM flags launcher.sh sets: time from `launcher.sh run` to accepting connections
# (prebuilt jar, external Redis), resident memory when idle, and with CONNECTIONS idle client connections open.
# Needs redis-cli (Debian: apt-get install redis-tools) and python3.
#
# Usage: bench/footprint.sh [-c CONNECTIONS] [-r RUNS]     (defaults: 10000 connections, 5 start-up runs)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
connections=10000; runs=5
while getopts "c:r:" opt; do
  case $opt in
    c) connections=$OPTARG ;; r) runs=$OPTARG ;;
    *) echo "usage: $0 [-c CONNECTIONS] [-r RUNS]" >&2; exit 2 ;;
  esac
done
command -v redis-cli >/dev/null || { echo "footprint.sh: needs redis-cli (apt-get install redis-tools)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "footprint.sh: needs python3" >&2; exit 1; }
ulimit -n $((connections + 1024)) 2>/dev/null || {
  echo "footprint.sh: cannot open $connections files (ulimit -n $(ulimit -n)); try fewer with -c" >&2; exit 1; }

cd "$here"
./launcher.sh --version >/dev/null # builds the jar if it is missing or stale: start-up is timed on a prebuilt jar
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

source "$here/bench/lib.sh"
redis_server=$(redis_server_binary)
redis_port=6396; node_port=7196
require_free_ports $redis_port $node_port
"$redis_server" --port $redis_port --bind 127.0.0.1 --save "" --appendonly no --dir "$work" > "$work/redis.log" 2>&1 &
until redis-cli -p $redis_port ping >/dev/null 2>&1; do sleep 0.1; done
cat > "$work/node.json" <<JSON
{"name":"footprint","redis_uri":"redis://127.0.0.1:$redis_port","version":"0.1.0",
 "perms":{"open_metadata":true,"open_interactions":true},"addr":"127.0.0.1:$node_port","nodes":[],
 "limits":{"max_connections":$((connections + 10))}}
JSON

rss_mib() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
accepting() { (exec 3<>"/dev/tcp/127.0.0.1/$node_port") 2>/dev/null; }

echo "machine: $(nproc) cores, $(uname -sr); $(java -version 2>&1 | head -1)"
echo "JVM flags: ${MV9_JVM_DEFAULTS-$(sed -n 's/^default_java_opts="\(.*\)"/\1/p' launcher.sh)} ${JAVA_OPTS:-}"
starts=()
for run in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  ./launcher.sh run -s "$work/node.json" > "$work/node.log" 2>&1 &
  node=$!
  until accepting; do
    kill -0 $node 2>/dev/null || { cat "$work/node.log"; echo "footprint.sh: the node exited" >&2; exit 1; }
    sleep 0.01
  done
  starts+=("$(( ($(date +%s%N) - start) / 1000000 ))")
  if [ "$run" -lt "$runs" ]; then kill $node; wait $node 2>/dev/null || true; fi
done
echo "start to accepting connections (ms, $runs runs): ${starts[*]}; median $(printf '%s\n' "${starts[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")"

# idle: after a few requests, once the JIT and the first collection have settled
printf 'PING\nCREATE footprint\n' | python3 -c "
import socket, sys
s = socket.create_connection(('127.0.0.1', $node_port)); s.sendall(sys.stdin.buffer.read()); s.recv(4096); s.close()"
sleep 5
echo "resident memory, idle: $(rss_mib $node) MiB"

python3 - "$node_port" "$connections" "$node" <<'PY'
import socket, sys, time
port, count, node = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def rss():
    for line in open(f"/proc/{node}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
socks = []
for i in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"PING\n")
    socks.append(s)
    if (i + 1) % 2000 == 0:
        print(f"  {i + 1} connections open, resident {rss()} MiB", flush=True)
for s in socks: # every connection was accepted and answered
    if not s.recv(64).startswith(b"{"):
        sys.exit("footprint.sh: a connection was not answered")
time.sleep(5)
print(f"resident memory, {count} idle connections: {rss()} MiB")
for s in socks:
    s.close()
PY
