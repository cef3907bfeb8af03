#!/usr/bin/env bash
# Installs what the tests need when it is missing, then runs the whole suite:
# unit, SQLite, PostgreSQL (a real server the tests start) and browser tests (Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in java mvn npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test: '$tool' is missing. Install a JDK 17+, Maven and Node.js/npm." >&2; exit 1; }
done

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "test: installing Debian's chromium package for the browser tests..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  else
    echo "test: the browser tests need Debian's 'chromium' package. Install it: sudo apt-get install chromium" >&2
    exit 1
  fi
fi

# PostgreSQL refuses to run as root; as root the tests run it as 'nobody' through setpriv (util-linux).
if [ "$(id -u)" = "0" ] && ! command -v setpriv >/dev/null 2>&1; then
  echo "test: 'setpriv' (Debian package util-linux) is needed to run the test PostgreSQL as root." >&2
  exit 1
fi

bash scripts/fetch-geo.sh

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# verify, not test: the reactor packages each module before the next, and e2e/ starts the server's jar.
mvn -B -ntp verify "$@"
# The benchmarks' Java sources (bench/src/java) are built against the server's code by bench/*.sh
# only; compile them here too, so that a change to the server cannot leave them broken unnoticed.
echo "test: compiling the benchmarks (mvn -f server -Pbench test-compile)..."
mvn -B -ntp -q -f server -Pbench test-compile
# The plain app's secure build (bench/framework-limit.sh's third app) is only built by the benchmark too.
echo "test: compiling the plain app's secure build (mvn -f bench/plain-app -Psecure compile)..."
mvn -B -ntp -q -f bench/plain-app -Psecure compile
