#!/usr/bin/env bash
# multiverse9 launcher: a thin wrapper over the runnable jar.
#
#   ./launcher.sh run [-s SETTINGS] [--threads N] [-d]   run a node (default: conf/node.json, embedded Redis)
#   ./launcher.sh setup --redis-uri=URI [--addr H:P]     print a fresh settings file
#   ./launcher.sh -conf conf/node.json                    run under the Vert.x application launcher
#   ./launcher.sh help                                    list every command
#
# The jar is built with Maven on first use (and whenever the sources are newer than it).
# JVM flags: the defaults below keep a node small (about 100 MiB resident idle, 200 MiB with 10,000 idle
# connections; docs/BENCHMARKS.md) at no cost in throughput on small machines. JAVA_OPTS adds flags after them;
# MV9_JVM_DEFAULTS replaces them (e.g. MV9_JVM_DEFAULTS="-XX:+UseG1GC -Xmx4g" for a large box).
# -XX:+ExitOnOutOfMemoryError is always given, before all of them: a JVM out of memory exits at once (non-zero)
# for its supervisor to restart, instead of lingering half alive (SPEC 1.6).
# MV9_LOG=debug logs at debug level.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/multiverse9.jar"

stale() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$here/src/main" "$here/pom.xml" -newer "$jar" -type f -print -quit 2>/dev/null)" ]
}

if stale; then
  command -v mvn >/dev/null || { echo "launcher.sh: Maven (mvn) is needed to build $jar" >&2; exit 1; }
  echo "launcher.sh: building $jar (first run takes a minute) ..." >&2
  # Maven prints colour resets even with -q -B; stripped, so that none is glued to the node's first log line
  (cd "$here" && mvn -q -B -DskipTests package 2>&1 | sed 's/\x1b\[[0-9;]*m//g') >&2
fi

default_java_opts="-Xms64m -Xmx1g -Xmn40m -XX:+UseSerialGC"
always_java_opts="-XX:+ExitOnOutOfMemoryError"

# no cd: paths on the command line (-s, -f) are relative to where the command was run; the node finds its own
# default settings (conf/node.json) through MV9_HOME
export MV9_HOME="$here"
exec java $always_java_opts ${MV9_JVM_DEFAULTS-$default_java_opts} ${JAVA_OPTS:-} -jar "$jar" "$@"
