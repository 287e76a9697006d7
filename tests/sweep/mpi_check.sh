#!/bin/sh
# Runs scenarios/demo-sweep.yaml on one process and under mpirun with 2 and 3 ranks (and the same
# sweep of a demo whose zone south opens in 2023 with 2 ranks), and checks
# that every dataset is bit-identical (only the `ranks`/`threads`/time attributes may differ).
# usage: mpi_check.sh ZONESIM MPIEXEC PYTHON SOURCE_DIR
set -eu
zonesim=$1 mpiexec=$2 python=$3 src=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Running as root in containers needs OpenMPI's explicit consent.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
sweep="$src/scenarios/demo-sweep.yaml"
"$zonesim" sweep "$sweep" -q -t 2 -o "$tmp/local.h5" > "$tmp/local.txt"
"$mpiexec" -np 2 "$zonesim" sweep "$sweep" -q -t 1 -o "$tmp/np2.h5" > "$tmp/np2.txt"
"$mpiexec" --oversubscribe -np 3 "$zonesim" sweep "$sweep" -q -t 1 -o "$tmp/np3.h5" > "$tmp/np3.txt"
grep -q "2 ranks" "$tmp/np2.txt"
grep -q "3 ranks" "$tmp/np3.txt"
"$python" "$src/tests/sweep/compare_h5.py" "$tmp/local.h5" "$tmp/np2.h5" "$tmp/np3.h5"
# The same with a zone that opens during the run (zones.south.opens: its firms generated in 2023).
cp "$src/scenarios/demo.yaml" "$tmp/demo.yaml"
printf 'extends: demo.yaml\nname: demo-opens\nzones:\n  south:\n    opens: 2023\n' > "$tmp/opens.yaml"
sed 's/^base: demo.yaml/base: opens.yaml/; s/^name: demo-sweep/name: opens-sweep/' "$sweep" > "$tmp/opens-sweep.yaml"
"$zonesim" sweep "$tmp/opens-sweep.yaml" -q -t 2 -o "$tmp/opens-local.h5" > "$tmp/opens-local.txt"
"$mpiexec" -np 2 "$zonesim" sweep "$tmp/opens-sweep.yaml" -q -t 1 -o "$tmp/opens-np2.h5" > "$tmp/opens-np2.txt"
grep -q "2 ranks" "$tmp/opens-np2.txt"
"$python" "$src/tests/sweep/compare_h5.py" "$tmp/opens-local.h5" "$tmp/opens-np2.h5"
