#!/usr/bin/env bash
# multiverse9 launcher: a thin wrapper over the runnable jar.
#
#   ./launcher.sh run [-s SETTINGS] [--threads N] [-d]   run a node (default: conf/node.json, embedded Redis)
#   ./launcher.sh setup --redis-uri=URI [--addr H:P]     print a fresh settings file
#   ./launcher.sh -conf conf/node.json                    run under the Vert.x application launcher
#   ./launcher.sh help                                    list every command
#
# The jar is built with Maven on first use (and whenever the sources are newer than it).
# JAVA_OPTS adds JVM flags; MV9_LOG=debug logs at debug level.
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
  (cd "$here" && mvn -q -B -DskipTests package) >&2
fi

cd "$here"
exec java ${JAVA_OPTS:-} -jar "$jar" "$@"
