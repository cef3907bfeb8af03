#!/usr/bin/env bash
# Sign-in with a second factor (password, then a TOTP code) side by side with password-only sign-in,
# in the same run against the same server: median and p99 of each whole sign-in, and their ratio.
# Starts the packaged jar on 127.0.0.1 (a free port, a fresh SQLite directory under /tmp) and drives it
# with bench/second-factor.py, one sign-in at a time, alternating the two kinds so load drift weighs on
# both alike. A TOTP code works once per member, so each of ACCOUNTS enrolled members signs in twice (the codes
# of the current step and the next): about 2 x ACCOUNTS samples of each kind.
#
# Settings (environment): ACCOUNTS=40 JAVA_OPTS= LANYARD_JAR= MAX_SECONDS=900 (the server is killed after it).
# The server's log stays in bench/target/second-factor/.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=second-factor.sh
source bench/lib.sh

ACCOUNTS=${ACCOUNTS:-40}
JAVA_OPTS=${JAVA_OPTS:-}
MAX_SECONDS=${MAX_SECONDS:-900}

need java openjdk-17-jre-headless
need python3 python3
need curl curl

jar=$(lanyard_jar)
if ! unzip -l "$jar" 2>/dev/null | grep -q "dev/lanyard/factors/SecondFactors.class"; then
    echo "second-factor.sh: $jar predates two-factor sign-in; rebuilding (mvn -q -B -pl server -DskipTests package)..." >&2
    need mvn maven
    mvn -q -B -pl server -DskipTests package >&2
    jar=$(LANYARD_JAR= lanyard_jar)
fi

out=bench/target/second-factor
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/lanyard-2fa.XXXXXX)
server=""
watchdog=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    [ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

echo "second-factor.sh: starting $(basename "$jar") on 127.0.0.1 (SQLite in $work/data)"
# shellcheck disable=SC2086
(cd "$work" && exec java $JAVA_OPTS -jar "$jar" --server.address=127.0.0.1 --server.port=0 \
    --lanyard.geo.directory="$work/geo") >"$out/server.log" 2>&1 &
server=$!
(trap 'kill $nap 2>/dev/null; exit 0' TERM; sleep "$MAX_SECONDS" & nap=$!; wait $nap; kill "$server" 2>/dev/null) >/dev/null 2>&1 &
watchdog=$!
port=$(wait_for_port "$out/server.log" "$server")
base="http://127.0.0.1:$port"
wait_for_http "$base/actuator/health" "$server"

echo "second-factor.sh: $ACCOUNTS enrolled members and one without a factor; alternating sign-ins..."
result=$(timeout "$MAX_SECONDS" python3 bench/second-factor.py "$base" "$ACCOUNTS")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "== Sign-in latency, password + TOTP vs password only ($(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%Y-%m-%d), $(nproc) cores, load $load_before -> $load_after) =="
echo "$result"
