#!/usr/bin/env bash
# Complete server failure — the DR plan's scripts/dr/full-system-recovery.sh, on dr4j.
#   Usage: ./scripts/dr/full-system-recovery.sh <new data directory>
# 1. provision (when DR_TERRAFORM_DIR is set: terraform init/plan/apply there, with DR_TERRAFORM_VAR_FILE);
# 2. restore the database from the newest backup and all archived WAL, start it;
# 3. deploy the application (when DR_SERVICE and DR_IMAGE are set) behind its health gate (DR_HEALTH_URL).
set -euo pipefail
DR=${DR:-dr}
if [ $# -ne 1 ]; then
  echo "Usage: $0 <new data directory>" >&2
  exit 2
fi
if [ -n "${DR_TERRAFORM_DIR:-}" ]; then
  var=()
  [ -n "${DR_TERRAFORM_VAR_FILE:-}" ] && var=(-var-file="$DR_TERRAFORM_VAR_FILE")
  (cd "$DR_TERRAFORM_DIR" && terraform init -input=false && terraform plan -input=false "${var[@]}" -out=dr4j.tfplan \
    && terraform apply -input=false dr4j.tfplan)
fi
$DR restore --target latest --to "$1" --start
if [ -n "${DR_SERVICE:-}" ] && [ -n "${DR_IMAGE:-}" ]; then
  gate=()
  [ -n "${DR_HEALTH_URL:-}" ] && gate=(--health-url "$DR_HEALTH_URL")
  $DR deploy "${DR_PLATFORM:-docker}" --service "$DR_SERVICE" --image "$DR_IMAGE" --change-cause "full system recovery" "${gate[@]}"
fi
