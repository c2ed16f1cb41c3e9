# Shared by the bench/*.sh scripts (source it; needs root): a throw-away PostgreSQL 15 cluster on 127.0.0.1.
#   bench_cluster_init DIR [extra postgresql.conf lines...]  initdb --data-checksums into DIR/data (owned by postgres),
#                                                           a free port, socket in DIR; exports PGHOST PGPORT PGUSER
#                                                           PGDATABASE PGDATA; starts it; stops it on EXIT.
#   as_pg CMD...                                            runs CMD as the postgres OS user
#   median FILE COLUMN                                      median of a numeric column of a whitespace-separated file
#                                                           (its first line is a header)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
as_pg() { runuser -u postgres -- "$@"; }

bench_cluster_stop() {
  if [ -n "${PGDATA:-}" ] && [ -f "$PGDATA/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

bench_cluster_init() {
  local dir=$1; shift
  [ "$(id -u)" = 0 ] || { echo "run as root (the cluster runs as the postgres user)" >&2; exit 2; }
  id postgres >/dev/null
  mkdir -p "$dir"; chown postgres:postgres "$dir"
  PGDATA=$dir/data
  PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  export PGHOST=127.0.0.1 PGPORT PGUSER=postgres PGDATABASE=postgres PGDATA
  trap bench_cluster_stop EXIT
  trap 'exit 130' INT TERM
  as_pg "$PGBIN/initdb" --data-checksums -U postgres -A trust -D "$PGDATA" >/dev/null
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $PGPORT"
    echo "unix_socket_directories = '$dir'"
    echo "shared_buffers = 256MB"
    echo "max_wal_size = 4GB"
    echo "wal_level = replica"
    echo "max_wal_senders = 4"
    local l; for l in "$@"; do echo "$l"; done
  } >> "$PGDATA/postgresql.conf"
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$dir/postgres.log" -w start >/dev/null
}

median() {
  tail -n +2 "$1" | sort -g -k"$2","$2" | awk -v c="$2" '{ a[NR] = $c } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}
