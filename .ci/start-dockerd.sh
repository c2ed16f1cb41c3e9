#!/usr/bin/env bash
# Starts a private Docker engine for dr4j's tests (idempotent) and prints the DOCKER_HOST to use.
#
#   DOCKER_HOST=$(bash .ci/start-dockerd.sh)
#
# - installs docker.io and busybox-static with apt when dockerd / busybox are missing (needs root)
# - runs dockerd with the vfs storage driver, no iptables, no bridge: only the "host" and "none" networks
# - state lives under DR4J_DOCKER_DIR (default /tmp/dr4j-docker); the socket is <dir>/docker.sock
# Diagnostics go to stderr; stdout is only the DOCKER_HOST line.
set -euo pipefail

DIR="${DR4J_DOCKER_DIR:-/tmp/dr4j-docker}"
SOCK="$DIR/docker.sock"
HOST="unix://$SOCK"
LOG="$DIR/dockerd.log"
LOCK="$DIR.lock"

log() { echo "start-dockerd: $*" >&2; }

mkdir -p "$DIR"
exec 9>"$LOCK"
flock 9

answers() { docker -H "$HOST" info >/dev/null 2>&1; }

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
# the test images need a statically linked busybox (they have no libc)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    log "missing ${need[*]} and not root: install them with: apt-get install -y ${need[*]}"
    exit 1
  fi
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "${need[@]}" >&2; then
    apt-get update >&2
    apt-get install -y --no-install-recommends "${need[@]}" >&2
  fi
fi
# docker.io brings its own docker CLI; either one talks to this daemon
if answers; then
  echo "$HOST"
  exit 0
fi

# a stale daemon from an earlier run that no longer answers
if [ -f "$DIR/docker.pid" ]; then
  old=$(cat "$DIR/docker.pid" 2>/dev/null || true)
  # alive and really a dockerd (not a zombie, not a reused pid)
  if [ -n "$old" ] && [ "$(ps -o comm= -p "$old" 2>/dev/null)" = dockerd ] \
      && [ "$(ps -o stat= -p "$old" 2>/dev/null | cut -c1)" != Z ]; then
    log "dockerd pid $old exists but does not answer yet; waiting"
  else
    rm -f "$DIR/docker.pid" "$SOCK"
  fi
fi

if ! answers && [ ! -f "$DIR/docker.pid" ]; then
  log "starting dockerd (data root $DIR/data, log $LOG)"
  mkdir -p "$DIR/data" "$DIR/exec"
  setsid nohup dockerd \
    --storage-driver=vfs \
    --iptables=false --ip6tables=false --bridge=none --ip-masq=false --ip-forward=false \
    -H "$HOST" \
    --data-root "$DIR/data" \
    --exec-root "$DIR/exec" \
    --pidfile "$DIR/docker.pid" \
    >"$LOG" 2>&1 </dev/null 9>&- &
fi

for _ in $(seq 1 120); do
  if answers; then
    log "dockerd answers on $SOCK"
    echo "$HOST"
    exit 0
  fi
  sleep 0.5
done
log "dockerd did not answer on $SOCK within 60 s; last lines of $LOG:"
tail -n 30 "$LOG" >&2 || true
exit 1
