#!/usr/bin/env bash
# Does a failed sign-in tell whether the email has an account by how long it takes? Starts the packaged
# jar on 127.0.0.1 (a fresh SQLite directory under /tmp, 127.0.0.1 a trusted proxy so that each attempt
# comes from an address of its own), signs up WARMUP_ACCOUNTS + ACCOUNTS members, and times
# POST /api/v1/login with a wrong password for an existing email and for an unknown one, in random order
# in each pair (bench/enumeration.mjs, Node's fetch on one keep-alive connection). The warm-up accounts'
# pairs are not counted. Prints both distributions, the difference of medians and means, and how often an
# existing email's attempt was the slower one (0.5: no difference). 45 attempts per existing email (the
# throttle's ceiling is 50 an hour), so ACCOUNTS=6 gives 270 pairs.
# MODE=signup times sign-ups where emails are confirmed (decision 61) instead: the accounts are made with
# confirmation off, then the server is started again on the same database with it on (mail to a closed
# port: queued, never sent), and POST /api/v1/signup is timed for an existing and a free email, 3 pairs per
# existing email (one email is sent 3 sign-up mails an hour), so ACCOUNTS=90 gives 270 pairs.
# Settings (environment): MODE=login ACCOUNTS=6 (90 with MODE=signup) WARMUP_ACCOUNTS=4 JAVA_OPTS (default: scripts/run.sh's) LANYARD_JAR=
# MAX_SECONDS=900 (the server is killed after it in any case). Server log in bench/target/enumeration/.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_NAME=enumeration.sh
source bench/lib.sh

MODE=${MODE:-login}
if [ "$MODE" = signup ]; then ACCOUNTS=${ACCOUNTS:-90}; else ACCOUNTS=${ACCOUNTS:-6}; fi
WARMUP_ACCOUNTS=${WARMUP_ACCOUNTS:-4}
JAVA_OPTS=${JAVA_OPTS-$(scripts/run.sh --print-java-opts)}
MAX_SECONDS=${MAX_SECONDS:-900}

need java openjdk-17-jre-headless
need mvn maven
need node nodejs

jar=${LANYARD_JAR:-$(lanyard_jar)}
bench_scratch enumeration

start() { # start [extra arguments]: the jar on the scratch database; sets server and port
  echo "enumeration.sh: starting $(basename "$jar") on 127.0.0.1 (SQLite in $work) $*"
  # shellcheck disable=SC2086
  (cd "$work" && exec java $JAVA_OPTS -jar "$jar" --server.address=127.0.0.1 --server.port=0 \
      --lanyard.web.trusted-proxies=127.0.0.1 --lanyard.geo.directory="$PWD/data/geo" "$@") >"$out/server.log" 2>&1 &
  server=$!
  watch_server "$MAX_SECONDS"
  port=$(wait_for_port "$out/server.log" "$server")
}
if [ "$MODE" = signup ]; then
  mail_port=$(free_port)
  start --spring.mail.host=127.0.0.1 --spring.mail.port="$mail_port" --lanyard.sign-up.confirm-email=false
  echo "enumeration.sh: signing up $((WARMUP_ACCOUNTS + ACCOUNTS)) accounts with confirmation off..."
  timeout "$MAX_SECONDS" node bench/enumeration.mjs "http://127.0.0.1:$port" "$ACCOUNTS" "$WARMUP_ACCOUNTS" create
  kill "$server" "$watchdog"; wait "$server" 2>/dev/null || true
  start --spring.mail.host=127.0.0.1 --spring.mail.port="$mail_port" --lanyard.sign-up.confirm-email=true
fi
[ "$MODE" = signup ] || start
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "enumeration.sh ($MODE): $WARMUP_ACCOUNTS warm-up and $ACCOUNTS measured accounts, $([ "$MODE" = signup ] && echo 3 || echo 45) pairs each..."
timeout "$MAX_SECONDS" node bench/enumeration.mjs "http://127.0.0.1:$port" "$ACCOUNTS" "$WARMUP_ACCOUNTS" "$MODE"
echo "load average: $load_before -> $(cut -d' ' -f1-3 /proc/loadavg); JAVA_OPTS: ${JAVA_OPTS:-(JVM defaults)}"
