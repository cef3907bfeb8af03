#!/usr/bin/env bash
# Bytes of heap per cached session in the validation cache (issue 12, goal <= 300): fills a real
# SessionCache in process with N sessions shaped as the database returns them and compares the heap
# histograms (jcmd GC.class_histogram) before and after (dev.lanyard.session.CacheMemory).
# Usage: bench/cache-memory.sh [N]   (default 100000, the default cache size). About 1 min plus the build.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=cache-memory.sh
source bench/lib.sh
need mvn maven
need jcmd openjdk-17-jdk-headless

out=$(pwd)/bench/target
mkdir -p "$out"
echo "cache-memory.sh: compiling (mvn -f server -Pbench test-compile)..."
mvn -q -B -f server -Pbench test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt" >"$out/build.log" 2>&1 \
    || { cat "$out/build.log" >&2; echo "cache-memory.sh: the build failed" >&2; exit 1; }
echo "cache-memory.sh: commit $(git rev-parse --short HEAD 2>/dev/null || echo ?), $(date -u '+%Y-%m-%d %H:%M') UTC"
exec timeout --kill-after=10s 300s java -Xms1g -Xmx1g -cp "$out/test-classes:$out/classes:$(cat "$out/classpath.txt")" \
    dev.lanyard.session.CacheMemory "$@"
