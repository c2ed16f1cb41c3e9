#!/usr/bin/env bash
# Data center outage — the DR plan's scripts/dr/datacenter-failover.sh, on dr4j.
#   Usage: ./scripts/dr/datacenter-failover.sh <data directory at the DR site>
# Runs `dr plan run datacenter-outage` (report with the measured RTO/RPO in ./dr-reports or DR_PLAN_REPORT_DIR):
# restores from the off-site copy only (DR_OFFSITE_REPOSITORY, e.g. gs://swe-platform-backups/postgresql-backups;
# the primary storage may be down), starts it on DR_RESTORE_PORT (default: a free port), deploys the application at
# the DR site (DR_PLAN_DEPLOY_COMMAND, or `dr deploy` of DR_IMAGE as DR_SERVICE), checks it, then switches traffic
# (DR_PLAN_TRAFFIC_COMMAND or DR_SWITCH_TRAFFIC_COMMAND, e.g. a DNS update; not set: the report says the switch was
# skipped) and checks the public endpoint (DR_HEALTH_URL).
set -euo pipefail
DR=${DR:-dr}
if [ $# -ne 1 ] || [ -z "${DR_OFFSITE_REPOSITORY:-}" ]; then
  echo "Usage: DR_OFFSITE_REPOSITORY=<s3://…|gs://…> $0 <data directory at the DR site>" >&2
  exit 2
fi
if [ -z "${DR_PLAN_TRAFFIC_COMMAND:-}" ] && [ -n "${DR_SWITCH_TRAFFIC_COMMAND:-}" ]; then
  export DR_PLAN_TRAFFIC_COMMAND="$DR_SWITCH_TRAFFIC_COMMAND"
fi
if [ -z "${DR_PLAN_DEPLOY_COMMAND:-}" ] && [ -n "${DR_SERVICE:-}" ] && [ -n "${DR_IMAGE:-}" ]; then
  export DR_PLAN_DEPLOY_COMMAND="$DR deploy \"${DR_PLATFORM:-docker}\" --service \"$DR_SERVICE\" --image \"$DR_IMAGE\" \
--change-cause 'data center failover'"
fi
args=(plan run datacenter-outage --yes --secondary-repo "$DR_OFFSITE_REPOSITORY" --to "$1")
[ -n "${DR_RESTORE_PORT:-}" ] && args+=(--restore-port "$DR_RESTORE_PORT")
[ -n "${DR_HEALTH_URL:-}" ] && args+=(--health-url "$DR_HEALTH_URL")
exec $DR "${args[@]}"
