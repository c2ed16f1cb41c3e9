#!/usr/bin/env bash
# Builds a small PostgreSQL image from THIS machine's PostgreSQL binaries, without any registry:
#
#   DOCKER_HOST=$(bash .ci/start-dockerd.sh) scripts/build-postgres-image.sh [--force] [MAJOR] [TAG]
#
# (defaults: MAJOR 15, TAG dr4j/postgres-local:MAJOR). The image is a `docker import` of a root file system tar
# holding /usr/lib/postgresql/MAJOR (server tools, no JIT), /usr/share/postgresql/MAJOR, the time zone data, the
# shared libraries those binaries need (found with ldd), a static busybox as /bin/sh, and an entrypoint that
# behaves like the official `postgres` image's for what Testcontainers uses:
#   - POSTGRES_USER (default postgres), POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust),
#     POSTGRES_DB (default: the user), PGDATA (default /var/lib/postgresql/data);
#   - first start: initdb as the non-root user postgres (uid 999), a temporary server on the Unix socket only to
#     create POSTGRES_DB, then the real server — so "database system is ready to accept connections" is logged
#     twice, which is what Testcontainers' PostgreSQLContainer waits for;
#   - the command `postgres -c name=value ...` is passed to the server, so `-c port=N -c listen_addresses=...`
#     work (needed on a Docker engine without a bridge network, where containers use the host's network).
# Use it in Testcontainers as DockerImageName.parse("dr4j/postgres-local:15").asCompatibleSubstituteFor("postgres").
# Idempotent: an existing image with the tag is kept unless --force is given. Needs ldd, tar and a docker CLI.
set -euo pipefail

force=false
if [ "${1:-}" = "--force" ]; then force=true; shift; fi
major="${1:-15}"
tag="${2:-dr4j/postgres-local:$major}"
pg="/usr/lib/postgresql/$major"
share="/usr/share/postgresql/$major"
busybox="${BUSYBOX:-/bin/busybox}"

log() { echo "build-postgres-image: $*" >&2; }
die() { log "$*"; exit 1; }

command -v docker >/dev/null || die "no docker CLI (apt-get install docker.io; start the engine with .ci/start-dockerd.sh)"
[ -x "$pg/bin/postgres" ] || die "no PostgreSQL $major in $pg (apt-get install postgresql-$major)"
[ -d "$share" ] || die "no $share (apt-get install postgresql-$major)"
[ -x "$busybox" ] || die "no static busybox at $busybox (apt-get install busybox-static)"
if ! "$busybox" --list >/dev/null 2>&1; then die "$busybox is not a busybox (apt-get install busybox-static)"; fi
if ldd "$busybox" >/dev/null 2>&1; then die "$busybox is dynamically linked; the image has no libc for it (apt-get install busybox-static)"; fi

if ! $force && docker image inspect "$tag" >/dev/null 2>&1; then
  log "$tag exists (use --force to rebuild)"
  echo "$tag"
  exit 0
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/dr4j-pg-image-XXXXXX")
trap 'rm -rf "$stage"' EXIT
root="$stage/root"
mkdir -p "$root"/{bin,etc,tmp,dev,proc,sys,var/run/postgresql,var/lib/postgresql,"$pg/bin","$pg/lib","$(dirname "$share")",usr/share}
chmod 1777 "$root/tmp"

# server-side tools only: the client tools (pg_dump, pg_restore) run on the test's machine over the port
tools=(postgres initdb pg_ctl psql pg_isready pg_controldata)
for t in "${tools[@]}"; do cp -L "$pg/bin/$t" "$root$pg/bin/$t"; done
# extensions and encoding conversions; llvmjit (and its bitcode) would pull in libLLVM: JIT stays off
for so in "$pg"/lib/*.so; do
  case "$(basename "$so")" in llvmjit.so) continue ;; esac
  if ldd "$so" 2>/dev/null | grep -q 'not found'; then
    log "leaving out $(basename "$so"): it needs libraries this machine lacks"
    continue
  fi
  cp -L "$so" "$root$pg/lib/"
done
cp -a "$share" "$root$share"
cp -a /usr/share/zoneinfo "$root/usr/share/zoneinfo"

# the shared libraries, at the paths the dynamic loader asks for (ldd prints them), and the loader itself
libs=$( { for f in "$root$pg"/bin/* "$root$pg"/lib/*.so; do ldd "$f" 2>/dev/null || true; done; } \
        | awk '/=> \// {print $3} /^[[:space:]]*\/[^ ]*ld-linux/ {print $1}' | sort -u)
missing=$( { for f in "$root$pg"/bin/* "$root$pg"/lib/*.so; do ldd "$f" 2>/dev/null || true; done; } | grep 'not found' | sort -u || true)
[ -z "$missing" ] || die "libraries not found on this machine: $missing"
for l in $libs; do
  mkdir -p "$root$(dirname "$l")"
  cp -L "$l" "$root$l"
done

cp -L "$busybox" "$root/bin/busybox"
for applet in sh cat chmod echo id mkdir rm sleep printf grep; do ln -s busybox "$root/bin/$applet"; done

# initdb asks `locale -a` for collations to import; only C and POSIX exist here
printf '#!/bin/sh\nprintf "C\\nPOSIX\\n"\n' >"$root/bin/locale"
chmod 755 "$root/bin/locale"

cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
postgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/sh
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
postgres:x:999:
EOF
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"

cat >"$root/docker-entrypoint.sh" <<EOF
#!/bin/sh
# dr4j's stand-in for the official postgres image entrypoint (see scripts/build-postgres-image.sh)
set -e
export PATH="$pg/bin:/bin"
EOF
cat >>"$root/docker-entrypoint.sh" <<'EOF'
export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
export TZ="${TZ:-UTC}"
if [ "${1:-}" = "postgres" ]; then shift; fi
if [ "$(id -u)" = 0 ]; then
  echo "docker-entrypoint: run as the postgres user (uid 999), not root" >&2
  exit 1
fi
user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-$user}"
auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
    echo "docker-entrypoint: POSTGRES_PASSWORD is not set (or set POSTGRES_HOST_AUTH_METHOD=trust)" >&2
    exit 1
  fi
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  pwfile=/tmp/.pwfile
  ( umask 077; printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile" )
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" -E UTF8 --locale=C --auth-local=trust --auth-host="$auth" \
    --no-sync >/dev/null
  rm -f "$pwfile"
  printf 'host all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
  # a temporary server on the Unix socket only, to create the database, as the official image does
  pg_ctl -D "$PGDATA" -w -o "-c listen_addresses='' -c unix_socket_directories=/tmp" start
  if [ "$db" != postgres ]; then
    psql -X -q -v ON_ERROR_STOP=1 -h /tmp -U "$user" -d postgres -c "CREATE DATABASE \"$db\""
  fi
  pg_ctl -D "$PGDATA" -w -m fast stop
  echo "docker-entrypoint: PostgreSQL init process complete; ready for start up."
fi
exec postgres -D "$PGDATA" -c unix_socket_directories=/var/run/postgresql -c jit=off "$@"
EOF
chmod 755 "$root/docker-entrypoint.sh"

# ownership inside the image: everything root's, except what the postgres user writes
tar_args=(--numeric-owner -C "$root")
tar --owner=0 --group=0 "${tar_args[@]}" --exclude=./var/lib/postgresql --exclude=./var/run/postgresql \
    -cf "$stage/rootfs.tar" .
tar --owner=999 --group=999 "${tar_args[@]}" -rf "$stage/rootfs.tar" ./var/lib/postgresql ./var/run/postgresql
log "importing $(du -h "$stage/rootfs.tar" | cut -f1) root file system as $tag"
docker import \
  --change 'USER 999:999' \
  --change "ENV PATH=$pg/bin:/bin PGDATA=/var/lib/postgresql/data TZ=UTC" \
  --change 'ENTRYPOINT ["/docker-entrypoint.sh"]' \
  --change 'CMD ["postgres"]' \
  --change 'EXPOSE 5432' \
  --change "LABEL io.dr4j.postgres-local.version=$("$pg/bin/postgres" --version | awk '{print $3}')" \
  "$stage/rootfs.tar" "$tag" >/dev/null
echo "$tag"
