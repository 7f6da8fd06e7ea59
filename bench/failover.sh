#!/usr/bin/env bash
# What a Redis master SIGKILLed under load costs, with durability.replicas 0 and 1: runs SentinelFailoverTest (a
# master, two replicas and three sentinels as redis-server processes on loopback, a node JVM on the Sentinel group,
# four connections pipelining 4 KiB CREATEs 32 at a time) with the load kept up for SECONDS, the master killed a
# third of the way in, RUNS times. Prints per run and setting: CREATEs acknowledged, acknowledged ones missing on
# the promoted master (lost), the longest time without an OK answer, and the OK answers per second before the
# kill, from the kill until the node served again (and how long that took), and after; then the lost ones summed.
# Needs Maven; redis-server from PATH or the jar's.
#
# Usage: bench/failover.sh [-s SECONDS] [-r RUNS]
set -euo pipefail
seconds=30; runs=1
while getopts "s:r:" opt; do
  case $opt in
    s) seconds=$OPTARG ;; r) runs=$OPTARG ;;
    *) echo "usage: $0 [-s SECONDS] [-r RUNS]" >&2; exit 2 ;;
  esac
done
[[ "$seconds" =~ ^[1-9][0-9]*$ && "$runs" =~ ^[1-9][0-9]*$ ]] \
  || { echo "failover.sh: -s and -r take whole numbers, 1 or more" >&2; exit 2; }
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); load ${seconds}s per run, $runs run(s)"
for run in $(seq 1 "$runs"); do
  if ! mvn -q -B -Dstyle.color=never test -Dtest=SentinelFailoverTest -Dsurefire.failIfNoSpecifiedTests=false \
      -Dmv9.failover.load_s="$seconds" > "$work/run-$run.log" 2>&1; then
    grep -E 'FAIL|Error|expected' "$work/run-$run.log" | head -5 >&2
  fi
  sed -n 's/^\[SentinelFailoverTest\] /run '"$run"': /p' "$work/run-$run.log" | tee -a "$work/lines"
done
for replicas in 0 1; do
  sed -n "s/.*durability.replicas $replicas: acknowledged \([0-9]*\) .*lost \([0-9]*\),.*/\1 \2/p" "$work/lines" \
    | awk -v r="$replicas" '{a += $1; l += $2} END {printf "durability.replicas %d: %d acknowledged, %d lost over %d run(s)\n", r, a, l, NR}'
done
