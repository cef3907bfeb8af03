#!/usr/bin/env bash
# Two Lanyard nodes on one PostgreSQL behind nginx, as the README deploys them (issue 12), all on
# loopback: Debian's postgresql and nginx packages (installed when missing, as root) and the packaged jar
# twice. Checks that a revoke through nginx holds on both nodes at once, then runs wrk against
# GET /api/v1/sessions/current through nginx (round robin over both nodes) and against node A direct,
# alternating, and prints req/s, p99 and the ratios of the same run.
#
# Settings (environment): ROUNDS=3 DURATION=15 WARMUP=15 THREADS=2 CONNECTIONS=8 SESSIONS=50
# MAX_SECONDS=900 (everything is killed after this). About 4 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=nginx
source bench/lib.sh

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-15}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-8}
SESSIONS=${SESSIONS:-50}
MAX_SECONDS=${MAX_SECONDS:-900}
EMAIL="nginx-bench@example.com"
PASSWORD="a long nginx-bench passphrase 42"

[ "$(id -u)" = 0 ] || { echo "$BENCH_NAME: runs PostgreSQL as its own user, so it needs root" >&2; exit 1; }
need curl curl
need wrk wrk
need java openjdk-17-jre-headless
[ -x /usr/sbin/nginx ] || need nginx nginx
jar=$(lanyard_jar)
geo=$(pwd)/data/geo

work=$(mktemp -d /tmp/lanyard-nginx.XXXXXX)
chmod 755 "$work"
out=bench/target/nginx
mkdir -p "$out"
pids=()
nginx_started=""
pg_started=""
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    if [ -n "$nginx_started" ]; then /usr/sbin/nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true; fi
    if [ -n "$pg_started" ]; then stop_postgres "$work"; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Bounded: a watchdog ends the whole run after MAX_SECONDS.
( sleep "$MAX_SECONDS"; echo "$BENCH_NAME: stopped after ${MAX_SECONDS}s" >&2; kill -TERM $$ ) 2>/dev/null &
watchdog=$!
pids+=("$watchdog")

echo "$BENCH_NAME: starting PostgreSQL..."
pg_started=1
start_postgres "$work"

declare -A port
start_node() { # start_node NAME
    java -Xmx512m -jar "$jar" --server.port=0 --server.address=127.0.0.1 \
        --spring.datasource.url="jdbc:postgresql://127.0.0.1:$pgport/lanyard" --spring.datasource.username=postgres \
        --lanyard.geo.directory="$geo" --lanyard.web.trusted-proxies=127.0.0.1 --spring.jmx.enabled=false \
        >"$out/$1.log" 2>&1 &
    pids+=($!)
    port[$1]=$(wait_for_port "$out/$1.log" $!)
}
echo "$BENCH_NAME: starting node a, then node b..."
start_node a   # first alone: it runs the migrations
start_node b

nginx_port=$(free_port)
mkdir -p "$work/nginx/logs"
# The settings that matter for Lanyard (the README shows the same with TLS): keep-alive to the nodes,
# the client's address and scheme for Lanyard to believe from this proxy only, and no buffering or
# short read timeout on /settings/sessions/events (server-sent events).
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    upstream lanyard {
        server 127.0.0.1:${port[a]};
        server 127.0.0.1:${port[b]};
        keepalive 32;
    }
    server {
        listen 127.0.0.1:$nginx_port;
        location / {
            proxy_pass http://lanyard;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-Host \$http_host;
        }
        location /settings/sessions/events {
            proxy_pass http://lanyard;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_buffering off;
            proxy_read_timeout 1h;
        }
    }
}
EOF
/usr/sbin/nginx -t -p "$work/nginx" -c "$work/nginx/nginx.conf" >"$out/nginx-test.log" 2>&1 \
    || { cat "$out/nginx-test.log" >&2; exit 1; }
/usr/sbin/nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
nginx_started=1
front="http://127.0.0.1:$nginx_port"
wait_for_http "$front/actuator/health" "$watchdog"

echo "$BENCH_NAME: signing up and in $SESSIONS sessions through nginx..."
curl -fsS --max-time 60 -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"name\":\"Bench\",\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"team\":\"Bench\"}" "$front/api/v1/signup"
login() {
    curl -fsS --max-time 60 -H 'Content-Type: application/json' \
        -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"tokenType\":\"bearer\"}" "$front/api/v1/login" \
        | grep -oE '"token":"[A-Za-z0-9_-]+"' | cut -d'"' -f4
}
tokens="$work/tokens"
for _ in $(seq 1 "$SESSIONS"); do login >>"$tokens"; done
[ "$(wc -l <"$tokens")" -eq "$SESSIONS" ] || { echo "$BENCH_NAME: could not sign in $SESSIONS sessions" >&2; exit 1; }

# The address Lanyard records is the client's, from nginx's X-Forwarded-For (127.0.0.1 here, as the
# client is on loopback too), and a revoke through nginx holds on both nodes from the next request.
victim=$(login)
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $victim" "$1/api/v1/sessions/current"; }
for node in a b; do
    [ "$(code "http://127.0.0.1:${port[$node]}")" = 200 ] || { echo "$BENCH_NAME: node $node refused a live session" >&2; exit 1; }
done
curl -fsS --max-time 10 -o /dev/null -X POST -H "Authorization: Bearer $victim" "$front/api/v1/logout"
refused=0
for node in a b a b; do [ "$(code "http://127.0.0.1:${port[$node]}")" = 401 ] && refused=$((refused + 1)); done
for _ in 1 2 3 4; do [ "$(code "$front")" = 401 ] && refused=$((refused + 1)); done
[ "$refused" -eq 8 ] || { echo "$BENCH_NAME: after a sign-out through nginx, only $refused of 8 requests were refused" >&2; exit 1; }

wrk_run() { # wrk_run URL SECONDS OUTFILE
    timeout $(($2 + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s --timeout 5s --latency \
        -s bench/rotate-tokens.lua "$1/api/v1/sessions/current" -- "$tokens" Authorization >"$3" 2>&1
}
ms() { # wrk latency ("812.00us", "1.20ms", "2.01s") in ms
    case $1 in *us) calc "${1%us} / 1000" 3 ;; *ms) calc "${1%ms}" 3 ;; *s) calc "${1%s} * 1000" 3 ;; esac
}
declare -A url=([direct]="http://127.0.0.1:${port[a]}" [nginx]="$front")
echo "$BENCH_NAME: warming up ${WARMUP}s each..."
wrk_run "${url[direct]}" "$WARMUP" "$out/warmup-direct.txt"
wrk_run "${url[nginx]}" "$WARMUP" "$out/warmup-nginx.txt"
declare -A rates p99s
for round in $(seq 1 "$ROUNDS"); do
    order="direct nginx"; [ $((round % 2)) = 0 ] && order="nginx direct"
    for name in $order; do
        wrk_run "${url[$name]}" "$DURATION" "$out/$name-$round.txt"
        grep -q 'Non-2xx' "$out/$name-$round.txt" && { echo "$BENCH_NAME: $name answered errors:" >&2; cat "$out/$name-$round.txt" >&2; exit 1; }
        rates[$name]="${rates[$name]:-} $(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$out/$name-$round.txt")"
        p99s[$name]="${p99s[$name]:-} $(ms "$(awk '$1 == "99%" { print $2 }' "$out/$name-$round.txt")")"
    done
done
mean() { echo "$@" | awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.0f", s / NF }'; }
mean2() { echo "$@" | awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.2f", s / NF }'; }

echo
echo "== GET /api/v1/sessions/current: two nodes behind nginx against node A direct; wrk -t$THREADS -c$CONNECTIONS, $ROUNDS x ${DURATION}s after ${WARMUP}s warm-up, loopback, $(nproc) cores =="
printf "%-8s %11s %-26s %10s %-24s\n" path "mean req/s" "req/s per round" "mean p99" "p99 ms per round"
for name in direct nginx; do
    printf "%-8s %11s %-26s %10s %-24s\n" "$name" "$(mean "${rates[$name]}")" "${rates[$name]# }" "$(mean2 "${p99s[$name]}")" "${p99s[$name]# }"
done
echo "nginx / direct req/s: $(calc "$(mean "${rates[nginx]}") / $(mean "${rates[direct]}")" 2)x; p99: $(calc "$(mean2 "${p99s[nginx]}") / $(mean2 "${p99s[direct]}")" 2)x"
echo "revoke through nginx: refused on both nodes and through nginx from the next request (8 of 8)"
echo "(one machine runs nginx, both nodes, PostgreSQL and wrk on $(nproc) cores: the nodes add no capacity here; the figure is nginx's cost per request)"
