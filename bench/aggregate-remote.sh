#!/usr/bin/env bash
# AGGREGATE of many keys, on one node and spread over its peers, beside twemproxy doing the same for a user, in one
# run on one machine. Starts three nodes (127.0.0.2, .3, .4, each with its own embedded Redis and launcher.sh's JVM
# flags, one node verticle, storage and peer verticles at their default of one per core), warms each path up, and
# loads node A with `bench`: N keys stored on A, then N keys spread over its two peers. Then, when twemproxy
# (Debian package nutcracker) is installed: MGET of N keys through twemproxy in front of one Redis (beside the local
# AGGREGATE) and in front of three Redis shards (beside the AGGREGATE over peers), loaded by `bench --redis` with
# the same flags.
#
# Every result also says how much CPU each process spent per request during the measured run (bench --cpu): on
# a machine whose cores all of these processes share, the throughput of a run is the machine's capacity divided
# by the sum of those, and the figures say who spends it.
#
# Usage: bench/aggregate-remote.sh [KEYS] [REQUESTS] [CONNECTIONS] [WARMUP_SECONDS]   (100 20000 10 10)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
keys=${1:-100}; requests=${2:-20000}; connections=${3:-10}; warmup=${4:-10}
command -v python3 >/dev/null || { echo "aggregate-remote.sh: needs python3" >&2; exit 1; }
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
cd "$here"
./launcher.sh --version >/dev/null # builds the jar if it is missing or stale, before any node starts
source "$here/bench/lib.sh"
require_free_ports 6391 6392 6393 7195 7196 22297 22298

node() { # name addr nodes-json
  cat > "$work/$1.json" <<JSON
{"name":"$1","redis_uri":"embedded","version":"0.1.0","perms":{"open_metadata":true,"open_interactions":false},
 "addr":"$2","nodes":$3,"data_dir":"$work/$1","verticles":{"node":1}}
JSON
  ./launcher.sh run -s "$work/$1.json" > "$work/$1.log" 2>&1 &
  eval "pid_$1=$!"
}
node a 127.0.0.2:7101 '["127.0.0.3:7102","127.0.0.4:7103"]'
node b 127.0.0.3:7102 '["127.0.0.2:7101"]'
node c 127.0.0.4:7103 '["127.0.0.2:7101"]'
for log in a b c; do
  until grep -q "listening on" "$work/$log.log" 2>/dev/null; do sleep 0.2; done
done
redis_of() { ps -o pid= --ppid "$1" | tr -d ' '; } # the embedded redis-server a node started
redis_a=$(redis_of "$pid_a"); redis_b=$(redis_of "$pid_b"); redis_c=$(redis_of "$pid_c")

on_a() { # [bench options]
  java -jar target/multiverse9.jar bench -h 127.0.0.2 -p 7101 -t aggregate --keys "$keys" -c "$connections" --json "$@"
}
peers=(--remote 127.0.0.3:7102 --remote 127.0.0.4:7103)
on_a --duration "${warmup}s" > /dev/null 2>&1                        # JIT warm-up of both paths, not measured
on_a --duration "${warmup}s" "${peers[@]}" > /dev/null 2>&1
# Each measured run warms up again after bench has stored its keys: the CREATEs that store them on the peers
# would otherwise make the peers' JIT drop its AGGREGATE-only code and recompile it during the measurement.
local_json=$(on_a -n "$requests" --warmup 3s --cpu node=$pid_a --cpu redis=$redis_a 2>/dev/null)
remote_json=$(on_a -n "$requests" --warmup 3s "${peers[@]}" --cpu node=$pid_a --cpu peers=$pid_b,$pid_c \
  --cpu redis=$redis_a,$redis_b,$redis_c 2>/dev/null)
echo "local:  $local_json"
echo "remote: $remote_json"
python3 - "$local_json" "$remote_json" <<'PY'
import json, sys
l, r = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"AGGREGATE {l['keys']} keys: local {l['rps']:.0f} req/s p50 {l['p50_ms']:.3f} ms; "
      f"over two peers {r['rps']:.0f} req/s p50 {r['p50_ms']:.3f} ms; "
      f"throughput ratio remote/local {r['rps']/l['rps']:.2f}, p50 ratio {r['p50_ms']/l['p50_ms']:.2f}")
PY

if ! command -v nutcracker >/dev/null; then
  echo "twemproxy: not installed, skipped (Debian: apt-get install nutcracker)"
  exit 0
fi
redis_server=$(redis_server_binary)
for port in 6391 6392 6393; do
  "$redis_server" --port $port --bind 127.0.0.1 --save "" --appendonly no --dir "$work" > "$work/redis-$port.log" 2>&1 &
  eval "redis_$port=$!"
done
start_twemproxy 7195 22297 6391                   # one shard: what the node's local AGGREGATE is set against
twem_one=$twemproxy_pid
start_twemproxy 7196 22298 6391 6392 6393         # three shards: against the AGGREGATE over two peers
twem_three=$twemproxy_pid
twem() { # port [bench options]
  local port=$1; shift
  java -jar target/multiverse9.jar bench --redis -h 127.0.0.1 -p "$port" -t aggregate --keys "$keys" \
    -c "$connections" --json "$@"
}
twem 7195 --duration 3s > /dev/null 2>&1
twem 7196 --duration 3s > /dev/null 2>&1
one_json=$(twem 7195 -n "$requests" --warmup 3s --cpu twemproxy=$twem_one --cpu redis=$redis_6391 2>/dev/null)
three_json=$(twem 7196 -n "$requests" --warmup 3s --cpu twemproxy=$twem_three \
  --cpu redis=$redis_6391,$redis_6392,$redis_6393 2>/dev/null)
echo "twemproxy, MGET of $keys keys from one Redis: $one_json"
echo "twemproxy, MGET of $keys keys over three Redis shards: $three_json"
python3 - "$local_json" "$one_json" "$remote_json" "$three_json" <<'PY'
import json, sys
l, o, r, t = (json.loads(a) for a in sys.argv[1:5])
def cpu(j):
    return ", ".join(f"{k} {v}" for k, v in j["cpu_us_per_request"].items())
for name, node, twem in (("local", l, o), ("scatter-gather", r, t)):
    print(f"{name} {node['keys']} keys: node {node['rps']:.0f} req/s p50 {node['p50_ms']:.3f} ms "
          f"against twemproxy {twem['rps']:.0f} req/s p50 {twem['p50_ms']:.3f} ms: throughput ratio "
          f"{node['rps']/twem['rps']:.2f}, p50 ratio {node['p50_ms']/twem['p50_ms']:.2f}; "
          f"CPU per request in microseconds, node side: {cpu(node)}; twemproxy side: {cpu(twem)}")
PY
