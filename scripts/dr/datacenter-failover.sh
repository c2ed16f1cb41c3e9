#!/usr/bin/env bash
# Data center outage — the DR plan's scripts/dr/datacenter-failover.sh, on dr4j.
#   Usage: ./scripts/dr/datacenter-failover.sh <data directory at the DR site>
# Restores from the off-site copy (DR_OFFSITE_REPOSITORY, e.g. gs://swe-platform-backups/postgresql-backups),
# deploys the application at the DR site (DR_SERVICE, DR_IMAGE), then switches traffic (DR_SWITCH_TRAFFIC_COMMAND,
# e.g. a DNS update) and checks the public endpoint (DR_HEALTH_URL).
set -euo pipefail
DR=${DR:-dr}
if [ $# -ne 1 ] || [ -z "${DR_OFFSITE_REPOSITORY:-}" ]; then
  echo "Usage: DR_OFFSITE_REPOSITORY=<s3://…|gs://…> $0 <data directory at the DR site>" >&2
  exit 2
fi
$DR restore --repo "$DR_OFFSITE_REPOSITORY" --target latest --to "$1" --start
if [ -n "${DR_SERVICE:-}" ] && [ -n "${DR_IMAGE:-}" ]; then
  $DR deploy "${DR_PLATFORM:-docker}" --service "$DR_SERVICE" --image "$DR_IMAGE" --change-cause "data center failover"
fi
if [ -n "${DR_SWITCH_TRAFFIC_COMMAND:-}" ]; then
  bash -c "$DR_SWITCH_TRAFFIC_COMMAND"
fi
