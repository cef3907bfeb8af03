#!/usr/bin/env bash
# Crash test (issue 8, not in CI): CYCLES times per database, load Lanyard, kill -9 it in the middle
# of the load, start it again, and check that every write it acknowledged is still there: sign-ins
# (the token still works), revocations (refused), renames (the name) and team policy changes.
# A control run then plants faults in a copy of the ledger (acknowledgements the server never
# gave) and fails unless the checker reports every one of them.
#
# Loopback only, bounded: each server is killed after MAX_SECONDS whatever happens, each writer
# stops after OPS operations or at the first refused connection.
#
# Settings (environment): DBS="sqlite postgresql" CYCLES=3 WRITERS=4 OPS=3000 (per writer per cycle, a bound: the kill comes first)
# KILL_AFTER="15 30" (kill -9 after a random number of seconds in this range) MAX_SECONDS=900
# LANYARD_JAR= (default: target/lanyard-*.jar, built when missing)
# Needs: java, curl, jq; for postgresql, Debian's postgresql package (installed when missing, as root).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=crash.sh
source bench/lib.sh

DBS=${DBS:-"sqlite postgresql"}
CYCLES=${CYCLES:-3}
WRITERS=${WRITERS:-4}
OPS=${OPS:-3000}
read -r KILL_MIN KILL_MAX <<<"${KILL_AFTER:-15 30}"
MAX_SECONDS=${MAX_SECONDS:-900}
PASSWORD="a long crash-test passphrase 42"

need curl curl
need jq jq
need java openjdk-17-jre-headless

jar=$(lanyard_jar)
geo=$(pwd)/data/geo

work=$(mktemp -d /tmp/lanyard-crash.XXXXXX)
chmod 755 "$work"
server=""
watchdog=""
pg=""
pgbin=""
stop_watchdog() {
    if [ -n "$watchdog" ]; then kill "$watchdog" 2>/dev/null || true; wait "$watchdog" 2>/dev/null || true; watchdog=""; fi
}
cleanup() {
    if [ -n "$server" ]; then kill -9 "$server" 2>/dev/null || true; fi
    stop_watchdog
    if [ -n "$pg" ]; then stop_postgres "$work" immediate; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { date +%s%3N; }

start_server() { # start_server DB
    port=$(free_port)
    local db=(--spring.datasource.url="jdbc:sqlite:$work/lanyard.db?journal_mode=WAL&busy_timeout=10000&foreign_keys=true&synchronous=NORMAL&transaction_mode=IMMEDIATE")
    if [ "$1" = postgresql ]; then
        db=(--spring.datasource.url="jdbc:postgresql://127.0.0.1:$pgport/lanyard" --spring.datasource.username=postgres)
    fi
    local started; started=$(now_ms)
    # java itself is the child (not under timeout(1)), so that kill -9 "$server" kills the server.
    java -Xmx512m -jar "$jar" --server.port="$port" --server.address=127.0.0.1 \
        "${db[@]}" --lanyard.geo.directory="$geo" --lanyard.session.flush-interval=1s --spring.jmx.enabled=false \
        >>"$work/server-$1.log" 2>&1 &
    server=$!
    stop_watchdog
    (sleep "$MAX_SECONDS"; kill -9 "$server" 2>/dev/null) &
    watchdog=$!
    base="http://127.0.0.1:$port"
    for _ in $(seq 1 600); do
        if curl -fsS -o /dev/null "$base/actuator/health" 2>/dev/null; then
            echo $(( $(now_ms) - started )) >>"$work/startups"
            return 0
        fi
        kill -0 "$server" 2>/dev/null || { tail -n 40 "$work/server-$1.log" >&2; echo "crash.sh: server died while starting" >&2; exit 1; }
        sleep 0.3
    done
    echo "crash.sh: server did not start within 180 s" >&2; exit 1
}

resp="$work/body.main"
api() { # api METHOD PATH TOKEN [JSON]: prints the status (000: no answer); the body goes to $resp
    local args=(-sS -m 30 -X "$1" "$base$2" -H 'Content-Type: application/json' -o "$resp" -w '%{http_code}')
    [ -n "$3" ] && args+=(-H "Authorization: Bearer $3")
    [ $# -ge 4 ] && args+=(--data "$4")
    curl "${args[@]}" 2>/dev/null || true
}
body() { cat "$resp"; }

# One writer: its own account and team; appends "A op args" before and "K op args" after each acknowledged write.
writer() { # writer N CYCLE
    local n=$1 ledger="$work/ledger.$1" email="crash$1@example.test" admin sessions=() status i op sid
    resp="$work/body.$1"
    admin=$(cat "$work/admin.$n")
    mapfile -t sessions < <(grep '^K signin ' "$ledger" | awk '{print $3}' | grep -vxF -f <(grep '^K revoke ' "$ledger" | awk '{print $3}') || true)
    for i in $(seq 1 "$OPS"); do
        op=$((RANDOM % 10))
        if [ $op -lt 4 ] || [ ${#sessions[@]} -lt 2 ]; then
            echo "A signin" >>"$ledger"
            status=$(api POST /api/v1/login "" "{\"email\":\"$email\",\"password\":\"$PASSWORD\",\"tokenType\":\"bearer\"}")
            [ "$status" = 000 ] && return 0
            [ "$status" = 201 ] && { sid=$(body | jq -r .session.id); echo "K signin $sid $(body | jq -r .token)" >>"$ledger"; sessions+=("$sid"); }
        elif [ $op -lt 6 ]; then
            sid=${sessions[$((RANDOM % ${#sessions[@]}))]}
            echo "A revoke $sid" >>"$ledger"
            status=$(api DELETE "/api/v1/sessions/$sid" "$admin")
            [ "$status" = 000 ] && return 0
            if [ "$status" = 204 ]; then
                echo "K revoke $sid" >>"$ledger"; sessions=("${sessions[@]/$sid}"); sessions=(${sessions[@]})
            else echo "R revoke $sid" >>"$ledger"; fi
        elif [ $op -lt 9 ]; then
            sid=${sessions[$((RANDOM % ${#sessions[@]}))]}
            local name="n$2-$i-$RANDOM"
            echo "A rename $sid $name" >>"$ledger"
            status=$(api PATCH "/api/v1/sessions/$sid" "$admin" "{\"name\":\"$name\",\"alerts\":true}")
            [ "$status" = 000 ] && return 0
            if [ "$status" = 200 ]; then echo "K rename $sid $name" >>"$ledger"; else echo "R rename $sid" >>"$ledger"; fi
        else
            local days=$((1 + RANDOM % 365))
            echo "A policy $days" >>"$ledger"
            status=$(api PUT /api/v1/team/policy "$admin" "{\"idleTimeout\":\"7d\",\"allowRememberMe\":true,\"rememberedDays\":$days,\"lifetimeDays\":7}")
            [ "$status" = 000 ] && return 0
            if [ "$status" = 200 ]; then echo "K policy $days" >>"$ledger"; else echo "R policy" >>"$ledger"; fi
        fi
    done
}

# Checks one ledger against the server; prints "checked N ambiguous M faults F" and one line per fault.
check() { # check LEDGER ADMIN_TOKEN
    local ledger=$1 admin=$2 faults=0 checked=0 ambiguous=0 status
    # The last acknowledged state of each session and of the policy; "?" where a later attempt was never answered.
    while read -r kind sid token state name; do
        if [ "$state" = "?" ]; then ambiguous=$((ambiguous + 1)); continue; fi
        checked=$((checked + 1))
        status=$(api GET /api/v1/sessions/current "$token")
        if [ "$state" = revoked ]; then
            [ "$status" = 401 ] || { faults=$((faults + 1)); echo "FAULT: revoked session $sid answered $status"; }
        elif [ "$status" != 200 ]; then
            faults=$((faults + 1)); echo "FAULT: signed-in session $sid answered $status"
        elif [ -n "$name" ] && [ "$(body | jq -r .name)" != "$name" ]; then
            faults=$((faults + 1)); echo "FAULT: session $sid is named '$(body | jq -r .name)', acknowledged '$name'"
        fi
    done < <(awk '
        $1=="K" && $2=="signin" { token[$3]=$4; st[$3]="active"; order[++n]=$3 }
        $1=="K" && $2=="revoke" { st[$3]="revoked"; pend[$3]=0 }
        $1=="A" && $2=="revoke" { pend[$3]=1 }
        $1=="R" && $2=="revoke" { pend[$3]=0 }
        $1=="R" && $2=="rename" { pendn[$3]=0 }
        $1=="K" && $2=="rename" { nm[$3]=$4; pendn[$3]=0 }
        $1=="A" && $2=="rename" { pendn[$3]=1; want[$3]=$4 }
        END { for (i=1;i<=n;i++) { s=order[i]; state=st[s]; if (pend[s] || pendn[s]) state="?"; print "session", s, token[s], state, nm[s] } }' "$ledger")
    local policy pending
    policy=$(awk '$1=="K" && $2=="policy" {p=$3} END {print p}' "$ledger")
    pending=$(awk '$1=="A" && $2=="policy" {a=$3} ($1=="K" || $1=="R") && $2=="policy" {a=""} END {print a}' "$ledger")
    if [ -n "$policy" ]; then
        status=$(api GET /api/v1/team/policy "$admin")
        local days; days=$(body | jq -r .rememberedDays)
        if [ -n "$pending" ] && [ "$days" = "$pending" ]; then ambiguous=$((ambiguous + 1))
        else
            checked=$((checked + 1))
            [ "$days" = "$policy" ] || { faults=$((faults + 1)); echo "FAULT: policy rememberedDays is $days, acknowledged $policy"; }
        fi
    fi
    echo "checked $checked ambiguous $ambiguous faults $faults"
}

summary="$work/summary"
: >"$summary"
for db in $DBS; do
    echo "== $db =="
    rm -f "$work"/ledger.* "$work"/admin.* "$work/startups" "$work/lanyard.db"*
    if [ "$db" = postgresql ]; then pg=1; start_postgres "$work"; fi
    start_server "$db"
    for n in $(seq 1 "$WRITERS"); do
        api POST /api/v1/signup "" "{\"email\":\"crash$n@example.test\",\"password\":\"$PASSWORD\",\"name\":\"Crash $n\",\"team\":\"Crash $n\"}" >/dev/null
        api POST /api/v1/login "" "{\"email\":\"crash$n@example.test\",\"password\":\"$PASSWORD\",\"tokenType\":\"bearer\"}" >/dev/null
        body | jq -r .token >"$work/admin.$n"
        : >"$work/ledger.$n"
    done
    total_acks=0 total_checked=0 total_ambiguous=0 total_faults=0
    for cycle in $(seq 1 "$CYCLES"); do
        pids=()
        for n in $(seq 1 "$WRITERS"); do writer "$n" "$cycle" & pids+=($!); done
        sleep $((KILL_MIN + RANDOM % (KILL_MAX - KILL_MIN + 1)))
        kill -9 "$server"; wait "$server" 2>/dev/null || true; server=""
        # Proof of the kill: nothing may answer on the old port any more.
        if curl -s -m 2 -o /dev/null "$base/actuator/health"; then echo "crash.sh: the server survived kill -9" >&2; exit 1; fi
        for p in "${pids[@]}"; do wait "$p" || true; done
        start_server "$db"
        acks=$(cat "$work"/ledger.* | grep -c '^K ' || true)
        c_checked=0 c_ambiguous=0 c_faults=0
        for n in $(seq 1 "$WRITERS"); do
            result=$(check "$work/ledger.$n" "$(cat "$work/admin.$n")")
            grep '^FAULT' <<<"$result" || true
            read -r _ ch _ am _ fa <<<"$(tail -n 1 <<<"$result")"
            c_checked=$((c_checked + ch)); c_ambiguous=$((c_ambiguous + am)); c_faults=$((c_faults + fa))
        done
        echo "cycle $cycle: acknowledged writes so far $acks; checked $c_checked sessions/policies, $c_ambiguous ambiguous (write in flight at the kill), $c_faults faults; restart took $(tail -n 1 "$work/startups") ms"
        total_faults=$((total_faults + c_faults)); total_checked=$c_checked; total_ambiguous=$((total_ambiguous + c_ambiguous)); total_acks=$acks
    done
    # Control: acknowledgements the server never gave must each be reported.
    cp "$work/ledger.1" "$work/planted"
    active=$(awk '$1=="K"&&$2=="signin"{t[$3]=1} $1=="K"&&$2=="revoke"{delete t[$3]} $2=="revoke"||$2=="rename"{delete t[$3]} END{for (s in t) {print s; exit}}' "$work/planted")
    {
        echo "K signin ses_planted_never_issued lanyard_planted_token_that_was_never_issued_xxxxxxxxxx"
        [ -n "$active" ] && echo "K revoke $active"
        echo "K policy 400"
    } >>"$work/planted"
    second=$(awk '$1=="K"&&$2=="signin"{t[$3]=1} $1=="K"&&$2=="revoke"{delete t[$3]} $2=="revoke"||$2=="rename"{delete t[$3]} END{n=0; for (s in t) if (n++==1) {print s; exit}}' "$work/ledger.1")
    [ -n "$second" ] && echo "K rename $second never-sent-name" >>"$work/planted"
    planted=$(( 2 + $([ -n "$active" ] && echo 1 || echo 0) + $([ -n "$second" ] && echo 1 || echo 0) ))
    control=$(check "$work/planted" "$(cat "$work/admin.1")")
    caught=$(tail -n 1 <<<"$control" | awk '{print $6}')
    echo "control: planted $planted faults, the checker reported $caught"
    grep '^FAULT' <<<"$control" | sed 's/^/  /'
    echo "$db cycles=$CYCLES writers=$WRITERS acknowledged=$total_acks checked=$total_checked ambiguous=$total_ambiguous faults=$total_faults control=$caught/$planted startups_ms=$(paste -sd, "$work/startups")" >>"$summary"
    kill -9 "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=""
    if [ "$db" = postgresql ]; then stop_postgres "$work"; pg=""; fi
    [ "$total_faults" = 0 ] || { cat "$summary"; echo "crash.sh: acknowledged writes were lost" >&2; exit 1; }
    [ "$caught" = "$planted" ] || { cat "$summary"; echo "crash.sh: the control's planted faults were not all caught" >&2; exit 1; }
done
echo "== summary =="
cat "$summary"
