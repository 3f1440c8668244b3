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
