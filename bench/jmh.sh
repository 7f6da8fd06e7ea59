#!/usr/bin/env bash
# JMH micro-benchmarks of the codec (src/test/java/io/multiverse9/jmh). Extra arguments go to JMH,
# e.g. bench/jmh.sh -f 1 -wi 2 -i 3 CodecBenchmark.decode
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test >&2
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" org.openjdk.jmh.Main "$@"
