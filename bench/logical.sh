#!/usr/bin/env bash
# Logical backup benchmark: dr4j logical backups (pg_dump directory/custom/plain formats through the repository
# codec) vs `pg_dump | gzip` (the DR plan's seed script) vs `pg_dump -Fc`, on a pgbench database and on a
# "realistic" database (bench/lib/realistic-db.sh: random numbers, md5 text, timestamps; compresses ~2.5-3x).
# Contenders alternate (the order rotates every round); medians and ratios are printed as Markdown tables.
#
# Usage (as root, from the repository root):  bench/logical.sh [PGBENCH_SCALE] [REALISTIC_MB] [ROUNDS]
#   defaults: 50 500 3 (about 25 minutes on 2 cores shared with other builds).  Needs PostgreSQL 15 in /usr/lib/postgresql/15/bin,
#   java 17+, gzip, and the CLI built with  ./mvnw -B -q -pl dr-cli -am package -DskipTests
# All state under $BENCH_DIR (default /tmp/dr4j-bench-logical), removed first; the cluster stops on exit.
set -euo pipefail

SCALE=${1:-50}
REAL_MB=${2:-500}
ROUNDS=${3:-3}
PARALLEL=${PARALLEL:-2}
BENCH_DIR=${BENCH_DIR:-/tmp/dr4j-bench-logical}
REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=$REPO_ROOT/dr-cli/target/dr.jar
RESULTS=$BENCH_DIR/results.tsv
[ -f "$JAR" ] || { echo "build the CLI first: ./mvnw -B -q -pl dr-cli -am package -DskipTests" >&2; exit 2; }
source "$REPO_ROOT/bench/lib/cluster.sh"
source "$REPO_ROOT/bench/lib/realistic-db.sh"

rm -rf "$BENCH_DIR"
bench_cluster_init "$BENCH_DIR"
OUT=$BENCH_DIR/out
mkdir -p "$OUT"
echo "cluster: PostgreSQL $("$PGBIN/postgres" -V | awk '{print $3}') on 127.0.0.1:$PGPORT"
"$PGBIN/createdb" pgbench
"$PGBIN/pgbench" -i -q -s "$SCALE" pgbench >/dev/null 2>&1
realistic_db "$REAL_MB" realistic
"$PGBIN/psql" -qXc "VACUUM ANALYZE" -d pgbench -c "CHECKPOINT" >/dev/null
DBS=(pgbench realistic)
declare -A DBSIZE
for db in "${DBS[@]}"; do
  DBSIZE[$db]=$("$PGBIN/psql" -qXAt -c "SELECT pg_database_size('$db')")
  echo "database $db: ${DBSIZE[$db]} bytes"
done
sync

timed() {  # timed CMD...: prints "<wall> <cpu user+sys of CMD and its children>"
  /usr/bin/time -f '%e %U %S' -o "$BENCH_DIR/time.out" "$@" >/dev/null
  awk '{ printf "%s %.2f", $1, $2 + $3 }' "$BENCH_DIR/time.out"
}
# Each contender: run_X DB, prints "<wall> <cpu> <bytes stored>". pg_dump runs in the script's process tree, so
# its CPU is counted for every contender; the server backends' CPU is not.
dr_logical() {  # FORMAT DB
  rm -rf "$OUT/dr-repo"
  local t; t=$(timed env DR_REPOSITORY="$OUT/dr-repo" java -jar "$JAR" backup -q --type logical --format "$1" \
    --parallel "$PARALLEL" -d "$2")
  echo "$t $(du -sb "$OUT/dr-repo/backups" | cut -f1)"
}
run_dr_directory() { dr_logical directory "$1"; }
run_dr_custom() { dr_logical custom "$1"; }
run_dr_plain() { dr_logical plain "$1"; }
run_dump_gzip() {
  local t; t=$(timed bash -c '"$1/pg_dump" -d "$2" | gzip > "$3"' _ "$PGBIN" "$1" "$OUT/dump.sql.gz")
  echo "$t $(stat -c %s "$OUT/dump.sql.gz")"; rm -f "$OUT/dump.sql.gz"
}
run_dump_fc() {
  local t; t=$(timed "$PGBIN/pg_dump" -Fc -d "$1" -f "$OUT/dump.custom")
  echo "$t $(stat -c %s "$OUT/dump.custom")"; rm -f "$OUT/dump.custom"
}
run_dump_raw() {  # reference: pg_dump alone, uncompressed, to /dev/null (the floor for every row)
  echo "$(timed "$PGBIN/pg_dump" -d "$1" -f /dev/null) 0"
}
run_jvm_start() { echo "$(timed java -jar "$JAR" --version) 0"; }

CONTENDERS=(dr_directory dr_custom dr_plain dump_gzip dump_fc dump_raw jvm_start)
rotate() { local k=$1; shift; local a=("$@") n=$#; for ((i = 0; i < n; i++)); do echo "${a[$(((i + k) % n))]}"; done; }

printf 'round\tdb\tcontender\tseconds\tcpu_seconds\tbytes\n' > "$RESULTS"
for ((r = 1; r <= ROUNDS; r++)); do
  for db in "${DBS[@]}"; do
    for c in $(rotate "$r" "${CONTENDERS[@]}"); do
      out=$("run_$c" "$db")
      read -r wall cpu bytes <<< "$out"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$db" "$c" "$wall" "$cpu" "$bytes" >> "$RESULTS"
      echo "round $r  $db  $c  $wall s  cpu $cpu s  $bytes bytes"
    done
  done
done

echo
for db in "${DBS[@]}"; do
  echo "### $db (pg_database_size ${DBSIZE[$db]} bytes)"
  echo
  awk -F'\t' -v db="$db" -v size="${DBSIZE[$db]}" '
    NR > 1 && $2 == db { t[$3] = t[$3] " " $4; u[$3] = u[$3] " " $5; b[$3] = b[$3] " " $6 }
    function median(s,   a, n, i, j, x) {
      n = split(s, a, " ")
      for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > x + 0; j--) a[j + 1] = a[j]; a[j + 1] = x }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END {
      split("dr_directory dr_custom dr_plain dump_gzip dump_fc dump_raw jvm_start", order, " ")
      name["dr_directory"] = "dr4j logical, directory (pg_dump -Fd -j 2 -Z0, zstd 3 per file)"
      name["dr_custom"] = "dr4j logical, custom (pg_dump -Fc -Z0 streamed, zstd 3)"
      name["dr_plain"] = "dr4j logical, plain (.sql.gz, gzip in the JVM)"
      name["dump_gzip"] = "pg_dump \\| gzip (the seed script)"
      name["dump_fc"] = "pg_dump -Fc (its default gzip level)"
      name["dump_raw"] = "reference: pg_dump > /dev/null (no compression)"
      name["jvm_start"] = "reference: dr --version (JVM start-up)"
      for (k in t) { mt[k] = median(t[k]); mu[k] = median(u[k]); mb[k] = median(b[k]) }
      print "| run | median s | median CPU s | stored MB | speed-up vs pg_dump \\| gzip | size ÷ pg_dump \\| gzip |"
      print "|---|---:|---:|---:|---:|---:|"
      for (i = 1; i <= 7; i++) {
        k = order[i]
        if (!(k in mt)) continue
        printf "| %s | %.2f | %.2f | %s | %s | %s |\n", name[k], mt[k], mu[k],
          (mb[k] > 0 ? sprintf("%.1f", mb[k] / 1048576) : "–"),
          (k == "jvm_start" ? "–" : sprintf("%.2f×", mt["dump_gzip"] / mt[k])),
          (mb[k] > 0 ? sprintf("%.2f", mb[k] / mb["dump_gzip"]) : "–")
      }
    }' "$RESULTS"
  echo
done | tee "$BENCH_DIR/summary.md"
echo "raw results: $RESULTS"
echo "machine: nproc $(nproc), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(uname -sr), $(java -version 2>&1 | head -1)," \
  "PostgreSQL $("$PGBIN/postgres" -V | awk '{print $3}'), gzip $(gzip -V | head -1 | awk '{print $2}'), load $(cut -d' ' -f1-3 /proc/loadavg)"
