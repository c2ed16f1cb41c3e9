#!/usr/bin/env bash
# WAL streaming lag of dr4j's archiver (WalArchiver, file repository) under `pgbench -c 4 -T 60`: every 100 ms,
# (pg_current_wal_lsn() - the end of the WAL stored in the repository) in bytes, and the age of the oldest WAL not
# yet in the repository in seconds; p50/p99/max per round, medians over the rounds.
#
# Usage (as root, from the repository root):  bench/wal-lag.sh [SCALE] [ROUNDS] [SECONDS] [PARTIAL_INTERVAL_MS]
#   defaults: 50 3 60 500 (500 ms: WalArchiver's default partialInterval).  Needs PostgreSQL 15 in /usr/lib/postgresql/15/bin, java 17+, and the CLI built with
#   ./mvnw -B -q -pl dr-cli -am package -DskipTests (the harness bench/java/WalLag.java runs on its class path).
# All state under $BENCH_DIR (default /tmp/dr4j-bench-wal), removed first; the cluster stops on exit.
set -euo pipefail
SCALE=${1:-50}
ROUNDS=${2:-3}
SECONDS_PER_ROUND=${3:-60}
PARTIAL_MS=${4:-500}
BENCH_DIR=${BENCH_DIR:-/tmp/dr4j-bench-wal}
REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
CP="$REPO_ROOT/dr-cli/target/dr.jar:$REPO_ROOT/dr-cli/target/lib/*"
[ -f "$REPO_ROOT/dr-cli/target/dr.jar" ] || { echo "build the CLI first: ./mvnw -B -q -pl dr-cli -am package -DskipTests" >&2; exit 2; }
source "$REPO_ROOT/bench/lib/cluster.sh"

rm -rf "$BENCH_DIR"
bench_cluster_init "$BENCH_DIR" "max_replication_slots = 4" "wal_compression = off"
echo "cluster: PostgreSQL $("$PGBIN/postgres" -V | awk '{print $3}') on 127.0.0.1:$PGPORT, pgbench scale $SCALE"
"$PGBIN/pgbench" -i -q -s "$SCALE" postgres >/dev/null 2>&1
"$PGBIN/psql" -qXc "CHECKPOINT" >/dev/null

# Variants compared in alternation, "name=classpath-prefix" (the prefix goes before the CLI's jars, e.g. the classes
# of another WalArchiver build): VARIANTS="before=/tmp/old-classes after=" ; default: the CLI as built.
read -r -a VARIANTS <<< "${VARIANTS:-dr4j=}"
RESULTS=$BENCH_DIR/results.tsv
printf 'round\tvariant\tp50_bytes\tp99_bytes\tmax_bytes\tp50_s\tp99_s\tmax_s\tsamples\tpartials\tsegments\ttps\n' > "$RESULTS"
rotate() { local k=$1; shift; local a=("$@") n=$#; for ((i = 0; i < n; i++)); do echo "${a[$(((i + k) % n))]}"; done; }
for ((r = 1; r <= ROUNDS; r++)); do
  for v in $(rotate "$r" "${VARIANTS[@]}"); do
    name=${v%%=*}; prefix=${v#*=}
    rm -rf "$BENCH_DIR/repo" "$BENCH_DIR/spool"
    "$PGBIN/psql" -qXAtc "SELECT pg_drop_replication_slot('dr4j_bench') FROM pg_replication_slots WHERE slot_name = 'dr4j_bench'" >/dev/null
    "$PGBIN/psql" -qXc "CHECKPOINT" >/dev/null
    out=$(java -Xmx256m -Ddr.log.level=${DR_LOG_LEVEL:-WARN} -cp "${prefix:+$prefix:}$CP" "$REPO_ROOT/bench/java/WalLag.java" \
      "$PGPORT" "$BENCH_DIR/repo" "$BENCH_DIR/spool" "$PARTIAL_MS" "$BENCH_DIR/samples-$r-$name.tsv" \
      "$PGBIN/pgbench" -h 127.0.0.1 -p "$PGPORT" -U postgres -c 4 -T "$SECONDS_PER_ROUND" postgres | tail -1)
    tps=$(grep -o 'tps = [0-9.]*' "$BENCH_DIR/load.log" | tail -1 | awk '{print $3}')
    read -r b50 b99 bmax s50 s99 smax n parts segs <<< "$out"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$name" "$b50" "$b99" "$bmax" "$s50" "$s99" "$smax" \
      "$n" "$parts" "$segs" "$tps" >> "$RESULTS"
    echo "round $r $name: lag p50 $b50 B / $s50 s, p99 $b99 B / $s99 s, max $bmax B / $smax s; $n samples, $parts partials, $segs segments, pgbench $tps tps"
  done
done

echo
{
  echo "| archiver | partial interval | lag p50 | lag p99 | lag max | lag p50 | lag p99 | partial uploads | segments | pgbench tps |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for v in "${VARIANTS[@]}"; do
    name=${v%%=*}
    awk -F'\t' -v n="$name" 'NR == 1 || $2 == n' "$RESULTS" > "$BENCH_DIR/sel.tsv"
    printf '| %s | %s ms | %.2f s | %.2f s | %.2f s | %.0f kB | %.0f kB | %s | %s | %.0f |\n' "$name" "$PARTIAL_MS" \
      "$(median "$BENCH_DIR/sel.tsv" 6)" "$(median "$BENCH_DIR/sel.tsv" 7)" "$(median "$BENCH_DIR/sel.tsv" 8)" \
      "$(echo "$(median "$BENCH_DIR/sel.tsv" 3) / 1024" | bc -l)" "$(echo "$(median "$BENCH_DIR/sel.tsv" 4) / 1024" | bc -l)" \
      "$(median "$BENCH_DIR/sel.tsv" 10)" "$(median "$BENCH_DIR/sel.tsv" 11)" "$(median "$BENCH_DIR/sel.tsv" 12)"
  done
} | tee "$BENCH_DIR/summary.md"
echo "(medians of $ROUNDS rounds of pgbench -c 4 -T $SECONDS_PER_ROUND, scale $SCALE; raw: $RESULTS, samples-ROUND-VARIANT.tsv)"
echo "machine: nproc $(nproc), $(uname -sr), $(java -version 2>&1 | head -1), PostgreSQL $("$PGBIN/postgres" -V | awk '{print $3}'), load $(cut -d' ' -f1-3 /proc/loadavg)"
