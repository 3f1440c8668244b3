# Sourced by every tests/e2e/*.sh: the binary under test, a scratch directory removed on
# exit, the pass/fail/skip counters and the summary line tests/run.sh reads.
set -u
: "${BOARDPACK:=./boardpack}"
pass=0 fail=0 skip=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }

# The last line of a script: the counts, and its exit status.
summary() {
    echo "e2e: $pass passed, $fail failed, $skip skipped"
    [ "$fail" -eq 0 ]
}

# The checks read results JSON through tests/e2e/lib/bpresults.py: its results as one
# row per result, whatever the schema - in Python (`from bpresults import flat`, on the
# path here), and in the shell `results_rows FILE`, a result a line.
e2e_lib="$(cd "$(dirname "$0")" && pwd)/lib"
PYTHONPATH="$e2e_lib${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONPATH
results_rows() { /usr/bin/python3 "$e2e_lib/bpresults.py" "$1"; }
