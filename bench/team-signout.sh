#!/usr/bin/env bash
# Issue 12: signing out a 10,000-session team (goal < 1 s end to end, every node refusing those
# sessions after), with the member force sign-out and the expiry sweep that end sessions the same way.
#
# A short run of bench/scale.sh (ScaleBenchmark) on PostgreSQL only: SCALE=0.1 (10,000 members in 100
# teams, 100,000 active and 100,000 ended sessions) but team 0 holds BIG=10,000 active sessions; then
# only the destructive steps: REQUESTS force sign-outs (≈ 9 sessions each), the team sign-out with a
# second node on the same PostgreSQL (a sample of 200 of the team's sessions, cached on both nodes
# first, must all be refused by each node after), and the sweep of 10,000 expired sessions.
# Prints the end-to-end time and the SQL reads and writes per session ended on the node that ends them.
# Nothing is appended to bench/RESULTS.md (the report is in bench/target/team-signout/report.md).
#
# Settings (environment): BIG=10000 SCALE=0.1 REQUESTS=200 PG=debian (or embedded) MAX_SECONDS=1500,
# TEAM_ROUNDS=1 (more: the team is signed out again after its sessions are made active again in SQL,
# and the median of the warm rounds is printed), plus those of scale.sh. About 3 to 6 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
export SCALE=${SCALE:-0.1} BIG=${BIG:-10000} REQUESTS=${REQUESTS:-200} MAX_SECONDS=${MAX_SECONDS:-1500}
export DATABASES=${DATABASES:-postgresql} STEPS=${STEPS:-force,team,sweep}
export RESULTS=/dev/null OUT=${OUT:-$(pwd)/bench/target/team-signout}
bench/scale.sh >/dev/null
grep -E "^(Scale|PostgreSQL|\*\*|booted|bulk fill|Force sign-out|Team sign-out|CPU of rounds|Expiry sweep|Sweep|\| )" "$OUT/report.md" || cat "$OUT/report.md"
echo "team-signout.sh: full report in $OUT/report.md"
