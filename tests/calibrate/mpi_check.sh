#!/bin/sh
# `zonesim calibrate` on one process (2 threads) and under mpirun with 2 ranks: every dataset,
# the accepted draws and the posterior included, is bit-identical.
# usage: mpi_check.sh ZONESIM MPIEXEC PYTHON SOURCE_DIR
set -eu
zonesim=$1 mpiexec=$2 python=$3 src=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cp "$src/tests/calibrate/synthetic/scenario.yaml" "$src/tests/calibrate/synthetic/calibration.yaml" "$tmp/"
# Observations of the synthetic case (any fixed values do: the check is the identity of outputs).
cat > "$tmp/observed.yaml" <<'YAML'
observed:
  firms: {indicator: firms, zone: z, source: synthetic, values: {2021: 170, 2022: 190, 2023: 210}}
YAML
"$zonesim" calibrate "$tmp/calibration.yaml" -q -t 2 -o "$tmp/local.h5" > "$tmp/local.txt"
"$mpiexec" -np 2 "$zonesim" calibrate "$tmp/calibration.yaml" -q -t 1 -o "$tmp/np2.h5" > "$tmp/np2.txt"
grep -q "2 ranks" "$tmp/np2.txt"
"$python" "$src/tests/sweep/compare_h5.py" "$tmp/local.h5" "$tmp/np2.h5"
