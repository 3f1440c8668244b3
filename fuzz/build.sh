#!/bin/sh
# Builds the libFuzzer harnesses named on the command line (csv load kpi expr; default
# all) into build/fuzz/.  Used by fuzz/run.sh and fuzz/replay.sh; run from anywhere.
set -eu
cd "$(dirname "$0")/.."
: "${CC_FUZZ:=clang}"
out=build/fuzz
mkdir -p "$out"
# The library without the command line and the renderers (PDF, XLSX): what reads input.
LIB="src/bp_csv.c src/bp_error.c src/bp_eval.c src/bp_expr.c src/bp_format.c src/bp_infile.c
     src/bp_json.c src/bp_kpi.c src/bp_load.c src/bp_model.c src/bp_money.c src/bp_num.c
     src/bp_session.c src/bp_sha256.c src/bp_text.c src/bp_util.c"
CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -std=c11 -D_POSIX_C_SOURCE=200809L -DBP_VERSION=\"0.1.0\" -Iinclude"
for t in ${*:-csv load kpi expr}; do
    [ -f "fuzz/fuzz_$t.c" ] || { echo "build.sh: no harness fuzz/fuzz_$t.c" >&2; exit 2; }
    # rebuild only when a source is newer than the binary
    if [ -x "$out/fuzz_$t" ] && [ -z "$(find fuzz/fuzz_$t.c $LIB include -newer "$out/fuzz_$t" 2>/dev/null)" ]; then
        continue
    fi
    echo "building $out/fuzz_$t"
    # shellcheck disable=SC2086
    $CC_FUZZ $CFLAGS -o "$out/fuzz_$t" "fuzz/fuzz_$t.c" $LIB -lcsv -lm
done
