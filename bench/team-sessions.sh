#!/usr/bin/env bash
# How fast the team sessions overview (/admin/sessions, PRODUCT.md T2) is for one team of 10,000
# members with 100,000 active sessions, on SQLite and on PostgreSQL (a throwaway server the test
# support starts itself), against baselines taken in the same run.
#
# Runs dev.lanyard.team.TeamSessionsBenchmark (src/test/java; its name keeps it out of `mvn test`)
# through surefire, in a copy of pom.xml and src/ under a temporary folder, so that other builds in
# this checkout can neither clean nor recompile target/ under it. Prints the table
# and appends it, with the date, the commit and the machine's load, to bench/RESULTS.md under a
# "Team sessions" heading. About 3 to 5 minutes.
#
# Settings (environment): MEMBERS=10000 SESSIONS=100000 RUNS=21 WARMUP=10, HISTORY=200000 (ended
# sessions added at the end, as 90 days of history sit in the same table; 0 skips), MVN_FLAGS (e.g. -o),
# MAX_SECONDS=1800 (the run is killed after this, whatever happens), RESULTS=bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

command -v mvn >/dev/null || { echo "team-sessions.sh: Maven (mvn) is needed: install the Debian package 'maven'" >&2; exit 1; }
command -v java >/dev/null || { echo "team-sessions.sh: a JDK 17+ is needed (Debian: openjdk-17-jdk-headless)" >&2; exit 1; }

MEMBERS=${MEMBERS:-10000}
SESSIONS=${SESSIONS:-100000}
RUNS=${RUNS:-21}
WARMUP=${WARMUP:-10}
HISTORY=${HISTORY:-200000}
MAX_SECONDS=${MAX_SECONDS:-1800}
RESULTS=${RESULTS:-bench/RESULTS.md}

out="$repo/bench/target/team-sessions"
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/lanyard-team-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -a server/pom.xml server/src "$work/"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "team-sessions.sh: $MEMBERS members, $SESSIONS sessions, median of $RUNS runs; building and running in $work (log: $out/run.log)..."
status=0
(cd "$work" && timeout --kill-after=20s "${MAX_SECONDS}s" mvn -q -B ${MVN_FLAGS:-} test \
    -Dtest=TeamSessionsBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -Dbench.members="$MEMBERS" -Dbench.sessions="$SESSIONS" -Dbench.runs="$RUNS" -Dbench.warmup="$WARMUP" -Dbench.history="$HISTORY" \
    -Dbench.out="$out/table.md") >"$out/run.log" 2>&1 || status=$?
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
if [ "$status" -ne 0 ] || [ ! -s "$out/table.md" ]; then
    tail -n 60 "$out/run.log" >&2
    echo "team-sessions.sh: the benchmark failed (status $status); full log in $out/run.log" >&2
    exit 1
fi

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git status --porcelain 2>/dev/null)" ] && commit="$commit (with uncommitted changes in the working tree)"
{
    echo
    echo "## Team sessions — $(date -u +%F), commit $commit"
    echo
    echo "\`bench/team-sessions.sh\` (\`TeamSessionsBenchmark\`): one team of $MEMBERS members and $SESSIONS active"
    echo "sessions (then $HISTORY ended ones), \`/admin/sessions\` and what it calls, on this machine ($(nproc) cores, load average"
    echo "$load_before before, $load_after after; other work shares the cores and shows in the figures)."
    echo
    cat "$out/table.md"
} >"$out/section.md"
cat "$out/section.md"
cat "$out/section.md" >>"$RESULTS"
echo "team-sessions.sh: appended to $RESULTS"
