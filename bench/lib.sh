# Shared by the bench/ scripts: `source bench/lib.sh` from the project's root. Defines
#   need COMMAND DEBIAN_PACKAGE   installs the package when missing and running as root, else names it
#   now                           seconds since the epoch, with nanoseconds
#   calc EXPRESSION [DECIMALS]    awk arithmetic
#   lanyard_jar                   prints the packaged jar's absolute path, building it when missing
#   wait_for_port LOG PID         prints the port a Spring Boot app logged ("started on port N")
#   wait_for_http URL PID         returns when URL answers any HTTP status
#   rss_mib PID                   resident set size in MiB
#   free_port                     prints a loopback port nobody listens on
#   request_ticks PID             CPU (user + system, clock ticks) of PID's Tomcat request threads ("http-nio-...")
#   start_postgres DIR            Debian's PostgreSQL (installed when missing, as root) in DIR, loopback only,
#                                 with a database "lanyard"; sets pgbin and pgport; stop_postgres DIR stops it
#   bench_scratch NAME            bench/target/NAME as $out, a scratch directory as $work, and a cleanup on exit that
#                                 stops $server (and its watchdog) and removes $work
#   watch_server SECONDS          kills $server after SECONDS in any case (a bounded benchmark)
# Scripts set BENCH_NAME for their messages.

need() {
    command -v "$1" >/dev/null && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "${BENCH_NAME:-bench}: installing the Debian package $2..."
        apt-get install -y -q "$2" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "$2" >/dev/null; }
        command -v "$1" >/dev/null && return 0
    fi
    echo "${BENCH_NAME:-bench}: '$1' is missing: install the Debian package '$2' (as root: apt-get install -y $2)" >&2
    exit 1
}

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

lanyard_jar() {
    local jar=${LANYARD_JAR:-$(ls server/target/lanyard-*.jar 2>/dev/null | grep -v -- '-plain\.jar$' | head -n 1 || true)}
    if [ -z "$jar" ]; then
        need mvn maven
        echo "${BENCH_NAME:-bench}: no jar in server/target/; building it (mvn -q -B -pl server -DskipTests package)..." >&2
        mvn -q -B -pl server -DskipTests package >&2
        jar=$(ls server/target/lanyard-*.jar | grep -v -- '-plain\.jar$' | head -n 1)
    fi
    echo "$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
}

wait_for_port() {
    local port
    for _ in $(seq 1 1800); do
        kill -0 "$2" 2>/dev/null || { tail -n 40 "$1" >&2; echo "${BENCH_NAME:-bench}: the server exited" >&2; return 1; }
        port=$(grep -oE "started on port [0-9]+" "$1" | head -n 1 | grep -oE "[0-9]+$" || true)
        [ -n "$port" ] && { echo "$port"; return 0; }
        sleep 0.05
    done
    echo "${BENCH_NAME:-bench}: the server did not start within 90 s (see $1)" >&2
    return 1
}

wait_for_http() {
    for _ in $(seq 1 1800); do
        kill -0 "$2" 2>/dev/null || { echo "${BENCH_NAME:-bench}: the server exited" >&2; return 1; }
        [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true)" != 000 ] && return 0
        sleep 0.05
    done
    return 1
}

rss_mib() { echo $(( $(ps -o rss= -p "$1" | tr -d ' ') / 1024 )); }
# heap_mib PID: the Java heap's committed and used MiB ("266/152"), or "-" without jcmd (a JDK's tool, not a JRE's)
heap_mib() { command -v jcmd >/dev/null && jcmd "$1" GC.heap_info 2>/dev/null | awk '/ total [0-9]+K, used [0-9]+K/ { gsub(/[K,]/, ""); for (i = 1; i < NF; i++) { if ($i == "total") t = $(i + 1); if ($i == "used") u = $(i + 1) } printf "%d/%d", t / 1024, u / 1024; found = 1; exit } END { if (!found) print "-" }' || echo "-"; }

# The request path alone: steadier than rates when other work shares the machine.
request_ticks() { cat /proc/"$1"/task/*/stat 2>/dev/null | awk '$2 ~ /^\(http-nio/ { t += $14 + $15 } END { print t + 0 }'; }

free_port() { local p; while :; do p=$((20000 + RANDOM % 20000)); (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }; done; }

start_postgres() {
    need runuser util-linux
    if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then need psql postgresql; fi
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    mkdir -p "$1/pg" "$1/pglog" && chown postgres "$1/pg" "$1/pglog"
    runuser -u postgres -- "$pgbin/initdb" -D "$1/pg" -U postgres -A trust -E UTF8 --no-locale >"$1/initdb.log" 2>&1
    pgport=$(free_port)
    # Durable as in production: fsync and synchronous_commit on. Loopback only, no unix socket.
    runuser -u postgres -- "$pgbin/pg_ctl" start -D "$1/pg" -l "$1/pglog/pg.log" -w -t 60 \
        -o "-p $pgport -c listen_addresses=127.0.0.1 -c unix_socket_directories='' ${PG_OPTIONS:-}" >/dev/null
    "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -q -c "CREATE DATABASE lanyard" postgres
}

stop_postgres() { # stop_postgres DIR [MODE]
    runuser -u postgres -- "$pgbin/pg_ctl" stop -D "$1/pg" -m "${2:-fast}" >/dev/null 2>&1 || true
}

# plain_app_jar [secure]: builds bench/plain-app (a plain Spring Boot app doing the work of /current) and
# prints its jar's path; with "secure", its secure build instead (-Psecure, into target/secure: Spring
# Security's stateless chain with Lanyard's headers, Spring Authorization Server's introspection, and the
# actuator's http.server.requests).
plain_app_jar() {
    local profile="" dir=target what="the plain app"
    [ "${1:-}" = secure ] && profile=-Psecure dir=target/secure what="the plain app's secure build"
    mkdir -p bench/target
    echo "${BENCH_NAME:-bench}: building $what (bench/plain-app${profile:+ $profile})..." >&2
    # shellcheck disable=SC2086 # no profile is no word
    (cd bench/plain-app && mvn -q -B -DskipTests $profile package) >"bench/target/plain-app${profile}-build.log" 2>&1 \
        || { cat "bench/target/plain-app${profile}-build.log" >&2; echo "${BENCH_NAME:-bench}: $what did not build" >&2; return 1; }
    echo "$(cd "bench/plain-app/$dir" && pwd)/plain-app-1.jar"
}

# introspect_active URL TOKEN [BODY]: introspects TOKEN at URL (the /oauth2/introspect address) as
# $client_id / $client_secret with client secret basic, the answer to BODY if given; fails unless the
# token is active.
introspect_active() {
    local answer
    answer=$(curl -fsS --max-time 5 -u "$client_id:$client_secret" --data-urlencode "token=$2" "$1") || return 1
    [ -z "${3:-}" ] || printf '%s' "$answer" >"$3"
    [[ $answer == *'"active":true'* ]]
}

field() { grep -oE "\"$1\":\"[^\"]*\"" | head -n 1 | sed -E "s/\"$1\":\"([^\"]*)\"/\\1/"; }
urldecode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.unquote(sys.argv[1]))' "$1"; }
urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

# refresh_access BASE: exchanges $refresh for a new access and refresh token at BASE's token endpoint, as
# the app $client_id / $client_secret (set by oauth_app_tokens); sets access and refresh.
refresh_access() {
    local refreshed
    refreshed=$(curl -fsS --max-time 30 -u "$client_id:$client_secret" --data-urlencode grant_type=refresh_token \
        --data-urlencode "refresh_token=$refresh" "$1/oauth2/token")
    access=$(printf '%s' "$refreshed" | field access_token)
    refresh=$(printf '%s' "$refreshed" | field refresh_token)
    [ -n "$access" ] && [ -n "$refresh" ] || { echo "${BENCH_NAME:-bench}: the refresh failed: $refreshed" >&2; exit 1; }
}

# introspect_lua TOKEN FILE: a wrk script posting TOKEN to the introspection endpoint, as $client_id /
# $client_secret with client secret basic.
introspect_lua() {
    printf 'wrk.method = "POST"\nwrk.body = "token=%s"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\nwrk.headers["Authorization"] = "Basic %s"\n' \
        "$1" "$(printf '%s:%s' "$client_id" "$client_secret" | base64 | tr -d '\n')" >"$2"
}

# oauth_app_tokens BASE COOKIE REDIRECT WORKDIR: as the admin signed in with COOKIE (a lanyard_session=
# cookie), registers a confidential app and signs in through it as a user would (authorize with PKCE,
# consent with the page's CSRF token, code exchange), allowing offline_access for a refresh token. Sets
# client_id, client_secret, access, refresh.
oauth_app_tokens() {
    local base=$1 cookie=$2 redirect=$3 dir=$4 app verifier challenge authorize consent page csrf xsrf state landed code tokens
    app=$(curl -fsS -H "Cookie: $cookie" -H 'Content-Type: application/json' \
        -d "{\"name\":\"Bench app\",\"redirectUris\":[\"$redirect\"],\"type\":\"confidential\",\"scopes\":[\"openid\",\"email\",\"offline_access\"]}" \
        "$base/api/v1/admin/apps")
    client_id=$(printf '%s' "$app" | field clientId)
    client_secret=$(printf '%s' "$app" | field clientSecret)
    [ -n "$client_id" ] && [ -n "$client_secret" ] || { echo "$BENCH_NAME: registering the app failed: $app" >&2; exit 1; }
    verifier=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    challenge=$(printf '%s' "$verifier" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=\n')
    authorize="$base/oauth2/authorize?response_type=code&client_id=$client_id&redirect_uri=$(urlencode "$redirect")&scope=openid%20email%20offline_access&state=bench&code_challenge=$challenge&code_challenge_method=S256"
    consent=$(curl -sS -o /dev/null -w '%{redirect_url}' -H "Cookie: $cookie" "$authorize")
    page=$(curl -fsS -D "$dir/consent.h" -H "Cookie: $cookie" -H 'Accept: text/html' "$consent")
    csrf=$(printf '%s' "$page" | grep -oE 'name="_csrf"[[:space:]]+value="[^"]+"' | head -n 1 | sed -E 's/.*value="([^"]+)"/\1/')
    xsrf=$(grep -i '^set-cookie: XSRF-TOKEN=' "$dir/consent.h" | head -n 1 | sed -E 's/^[^:]*: (XSRF-TOKEN=[^;]*).*/\1/' | tr -d '\r')
    state=$(urldecode "$(printf '%s' "$consent" | grep -oE '[?&]state=[^&]+' | cut -d= -f2-)")
    landed=$(curl -sS -o /dev/null -w '%{redirect_url}' -H "Cookie: $cookie; $xsrf" \
        --data-urlencode "client_id=$client_id" --data-urlencode "state=$state" --data-urlencode "_csrf=$csrf" \
        --data-urlencode "scope=openid" --data-urlencode "scope=email" --data-urlencode "scope=offline_access" "$base/oauth2/authorize")
    code=$(urldecode "$(printf '%s' "$landed" | grep -oE '[?&]code=[^&]+' | cut -d= -f2-)")
    [ -n "$code" ] || { echo "$BENCH_NAME: no authorization code (landed on '$landed')" >&2; exit 1; }
    tokens=$(curl -fsS -u "$client_id:$client_secret" --data-urlencode grant_type=authorization_code --data-urlencode "code=$code" \
        --data-urlencode "redirect_uri=$redirect" --data-urlencode "code_verifier=$verifier" "$base/oauth2/token")
    access=$(printf '%s' "$tokens" | field access_token)
    refresh=$(printf '%s' "$tokens" | field refresh_token)
    [ -n "$access" ] && [ -n "$refresh" ] || { echo "$BENCH_NAME: the code exchange failed: $tokens" >&2; exit 1; }
}

bench_scratch() {
    out=bench/target/$1
    mkdir -p "$out"
    out=$(cd "$out" && pwd)
    work=$(mktemp -d "/tmp/lanyard-$1.XXXXXX")
    server=""
    watchdog=""
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

bench_cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    [ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null || true
    rm -rf "$work"
}

watch_server() {
    (trap 'kill $nap 2>/dev/null; exit 0' TERM; sleep "$1" & nap=$!; wait $nap; kill "$server" 2>/dev/null) >/dev/null 2>&1 &
    watchdog=$!
}
