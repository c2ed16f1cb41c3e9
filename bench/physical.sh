#!/usr/bin/env bash
# Physical backup/restore benchmark: dr4j (direct mode) vs pgBackRest vs pg_basebackup, plus the machine's
# physical limit (cat, tar | zstd). One local PostgreSQL 15 cluster with a pgbench database or a "realistic" one
# (bench/lib/realistic-db.sh: random numbers, md5 text, timestamps; compresses ~3x where pgbench's compresses
# 20-190x); contenders alternate (the order rotates every round); medians and ratios are printed as a Markdown table.
#
# Usage (as root, from the repository root):
#   bench/physical.sh [SCALE] [ROUNDS]                        pgbench database of scale SCALE (default 50, ~0.8 GB)
#   DATASET=realistic bench/physical.sh [SIZE_MB] [ROUNDS]    realistic database of SIZE_MB MB (default 800)
#   ROUNDS defaults to 5 (scale 50: about 11 minutes on 2 cores, 8 of them the pauses of bench/lib/settle.sh; SETTLE=0: 3).  Needs: PostgreSQL 15 in /usr/lib/postgresql/15/bin,
#   pgbackrest (Debian 2.45), zstd, java 17+, and the CLI built with  ./mvnw -B -q -pl dr-cli -am package -DskipTests
# Everything listens on 127.0.0.1 only; all state lives under $BENCH_DIR (default /tmp/dr4j-bench), which is
# removed and recreated. The cluster is stopped on exit.
set -euo pipefail

DATASET=${DATASET:-pgbench}
case "$DATASET" in
  pgbench) SIZE=${1:-50} ;;
  realistic) SIZE=${1:-800} ;;
  *) echo "DATASET must be pgbench (first argument: the pgbench scale) or realistic (first argument: MB)" >&2; exit 2 ;;
esac
[[ "$SIZE" =~ ^[1-9][0-9]*$ ]] || { echo "the first argument is a positive integer (pgbench scale, or MB for DATASET=realistic)" >&2; exit 2; }
ROUNDS=${2:-5}
PARALLEL=2
BENCH_DIR=${BENCH_DIR:-/tmp/dr4j-bench}
PGBIN=/usr/lib/postgresql/15/bin
REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$REPO_ROOT/bench/lib/settle.sh"
JAR=$REPO_ROOT/dr-cli/target/dr.jar
DR=$REPO_ROOT/dr   # the launcher users run: java -jar dr.jar with the per-command AppCDS archive (DR_CDS=off: without)
# The CLI is built before the run (checked below): the launcher's source-freshness check (a find over the checkout,
# ~30 ms per call, which an installed dr never pays) stays out of every dr4j row.
export DR_BUILD_CHECK=off
RESULTS=$BENCH_DIR/results.tsv
# A JDK 25+ for the extra rows "dr4j on JDK 25 (AOT cache)": JDK25=/path/to/jdk (default: a JDK 25 under
# /usr/lib/jvm, if any; JDK25= to skip). The dr launcher uses the JDK of JAVA_HOME, and on 25+ an AOT cache
# (JEP 483/514/515) instead of the class-data-sharing archive.
JDK25=${JDK25-$( (ls -d /usr/lib/jvm/*-25-* /usr/lib/jvm/*jdk-25* 2>/dev/null || true) | head -1)}

[ "$(id -u)" = 0 ] || { echo "run as root (the cluster and pgBackRest run as the postgres user)" >&2; exit 2; }
[ -f "$JAR" ] || { echo "build the CLI first: ./mvnw -B -q -pl dr-cli -am package -DskipTests" >&2; exit 2; }
command -v pgbackrest >/dev/null || { echo "apt-get install -y pgbackrest" >&2; exit 2; }
id postgres >/dev/null

as_pg() { runuser -u postgres -- "$@"; }

# A free port on 127.0.0.1.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PGDATA=$BENCH_DIR/data
export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres PGDATABASE=postgres

cleanup() {
  if [ -f "$PGDATA/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$BENCH_DIR"
mkdir -p "$BENCH_DIR"
chown postgres:postgres "$BENCH_DIR"
as_pg mkdir -p "$BENCH_DIR/pgbr-repo" "$BENCH_DIR/pgbr-log" "$BENCH_DIR/pgbr-lock" "$BENCH_DIR/basebackup"

# --- pgBackRest configuration (local repository, zstd 3, 2 processes) ---
PGBR_CONF=$BENCH_DIR/pgbackrest.conf
cat > "$PGBR_CONF" <<EOF
[global]
repo1-path=$BENCH_DIR/pgbr-repo
repo1-retention-full=$((ROUNDS + 1))
compress-type=zst
compress-level=3
process-max=$PARALLEL
log-path=$BENCH_DIR/pgbr-log
lock-path=$BENCH_DIR/pgbr-lock
log-level-console=warn
start-fast=y

[bench]
pg1-path=$PGDATA
pg1-port=$PORT
pg1-socket-path=$BENCH_DIR
EOF
chown postgres:postgres "$PGBR_CONF"
PGBR=(pgbackrest --config="$PGBR_CONF" --stanza=bench)

# --- the cluster ---
as_pg "$PGBIN/initdb" --data-checksums -U postgres -A trust -D "$PGDATA" >/dev/null
cat >> "$PGDATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$BENCH_DIR'
archive_mode = on
archive_command = 'pgbackrest --config=$PGBR_CONF --stanza=bench archive-push %p'
wal_level = replica
max_wal_senders = 4
shared_buffers = 256MB
max_wal_size = 2GB
EOF
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$BENCH_DIR/postgres.log" -w start >/dev/null
# the stanza before the load, so that archive-push archives the load's WAL as it comes (not as a backlog during the
# timed rounds)
as_pg "${PGBR[@]}" stanza-create >/dev/null
if [ "$DATASET" = pgbench ]; then
  DATASET_DESC="pgbench scale $SIZE"
  echo "cluster: PostgreSQL $("$PGBIN/postgres" -V | awk '{print $3}') on 127.0.0.1:$PORT, $DATASET_DESC"
  "$PGBIN/pgbench" -i -q -s "$SIZE" postgres >/dev/null 2>&1
else
  echo "cluster: PostgreSQL $("$PGBIN/postgres" -V | awk '{print $3}') on 127.0.0.1:$PORT, realistic database of $SIZE MB"
  source "$REPO_ROOT/bench/lib/realistic-db.sh"
  fill_start=$(date +%s.%N)
  realistic_db "$SIZE" realistic
  echo "filled in $(awk -v a="$fill_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
  DATASET_DESC="realistic $SIZE MB (pg_database_size $("$PGBIN/psql" -qXAtc "SELECT pg_database_size('realistic')") bytes)"
fi
"$PGBIN/psql" -qAtc "CHECKPOINT" >/dev/null
# Every segment of the load in pgBackRest's archive before the rounds (the archiver must not compete with them).
LAST_WAL=$("$PGBIN/psql" -qXAtc "SELECT pg_walfile_name(pg_switch_wal())")
wait_start=$SECONDS
for ((i = 0; i < 1200; i++)); do
  [ "$("$PGBIN/psql" -qXAtc "SELECT coalesce(last_archived_wal, '') >= '$LAST_WAL' FROM pg_stat_archiver")" = t ] && break
  sleep 0.5
done
if [ "$i" -lt 1200 ]; then echo "the load's WAL is archived (up to $LAST_WAL; waited $((SECONDS - wait_start)) s)"
else echo "warning: WAL segment $LAST_WAL still not archived after 10 minutes" >&2; fi
# What a backup copies: the data directory without pg_wal (every tool here leaves WAL to the archive).
DATA_BYTES=$(du -sb --exclude=pg_wal "$PGDATA" | cut -f1)
DATA_FILES=$(find "$PGDATA" -path "$PGDATA/pg_wal" -prune -o -type f -print | wc -l)
echo "data directory without pg_wal: $DATA_BYTES bytes in $DATA_FILES files"
echo "dataset: $DATASET_DESC; data directory without pg_wal: $DATA_BYTES bytes in $DATA_FILES files" > "$BENCH_DIR/summary.md"
sync

# --- contenders: each prints "<wall seconds> <client CPU seconds (user+sys)> <bytes written>" ---
# CPU is that of the measured command and its waited-for children (GNU time); pg_basebackup's server-side work
# (the walsender reading the files, and with server-zstd compressing them) is not in it: measured() adds it apart.
timed() {  # timed CMD...: runs CMD, its stdout discarded, and prints "<wall> <cpu>"
  /usr/bin/time -f '%e %U %S' -o "$BENCH_DIR/time.out" "$@" >/dev/null
  awk '{ printf "%s %.2f", $1, $2 + $3 }' "$BENCH_DIR/time.out"
}

run_dr_backup() {
  rm -rf "$BENCH_DIR/dr-repo"
  local t; t=$(timed env DR_REPOSITORY="$BENCH_DIR/dr-repo" "$DR" backup -q --pgdata "$PGDATA" \
    --parallel "$PARALLEL")
  echo "$t $(du -sb "$BENCH_DIR/dr-repo" | cut -f1)"
}
run_dr25_backup() {
  rm -rf "$BENCH_DIR/dr25-repo"
  local t; t=$(timed env JAVA_HOME="$JDK25" DR_REPOSITORY="$BENCH_DIR/dr25-repo" "$DR" backup -q --pgdata "$PGDATA" \
    --parallel "$PARALLEL")
  echo "$t $(du -sb "$BENCH_DIR/dr25-repo" | cut -f1)"
}
run_dr25_restore() {
  rm -rf "$BENCH_DIR/dr25-restore"; mkdir "$BENCH_DIR/dr25-restore"; settle
  local t; t=$(timed env JAVA_HOME="$JDK25" DR_REPOSITORY="$BENCH_DIR/dr25-repo" "$DR" restore -q \
    --to "$BENCH_DIR/dr25-restore" --target immediate --parallel "$PARALLEL")
  echo "$t $(du -sb "$BENCH_DIR/dr25-restore" | cut -f1)"
}
run_pgbr_backup() {
  local t label
  t=$(timed runuser -u postgres -- "${PGBR[@]}" --type=full backup)
  label=$(ls -1 "$BENCH_DIR/pgbr-repo/backup/bench" | grep -E '^[0-9]{8}-[0-9]{6}F$' | sort | tail -1)
  echo "$t $(du -sb "$BENCH_DIR/pgbr-repo/backup/bench/$label" | cut -f1)"
}
run_basebackup() {
  as_pg rm -rf "$BENCH_DIR/basebackup/out"
  local t; t=$(PGOPTIONS='-c client_min_messages=warning' timed runuser -u postgres -- "$PGBIN/pg_basebackup" \
    -h 127.0.0.1 -p "$PORT" -U postgres -D "$BENCH_DIR/basebackup/out" -Ft --compress=client-zstd:3 -X none -c fast)
  echo "$t $(du -sb "$BENCH_DIR/basebackup/out" | cut -f1)"
}
run_basebackup_szstd() {  # compression in the walsender (zstd's own 2 worker threads), the client only writes
  as_pg rm -rf "$BENCH_DIR/basebackup/out"
  local t; t=$(PGOPTIONS='-c client_min_messages=warning' timed runuser -u postgres -- "$PGBIN/pg_basebackup" \
    -h 127.0.0.1 -p "$PORT" -U postgres -D "$BENCH_DIR/basebackup/out" -Ft \
    --compress=server-zstd:level=3,workers="$PARALLEL" -X none -c fast)
  echo "$t $(du -sb "$BENCH_DIR/basebackup/out" | cut -f1)"
}
run_dr_restore() {
  rm -rf "$BENCH_DIR/dr-restore"; mkdir "$BENCH_DIR/dr-restore"; settle
  local t; t=$(timed env DR_REPOSITORY="$BENCH_DIR/dr-repo" "$DR" restore -q --to "$BENCH_DIR/dr-restore" \
    --target immediate --parallel "$PARALLEL")
  echo "$t $(du -sb "$BENCH_DIR/dr-restore" | cut -f1)"
}
run_pgbr_restore() {
  as_pg rm -rf "$BENCH_DIR/pgbr-restore"; as_pg mkdir -m 700 "$BENCH_DIR/pgbr-restore"; settle
  local t; t=$(timed runuser -u postgres -- "${PGBR[@]}" --pg1-path="$BENCH_DIR/pgbr-restore" --type=immediate restore)
  echo "$t $(du -sb "$BENCH_DIR/pgbr-restore" | cut -f1)"
}
run_dr_embedded_restore() {  # the library call in a JVM that has made one before (an application embedding dr4j)
  rm -rf "$BENCH_DIR/dr-embedded"; mkdir "$BENCH_DIR/dr-embedded"; settle
  java -Ddr.log.level=WARN -cp "$BENCH_DIR/classes:$JAR:$REPO_ROOT/dr-cli/target/lib/*" EmbeddedRestore \
    "$BENCH_DIR/dr-repo" "$BENCH_DIR/dr-embedded" "$EMBEDDED_CALLS" "$PARALLEL" 2>/dev/null
}
run_jvm_start() {  # the fixed cost in every dr4j row: JVM start and CLI initialisation
  echo "$(timed "$DR" --version) 0"
}
run_cat() {
  echo "$(timed bash -c 'find "$1" -path "$1/pg_wal" -prune -o -type f -print0 | xargs -0 cat' _ "$PGDATA") 0"
}
run_tar_zstd() {
  local t
  t=$(timed bash -c 'tar cf - -C "$1" --exclude=data/pg_wal data 2>/dev/null | zstd -q -3 -T"$2" | wc -c > "$1/tar.size"' \
    _ "$BENCH_DIR" "$PARALLEL")
  echo "$t $(cat "$BENCH_DIR/tar.size")"
}

# Server CPU: the postmaster's cutime + cstime count the CPU of its children that ended (and were reaped), so their
# growth over a run is the CPU of the backends that run started and that ended with it: pg_basebackup's walsender
# (reading, checksum-verifying and, with server-zstd, compressing the files), the connections dr and pgBackRest open
# for pg_backup_start/stop. Not in it: the checkpointer (the backup's checkpoint), the archiver's archive-push.
PM_PID=$(head -1 "$PGDATA/postmaster.pid")
HZ=$(getconf CLK_TCK)
server_ticks() { awk '{ sub(/^.*\) /, ""); print $14 + $15 }' "/proc/$PM_PID/stat"; }  # fields 16, 17 of stat
measured() {  # measured CONTENDER: prints "<wall> <client cpu> <bytes> <server cpu>"
  local before kids out now p i
  kids=" $(pgrep -d ' ' -P "$PM_PID") " before=$(server_ticks)
  out=$("run_$1")
  for ((i = 0; i < 100; i++)); do  # until the backends the run started have ended (at most 5 s: e.g. an autovacuum worker)
    now=0; for p in $(pgrep -P "$PM_PID"); do [[ "$kids" == *" $p "* ]] || now=1; done
    [ "$now" = 0 ] && break
    sleep 0.05
  done
  echo "$out $(awk -v a="$before" -v b="$(server_ticks)" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }')"
}

# Backups first (each restore needs its tool's newest backup), alternating order per round.
BACKUPS=(dr_backup pgbr_backup basebackup basebackup_szstd cat tar_zstd jvm_start)
RESTORES=(dr_restore pgbr_restore dr_embedded_restore)
# The embedded row: bench/java/EmbeddedRestore.java, compiled once; each run restores EMBEDDED_CALLS times in one JVM
# and reports the last call (wall and the process's CPU during it).
EMBEDDED_CALLS=${EMBEDDED_CALLS:-3}
mkdir -p "$BENCH_DIR/classes"
javac -nowarn -d "$BENCH_DIR/classes" -cp "$JAR:$REPO_ROOT/dr-cli/target/lib/*" "$REPO_ROOT/bench/java/EmbeddedRestore.java"
if [ -n "$JDK25" ]; then BACKUPS+=(dr25_backup); RESTORES+=(dr25_restore); fi
rotate() { local k=$1; shift; local a=("$@") n=$#; for ((i = 0; i < n; i++)); do echo "${a[$(((i + k) % n))]}"; done; }

# Untimed warm-up: the first run of each dr command writes its class-data-sharing archive (as on any machine after
# dr's first use), and pgBackRest's first backup is not slower or faster for it either way.
run_dr_backup >/dev/null; run_dr_restore >/dev/null; run_jvm_start >/dev/null
if [ -n "$JDK25" ]; then run_dr25_backup >/dev/null; run_dr25_restore >/dev/null; fi

printf 'round\tcontender\tseconds\tcpu_seconds\tbytes\tserver_cpu_seconds\n' > "$RESULTS"
for ((r = 1; r <= ROUNDS; r++)); do
  for c in $(rotate "$r" "${BACKUPS[@]}") $(rotate "$r" "${RESTORES[@]}"); do
    out=$(measured "$c")
    read -r wall cpu bytes scpu <<< "$out"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$c" "$wall" "$cpu" "$bytes" "$scpu" >> "$RESULTS"
    echo "round $r  $c  $wall s  cpu $cpu s  server cpu $scpu s  $bytes bytes"
  done
done

# --- medians and ratios ---
echo
awk -F'\t' -v data="$DATA_BYTES" '
  NR > 1 { t[$2] = t[$2] " " $3; u[$2] = u[$2] " " $4; b[$2] = b[$2] " " $5; sv[$2] = sv[$2] " " $6 }
  function median(s,   a, n, i, j, x) {
    n = split(s, a, " ")
    for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > x + 0; j--) a[j + 1] = a[j]; a[j + 1] = x }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    n = split("dr_backup dr25_backup pgbr_backup basebackup basebackup_szstd cat tar_zstd jvm_start dr_restore dr25_restore dr_embedded_restore pgbr_restore", order, " ")
    name["dr25_backup"] = "backup: dr4j as above, on JDK 25 with its AOT cache"
    name["dr25_restore"] = "restore: dr4j as above, on JDK 25 with its AOT cache"
    name["dr_backup"] = "backup: dr4j direct, zstd 3, parallel 2"
    name["pgbr_backup"] = "backup: pgBackRest full, zst 3, process-max 2"
    name["basebackup"] = "backup: pg_basebackup -Ft --compress=client-zstd:3 -X none"
    name["basebackup_szstd"] = "backup: pg_basebackup -Ft --compress=server-zstd:level=3,workers=2 -X none (zstd runs in the server: its CPU is in the server column)"
    name["cat"] = "limit: cat of the data files > /dev/null"
    name["tar_zstd"] = "limit: tar cf - \\| zstd -3 -T2 \\| wc -c"
    name["jvm_start"] = "reference: dr4j CLI start-up alone (dr --version)"
    name["dr_restore"] = "restore: dr4j --target immediate"
    name["dr_embedded_restore"] = "restore: dr4j library call in a running JVM (embedded; the last of '"$EMBEDDED_CALLS"' calls in one process, its CPU)"
    name["pgbr_restore"] = "restore: pgBackRest --type=immediate"
    for (k in t) { mt[k] = median(t[k]); mu[k] = median(u[k]); mb[k] = median(b[k]); ms[k] = median(sv[k]) }
    print "| run | median s | MB/s (data dir w/o pg_wal) | median client CPU s | median server CPU s ¹ | output MB | time ratio dr4j ÷ this (>1: dr4j slower) |"
    print "|---|---:|---:|---:|---:|---:|---:|"
    for (i = 1; i <= n; i++) {
      k = order[i]
      if (!(k in t)) continue
      ref = (k ~ /restore/) ? mt["dr_restore"] : mt["dr_backup"]
      printf "| %s | %.2f | %s | %.2f | %s | %s | %s |\n", name[k], mt[k],
        (k == "jvm_start" ? "–" : sprintf("%.0f", data / 1048576 / mt[k])), mu[k],
        (k ~ /backup/ ? sprintf("%.2f", ms[k]) : "–"),
        (mb[k] > 0 ? sprintf("%.1f", mb[k] / 1048576) : "–"), (k == "jvm_start" ? "–" : sprintf("%.2f", ref / mt[k]))
    }
    print ""
    print "¹ CPU of the server processes each run started and that ended with it (pg_basebackup'"'"'s walsender: reading," \
      " checksum-verifying and, with server-zstd, compressing the files; the connection dr4j and pgBackRest open for" \
      " pg_backup_start/stop), from the postmaster'"'"'s cutime + cstime. Neither column has the backup checkpoint (the" \
      " checkpointer) nor the WAL archiving (pgBackRest'"'"'s archive-push under the archiver)."
  }' "$RESULTS" | tee -a "$BENCH_DIR/summary.md"
echo
echo "raw results: $RESULTS"
echo "machine: nproc $(nproc), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(uname -sr), $(java -version 2>&1 | head -1)," \
  "PostgreSQL $("$PGBIN/postgres" -V | awk '{print $3}'), $(pgbackrest version), zstd $(zstd -V | grep -o 'v[0-9.]*'), dataset $DATASET_DESC," \
  "load $(cut -d' ' -f1-3 /proc/loadavg)${JDK25:+, JDK 25: $("$JDK25/bin/java" -version 2>&1 | head -1)}"
