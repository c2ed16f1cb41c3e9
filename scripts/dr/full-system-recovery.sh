#!/usr/bin/env bash
# Complete server failure — the DR plan's scripts/dr/full-system-recovery.sh, on dr4j.
#   Usage: ./scripts/dr/full-system-recovery.sh <new data directory>
# Runs `dr plan run server-failure` (report with the measured RTO/RPO in ./dr-reports or DR_PLAN_REPORT_DIR):
# 1. provision: DR_PLAN_PROVISION_COMMAND, or terraform init/plan/apply in DR_TERRAFORM_DIR (with
#    DR_TERRAFORM_VAR_FILE; the outputs go into the report); neither set: the report says provisioning was skipped;
# 2. restore the database from the newest backup and all archived WAL into the new data directory, start it on
#    DR_RESTORE_PORT (default: a free port), check it answers;
# 3. deploy the application: DR_PLAN_DEPLOY_COMMAND, or `dr deploy` of DR_IMAGE as DR_SERVICE (health gate
#    DR_HEALTH_URL), in parallel with the restore; then verify every service.
set -euo pipefail
DR=${DR:-dr}
if [ $# -ne 1 ]; then
  echo "Usage: $0 <new data directory>" >&2
  exit 2
fi
if [ -z "${DR_PLAN_PROVISION_COMMAND:-}" ] && [ -n "${DR_TERRAFORM_DIR:-}" ]; then
  export DR_PLAN_TERRAFORM_DIR="$DR_TERRAFORM_DIR"
  [ -n "${DR_TERRAFORM_VAR_FILE:-}" ] && export DR_PLAN_TERRAFORM_VAR_FILE="$DR_TERRAFORM_VAR_FILE"
fi
if [ -z "${DR_PLAN_DEPLOY_COMMAND:-}" ] && [ -n "${DR_SERVICE:-}" ] && [ -n "${DR_IMAGE:-}" ]; then
  gate=""
  [ -n "${DR_HEALTH_URL:-}" ] && gate="--health-url \"$DR_HEALTH_URL\""
  export DR_PLAN_DEPLOY_COMMAND="$DR deploy \"${DR_PLATFORM:-docker}\" --service \"$DR_SERVICE\" --image \"$DR_IMAGE\" \
--change-cause 'full system recovery' $gate"
fi
args=(plan run server-failure --yes --to "$1")
[ -n "${DR_RESTORE_PORT:-}" ] && args+=(--restore-port "$DR_RESTORE_PORT")
[ -n "${DR_HEALTH_URL:-}" ] && args+=(--health-url "$DR_HEALTH_URL")
exec $DR "${args[@]}"
