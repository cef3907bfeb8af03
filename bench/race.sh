#!/usr/bin/env bash
# The revocation race of issue 12 (decision 0021), many times: two Lanyard nodes in one JVM on one
# embedded PostgreSQL, loopback only; node B hammered with a session's bearer token from several
# threads while node A revokes it. Prints the propagation time from A's commit to B's first refused
# request (p50/p99/max; goal p99 < 50 ms), how long A's revoke call takes, and the number of
# requests to B accepted though they started after A's revoke returned (must be 0; exit 1 if not).
# Compiles bench/src/java with the `bench` Maven profile into bench/target (never target/).
# Bounded: at most 30 minutes (10,000 trials: about 5 min on a quiet 2-core machine, 13 on a busy one).
# Usage: bench/race.sh [TRIALS] [THREADS]   (default 10000 3)
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=race
source bench/lib.sh
need mvn maven
need java openjdk-17-jdk-headless

out=$(pwd)/bench/target
mkdir -p "$out"
echo "race.sh: compiling (mvn -Pbench test-compile)..."
mvn -q -B -f server -Pbench test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt" >"$out/build.log" 2>&1 \
    || { cat "$out/build.log" >&2; echo "race.sh: the build failed" >&2; exit 1; }

classpath="$out/test-classes:$out/classes:$(cat "$out/classpath.txt")"
exec timeout --kill-after=10s 1800s java -Xmx512m -cp "$classpath" \
    dev.lanyard.session.RevocationRace "${1:-10000}" "${2:-3}"
