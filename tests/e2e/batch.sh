#!/bin/sh
# boardpack batch: many data sets, worker processes, a broken data set reported and
# skipped, shards that partition the work, identical output whatever the number of
# workers, and the summary files.
. "$(dirname "$0")/lib/common.sh"

root=$tmp/root
mkdir -p "$root"
cp -r fixtures/pet "$root/pet"
cp -r fixtures/second-trust "$root/second"
cp -r tests/fixtures/handworked "$root/hw"
cp -r tests/fixtures/handworked "$root/broken"
printf 'P1,2022/23,actual,exp.nonpay.other,1.234\n' >>"$root/broken/finance.csv"
mkdir "$root/not-a-data-set"

"$BOARDPACK" batch --root "$root" --out "$tmp/out" -j 3 >"$tmp/stdout" 2>"$tmp/stderr"; rc=$?
if [ "$rc" -eq 1 ]; then ok "a broken data set: exit 1"; else ko "exit $rc, expected 1"; cat "$tmp/stderr"; fi
for d in pet second hw; do
    n=$(ls "$tmp/out/$d" 2>/dev/null | grep -c '\.pdf$')
    if [ "$n" -ge 4 ] && ls "$tmp/out/$d" | grep -q 'results\.json$'; then ok "$d: packs and results written ($n PDFs)"; else ko "$d: $n PDFs"; fi
done
if [ ! -e "$tmp/out/broken" ]; then ok "broken: nothing written for it"; else ko "broken: output folder exists"; fi
if [ ! -e "$tmp/out/not-a-data-set" ]; then ok "a folder without trust.csv is not a data set"; else ko "not-a-data-set rendered"; fi
# not a terminal: one summary line only
if [ "$(wc -l <"$tmp/stderr")" -eq 1 ] && grep -q "^batch: 4 data sets, 3 ok, 1 failed" "$tmp/stderr"; then
    ok "quiet when not a terminal: one summary line"
else
    ko "stderr:"; cat "$tmp/stderr"
fi
# summary.csv: one row per data set, in name order, with the failure's position
if awk -F, 'NR > 1 { print $1 "," $3 }' "$tmp/out/summary.csv" | tr '\n' ' ' | grep -q "^broken,failed hw,ok pet,ok second,ok $"; then
    ok "summary.csv: every data set, in name order, with its status"
else
    ko "summary.csv"; cat "$tmp/out/summary.csv"
fi
if grep -q 'finance.csv:[0-9]*:[0-9]*: error: found ""1.234""' "$tmp/out/summary.csv"; then ok "summary.csv: the failure's file:line:column"; else ko "summary.csv error text"; fi
if /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = {x["trust"]: x for x in d["trusts"]}
assert d["total"] == 4 and d["succeeded"] == 3 and d["failed"] == 1, d
assert t["pet"]["status"] == "ok" and t["pet"]["files"] == 8 and t["pet"]["counts"]["red"] > 0
assert t["broken"]["status"] == "failed" and t["broken"]["exit_code"] == 65
assert t["pet"]["worst_exceptions"] and t["pet"]["peak_rss_kb"] > 0
' "$tmp/out/summary.json"; then ok "summary.json: counts, files, exit codes, worst exceptions"; else ko "summary.json"; fi

# one worker gives the same files as three
rm -rf "$root/broken" "$root/not-a-data-set"
"$BOARDPACK" batch --root "$root" --out "$tmp/one" -j 1 >/dev/null 2>&1
same=1
for f in "$tmp/one"/*/*; do
    rel=${f#"$tmp/one/"}
    cmp -s "$f" "$tmp/out/$rel" || { same=0; echo "differs: $rel"; }
done
if [ "$same" -eq 1 ]; then ok "-j 1 and -j 3 write identical files"; else ko "-j 1 and -j 3 differ"; fi

# a worker killed on its data set fails that data set alone; the batch goes on with a new
# worker and accounts for every data set
kroot=$tmp/kroot
mkdir -p "$kroot"
for i in 1 2 3 4 5 6; do cp -r fixtures/pet "$kroot/pet$i"; done
"$BOARDPACK" batch --root "$kroot" --out "$tmp/kout" -j 2 >/dev/null 2>&1 &
bpid=$!
killed=0
for _ in $(seq 1 500); do
    kids=$(cat "/proc/$bpid/task/$bpid/children" 2>/dev/null)
    if [ -n "$kids" ]; then
        kill -KILL "${kids%% *}" 2>/dev/null && killed=1
        break
    fi
    sleep 0.01
done
wait "$bpid"; rc=$?
if [ "$killed" -eq 1 ]; then ok "a worker was killed mid-batch"; else ko "no worker to kill"; fi
if /usr/bin/python3 -c '
import json, os, sys
d = json.load(open(sys.argv[1]))
rc = int(sys.argv[3])
bad = [t for t in d["trusts"] if t["status"] != "ok"]
assert d["total"] == 6 and len(d["trusts"]) == 6, d["total"]
assert len(bad) <= 1, bad
assert all(t["error"] == "the worker stopped on signal 9" for t in bad), bad
assert rc == (1 if bad else 0), rc
for t in d["trusts"]:
    if t["status"] == "ok":
        assert len(os.listdir(os.path.join(sys.argv[2], t["trust"]))) == 8, t
' "$tmp/kout/summary.json" "$tmp/kout" "$rc"; then
    ok "the killed worker failed at most its own data set; the others were rendered"
else
    ko "after a killed worker (exit $rc)"; cat "$tmp/kout/summary.csv"
fi

# shards partition the data sets
"$BOARDPACK" batch --root "$root" --out "$tmp/s1" --shard 1/2 >/dev/null 2>&1
"$BOARDPACK" batch --root "$root" --out "$tmp/s2" --shard 2/2 >/dev/null 2>&1
a=$(ls "$tmp/s1" | grep -v summary | tr '\n' ' ')
b=$(ls "$tmp/s2" | grep -v summary | tr '\n' ' ')
if [ "$a" = "hw second " ] && [ "$b" = "pet " ]; then ok "--shard 1/2 and 2/2 split the sorted folders"; else ko "shards: '$a' '$b'"; fi
"$BOARDPACK" batch --root "$root" --out "$tmp/s3" --shard 3/2 >/dev/null 2>&1; rc=$?
if [ "$rc" -eq 2 ]; then ok "--shard 3/2 is a usage error"; else ko "--shard 3/2: exit $rc"; fi
"$BOARDPACK" batch --out "$tmp/s4" >/dev/null 2>&1; rc=$?
if [ "$rc" -eq 2 ]; then ok "missing --root is a usage error"; else ko "missing --root: exit $rc"; fi

summary
