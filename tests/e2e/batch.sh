#!/bin/sh
# boardpack batch: many data sets, worker processes, a broken data set reported and
# skipped, shards that partition the work, identical output whatever the number of
# workers, and the summary files; a per-data-set time limit, the summary after SIGTERM,
# --resume, and one batch at a time in an output folder.
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
assert t["pet"]["status"] == "ok" and t["pet"]["files"] == 9 and t["pet"]["counts"]["red"] > 0
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
# worker and accounts for every data set.  One worker (-j 1) takes the data sets in name
# order; pet3 is a trust of 100 institutions (scripts/fixtures/gen_large.py), whose packs
# take seconds to render.  Once pet2's outputs are in place and pet3's are not, the worker
# is on pet3: it is killed there; a new worker must take its place, and
# the batch must finish every data set but pet3.  (Data files cannot be named pipes that
# block a worker: inputs must be regular files.)
kroot=$tmp/kroot
mkdir -p "$kroot"
for i in 1 2 4 5 6; do cp -r fixtures/pet "$kroot/pet$i"; done
/usr/bin/python3 scripts/fixtures/gen_large.py "$kroot/pet3" 100 >/dev/null
"$BOARDPACK" batch --root "$kroot" --out "$tmp/kout" -j 1 >/dev/null 2>"$tmp/kerr" &
bpid=$!
# a batch that hangs is a failure, not a hung test run (a watchdog that holds no output
# open and ends within a second of the batch)
for _ in $(seq 1 600); do sleep 1; kill -0 "$bpid" || exit 0; done >/dev/null 2>&1 &&
    kill -KILL "$bpid" >/dev/null 2>&1 &
watchdog=$!
workers() { echo $(cat "/proc/$bpid/task/$bpid/children" 2>/dev/null); }
victim=
for _ in $(seq 1 1200); do       # up to 120 s (a sanitizer build renders slowly)
    if [ -e "$tmp/kout/pet2/pet-2022-23.xlsx" ] && ! ls "$tmp/kout/pet3/"*.xlsx >/dev/null 2>&1; then
        sleep 0.3                # the worker has taken pet3 and is rendering it
        ls "$tmp/kout/pet3/"*.xlsx >/dev/null 2>&1 || victim=$(workers)
        break
    fi
    kill -0 "$bpid" 2>/dev/null || break
    sleep 0.1
done
killed=0 new=
case $victim in *" "*) victim= ;; esac     # exactly one worker
if [ -n "$victim" ] && kill -KILL "$victim" 2>/dev/null; then
    killed=1
    for _ in $(seq 1 1200); do
        for kid in $(workers); do [ "$kid" != "$victim" ] && new=$kid; done
        [ -n "$new" ] && break
        kill -0 "$bpid" 2>/dev/null || break
        sleep 0.05
    done
fi
wait "$bpid"; rc=$?
kill "$watchdog" 2>/dev/null
if [ "$killed" -eq 1 ]; then ok "the worker on pet3 was killed mid-batch"; else ko "no worker on pet3 to kill ('$victim')"; fi
if [ -n "$new" ]; then ok "a new worker took the killed one's place"; else ko "no new worker after the kill"; fi
if [ "$rc" -eq 1 ]; then ok "a killed worker: exit 1"; else ko "a killed worker: exit $rc, expected 1"; cat "$tmp/kerr"; fi
if grep -q "^batch: 6 data sets, 5 ok, 1 failed" "$tmp/kerr"; then ok "a killed worker: 6 data sets, 5 ok, 1 failed"; else ko "stderr:"; cat "$tmp/kerr"; fi
if /usr/bin/python3 -c '
import json, os, sys
d = json.load(open(sys.argv[1]))
t = {x["trust"]: x for x in d["trusts"]}
assert sorted(t) == ["pet%d" % i for i in range(1, 7)] and d["total"] == 6, sorted(t)
assert d["succeeded"] == 5 and d["failed"] == 1, (d["succeeded"], d["failed"])
k = t.pop("pet3")
assert k["status"] == "failed" and k["exit_code"] == 70, (k["status"], k["exit_code"])
assert k["error"] == "the worker stopped on signal 9", k["error"]
kdir = os.path.join(sys.argv[2], "pet3")
assert not os.path.isdir(kdir) or not os.listdir(kdir), os.listdir(kdir)
for x in t.values():
    assert x["status"] == "ok" and x["error"] is None and x["files"] == 9, (x["trust"], x["error"])
    assert len(os.listdir(os.path.join(sys.argv[2], x["trust"]))) == 9, x["trust"]
' "$tmp/kout/summary.json" "$tmp/kout"; then
    ok "summary.json: pet3 failed on signal 9, nothing written for it; every other data set rendered"
else
    ko "summary.json after a killed worker"
fi
if awk -F, 'NR > 1 { print $1 "," $3 "," $NF }' "$tmp/kout/summary.csv" | tr '\n' ' ' | \
        grep -qx "pet1,ok, pet2,ok, pet3,failed,the worker stopped on signal 9 pet4,ok, pet5,ok, pet6,ok, "; then
    ok "summary.csv: pet3 failed with the reason, the rest ok"
else
    ko "summary.csv after a killed worker"; cat "$tmp/kout/summary.csv"
fi
same=1
for f in "$tmp/kout/pet1"/*; do cmp -s "$f" "$tmp/kout/pet2/${f##*/}" || same=0; done
if [ "$same" -eq 1 ] && [ -e "$tmp/kout/pet1" ]; then
    ok "pet2, rendered before the kill, gives the same files as pet1"
else
    ko "pet2 differs from pet1"
fi

# a --root with no data set in it (empty, or only folders without a trust.csv, or hidden
# ones): nothing failed, so exit 0, with the one summary line and both summary files
# saying 0 (where an empty list was once sorted through a null pointer)
mkdir -p "$tmp/empty1" "$tmp/empty2/not-a-data-set" "$tmp/empty2/.hidden"
cp tests/fixtures/handworked/trust.csv "$tmp/empty2/.hidden/"
for e in empty1 empty2; do
    "$BOARDPACK" batch --root "$tmp/$e" --out "$tmp/$e-out" >/dev/null 2>"$tmp/eerr"; rc=$?
    if [ "$rc" -eq 0 ] && [ "$(wc -l <"$tmp/eerr")" -eq 1 ] && \
            grep -q "^batch: 0 data sets, 0 ok, 0 failed, .*summary in $tmp/$e-out/summary.csv$" "$tmp/eerr" && \
            [ "$(cat "$tmp/$e-out/summary.csv")" = "trust,name,status,green,amber,red,none,files,seconds,peak_rss_kb,worst_exceptions,error" ] && \
            /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["total"], d["succeeded"], d["failed"], d["trusts"]) == (0, 0, 0, []), d
' "$tmp/$e-out/summary.json" && [ "$(ls -A "$tmp/$e-out")" = "summary.csv
summary.json" ]; then
        ok "--root with no data set ($e): exit 0, 0 data sets, empty summaries"
    else
        ko "--root with no data set ($e): exit $rc"; cat "$tmp/eerr"
    fi
done

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

py=/usr/bin/python3
# status FILE: "trust:status" of every data set in summary.json FILE, in order
status() { "$py" -c '
import json, sys
print(" ".join("%s:%s" % (t["trust"], t["status"]) for t in json.load(open(sys.argv[1]))["trusts"]))
' "$1"; }
# no_hidden DIR: nothing hidden (temporary files, locks, journals) anywhere under DIR
no_hidden() { [ -z "$(find "$1" -name '.*' 2>/dev/null)" ]; }

# ---- --timeout: a data set still building past its limit fails alone, at once ----
troot=$tmp/troot
mkdir -p "$troot"
cp -r tests/fixtures/handworked "$troot/a"
"$py" scripts/fixtures/gen_large.py "$troot/big" 600      # some seconds to build
"$BOARDPACK" batch --root "$troot" --out "$tmp/tout" -j 2 --timeout 2 >/dev/null 2>"$tmp/stderr"; rc=$?
if [ "$rc" -eq 1 ] && [ "$(status "$tmp/tout/summary.json")" = "a:ok big:failed" ]; then
    ok "--timeout 2: the slow data set failed, the other built (exit 1)"
else
    ko "--timeout: exit $rc, $(status "$tmp/tout/summary.json" 2>&1)"; cat "$tmp/stderr"
fi
if "$py" -c '
import json, sys
t = {x["trust"]: x for x in json.load(open(sys.argv[1]))["trusts"]}
b = t["big"]
assert b["error"] == "timed out after 2 s" and b["exit_code"] == 75, b
assert 2.0 <= b["seconds"] < 7.0, b["seconds"]
' "$tmp/tout/summary.json" && grep -q '^big,,failed,.*,timed out after 2 s$' "$tmp/tout/summary.csv"; then
    ok "--timeout: \"timed out after 2 s\" in both summaries, stopped within seconds"
else
    ko "--timeout summary"; cat "$tmp/tout/summary.csv"
fi
if no_hidden "$tmp/tout"; then ok "--timeout: the stopped worker left no temporary file"; else ko "left: $(find "$tmp/tout" -name '.*')"; fi
"$BOARDPACK" batch --root "$troot" --out "$tmp/t0" --timeout -1 >/dev/null 2>"$tmp/stderr"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "boardpack batch: --timeout '-1': expected whole seconds" "$tmp/stderr"; then ok "--timeout -1: a usage error"; else ko "--timeout -1: exit $rc"; fi

# ---- SIGTERM to the batch: the data set under way is interrupted, the others not run,
# and the summary says so; the batch ends with the signal ----
sroot=$tmp/sroot
mkdir -p "$sroot"
for i in 1 2 3; do cp -r "$troot/big" "$sroot/big$i"; done
"$BOARDPACK" batch --root "$sroot" --out "$tmp/sout" -j 1 >/dev/null 2>"$tmp/stderr" &
bpid=$!
started=0
for _ in $(seq 1 500); do
    if [ -n "$(cat "/proc/$bpid/task/$bpid/children" 2>/dev/null)" ]; then started=1; break; fi
    sleep 0.01
done
sleep 0.5
kill -TERM "$bpid"
wait "$bpid" 2>/dev/null; rc=$?
if [ "$started" -eq 1 ] && [ "$rc" -eq 143 ]; then ok "SIGTERM to the batch: it ends with the signal (exit 143)"; else ko "SIGTERM: started $started, exit $rc"; fi
if [ "$(status "$tmp/sout/summary.json" 2>/dev/null)" = "big1:interrupted big2:not run big3:not run" ] \
    && grep -q '"total": 3, "succeeded": 0, "failed": 0, "skipped": 0, "interrupted": 1, "not_run": 2, "signal": 15' "$tmp/sout/summary.json" \
    && [ "$(cut -d, -f1,3 "$tmp/sout/summary.csv" | tr '\n' ' ')" = "trust,status big1,interrupted big2,not run big3,not run " ]; then
    ok "SIGTERM: the summary lists what ran and what did not"
else
    ko "SIGTERM summary: $(status "$tmp/sout/summary.json" 2>&1)"; cat "$tmp/sout/summary.csv"
fi
if grep -q "^batch: 3 data sets, 0 ok, 0 failed, 1 interrupted, 2 not run (stopped by signal 15)" "$tmp/stderr"; then ok "SIGTERM: the closing line says so"; else ko "SIGTERM stderr"; cat "$tmp/stderr"; fi
if no_hidden "$tmp/sout"; then ok "SIGTERM: no temporary file or lock left"; else ko "left: $(find "$tmp/sout" -name '.*')"; fi

# ---- --resume skips a data set whose output is complete and current ----
rroot=$tmp/rroot
mkdir -p "$rroot"
cp -r tests/fixtures/handworked "$rroot/hw"
cp -r fixtures/second-trust "$rroot/second"
"$BOARDPACK" batch --root "$rroot" --out "$tmp/rout" -j 2 >/dev/null 2>&1
touch "$tmp/marker"
sleep 1
"$BOARDPACK" batch --root "$rroot" --out "$tmp/rout" -j 2 --resume >/dev/null 2>"$tmp/stderr"; rc=$?
# files: hw 3 packs + 3 LGB packs, second 3 + 6; each + workbook, results, manifest
if [ "$rc" -eq 0 ] && [ "$(status "$tmp/rout/summary.json")" = "hw:skipped second:skipped" ] \
    && "$py" -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = {x["trust"]: x for x in d["trusts"]}
assert t["hw"]["files"] == 9 and t["second"]["files"] == 12, t
assert d["succeeded"] == 2 and d["skipped"] == 2, d
' "$tmp/rout/summary.json" && [ -z "$(find "$tmp/rout/hw" "$tmp/rout/second" -type f -newer "$tmp/marker")" ]; then
    ok "--resume: both complete, both skipped (9 and 12 files), nothing rewritten"
else
    ko "--resume: exit $rc, $(status "$tmp/rout/summary.json")"; cat "$tmp/stderr"
fi
if grep -q "^batch: 2 data sets, 0 ok, 0 failed, 2 skipped as complete" "$tmp/stderr"; then ok "--resume: the closing line counts the skipped"; else ko "--resume stderr"; cat "$tmp/stderr"; fi
# a changed input (the trust's name) is built again; the other is still skipped
sed -i 's/^name,Handworked Trust$/name,Handworked Trust Renamed/' "$rroot/hw/trust.csv"
"$BOARDPACK" batch --root "$rroot" --out "$tmp/rout" --resume >/dev/null 2>&1
if [ "$(status "$tmp/rout/summary.json")" = "hw:ok second:skipped" ] && grep -q "Handworked Trust Renamed" "$tmp/rout/hw/hw-2022-23-results.json"; then
    ok "--resume: a changed data file is built again"
else
    ko "--resume after a change: $(status "$tmp/rout/summary.json")"
fi
# a changed kpis.kpi too (a comment: the same figures, but another input)
echo "# checked" >>"$rroot/second/kpis.kpi"
"$BOARDPACK" batch --root "$rroot" --out "$tmp/rout" --resume >/dev/null 2>&1
if [ "$(status "$tmp/rout/summary.json")" = "hw:skipped second:ok" ]; then ok "--resume: a changed kpis.kpi is built again"; else ko "--resume kpis.kpi: $(status "$tmp/rout/summary.json")"; fi
# an output missing, or changed in place with its size kept, is built again
rm "$tmp/rout/second/horizon-2022-23-board.pdf"
printf 'X' | dd of="$tmp/rout/hw/hw-2022-23.xlsx" bs=1 seek=100 conv=notrunc 2>/dev/null
"$BOARDPACK" batch --root "$rroot" --out "$tmp/rout" --resume >/dev/null 2>&1
if [ "$(status "$tmp/rout/summary.json")" = "hw:ok second:ok" ] && [ -s "$tmp/rout/second/horizon-2022-23-board.pdf" ]; then
    ok "--resume: a missing or altered output is built again"
else
    ko "--resume outputs: $(status "$tmp/rout/summary.json")"
fi
# other options, another output: --pack, SOURCE_DATE_EPOCH
"$BOARDPACK" batch --root "$rroot" --out "$tmp/rout" --resume --pack finance >/dev/null 2>&1
a=$(status "$tmp/rout/summary.json")
SOURCE_DATE_EPOCH=1700000000 "$BOARDPACK" batch --root "$rroot" --out "$tmp/rout" --resume >/dev/null 2>&1
b=$(status "$tmp/rout/summary.json")
if [ "$a" = "hw:ok second:ok" ] && [ "$b" = "hw:ok second:ok" ]; then ok "--resume: another --pack or date is built again"; else ko "--resume options: '$a' '$b'"; fi

# ---- one batch at a time in an output folder ----
mkdir -p "$tmp/held"
"$py" -c '
import fcntl, os, sys, time
f = open(sys.argv[1], "a+")
fcntl.flock(f, fcntl.LOCK_EX)
f.truncate(0); f.write("%d\n" % os.getpid()); f.flush()
open(sys.argv[2], "w").close()
time.sleep(120)
' "$tmp/held/.boardpack.lock" "$tmp/holding" &
holder=$!
for _ in $(seq 1 200); do [ -e "$tmp/holding" ] && break; sleep 0.05; done
"$BOARDPACK" batch --root "$rroot" --out "$tmp/held" >/dev/null 2>"$tmp/stderr"; rc=$?
kill "$holder"
wait "$holder" 2>/dev/null
if [ "$rc" -eq 74 ] && grep -q "another run (process $holder) is writing into this folder" "$tmp/stderr" && [ -z "$(ls "$tmp/held")" ]; then
    ok "a batch into a locked folder: exit 74 naming the process, nothing written"
else
    ko "locked batch: exit $rc"; cat "$tmp/stderr"
fi

summary
