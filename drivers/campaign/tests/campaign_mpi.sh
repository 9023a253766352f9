#!/bin/bash
# MPI: `mpirun -np 2 ftsa campaign` writes the same trials.csv and
# summary.json as one process with the same seed.  Exit 77 (skipped) when
# this build has no MPI launcher.
set -u
ftsa=$1
helper=$2
mpirun=${3:-}
if [ -z "$mpirun" ] || ! command -v "$mpirun" >/dev/null; then
    echo "SKIP: no MPI launcher (mpirun) in this build"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$helper" --write-model "$tmp/m.ftsa" 5 || { echo "FAIL cannot write model"; exit 1; }
args=(campaign --model "$tmp/m.ftsa" --images 10 --ber "1e-3, 1e-2, 1e-1" --trials 5 --seed 9
      --quiet --no-report)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
fail=0
"$ftsa" "${args[@]}" --out "$tmp/one" || { echo "FAIL single process"; exit 1; }
if ! "$mpirun" -np 2 --oversubscribe "$ftsa" "${args[@]}" --out "$tmp/two" >"$tmp/log" 2>&1; then
    echo "FAIL mpirun -np 2:"; cat "$tmp/log"; exit 1
fi
# Both ranks must have run trials: the journal interleaves them in completion
# order, so before the final sort it differs from the single run; the final
# files must not.
for f in trials.csv summary.json; do
    if cmp -s "$tmp/one/$f" "$tmp/two/$f"; then
        echo "ok   $f identical with 2 ranks"
    else
        echo "FAIL $f differs between 1 process and 2 ranks"; diff "$tmp/one/$f" "$tmp/two/$f" | head
        fail=1
    fi
done
# Resume under MPI: drop half the rows, rerun with 2 ranks, same result.
head -n 30 "$tmp/two/trials.csv" >"$tmp/half" && mv "$tmp/half" "$tmp/two/trials.csv"
"$mpirun" -np 2 --oversubscribe "$ftsa" "${args[@]}" --out "$tmp/two" >"$tmp/log" 2>&1 ||
    { echo "FAIL MPI resume:"; cat "$tmp/log"; exit 1; }
cmp -s "$tmp/one/trials.csv" "$tmp/two/trials.csv" && echo "ok   MPI resume" ||
    { echo "FAIL MPI resume differs"; fail=1; }
exit $fail
