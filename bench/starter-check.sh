#!/usr/bin/env bash
# The starter's per-request check (EndedSessionFilter: has this login's Lanyard session ended?) in
# a running app, against the same app without the check; goal: at most 1.1x. Both apps run in one
# JVM on 127.0.0.1, signed in through a fake Lanyard (starter/src/test/.../FakeLanyard); the one
# with the check remembers 100,000 ended sessions. Sequential keep-alive requests alternate between
# the two apps one by one, so the shared machine's noise falls on both alike; p50/p90 per app and
# the ratio of the p50s, for a signed-in page and for an API call with a bearer token.
# Bounded: REQUESTS per app and kind (default 10000), after a warm-up of a fifth of that.
#   bench/starter-check.sh        REQUESTS=20000 bench/starter-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=starter-check
source bench/lib.sh
need mvn maven
need java openjdk-17-jdk-headless

REQUESTS=${REQUESTS:-10000}
(cd starter && mvn -B -q -ntp test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >&2)
cp="starter/target/classes:starter/target/test-classes:$(cat starter/target/bench-classpath.txt)"
echo "$BENCH_NAME: $REQUESTS requests per app and kind..." >&2
java -Drequests="$REQUESTS" -cp "$cp" dev.lanyard.starter.StarterCheckBench
