#!/bin/sh
# Builds the libFuzzer harnesses named on the command line (csv load kpi expr render jsonin; default
# all) into build/fuzz/.  Used by fuzz/run.sh and fuzz/replay.sh; run from anywhere.
# The Makefile is the one build description: `make FUZZ=1` builds the same core and
# render archives as every other program, with clang and the fuzzer's instrumentation
# (build/fuzz/obj/), and links each harness with them.
set -eu
cd "$(dirname "$0")/.."
: "${CC_FUZZ:=clang}"
bins=
for t in ${*:-csv load kpi expr render jsonin}; do
    [ -f "fuzz/fuzz_$t.c" ] || { echo "build.sh: no harness fuzz/fuzz_$t.c" >&2; exit 2; }
    bins="$bins build/fuzz/fuzz_$t"
done
# shellcheck disable=SC2086
"${MAKE:-make}" --no-print-directory FUZZ=1 CC_FUZZ="$CC_FUZZ" $bins
