#!/bin/sh
# Since the last pack (--previous, issue #16; contract v2 "Comparisons with a previous
# pack").  The previous pack is fixtures/pet with a few staff and governance figures
# changed, so that each of the five movements occurs; every expected movement below is
# worked out by hand from the changed figures and the PET's targets (the fractions in the
# comments).  The same comparison through the previous pack's own results JSON gives the
# same results, byte for byte; a previous pack later than this one warns and still moves;
# without --previous the JSON has no previous_* or movement; a previous pack's JSON of
# either schema, /3 or the /1 and /2 of earlier versions, gives the same results.
# Alone: BOARDPACK=./boardpack sh tests/e2e/previous.sh
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3
if ! command -v "$py" >/dev/null 2>&1; then
    echo "skip: $py missing"; echo "e2e: 0 passed, 0 failed, 1 skipped"; exit 0
fi

cur=fixtures/pet prev=$tmp/prev
cp -R "$cur" "$prev"
# staff.absence_days MHS 973 -> 850; staff.graded_good BHS 61 -> 58; staff.leavers MHS
# 15 -> 14; gov.attended BHS 41 -> 38; SFC's 2022/23 governance rows left out
awk -F, 'BEGIN { OFS = "," }
    $1 == "MHS" && $2 == "2022/23" && $4 == "staff.absence_days" { $5 = "850" }
    $1 == "BHS" && $2 == "2022/23" && $4 == "staff.graded_good" { $5 = "58" }
    $1 == "MHS" && $2 == "2022/23" && $4 == "staff.leavers" { $5 = "14" }
    { print }' "$cur/staff.csv" >"$prev/staff.csv"
awk -F, 'BEGIN { OFS = "," }
    $1 == "BHS" && $2 == "2022/23" && $4 == "gov.attended" { $5 = "38" }
    $1 == "SFC" && $2 == "2022/23" && $4 ~ /^gov\./ { next }
    { print }' "$cur/governance.csv" >"$prev/governance.csv"

if "$BOARDPACK" check --data "$cur" --format json --previous "$prev" >"$tmp/dir.json" 2>"$tmp/err"; then
    ok "check --previous FOLDER runs"
else
    ko "check --previous FOLDER: exit $?"; cat "$tmp/err"
fi

# kpi scope entity (the 2022/23 actual): previous_value (a fraction) previous_status movement
cat >"$tmp/want" <<'EOF'
# new: MHS absence 973/18018 = 5.40% amber (max 5%, amber to 6%), before 850/18018 = 4.72% green
staff_absence_pct institution MHS 850/18018 green new
staff_absence_pct phase secondary 850/18018 green new
# both green, max 5%: now 3375.5/81244.8 = 4.15%, before 3252.5/81244.8 = 4.00%, further inside
staff_absence_pct trust trust 32525/812448 green worse
# cleared: BHS graded good 61/67 = 91.0% green (min 90%), before 58/67 = 86.6% amber
staff_good_pct institution BHS 58/67 amber cleared
staff_good_pct phase secondary_sixth 58/67 amber cleared
# both green: 241/263 = 91.6% now, 238/263 = 90.5% before: further inside now
staff_good_pct trust trust 238/263 green better
# worse: MHS leavers 15/110 = 13.6% red (max 10%, amber to 12%), before 14/110 = 12.7% red
staff_turnover_pct institution MHS 14/110 red worse
staff_turnover_pct phase secondary 14/110 red worse
# new: trust 50/496 = 10.08% amber, before 49/496 = 9.88% green
staff_turnover_pct trust trust 49/496 green new
# unchanged: BHS 14/125 = 11.2% amber both times; SFC 17/198 green both times
staff_turnover_pct institution BHS 14/125 amber unchanged
staff_turnover_pct institution SFC 17/198 green unchanged
# now none (the central row has no target): no movement, the previous figures still given
staff_turnover_pct institution CENTRAL 1/15 none null
# better: BHS attended 41/53 = 77.4% red (min 80%, no amber), before 38/53 = 71.7% red
governor_attendance_pct institution BHS 38/53 red better
governor_attendance_pct phase secondary_sixth 38/53 red better
# both green: 216/255 = 84.7% now; before (38+55+62)/(53+64+70) = 155/187 = 82.9%
governor_attendance_pct trust trust 155/187 green better
# now green 58/68, before no data (the rows left out): no movement
governor_attendance_pct institution SFC null none null
EOF

# the results as "kpi scope entity previous_value previous_status movement" (report year's
# actual), and every result's keys
"$py" - "$tmp/dir.json" >"$tmp/got" <<'PY'
import json, sys
from bpresults import flat
d = flat(json.load(open(sys.argv[1])))
assert d["schema"] == "boardpack-results/3", d["schema"]
assert "period" in d and d["period"] is None
for r in d["results"]:
    for k in ("previous_value", "previous_status", "movement"):
        assert k in r, (k, r)
    if r["year"] == "2022/23" and r["scenario"] == "actual":
        pv = "null" if r["previous_value"] is None else repr(r["previous_value"])
        print(r["kpi"], r["scope"], r["entity"], pv, r["previous_status"] or "absent",
              r["movement"] or "null")
PY
[ -s "$tmp/got" ] && ok "the JSON is schema /3, period null, previous_* and movement on every result" ||
    ko "the JSON's shape"
# each line wanted: the previous value equal to the fraction's nearest double
"$py" - "$tmp/want" "$tmp/got" >"$tmp/missing" <<'PY'
import sys
from fractions import Fraction
got = {}
for l in open(sys.argv[2]):
    f = l.split()
    got[tuple(f[:3])] = f[3:]
for l in open(sys.argv[1]):
    if l.startswith("#"):
        continue
    f = l.split()
    g = got.get(tuple(f[:3]))
    want_v = f[3] if f[3] == "null" else float(Fraction(f[3]))
    if not g or g[1:] != f[4:] or (g[0] == "null") != (want_v == "null") or \
            (want_v != "null" and float(g[0]) != want_v):
        print("want:", " ".join(f), "\n    got: ", " ".join(g or ["absent"]))
PY
if [ -s "$tmp/missing" ]; then
    ko "movements worked out by hand:"; sed 's/^/    /' "$tmp/missing"
else
    ok "movements worked out by hand: new, cleared, worse, better, unchanged, none"
fi
# every movement word is one of the contract's five
bad=$(awk '$6 != "null" && $6 !~ /^(new|cleared|worse|better|unchanged)$/' "$tmp/got")
[ -z "$bad" ] && ok "movements are the contract's words" || ko "movement words: $bad"

# the previous pack's own results JSON gives the same movements: the same file
"$BOARDPACK" check --data "$prev" --format json >"$tmp/prev.json"
"$BOARDPACK" check --data "$cur" --format json --previous "$tmp/prev.json" >"$tmp/file.json" 2>"$tmp/err"
if cmp -s "$tmp/dir.json" "$tmp/file.json"; then
    ok "a folder and its own results JSON give the same results JSON"
else
    ko "folder and JSON differ"; diff "$tmp/dir.json" "$tmp/file.json" | head -5
fi

# a previous pack's results JSON of each schema: /3 (this version's) and the /1 and /2 of
# earlier versions (tests/fixtures/previous-json, written by f59eaf3: last month's pack
# may be one), against the hand-worked trust with P1's 2022/23 leavers 1 -> 3 (turnover
# 1/10 = 10% green at the 10% ceiling -> 3/10 = 30% red: new): each the same as the folder
hw=tests/fixtures/handworked now=$tmp/hw-now old=tests/fixtures/previous-json
cp -R "$hw" "$now"
awk -F, 'BEGIN { OFS = "," } $1 == "P1" && $2 == "2022/23" && $4 == "staff.leavers" { $5 = "3" } { print }' \
    "$hw/staff.csv" >"$now/staff.csv"
"$BOARDPACK" check --data "$hw" --format json >"$tmp/hw-3.json"
"$BOARDPACK" check --data "$now" --format json --previous "$hw" >"$tmp/hw-dir.json" 2>/dev/null
if results_rows "$tmp/hw-dir.json" | grep '"kpi": "staff_turnover_pct", "scope": "institution", "entity": "P1"' |
    grep '"year": "2022/23"' | grep -q '"previous_value": 0.1, "previous_status": "green", "movement": "new"'; then
    ok "hand-worked, P1 leavers 1 -> 3: staff turnover new (10% green before)"
else ko "hand-worked --previous: P1's staff turnover"; fi
for v in 3 1 2; do
    if [ "$v" = 3 ]; then f=$tmp/hw-3.json; else f=$old/hw-results-$v.json; fi
    if grep -q "\"schema\": \"boardpack-results/$v\"" "$f" &&
        "$BOARDPACK" check --data "$now" --format json --previous "$f" >"$tmp/hw-from-$v.json" 2>"$tmp/err" &&
        cmp -s "$tmp/hw-dir.json" "$tmp/hw-from-$v.json"; then
        ok "--previous a schema /$v results JSON: the same results as its folder"
    else
        ko "--previous a schema /$v results JSON"; cat "$tmp/err"; diff "$tmp/hw-dir.json" "$tmp/hw-from-$v.json" | head -5
    fi
done

# a previous pack later than this one: a warning, the movements still given
sed 's|"report_year": "2022/23"|"report_year": "2023/24"|' "$tmp/prev.json" >"$tmp/later.json"
"$BOARDPACK" check --data "$cur" --format json --previous "$tmp/later.json" >"$tmp/later.out" 2>"$tmp/err"
rc=$?
msg="the previous pack (2023/24) is later than this one (2022/23): the movements compare this pack with a later one"
if [ "$rc" -eq 0 ] && grep -qF "$msg" "$tmp/later.out" &&
    [ "$(results_rows "$tmp/later.out" | grep -c '"movement": "worse"')" = "$(results_rows "$tmp/file.json" | grep -c '"movement": "worse"')" ]; then
    ok "a later previous pack warns, movements still given"
else
    ko "a later previous pack (exit $rc)"
fi
"$BOARDPACK" check --data "$cur" --previous "$tmp/later.json" >"$tmp/later.txt" 2>&1
grep -qF "$msg" "$tmp/later.txt" && ok "the text report's data quality names the later pack" ||
    ko "the text report lacks the later-pack warning"

# without --previous: no previous fields (schema /3, period null as for every annual pack)
"$BOARDPACK" check --data "$cur" --format json >"$tmp/plain.json"
if grep -q '"schema": "boardpack-results/3"' "$tmp/plain.json" && grep -q '"period": null' "$tmp/plain.json" &&
    ! grep -qE '"(previous_value|previous_status|movement)"' "$tmp/plain.json"; then
    ok "without --previous: schema /3, period null, no previous_* or movement"
else
    ko "without --previous the JSON changed"
fi

# the text report: each entry's movement in words, the counts, the cleared once.  Hand
# counts: of the N entries of the plain report, new are MHS's staff absence and the trust's
# staff turnover, worse MHS's staff turnover, better BHS's governor attendance, the rest
# unchanged; cleared BHS's staff judged good (its phase, BHS alone, is not listed again)
"$BOARDPACK" check --data "$cur" >"$tmp/plain.txt"
"$BOARDPACK" check --data "$cur" --previous "$prev" >"$tmp/since.txt"
n=$(sed -n 's/^EXCEPTIONS: \([0-9]*\) entries.*/\1/p' "$tmp/plain.txt")
tr -s ' \n' '  ' <"$tmp/since.txt" >"$tmp/since.flat"
for phrase in \
    "Since the last pack, prev (2022/23): 2 new, $((n - 2)) persistent (1 worse, 1 better, $((n - 4)) unchanged) and 1 cleared." \
    "Staff absence: Moorside High School. The result was amber in 2022/23 (5.4% against a ceiling of 5%). Since the last pack: new (it met the target there, at 4.7%)." \
    "Staff turnover: Moorside High School. The result was red in 2022/23 (13.6% against a ceiling of 10%). Since the last pack: persistent and worse (red at 12.7% there)." \
    "Governor and trustee attendance at meetings: Biddulph High School. The result was red in 2022/23 (77.4% against a floor of 80%). Since the last pack: persistent and better (red at 71.7% there)." \
    "Staff turnover: Biddulph High School. The result was amber in 2022/23 (11.2% against a ceiling of 10%). Since the last pack: persistent, unchanged (amber at 11.2% there)." \
    "- Staff judged at least good: Biddulph High School - cleared since the last pack: green in 2022/23 (91.0%), amber there (86.6%)."; do
    grep -qF -- "$phrase" "$tmp/since.flat" && ok "check text: ${phrase%%:*}..." || ko "check text lacks: $phrase"
done
[ "$(grep -c 'cleared since the last pack' "$tmp/since.txt")" -eq 1 ] && ok "the cleared listed once" ||
    ko "the cleared: $(grep -c 'cleared since the last pack' "$tmp/since.txt") lines"

# the packs: build --previous; the summary's counts, the exceptions' words, the scorecard's
# last-pack values with their movements (new 850/18018 = 4.7%, cleared 58/67 = 86.6%, the
# trust's new 49/496 = 9.9%), the later pack in plain words
if command -v pdftotext >/dev/null 2>&1; then
    SOURCE_DATE_EPOCH=1700438400 "$BOARDPACK" build --data "$cur" --out "$tmp/built" --previous "$prev" >/dev/null 2>"$tmp/err" ||
        ko "build --previous: $(cat "$tmp/err")"
    pdftotext "$tmp/built/pet-2022-23-board.pdf" - | tr -s ' \n' '  ' >"$tmp/board.txt"
    pdftotext -layout "$tmp/built/pet-2022-23-quality.pdf" - >"$tmp/quality.txt"
    pdftotext "$tmp/built/pet-2022-23-quality.pdf" - | tr -s ' \n' '  ' >"$tmp/quality.flat"
    grep -qF "Since the last pack, prev (2022/23): 2 new, $((n - 2)) persistent (1 worse, 1 better, $((n - 4)) unchanged) and 1 cleared." "$tmp/board.txt" &&
        ok "the board pack counts each movement" || ko "the board pack's counts"
    grep -qF "Since the last pack: persistent and worse (red at 12.7% there)." "$tmp/board.txt" &&
        ok "the board pack's exceptions say persistent and worse" || ko "the board pack's exception words"
    grep -qF "Staff judged at least good: Biddulph High School - cleared since the last pack: green in 2022/23 (91.0%), amber there (86.6%)." "$tmp/quality.flat" &&
        ok "the quality pack lists the cleared exception" || ko "the quality pack's cleared"
    grep -q 'cleared 86\.6%' "$tmp/quality.txt" && grep -q 'new 4\.7%' "$tmp/quality.txt" &&
        grep -q 'new 9\.9%' "$tmp/quality.txt" && grep -q 'last pack' "$tmp/quality.txt" &&
        ok "the scorecard shows the last pack's values with new and cleared" ||
        ko "the scorecard's last-pack values"
    grep -qF "with its target, its value in the last pack and the national benchmark" "$tmp/quality.flat" &&
        ok "the scorecard's intro names the last pack" || ko "the scorecard's intro"
    SOURCE_DATE_EPOCH=1700438400 "$BOARDPACK" build --data "$cur" --out "$tmp/built2" --previous "$tmp/later.json" >/dev/null 2>&1
    pdftotext "$tmp/built2/pet-2022-23-board.pdf" - | tr -s ' \n' '  ' >"$tmp/board2.txt"
    grep -qF "The previous pack this paper is compared with, later.json (2023/24), is later than this one (2022/23)" "$tmp/board2.txt" &&
        ok "a later previous pack in plain words in the board pack" || ko "the board pack lacks the later-pack words"
else
    skip=$((skip + 1)); echo "skip: pdftotext missing"
fi

# the workbook's Scorecard: a "last pack" column of values from the previous pack (BHS's
# staff judged good 58/67, MHS's staff absence 850/18018), the prior year's still there
if [ -s "$tmp/built/pet-2022-23.xlsx" ]; then
    "$py" - "$tmp/built/pet-2022-23.xlsx" <<'PY' >"$tmp/wb.txt" 2>&1
import sys
from fractions import Fraction
import openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Scorecard"]
rows = list(ws.iter_rows(values_only=True))
head = next(r for r in rows if r and r[0] == "KPI")
ids = next(rows[i - 1] for i, r in enumerate(rows) if r is head)
def col(name):
    c = list(ids).index(next(v for v in ids if v and v.startswith(name)))
    assert head[c + 2] == "2021/22" and head[c + 3] == "last pack", head[c:c + 4]
    return c + 3
def row(kpi):
    return next(r for r in rows if r and r[0] == kpi)
bad = []
for kpi, ent, want in (("staff_good_pct", "Biddulph", Fraction(58, 67)),
                       ("staff_absence_pct", "Moorside", Fraction(850, 18018))):
    v = row(kpi)[col(ent)]
    # libxlsxwriter writes numbers with 16 significant digits
    if not isinstance(v, float) or abs(v - float(want)) > 1e-15 * float(want):
        bad.append("%s %s: %r" % (kpi, ent, v))
print("\n".join(bad) if bad else "ok")
PY
    [ "$(cat "$tmp/wb.txt")" = ok ] && ok "the workbook's Scorecard has the last pack's values" ||
        ko "the workbook's last pack: $(cat "$tmp/wb.txt")"
fi

summary
