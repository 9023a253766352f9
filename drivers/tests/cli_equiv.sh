#!/bin/sh
# ftsa equiv: the C model and the RTL agree on LeNet-5, the MLP (N = 8 and 16) and a faulty
# LeNet-5 (N = 8 and 16); a defect injected on the RTL only is reported as
# the first divergence with exit 1; usage errors exit 2.
set -u
ftsa=$1 models=$2 faults=$3
. "$(dirname "$0")/cli_check.sh"
check equiv-lenet5-n8 0 "identical on 5 inputs" -- "$ftsa" equiv --model "$models/lenet5.ftsa" --images 5
check equiv-lenet5-n16 0 "identical on 3 inputs" -- "$ftsa" equiv --model "$models/lenet5.ftsa" --images 3 --array 16
check equiv-mlp 0 "identical on 2 inputs" -- "$ftsa" equiv --model "$models/mlp.ftsa" --images 2
check equiv-mlp-n16 0 "identical on 2 inputs" -- "$ftsa" equiv --model "$models/mlp.ftsa" --images 2 --array 16
check equiv-faults-n16 0 "identical on 3 inputs .*faults" -- "$ftsa" equiv --model "$models/lenet5.ftsa" --images 3 --array 16 --faults "$faults"
check equiv-random-inputs 0 "identical on 4 inputs (random" -- "$ftsa" equiv --model "$models/lenet5.ftsa" --images 4 --inputs random --seed 9
printf 'flip weight 10 3\n' >"$tmp/defect.txt"
check equiv-diverges 1 "first divergence: image 0, layer 0 (conv2d 28x28x6), element [0-9]* (y [0-9]*, x [0-9]*, channel [0-9]*): cmodel -\\{0,1\\}[0-9]*, rtl -\\{0,1\\}[0-9]*" -- "$ftsa" equiv --model "$models/lenet5.ftsa" --images 2 --rtl-faults "$tmp/defect.txt"
check equiv-bad-array 1 "array side 12" -- "$ftsa" equiv --model "$models/lenet5.ftsa" --array 12
check equiv-bad-images 2 "--images: 0 is outside" -- "$ftsa" equiv --images 0
check equiv-bad-faults 1 "nope.txt" -- "$ftsa" equiv --model "$models/lenet5.ftsa" --faults "$tmp/nope.txt"
exit $fail
