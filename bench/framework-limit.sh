#!/usr/bin/env bash
# Lanyard's request path against the framework's own limit, loopback only and bounded in time.
#
# Builds bench/plain-app (a plain Spring Boot webmvc app doing the work of /current: SHA-256 of the
# bearer token, a map lookup, a ~620-byte JSON body), starts it and Lanyard's packaged jar side by
# side on 127.0.0.1 with the same JVM options, signs in SESSIONS bearer sessions on Lanyard and gives
# the plain app the same tokens, then runs wrk against GET /api/v1/sessions/current on each: a
# warm-up, then ROUNDS rounds alternating which goes first. Prints req/s, p99, their ratios, start-up
# to the first HTTP answer, RSS after start, after the load and after IDLE seconds without load, and the goals
# of issue 13.
# PROFILE=1 adds a JFR recording of Lanyard under load (after the measured rounds) and prints the
# top consumers by share of CPU samples (PROFILE_RUN=lanyard-key profiles the API key's requests,
# PROFILE_RUN=lanyard-introspect the introspection's).
# The same for an API key (lanyard-key: sessions:read keys on /current) and for OAuth introspection
# (lanyard-introspect: POST /oauth2/introspect of an app's active access token with client secret basic,
# against the plain app's endpoint doing the same work, plain-introspect). Lanyard's access tokens live
# five minutes, so each introspection run first refreshes the token as an app would.
#
# SECURE=1 (the default) also measures the plain app's secure build (bench/plain-app -Psecure: Spring
# Security's stateless chain with Lanyard's response headers, and the actuator's http.server.requests, the
# things issue 13 says Lanyard keeps) on /current, and prints what they cost the plain app and what is left
# between that build and Lanyard: Lanyard's own code; the same for introspection through Spring Authorization
# Server's own endpoint in that build (in-memory stores, SHA-256 client secrets). SECURE=0 leaves it out.
# Settings (environment): SESSIONS=50 DURATION=15 WARMUP=150 (at most, per app) ROUNDS=2 THREADS=2 CONNECTIONS=8
# JAVA_OPTS= (both JVMs; e.g. JAVA_OPTS="$(scripts/run.sh --print-java-opts)") LANYARD_JAR= PROFILE=0
# LAUNCH=jar (both started with java -jar) or LAUNCH=cds (both from their extracted jar with a class-data
# archive, made by scripts/cds.sh as scripts/run.sh does for Lanyard; the archives are made before timing).
# Raw outputs stay in bench/target/framework-limit/.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=framework-limit.sh
source bench/lib.sh

SESSIONS=${SESSIONS:-50}
DURATION=${DURATION:-15}
# On slow cores the JIT compilers need a minute or more of load before the rate settles (rates rose
# 5× over three minutes after a 15 s warm-up): each app is warmed in 15 s runs until one is less than
# 5% faster than the one before, for at most WARMUP seconds, and the rates are printed.
WARMUP=${WARMUP:-150}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-8}
JAVA_OPTS=${JAVA_OPTS:-}
PROFILE=${PROFILE:-0}
PROFILE_RUN=${PROFILE_RUN:-lanyard}
SECURE=${SECURE:-1}
LAUNCH=${LAUNCH:-jar}
# Seconds without load before RSS is read again ("RSS idle"): Lanyard gives back heap 60-120 s after its last
# collection (decision 75); the plain apps keep the JVM's defaults. 0 leaves it out.
IDLE=${IDLE:-130}
MAX_SECONDS=${MAX_SECONDS:-$((240 + 7 * (WARMUP + 15) + 7 * ROUNDS * (DURATION + 2) + 2 * SESSIONS + 40 * PROFILE + IDLE))}
PASSWORD="a long benchmark passphrase 42"
EMAIL="bench@example.test"

need wrk wrk
need curl curl
need java openjdk-17-jre-headless
need mvn maven

jar=$(lanyard_jar)
plain_jar=$(plain_app_jar)
[ "$SECURE" = 1 ] && secure_jar=$(plain_app_jar secure)

out=bench/target/framework-limit
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/lanyard-limit.XXXXXX)
declare -A pid port started
watchdog=""
cleanup() {
    for p in "${pid[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
    [ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

geo="$work/geo"
[ -f data/geo/dbip-city-lite.mmdb ] || [ -n "$(ls data/geo/*.mmdb 2>/dev/null || true)" ] && geo=$(cd data/geo && pwd)

start() { # start NAME ARGS...: starts a JVM, waits for its first HTTP answer, records the times
    local name=$1 t0
    shift
    t0=$(now)
    # shellcheck disable=SC2086
    (cd "$work" && exec java $JAVA_OPTS "$@") >"$out/$name.log" 2>&1 &
    pid[$name]=$!
    port[$name]=$(wait_for_port "$out/$name.log" "${pid[$name]}")
    wait_for_http "http://127.0.0.1:${port[$name]}/api/v1/sessions/current" "${pid[$name]}"
    started[$name]=$(calc "$(now) - $t0")
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "$BENCH_NAME: starting Lanyard ($(basename "$jar"), SQLite in $work, geo from $geo)..."
launch_lanyard="-jar $jar"
launch_plain="-jar $plain_jar"
launch_secure="-jar ${secure_jar:-}"
if [ "$LAUNCH" = cds ]; then
    source scripts/cds.sh
    echo "$BENCH_NAME: making the class-data archives (once per jar; not timed)..."
    launch_lanyard=$(cds_java_args "$jar" "$(pwd)/bench/target/cds-lanyard" --server.address=127.0.0.1 --server.port=0 --lanyard.geo.directory="$geo")
    launch_plain=$(cds_java_args "$plain_jar" "$(pwd)/bench/target/cds-plain" --server.address=127.0.0.1 --server.port=0)
    if [ "$SECURE" = 1 ]; then
        launch_secure=$(cds_java_args "$secure_jar" "$(pwd)/bench/target/cds-secure" --server.address=127.0.0.1 --server.port=0)
        case "$launch_secure" in *-XX:SharedArchiveFile* | *-XX:AOTCache=*) ;; *) echo "$BENCH_NAME: a class-data archive could not be made" >&2; exit 1 ;; esac
    fi
    case "$launch_lanyard $launch_plain" in *-XX:SharedArchiveFile*-XX:SharedArchiveFile* | *-XX:AOTCache=*-XX:AOTCache=*) ;; *) echo "$BENCH_NAME: a class-data archive could not be made" >&2; exit 1 ;; esac
fi
# shellcheck disable=SC2086 # the launch arguments are words
start lanyard $launch_lanyard --server.address=127.0.0.1 --server.port=0 \
    "--spring.datasource.url=jdbc:sqlite:$work/lanyard.db?journal_mode=WAL&busy_timeout=10000&foreign_keys=true&synchronous=NORMAL" \
    --lanyard.geo.directory="$geo"
(trap 'kill $nap 2>/dev/null; exit 0' TERM; sleep "$MAX_SECONDS" & nap=$!; wait $nap; kill "${pid[lanyard]}" 2>/dev/null) >/dev/null 2>&1 &
watchdog=$!
rss_start_lanyard=$(rss_mib "${pid[lanyard]}")
base="http://127.0.0.1:${port[lanyard]}"

curl -fsS --max-time 60 -o /dev/null -D "$work/signup.h" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"name\":\"Bench\",\"team\":\"Bench team\"}" \
    "$base/api/v1/signup" || { echo "$BENCH_NAME: sign-up failed (see $out/lanyard.log)" >&2; exit 1; }
cookie=$(grep -i '^set-cookie: lanyard_session=' "$work/signup.h" | head -n 1 | sed -E 's/^[^:]*: (lanyard_session=[^;]*).*/\1/' | tr -d '\r')
tokens="$work/tokens"
: >"$tokens"
for _ in $(seq 1 "$SESSIONS"); do
    curl -fsS --max-time 60 -H 'Content-Type: application/json' \
        -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"tokenType\":\"bearer\"}" "$base/api/v1/login" \
        | grep -oE '"token":"[A-Za-z0-9_-]+"' | cut -d'"' -f4 >>"$tokens"
done
[ "$(wc -l <"$tokens")" -eq "$SESSIONS" ] || { echo "$BENCH_NAME: could not log in $SESSIONS sessions" >&2; exit 1; }
# As many API keys (sessions:read), made with the first session: the same request made with a key.
# (A jar from before API keys, e.g. LANYARD_JAR of an older build, is measured without them.)
keys="$work/keys"
: >"$keys"
runs="lanyard plain lanyard-key"
if [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(head -n 1 "$tokens")" "$base/api/v1/api-keys")" = 200 ]; then
    for i in $(seq 1 "$SESSIONS"); do
        curl -fsS --max-time 60 -H 'Content-Type: application/json' -H "Authorization: Bearer $(head -n 1 "$tokens")" \
            -d "{\"name\":\"bench key $i\",\"scopes\":[\"sessions:read\"],\"password\":\"$PASSWORD\"}" "$base/api/v1/api-keys" \
            | grep -oE '"secret":"lyk_[A-Za-z0-9]+"' | cut -d'"' -f4 >>"$keys"
    done
    [ "$(wc -l <"$keys")" -eq "$SESSIONS" ] || { echo "$BENCH_NAME: could not create $SESSIONS API keys" >&2; exit 1; }
else
    echo "$BENCH_NAME: this Lanyard has no API keys; measuring sessions only"
    runs="lanyard plain"
fi
# An app, signed in through as a user would, for introspection; the plain app gets a token of its own
# (Lanyard's is refreshed before each run), the same client id and secret.
if [ "$runs" != "lanyard plain" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/.well-known/oauth-authorization-server")" = 200 ]; then
    oauth_app_tokens "$base" "$cookie" "http://127.0.0.1:9/callback" "$work"
    plain_access=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    echo "$client_id $client_secret $plain_access" >"$work/introspection"
    introspect_lua "$plain_access" "$work/plain-introspect.lua"
    runs="$runs lanyard-introspect plain-introspect"
fi
cat "$tokens" "$keys" >"$work/all-tokens"

echo "$BENCH_NAME: starting the plain app..."
# shellcheck disable=SC2086
start plain $launch_plain --server.address=127.0.0.1 --server.port=0 --plain.tokens="$work/all-tokens" \
    ${client_id:+--plain.introspection="$work/introspection"}
rss_start_plain=$(rss_mib "${pid[plain]}")
servers="lanyard plain"
if [ "$SECURE" = 1 ]; then
    echo "$BENCH_NAME: starting the plain app's secure build..."
    # shellcheck disable=SC2086
    start secure $launch_secure --server.address=127.0.0.1 --server.port=0 --plain.tokens="$work/all-tokens" \
        ${client_id:+--plain.introspection="$work/introspection"}
    rss_start_secure=$(rss_mib "${pid[secure]}")
    servers="$servers secure"
    runs=$(echo "$runs" | sed 's/^lanyard plain/lanyard plain secure/')
    # Spring Authorization Server's own introspection endpoint, the same client and token as the plain app's.
    if [[ $runs == *plain-introspect* ]]; then
        cp "$work/plain-introspect.lua" "$work/secure-introspect.lua"
        runs="$runs secure-introspect"
    fi
fi
for name in $servers; do
    curl -fsS --max-time 5 -o "$out/$name-body.json" -H "Authorization: Bearer $(head -n 1 "$tokens")" \
        "http://127.0.0.1:${port[$name]}/api/v1/sessions/current" || { echo "$BENCH_NAME: $name refused a token" >&2; exit 1; }
done
echo "$BENCH_NAME: response bodies: Lanyard $(wc -c <"$out/lanyard-body.json") bytes, plain $(wc -c <"$out/plain-body.json") bytes"
introspect() { # introspect NAME TOKEN: one introspection, the body to $out/NAME-introspect.json; fails unless active
    introspect_active "http://127.0.0.1:${port[$1]}/oauth2/introspect" "$2" "$out/$1-introspect.json" \
        || { echo "$BENCH_NAME: $1 did not find the access token active" >&2; exit 1; }
}
if [ -n "${client_id:-}" ]; then
    introspect lanyard "$access"
    introspect plain "$plain_access"
    [[ $runs == *secure-introspect* ]] && introspect secure "$plain_access"
    echo "$BENCH_NAME: introspection bodies: Lanyard $(wc -c <"$out/lanyard-introspect.json") bytes, plain $(wc -c <"$out/plain-introspect.json") bytes"
fi

server_of() { echo "${1%%-*}"; } # lanyard-key, lanyard-introspect → lanyard
wrk_run() { # wrk_run NAME SECONDS OUTFILE: NAME lanyard, plain, secure, lanyard-key (Lanyard with the API keys), lanyard-introspect, plain-introspect or secure-introspect
    local server
    server=$(server_of "$1")
    case $1 in
        *-introspect)
            if [ "$server" = lanyard ]; then # a fresh access token, as the app would refresh it
                refresh_access "$base"
                introspect_lua "$access" "$work/lanyard-introspect.lua"
            fi
            timeout $(($2 + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s --timeout 5s --latency \
                -s "$work/$1.lua" "http://127.0.0.1:${port[$server]}/oauth2/introspect" >"$3" 2>&1
            [ "$server" = lanyard ] && introspect lanyard "$access"
            ;;
        *)
            local file=$tokens
            [ "$1" = lanyard-key ] && file=$keys
            timeout $(($2 + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s --timeout 5s --latency \
                -s bench/rotate-tokens.lua "http://127.0.0.1:${port[$server]}/api/v1/sessions/current" -- "$file" Authorization >"$3" 2>&1
            ;;
    esac
    if grep -q "Non-2xx" "$3"; then cat "$3" >&2; echo "$BENCH_NAME: $1 answered errors under load" >&2; exit 1; fi
}
ms() { # wrk latency ("812.00us", "1.20ms", "2.01s") in ms
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

echo "$BENCH_NAME: warming up each until its rate settles (at most ${WARMUP}s)..."
for name in $runs; do
    warm="" previous=0 spent=0
    while [ "$spent" -lt "$WARMUP" ]; do
        wrk_run "$name" 15 "$out/warmup-$name.txt"
        spent=$((spent + 15))
        rate=$(awk '/^Requests\/sec:/ { printf "%d", $2 }' "$out/warmup-$name.txt")
        warm="$warm $rate"
        [ "$previous" -gt 0 ] && [ "$rate" -lt $((previous * 105 / 100)) ] && break
        previous=$rate
    done
    echo "$BENCH_NAME: warm-up $name, req/s each 15 s:$warm"
done

declare -A rates p99s cpu requests
tick=$(getconf CLK_TCK)
for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then order=$runs; else order=$(echo "$runs" | awk '{ for (i = NF; i > 0; i--) printf "%s ", $i }'); fi
    for name in $order; do
        echo "$BENCH_NAME: round $round: $name for ${DURATION}s..."
        q0=$(request_ticks "${pid[$(server_of "$name")]}")
        wrk_run "$name" "$DURATION" "$out/$name-$round.txt"
        cpu[$name]=$(( ${cpu[$name]:-0} + $(request_ticks "${pid[$(server_of "$name")]}") - q0 ))
        requests[$name]=$(( ${requests[$name]:-0} + $(awk '/requests in/ { print $1 }' "$out/$name-$round.txt") ))
        rates[$name]="${rates[$name]:-} $(awk '/^Requests\/sec:/ { print $2 }' "$out/$name-$round.txt")"
        p99s[$name]="${p99s[$name]:-} $(ms "$(awk '$1 == "99%" { print $2 }' "$out/$name-$round.txt")")"
    done
done
rss_load_lanyard=$(rss_mib "${pid[lanyard]}")
rss_load_plain=$(rss_mib "${pid[plain]}")
[ "$SECURE" = 1 ] && rss_load_secure=$(rss_mib "${pid[secure]}")
heap_load_lanyard=$(heap_mib "${pid[lanyard]}"); heap_load_plain=$(heap_mib "${pid[plain]}")
[ "$SECURE" = 1 ] && heap_load_secure=$(heap_mib "${pid[secure]}")
rss_idle_lanyard="-"; rss_idle_plain="-"; rss_idle_secure="-"
if [ "$IDLE" -gt 0 ]; then
    echo "$BENCH_NAME: ${IDLE}s without load..."
    sleep "$IDLE"
    rss_idle_lanyard=$(rss_mib "${pid[lanyard]}")
    rss_idle_plain=$(rss_mib "${pid[plain]}")
    [ "$SECURE" = 1 ] && rss_idle_secure=$(rss_mib "${pid[secure]}")
fi

if [ "$PROFILE" = 1 ]; then
    echo "$BENCH_NAME: profiling $PROFILE_RUN under load (JFR, ${DURATION}s)..."
    jcmd "${pid[lanyard]}" JFR.start name=limit settings=profile filename="$out/lanyard.jfr" >/dev/null
    wrk_run "$PROFILE_RUN" "$DURATION" "$out/profile-load.txt"
    jcmd "${pid[lanyard]}" JFR.stop name=limit >/dev/null
fi

mean() { echo "$1" | awk '{ for (i = 1; i <= NF; i++) s += $i; printf "%.1f", s / NF }'; }
mean2() { echo "$1" | awk '{ for (i = 1; i <= NF; i++) s += $i; printf "%.2f", s / NF }'; }
verdict() { awk "BEGIN { print ($1) ? \"MET\" : \"MISSED\" }"; }
rate_ratio=$(calc "$(mean "${rates[lanyard]}") / $(mean "${rates[plain]}")" 3)
p99_ratio=$(calc "$(mean2 "${p99s[lanyard]}") / $(mean2 "${p99s[plain]}")" 2)
start_ratio=$(calc "${started[lanyard]} / ${started[plain]}" 2)
rss_ratio=$(calc "$rss_load_lanyard / $rss_load_plain" 2)
cpu_per() { calc "${cpu[$1]} * 1000000 / $tick / ${requests[$1]}" 0; }
cpu_ratio=$(calc "$(cpu_per plain) / $(cpu_per lanyard)" 3)

echo
echo "== GET /api/v1/sessions/current: Lanyard against a plain Spring Boot app; wrk -t$THREADS -c$CONNECTIONS, $ROUNDS x ${DURATION}s after a warm-up until each rate settled (at most ${WARMUP}s), loopback, $(nproc) cores =="
echo "load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg); JAVA_OPTS='${JAVA_OPTS}'; LAUNCH=$LAUNCH"
printf "%-8s %11s %-24s %10s %-22s %14s %12s %14s %14s %14s\n" app "mean req/s" "req/s per round" "mean p99" "p99 ms per round" "CPU µs/req" "start-up s" "RSS start MiB" "RSS load MiB" "RSS idle MiB"
for name in lanyard-key lanyard-introspect plain-introspect secure-introspect; do
    for measure in start load idle; do printf -v "rss_${measure}_${name/-/_}" '%s' "(same JVM)"; done
    started[$name]="-"
done
for name in $runs; do
    rs=rss_start_${name/-/_}; rl=rss_load_${name/-/_}; ri=rss_idle_${name/-/_}
    printf "%-8s %11s %-24s %10s %-22s %14s %12s %14s %14s %14s\n" "$name" "$(mean "${rates[$name]}")" "${rates[$name]# }" "$(mean2 "${p99s[$name]}")" "${p99s[$name]# }" \
        "$(cpu_per "$name")" "${started[$name]}" "${!rs}" "${!rl}" "${!ri}"
done
echo
echo "req/s   Lanyard / plain = $rate_ratio   goal >= 0.85: $(verdict "$rate_ratio >= 0.85")"
echo "request-thread CPU per request, plain / Lanyard = $cpu_ratio   (the same ratio by CPU, steadier on a shared machine; >= 0.85 would meet the goal)"
if [[ $runs == *lanyard-key* ]]; then
    key_ratio=$(calc "$(mean "${rates[lanyard-key]}") / $(mean "${rates[plain]}")" 3)
    echo "req/s   Lanyard with an API key / plain = $key_ratio   goal >= 0.80: $(verdict "$key_ratio >= 0.80");  by CPU: $(calc "$(cpu_per plain) / $(cpu_per lanyard-key)" 3)"
fi
if [[ $runs == *lanyard-introspect* ]]; then
    introspect_ratio=$(calc "$(mean "${rates[lanyard-introspect]}") / $(mean "${rates[plain-introspect]}")" 3)
    echo "req/s   Lanyard's introspection / plain's = $introspect_ratio   goal >= 0.80: $(verdict "$introspect_ratio >= 0.80");  by CPU: $(calc "$(cpu_per plain-introspect) / $(cpu_per lanyard-introspect)" 3);  p99: $(calc "$(mean2 "${p99s[lanyard-introspect]}") / $(mean2 "${p99s[plain-introspect]}")" 2)"
fi
echo "p99     Lanyard / plain = $p99_ratio    goal <= 1.5:  $(verdict "$p99_ratio <= 1.5")"
echo "start-up Lanyard / plain = $start_ratio   goal <= 1.5:  $(verdict "$start_ratio <= 1.5")  (from exec java to the first HTTP answer)"
echo "RSS after load Lanyard / plain = $rss_ratio   goal <= 1.5:  $(verdict "$rss_ratio <= 1.5")"
echo "  Java heap after load, committed/used MiB: Lanyard $heap_load_lanyard, plain $heap_load_plain${heap_load_secure:+, secure $heap_load_secure} (G1 sizes the heap by its own goals; the rest of RSS is classes, compiled code, threads and the C heap)"
[ "$IDLE" -gt 0 ] && echo "RSS after ${IDLE}s idle Lanyard / plain = $(calc "$rss_idle_lanyard / $rss_idle_plain" 2)   (not the goal's measure: Lanyard gives back heap when idle, decision 75; the plain app keeps the JVM's defaults)"
if [ "$SECURE" = 1 ]; then
    echo
    echo "The plain app's secure build (Spring Security's stateless chain with Lanyard's headers, http.server.requests):"
    echo "  what those cost the plain app, secure / plain:  req/s $(calc "$(mean "${rates[secure]}") / $(mean "${rates[plain]}")" 3)   by CPU $(calc "$(cpu_per plain) / $(cpu_per secure)" 3)   p99 $(calc "$(mean2 "${p99s[secure]}") / $(mean2 "${p99s[plain]}")" 2)   start-up $(calc "${started[secure]} / ${started[plain]}" 2)   RSS after load $(calc "$rss_load_secure / $rss_load_plain" 2)"
    echo "  what Lanyard's own code costs, Lanyard / secure: req/s $(calc "$(mean "${rates[lanyard]}") / $(mean "${rates[secure]}")" 3)   by CPU $(calc "$(cpu_per secure) / $(cpu_per lanyard)" 3)   p99 $(calc "$(mean2 "${p99s[lanyard]}") / $(mean2 "${p99s[secure]}")" 2)   start-up $(calc "${started[lanyard]} / ${started[secure]}" 2)   RSS after load $(calc "$rss_load_lanyard / $rss_load_secure" 2)"
    echo "  (rates and CPU: the same as the ratios above, with the secure build as the base; API key: $(calc "$(mean "${rates[lanyard-key]:-0}") / $(mean "${rates[secure]}")" 3) of the secure build's /current)"
    if [[ $runs == *secure-introspect* ]]; then
        echo "  introspection through Spring Authorization Server as it ships (in-memory stores, SHA-256 client secrets):"
        echo "    secure / plain:  req/s $(calc "$(mean "${rates[secure-introspect]}") / $(mean "${rates[plain-introspect]}")" 3)   by CPU $(calc "$(cpu_per plain-introspect) / $(cpu_per secure-introspect)" 3)"
        echo "    Lanyard / secure: req/s $(calc "$(mean "${rates[lanyard-introspect]}") / $(mean "${rates[secure-introspect]}")" 3)   by CPU $(calc "$(cpu_per secure-introspect) / $(cpu_per lanyard-introspect)" 3)"
    fi
fi
echo "Lanyard's own start-up line: $(grep -m1 -oE "Started Lanyard in [0-9.]+ seconds \(process running for [0-9.]+\)" "$out/lanyard.log" || echo '?')"

if [ "$PROFILE" = 1 ]; then
    echo
    echo "== Where Lanyard's CPU samples go (JFR, jdk.ExecutionSample, ${DURATION}s under the same load) =="
    jfr print --events jdk.ExecutionSample --stack-depth 200 "$out/lanyard.jfr" >"$out/lanyard-samples.txt"
    # Inclusive share: a sample counts for each marker found anywhere on its stack.
    awk '
        /jdk.ExecutionSample/ { if (n++) tally(); stack = ""; top = ""; next }
        /line:/ { frame = $1; if (top == "") top = frame; stack = stack " " frame }
        function tally() {
            total++
            split("io.micrometer ObservationFilterChainDecorator ObservationAuthorizationManager ServerHttpObservationFilter org.springframework.security org.apache.catalina org.apache.coyote tools.jackson dev.lanyard com.github.benmanes.caffeine org.springframework.web.servlet org.thymeleaf nl.basjes", m, " ")
            for (i in m) if (index(stack, m[i])) hit[m[i]]++
            t = top; sub(/\.[^.]*\(.*$/, "", t); tops[t]++
        }
        END {
            if (n) tally()
            printf "%d samples\ninclusive (the marker anywhere on the stack):\n", total
            for (k in hit) printf "  %5.1f%%  %s\n", 100 * hit[k] / total, k | "sort -rn"
            close("sort -rn")
            printf "top frame, by class (the 12 largest):\n"
            for (k in tops) printf "  %5.1f%%  %s\n", 100 * tops[k] / total, k | "sort -rn | head -n 12"
        }' "$out/lanyard-samples.txt"
fi
