#!/usr/bin/env bash
# Builds Lanyard and starts it on http://localhost:8080 with SQLite under ./data/.
# Extra arguments go to Lanyard, e.g. --server.port=9090.
#
# The JVM gets memory limits that fit a small server (LANYARD_JAVA_OPTS replaces them all, e.g.
# LANYARD_JAVA_OPTS="-Xmx1g" for a big team; bench/memory.sh measures them against the JVM's
# defaults). `scripts/run.sh --print-java-opts` prints the options it would use and exits.
# LANYARD_CDS=0 starts the jar without the class-data archive (see below).
# `scripts/run.sh reset-link ada@example.com [--name=value…]` runs the operator's command instead of the server (README,
# "Forgotten password"): on the jar already built (built first only when there is none, so that a server running from it
# is left alone), without the class archive, with only the link on standard output.
set -euo pipefail
cd "$(dirname "$0")/.."

# Heap, metaspace, code cache, thread stacks and GC for one node of a small team; see
# docs/decisions/0017-small-memory-footprint.md and 0034-heap-sized-for-the-live-set.md, and
# bench/RESULTS.md for what they save. The old generation (heap minus the fixed 32 MiB young one) has
# room above the ~150 MiB that stays live, so a steady load never needs a full collection.
DEFAULT_JAVA_OPTS="-Xms192m -Xmx256m -Xmn32m -XX:MetaspaceSize=128m -Xss512k -XX:MaxMetaspaceSize=160m -XX:ReservedCodeCacheSize=48m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:TieredStopAtLevel=1"
JAVA_OPTS=${LANYARD_JAVA_OPTS-$DEFAULT_JAVA_OPTS}
if [ "${1:-}" = "--print-java-opts" ]; then
  echo "$JAVA_OPTS"
  exit 0
fi

require_tools() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "run: '$tool' is missing. Install a JDK 17+, Maven and Node.js/npm." >&2; exit 1; }
  done
}

if [ "${1:-}" = "reset-link" ]; then
  # Only what this branch uses: Java, and Maven and npm only when the jar must be built (outside review AJ).
  require_tools java
  jar=$(ls server/target/lanyard-*.jar 2>/dev/null | grep -v original | head -n 1 || true)
  if [ -z "$jar" ]; then
    require_tools mvn npm
    echo "run: building Lanyard (the first build downloads dependencies)..." >&2
    mvn -q -B -pl server package -DskipTests >&2
    jar=$(ls server/target/lanyard-*.jar | grep -v original | head -n 1)
  fi
  # shellcheck disable=SC2086 # the options are words
  exec java $JAVA_OPTS -jar "$jar" "$@"
fi

require_tools java mvn npm
bash scripts/fetch-geo.sh
mkdir -p data
echo "run: building Lanyard (the first build downloads dependencies)..."
mvn -q -B -pl server package -DskipTests
jar=$(ls server/target/lanyard-*.jar | grep -v original | head -n 1)
# Started from the extracted jar with a class archive (an AOT cache on a JDK 25+, else AppCDS): start-up
# takes about half as long. The
# first start after a build makes them (a training start on a scratch database, ~10-20 s); later
# starts reuse them. LANYARD_CDS=0 starts the jar as it is.
launch="-jar $jar"
if [ "${LANYARD_CDS:-1}" != 0 ]; then
  source scripts/cds.sh
  [ -s "target/cds/$(JAVA_OPTS=$JAVA_OPTS cds_key "$jar")/$(cds_archive_name)" ] || echo "run: preparing a faster start-up for this build (once)..."
  launch=$(JAVA_OPTS=$JAVA_OPTS cds_java_args "$jar" "$PWD/target/cds" --server.address=127.0.0.1 --server.port=0 --lanyard.geo.directory="$PWD/data/geo")
fi
# Where to open Lanyard, for the line below (outside review: it said localhost whatever the arguments): the public URL
# when one is given, else the address it listens on (localhost for loopback), each with the path Lanyard is served at.
# Read from the arguments and the environment as Spring reads them (--name=value); a setting in an application.yml is not.
port=${SERVER_PORT:-8080}
address=${SERVER_ADDRESS:-127.0.0.1}
public_url=${LANYARD_WEB_PUBLICURL:-}
path=${SERVER_SERVLET_CONTEXTPATH:-}
for arg in "$@"; do
  case "$arg" in
    --server.port=*) port=${arg#*=} ;;
    --server.address=*) address=${arg#*=} ;;
    --lanyard.web.public-url=*) public_url=${arg#*=} ;;
    --server.servlet.context-path=*) path=${arg#*=} ;;
  esac
done
if [ -n "$public_url" ]; then
  url="${public_url%/}${path%/}"
else
  case "$address" in
    127.*|localhost|::1|"[::1]") host=localhost ;;
    \[*) host=$address ;;
    *:*) host="[$address]" ;;
    *) host=$address ;;
  esac
  url="http://$host:$port${path%/}"
  case "$address" in 0.0.0.0|::|"[::]") url="$url (every address of this machine)" ;; esac
fi
echo "run: starting Lanyard on $url"
# shellcheck disable=SC2086 # the options are words
exec java $JAVA_OPTS $launch "$@"
