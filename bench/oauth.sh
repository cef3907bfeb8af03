#!/usr/bin/env bash
# The OAuth endpoints side by side with the session check, loopback only and bounded in time.
#
# Starts the packaged jar on 127.0.0.1 (a free port, a fresh SQLite file under /tmp), signs up one
# account, registers a confidential app, signs in through it with curl (authorize with PKCE,
# consent with the page's CSRF token, code exchange), then measures in the same run:
#   current     wrk: GET /api/v1/sessions/current with a bearer session (the baseline)
#   introspect  wrk: POST /oauth2/introspect of the app's active access token (client secret basic)
#   userinfo    wrk: GET /userinfo with the access token
#   refresh     REFRESHES refresh-token exchanges one after another with curl (each rotates the
#               token, so they cannot run in parallel), against as many sequential curl calls
#               of the baseline
# and prints requests per second, the ratios to the baseline, and SQL statements per request
# (lanyard_sql_statements_total) for each.
#
# Settings (environment): DURATION=10 (s per wrk run) WARMUP=5 THREADS=2 CONNECTIONS=8
# REFRESHES=200 JAVA_OPTS= LANYARD_JAR= MAX_SECONDS= (the server is killed after it in any case).
# Raw outputs stay in bench/target/oauth/.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=oauth.sh
source bench/lib.sh

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-8}
REFRESHES=${REFRESHES:-200}
JAVA_OPTS=${JAVA_OPTS:-}
MAX_SECONDS=${MAX_SECONDS:-$((240 + 6 * (WARMUP + DURATION) + REFRESHES / 5))}
PASSWORD="a long benchmark passphrase 42"
EMAIL="bench-oauth@example.test"
REDIRECT="http://127.0.0.1:9/callback"

for tool in wrk curl openssl; do
    command -v "$tool" >/dev/null || { echo "oauth.sh: '$tool' is missing (Debian package '$tool')" >&2; exit 1; }
done

jar=$(lanyard_jar)

out=bench/target/oauth
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/lanyard-oauth.XXXXXX)
server=""
watchdog=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    [ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

metrics_token=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "oauth.sh: starting $(basename "$jar") on 127.0.0.1 (SQLite in $work)"
# shellcheck disable=SC2086
(cd "$work" && export LANYARD_OPS_METRICS_TOKEN="$metrics_token" && exec java $JAVA_OPTS -jar "$jar" \
    --server.address=127.0.0.1 --server.port=0 \
    "--spring.datasource.url=jdbc:sqlite:$work/lanyard.db?journal_mode=WAL&busy_timeout=10000&foreign_keys=true&synchronous=NORMAL" \
    --lanyard.geo.directory="$work/geo") >"$out/server.log" 2>&1 &
server=$!
(trap 'kill $nap 2>/dev/null; exit 0' TERM; sleep "$MAX_SECONDS" & nap=$!; wait $nap; kill "$server" 2>/dev/null) >/dev/null 2>&1 &
watchdog=$!

port=""
for _ in $(seq 1 1200); do
    kill -0 "$server" 2>/dev/null || { tail -n 40 "$out/server.log" >&2; echo "oauth.sh: the server exited" >&2; exit 1; }
    if grep -q "Started Lanyard" "$out/server.log"; then
        port=$(grep -oE "started on port [0-9]+" "$out/server.log" | head -n 1 | grep -oE "[0-9]+$")
        break
    fi
    sleep 0.1
done
[ -n "$port" ] || { echo "oauth.sh: the server did not start within 120 s" >&2; exit 1; }
base="http://127.0.0.1:$port"

statements() {
    curl -fsS --max-time 5 -H "Authorization: Bearer $metrics_token" "$base/actuator/prometheus" \
        | awk '/^lanyard_sql_statements_total/ { s += $2 } END { printf "%d", s }'
}

# --- a member, an app, and a sign-in through it ----------------------------------------------------
signup=$(curl -fsS -D "$work/signup.h" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"name\":\"Bench\",\"team\":\"Bench\"}" "$base/api/v1/signup")
cookie=$(grep -i '^set-cookie: lanyard_session=' "$work/signup.h" | head -n 1 | sed -E 's/^[^:]*: (lanyard_session=[^;]*).*/\1/' | tr -d '\r')
bearer=$(curl -fsS -H 'Content-Type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"tokenType\":\"bearer\"}" "$base/api/v1/login" | field token)
oauth_app_tokens "$base" "$cookie" "$REDIRECT" "$work"
basic=$(printf '%s:%s' "$client_id" "$client_secret" | base64 | tr -d '\n')

cat >"$work/introspect.lua" <<LUA
wrk.method = "POST"
wrk.body = "token=$access"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $basic"
LUA

# --- measure -----------------------------------------------------------------------------------------
declare -A rate sql
run() { # run NAME wrk-arguments...
    local name=$1; shift
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$@" >/dev/null
    local before after
    before=$(statements)
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "$@" >"$out/$name.txt"
    after=$(statements)
    local requests
    requests=$(awk '/requests in/ { print $1 }' "$out/$name.txt")
    rate[$name]=$(awk '/^Requests\/sec/ { print $2 }' "$out/$name.txt")
    sql[$name]=$(calc "($after - $before) / $requests" 3)
    if grep -q "Non-2xx" "$out/$name.txt"; then echo "oauth.sh: $name answered errors: $(grep Non-2xx "$out/$name.txt")" >&2; fi
}
echo "oauth.sh: measuring (${DURATION}s per endpoint after ${WARMUP}s of warm-up, $THREADS threads, $CONNECTIONS connections)"
run current -H "Authorization: Bearer $bearer" "$base/api/v1/sessions/current"
run introspect -s "$work/introspect.lua" "$base/oauth2/introspect"
run userinfo -H "Authorization: Bearer $access" "$base/userinfo"
active=$(curl -fsS -u "$client_id:$client_secret" --data-urlencode "token=$access" "$base/oauth2/introspect")
printf '%s' "$active" | grep -q '"active":true' || { echo "oauth.sh: the token was not active after the run: $active" >&2; exit 1; }

before=$(statements)
t0=$(now)
for _ in $(seq 1 "$REFRESHES"); do
    answer=$(curl -fsS -u "$client_id:$client_secret" --data-urlencode grant_type=refresh_token \
        --data-urlencode "refresh_token=$refresh" "$base/oauth2/token")
    refresh=$(printf '%s' "$answer" | field refresh_token)
    [ -n "$refresh" ] || { echo "oauth.sh: a refresh failed: $answer" >&2; exit 1; }
done
t1=$(now)
after=$(statements)
sql[refresh]=$(calc "($after - $before) / $REFRESHES" 3)
rate[refresh]=$(calc "$REFRESHES / ($t1 - $t0)" 1)
t0=$(now)
for _ in $(seq 1 "$REFRESHES"); do
    curl -fsS -o /dev/null -H "Authorization: Bearer $bearer" "$base/api/v1/sessions/current"
done
t1=$(now)
rate[current_seq]=$(calc "$REFRESHES / ($t1 - $t0)" 1)

echo
echo "| endpoint | requests/s | × current | SQL statements per request |"
echo "|---|---|---|---|"
for name in current introspect userinfo; do
    echo "| $name (wrk) | ${rate[$name]} | $(calc "${rate[$name]} / ${rate[current]}") | ${sql[$name]} |"
done
echo "| current, one curl after another | ${rate[current_seq]} | 1.00 | |"
echo "| refresh (token endpoint, one curl after another) | ${rate[refresh]} | $(calc "${rate[refresh]} / ${rate[current_seq]}") | ${sql[refresh]} |"
echo
echo "oauth.sh: load average $(cut -d' ' -f1-3 /proc/loadavg); raw outputs in $out"
