#!/usr/bin/env bash
# JMH benchmarks of the codec layer (module dr-bench): encode and verifying decode of 16 MiB per operation with
# zstd 1/3, lz4, gzip 6 and no compression, with and without Tink streaming AEAD (AES256_GCM_HKDF_1MB), on
# pgbench-like and realistic page data; SHA-256 alone for reference. One thread; prints MB/s and ratios.
#
# Usage (from the repository root):  bench/jmh.sh [more JMH options, e.g. -p data=realistic -p codec=zstd-3,lz4]
#   JMH_OPTS (default "-wi 2 -w 1s -i 3 -r 1s -f 1": 2 warm-up and 3 measured iterations of 1 s, one fork; about
#   5 minutes for the 42 combinations) sets the iterations.
#   Builds dr-bench if needed:  ./mvnw -B -q -pl dr-bench -am package -DskipTests
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${BENCH_DIR:-/tmp/dr4j-bench-jmh}
mkdir -p "$OUT"
if [ ! -d "$REPO_ROOT/dr-bench/target/lib" ]; then
  (cd "$REPO_ROOT" && ./mvnw -B -q -pl dr-bench -am package -DskipTests)
fi
CP=${BENCH_CP:-"$REPO_ROOT/dr-bench/target/classes:$REPO_ROOT/dr-bench/target/lib/*"}
java -cp "$CP" io.dr4j.bench.Ratios > "$OUT/ratios.tsv"
read -r -a OPTS <<< "${JMH_OPTS:--wi 2 -w 1s -i 3 -r 1s -f 1}"
java -cp "$CP" org.openjdk.jmh.Main 'io.dr4j.bench.CodecBenchmark' "${OPTS[@]}" -rf json -rff "$OUT/jmh.json" "$@" | tee "$OUT/jmh.log" | grep -E '^(Benchmark|CodecBenchmark)' || true
python3 - "$OUT/jmh.json" "$OUT/ratios.tsv" <<'PY' | tee "$OUT/summary.md"
import json, sys
runs = json.load(open(sys.argv[1]))
ratio = {}
for line in open(sys.argv[2]).read().splitlines()[1:]:
    d, c, e, r = line.split("\t")
    ratio[(d, c, e == "true")] = float(r)
MB = 16  # MiB per operation
res = {}
sha = {}
for r in runs:
    p = r.get("params", {})
    name = r["benchmark"].rsplit(".", 1)[1]
    def num(x):
        try:
            return float(x)
        except (TypeError, ValueError):
            return float("nan")
    score, err = num(r["primaryMetric"]["score"]) * MB, num(r["primaryMetric"]["scoreError"]) * MB
    if name == "sha256":
        sha[p["data"]] = (score, err)
    else:
        res[(p["data"], p["codec"], p["encrypted"] == "true", name)] = (score, err)
for data in ("realistic", "pgbench"):
    print(f"\n**{data} data** (MB/s on one thread, ± JMH 99.9 % error; SHA-256 alone: "
          f"{sha.get(data, (0, 0))[0]:.0f} MB/s)\n")
    print("| codec | ratio | encode | encode + AEAD | decode | decode + AEAD |")
    print("|---|---:|---:|---:|---:|---:|")
    for c in ("zstd-1", "zstd-3", "lz4", "gzip-6", "none"):
        cells = []
        for op in ("encode", "decode"):
            for enc in (False, True):
                s = res.get((data, c, enc, op))
                cells.append(("–" if not s else f"{s[0]:.0f}" + ("" if s[1] != s[1] else f" ± {s[1]:.0f}")))
        print(f"| {c} | {ratio.get((data, c, False), 0):.2f} | " + " | ".join(cells) + " |")
PY
echo "raw: $OUT/jmh.json; machine: nproc $(nproc), $(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
