#!/bin/sh
# `ftsa train` behaviour: help, usage errors with exit 2, run-time errors with
# exit 1, a tiny run whose model `ftsa eval` accepts, and stop/resume through
# the CLI giving the same model as an uninterrupted run.
set -u
ftsa=$1
. "$(dirname "$0")/../../tests/cli_check.sh"
check help 0 "--qat-epochs N" -- "$ftsa" train --help
check listed 0 "train" -- "$ftsa" --help
check bad-arch 2 "unknown architecture 'vgg'" -- "$ftsa" train --arch vgg
check bad-optimizer 2 "--optimizer: unknown value 'rmsprop'" -- "$ftsa" train --optimizer rmsprop
check bad-bits 2 "--weight-bits: 9 is outside 2..8" -- "$ftsa" train --weight-bits 9
check bad-lr 2 "--lr: 'fast' is not a number" -- "$ftsa" train --lr fast
check zero-lr 2 "--lr: 0 is outside" -- "$ftsa" train --lr 0
check no-epochs 2 "nothing to train" -- "$ftsa" train --epochs 0
check resume-alone 2 "--resume needs --checkpoint" -- "$ftsa" train --resume
check extra-arg 2 "unexpected argument 'x'" -- "$ftsa" train x
check bad-data 1 "cannot open" -- "$ftsa" train --data "$tmp/none" --epochs 1
check unwritable 1 "cannot" -- "$ftsa" train --arch mlp --epochs 1 --limit 100 --val 100 \
    --out "$tmp/no/such/dir/m.ftsa"

small="--arch mlp --epochs 2 --qat-epochs 1 --limit 300 --val 200 --batch 32 --seed 3"
check tiny-run 0 "int8 (w8/a8)" -- "$ftsa" train $small --out "$tmp/full.ftsa"
check eval-it 0 "accuracy" -- "$ftsa" eval --model "$tmp/full.ftsa" --images 200
check stop 0 "stopped after epoch 1" -- "$ftsa" train $small --checkpoint "$tmp/ck" \
    --stop-after 1 --out "$tmp/resumed.ftsa"
check resume 0 "resumed from .* after epoch 1" -- "$ftsa" train $small --checkpoint "$tmp/ck" \
    --resume --out "$tmp/resumed.ftsa"
if cmp -s "$tmp/full.ftsa" "$tmp/resumed.ftsa"; then
    echo "ok   resumed-model-identical"
else
    echo "FAIL resumed-model-identical: models differ"; fail=1
fi
check other-options 1 "other training options" -- "$ftsa" train $small --lr 0.01 \
    --checkpoint "$tmp/ck" --resume --out "$tmp/x.ftsa"
exit $fail
