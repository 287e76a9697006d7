#!/usr/bin/env bash
# Times `zonesim calibrate` with 10^4 ABC proposals on the Qingyuan seed scenario (docs/performance.md,
# issue 18 goal: < 2 min on 2 cores). PROPOSALS=N times a smaller run (the time scales linearly).
#   benchmarks/calibration/run.sh [path/to/zonesim]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-build-bench/sim/zonesim}
n=${PROPOSALS:-10000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
/usr/bin/time -f "wall_s=%e user_s=%U sys_s=%S max_rss_KiB=%M" -o "$out/time" \
  "$bin" calibrate benchmarks/calibration/qingyuan-calibration.yaml --proposals "$n" -q -t 0 -o "$out/post.h5" | tail -3
echo "calibration, $n proposals x 1 replication (Qingyuan 2020-2025, $(nproc) cores): $(cat "$out/time")"
