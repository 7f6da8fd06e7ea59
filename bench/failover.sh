#!/usr/bin/env bash
# What a Redis master SIGKILLed under load costs, on loopback, RUNS times, the load kept up for SECONDS and the
# master killed a third of the way in.
#   --topology sentinel (the default): SentinelFailoverTest, a master, two replicas and three sentinels as
#     redis-server processes, a node JVM on the Sentinel group, four connections pipelining 4 KiB CREATEs 32 at a
#     time; once with durability.replicas 0, once with 1.
#   --topology cluster: RedisClusterFailoverTest, a Redis Cluster of three masters and three replicas
#     (cluster-node-timeout 2 s), a node JVM on it, four connections pipelining 4 KiB CREATEs 16 deep;
#     durability.replicas 0, the only one a node on a Redis Cluster takes. --full-coverage no starts the servers
#     with cluster-require-full-coverage no (Redis's default is yes).
# Prints per run: CREATEs acknowledged, acknowledged ones missing afterwards (lost), the longest time without an OK
# answer, the OK answers per second before the kill, from the kill until the node served again (and how long that
# took), and after; then the acknowledged and lost ones summed. Needs Maven; redis-server from PATH or the jar's.
#
# Usage: bench/failover.sh [--topology sentinel|cluster] [--full-coverage yes|no] [-s SECONDS] [-r RUNS]
set -euo pipefail
usage="usage: $0 [--topology sentinel|cluster] [--full-coverage yes|no] [-s SECONDS] [-r RUNS]"
seconds=30; runs=1; topology=sentinel; coverage=yes
while [ $# -gt 0 ]; do
  case $1 in -s|-r|-t|--topology|--full-coverage) [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; } ;; esac
  case $1 in
    -s) seconds=${2:-}; shift 2 ;;
    -r) runs=${2:-}; shift 2 ;;
    -t|--topology) topology=${2:-}; shift 2 ;;
    --topology=*) topology=${1#*=}; shift ;;
    --full-coverage) coverage=${2:-}; shift 2 ;;
    --full-coverage=*) coverage=${1#*=}; shift ;;
    -h|--help) echo "$usage"; exit 0 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
[[ "$seconds" =~ ^[1-9][0-9]*$ && "$runs" =~ ^[1-9][0-9]*$ ]] \
  || { echo "failover.sh: -s and -r take whole numbers, 1 or more" >&2; exit 2; }
case $topology in
  sentinel) test=SentinelFailoverTest ;;
  cluster) test=RedisClusterFailoverTest ;;
  *) echo "failover.sh: --topology takes sentinel or cluster, not '$topology'" >&2; exit 2 ;;
esac
[[ "$coverage" == yes || "$coverage" == no ]] \
  || { echo "failover.sh: --full-coverage takes yes or no, not '$coverage'" >&2; exit 2; }
[[ "$coverage" == yes || "$topology" == cluster ]] \
  || { echo "failover.sh: --full-coverage is a Redis Cluster setting: add --topology cluster" >&2; exit 2; }
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $topology; load ${seconds}s per run," \
  "$runs run(s)"
for run in $(seq 1 "$runs"); do
  if ! mvn -q -B -Dstyle.color=never test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
      -Dmv9.failover.load_s="$seconds" -Dmv9.failover.full_coverage="$coverage" > "$work/run-$run.log" 2>&1; then
    grep -E 'FAIL|Error|expected' "$work/run-$run.log" | head -5 >&2
  fi
  grep "^\[$test\] .*acknowledged" "$work/run-$run.log" | sed "s/^\[$test\] /run $run: /" | tee -a "$work/lines" \
    || echo "run $run: no figures (the test failed before printing them; its log said the above)" >&2
done
summary() { # $1: what the lines to add up start with
  sed -n "s/.*$1: acknowledged \([0-9]*\) .*lost \([0-9]*\),.*/\1 \2/p" "$work/lines" \
    | awk -v what="$1" '{a += $1; l += $2} END {printf "%s: %d acknowledged, %d lost over %d run(s)\n", what, a, l, NR}'
}
summary "durability.replicas 0"
[ "$topology" = cluster ] || summary "durability.replicas 1" # a node on a Redis Cluster takes no durability
