#!/usr/bin/env bash
# Start-up only (issue 13): Lanyard's packaged jar against bench/plain-app, and optionally an older
# Lanyard jar (BASE_JAR, e.g. a copy of the jar before a change), started in turn ROUNDS times, the
# order rotating each round, loopback only, each on a fresh SQLite file in a scratch directory (so
# Flyway migrates, as in framework-limit.sh). For each start it records, from `exec java`:
#   log   the first line Spring logs ("Starting Lanyard ..."): JVM start, the launcher, logging set-up
#   ready Spring's "Started ... in" line
#   http  the first HTTP answer (any status) to GET /api/v1/sessions/current
# and prints the medians, the ratio Lanyard / plain (issue 13's goal: <= 1.5) and the load.
# STEPS=N adds one more Lanyard start (not timed) that prints its N longest Spring start-up steps
# (-Dlanyard.startup-steps, e.g. spring.beans.instantiate with the bean's name).
#
# Settings (environment): ROUNDS=5 LAUNCH=jar|cds (cds: each from its extracted jar with a class-data
# archive, made first and not timed, as scripts/run.sh starts Lanyard) JAVA_OPTS= (every JVM)
# LANYARD_JAR= BASE_JAR= STEPS=0. Raw logs stay in bench/target/startup/.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=startup.sh
source bench/lib.sh

ROUNDS=${ROUNDS:-5}
LAUNCH=${LAUNCH:-jar}
JAVA_OPTS=${JAVA_OPTS:-}
STEPS=${STEPS:-0}
BASE_JAR=${BASE_JAR:-}

need curl curl
need java openjdk-17-jre-headless
need mvn maven

jar=$(lanyard_jar)
plain_jar=$(plain_app_jar)
[ -z "$BASE_JAR" ] || BASE_JAR=$(cd "$(dirname "$BASE_JAR")" && pwd)/$(basename "$BASE_JAR")

out=bench/target/startup
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/lanyard-startup.XXXXXX)
current=""
cleanup() {
    [ -n "$current" ] && kill "$current" 2>/dev/null && wait "$current" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

geo="$work/geo"
[ -n "$(ls data/geo/*.mmdb 2>/dev/null || true)" ] && geo=$(cd data/geo && pwd)
lanyard_args() { # lanyard_args DIR: the arguments every Lanyard start gets
    echo "--server.address=127.0.0.1 --server.port=0 --spring.datasource.url=jdbc:sqlite:$1/lanyard.db?journal_mode=WAL&busy_timeout=10000&foreign_keys=true&synchronous=NORMAL --lanyard.geo.directory=$geo"
}

declare -A launch
apps="lanyard plain"
launch[lanyard]="-jar $jar"
launch[plain]="-jar $plain_jar"
if [ -n "$BASE_JAR" ]; then apps="base lanyard plain"; launch[base]="-jar $BASE_JAR"; fi
if [ "$LAUNCH" = cds ]; then
    source scripts/cds.sh
    echo "$BENCH_NAME: making the class-data archives (once per jar; not timed)..."
    mkdir -p "$work/training"
    launch[lanyard]=$(cds_java_args "$jar" "$(pwd)/bench/target/cds-lanyard" $(lanyard_args "$work/training"))
    launch[plain]=$(cds_java_args "$plain_jar" "$(pwd)/bench/target/cds-plain" --server.address=127.0.0.1 --server.port=0)
    [ -z "$BASE_JAR" ] || launch[base]=$(cds_java_args "$BASE_JAR" "$(pwd)/bench/target/cds-base" $(lanyard_args "$work/training"))
    for app in $apps; do
        case "${launch[$app]}" in *-XX:SharedArchiveFile* | *-XX:AOTCache=*) ;; *) echo "$BENCH_NAME: no class-data archive for $app" >&2; exit 1 ;; esac
    done
fi

declare -A t_log t_ready t_http t_cpu
tick=$(getconf CLK_TCK)
start_once() { # start_once APP ROUND: starts, waits for the first HTTP answer, records, stops
    local app=$1 dir="$work/$1-$2" log="$out/$1-$2.log" t0 port="" first="" t
    mkdir -p "$dir"
    local args=""
    [ "$app" = plain ] || args=$(lanyard_args "$dir")
    t0=$(now)
    # shellcheck disable=SC2086 # the launch and the arguments are words
    (cd "$dir" && exec java $JAVA_OPTS ${launch[$app]} $args ${3:-}) >"$log" 2>&1 &
    current=$!
    for _ in $(seq 1 6000); do # 0.02 s steps: at most 2 minutes and more
        kill -0 "$current" 2>/dev/null || { tail -n 30 "$log" >&2; echo "$BENCH_NAME: $app exited" >&2; exit 1; }
        t=$(now)
        [ -z "$first" ] && grep -q " INFO " "$log" 2>/dev/null && first=$(calc "$t - $t0")
        [ -z "$port" ] && port=$(grep -oE "started on port [0-9]+" "$log" | head -n 1 | grep -oE "[0-9]+$" || true)
        if [ -n "$port" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/api/v1/sessions/current" || true)" != 000 ]; then
            t_http[$app]="${t_http[$app]:-} $(calc "$(now) - $t0")"
            t_cpu[$app]="${t_cpu[$app]:-} $(awk -v hz="$tick" '{ printf "%.2f", ($14 + $15) / hz }' /proc/"$current"/stat)"
            t_log[$app]="${t_log[$app]:-} ${first:-?}"
            t_ready[$app]="${t_ready[$app]:-} $(grep -m1 -oE "Started [A-Za-z]+ in [0-9.]+ seconds \(process running for [0-9.]+\)" "$log" | grep -oE "running for [0-9.]+" | grep -oE "[0-9.]+$" || echo '?')"
            if [ -n "${wait_for:-}" ]; then
                for _ in $(seq 1 600); do grep -q "$wait_for" "$log" && break; sleep 0.1; done
            fi
            kill "$current" && wait "$current" 2>/dev/null || true
            current=""
            return 0
        fi
        sleep 0.02
    done
    echo "$BENCH_NAME: $app did not answer (see $log)" >&2
    exit 1
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq 1 "$ROUNDS"); do
    # rotate the order: a start right after another one's exit may find a busier page cache or CPU
    read -ra list <<<"$apps"
    k=$(( (round - 1) % ${#list[@]} ))
    order="${list[*]:k} ${list[*]:0:k}"
    echo "$BENCH_NAME: round $round: $order (load $(cut -d' ' -f1 /proc/loadavg))"
    for app in $order; do start_once "$app" "$round"; done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

median() { echo "$1" | tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "?"; else if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
echo "== Start-up, $ROUNDS rounds, LAUNCH=$LAUNCH, JAVA_OPTS='$JAVA_OPTS', $(nproc) cores, fresh SQLite each start =="
echo "load average before: $load_before; after: $load_after"
printf "%-8s %10s %10s %10s %10s   %s\n" app "log s" "ready s" "http s" "CPU s" "http s per start"
for app in $apps; do
    printf "%-8s %10s %10s %10s %10s   %s\n" "$app" "$(median "${t_log[$app]}")" "$(median "${t_ready[$app]}")" "$(median "${t_http[$app]}")" "$(median "${t_cpu[$app]}")" "${t_http[$app]# }"
done
echo "(log: exec java to Spring's first log line; ready: Spring's 'process running for'; http: exec java to the first HTTP answer;"
echo " CPU: the JVM's user + system CPU time at that answer, all threads, steadier than wall time on a shared machine; medians)"
ratio=$(calc "$(median "${t_http[lanyard]}") / $(median "${t_http[plain]}")" 2)
echo "start-up Lanyard / plain = $ratio   goal <= 1.5: $(awk "BEGIN { print ($ratio <= 1.5) ? \"MET\" : \"MISSED\" }")"
echo "CPU      Lanyard / plain = $(calc "$(median "${t_cpu[lanyard]}") / $(median "${t_cpu[plain]}")" 2)"
if [ -n "$BASE_JAR" ]; then
    echo "start-up Lanyard / base = $(calc "$(median "${t_http[lanyard]}") / $(median "${t_http[base]}")" 2)   base / plain = $(calc "$(median "${t_http[base]}") / $(median "${t_http[plain]}")" 2)"
    echo "CPU      Lanyard / base = $(calc "$(median "${t_cpu[lanyard]}") / $(median "${t_cpu[base]}")" 2)   base / plain = $(calc "$(median "${t_cpu[base]}") / $(median "${t_cpu[plain]}")" 2)"
fi

if [ "$STEPS" -gt 0 ]; then
    echo
    echo "== Lanyard's $STEPS longest start-up steps (one more start, not timed) =="
    JAVA_OPTS="$JAVA_OPTS -Dlanyard.startup-steps=$STEPS" wait_for="^Longest start-up steps" start_once lanyard steps
    sleep 1 # the list is printed in one write, but let it land
    sed -n '/^Longest start-up steps/,$p' "$out/lanyard-steps.log" | head -n $((STEPS + 1))
fi
