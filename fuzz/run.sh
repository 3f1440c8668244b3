#!/bin/sh
# Builds the libFuzzer harnesses and fuzzes each one for $FUZZ_SECONDS (default 60).
#   fuzz/run.sh                 every harness, one after another
#   fuzz/run.sh csv expr        only these (csv, load, kpi, expr, render, jsonin)
#   FUZZ_JOBS=2 fuzz/run.sh     several harnesses at once (one process each)
# Run from the repository root.  New inputs go to build/fuzz/corpus/NAME (seeded from
# fuzz/corpus/NAME, which stays small); a crash is written to build/fuzz/crash-NAME-*:
# copy it to fuzz/regressions/NAME/ with a name saying what it broke, fix the bug, and
# fuzz/replay.sh keeps it fixed.  Needs clang with libFuzzer (Debian: clang,
# libclang-rt-14-dev).
set -eu
cd "$(dirname "$0")/.."
: "${FUZZ_SECONDS:=60}" "${FUZZ_JOBS:=1}" "${CC_FUZZ:=clang}"
out=build/fuzz
mkdir -p "$out"
targets=${*:-csv load kpi expr render jsonin}
fuzz/build.sh $targets

run_one() {
    name=$1
    mkdir -p "$out/corpus/$name"
    # a dictionary of the tokens that matter to this harness, when it has one
    set --
    [ -f "fuzz/$name.dict" ] && set -- -dict="fuzz/$name.dict"
    # the seeds plus everything earlier runs found (libFuzzer writes new inputs to the first dir)
    "$out/fuzz_$name" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
        -max_len="$(max_len "$name")" -print_final_stats=1 \
        -artifact_prefix="$out/crash-$name-" "$@" \
        "$out/corpus/$name" "fuzz/corpus/$name" >"$out/fuzz_$name.log" 2>&1
}
max_len() {
    case $1 in
        load) echo 16384 ;;
        *) echo 4096 ;;
    esac
}

status=0
pids=
for t in $targets; do
    echo "fuzzing $t for ${FUZZ_SECONDS}s (log: $out/fuzz_$t.log)"
    if [ "$FUZZ_JOBS" -gt 1 ]; then
        ( run_one "$t" ) & pids="$pids $!"
    else
        run_one "$t" || { status=1; echo "fuzz_$t FAILED: see $out/fuzz_$t.log"; }
    fi
done
for p in $pids; do wait "$p" || status=1; done
for t in $targets; do
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|^(==[0-9]+==ERROR|SUMMARY)' "$out/fuzz_$t.log" \
        | sed "s/^/fuzz_$t: /" || true
done
[ "$status" -eq 0 ] || echo "a harness failed: the crashing input is in $out/crash-*"
exit "$status"
