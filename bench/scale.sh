#!/usr/bin/env bash
# Issue 12, "A million sessions": 100,000 members in 1,000 teams, 1,000,000 active and 1,000,000
# ended sessions on PostgreSQL and on SQLite, and what members and admins wait for then.
#
# Runs dev.lanyard.session.ScaleBenchmark (server/src/test/java; its name keeps it out of `mvn test`) through
# surefire, in a copy of server/pom.xml and server/src/ under a temporary folder (as team-sessions.sh does), so
# other builds in this checkout can neither clean nor recompile target/ under it. Everything listens
# on 127.0.0.1. Prints the report and appends it, with the date, the commit and the load, to
# bench/RESULTS.md under a "A million sessions" heading; the EXPLAIN (ANALYZE, BUFFERS) output of the
# main queries goes to bench/target/scale/explain.txt.
#
# Settings (environment):
#   SCALE=1          every count above times this (SCALE=0.1: 10,000 members, 100,000 + 100,000 sessions)
#   REQUESTS=1000    requests per read operation (p50/p99 over them), and the number of force sign-outs
#   WARMUP_ROUNDS=1000  rounds of the reads before the measured ones (runs before 2026-12-02 used 100)
#   CHECK_SECONDS=15 each session check run (all cached, working set larger than the cache, all cached again)
#   THREADS=4        client threads of the session check runs
#   DATABASES=postgresql,sqlite
#   STEPS=reads,sign-ins,check,memory,force,team,sweep   the measurements to run (bench/team-signout.sh: force,team,sweep)
#   BIG=             active sessions of team 0, the team signed out (default 10,000 × SCALE)
#   TEAM_ROUNDS=1    team sign-outs of team 0; before each after the first its sessions are made active
#                    again in SQL, so rounds 2.. measure a warm server (median printed)
#   PG=debian        Debian's PostgreSQL (bench/lib.sh start_postgres: durable, the package's defaults;
#                    installed when missing and run as root), or PG=embedded: the test support's own
#                    server (fsync off: write figures flatter it)
#   MAX_SECONDS=3600 the run is killed after this, whatever happens (the benchmark's loops stop earlier)
#   HEAP=4g          the benchmark JVM's -Xmx (both nodes, the client and the cache live in it)
#   RESULTS=bench/RESULTS.md (RESULTS=/dev/null to keep it out); OUT=bench/target/scale (raw outputs)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
BENCH_NAME=scale
source bench/lib.sh
need mvn maven
need java openjdk-17-jdk-headless

SCALE=${SCALE:-1}
REQUESTS=${REQUESTS:-1000}
CHECK_SECONDS=${CHECK_SECONDS:-15}
THREADS=${THREADS:-4}
DATABASES=${DATABASES:-postgresql,sqlite}
PG=${PG:-debian}
MAX_SECONDS=${MAX_SECONDS:-3600}
HEAP=${HEAP:-4g}
RESULTS=${RESULTS:-bench/RESULTS.md}

out="${OUT:-$repo/bench/target/scale}"
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/lanyard-scale-bench.XXXXXX")
chmod 755 "$work"
pg_props=()
pg_label="embedded test server, fsync off"
cleanup() {
    if [ -n "${pgbin:-}" ]; then stop_postgres "$work"; fi
    rm -rf "$work"
}
trap cleanup EXIT
if [[ "$DATABASES" == *postgresql* && "$PG" == debian ]]; then
    start_postgres "$work"
    pg_label="Debian's PostgreSQL $("$pgbin/postgres" --version | grep -oE '[0-9]+(\.[0-9]+)?' | head -n 1), durable, package defaults"
    pg_props=(-Dbench.pg.url="jdbc:postgresql://127.0.0.1:$pgport/lanyard" -Dbench.pg.user=postgres -Dbench.pg.label="$pg_label")
fi
cp -a server/pom.xml server/src "$work/"
# The commit of the sources copied now (a long run outlives later commits in this checkout).
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git status --porcelain -- server 2>/dev/null)" ] && commit="$commit (with uncommitted changes in server/)"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "scale.sh: SCALE=$SCALE on $DATABASES (PostgreSQL: $pg_label); building and running in $work (log: $out/run.log)..."
status=0
(cd "$work" && timeout --kill-after=20s "${MAX_SECONDS}s" mvn -q -B ${MVN_FLAGS:-} test \
    -Dtest=ScaleBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DargLine="-Xmx$HEAP" \
    -Dbench.scale="$SCALE" -Dbench.requests="$REQUESTS" -Dbench.checkSeconds="$CHECK_SECONDS" -Dbench.threads="$THREADS" \
    -Dbench.databases="$DATABASES" -Dbench.steps="${STEPS:-reads,sign-ins,check,memory,force,team,sweep}" \
    ${BIG:+-Dbench.big="$BIG"} ${TEAM_ROUNDS:+-Dbench.teamRounds="$TEAM_ROUNDS"} ${WARMUP_ROUNDS:+-Dbench.warmupRounds="$WARMUP_ROUNDS"} -Dbench.maxSeconds="$((MAX_SECONDS - 120))" "${pg_props[@]}" \
    -Dbench.out="$out/report.md" -Dbench.explain="$out/explain.txt") >"$out/run.log" 2>&1 || status=$?
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
if [ "$status" -ne 0 ] || [ ! -s "$out/report.md" ]; then
    tail -n 60 "$out/run.log" >&2
    echo "scale.sh: the benchmark failed (status $status); full log in $out/run.log" >&2
    exit 1
fi

{
    echo
    echo "## A million sessions — $(date -u +%F), commit $commit"
    echo
    echo "\`SCALE=$SCALE bench/scale.sh\` (\`ScaleBenchmark\`), this machine ($(nproc) cores), load average $load_before before,"
    echo "$load_after after (other work shares the cores and shows in the figures); the load at each step is in the tables."
    echo "Client, server (and on PostgreSQL a second node) run in one JVM on the same two cores as the database."
    echo
    cat "$out/report.md"
} >"$out/section.md"
cat "$out/section.md"
cat "$out/section.md" >>"$RESULTS"
echo "scale.sh: appended to $RESULTS; query plans in $out/explain.txt"
