#!/usr/bin/env bash
# How far the node is from the floor of its own shape, and that floor from twemproxy, in one run on one machine.
# Three servers in front of the same Redis, each on one event loop (or thread), each loaded in turn by `bench` with
# the same flags: the node (one node verticle; storage and peer at their default), RedisRelay (src/test/java/io/
# multiverse9/floor: a Vert.x process that relays Redis commands through vertx-redis-client and does nothing else)
# and twemproxy (Debian package nutcracker; left out, with a message, when it is not installed). Both Java
# processes run with launcher.sh's JVM flags.
#
# For each number of keys, AGGREGATE (node) and MGET (relay, twemproxy) of that many keys; ROUNDS rounds, the order
# of the three turning each round; per round the ratios node/relay, relay/twemproxy and node/twemproxy of
# throughput, and the CPU each server spent per request (bench --cpu); then the medians. node/relay is what the
# node's own work costs; relay/twemproxy is what Vert.x and vertx-redis-client cost against a proxy in C, which no
# node built on them can go below.
#
# Usage: bench/floor.sh [-k KEYS[,KEYS...]] [-r ROUNDS] [-n REQUESTS] [-c CONNECTIONS] [-w WARMUP_SECONDS]
#        (defaults: -k 1,10,100 -r 3 -n 20000 -c 10 -w 10; -n is per run, ten times as many for 1 key)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
key_counts="1 10 100"; rounds=3; requests=20000; connections=10; warmup=10
usage="usage: $0 [-k KEYS[,KEYS...]] [-r ROUNDS] [-n REQUESTS] [-c CONNECTIONS] [-w WARMUP_SECONDS]"
while getopts "k:r:n:c:w:" opt; do
  case $opt in
    k) key_counts=${OPTARG//,/ } ;; r) rounds=$OPTARG ;; n) requests=$OPTARG ;; c) connections=$OPTARG ;;
    w) warmup=$OPTARG ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "floor.sh: -r takes a number of rounds, 1 or more" >&2; exit 2; }
command -v python3 >/dev/null || { echo "floor.sh: needs python3" >&2; exit 1; }
cd "$here"
./launcher.sh --version >/dev/null # builds the jar if it is missing or stale
echo "building the relay (test classes) ..." >&2
mvn -q -B -Dstyle.color=never -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
source "$here/bench/lib.sh"

redis_port=6394; node_port=7194; relay_port=7197; twem_port=7198
require_free_ports $redis_port $node_port $relay_port $twem_port 22299
redis_server=$(redis_server_binary)
"$redis_server" --port $redis_port --bind 127.0.0.1 --save "" --appendonly no --dir "$work" > "$work/redis.log" 2>&1 &
redis_pid=$!
until (exec 3<>/dev/tcp/127.0.0.1/$redis_port) 2>/dev/null; do sleep 0.1; done

jvm_flags=$(sed -n 's/^default_java_opts="\(.*\)"/\1/p' launcher.sh)
# shellcheck disable=SC2086 # the flags are words
java -XX:+ExitOnOutOfMemoryError $jvm_flags -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  io.multiverse9.floor.RedisRelay $relay_port "redis://127.0.0.1:$redis_port" > "$work/relay.log" 2>&1 &
relay_pid=$!
cat > "$work/node.json" <<JSON
{"name":"floor","redis_uri":"redis://127.0.0.1:$redis_port","key_prefix":"floor:",
 "perms":{"open_metadata":true,"open_interactions":false},"addr":"127.0.0.1:$node_port","nodes":[],
 "verticles":{"node":1}}
JSON
./launcher.sh run -s "$work/node.json" > "$work/node.log" 2>&1 &
node_pid=$!
twem_pid=""
if command -v nutcracker >/dev/null; then
  start_twemproxy $twem_port 22299 $redis_port
  twem_pid=$twemproxy_pid
else
  echo "twemproxy: not installed, left out (Debian: apt-get install nutcracker)"
fi
for log in relay node; do
  for _ in $(seq 1 300); do grep -q "listening on" "$work/$log.log" 2>/dev/null && break; sleep 0.2; done
  grep -q "listening on" "$work/$log.log" && continue
  echo "floor.sh: the $log did not start:" >&2; tail -5 "$work/$log.log" >&2; exit 1
done
echo "machine: $(nproc) cores, $(uname -sr); $(java -version 2>&1 | head -1); JVM flags: $jvm_flags"

load() { # side keys [bench options]: one JSON line
  local side=$1 keys=$2; shift 2
  local target
  case $side in
    node) target=(-p $node_port --cpu "node=$node_pid") ;;
    relay) target=(--redis -p $relay_port --cpu "relay=$relay_pid") ;;
    twemproxy) target=(--redis -p $twem_port --cpu "twemproxy=$twem_pid") ;;
  esac
  java -jar target/multiverse9.jar bench -h 127.0.0.1 "${target[@]}" --cpu "redis=$redis_pid" -t aggregate \
    --keys "$keys" -c "$connections" --json "$@" 2>/dev/null
}
sides=(node relay); [ -n "$twem_pid" ] && sides+=(twemproxy)

results="$work/results"; : > "$results"
for keys in $key_counts; do
  n=$requests; [ "$keys" = 1 ] && n=$((requests * 10))
  for side in "${sides[@]}"; do # JIT warm-up, not measured
    load "$side" "$keys" --duration "${warmup}s" > /dev/null
  done
  for round in $(seq 1 "$rounds"); do
    order=("${sides[@]:$(( (round - 1) % ${#sides[@]} ))}" "${sides[@]:0:$(( (round - 1) % ${#sides[@]} ))}")
    for side in "${order[@]}"; do
      echo "$keys $round $side $(load "$side" "$keys" -n "$n" --warmup 2s)" >> "$results"
    done
    echo "  $keys keys: round $round of $rounds done" >&2
  done
done

python3 - "$results" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    keys, rnd, side, js = line.split(" ", 3)
    j = json.loads(js)
    if j["errors"]:
        sys.exit(f"floor.sh: {side} answered {j['errors']} errors with {keys} keys ({j['first_error']}): no figure")
    runs.setdefault(int(keys), {}).setdefault(int(rnd), {})[side] = j
def cpu(j, side):
    return j["cpu_us_per_request"][side]
for keys, rounds in sorted(runs.items()):
    print(f"{keys} keys (AGGREGATE on the node, MGET through the relay and twemproxy), per round:")
    ratios = {}
    for rnd, sides in sorted(rounds.items()):
        parts = [f"{s} {j['rps']:.0f} req/s, {cpu(j, s)} us CPU" for s, j in sides.items()]
        pairs = [("node/relay", "node", "relay"), ("relay/twemproxy", "relay", "twemproxy"),
                 ("node/twemproxy", "node", "twemproxy")]
        shown = []
        for name, a, b in pairs:
            if a in sides and b in sides:
                r = sides[a]["rps"] / sides[b]["rps"]
                ratios.setdefault(name, []).append(r)
                shown.append(f"{name} {r:.2f}")
        print(f"  round {rnd}: {'; '.join(parts)}; throughput {', '.join(shown)}")
    cpus = {s: statistics.median(cpu(r[s], s) for r in rounds.values()) for s in next(iter(rounds.values()))}
    print(f"  medians: throughput {', '.join(f'{n} {statistics.median(v):.2f}' for n, v in ratios.items())}; "
          f"CPU per request {', '.join(f'{s} {c:.1f} us' for s, c in cpus.items())}")
PY
