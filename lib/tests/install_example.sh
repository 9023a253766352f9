#!/bin/sh
# `cmake --install` into a temporary prefix, moved afterwards (the tree must be
# relocatable); examples/eval_faults.c built against it with pkg-config only,
# shared and static, and with find_package(ftsa); its figures must equal the
# installed CLI's on the same model, fault list and images.
set -u
build=$1 examples=$2 cc=$3 cflags=$4 cmake=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }

"$cmake" --install "$build" --prefix "$tmp/stage" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; echo "FAIL install"; exit 1; }
mv "$tmp/stage" "$tmp/prefix"
prefix=$tmp/prefix
for f in bin/ftsa include/ftsa/api.h include/ftsa/driver.h include/ftsa/campaign.h \
         share/ftsa/models/lenet5.ftsa share/man/man1/ftsa.1 share/bash-completion/completions/ftsa; do
    [ -e "$prefix/$f" ] && ok "installed $f" || bad "installed $f"
done
pc=$(find "$prefix" -name ftsa.pc)
[ -n "$pc" ] || { echo "FAIL no ftsa.pc installed"; exit 1; }
libdir=$(dirname "$(dirname "$pc")")
for f in libftsa.so libftsa.a cmake/ftsa/ftsaConfig.cmake; do
    [ -e "$libdir/$f" ] && ok "installed $f" || bad "installed $f"
done
soname=$(objdump -p "$libdir/libftsa.so" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = libftsa.so.0 ] && ok "soname $soname" || bad "soname '$soname'"
# Nothing installed points back at the build or source tree.
src=$(cd "$examples/.." && pwd)
if grep -rIl -e "$build" -e "$src" "$prefix" >"$tmp/refs"; then bad "paths into the build tree: $(cat "$tmp/refs")"; else ok "no build-tree paths"; fi
for b in "$prefix/bin/ftsa" "$libdir/libftsa.so"; do
    if objdump -p "$b" | grep -E 'R(UN)?PATH' | grep -q -e "$build" -e "$src"; then bad "$b has a build-tree RPATH"; else ok "$(basename "$b") has no build-tree RPATH"; fi
done
if strings "$prefix/bin/ftsa" | grep -q "$src/models"; then bad "ftsa has the source models path"; else ok "ftsa has no compiled-in models path"; fi

ftsa=$prefix/bin/ftsa
"$ftsa" --version >"$tmp/version" 2>&1 && grep -q "^models $prefix/share/ftsa/models$" "$tmp/version" &&
    ok "ftsa --version names the installed models" || { cat "$tmp/version"; bad "ftsa --version models"; }
# Default model from the relocated prefix.
"$ftsa" faults gen --ber 2e-3 --seed 5 --out "$tmp/f.txt" >"$tmp/gen" 2>&1 &&
    ok "faults gen on the installed default model" || { cat "$tmp/gen"; bad "faults gen"; }
"$ftsa" run --faults "$tmp/f.txt" --images 200 >"$tmp/run" 2>&1 || { cat "$tmp/run"; bad "ftsa run"; }
cli_ok=$(sed -n 's|^fault-free accuracy .* (\([0-9]*\)/200)|\1|p' "$tmp/run")
cli_bad=$(sed -n 's|^faulty accuracy .* (\([0-9]*\)/200)|\1|p' "$tmp/run")
cli_changed=$(sed -n 's|^predictions changed \([0-9]*\) of 200.*|\1|p' "$tmp/run")

export PKG_CONFIG_PATH="$libdir/pkgconfig"
model="$(pkg-config --variable=modelsdir ftsa)/lenet5.ftsa"
[ -f "$model" ] && ok "pkg-config modelsdir" || bad "pkg-config modelsdir: $model"
check_example() { # name binary
    "$2" "$model" "$tmp/f.txt" 200 >"$tmp/ex.out" 2>&1 || { cat "$tmp/ex.out"; bad "$1 runs"; return; }
    if [ -n "$cli_ok" ] && grep -qx "model lenet5: fault-free $cli_ok/200 correct" "$tmp/ex.out" &&
       grep -qx "[0-9]* faults: $cli_bad/200 correct, $cli_changed predictions changed" "$tmp/ex.out" &&
       grep -qx "rtl: unknown back end 'rtl' (this build has: cmodel)" "$tmp/ex.out"; then
        ok "$1 agrees with ftsa run ($cli_ok, $cli_bad correct, $cli_changed changed)"
    else
        echo "--- $1:"; cat "$tmp/ex.out"; echo "--- ftsa run:"; cat "$tmp/run"; bad "$1 agrees with ftsa run"
    fi
}
# shellcheck disable=SC2046,SC2086 # pkg-config output and cflags are word lists
"$cc" $cflags $(pkg-config --cflags ftsa) "$examples/eval_faults.c" -o "$tmp/ex_shared" \
    $(pkg-config --libs ftsa) -Wl,-rpath,"$(pkg-config --variable=libdir ftsa)" 2>"$tmp/cc.log" &&
    ok "pkg-config shared build" || { cat "$tmp/cc.log"; bad "pkg-config shared build"; }
ldd "$tmp/ex_shared" | grep -q "libftsa.so.0 => $libdir" && ok "linked to the installed libftsa.so.0" || bad "ldd"
check_example "example (shared)" "$tmp/ex_shared"
# shellcheck disable=SC2046,SC2086
"$cc" $cflags $(pkg-config --cflags ftsa) "$examples/eval_faults.c" -o "$tmp/ex_static" \
    $(pkg-config --libs-only-L ftsa) -Wl,-Bstatic -lftsa -Wl,-Bdynamic \
    $(pkg-config --static --libs-only-l ftsa | sed 's/-lftsa//') 2>"$tmp/cc.log" &&
    ok "pkg-config static build" || { cat "$tmp/cc.log"; bad "pkg-config static build"; }
ldd "$tmp/ex_static" | grep -q libftsa && bad "static example needs libftsa.so" || ok "static example is self-contained"
check_example "example (static)" "$tmp/ex_static"

# find_package(ftsa)
if "$cmake" -S "$examples" -B "$tmp/cm" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
       -DCMAKE_C_FLAGS="$cflags" >"$tmp/cm.log" 2>&1 && "$cmake" --build "$tmp/cm" >>"$tmp/cm.log" 2>&1; then
    ok "find_package(ftsa) build"
    check_example "example (CMake, shared)" "$tmp/cm/eval_faults"
    check_example "example (CMake, static)" "$tmp/cm/eval_faults_static"
else
    cat "$tmp/cm.log"; bad "find_package(ftsa) build"
fi
exit $fail
