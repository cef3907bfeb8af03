#!/usr/bin/env bash
# Two Lanyard jars side by side: which one serves GET /api/v1/sessions/current (bearer) with less CPU.
#
#   bench/ab.sh BEFORE.jar AFTER.jar
#
# Both jars run at once, each on its own SQLite file on a loopback port, with 50 bearer sessions of one
# member. Each is warmed with 2 wrk runs of WARM seconds (4 in all, alternating), then ROUNDS rounds of DUR seconds alternate
# which jar goes first. Per round and overall it prints requests/s and the CPU time of the jar's Tomcat
# request threads per request (steadier than rates on a shared machine). Only ratios within one run
# compare. Both servers are stopped at the end, whatever happens.
#
# MODE=introspect measures POST /oauth2/introspect instead: on each jar the member registers a
# confidential app and signs in through it (bench/lib.sh's oauth_app_tokens), and every run introspects
# a freshly refreshed access token with client secret basic, as framework-limit.sh does.
#
# Settings (environment): WARM=45 ROUNDS=8 DUR=10 MODE=current (about 2 + 2 × WARM / 30 + ROUNDS × DUR / 30 minutes).
# Make the jars with `mvn -B -q -pl server package -DskipTests` at each commit and copy them aside.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=ab
source bench/lib.sh
need wrk wrk
need curl curl
[ $# -eq 2 ] && [ -f "$1" ] && [ -f "$2" ] || { echo "usage: bench/ab.sh BEFORE.jar AFTER.jar" >&2; exit 2; }
WARM=${WARM:-45}
ROUNDS=${ROUNDS:-8}
DUR=${DUR:-10}
MODE=${MODE:-current}
case $MODE in current | introspect) ;; *) echo "ab: MODE is current or introspect" >&2; exit 2 ;; esac
geo=$(pwd)/data/geo
[ -d "$geo" ] || bash scripts/fetch-geo.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/lanyard-ab.XXXXXX")
tick=$(getconf CLK_TCK)
declare -A jar pid port
jar[before]=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
jar[after]=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
cleanup() {
    for n in before after; do [ -n "${pid[$n]:-}" ] && kill "${pid[$n]}" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

for n in before after; do
    port[$n]=$(free_port)
    java -jar "${jar[$n]}" --server.address=127.0.0.1 --server.port="${port[$n]}" \
        "--spring.datasource.url=jdbc:sqlite:$work/$n.db?journal_mode=WAL&busy_timeout=10000&foreign_keys=true&synchronous=NORMAL" \
        --lanyard.geo.directory="$geo" >"$work/$n.log" 2>&1 &
    pid[$n]=$!
done
for n in before after; do
    wait_for_http "http://127.0.0.1:${port[$n]}/login" "${pid[$n]}" || { tail -n 40 "$work/$n.log" >&2; exit 1; }
done

for n in before after; do
    base=http://127.0.0.1:${port[$n]}
    curl -s -o /dev/null -D "$work/$n.signup" -H 'Content-Type: application/json' \
        -d '{"email":"ab@example.test","password":"a long ab passphrase 4242","name":"A B","team":"A/B"}' "$base/api/v1/signup"
    if [ "$MODE" = introspect ]; then
        cookie=$(grep -i '^set-cookie: lanyard_session=' "$work/$n.signup" | head -n 1 | sed -E 's/^[^:]*: (lanyard_session=[^;]*).*/\1/' | tr -d '\r')
        oauth_app_tokens "$base" "$cookie" "http://127.0.0.1:9/callback" "$work"
        echo "$client_id $client_secret $refresh" >"$work/$n.app"
    fi
    : >"$work/$n.tokens"
    for _ in $(seq 1 50); do
        curl -s -H 'Content-Type: application/json' -d '{"email":"ab@example.test","password":"a long ab passphrase 4242","tokenType":"bearer"}' \
            "$base/api/v1/login" | grep -oE '"token":"[A-Za-z0-9_-]+"' | cut -d'"' -f4 >>"$work/$n.tokens"
    done
    [ "$(wc -l <"$work/$n.tokens")" -eq 50 ] || { echo "ab: could not sign in 50 times on the $n jar" >&2; exit 1; }
done

run() {
    if [ "$MODE" = introspect ]; then
        local base=http://127.0.0.1:${port[$1]} client_id client_secret refresh access
        read -r client_id client_secret refresh <"$work/$1.app"
        refresh_access "$base"
        echo "$client_id $client_secret $refresh" >"$work/$1.app"
        introspect_lua "$access" "$work/$1.lua"
        wrk -t2 -c8 -d"$2"s --latency -s "$work/$1.lua" "$base/oauth2/introspect" >"$work/out.txt"
        introspect_active "$base/oauth2/introspect" "$access" \
            || { echo "ab: the $1 jar did not find the access token active" >&2; exit 1; }
    else
        wrk -t2 -c8 -d"$2"s --latency -s bench/rotate-tokens.lua "http://127.0.0.1:${port[$1]}/api/v1/sessions/current" \
            -- "$work/$1.tokens" Authorization >"$work/out.txt"
    fi
    if grep -q "Non-2xx" "$work/out.txt"; then cat "$work/out.txt" >&2; echo "ab: the $1 jar answered errors under load" >&2; exit 1; fi
}

echo "ab: warming both jars (2 × ${WARM} s each, alternating)..."
for _ in 1 2; do run before "$WARM"; run after "$WARM"; done
declare -A cpu requests rates lower round_us
for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then order="before after"; else order="after before"; fi
    for n in $order; do
        t0=$(request_ticks "${pid[$n]}"); run "$n" "$DUR"; t1=$(request_ticks "${pid[$n]}")
        k=$(awk '/requests in/ { print $1 }' "$work/out.txt"); rate=$(awk '/^Requests\/sec:/ { print $2 }' "$work/out.txt")
        cpu[$n]=$(( ${cpu[$n]:-0} + t1 - t0 )); requests[$n]=$(( ${requests[$n]:-0} + k )); rates[$n]="${rates[$n]:-} $rate"
        round_us[$n]=$(calc "($t1 - $t0) * 1e6 / $tick / $k" 0)
        echo "round $r $n: $rate req/s, ${round_us[$n]} µs/req"
    done
    [ "${round_us[after]}" -lt "${round_us[before]}" ] && lower[after]=$(( ${lower[after]:-0} + 1 ))
done
for n in before after; do
    echo "$n: mean $(echo ${rates[$n]} | awk '{ for (i = 1; i <= NF; i++) s += $i; printf "%.0f", s / NF }') req/s," \
        "CPU $(calc "${cpu[$n]} * 1e6 / $tick / ${requests[$n]}" 0) µs/req"
done
echo "after used less CPU per request in ${lower[after]:-0} of $ROUNDS rounds;" \
    "CPU after / before: $(calc "(${cpu[after]} / ${requests[after]}) / (${cpu[before]} / ${requests[before]})" 3)"
