#!/usr/bin/env bash
# multiverse9 beside Redis itself, on one machine, in one run: starts a Redis and a node on it, then runs
# redis-benchmark and our `bench` with the same connections, pipeline depth and value size, and prints the ratio
# of each pair (ours / Redis). CREATE is set against two baselines: redis-benchmark -t set (overwrites one key)
# and SET NX of fresh random keys of the same length, which is what a CREATE asks of Redis. Then, when twemproxy
# (Debian package nutcracker) is installed, the node beside twemproxy in front of the same Redis, both driven by
# our bench (bench --redis for twemproxy), with the CPU time each process spent per request on either side
# (bench --cpu). Every run that adds keys starts from the same Redis (FLUSHALL, then DEBUG POPULATE of 4.2 million
# keys; see same_start below). Needs redis-benchmark and redis-cli (Debian: apt-get install redis-tools) and python3.
#
# The node runs with its own default verticles (one node, one storage and one peer verticle per core), with
# -T THREADS node and as many storage and peer verticles, or with -N NODE node verticles and the others at their
# default (-N 1 on a small machine beside Redis: docs/BENCHMARKS.md, "Node verticles"), and is warmed up (JIT)
# for WARMUP seconds before measuring.
#
# With -R RATE[,RATE...] it compares latency at the same offered rates instead (an open loop): for each rate,
# Redis (bench --redis: SET NX of new keys, MGET of 10 keys), twemproxy in front of it (when installed) and the
# node (CREATE, AGGREGATE of 10 keys) are each loaded by bench --rate for 10 s, every request timed from when it
# fell due. Saturated closed loops, as
# above, report the queue of whichever process is the bottleneck; at one rate below both capacities the
# latencies compare like for like, and the same load generator measures both.
#
# With -B, instead: Redis, twemproxy in front of it (when installed) and the node on it, all three driven by
# redis-benchmark, the same C load generator, at P1 and P16 (-P is not used; -n requests at P1, four times as many
# at P16), the node through its RESP form: SET NX of new keys against CREATE, GET against AGGREGATE of 1 key, MGET
# of 10 keys against AGGREGATE of those 10 (the same values: keys the node created, read on Redis under its
# prefix). Each workload's three runs take turns, the side going first turning from round to round (-k), and the
# table gives median throughputs, each round's ratios node / Redis and node / twemproxy with their median, p99s,
# and the CPU time twemproxy and the node spent per request (read from /proc). The node is warmed up by
# redis-benchmark itself, through the path measured.
#
# With -k ROUNDS, the node and twemproxy take turns ROUNDS times on each workload (and rate, with -R), the side
# that goes first alternating, and the ratios are printed per round with their median:
# on a machine whose cores every process shares, one pair of runs moves by 10 % or more, and runs taken minutes
# apart move with whatever else the machine did in between.
#
# Usage: bench/compare.sh [-n REQUESTS] [-c CONNECTIONS] [-P PIPELINE] [-d VALUE_BYTES] [-T THREADS | -N NODE]
#                         [-w WARMUP] [-R RATE[,RATE...] | -B] [-k ROUNDS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requests=300000; connections=50; pipeline=1; size=64; threads=""; node_only=""; warmup=20; rates=""; rounds=1
all_rb=""
usage="usage: $0 [-n REQUESTS] [-c CONNECTIONS] [-P PIPELINE] [-d VALUE_BYTES] [-T THREADS | -N NODE] [-w WARMUP] [-R RATE[,RATE...] | -B] [-k ROUNDS]"
while getopts "n:c:P:d:T:N:w:R:k:B" opt; do
  case $opt in
    n) requests=$OPTARG ;; c) connections=$OPTARG ;; P) pipeline=$OPTARG ;; d) size=$OPTARG ;;
    T) threads=$OPTARG ;; N) node_only=$OPTARG ;; w) warmup=$OPTARG ;; R) rates=${OPTARG//,/ } ;;
    k) rounds=$OPTARG ;; B) all_rb=1 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
[ -n "$rates" ] && [ -n "$all_rb" ] && { echo "compare.sh: -R and -B are two different runs: give one" >&2; exit 2; }
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: -k takes a number of rounds, 1 or more" >&2; exit 2; }
command -v redis-benchmark >/dev/null && command -v redis-cli >/dev/null || { echo "compare.sh: needs redis-benchmark and redis-cli (apt-get install redis-tools)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "compare.sh: needs python3" >&2; exit 1; }

cd "$here"
[ -f target/multiverse9.jar ] || ./launcher.sh --version >/dev/null
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

source "$here/bench/lib.sh"
redis_server=$(redis_server_binary)
redis_port=6399; node_port=7199
require_free_ports $redis_port $node_port 7197 22299
redis_major=$("$redis_server" --version | sed -n 's/.* v=\([0-9][0-9]*\)\..*/\1/p')
debug=(); [ "${redis_major:-0}" -ge 7 ] && debug=(--enable-debug-command local) # DEBUG POPULATE, from loopback only
"$redis_server" --port $redis_port --bind 127.0.0.1 --save "" --appendonly no "${debug[@]}" --dir "$work" \
  > "$work/redis.log" 2>&1 &
redis_pid=$!
until redis-cli -p $redis_port ping >/dev/null 2>&1; do sleep 0.1; done
# Every run that adds keys (SET NX of new keys, CREATE) starts on the same Redis. What Redis spends on a SET NX
# of a new key depends on what it already holds: its main hash table doubles at each power of two and is then
# rehashed a step on every command, and new keys take memory Redis has not touched before. Redis's own time per
# SET NX (INFO commandstats) ranged from 1.0 to 3.1 us at -P 16 depending on which resizes a run crossed
# (docs/BENCHMARKS.md), more than the node and twemproxy differ by. So each such run starts from FLUSHALL and the
# same 4.2 million keys (DEBUG POPULATE): the table is then sized for 8.4 million, more than a run of up to 3
# million requests and its warm-up adds. Runs that only read start from FLUSHALL.
same_start() {
  redis-cli -p $redis_port FLUSHALL >/dev/null
  redis-cli -p $redis_port DEBUG POPULATE 4200000 compare-fill: >/dev/null
}
fresh_for() { # OP: the Redis a run of bench -t OP starts from
  if [ "$1" = create ]; then same_start; else redis-cli -p $redis_port FLUSHALL >/dev/null; fi
}

cat > "$work/node.json" <<JSON
{"name":"compare","redis_uri":"redis://127.0.0.1:$redis_port","version":"0.1.0",
 "perms":{"open_metadata":true,"open_interactions":true},"addr":"127.0.0.1:$node_port","nodes":[],
 "key_prefix":"compare:"$(if [ -n "$threads" ]; then echo ",\"verticles\":{\"node\":$threads,\"storage\":$threads,\"peer\":$threads}"
   elif [ -n "$node_only" ]; then echo ",\"verticles\":{\"node\":$node_only}"; fi)}
JSON
./launcher.sh run -s "$work/node.json" > "$work/node.log" 2>&1 & # with the JVM flags launcher.sh sets
node_pid=$!
until grep -q "listening on" "$work/node.log" 2>/dev/null; do sleep 0.2; done

# Each measured bench run first runs its workload for 3 s unmeasured: bench is a JVM, and its own first seconds
# (interpreted, then compiled) would otherwise count as the node's latency. redis-benchmark, in C, needs none.
bench_json() { java -jar target/multiverse9.jar bench -c "$connections" -P "$pipeline" -d "$size" --json "$@" 2>/dev/null; }
mv9() { bench_json -p $node_port "$@"; }
mv9_measured() { mv9 --warmup 3s "$@"; }
redis_measured() { bench_json --redis -p $redis_port --warmup 3s "$@"; }  # Redis by the same load generator
rb() { redis-benchmark -p $redis_port -c "$connections" -P "$pipeline" -d "$size" --csv "$@" 2>/dev/null | tail -1; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); $(java -version 2>&1 | head -1)"
echo "Redis: $("$redis_server" --version | cut -d' ' -f3), redis-benchmark $(redis-benchmark --version | cut -d' ' -f2)"

if [ -n "$all_rb" ]; then
  # -B: the three sides by redis-benchmark. The node's CREATE is a SET NX of a new key to Redis, so Redis and
  # twemproxy get SET NX of new random keys as long as the node's (its prefix and a ULID: 8 + 26 bytes) with the
  # same value; -t set would overwrite one key, which costs Redis less than half of what a new key does at P16.
  # The node's value needs no __rand_int__: it makes a fresh key for every CREATE itself.
  twem_port=7197; sides="redis node"
  if command -v nutcracker >/dev/null; then
    start_twemproxy $twem_port 22299 $redis_port
    sides="redis twem node"
    echo "twemproxy $(nutcracker --version 2>&1 | head -1 | awk '{print $NF}') in front of the same Redis"
  else
    echo "twemproxy: not installed, its columns are left out (Debian: apt-get install nutcracker)"
  fi
  value=$(head -c "$size" /dev/zero | tr '\0' x)
  tick=$(getconf CLK_TCK)
  echo "settings: redis-benchmark on every side, -c $connections -d $size, -n $requests at P1 and $((requests * 4)) at P16;" \
    "$(grep -o 'verticles node=[0-9]* storage=[0-9]*' "$work/node.log"); warm-up ${warmup}s by redis-benchmark; $rounds round(s)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  node_keys=()
  keys_from_node() { # FLUSHALL, then 10 values CREATEd through the node: what AGGREGATE, GET and MGET read
    redis-cli -p $redis_port FLUSHALL >/dev/null
    mapfile -t node_keys < <(for _ in $(seq 1 10); do redis-cli -p $node_port CREATE "$value"; done)
    check_node_keys
  }
  # redis-benchmark stops at an error answer, but not at an error element inside an AGGREGATE's array (an entry
  # UNAVAILABLE): the keys are read back through the node before and after the reads are measured
  check_node_keys() {
    local answer
    answer=$(redis-cli -p $node_port AGGREGATE "${node_keys[@]}" 2>&1)
    if [ "$answer" != "$(for _ in $(seq 1 10); do echo "$value"; done)" ]; then
      echo "compare.sh: the node did not read back the 10 values it created: $(head -c 300 <<< "$answer")" >&2
      exit 1
    fi
  }
  # redis-benchmark sends CONFIG GET on connecting; the node (and twemproxy) answer an error and it carries on
  timeout "$((warmup / 2 + 1))" redis-benchmark -p $node_port -c "$connections" -P 16 -l -q CREATE "$value" \
    > /dev/null 2>&1 || true
  keys_from_node
  timeout "$((warmup / 2 + 1))" redis-benchmark -p $node_port -c "$connections" -P 16 -l -q AGGREGATE "${node_keys[@]}" \
    > /dev/null 2>&1 || true
  cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system, in clock ticks
  # rb_side SIDE OP DEPTH ROUND: one redis-benchmark run; its CSV row, then the CPU time (us) of the process in front
  # (the node or twemproxy; none for Redis alone) and the requests, in $work/rb-SIDE-OP-DEPTH-ROUND. Not Redis's:
  # after DEBUG POPULATE it rehashes its table in the background (serverCron), which a slower run would be charged.
  rb_side() {
    local side=$1 op=$2 depth=$3 round=$4 port front="" n prefix="compare:" args=() key
    n=$requests; [ "$depth" = 16 ] && n=$((requests * 4))
    case $side in redis) port=$redis_port ;; twem) port=$twem_port; front=$twemproxy_pid ;;
      node) port=$node_port; front=$node_pid; prefix="" ;; esac
    case $op in
      create) if [ "$side" = node ]; then args=(CREATE "$value")
              else args=(-r 1000000000 SET "compare:01KBZZZZZZZZZZ__rand_int__" "$value" NX); fi
              same_start ;;
      agg1) if [ "$side" = node ]; then args=(AGGREGATE "${node_keys[0]}"); else args=(GET "compare:${node_keys[0]}"); fi ;;
      agg10) if [ "$side" = node ]; then args=(AGGREGATE); else args=(MGET); fi
             for key in "${node_keys[@]}"; do args+=("$prefix$key"); done ;;
    esac
    local front_before=0 front_after=0 out="$work/rb-$side-$op-$depth-$round"
    [ -n "$front" ] && front_before=$(cpu_ticks "$front")
    # redis-benchmark stops at the first error answer, without a result line
    redis-benchmark -p "$port" -c "$connections" -P "$depth" -n "$n" --csv "${args[@]}" > "$out.csv" 2> "$out.err" || true
    [ -n "$front" ] && front_after=$(cpu_ticks "$front")
    if [ "$(wc -l < "$out.csv")" -lt 2 ]; then
      echo "compare.sh: redis-benchmark against $side ($op, P$depth) stopped: $(grep -v '^WARNING' "$out.err" | head -3)" >&2
      exit 1
    fi
    { sed -n 2p "$out.csv"
      echo "$(( (front_after - front_before) * 1000000 / tick )) $n"
    } > "$out"
  }
  read -r -a side_list <<< "$sides"
  for round in $(seq 1 "$rounds"); do
    # the side going first turns from round to round: each side leads once in every len(sides) rounds
    turn=("${side_list[@]:$(( (round - 1) % ${#side_list[@]} ))}" "${side_list[@]:0:$(( (round - 1) % ${#side_list[@]} ))}")
    for depth in 1 16; do
      for op in create agg1 agg10; do
        [ "$op" = agg1 ] && keys_from_node
        for side in "${turn[@]}"; do rb_side "$side" "$op" "$depth" "$round"; done
      done
      check_node_keys
    done
    if [ "$rounds" -gt 1 ]; then echo "round $round of $rounds done" >&2; fi
  done
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 - "$work" "$rounds" "$sides" <<'PY'
import csv, statistics, sys
work, rounds, sides = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()
def run(side, op, depth, r):
    lines = open(f"{work}/rb-{side}-{op}-{depth}-{r}").read().splitlines()
    row = next(csv.reader([lines[0]]))
    front_us, n = (int(x) for x in lines[1].split())
    return {"rps": float(row[1]), "p99": float(row[6]), "front": front_us / n}
def med(xs):
    return statistics.median(xs)
def spread(xs):
    return f"{med(xs):.2f}" + (f" ({min(xs):.2f}-{max(xs):.2f})" if len(xs) > 1 else "")
twem = "twem" in sides
print(f"median of {rounds} round(s); ratios: each round's node / Redis and node / twemproxy, median (range); "
      "CPU: microseconds per request of twemproxy and of the node")
print(f"{'workload (Redis, twemproxy / node)':36} {'P':>2} {'redis k/s':>9} {'twem k/s':>9} {'node k/s':>9} "
      f"{'node/redis':>17} {'node/twem':>17} {'p99 ms redis/twem/node':>23} {'CPU us twem/node':>16}")
names = {"create": "SET NX new keys / CREATE", "agg1": "GET / AGGREGATE 1 key", "agg10": "MGET 10 / AGGREGATE 10 keys"}
for depth in (1, 16):
    for op, name in names.items():
        runs = {s: [run(s, op, depth, r) for r in range(1, rounds + 1)] for s in sides}
        rps = {s: med([x["rps"] for x in runs[s]]) for s in sides}
        p99 = {s: med([x["p99"] for x in runs[s]]) for s in sides}
        vs_redis = [o["rps"] / r["rps"] for o, r in zip(runs["node"], runs["redis"])]
        vs_twem = [o["rps"] / t["rps"] for o, t in zip(runs["node"], runs["twem"])] if twem else []
        cpu = lambda s: f"{med([x['front'] for x in runs[s]]):.1f}"
        print(f"{name:36} {depth:2d} {rps['redis'] / 1000:9.1f} "
              + (f"{rps['twem'] / 1000:9.1f}" if twem else f"{'-':>9}")
              + f" {rps['node'] / 1000:9.1f} {spread(vs_redis):>17} {spread(vs_twem) if twem else '-':>17} "
              + f"{p99['redis']:7.3f}/" + (f"{p99['twem']:7.3f}" if twem else f"{'-':>7}") + f"/{p99['node']:7.3f} "
              + f"{(cpu('twem') if twem else '-') + '/' + cpu('node'):>16}")
PY
  exit 0
fi
echo "settings: $([ -n "$rates" ] && echo "rates $rates" || echo "-n $requests") -c $connections -P $pipeline -d $size; $(grep -o 'verticles node=[0-9]* storage=[0-9]*' "$work/node.log"); warm-up ${warmup}s, bench --warmup 3s"
mv9 --duration "$((warmup / 2 + 1))s" -t create,aggregate --keys 10 > /dev/null   # JIT warm-up, not measured

if [ -n "$rates" ]; then
  # twemproxy, when installed, in front of the same Redis and paced by the same load generator
  twem_port=7197
  if command -v nutcracker >/dev/null; then
    start_twemproxy $twem_port 22299 $redis_port
  else
    echo "twemproxy: not installed, its columns are left out (Debian: apt-get install nutcracker)"
  fi
  echo "paced: each run 10 s at the rate, after bench --warmup 3s at it; p50/p99 in ms, timed from when each request fell due"
  printf '%-28s %8s %18s %18s %18s %11s %11s\n' workload rate/s "redis p50/p99" "twem p50/p99" "mv9 p50/p99" \
    "p99/redis" "p99/twem"
  # one paced run of twemproxy or the node at $rate on workload $op, from the Redis that workload starts from
  paced_twem() { fresh_for "$op"; bench_json --redis -p $twem_port --warmup 3s --rate "$rate" -n "$((rate * 10))" \
    -t "$op" --keys 10 | tail -1; }
  paced_node() { fresh_for "$op"; mv9_measured --rate "$rate" -n "$((rate * 10))" -t "$op" --keys 10 | tail -1; }
  for rate in $rates; do
    for pair in "SET NX new keys vs CREATE:create" "MGET 10 vs AGGREGATE 10 keys:aggregate"; do
      op=${pair##*:}
      fresh_for "$op"
      redis_json=$(redis_measured --rate "$rate" -n "$((rate * 10))" -t "$op" --keys 10 | tail -1)
      twem_json=null
      if command -v nutcracker >/dev/null; then twem_json=$(paced_twem); fi
      node_json=$(paced_node)
      python3 - "${pair%%:*}" "$rate" "$redis_json" "$twem_json" "$node_json" <<'PY'
import json, sys
name, rate = sys.argv[1], int(sys.argv[2])
r, t, o = json.loads(sys.argv[3]), json.loads(sys.argv[4]), json.loads(sys.argv[5])
runs = (("redis", r), ("twemproxy", t), ("mv9", o))
late = [who for who, j in runs if j and j["rps"] < 0.95 * rate]
errors = sum(j["errors"] for _, j in runs if j)
shown = lambda j: f"{j['p50_ms']:8.3f}/{j['p99_ms']:<9.3f}" if j else f"{'-':>18}"
print(f"{name:28} {rate:8d} {shown(r)} {shown(t)} {shown(o)} {o['p99_ms'] / r['p99_ms']:11.2f} "
      + (f"{o['p99_ms'] / t['p99_ms']:11.2f}" if t else f"{'-':>11}")
      + (f"  ({' and '.join(late)} fell behind the rate)" if late else "")
      + (f"  ({errors} errors)" if errors else ""))
PY
      if [ "$rounds" -gt 1 ] && [ "$twem_json" != null ]; then
        # -k: more rounds of the two sides at this rate, the side going first alternating
        echo "$twem_json" > "$work/paced-twem-1"; echo "$node_json" > "$work/paced-node-1"
        for round in $(seq 2 "$rounds"); do
          if [ $((round % 2)) = 0 ]; then # round 1 ran twemproxy first
            paced_node > "$work/paced-node-$round"; paced_twem > "$work/paced-twem-$round"
          else
            paced_twem > "$work/paced-twem-$round"; paced_node > "$work/paced-node-$round"
          fi
        done
        python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
runs = [[json.loads(open(f"{work}/paced-{side}-{r}").read()) for side in ("node", "twem")]
        for r in range(1, rounds + 1)]
for label, field in (("p99", "p99_ms"), ("p50", "p50_ms")):
    ratios = [o[field] / t[field] for o, t in runs]
    print(f"{'':28} {label} node/twem over {rounds} rounds: {', '.join(f'{x:.2f}' for x in ratios)}: "
          f"median {statistics.median(ratios):.2f}")
PY
      fi
    done
  done
  exit 0
fi
value=$(head -c "$size" /dev/zero | tr '\0' x)
redis-cli -p $redis_port FLUSHALL >/dev/null
set_csv=$(rb -n "$requests" -t set)
# The fairer baseline for CREATE: -t set overwrites one key, CREATE adds a new one with SET NX each time.
same_start
setnx_csv=$(redis-benchmark -p $redis_port -c "$connections" -P "$pipeline" --csv -n "$requests" -r 1000000000 \
  SET "compare:01KBZZZZZZZZZZ__rand_int__" "$value" NX 2>/dev/null | tail -1)
same_start
create_json=$(mv9_measured -n "$requests" -t create --cpu node=$node_pid --cpu redis=$redis_pid)
redis-benchmark -p $redis_port -n $requests -d "$size" -t set -q >/dev/null 2>&1 # keys for GET
mget_keys=$(for i in $(seq 1 10); do printf 'key:%012d ' "$i"; done)
for i in $(seq 1 10); do redis-cli -p $redis_port SET "key:$(printf '%012d' "$i")" "$value" >/dev/null; done
get_csv=$(rb -n "$requests" -t get)
agg1_json=$(mv9_measured -n "$requests" -t aggregate --keys 1 --cpu node=$node_pid --cpu redis=$redis_pid)
mget_csv=$(redis-benchmark -p $redis_port -c "$connections" -P "$pipeline" --csv -n "$requests" MGET $mget_keys 2>/dev/null | tail -1)
agg10_json=$(mv9_measured -n "$requests" -t aggregate --keys 10 --cpu node=$node_pid --cpu redis=$redis_pid)

python3 - "$set_csv" "$create_json" "$get_csv" "$agg1_json" "$mget_csv" "$agg10_json" "$setnx_csv" <<'PY'
import csv, json, sys
def redis(line):
    row = next(csv.reader([line]))
    return {"rps": float(row[1]), "p50": float(row[4]), "p99": float(row[6])}
def ours(line):
    j = json.loads(line)
    return {"rps": j["rps"], "p50": j["p50_ms"], "p99": j["p99_ms"], "errors": j["errors"]}
pairs = [("SET vs CREATE", sys.argv[1], sys.argv[2]), ("SET NX new keys vs CREATE", sys.argv[7], sys.argv[2]),
         ("GET vs AGGREGATE 1 key", sys.argv[3], sys.argv[4]),
         ("MGET 10 vs AGGREGATE 10 keys", sys.argv[5], sys.argv[6])]
print(f"{'workload':32} {'redis req/s':>12} {'mv9 req/s':>12} {'ratio':>6} {'redis p50/p99 ms':>18} {'mv9 p50/p99 ms':>18} {'p99 ratio':>9}")
for name, r, o in pairs:
    r, o = redis(r), ours(o)
    print(f"{name:32} {r['rps']:12.0f} {o['rps']:12.0f} {o['rps']/r['rps']:6.2f} "
          f"{r['p50']:8.3f}/{r['p99']:<9.3f} {o['p50']:8.3f}/{o['p99']:<9.3f} {o['p99']/r['p99']:9.2f}"
          + (f"  ({o['errors']} errors)" if o['errors'] else ""))
PY

# twemproxy (Debian package nutcracker), the proxy a user puts in front of Redis today, in front of the same Redis,
# driven by the same load generator as the node (bench --redis: SET NX of new keys, GET as MGET of 1, MGET of 10).
if ! command -v nutcracker >/dev/null; then
  echo "twemproxy: not installed, skipped (Debian: apt-get install nutcracker)"
  exit 0
fi
twem_port=7197
start_twemproxy $twem_port 22299 $redis_port
twem_measured() { bench_json --redis -p $twem_port --warmup 3s "$@"; }
run_twem() { twem_measured --cpu twemproxy=$twemproxy_pid --cpu redis=$redis_pid "$@" | tail -1; }
run_node() { mv9_measured --cpu node=$node_pid --cpu redis=$redis_pid "$@" | tail -1; }
# Round 1: the node's runs above, then twemproxy's. Later rounds (-k): a run of each side per workload, the side
# that goes first alternating, CREATE runs each from the same Redis. Each run is kept in $work/SIDE-OP-ROUND.
echo "$create_json" | tail -1 > "$work/node-create-1"; echo "$agg1_json" | tail -1 > "$work/node-agg1-1"
echo "$agg10_json" | tail -1 > "$work/node-agg10-1"
workload_flags() { case $1 in create) echo "-t create" ;; agg1) echo "-t aggregate --keys 1" ;;
  agg10) echo "-t aggregate --keys 10" ;; esac; }
for round in $(seq 1 "$rounds"); do
  for op in create agg1 agg10; do
    sides="twem"; [ "$round" -gt 1 ] && { [ $((round % 2)) = 0 ] && sides="twem node" || sides="node twem"; }
    for side in $sides; do
      [ "$op" = create ] && same_start
      # shellcheck disable=SC2046 # the flags are words
      run_$side -n "$requests" $(workload_flags $op) > "$work/$side-$op-$round"
    done
  done
  if [ "$rounds" -gt 1 ]; then echo "round $round of $rounds done" >&2; fi
done
twem_create=$(cat "$work/twem-create-1"); twem_agg1=$(cat "$work/twem-agg1-1"); twem_agg10=$(cat "$work/twem-agg10-1")
echo "twemproxy $(nutcracker --version 2>&1 | head -1 | awk '{print $NF}') in front of the same Redis, by bench --redis with the node's flags:"
python3 - "$twem_create" "$create_json" "$twem_agg1" "$agg1_json" "$twem_agg10" "$agg10_json" <<'PY'
import json, sys
rows = [("SET NX new keys vs CREATE", sys.argv[1], sys.argv[2]), ("GET vs AGGREGATE 1 key", sys.argv[3], sys.argv[4]),
        ("MGET 10 vs AGGREGATE 10 keys", sys.argv[5], sys.argv[6])]
print(f"{'workload':32} {'twem req/s':>12} {'mv9 req/s':>12} {'ratio':>6} {'twem p50/p99 ms':>18} {'mv9 p50/p99 ms':>18} {'p99 ratio':>9}")
for name, t, o in rows:
    t, o = json.loads(t), json.loads(o)
    print(f"{name:32} {t['rps']:12.0f} {o['rps']:12.0f} {o['rps']/t['rps']:6.2f} "
          f"{t['p50_ms']:8.3f}/{t['p99_ms']:<9.3f} {o['p50_ms']:8.3f}/{o['p99_ms']:<9.3f} {o['p99_ms']/t['p99_ms']:9.2f}"
          + (f"  ({t['errors']} + {o['errors']} errors)" if t['errors'] or o['errors'] else ""))
print("CPU per request in microseconds (user + system, during the measured runs), node side | twemproxy side:")
for name, t, o in rows:
    t, o = json.loads(t), json.loads(o)
    show = lambda j: ", ".join(f"{k} {v}" for k, v in j["cpu_us_per_request"].items())
    print(f"  {name:30} {show(o)} | {show(t)}")
PY

if [ "$rounds" -gt 1 ]; then
  echo "node / twemproxy over $rounds rounds, the side going first alternating (round 1 is the table above):"
  python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def run(side, op, r):
    return json.loads(open(f"{work}/{side}-{op}-{r}").read())
for name, op in (("SET NX new keys vs CREATE", "create"), ("GET vs AGGREGATE 1 key", "agg1"),
                 ("MGET 10 vs AGGREGATE 10 keys", "agg10")):
    pairs = [(run("node", op, r), run("twem", op, r)) for r in range(1, rounds + 1)]
    rps = [o["rps"] / t["rps"] for o, t in pairs]
    p99 = [o["p99_ms"] / t["p99_ms"] for o, t in pairs]
    errors = sum(o["errors"] + t["errors"] for o, t in pairs)
    print(f"  {name:30} throughput {', '.join(f'{x:.2f}' for x in rps)}: median {statistics.median(rps):.2f}; "
          f"p99 {', '.join(f'{x:.2f}' for x in p99)}: median {statistics.median(p99):.2f}"
          + (f"  ({errors} errors)" if errors else ""))
PY
fi
