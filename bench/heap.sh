#!/usr/bin/env bash
# Heap peak of the dr CLI's physical backup and restore (direct mode, parallel 2) with -Xmx256m, at several pgbench
# scales: it must stay under 256 MB and must not grow with the database. Peak = the largest heap occupancy G1 saw
# (heap used before each collection and at exit, from -Xlog:gc*), per run; medians over the rounds.
#
# Usage (as root, from the repository root):  bench/heap.sh [ROUNDS] [SCALES...]
#   defaults: 3 rounds, scales 100 300 (scale 300 is ~4.5 GB of data and needs ~10 GB free under $BENCH_DIR).
#   Needs PostgreSQL 15 in /usr/lib/postgresql/15/bin, java 17+, the CLI built with
#   ./mvnw -B -q -pl dr-cli -am package -DskipTests.  State under $BENCH_DIR (default /tmp/dr4j-bench-heap).
set -euo pipefail
ROUNDS=${1:-3}
shift || true
SCALES=("$@")
[ ${#SCALES[@]} -gt 0 ] || SCALES=(100 300)
XMX=${XMX:-256m}
BENCH_DIR=${BENCH_DIR:-/tmp/dr4j-bench-heap}
REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=$REPO_ROOT/dr-cli/target/dr.jar
[ -f "$JAR" ] || { echo "build the CLI first: ./mvnw -B -q -pl dr-cli -am package -DskipTests" >&2; exit 2; }
source "$REPO_ROOT/bench/lib/cluster.sh"

rm -rf "$BENCH_DIR"
bench_cluster_init "$BENCH_DIR"
echo "cluster: PostgreSQL $("$PGBIN/postgres" -V | awk '{print $3}') on 127.0.0.1:$PGPORT; dr with -Xmx$XMX"

# From a -Xlog:gc*,gc+heap+exit log, in MB: "<peak> <live>": peak = the largest heap occupancy seen (before each
# collection, "A->B(size)", and at exit); live = the largest occupancy right after a collection (what survived).
heap_mb() {
  awk '
    function mb(s,   u, v) { u = substr(s, length(s), 1); v = substr(s, 1, length(s) - 1) + 0
      return u == "K" ? v / 1024 : (u == "G" ? v * 1024 : v) }
    /\[gc *\] GC\(/ && match($0, /[0-9]+[KMG]->[0-9]+[KMG]\(/) {
      split(substr($0, RSTART, RLENGTH - 1), p, "->")
      if (mb(p[1]) > peak) peak = mb(p[1]); if (mb(p[2]) > live) live = mb(p[2]) }
    /garbage-first heap/ && match($0, /used [0-9]+K/) { v = substr($0, RSTART + 5, RLENGTH - 6) / 1024; if (v > peak) peak = v }
    END { printf "%.0f %.0f", peak, live }' "$1"
}
run() {  # run NAME LOG CMD...: prints "<wall s> <max RSS MB> <peak heap MB> <live heap MB> <GC pauses>"
  local name=$1 log=$2; shift 2
  /usr/bin/time -f '%e %M' -o "$BENCH_DIR/time.out" java "-Xmx$XMX" "-Xlog:gc*,gc+heap+exit:file=$log" -jar "$JAR" "$@" \
    > /dev/null 2> "$BENCH_DIR/$name.err" || { cat "$BENCH_DIR/$name.err" >&2; exit 1; }
  echo "$(awk '{ printf "%s %.0f", $1, $2 / 1024 }' "$BENCH_DIR/time.out") $(heap_mb "$log") $(grep -c '\[gc *\] GC(.*Pause' "$log" || true)"
}

RESULTS=$BENCH_DIR/results.tsv
printf 'scale\tround\top\tseconds\trss_mb\tpeak_heap_mb\tgc_pauses\tdata_bytes\tlive_heap_mb\n' > "$RESULTS"
for scale in "${SCALES[@]}"; do
  echo "pgbench -i -s $scale ..."
  "$PGBIN/pgbench" -i -q -s "$scale" postgres >/dev/null 2>&1
  "$PGBIN/psql" -qXc "CHECKPOINT" >/dev/null
  data=$(du -sb --exclude=pg_wal "$PGDATA" | cut -f1)
  for ((r = 1; r <= ROUNDS; r++)); do
    rm -rf "$BENCH_DIR/repo" "$BENCH_DIR/restore"; mkdir "$BENCH_DIR/restore"
    read -r s rss heap live gcs <<< "$(DR_REPOSITORY=$BENCH_DIR/repo run backup "$BENCH_DIR/gc-backup-$scale-$r.log" backup -q \
      --pgdata "$PGDATA" --parallel 2)"
    printf '%s\t%s\tbackup\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scale" "$r" "$s" "$rss" "$heap" "$gcs" "$data" "$live" >> "$RESULTS"
    echo "scale $scale round $r backup:  $s s, RSS $rss MB, heap peak $heap MB, live after GC $live MB, $gcs GC pauses"
    read -r s rss heap live gcs <<< "$(DR_REPOSITORY=$BENCH_DIR/repo run restore "$BENCH_DIR/gc-restore-$scale-$r.log" restore -q \
      --to "$BENCH_DIR/restore" --target immediate --parallel 2)"
    printf '%s\t%s\trestore\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scale" "$r" "$s" "$rss" "$heap" "$gcs" "$data" "$live" >> "$RESULTS"
    echo "scale $scale round $r restore: $s s, RSS $rss MB, heap peak $heap MB, live after GC $live MB, $gcs GC pauses"
  done
  rm -rf "$BENCH_DIR/repo" "$BENCH_DIR/restore"
done

echo
{
  echo "| scale | data dir w/o pg_wal | operation | median s | heap peak MB (median) | heap peak MB (max) | live after GC MB (max) | RSS MB (median) | GC pauses |"
  echo "|---:|---:|---|---:|---:|---:|---:|---:|---:|"
  for scale in "${SCALES[@]}"; do
    for op in backup restore; do
      awk -F'\t' -v s="$scale" -v o="$op" 'NR == 1 || ($1 == s && $3 == o)' "$RESULTS" > "$BENCH_DIR/sel.tsv"
      printf '| %s | %.1f GB | %s | %s | %s | %s | %s | %s | %s |\n' "$scale" \
        "$(awk -F'\t' 'NR == 2 { print $8 / 1e9 }' "$BENCH_DIR/sel.tsv")" "$op" "$(median "$BENCH_DIR/sel.tsv" 4)" \
        "$(median "$BENCH_DIR/sel.tsv" 6)" "$(tail -n +2 "$BENCH_DIR/sel.tsv" | cut -f6 | sort -n | tail -1)" \
        "$(tail -n +2 "$BENCH_DIR/sel.tsv" | cut -f9 | sort -n | tail -1)" \
        "$(median "$BENCH_DIR/sel.tsv" 5)" "$(median "$BENCH_DIR/sel.tsv" 7)"
    done
  done
} | tee "$BENCH_DIR/summary.md"
echo "raw: $RESULTS and gc-*.log; machine: nproc $(nproc), $(uname -sr), $(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
