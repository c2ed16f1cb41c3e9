#!/usr/bin/env bash
# Installs and starts everything dr4j's test suite needs, on a fresh Debian 12 machine. Idempotent.
#   - PostgreSQL 15 server and client tools (initdb, pg_ctl, postgres, pgbench, pg_dump, pg_amcheck, pg_checksums)
#   - zstd, lz4, gzip (the tests decompress repository objects with the real command-line tools)
#   - a JDK 17 (the Maven wrapper brings Maven itself)
#   - a Docker engine on a local socket (docker.io + busybox-static; see .ci/start-dockerd.sh) when present
# Needs root for apt-get; as a non-root user it only checks and reports what is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"

need=()
[ -x /usr/lib/postgresql/15/bin/postgres ] && [ -x /usr/lib/postgresql/15/bin/pgbench ] || need+=(postgresql-15)
[ -x /usr/lib/postgresql/15/bin/psql ] && [ -x /usr/lib/postgresql/15/bin/pg_amcheck ] || need+=(postgresql-client-15)
command -v zstd >/dev/null || need+=(zstd)
command -v lz4 >/dev/null || need+=(lz4)
command -v gzip >/dev/null || need+=(gzip)
command -v runuser >/dev/null || need+=(util-linux)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup-test-env: missing packages: ${need[*]} (run as root, or install them: apt-get install -y ${need[*]})" >&2
    exit 1
  fi
  echo "setup-test-env: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Debian creates and starts a default cluster when it installs the server: the tests start their own.
if command -v pg_lsclusters >/dev/null && pg_lsclusters -h 2>/dev/null | grep -q online; then
  pg_lsclusters -h | awk '$4=="online"{print $1, $2}' | while read -r v c; do pg_ctlcluster "$v" "$c" stop || true; done
fi
id postgres >/dev/null 2>&1 || { echo "setup-test-env: the OS user 'postgres' is missing" >&2; exit 1; }

if [ -x "$here/.ci/start-dockerd.sh" ]; then
  "$here/.ci/start-dockerd.sh"
fi
echo "setup-test-env: ready"
