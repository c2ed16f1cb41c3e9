#!/usr/bin/env bash
# Ransomware recovery — the DR plan's scripts/dr/ransomware-recovery.sh, on dr4j.
#   Usage: ./scripts/dr/ransomware-recovery.sh <compromised_at ISO-8601> <fresh data directory>
# 1. isolate the affected systems first (by hand, or DR_ISOLATE_COMMAND); do NOT pay the ransom;
# 2. verify every stored object against its SHA-256 (a tampered repository stops here, exit 3);
# 3. restore the newest clean backup to just before the compromise into a FRESH directory and start it.
# Then rebuild the compromised systems, review the security logs, report the incident (see
# docs/runbooks/ransomware.md).
set -euo pipefail
DR=${DR:-dr}
if [ $# -ne 2 ]; then
  echo "Usage: $0 <compromised_at ISO-8601, e.g. 2026-11-09T14:30:00Z> <fresh data directory>" >&2
  exit 2
fi
if [ -n "${DR_ISOLATE_COMMAND:-}" ]; then
  bash -c "$DR_ISOLATE_COMMAND"
fi
$DR verify --read-data
exec $DR restore --target-time "$1" --exclusive --to "$2" --start
