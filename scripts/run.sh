#!/usr/bin/env bash
# Builds Lanyard and starts it on http://localhost:8080 with SQLite under ./data/.
# Extra arguments go to Lanyard, e.g. --server.port=9090.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in java mvn npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "run: '$tool' is missing. Install a JDK 17+, Maven and Node.js/npm." >&2; exit 1; }
done

bash scripts/fetch-geo.sh
mkdir -p data
echo "run: building Lanyard (the first build downloads dependencies)..."
mvn -q -B package -DskipTests
jar=$(ls target/lanyard-*.jar | grep -v original | head -n 1)
echo "run: starting Lanyard on http://localhost:8080"
exec java -jar "$jar" "$@"
