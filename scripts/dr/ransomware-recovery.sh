#!/usr/bin/env bash
# Ransomware recovery — the DR plan's scripts/dr/ransomware-recovery.sh, on dr4j.
#   Usage: ./scripts/dr/ransomware-recovery.sh <compromised_at ISO-8601> <fresh data directory>
# Do NOT pay the ransom. Runs `dr plan run ransomware` (report in ./dr-reports or DR_PLAN_REPORT_DIR):
# 1. isolate the affected systems: DR_PLAN_ISOLATE_COMMAND (or DR_ISOLATE_COMMAND), required;
# 2. re-read every stored object of the backups finished before the compromise, newest first, against its SHA-256;
#    the first backup that verifies completely is used, the others are reported (none verifies: exit 3);
# 3. restore it with the WAL up to just before the compromise into a NEW directory <fresh data directory>/<run id>
#    (never over the compromised data), start it on DR_RESTORE_PORT (default: a free port) and check it;
# 4. rotate the credentials: DR_PLAN_ROTATE_CREDENTIALS_COMMAND, required.
# Then rebuild the compromised systems, review the security logs, report the incident (see
# docs/runbooks/ransomware.md).
set -euo pipefail
DR=${DR:-dr}
if [ $# -ne 2 ]; then
  echo "Usage: $0 <compromised_at ISO-8601, e.g. 2026-11-09T14:30:00Z> <fresh data directory>" >&2
  exit 2
fi
if [ -z "${DR_PLAN_ISOLATE_COMMAND:-}" ] && [ -n "${DR_ISOLATE_COMMAND:-}" ]; then
  export DR_PLAN_ISOLATE_COMMAND="$DR_ISOLATE_COMMAND"
fi
args=(plan run ransomware --yes --compromised-at "$1" --to "$2")
[ -n "${DR_RESTORE_PORT:-}" ] && args+=(--restore-port "$DR_RESTORE_PORT")
[ -n "${DR_HEALTH_URL:-}" ] && args+=(--health-url "$DR_HEALTH_URL")
exec $DR "${args[@]}"
