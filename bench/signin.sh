#!/usr/bin/env bash
# Password sign-in throughput against its ceiling, the password hash alone (see bench/README.md).
# Loopback only, bounded in time.
#
#  1. hash-only: dev.lanyard.account.HashRate (bench/src/java) checks a password with the real
#     PasswordHasher on THREADS threads for DURATION s after WARMUP s, with the native Argon2 and with
#     Bouncy Castle's: the most sign-ins per second this machine could do if nothing else cost anything.
#  2. sign-in: starts the packaged jar on 127.0.0.1 (a free port, a fresh SQLite directory under /tmp),
#     signs up one account, and runs wrk -cCONNECTIONS POST /api/v1/login {"tokenType":"bearer"} (an API
#     client's password sign-in, every one successful: the throttle only slows failures) for WARMUP s,
#     then DURATION s measured.
# Then ROUNDS more times, alternately, the native hash-only rate and sign-in (hash, login, login, hash, ...),
# so that a machine whose load drifts weighs on both alike. Prints sign-ins/s, p50/p99, and the ratio of
# the summed sign-ins to the summed native hash-only rates.
#
# SERVER_WARMUP (default WARMUP) is the server's own warm-up: its request path (web stack, JSON, SQL) is
# compiled by the JIT only after thousands of requests, ~100 s of sign-ins; the hash is native and needs none.
# JAVA_OPTS defaults to the options scripts/run.sh starts Lanyard with (`scripts/run.sh --print-java-opts`),
# for HashRate and the server alike; JAVA_OPTS= (set and empty) measures with the JVM's defaults.
# Settings (environment): DURATION=15 WARMUP=30 SERVER_WARMUP=$WARMUP ROUNDS=2 THREADS=2 (wrk threads and hash threads) CONNECTIONS=4
# JAVA_OPTS LANYARD_JAR= (skip the build) MAX_SECONDS= (the server is killed after it in any case).
# Raw outputs stay in bench/target/signin/.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=signin.sh
source bench/lib.sh

DURATION=${DURATION:-15}
WARMUP=${WARMUP:-30}
SERVER_WARMUP=${SERVER_WARMUP:-$WARMUP}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-4}
JAVA_OPTS=${JAVA_OPTS-$(scripts/run.sh --print-java-opts)}
MAX_SECONDS=${MAX_SECONDS:-$((300 + SERVER_WARMUP + (2 + 2 * ROUNDS) * (WARMUP + DURATION)))}
PASSWORD="a long benchmark passphrase 42"
EMAIL="bench@example.test"

need wrk wrk
need curl curl
need java openjdk-17-jre-headless
need mvn maven

jar=${LANYARD_JAR:-}
if [ -z "$jar" ]; then
    echo "signin.sh: building the jar (mvn -q -B -pl server -DskipTests package)..."
    mvn -q -B -pl server -DskipTests package
    jar=$(ls server/target/lanyard-*.jar | grep -v -- '-plain\.jar$' | head -n 1)
fi
jar=$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")
echo "signin.sh: compiling HashRate (mvn -q -B -Pbench test-compile)..."
mkdir -p bench/target
mvn -q -B -f server -Pbench test-compile >bench/target/signin-build.log 2>&1 \
    || { cat bench/target/signin-build.log >&2; echo "signin.sh: the build failed" >&2; exit 1; }

out=bench/target/signin
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/lanyard-signin.XXXXXX)
mkdir -p "$work/extra/dev/lanyard/account"
cp bench/target/test-classes/dev/lanyard/account/HashRate*.class "$work/extra/dev/lanyard/account/"
server=""
watchdog=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    [ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# --- 1. the hash alone ---------------------------------------------------------------------------
# The jar's own launcher with HashRate on the classpath: the same libraries as the server.
echo "signin.sh: hash-only, $THREADS threads, ${WARMUP}s warm-up + ${DURATION}s, native then Bouncy Castle..."
hash_only() { # hash_only OUTFILE [native]
    timeout $((4 * (WARMUP + DURATION) + 60)) java $JAVA_OPTS -Dloader.path="$work/extra" -Dloader.main=dev.lanyard.account.HashRate \
        -cp "$jar" org.springframework.boot.loader.launch.PropertiesLauncher "$THREADS" "$WARMUP" "$DURATION" ${2:-} \
        >"$1" 2>&1 || { cat "$1" >&2; echo "signin.sh: HashRate failed" >&2; exit 1; }
}
hash_only "$out/hash-only.txt"
native_rate=$(awk '$1 == "hash-only" && $2 == "native" { print $3 }' "$out/hash-only.txt")
native_ms=$(awk '$1 == "hash-only" && $2 == "native" { print $4 }' "$out/hash-only.txt")
native_cpu=$(awk '$1 == "hash-only" && $2 == "native" { print $5 }' "$out/hash-only.txt")
bc_rate=$(awk '$1 == "hash-only" && $2 == "bouncycastle" { print $3 }' "$out/hash-only.txt")
bc_ms=$(awk '$1 == "hash-only" && $2 == "bouncycastle" { print $4 }' "$out/hash-only.txt")
[ -n "$native_rate" ] || { cat "$out/hash-only.txt" >&2; echo "signin.sh: the native Argon2 did not load" >&2; exit 1; }

# --- 2. sign-in over HTTP ------------------------------------------------------------------------
echo "signin.sh: starting $(basename "$jar") on 127.0.0.1 (SQLite in $work/data)"
# shellcheck disable=SC2086
(cd "$work" && exec java $JAVA_OPTS -jar "$jar" --server.address=127.0.0.1 --server.port=0 \
    --lanyard.geo.directory="$work/geo") >"$out/server.log" 2>&1 &
server=$!
(trap 'kill $nap 2>/dev/null; exit 0' TERM; sleep "$MAX_SECONDS" & nap=$!; wait $nap; kill "$server" 2>/dev/null) >/dev/null 2>&1 &
watchdog=$!
port=""
for _ in $(seq 1 1800); do
    kill -0 "$server" 2>/dev/null || { tail -n 40 "$out/server.log" >&2; echo "signin.sh: the server exited" >&2; exit 1; }
    if grep -q "Started Lanyard" "$out/server.log"; then
        port=$(grep -oE "started on port [0-9]+" "$out/server.log" | head -n 1 | grep -oE "[0-9]+$")
        break
    fi
    sleep 0.1
done
[ -n "$port" ] || { echo "signin.sh: the server did not start within 180 s" >&2; exit 1; }
base="http://127.0.0.1:$port"
hasher=$(grep -c "Native Argon2 is not available" "$out/server.log" || true)
curl -fsS --max-time 60 -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"name\":\"Bench\",\"team\":\"Bench team\"}" \
    "$base/api/v1/signup" || { echo "signin.sh: sign-up failed (see $out/server.log)" >&2; exit 1; }

wrk_run() { # wrk_run SECONDS OUTFILE
    # The previous run's last requests may still be in flight (wrk stops without waiting for them): were the
    # next run's connections to start beside them, more than CONNECTIONS sign-ins of one email from one
    # address would be in flight, past what the sign-in throttle lets through at once (429).
    sleep 1
    timeout $(($1 + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1"s --timeout 10s --latency \
        -s bench/signin-login.lua "$base/api/v1/login" -- "$EMAIL" "$PASSWORD" >"$2" 2>&1
    if grep -q "Non-2xx" "$2"; then
        cat "$2" >&2
        echo "signin.sh: sign-in answered errors under load; the figures would be wrong" >&2
        exit 1
    fi
}
echo "signin.sh: warming up (${SERVER_WARMUP}s), then POST /api/v1/login -c$CONNECTIONS for ${DURATION}s..."
wrk_run "$SERVER_WARMUP" "$out/warmup.txt"
ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; } # the server's user + system CPU, in 1/100 s
hz=$(getconf CLK_TCK)
# The server's CPU by kind of thread: "jit" (the compilers), "requests" (Tomcat's request threads, which
# compute the hash too) and "rest"; a JVM still compiling spends its compilers' CPU on every sign-in.
thread_ticks() {
    local t name c jit=0 req=0 rest=0
    for t in /proc/"$server"/task/*; do
        name=$(cat "$t/comm" 2>/dev/null) || continue
        c=$(awk '{ print $14 + $15 }' "$t/stat" 2>/dev/null) || continue
        case "$name" in C1* | C2*) jit=$((jit + c)) ;; http-nio*) req=$((req + c)) ;; *) rest=$((rest + c)) ;; esac
    done
    echo "$jit $req $rest"
}
cpu_ticks=0; cpu_logins=0; jit_ticks=0; request_ticks=0
login_round() { # login_round OUTFILE: a measured wrk run; adds the server's CPU and the sign-ins to the sums
    local t0 t1 k0 k1
    t0=$(ticks); read -r -a k0 <<<"$(thread_ticks)"
    wrk_run "$DURATION" "$1"
    t1=$(ticks); read -r -a k1 <<<"$(thread_ticks)"
    cpu_ticks=$((cpu_ticks + t1 - t0))
    jit_ticks=$((jit_ticks + k1[0] - k0[0])); request_ticks=$((request_ticks + k1[1] - k0[1]))
    cpu_logins=$((cpu_logins + $(awk '/requests in/ { print $1 }' "$1")))
}
login_round "$out/login.txt"
rate=$(awk '/^Requests\/sec:/ { print $2 }' "$out/login.txt")
p50=$(awk '$1 == "50%" { print $2 }' "$out/login.txt")
p99=$(awk '$1 == "99%" { print $2 }' "$out/login.txt")
# Alternating rounds: the sums of both rates over the same stretch of time.
hash_sum=$native_rate; login_sum=$rate; rounds_line="round 0: hash $native_rate, login $rate"
for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then order="login hash"; else order="hash login"; fi
    for what in $order; do
        if [ "$what" = hash ]; then
            echo "signin.sh: round $round: hash-only (native)..."
            hash_only "$out/hash-only-$round.txt" native
            h=$(awk '$1 == "hash-only" && $2 == "native" { print $3 }' "$out/hash-only-$round.txt")
            native_cpu="$native_cpu $(awk '$1 == "hash-only" && $2 == "native" { print $5 }' "$out/hash-only-$round.txt")"
        else
            echo "signin.sh: round $round: POST /api/v1/login for ${DURATION}s..."
            login_round "$out/login-$round.txt"
            l=$(awk '/^Requests\/sec:/ { print $2 }' "$out/login-$round.txt")
        fi
    done
    hash_sum=$(calc "$hash_sum + $h"); login_sum=$(calc "$login_sum + $l")
    rounds_line="$rounds_line; round $round: hash $h, login $l"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "== Password sign-in ($(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%Y-%m-%d), $(nproc) cores, load $load_before -> $load_after, server warm-up ${SERVER_WARMUP}s) =="
echo "JAVA_OPTS='$JAVA_OPTS'"
printf "hash-only, native Argon2       %8.2f checks/s  (%.1f ms per check, %d threads)\n" "$native_rate" "$native_ms" "$THREADS"
printf "hash-only, Bouncy Castle       %8.2f checks/s  (%.1f ms per check)   native / BC = %sx\n" "$bc_rate" "$bc_ms" "$(calc "$native_rate / $bc_rate")"
printf "POST /api/v1/login -c%-2d        %8.2f sign-ins/s  p50 %s  p99 %s  (server hasher: %s)\n" "$CONNECTIONS" "$rate" "$p50" "$p99" \
    "$([ "$hasher" = 0 ] && echo native || echo 'pure Java (native did not load)')"
echo "rounds (checks/s, sign-ins/s): $rounds_line"
ratio=$(calc "100 * $login_sum / $hash_sum" 1)
hash_cpu=$(echo "$native_cpu" | tr ' ' '\n' | awk 'NF { s += $1; n++ } END { printf "%.2f", s / n }')
login_cpu=$(calc "1000 * $cpu_ticks / $hz / $cpu_logins")
echo "CPU per check / per sign-in     ${hash_cpu} ms / ${login_cpu} ms (the server process, all threads): the hash is $(calc "100 * $hash_cpu / $login_cpu" 1)% of a sign-in's CPU"
request_cpu=$(calc "1000 * $request_ticks / $hz / $cpu_logins")
echo "  of which, per sign-in          request threads ${request_cpu} ms (hash included), JIT compilers $(calc "1000 * $jit_ticks / $hz / $cpu_logins") ms: without the compilers' share the hash would be $(calc "100 * $hash_cpu / ($login_cpu - 1000 * $jit_ticks / $hz / $cpu_logins)" 1)%"
echo "sign-ins / hash-only limit      ${ratio}%   over $((ROUNDS + 1)) rounds (goal >= 85%: $(awk "BEGIN { print ($login_sum >= 0.85 * $hash_sum) ? \"MET\" : \"NOT MET\" }"))"
