#!/usr/bin/env bash
# HTTP benchmark of the session check, loopback only and bounded in time (see bench/README.md).
#
# Starts the packaged jar on 127.0.0.1 (a free port, a fresh SQLite file under /tmp) with one extra
# class on its classpath, bench/src/java/dev/lanyard/bench/BareEndpoint.java: GET /api/v1/login,
# an API endpoint that does no work. Signs up one account and logs in SESSIONS bearer sessions
# (timing each login), then runs wrk against:
#   bare     GET /api/v1/login (BareEndpoint), no session (the token rides in a header nobody reads)
#   check    GET /api/v1/login with Authorization: Bearer (the same + the session check)
#   current  GET /api/v1/sessions/current with Authorization: Bearer (the API endpoint)
# ROUNDS times, the order reversed every other round, and prints the rates and their ratios, the
# CPU the server's request threads spent per request, SQL statements per request
# (lanyard_sql_statements_total), writes per active session per flush, start-up time, RSS after
# start and after the load, and login times.
#
# Settings (environment): SESSIONS=50 DURATION=10 (s per measured run) ROUNDS=2 WARMUP=10 (s per endpoint)
# THREADS=2 CONNECTIONS=16 FLUSH=5 (s, lanyard.session.flush-interval) JAVA_OPTS= LANYARD_JAR=
# MAX_SECONDS= (the server is killed after it in any case). Raw outputs stay in bench/target/http/.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=http.sh
source bench/lib.sh

SESSIONS=${SESSIONS:-50}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-10}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
FLUSH=${FLUSH:-5}
JAVA_OPTS=${JAVA_OPTS:-}
# Hard bound on the server's life, whatever happens to this script.
MAX_SECONDS=${MAX_SECONDS:-$((180 + 3 * (WARMUP + ROUNDS * (DURATION + FLUSH + 2)) + SESSIONS))}
PASSWORD="a long benchmark passphrase 42"
EMAIL="bench@example.test"

need wrk wrk
need curl curl
need java openjdk-17-jre-headless

jar=$(lanyard_jar)

# The baseline endpoint, compiled by the bench profile (into bench/target, never target/).
need mvn maven
echo "http.sh: compiling the baseline endpoint (mvn -q -B -Pbench test-compile)..."
mkdir -p bench/target
mvn -q -B -f server -Pbench test-compile >bench/target/http-build.log 2>&1 \
    || { cat bench/target/http-build.log >&2; echo "http.sh: the build failed" >&2; exit 1; }

out=bench/target/http
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/lanyard-http.XXXXXX)
mkdir -p "$work/bare/dev/lanyard/bench"
cp bench/target/test-classes/dev/lanyard/bench/BareEndpoint*.class "$work/bare/dev/lanyard/bench/"
server=""
watchdog=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    [ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# --- start ---------------------------------------------------------------------------------------
echo "http.sh: starting $(basename "$jar") on 127.0.0.1 (SQLite in $work, flush interval ${FLUSH}s)"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# /actuator/prometheus needs a bearer token: a fresh one per run, given to the server in its environment
# (not on its command line, where ps shows it) and to curl.
metrics_token=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
t0=$(now)
# shellcheck disable=SC2086
# PropertiesLauncher is the jar's own launcher with an extra classpath entry (loader.path): the
# same application, plus BareEndpoint, which component scanning finds under dev.lanyard.
(cd "$work" && export LANYARD_OPS_METRICS_TOKEN="$metrics_token" && exec java $JAVA_OPTS -Dloader.path="$work/bare" -Dloader.main=dev.lanyard.Lanyard \
    -cp "$jar" org.springframework.boot.loader.launch.PropertiesLauncher \
    --server.address=127.0.0.1 --server.port=0 \
    "--spring.datasource.url=jdbc:sqlite:$work/lanyard.db?journal_mode=WAL&busy_timeout=10000&foreign_keys=true&synchronous=NORMAL" \
    --lanyard.geo.directory="$work/geo" \
    --lanyard.session.flush-interval="${FLUSH}s") >"$out/server.log" 2>&1 &
server=$!
(trap 'kill $nap 2>/dev/null; exit 0' TERM; sleep "$MAX_SECONDS" & nap=$!; wait $nap; kill "$server" 2>/dev/null) >/dev/null 2>&1 &
watchdog=$!

port=""
for _ in $(seq 1 1200); do
    kill -0 "$server" 2>/dev/null || { tail -n 40 "$out/server.log" >&2; echo "http.sh: the server exited" >&2; exit 1; }
    if grep -q "Started Lanyard" "$out/server.log"; then
        port=$(grep -oE "started on port [0-9]+" "$out/server.log" | head -n 1 | grep -oE "[0-9]+$")
        break
    fi
    sleep 0.1
done
[ -n "$port" ] || { echo "http.sh: the server did not start within 120 s" >&2; exit 1; }
t_started=$(now)
base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do
    curl -fsS --max-time 2 "$base/actuator/health" 2>/dev/null | grep -q '"UP"' && break
    sleep 0.1
done
t_healthy=$(now)
started_line=$(grep -m1 -oE "Started Lanyard in [0-9.]+ seconds \(process running for [0-9.]+\)" "$out/server.log")
rss_start=$(ps -o rss= -p "$server" | tr -d ' ')

# --- sessions ------------------------------------------------------------------------------------
curl -fsS --max-time 60 -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"name\":\"Bench\",\"team\":\"Bench team\"}" \
    "$base/api/v1/signup" || { echo "http.sh: sign-up failed (see $out/server.log)" >&2; exit 1; }
tokens="$work/tokens"
: >"$tokens"
: >"$out/login-seconds"
for _ in $(seq 1 "$SESSIONS"); do
    body=$(curl -fsS --max-time 60 -H 'Content-Type: application/json' -w '\n%{time_total}' \
        -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"tokenType\":\"bearer\"}" "$base/api/v1/login")
    echo "$body" | tail -n 1 >>"$out/login-seconds"
    echo "$body" | head -n 1 | grep -oE '"token":"[A-Za-z0-9_-]+"' | cut -d'"' -f4 >>"$tokens"
done
[ "$(wc -l <"$tokens")" -eq "$SESSIONS" ] || { echo "http.sh: could not log in $SESSIONS sessions" >&2; exit 1; }
login_stats=$(sort -n "$out/login-seconds" | awk '{ v[NR] = $1 * 1000; s += v[NR] }
    END { printf "mean %.1f ms, median %.1f ms, min %.1f ms, max %.1f ms", s / NR, v[int((NR + 1) / 2)], v[1], v[NR] }')
curl -fsS --max-time 5 "$base/api/v1/login" | grep -q '"ok":true' \
    || { echo "http.sh: the baseline endpoint GET /api/v1/login is not there (see $out/server.log)" >&2; exit 1; }
curl -fsS --max-time 5 -o /dev/null -H "Authorization: Bearer $(head -n 1 "$tokens")" "$base/api/v1/sessions/current" \
    || { echo "http.sh: a bearer token does not work on /api/v1/sessions/current" >&2; exit 1; }

# --- load ----------------------------------------------------------------------------------------
sql() { # sql KIND: lanyard_sql_statements_total{kind=KIND}
    curl -fsS --max-time 5 -H "Authorization: Bearer $metrics_token" "$base/actuator/prometheus" \
        | awk -v k="kind=\"$1\"" '/^lanyard_sql_statements_total/ && index($0, k) { printf "%d", $NF; found = 1 } END { if (!found) print "missing" }'
}
[ "$(sql write)" != missing ] || { echo "http.sh: lanyard_sql_statements_total is missing: rebuild the jar (mvn -q -B -pl server -DskipTests package)" >&2; exit 1; }

wrk_run() { # wrk_run SECONDS PATH HEADER OUTFILE
    timeout $(($1 + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1"s --timeout 5s --latency \
        -s bench/rotate-tokens.lua "$base$2" -- "$tokens" "$3" >"$4" 2>&1
    if grep -q "Non-2xx" "$4"; then
        cat "$4" >&2
        echo "http.sh: $2 answered errors under load; the figures would be wrong" >&2
        exit 1
    fi
}

echo "http.sh: warming up (${WARMUP}s per endpoint)..."
wrk_run "$WARMUP" /api/v1/login X-Bench-Token "$out/warmup-bare.txt"
wrk_run "$WARMUP" /api/v1/login Authorization "$out/warmup-check.txt"
wrk_run "$WARMUP" /api/v1/sessions/current Authorization "$out/warmup-current.txt"
sleep $((FLUSH + 1))

declare -A path header rates requests reads writes flushes flush_max unclear_bursts latency cpu req_cpu
tick=$(getconf CLK_TCK)
# CPU time (user + system, in clock ticks) the server has used so far: all its threads, which
# includes the JIT compiler and GC; and Tomcat's request threads ("http-nio-..."), which is the
# request path alone and barely moves with what else the machine is doing.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
path[bare]=/api/v1/login; header[bare]=X-Bench-Token
path[check]=/api/v1/login; header[check]=Authorization
path[current]=/api/v1/sessions/current; header[current]=Authorization
for run in bare check current; do cpu[$run]=0; req_cpu[$run]=0; rates[$run]=""; requests[$run]=0; reads[$run]=0; writes[$run]=0; flushes[$run]=0; flush_max[$run]=0; unclear_bursts[$run]=0; latency[$run]=""; done

measure() { # measure RUN ROUND
    local run=$1 file="$out/$1-$2.txt" r0 w0 c0 q0 sampler
    r0=$(sql read); w0=$(sql write)
    # The write counter, sampled every 0.25 s with the time: each flush shows as one burst of writes.
    (set +e; while :; do w=$(sql write); t=$(now); echo "$t $w"; sleep 0.25; done) >"$out/$run-$2.writes" 2>/dev/null &
    sampler=$!
    echo "http.sh: round $2: $run: GET ${path[$run]} for ${DURATION}s..."
    c0=$(cpu_ticks); q0=$(request_ticks "$server")
    wrk_run "$DURATION" "${path[$run]}" "${header[$run]}" "$file"
    cpu[$run]=$((cpu[$run] + $(cpu_ticks) - c0))
    req_cpu[$run]=$((req_cpu[$run] + $(request_ticks "$server") - q0))
    # One more flush interval, so the activity of this run is written and counted in this run.
    sleep $((FLUSH + 1))
    kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
    reads[$run]=$((reads[$run] + $(sql read) - r0))
    writes[$run]=$((writes[$run] + $(sql write) - w0))
    rates[$run]="${rates[$run]} $(awk '/^Requests\/sec:/ { print $2 }' "$file")"
    requests[$run]=$((requests[$run] + $(awk '/requests in/ { print $1 }' "$file")))
    latency[$run]="${latency[$run]} $(awk '$1 == "Latency" && a == "" { a = $2 } $1 == "99%" { p = $2 } END { print a "/" p }' "$file")"
    # A burst whose samples lie FLUSH seconds or more apart (a slow scrape) may hold two flushes:
    # it is counted apart, as "unclear", and left out of the largest burst.
    read -r n max unclear < <(awk -v flush="$FLUSH" '
        function close_burst() { if (burst) { if (t_last - t_before >= flush) u++; else { n++; if (burst > max) max = burst } } burst = 0 }
        NF == 2 && $2 ~ /^[0-9]+$/ {
            if (seen && $2 > prev) { if (!burst) t_before = t_prev; burst += $2 - prev; t_last = $1 } else close_burst()
            prev = $2; t_prev = $1; seen = 1 }
        END { close_burst(); print n + 0, max + 0, u + 0 }' "$out/$run-$2.writes")
    flushes[$run]=$((flushes[$run] + n))
    unclear_bursts[$run]=$((unclear_bursts[$run] + unclear))
    [ "$max" -gt "${flush_max[$run]}" ] && flush_max[$run]=$max || true
}
# Alternate the order between rounds, so drift on a shared machine does not favour one endpoint.
for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then order="bare current check"; else order="check current bare"; fi
    for run in $order; do measure "$run" "$round"; done
done
rss_load=$(ps -o rss= -p "$server" | tr -d ' ')

# --- report --------------------------------------------------------------------------------------
cpu_per() { calc "${cpu[$1]} * 1000000 / $tick / ${requests[$1]}" 0; }
req_cpu_per() { calc "${req_cpu[$1]} * 1000000 / $tick / ${requests[$1]}" 0; }
mean() { echo "$1" | awk '{ for (i = 1; i <= NF; i++) s += $i; printf "%.1f", s / NF }'; }
echo
echo "== Lanyard HTTP benchmark: wrk -t$THREADS -c$CONNECTIONS, $ROUNDS round(s) of ${DURATION}s per endpoint, $SESSIONS bearer sessions, loopback, $(nproc) cores =="
echo "load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-8s %-42s %11s %-22s %-28s %22s %10s %10s\n" run request "mean req/s" "req/s per round" "avg/p99 latency per round" "CPU µs/req all/req-thr" "reads/req" "writes/req"
for run in bare check current; do
    case $run in
        bare) what="GET /api/v1/login (bare), no session" ;;
        check) what="GET /api/v1/login (bare) + Bearer" ;;
        current) what="GET /api/v1/sessions/current + Bearer" ;;
    esac
    printf "%-8s %-42s %11s %-22s %-28s %22s %10s %10s\n" "$run" "$what" "$(mean "${rates[$run]}")" "${rates[$run]# }" \
        "${latency[$run]# }" "$(cpu_per "$run")/$(req_cpu_per "$run")" "$(calc "${reads[$run]} / ${requests[$run]}" 4)" "$(calc "${writes[$run]} / ${requests[$run]}" 4)"
done
echo
ratio_current=$(calc "$(mean "${rates[bare]}") / $(mean "${rates[current]}")" 3)
ratio_check=$(calc "$(mean "${rates[bare]}") / $(mean "${rates[check]}")" 3)
echo "rate bare / rate current = $ratio_current  (a request to /api/v1/sessions/current costs $(calc "($ratio_current - 1) * 100" 1)% more than bare)"
echo "rate bare / rate check   = $ratio_check  (the session check alone costs $(calc "($ratio_check - 1) * 100" 1)% more than bare)"
cpu_current=$(calc "$(req_cpu_per current) / $(req_cpu_per bare)" 3)
cpu_check=$(calc "$(req_cpu_per check) / $(req_cpu_per bare)" 3)
echo "request-thread CPU per request: current / bare = $cpu_current; check / bare = $cpu_check  (steadier than rates on a shared machine)"
echo "goal, current <= 25% over bare: $(awk "BEGIN { print ($ratio_current <= 1.25) ? \"MET\" : \"MISSED\" }")"
echo "goal, session check alone <= 25% over bare: $(awk "BEGIN { print ($ratio_check <= 1.25) ? \"MET\" : \"MISSED\" }")"
echo
echo "SQL statements (lanyard_sql_statements_total; each run's window includes one more flush interval;"
echo "a burst is one flush; reads are the cache refresh, one per cached session per minute; goal <= 1 write per session per ${FLUSH}s):"
for run in bare check current; do
    window=$((ROUNDS * (DURATION + FLUSH + 1)))
    echo "  $run: ${reads[$run]} reads, ${writes[$run]} writes for ${requests[$run]} requests;" \
        "writes came in ${flushes[$run]} bursts (+${unclear_bursts[$run]} unclear), at most ${flush_max[$run]} in one" \
        "= $(calc "${flush_max[$run]} / $SESSIONS" 2) per active session (1 = one write per session per flush);" \
        "over the window: $(calc "${writes[$run]} / ($SESSIONS * $window / $FLUSH)" 2) per session per ${FLUSH}s"
done
echo
echo "start-up: ${started_line:-?}; 'Started' seen after $(calc "$t_started - $t0") s, healthy after $(calc "$t_healthy - $t0") s (wall, from starting java)"
echo "RSS: $((rss_start / 1024)) MiB after start, $((rss_load / 1024)) MiB after the load  (JAVA_OPTS='${JAVA_OPTS}')"
echo "login (POST /api/v1/login, $SESSIONS sequential, Argon2id 19 MiB t=2 p=1): $login_stats"
