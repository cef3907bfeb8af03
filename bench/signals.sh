#!/usr/bin/env bash
# Shared Signals push latency (issue 11): the time from Lanyard's answer to a revoke to the arrival of
# the session-revoked SET at a push receiver, on loopback, many times (default 1,000 trials). One
# Lanyard on SQLite in a temporary directory and the receiver (a plain HTTP server on 127.0.0.1), in one
# JVM. Prints p50/p99/max (goal p99 < 100 ms), the same from the revoke's request, and the revoke call
# itself as the baseline measured in the same run.
# Compiles bench/src/java with the `bench` Maven profile into bench/target (never target/).
# Bounded: at most 20 minutes.
# Usage: bench/signals.sh [TRIALS]   (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=signals
source bench/lib.sh
need mvn maven
need java openjdk-17-jdk-headless

out=$(pwd)/bench/target
mkdir -p "$out"
echo "signals.sh: compiling (mvn -f server -Pbench test-compile)..."
mvn -q -B -f server -Pbench test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt" >"$out/build.log" 2>&1 \
    || { cat "$out/build.log" >&2; echo "signals.sh: the build failed" >&2; exit 1; }

classpath="$out/test-classes:$out/classes:$(cat "$out/classpath.txt")"
exec timeout --kill-after=10s 1200s java -Xmx512m -cp "$classpath" dev.lanyard.signals.PushLatency "${1:-1000}"
