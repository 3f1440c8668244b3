#!/bin/sh
# Replays the seed corpus and every saved regression through each harness, without
# fuzzing: libFuzzer runs each file given as an argument once.  This is what CI runs
# (make fuzz-replay); it fails when any input crashes, leaks, trips a sanitizer or breaks
# a harness's invariant.  Run from anywhere; needs clang with libFuzzer.
set -eu
cd "$(dirname "$0")/.."
targets=${*:-csv load kpi expr}
fuzz/build.sh $targets
status=0
for t in $targets; do
    set --
    for f in fuzz/corpus/"$t"/* fuzz/regressions/"$t"/*; do
        [ -f "$f" ] && set -- "$@" "$f"
    done
    if [ "$#" -eq 0 ]; then
        echo "fuzz_$t: no inputs"
        continue
    fi
    # -timeout: an input that once hung (kpi-fanout-2pow40.kpi) must fail, not stall CI
    if build/fuzz/fuzz_"$t" -runs=1 -timeout=60 "$@" >build/fuzz/replay_"$t".log 2>&1; then
        echo "ok   fuzz_$t: $# inputs replayed"
    else
        echo "FAIL fuzz_$t: see build/fuzz/replay_$t.log"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|invariant failed|Running: )' build/fuzz/replay_"$t".log | tail -5
        status=1
    fi
done
exit "$status"
