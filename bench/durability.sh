#!/usr/bin/env bash
# What durability.replicas costs. A Redis master with two replicas and three sentinels on loopback
# (bench/sentinel.sh), and two nodes on that Sentinel group at once, one with durability.replicas 0 and one with 1;
# then bench -t create against each in turn, ROUNDS times, the node going first alternating, every run from an
# empty Redis (FLUSHALL). Prints each run's CREATE throughput and p50/p99, and per setting the medians and the
# ratio 1/0. Needs redis-cli (apt-get install redis-tools) and python3; redis-server from PATH or the jar.
#
# Usage: bench/durability.sh [-n REQUESTS] [-c CONNECTIONS] [-P PIPELINE] [-d VALUE_BYTES] [-w WARMUP] [-k ROUNDS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requests=200000; connections=50; pipeline=1; size=64; warmup=10; rounds=5
usage="usage: $0 [-n REQUESTS] [-c CONNECTIONS] [-P PIPELINE] [-d VALUE_BYTES] [-w WARMUP] [-k ROUNDS]"
while getopts "n:c:P:d:w:k:" opt; do
  case $opt in
    n) requests=$OPTARG ;; c) connections=$OPTARG ;; P) pipeline=$OPTARG ;; d) size=$OPTARG ;;
    w) warmup=$OPTARG ;; k) rounds=$OPTARG ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
command -v redis-cli >/dev/null || { echo "durability.sh: needs redis-cli (apt-get install redis-tools)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "durability.sh: needs python3" >&2; exit 1; }

cd "$here"
[ -f target/multiverse9.jar ] || ./launcher.sh --version >/dev/null
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
source "$here/bench/lib.sh"
source "$here/bench/sentinel.sh"
redis_server=$(redis_server_binary)
master_port=6401; ports=(7291 7292)
require_free_ports $master_port $((master_port + 1)) $((master_port + 2)) $((master_port + 20000)) \
  $((master_port + 20001)) $((master_port + 20002)) "${ports[@]}"
start_sentinel_group $master_port

for replicas in 0 1; do
  sentinel_node_settings "durability$replicas" "${ports[$replicas]}" $replicas > "$work/node$replicas.json"
  ./launcher.sh run -s "$work/node$replicas.json" > "$work/node$replicas.log" 2>&1 &
done
for replicas in 0 1; do
  until grep -q "listening on" "$work/node$replicas.log" 2>/dev/null; do sleep 0.2; done
done

bench_json() { java -jar target/multiverse9.jar bench -c "$connections" -P "$pipeline" -d "$size" --json "$@" 2>/dev/null; }
measured() { # REPLICAS ROUND: one measured run from an empty Redis
  group_cli -p $master_port FLUSHALL >/dev/null
  bench_json -p "${ports[$1]}" --warmup 3s -n "$requests" -t create | tail -1 > "$work/run-$1-$2"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); $(java -version 2>&1 | head -1)"
echo "Redis: $("$redis_server" --version | cut -d' ' -f3); master and two replicas, three sentinels, all on loopback"
echo "settings: -n $requests -c $connections -P $pipeline -d $size, $rounds rounds; warm-up ${warmup}s per node, bench --warmup 3s per run"
for replicas in 0 1; do
  bench_json -p "${ports[$replicas]}" --duration "${warmup}s" -t create > /dev/null   # JIT warm-up, not measured
done
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then measured 0 "$round"; measured 1 "$round"; else measured 1 "$round"; measured 0 "$round"; fi
done
python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
runs = {r: [json.loads(open(f"{work}/run-{r}-{k}").read()) for k in range(1, rounds + 1)] for r in (0, 1)}
print(f"{'durability.replicas':20} {'CREATE/s per round':>44} {'median/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}")
for r in (0, 1):
    rps = [j["rps"] for j in runs[r]]
    print(f"{r:<20} {', '.join(f'{x:.0f}' for x in rps):>44} {statistics.median(rps):9.0f} "
          f"{statistics.median(j['p50_ms'] for j in runs[r]):7.3f} {statistics.median(j['p99_ms'] for j in runs[r]):7.3f} "
          f"{sum(j['errors'] for j in runs[r]):6d}")
ratio = [b["rps"] / a["rps"] for a, b in zip(runs[0], runs[1])]
print(f"throughput 1/0 per round: {', '.join(f'{x:.2f}' for x in ratio)}: median {statistics.median(ratio):.2f}")
PY
