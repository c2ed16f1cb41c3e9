#!/usr/bin/env bash
# Roll the application back — the DR plan's scripts/dr/rollback-application.sh, on dr4j.
#   Usage: ./scripts/dr/rollback-application.sh [<previous_version>]
#   no argument        roll back to the previous revision (like kubectl rollout undo)
#   a number N         roll back to revision N (see: dr history docker --service "$DR_SERVICE")
#   anything else      deploy image "$DR_IMAGE:<previous_version>" (e.g. a git tag built earlier)
# DR_PLATFORM: docker (default) or k8s; DR_SERVICE: the container / Compose project/service, or the Kubernetes
# deployment (DR_NAMESPACE for its namespace). The new version must pass its health gate (DR_HEALTH_URL, optional).
set -euo pipefail
DR=${DR:-dr}
platform=${DR_PLATFORM:-docker}
if [ $# -gt 1 ] || [ -z "${DR_SERVICE:-}" ]; then
  echo "Usage: DR_SERVICE=<service> $0 [<previous_version>]" >&2
  exit 2
fi
if [ "$platform" = k8s ]; then
  target=(--deployment "$DR_SERVICE")
  [ -n "${DR_NAMESPACE:-}" ] && target+=(--namespace "$DR_NAMESPACE")
else
  target=(--service "$DR_SERVICE")
fi
gate=()
[ -n "${DR_HEALTH_URL:-}" ] && gate=(--health-url "$DR_HEALTH_URL")
if [ $# -eq 0 ]; then
  exec $DR rollback "$platform" "${target[@]}" "${gate[@]}"
elif [[ $1 =~ ^[0-9]+$ ]]; then
  exec $DR rollback "$platform" "${target[@]}" --to-revision "$1" "${gate[@]}"
else
  if [ -z "${DR_IMAGE:-}" ]; then
    echo "$0: set DR_IMAGE to the image repository to deploy version $1 of (e.g. registry/swe-platform)" >&2
    exit 2
  fi
  exec $DR deploy "$platform" "${target[@]}" --image "$DR_IMAGE:$1" --change-cause "rollback to $1" "${gate[@]}"
fi
