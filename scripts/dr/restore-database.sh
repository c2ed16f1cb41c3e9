#!/usr/bin/env bash
# Restore a database from a backup file — the DR plan's scripts/dr/restore-database.sh, on dr4j.
#   Usage: ./scripts/dr/restore-database.sh <backup_file> [database]
# <backup_file>: a .sql, .sql.gz (e.g. /var/backups/postgresql/swe_db_20251109_020000.sql.gz), a pg_dump custom
# archive or a directory dump. Connection: PGHOST, PGPORT, PGUSER, PGPASSWORD (or ~/.pgpass).
# DR_CLEAN=1 replaces the contents of an existing database. DR: the dr command (default: dr on the PATH).
set -euo pipefail
DR=${DR:-dr}
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "Usage: $0 <backup_file> [database]" >&2
  exit 2
fi
file=$1
db=${2:-${PGDATABASE:-swe_db}}
clean=()
[ "${DR_CLEAN:-0}" = 1 ] && clean=(--clean)
$DR restore-database "$file" --dbname "$db" "${clean[@]}"
# Verify restore (the DR plan's check)
${PSQL:-psql} -X -q -d "$db" -c "SELECT COUNT(*) FROM information_schema.tables;"
