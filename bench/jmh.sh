#!/usr/bin/env bash
# JMH benchmark of the in-process session check (Sessions.check) with session tokens (check) and
# with API keys (keyCheck), against SHA-256 and Caffeine baselines; the summary prints
# keyCheck / check against its goal (within 1.5x). Compiles bench/src/java with the `bench` Maven
# profile into bench/target (never target/), then runs one fork per benchmark: warm-up 10 x 2 s for
# check and keyCheck, 3 x 1 s for the baselines, 5 x 1 s measured each. About 2 to 3 min.
# Usage: bench/jmh.sh [-tN] [-wiN] [-only=check|keyCheck|...]   (N benchmark threads; N warm-up iterations; one benchmark)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v mvn >/dev/null || { echo "jmh.sh: Maven (mvn) is needed: install the Debian package 'maven'" >&2; exit 1; }
command -v java >/dev/null || { echo "jmh.sh: a JDK 17+ is needed (Debian: openjdk-17-jdk-headless)" >&2; exit 1; }

out=$(pwd)/bench/target
mkdir -p "$out"
echo "jmh.sh: compiling the benchmark (mvn -Pbench test-compile)..."
mvn -q -B -f server -Pbench test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt" >"$out/build.log" 2>&1 \
    || { cat "$out/build.log" >&2; echo "jmh.sh: the build failed" >&2; exit 1; }

classpath="$out/test-classes:$out/classes:$(cat "$out/classpath.txt")"
# The whole run is bounded: a stuck fork cannot hold the machine for more than 7 minutes.
exec timeout --kill-after=10s 420s java -Xms256m -Xmx256m -cp "$classpath" \
    dev.lanyard.session.SessionCheckBenchmark "$@"
