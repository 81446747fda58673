#!/usr/bin/env bash
# PostgreSQL 18 client tools (pg_dump, pg_restore, pg_dumpall, psql) for
# db:backup / db:restore. pg_dump must be at least the server's major version,
# and Debian 12 ships only 15, so we build the client programs from Debian's
# own source package (checksum-pinned) into .tools/postgresql. ~1 minute.
# Skipped when a new enough pg_dump is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=18.6
SHA256=555610c24d53e4316da5b7d3fc25c279d96856d5e0e23ee308c328c5fa881d9f
URL="http://deb.debian.org/debian/pool/main/p/postgresql-18/postgresql-18_${VERSION}.orig.tar.bz2"
PREFIX="$PWD/.tools/postgresql"

if [ -x "$PREFIX/bin/pg_dump" ] && "$PREFIX/bin/pg_dump" --version | grep -q " ${VERSION%%.*}\."; then
  echo "▸ PostgreSQL ${VERSION%%.*} client tools already in .tools/postgresql"
  exit 0
fi

need=()
for tool in bison flex make gcc curl; do command -v "$tool" >/dev/null || need+=("$tool"); done
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "▸ installing build tools from Debian: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "▸ building PostgreSQL ${VERSION} client tools (Debian source) into .tools/postgresql"
curl -fsSL -o "$work/pg.tar.bz2" "$URL"
echo "$SHA256  $work/pg.tar.bz2" | sha256sum -c --quiet
tar -xjf "$work/pg.tar.bz2" -C "$work"
cd "$work/postgresql-${VERSION}"
./configure --prefix="$PREFIX" --without-icu --without-readline --with-zlib --without-zstd --without-lz4 >"$work/configure.log" 2>&1 \
  || { tail -20 "$work/configure.log"; exit 1; }
jobs="$(nproc)"
make -s -j"$jobs" -C src/backend generated-headers >/dev/null
for dir in src/interfaces/libpq src/bin/pg_dump src/bin/psql; do
  make -s -j"$jobs" -C "$dir" >/dev/null
  make -s -C "$dir" install >/dev/null
done
"$PREFIX/bin/pg_dump" --version
