#!/usr/bin/env bash
# AGGREGATE of N keys spread over two peers vs N keys stored locally, measured in one run on one machine.
# Starts three nodes (127.0.0.2, .3, .4, each with its own embedded Redis), loads node A with `bench`, prints
# both results and the ratio. Then, when twemproxy (Debian package nutcracker) is installed, the scatter-gather it
# does for a user: MGET of N keys through twemproxy in front of three Redis shards, loaded by `bench --redis` with
# the same flags, beside the node's AGGREGATE over its two peers.
# Usage: bench/aggregate-remote.sh [KEYS] [REQUESTS] [CONNECTIONS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
keys=${1:-100}; requests=${2:-20000}; connections=${3:-10}
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
cd "$here"
[ -f target/multiverse9.jar ] || ./launcher.sh --version >/dev/null

node() { # name addr nodes-json
  cat > "$work/$1.json" <<JSON
{"name":"$1","redis_uri":"embedded","version":"0.1.0","perms":{"open_metadata":true,"open_interactions":false},
 "addr":"$2","nodes":$3,"data_dir":"$work/$1","verticles":{"node":1,"storage":1}}
JSON
  java -jar target/multiverse9.jar run -s "$work/$1.json" > "$work/$1.log" 2>&1 &
}
node a 127.0.0.2:7101 '["127.0.0.3:7102","127.0.0.4:7103"]'
node b 127.0.0.3:7102 '["127.0.0.2:7101"]'
node c 127.0.0.4:7103 '["127.0.0.2:7101"]'
for log in a b c; do
  until grep -q "listening on" "$work/$log.log" 2>/dev/null; do sleep 0.2; done
done

bench() { # requests [bench options]
  local n=$1; shift
  java -jar target/multiverse9.jar bench -h 127.0.0.2 -p 7101 -t aggregate --keys "$keys" \
    -n "$n" -c "$connections" --json "$@"
}
peers=(--remote 127.0.0.3:7102 --remote 127.0.0.4:7103)
bench 2000 > /dev/null 2>&1                                           # warm-up of both paths
bench 2000 "${peers[@]}" > /dev/null 2>&1
local_json=$(bench "$requests" 2>/dev/null)
remote_json=$(bench "$requests" "${peers[@]}" 2>/dev/null)
echo "local:  $local_json"
echo "remote: $remote_json"
python3 - "$local_json" "$remote_json" <<'PY' 2>/dev/null || true
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
source "$here/bench/lib.sh"
redis_server=$(redis_server_binary)
for port in 6391 6392 6393; do
  "$redis_server" --port $port --bind 127.0.0.1 --save "" --appendonly no --dir "$work" > "$work/redis-$port.log" 2>&1 &
done
start_twemproxy 7196 22298 6391 6392 6393
twem() { # requests
  java -jar target/multiverse9.jar bench --redis -h 127.0.0.1 -p 7196 -t aggregate --keys "$keys" \
    -n "$1" -c "$connections" --json
}
twem 2000 > /dev/null 2>&1
twem_json=$(twem "$requests" 2>/dev/null)
echo "twemproxy, MGET of $keys keys over three Redis shards: $twem_json"
python3 - "$remote_json" "$twem_json" <<'PY' 2>/dev/null || true
import json, sys
r, t = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"scatter-gather of {t['keys']} keys: node over two peers {r['rps']:.0f} req/s p50 {r['p50_ms']:.3f} ms; "
      f"twemproxy over three shards {t['rps']:.0f} req/s p50 {t['p50_ms']:.3f} ms; "
      f"throughput ratio node/twemproxy {r['rps']/t['rps']:.2f}, p50 ratio {r['p50_ms']/t['p50_ms']:.2f}")
PY

