#!/usr/bin/env bash
# Point-in-time recovery benchmark: dr4j vs pgBackRest. One local PostgreSQL 15 cluster with a pgbench database whose
# WAL both tools archive (one archive_command pushes each segment with pgbackrest archive-push, then dr wal-push); a
# full backup by each tool; then pgbench for DURATION seconds at a fixed rate, with a target time taken half-way.
# Timed, per round and alternating: restore to the target time + start the server + wait until recovery has reached
# the target, the server has promoted and accepts connections:
#   dr4j:       dr restore --to DIR --target-time T --start   (dr starts the server and returns once recovery ended)
#   pgBackRest: pgbackrest restore --type=time --target=T --target-action=promote; pg_ctl start; wait for promotion
#   dr4j embedded: the same restore as a library call in a JVM that has made it before (bench/java/EmbeddedRestore.java
#               with a target time: the last of EMBEDDED_CALLS calls, default 3, in one process; its rows counted
#               and its server stopped outside the timing)
# then one query on each restored server (pgbench_history's row count: both must stop at the same transaction).
#
# Usage (as root, from the repository root):  bench/pitr.sh [SCALE] [ROUNDS] [DURATION] [RATE]
#   defaults: SCALE=50 ROUNDS=3 DURATION=30 (s of pgbench) RATE=400 (transactions/s, pgbench -R; fixed so that the
#   WAL to replay is about the same on every machine); about 2-3 minutes on 2 cores.
#   Needs what bench/physical.sh needs. State under $BENCH_DIR (default /tmp/dr4j-bench-pitr), removed first.
set -euo pipefail

SCALE=${1:-50}
ROUNDS=${2:-3}
DURATION=${3:-30}
RATE=${4:-400}
PARALLEL=2
BENCH_DIR=${BENCH_DIR:-/tmp/dr4j-bench-pitr}
REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=$REPO_ROOT/dr-cli/target/dr.jar
DR=$REPO_ROOT/dr
# built before the run (checked below): no source-freshness check (a find over the checkout) in any dr call
export DR_BUILD_CHECK=off
RESULTS=$BENCH_DIR/results.tsv
[ -f "$JAR" ] || { echo "build the CLI first: ./mvnw -B -q -pl dr-cli -am package -DskipTests" >&2; exit 2; }
command -v pgbackrest >/dev/null || { echo "apt-get install -y pgbackrest" >&2; exit 2; }
source "$REPO_ROOT/bench/lib/cluster.sh"
source "$REPO_ROOT/bench/lib/settle.sh"

rm -rf "$BENCH_DIR"
mkdir -p "$BENCH_DIR"
chown postgres:postgres "$BENCH_DIR"
as_pg mkdir -p "$BENCH_DIR/pgbr-repo" "$BENCH_DIR/pgbr-log" "$BENCH_DIR/pgbr-lock" "$BENCH_DIR/dr-repo"
SRC=$BENCH_DIR/data
PGBR_CONF=$BENCH_DIR/pgbackrest.conf
PGBR=(pgbackrest --config="$PGBR_CONF" --stanza=bench)

# The archive_command (its name must contain "pgbackrest", pgBackRest checks): both tools, in one command (the segment counts as archived once both have it). A restored
# copy of the cluster (started by the timed runs) has the same archive_command: it must not push its new timeline
# into the repositories the next rounds restore from, so the script only archives from the source data directory.
cat > "$BENCH_DIR/archive-pgbackrest-and-dr.sh" <<EOF
#!/bin/sh
[ "\$(pwd -P)" = "$SRC" ] || exit 0
pgbackrest --config=$PGBR_CONF --stanza=bench archive-push "\$1" || exit 1
exec env DR_REPOSITORY=$BENCH_DIR/dr-repo DR_CDS=off DR_BUILD_CHECK=off $DR wal-push -q "\$1"
EOF
chmod 755 "$BENCH_DIR/archive-pgbackrest-and-dr.sh"
bench_cluster_init "$BENCH_DIR"
cat > "$PGBR_CONF" <<EOF
[global]
repo1-path=$BENCH_DIR/pgbr-repo
compress-type=zst
compress-level=3
process-max=$PARALLEL
log-path=$BENCH_DIR/pgbr-log
lock-path=$BENCH_DIR/pgbr-lock
log-level-console=warn
start-fast=y
repo1-retention-full=9

[bench]
pg1-path=$SRC
pg1-port=$PGPORT
pg1-socket-path=$BENCH_DIR
EOF
chown postgres:postgres "$PGBR_CONF"
echo "cluster: PostgreSQL $("$PGBIN/postgres" -V | awk '{print $3}') on 127.0.0.1:$PGPORT, pgbench scale $SCALE"
"$PGBIN/pgbench" -i -q -s "$SCALE" postgres >/dev/null 2>&1
"$PGBIN/psql" -qXAtc "CHECKPOINT" >/dev/null
as_pg "${PGBR[@]}" stanza-create >/dev/null
# archiving from here on (the WAL of the initial load is nobody's business): needs a restart
"$PGBIN/psql" -qXAtc "ALTER SYSTEM SET archive_mode = on" -c "ALTER SYSTEM SET archive_command = '$BENCH_DIR/archive-pgbackrest-and-dr.sh %p'"
as_pg "$PGBIN/pg_ctl" -D "$SRC" -l "$BENCH_DIR/postgres.log" -w restart >/dev/null

# dr runs as postgres where it shares the repository with the archive_command (files it creates stay writable by it).
echo "backups (untimed) ..."
as_pg env DR_REPOSITORY="$BENCH_DIR/dr-repo" DR_CDS=off "$DR" backup -q --pgdata "$SRC" --parallel "$PARALLEL" >/dev/null \
  || { echo "dr backup failed" >&2; exit 1; }
as_pg "${PGBR[@]}" --type=full backup >/dev/null || { echo "pgbackrest backup failed" >&2; exit 1; }

echo "pgbench -c 4 -R $RATE -T $DURATION, target time half-way ..."
"$PGBIN/pgbench" -n -c 4 -j 2 -R "$RATE" -T "$DURATION" postgres > "$BENCH_DIR/pgbench.out" 2>&1 &
PGB=$!
sleep $((DURATION / 2))
TARGET=$("$PGBIN/psql" -XAtc "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
# about the rows a restore to the target has (pgbench's mtime is the transaction's start, the target applies to commits)
TARGET_PGBR=$(echo "$TARGET" | sed 's/T/ /; s/Z$/+00/')  # pgBackRest wants "YYYY-MM-DD HH:MM:SS.uuuuuu+00"
EXPECTED=$("$PGBIN/psql" -XAtc "SELECT count(*) FROM pgbench_history WHERE mtime <= (TIMESTAMPTZ '$TARGET')::timestamp")
wait $PGB
# everything up to the end of pgbench into both archives
LAST=$("$PGBIN/psql" -XAtc "SELECT pg_walfile_name(pg_switch_wal())")
for _ in $(seq 1 600); do
  [ "$("$PGBIN/psql" -XAtc "SELECT coalesce(last_archived_wal, '') >= '$LAST' FROM pg_stat_archiver")" = t ] && break
  sleep 0.5
done
WAL_MB=$(du -sm "$SRC/pg_wal" | cut -f1)
echo "target $TARGET; $(grep -o 'number of transactions actually processed: [0-9]*' "$BENCH_DIR/pgbench.out" | awk '{print $NF}') transactions;" \
  "pgbench_history rows started before the target: $EXPECTED; archived up to $LAST"

timed() {  # timed CMD...: runs CMD (stdout discarded), prints "<wall> <client CPU>"; a failure ends the script
  /usr/bin/time -f '%e %U %S' -o "$BENCH_DIR/time.out" "$@" >/dev/null || { echo "failed: $*" >&2; kill $$; exit 1; }
  awk '{ printf "%s %.2f", $1, $2 + $3 }' "$BENCH_DIR/time.out"
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rows() { "$PGBIN/psql" -XAt -h 127.0.0.1 -p "$1" -c 'SELECT count(*) FROM pgbench_history'; }
stop() { as_pg "$PGBIN/pg_ctl" -D "$1" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$1"; }
trap 'stop "$BENCH_DIR/dr-pitr"; stop "$BENCH_DIR/pgbr-pitr"; bench_cluster_stop' EXIT

run_dr_pitr() {
  local dir=$BENCH_DIR/dr-pitr port; port=$(free_port); rm -rf "$dir"; mkdir "$dir"; settle
  local t; t=$(timed bash -c '
    env DR_REPOSITORY="$1" "$2" restore --json --to "$3" --target-time "$4" --start --port "$5" --parallel "$6" \
      > "$8" && "$7" "$5"' _ \
    "$BENCH_DIR/dr-repo" "$DR" "$dir" "$TARGET" "$port" "$PARALLEL" wait_promoted_cmd "$BENCH_DIR/dr-pitr.json")
  # where dr's time went (the restore result's phases), one line per run
  python3 -c 'import json,re,sys; r=json.load(open(sys.argv[1]))
def s(v):
    m = re.fullmatch(r"PT(?:(\d+)M)?([\d.]+)S", str(v))
    return f"{int(m.group(1) or 0) * 60 + float(m.group(2)):.2f} s" if m else str(v)
print("dr4j phases: " + ", ".join(f"{k} {s(v)}" for k, v in r.get("phases", {}).items()))' \
    "$BENCH_DIR/dr-pitr.json" >> "$BENCH_DIR/phases.txt" 2>/dev/null || true
  echo "$t $(rows "$port")"
  stop "$dir"
}
run_pgbr_pitr() {
  local dir=$BENCH_DIR/pgbr-pitr port; port=$(free_port); as_pg rm -rf "$dir"; as_pg mkdir -m 700 "$dir"; settle
  local t; t=$(timed bash -c '
    t0=$(date +%s.%N)
    runuser -u postgres -- "${@:7}" --pg1-path="$1" --type=time --target="$2" --target-action=promote restore &&
    t1=$(date +%s.%N) &&
    runuser -u postgres -- "$3/pg_ctl" -D "$1" -l "$1/postgres.log" -o "-p $4 -c archive_mode=off" -w -t 600 start &&
    "$5" "$4" &&
    awk -v a="$t0" -v b="$t1" -v c="$(date +%s.%N)" "BEGIN { printf \"pgBackRest phases: restore %.2f s, start + recovery + promotion %.2f s\\n\", b - a, c - b }" >> "$6"' _ \
    "$dir" "$TARGET_PGBR" "$PGBIN" "$port" wait_promoted_cmd "$BENCH_DIR/phases.txt" "${PGBR[@]}")
  echo "$t $(rows "$port")"
  stop "$dir"
}
run_dr_embedded_pitr() {
  as_pg mkdir -p "$BENCH_DIR/dr-embedded"; settle
  java -Ddr.log.level=WARN -cp "$BENCH_DIR/classes:$JAR:$REPO_ROOT/dr-cli/target/lib/*" EmbeddedRestore \
    "$BENCH_DIR/dr-repo" "$BENCH_DIR/dr-embedded" "$EMBEDDED_CALLS" "$PARALLEL" "$TARGET" 2>/dev/null \
    || { echo "embedded PITR failed" >&2; kill $$; exit 1; }
}
EMBEDDED_CALLS=${EMBEDDED_CALLS:-3}
mkdir -p "$BENCH_DIR/classes"
javac -nowarn -d "$BENCH_DIR/classes" -cp "$JAR:$REPO_ROOT/dr-cli/target/lib/*" "$REPO_ROOT/bench/java/EmbeddedRestore.java"
# wait_promoted as a command the timed shells can call
cat > "$BENCH_DIR/wait_promoted_cmd" <<EOF
#!/usr/bin/env bash
for _ in \$(seq 1 6000); do
  [ "\$($PGBIN/psql -XAt -h 127.0.0.1 -p "\$1" -c 'SELECT NOT pg_is_in_recovery()' 2>/dev/null)" = t ] && exit 0
  sleep 0.02
done
echo "the server on port \$1 did not leave recovery" >&2; exit 1
EOF
chmod 755 "$BENCH_DIR/wait_promoted_cmd"
export PATH=$BENCH_DIR:$PATH

# untimed warm-up: the dr restore command's class-data-sharing archive (as on any machine after dr's first use)
run_dr_pitr >/dev/null; rm -f "$BENCH_DIR/phases.txt"  # the warm-up run's phases are not reported

printf 'round\tcontender\tseconds\tcpu_seconds\trows\n' > "$RESULTS"
for ((r = 1; r <= ROUNDS; r++)); do
  case $((r % 3)) in  # the order rotates every round
    1) order=(dr_pitr pgbr_pitr dr_embedded_pitr) ;;
    2) order=(pgbr_pitr dr_embedded_pitr dr_pitr) ;;
    0) order=(dr_embedded_pitr dr_pitr pgbr_pitr) ;;
  esac
  for c in "${order[@]}"; do
    read -r wall cpu rows <<< "$("run_$c")"
    printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$c" "$wall" "$cpu" "$rows" >> "$RESULTS"
    echo "round $r  $c  $wall s  cpu $cpu s  pgbench_history rows $rows"
  done
done

echo
awk -F'\t' '
  NR > 1 { t[$2] = t[$2] " " $3; u[$2] = u[$2] " " $4; rows[$2] = rows[$2] (rows[$2] == "" ? "" : ", ") $5
           if (first == "") first = $5; if ($5 != first) differ = 1 }
  function median(s,   a, n, i, j, x) {
    n = split(s, a, " ")
    for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > x + 0; j--) a[j + 1] = a[j]; a[j + 1] = x }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function range(s,   a, n, i, lo, hi) { n = split(s, a, " "); lo = a[1]; hi = a[1]
    for (i = 2; i <= n; i++) { if (a[i] + 0 < lo + 0) lo = a[i]; if (a[i] + 0 > hi + 0) hi = a[i] }; return lo "–" hi }
  END {
    name["dr_pitr"] = "PITR: dr4j restore --target-time --start"
    name["pgbr_pitr"] = "PITR: pgBackRest restore --type=time + pg_ctl start"
    name["dr_embedded_pitr"] = "PITR: dr4j library call in a running JVM (embedded; the last of '"$EMBEDDED_CALLS"' calls in one process, its CPU)"
    print "| run | median s (range) | median client CPU s | time ratio dr4j ÷ this (>1: dr4j slower) | pgbench_history rows after recovery |"
    print "|---|---:|---:|---:|---|"
    split("dr_pitr dr_embedded_pitr pgbr_pitr", order, " ")
    for (i = 1; i <= 3; i++) { k = order[i]
      printf "| %s | %.2f (%s) | %.2f | %.2f | %s |\n", name[k], median(t[k]), range(t[k]), median(u[k]),
        median(t["dr_pitr"]) / median(t[k]), rows[k] }
    if (differ) print "\n**The restores did not all stop at the same transaction.**"
  }' "$RESULTS" | tee "$BENCH_DIR/summary.md"
echo
echo "phases per run ($BENCH_DIR/phases.txt):"; sed "s/^/  /" "$BENCH_DIR/phases.txt" 2>/dev/null || true
echo "raw results: $RESULTS; WAL written during the run: ~$WAL_MB MB in pg_wal"
echo "machine: nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1), $(pgbackrest version), scale $SCALE"
