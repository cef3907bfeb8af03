#!/usr/bin/env bash
# The signal outbox under a burst (issue 11): 10,000 sessions end at once (one team sign-out), Lanyard is
# killed with kill -9 halfway through pushing their session-revoked SETs, started again on the same
# PostgreSQL database, and left to finish. Counts, at a push receiver on 127.0.0.1 (bench/ssf-receiver.py),
# what was expected, delivered, lost and duplicated, and how long each half of the drain took.
#
# Loopback only; bounded (the server and the receiver are killed after MAX_SECONDS whatever happens; every
# wait has a bound); kills only the processes it started, by PID. Needs root for Debian's PostgreSQL
# (installed when missing), curl, jq, python3 and a JDK.
#
# Settings (environment):
#   SESSIONS=10000   sessions ended in the burst (spread over MEMBERS members of one team)
#   MEMBERS=100
#   BASELINE=1       first signs out a team of the same size that no stream listens to (the same run's baseline
#                    for what the SETs add to the sign-out); BASELINE=0 skips it
#   KILL_AT=0.5      kill -9 once the receiver has this share of the SETs (and the sign-out has answered)
#   PUSH_TIMEOUT=1s  lanyard.signals.push-timeout; a drain's claim lasts 22 times this (decision 29; 102 before), and the
#                    rows the killed node had claimed wait that long after the kill before anyone pushes them
#   MAX_SECONDS=1800 LANYARD_JAR= (default server/target/lanyard-*.jar, built when missing)
# Usage: bench/outbox-burst.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=outbox-burst
source bench/lib.sh

SESSIONS=${SESSIONS:-10000}
MEMBERS=${MEMBERS:-100}
BASELINE=${BASELINE:-1}
KILL_AT=${KILL_AT:-0.5}
PUSH_TIMEOUT=${PUSH_TIMEOUT:-1s}
MAX_SECONDS=${MAX_SECONDS:-1800}
PASSWORD="a long outbox-burst passphrase 11"
RECEIVER_AUTH="Bearer burst-receiver-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

need curl curl
need jq jq
need python3 python3
need java openjdk-17-jre-headless
jar=$(lanyard_jar)

work=$(mktemp -d /tmp/lanyard-burst.XXXXXX)
chmod 755 "$work"
server="" watchdog="" receiver="" pgbin=""
stop_watchdog() {
    if [ -n "$watchdog" ]; then kill "$watchdog" 2>/dev/null || true; wait "$watchdog" 2>/dev/null || true; watchdog=""; fi
}
cleanup() {
    if [ -n "$server" ]; then kill -9 "$server" 2>/dev/null || true; fi
    if [ -n "$receiver" ]; then kill "$receiver" 2>/dev/null || true; fi
    stop_watchdog
    if [ -n "$pgbin" ]; then stop_postgres "$work" immediate; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { date +%s%3N; }
secs() { calc "($2 - $1) / 1000" 1; }
fail() { echo "outbox-burst.sh: $*" >&2; exit 1; }

echo "outbox-burst.sh: PostgreSQL (Debian's, durable), receiver on 127.0.0.1, $SESSIONS sessions, kill -9 at $KILL_AT of the drain"
start_postgres "$work"
sql() { "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -d lanyard -qAtX -v ON_ERROR_STOP=1 -c "$1"; }

python3 bench/ssf-receiver.py "$work/receiver.port" "$work/received" "$RECEIVER_AUTH" "$MAX_SECONDS" &
receiver=$!
for _ in $(seq 1 200); do [ -s "$work/receiver.port" ] && break; sleep 0.05; done
[ -s "$work/receiver.port" ] || fail "the receiver did not start"
rport=$(cat "$work/receiver.port")
touch "$work/received"

geo=()
[ -d data/geo ] && geo=(--lanyard.geo.directory="$(pwd)/data/geo")
start_server() { # start_server LABEL: starts the jar and returns once it answers; sets server, base, started_ms, ready_ms
    port=$(free_port)
    started_ms=$(now_ms)
    # java itself is the child (not under timeout(1)), so that kill -9 "$server" kills the server.
    java -Xmx512m -jar "$jar" --server.port="$port" --server.address=127.0.0.1 \
        --spring.datasource.url="jdbc:postgresql://127.0.0.1:$pgport/lanyard" --spring.datasource.username=postgres \
        --lanyard.signals.push-timeout="$PUSH_TIMEOUT" --spring.jmx.enabled=false "${geo[@]}" \
        >>"$work/server-$1.log" 2>&1 &
    server=$!
    stop_watchdog
    (sleep "$MAX_SECONDS"; kill -9 "$server" 2>/dev/null) &
    watchdog=$!
    base="http://127.0.0.1:$port"
    for _ in $(seq 1 600); do
        if curl -fsS -o /dev/null "$base/actuator/health" 2>/dev/null; then ready_ms=$(now_ms); return 0; fi
        kill -0 "$server" 2>/dev/null || { tail -n 40 "$work/server-$1.log" >&2; fail "the server died while starting"; }
        sleep 0.3
    done
    fail "the server did not start within 180 s"
}

resp="$work/body"
api() { # api METHOD PATH TOKEN [JSON]: prints the status; the body goes to $resp
    local args=(-sS -m 600 -X "$1" "$base$2" -H 'Content-Type: application/json' -o "$resp" -w '%{http_code}')
    [ -n "$3" ] && args+=(-H "Authorization: Bearer $3")
    [ $# -ge 4 ] && args+=(--data "$4")
    curl "${args[@]}" 2>/dev/null || true
}
expect() { [ "$1" = "$2" ] || fail "$3: HTTP $1: $(head -c 300 "$resp")"; }

start_server first
echo "outbox-burst.sh: Lanyard up after $(secs "$started_ms" "$ready_ms") s"

# An admin, an app enabled for Shared Signals, and its push stream for session-revoked.
email="burst-admin@example.test"
expect "$(api POST /api/v1/signup "" "{\"email\":\"$email\",\"password\":\"$PASSWORD\",\"name\":\"Burst\",\"team\":\"Burst\"}")" 201 signup
expect "$(api POST /api/v1/login "" "{\"email\":\"$email\",\"password\":\"$PASSWORD\",\"tokenType\":\"bearer\"}")" 201 login
admin=$(jq -r .token "$resp")
expect "$(api POST /api/v1/admin/apps "$admin" '{"name":"Burst receiver","redirectUris":["http://127.0.0.1:9/cb"],"type":"confidential","scopes":["openid"]}')" 201 "app"
app_id=$(jq -r .app.id "$resp"); client_id=$(jq -r .app.clientId "$resp"); client_secret=$(jq -r .clientSecret "$resp")
expect "$(api PUT "/api/v1/admin/apps/$app_id/signals" "$admin" '{"enabled":true}')" 200 "enable signals"
status=$(curl -sS -m 30 -u "$client_id:$client_secret" -d 'grant_type=client_credentials&scope=ssf' -o "$resp" -w '%{http_code}' "$base/oauth2/token" || true)
expect "$status" 200 "receiver token"
ssf_token=$(jq -r .access_token "$resp")
stream_body=$(jq -cn --arg url "http://127.0.0.1:$rport/ssf" --arg auth "$RECEIVER_AUTH" \
    '{delivery:{method:"urn:ietf:rfc:8935",endpoint_url:$url,authorization_header:$auth},events_requested:["https://schemas.openid.net/secevent/caep/event-type/session-revoked"],description:"burst"}')
expect "$(api POST /api/v1/ssf/streams "$ssf_token" "$stream_body")" 201 "push stream"
stream_id=$(jq -r .stream_id "$resp")

# A team's sessions, in bulk (argon2 makes API sign-ins far too slow for 10,000): MEMBERS members, SESSIONS sessions.
fill() { # fill ADMIN_EMAIL PREFIX: prints the team id
    local team now
    team=$(sql "SELECT team_id FROM accounts WHERE email = '$1'")
    now=$(now_ms)
    sql "INSERT INTO accounts (id, team_id, email, name, password_hash, role, created_at)
         SELECT 'acc_$2_' || g, '$team', '$2' || g || '@example.test', 'Member ' || g, '{noop}not a hash', 'MEMBER', $now
         FROM generate_series(1, $MEMBERS) AS g"
    sql "INSERT INTO sessions (id, token_hash, account_id, app_type, remember_me, device_type, user_agent, browser, browser_version, os,
                               ip, city, country, country_code, created_at, last_active_at, idle_timeout_ms, expires_at)
         SELECT 'ses_$2_' || g, encode(sha256(('$2-token-' || g)::bytea), 'hex'), 'acc_$2_' || (1 + g % $MEMBERS), 'WEB', FALSE,
                'DESKTOP', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0', 'Firefox', '133', 'Linux', '85.214.' || (g / 256 % 256) || '.' || (g % 256),
                'Berlin', 'Germany', 'DE', $now, $now, 604800000, $now + 2592000000
         FROM generate_series(1, $SESSIONS) AS g"
    sql "ANALYZE"
    echo "$team"
}

baseline_s=""
if [ "$BASELINE" = 1 ]; then
    # The same sign-out in a team no stream listens to: what ending the sessions costs without SETs.
    expect "$(api POST /api/v1/signup "" "{\"email\":\"baseline-admin@example.test\",\"password\":\"$PASSWORD\",\"name\":\"Base\",\"team\":\"Baseline\"}")" 201 "baseline signup"
    expect "$(api POST /api/v1/login "" "{\"email\":\"baseline-admin@example.test\",\"password\":\"$PASSWORD\",\"tokenType\":\"bearer\"}")" 201 "baseline login"
    baseline_admin=$(jq -r .token "$resp")
    fill baseline-admin@example.test base >/dev/null
    t=$(now_ms)
    expect "$(api POST /api/v1/admin/sessions/sign-out "$baseline_admin" '{"reason":"outbox burst bench baseline"}')" 200 "baseline sign-out"
    baseline_s=$(secs "$t" "$(now_ms)")
    [ "$(sql "SELECT COUNT(*) FROM signal_outbox")" = 0 ] || fail "the baseline team's sign-out wrote signals"
    echo "outbox-burst.sh: baseline: $(jq -r .ended "$resp") sessions of a team without a stream signed out in $baseline_s s"
fi

fill_started=$(now_ms)
team=$(fill "$email" burst)
echo "outbox-burst.sh: filled $MEMBERS members and $SESSIONS sessions in $(secs "$fill_started" "$(now_ms)") s"

# The burst: one team sign-out ends every session but the admin's own, in batches (one transaction each).
burst_ms=$(now_ms)
( curl -sS -m 600 -X POST "$base/api/v1/admin/sessions/sign-out" -H 'Content-Type: application/json' -H "Authorization: Bearer $admin" \
      --data '{"reason":"outbox burst bench"}' -o "$work/signout.body" -w '%{http_code}' >"$work/signout.status" 2>/dev/null || true
  now_ms >"$work/signout.done" ) &
signout=$!
kill_count=$(awk "BEGIN { printf \"%d\", $SESSIONS * $KILL_AT }")
deadline=$(( $(now_ms) + MAX_SECONDS * 1000 ))
while :; do
    received=$(wc -l <"$work/received")
    if [ -s "$work/signout.done" ] && [ "$received" -ge "$kill_count" ]; then break; fi
    [ "$received" -ge "$SESSIONS" ] && fail "the drain ended ($received SETs) before the kill: lower KILL_AT"
    [ "$(now_ms)" -lt "$deadline" ] || fail "no kill point within $MAX_SECONDS s ($received SETs received)"
    kill -0 "$server" 2>/dev/null || fail "the server died during the burst"
    sleep 0.02
done
kill -9 "$server"
kill_ms=$(now_ms)
wait "$server" 2>/dev/null || true
server=""
wait "$signout" 2>/dev/null || true
[ "$(cat "$work/signout.status")" = 200 ] || fail "team sign-out: HTTP $(cat "$work/signout.status")"
ended=$(jq -r .ended "$work/signout.body")
signout_ms=$(cat "$work/signout.done")
sleep 0.5 # a push the receiver was writing at the kill
received_at_kill=$(wc -l <"$work/received")
cut -d' ' -f1 "$work/received" | sort -u >"$work/received.jtis.kill"

# What the database says at the kill: every committed ending has its SET; which are marked delivered, which are held by the dead node.
expected=$(sql "SELECT COUNT(*) FROM signal_outbox WHERE stream_id = '$stream_id'")
ended_rows=$(sql "SELECT COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.team_id = '$team' AND s.end_reason = 'ADMIN_REVOKED'")
marked_at_kill=$(sql "SELECT COUNT(*) FROM signal_outbox WHERE stream_id = '$stream_id' AND delivered_at IS NOT NULL")
sql "SELECT jti FROM signal_outbox WHERE stream_id = '$stream_id' AND delivered_at IS NULL AND given_up_at IS NULL" | sort >"$work/pending.jtis.kill"
unrecorded=$(comm -12 "$work/received.jtis.kill" "$work/pending.jtis.kill" | wc -l)
held=$(sql "SELECT COUNT(*) FROM signal_outbox WHERE stream_id = '$stream_id' AND delivered_at IS NULL AND claim IS NOT NULL AND claimed_until > $kill_ms")
held_until=$(sql "SELECT COALESCE(MAX(claimed_until), 0) FROM signal_outbox WHERE stream_id = '$stream_id' AND delivered_at IS NULL AND claim IS NOT NULL")
dead_claims=$(sql "SELECT string_agg(DISTINCT quote_literal(claim), ',') FROM signal_outbox WHERE stream_id = '$stream_id' AND delivered_at IS NULL AND claim IS NOT NULL")
first_ms=$(awk 'NR == 1 { printf "%.0f", $3 * 1000 }' "$work/received")
echo "outbox-burst.sh: killed at $(secs "$burst_ms" "$kill_ms") s into the burst; $received_at_kill SETs received, $marked_at_kill marked delivered"

start_server second
restart_ms=$started_ms
echo "outbox-burst.sh: Lanyard up again after $(secs "$restart_ms" "$ready_ms") s"
free_done_ms=""
deadline=$(( $(now_ms) + MAX_SECONDS * 1000 ))
while :; do
    pending=$(sql "SELECT COUNT(*) FROM signal_outbox WHERE stream_id = '$stream_id' AND delivered_at IS NULL AND given_up_at IS NULL")
    if [ -z "$free_done_ms" ]; then
        free=$pending
        [ -n "$dead_claims" ] && free=$(sql "SELECT COUNT(*) FROM signal_outbox WHERE stream_id = '$stream_id' AND delivered_at IS NULL
                                              AND given_up_at IS NULL AND (claim IS NULL OR claim NOT IN ($dead_claims))")
        [ "$free" -eq 0 ] && free_done_ms=$(now_ms)
    fi
    [ "$pending" -eq 0 ] && break
    [ "$(now_ms)" -lt "$deadline" ] || fail "the outbox still holds $pending SETs after $MAX_SECONDS s"
    kill -0 "$server" 2>/dev/null || fail "the restarted server died"
    sleep 0.1
done
empty_ms=$(now_ms)
gave_up=$(sql "SELECT COUNT(*) FROM signal_outbox WHERE stream_id = '$stream_id' AND given_up_at IS NOT NULL")

deliveries=$(wc -l <"$work/received")
distinct=$(cut -d' ' -f1 "$work/received" | sort -u | wc -l)
sessions_seen=$(cut -d' ' -f2 "$work/received" | sort -u | wc -l)
after_kill=$(( distinct - $(wc -l <"$work/received.jtis.kill") ))
lost=$(( expected - distinct ))
duplicated=$(( deliveries - distinct ))
before_s=$(secs "$burst_ms" "$kill_ms")
after_s=$(secs "$ready_ms" "$empty_ms")
free_s=$(secs "$ready_ms" "${free_done_ms:-$empty_ms}")
claim_wait_s=$(calc "($held_until - $kill_ms) / 1000" 1)
[ "$held_until" -gt 0 ] || claim_wait_s=0

cat <<EOF

== Signal outbox: burst of $SESSIONS endings, kill -9 mid-drain, restart (PostgreSQL, push to 127.0.0.1; $(git rev-parse --short HEAD), $(date -u +%F), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)) ==
sessions ended by the team sign-out        $ended (sessions table: $ended_rows ADMIN_REVOKED); sign-out answered after $(secs "$burst_ms" "$signout_ms") s
$( [ -n "$baseline_s" ] && echo "same sign-out, team without a stream       $baseline_s s (baseline, same run); with the push stream $(calc "($signout_ms - $burst_ms) / 1000 / $baseline_s" 2)x (its SETs written in its transactions, the drain pushing meanwhile on the same cores)" )
events expected (outbox rows of the stream) $expected
delivered (202 answers, all)                $deliveries
distinct SETs delivered (by jti)            $distinct   (distinct sessions named: $sessions_seen)
lost (expected - distinct)                  $lost
duplicated (deliveries - distinct)          $duplicated
given up                                    $gave_up
at the kill: received $received_at_kill, marked delivered $marked_at_kill; received but not yet marked (202 sent, not recorded): $unrecorded
  push delivery after a crash is at-least-once only for such a SET: its 202 was not recorded before the kill, so it is
  pushed again with the same jti (RFC 8935 receivers deduplicate by jti); every SET whose 202 was recorded is never sent again.
  The duplicates above ($duplicated) should equal that count ($unrecorded).
held by the dead node's claim at the kill   $held SETs, free again $claim_wait_s s after the kill (claim = push-timeout $PUSH_TIMEOUT x 22)
drain before the kill                       $before_s s from the sign-out request ($((received_at_kill)) SETs; first arrival after $(secs "$burst_ms" "$first_ms") s)
restart (kill -> healthy)                   $(secs "$kill_ms" "$ready_ms") s
drain after the restart                     $after_s s until the outbox was empty ($after_kill SETs); $free_s s for all but the claimed ones
events/s                                    before the kill $(calc "$received_at_kill / $before_s" 0); after the restart, unclaimed rows $(calc "($after_kill - $held) / ($free_s > 0 ? $free_s : 1)" 0); whole run incl. restart and claim wait $(calc "$distinct / (($empty_ms - $burst_ms) / 1000)" 0)
EOF
[ "$lost" -eq 0 ] && [ "$duplicated" -le "$unrecorded" ] && [ "$gave_up" -eq 0 ] || { echo "outbox-burst.sh: FAILED (lost, given up, or duplicates beyond the unrecorded)" >&2; exit 1; }
