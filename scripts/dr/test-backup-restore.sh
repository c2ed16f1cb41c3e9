#!/usr/bin/env bash
# Weekly backup test — the DR plan's scripts/dr/test-backup-restore.sh, on dr4j: re-read every object and check its
# SHA-256, check the WAL chain, restore the newest backup into a scratch cluster on 127.0.0.1 and check it
# (pg_amcheck, pg_checksums, the SQL checks). The result is recorded in the repository.
#   Usage: ./scripts/dr/test-backup-restore.sh [--check SQL]...
# Repository: DR_REPOSITORY (or --repo). Exit 0 all good, 3 problems found, 1 could not run.
set -euo pipefail
DR=${DR:-dr}
$DR verify --read-data --test-restore "$@"
