#!/bin/sh
# Replays the seed corpus and every saved regression through each harness, without
# fuzzing: libFuzzer runs each file given as an argument once.  This is what CI runs
# (make fuzz-replay); it fails when any input crashes, leaks, trips a sanitizer or breaks
# a harness's invariant.  fuzz_render also saves what it wrote for each input
# (FUZZ_RENDER_OUT), and fuzz/check-outputs.py has qpdf, zipfile, xml.etree and openpyxl
# read it all again.  Run from anywhere; needs clang with libFuzzer, qpdf and openpyxl.
set -eu
cd "$(dirname "$0")/.."
targets=${*:-csv load kpi expr render jsonin}
fuzz/build.sh $targets
status=0
for t in $targets; do
    if [ "$t" = render ]; then
        rm -rf build/fuzz/render-out
        mkdir -p build/fuzz/render-out
        export FUZZ_RENDER_OUT=build/fuzz/render-out
    else
        unset FUZZ_RENDER_OUT
    fi
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
        if [ "$t" = render ]; then
            if fuzz/check-outputs.py build/fuzz/render-out >build/fuzz/replay_render_outputs.log 2>&1; then
                echo "ok   fuzz_render's outputs: $(tail -1 build/fuzz/replay_render_outputs.log)"
            else
                echo "FAIL fuzz_render's outputs: see build/fuzz/replay_render_outputs.log"
                grep -E '^(FAIL|check-outputs)' build/fuzz/replay_render_outputs.log | tail -5
                status=1
            fi
        fi
    else
        echo "FAIL fuzz_$t: see build/fuzz/replay_$t.log"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|invariant failed|invalid |legal text refused|Running: )' build/fuzz/replay_"$t".log | tail -5
        status=1
    fi
done
exit "$status"
