#!/bin/sh
# In-year management accounts and "since the last pack" (issue #16) on fixtures/pet-inyear
# (The PET to the end of December 2023, period M04; scripts/fixtures/gen_pet_inyear.py):
#  (a) the fixture is exactly what its generator writes (deterministic);
#  (b) `check --format json`: schema boardpack-results/3, "period": "M04", the ytd_actual,
#      ytd_budget and outturn results of every institution, phase and the trust (income,
#      expenditure, staff costs - the fixture's kpis.kpi - surplus_pct, staff_cost_pct,
#      reserves), the outturn statuses, the "cashflow" array month by month and cash_min
#      with its status against A = payments / 12, all worked out in tests/e2e/inyear_check.py
#      from the CSVs by the contract's rules, and the literal figures hand-worked in
#      fixtures/pet-inyear/README.md; the warnings (unprofiled budget; none that do not
#      reconcile) in the JSON and the text report, and the whole-year forecast listed;
#  (c) `--previous fixtures/pet-inyear/previous` (M03) and `--previous` its results JSON:
#      previous_value, previous_status and movement, one of each of the five movements;
#      the M03 pack given M04 as its previous: the later-pack warning;
#  (e) `build`: the output names carry the period (-m04-), the F&R pack's cover line and the
#      trust's staff-cost variance to date, the unprofiled-budget warning on the page;
#  (d) fixtures/pet-inyear/partial (WPS's November not received): the warning, and no data
#      for WPS, the primary phase and the trust.
# Run alone: BOARDPACK=./boardpack sh tests/e2e/inyear_pet.sh
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3
e2e=$(dirname "$0")
fx=fixtures/pet-inyear

if [ ! -x "$py" ]; then
    skip=$((skip + 1)); echo "skip: $py missing"
    summary; exit $?
fi

# run NAME CMD...: a python check, its ok and FAIL lines counted
run() {
    name=$1; shift
    "$@" >"$tmp/py.out" 2>&1; rc=$?
    cat "$tmp/py.out"
    p=$(grep -c '^ok ' "$tmp/py.out") f=$(grep -c '^FAIL ' "$tmp/py.out")
    pass=$((pass + p)); fail=$((fail + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then ko "$name: the check itself failed (exit $rc)"; fi
}

# bp NAME OUT ARGS...: boardpack; a failure is one FAIL with the first lines of its stderr
bp() {
    name=$1 out=$2; shift 2
    "$BOARDPACK" "$@" >"$out" 2>"$out.err"; rc=$?
    if [ "$rc" -eq 0 ]; then
        ok "$name exits 0"; return 0
    fi
    ko "$name exited $rc"
    sed -n '1,8s/^/    /p' "$out.err"
    return 1
}

# ---- (a) the generator writes the fixture ----
if "$py" scripts/fixtures/gen_pet_inyear.py "$tmp/gen" >/dev/null 2>"$tmp/gen.err" &&
    diff -r -x README.md "$tmp/gen" "$fx" >"$tmp/gen.diff"; then
    ok "fixtures/pet-inyear is what scripts/fixtures/gen_pet_inyear.py writes"
else
    ko "fixtures/pet-inyear differs from its generator's output"; head -n 20 "$tmp/gen.err" "$tmp/gen.diff"
fi

# ---- (b) the M04 pack ----
if bp "check --data $fx --format json" "$tmp/m04.json" check --data "$fx" --format json; then
    "$BOARDPACK" check --data "$fx" >"$tmp/m04.txt" 2>"$tmp/m04.txt.err"
    cat "$tmp/m04.txt.err" >>"$tmp/m04.txt"
    run "M04 figures" "$py" "$e2e/inyear_check.py" main "$fx" "$tmp/m04.json" "$tmp/m04.txt"
fi

# ---- (c) since the last pack: the folder, then its results JSON ----
if bp "check --previous $fx/previous --format json" "$tmp/prev.json" \
    check --data "$fx" --previous "$fx/previous" --format json; then
    run "--previous folder" "$py" "$e2e/inyear_check.py" previous "$fx" "$fx/previous" "$tmp/prev.json" "--previous folder"
fi
if bp "check --data $fx/previous --format json" "$tmp/m03.json" check --data "$fx/previous" --format json &&
    bp "check --previous M03-results.json --format json" "$tmp/prevj.json" \
        check --data "$fx" --previous "$tmp/m03.json" --format json; then
    run "--previous JSON" "$py" "$e2e/inyear_check.py" previous "$fx" "$fx/previous" "$tmp/prevj.json" "--previous JSON"
fi

# a previous pack of the same trust from a later period (M04 given to the M03 pack): a
# warning naming both periods, read from trust.csv's period on each side
"$BOARDPACK" check --data "$fx/previous" --previous "$fx" >"$tmp/later.txt" 2>&1; rc=$?
if [ "$rc" -eq 0 ] &&
    grep -q "warning: the previous pack (2023/24 M04) is later than this one (2023/24 M03)" "$tmp/later.txt"; then
    ok "--previous M04 on the M03 pack: the later-pack warning with both periods"
else
    ko "--previous M04 on the M03 pack: exit $rc, no later-pack warning naming M04 and M03"
    grep -i "later\|error" "$tmp/later.txt" | head -n 4
fi
"$BOARDPACK" check --data "$fx" --previous "$fx" >"$tmp/same.txt" 2>&1
if grep -qi "is later than this one" "$tmp/same.txt"; then
    ko "--previous of the same period (M04 on M04) warned as later"
else
    ok "--previous of the same period (M04 on M04): no later-pack warning"
fi

# ---- (d) a month not received ----
if bp "check --data $fx/partial --format json" "$tmp/part.json" check --data "$fx/partial" --format json; then
    "$BOARDPACK" check --data "$fx/partial" >"$tmp/part.txt" 2>"$tmp/part.txt.err"
    cat "$tmp/part.txt.err" >>"$tmp/part.txt"
    run "partial" "$py" "$e2e/inyear_check.py" partial "$fx/partial" "$tmp/part.json" "$tmp/part.txt"
fi


# ---- (e) build: the output names carry the period; the F&R pack's cover and the trust's
# staff-cost variance to date (README: budget 7,905,675.00 - actual 7,976,103.07 =
# -70,428.07, -0.9%, adverse: favourable is positive), in pounds and pence or whole pounds ----
if bp "build --data $fx" "$tmp/build.out" build --data "$fx" --out "$tmp/out"; then
    for f in pet-2023-24-m04-board.pdf pet-2023-24-m04-finance.pdf pet-2023-24-m04.xlsx \
        pet-2023-24-m04-results.json; do
        if [ -s "$tmp/out/$f" ]; then ok "build wrote $f"; else ko "build did not write $f"; ls "$tmp/out"; fi
    done
    if command -v pdftotext >/dev/null 2>&1 && [ -s "$tmp/out/pet-2023-24-m04-finance.pdf" ]; then
        pdftotext -layout "$tmp/out/pet-2023-24-m04-finance.pdf" - | tr -s ' \n' '  ' >"$tmp/fr.txt"
        if grep -q "Management accounts to the end of December 2023" "$tmp/fr.txt"; then
            ok "F&R pack: Management accounts to the end of December 2023"
        else
            ko "F&R pack: no 'Management accounts to the end of December 2023'"
        fi
        if grep -Eq "70,428(\.07)?" "$tmp/fr.txt" && grep -q "0\.9%" "$tmp/fr.txt"; then
            ok "F&R pack: the trust's staff-cost variance 70,428 (0.9%)"
        else
            ko "F&R pack: no staff-cost variance 70,428 / 0.9%"
        fi
        if grep -q "budget not profiled by month: SFC exp.nonpay.cpd, exp.nonpay.ict" "$tmp/fr.txt"; then
            ok "F&R pack: the unprofiled-budget warning"
        else
            ko "F&R pack: no 'budget not profiled by month: SFC exp.nonpay.cpd, exp.nonpay.ict'"
        fi
        # commentary.csv's one comment on a code and month (BHS exp.staff.agency, M04): in
        # BHS's management accounts, beside the staff costs line that holds the code -
        # after BHS's heading, before the next institution's (reading order)
        pdftotext "$tmp/out/pet-2023-24-m04-finance.pdf" - | tr -s ' \n' '  ' >"$tmp/fr-plain.txt"
        if /usr/bin/python3 -c '
import sys
t = open(sys.argv[1]).read()
c = t.find("exp.staff.agency: Agency cover for two long-term absences in science")
b = t.rfind("Biddulph High School", 0, c)
between = t[b:c]
sys.exit(not (c > 0 and b > 0 and "Budget to date" in between and "Staff costs" in between
              and "Moorside High School" not in between))' "$tmp/fr-plain.txt"; then
            ok "F&R pack: the commentary on BHS exp.staff.agency M04 beside BHS's staff costs"
        else
            ko "F&R pack: no commentary 'exp.staff.agency: Agency cover ...' in BHS's management accounts"
        fi
    elif ! command -v pdftotext >/dev/null 2>&1; then
        skip=$((skip + 1)); echo "skip: pdftotext missing (poppler-utils)"
    fi
    # the board summary's cash low point and the trust's cash chart as its /Alt reads it
    # (README: cash_min 2,855,453.20 in August; A = 30,659,210.35 / 12 = 2,554,934.20 a
    # month, drawn level at £2.55m; December's actual closing 3,875,255.23 = £3.88m)
    if command -v pdftotext >/dev/null 2>&1 && [ -s "$tmp/out/pet-2023-24-m04-board.pdf" ]; then
        pdftotext -layout "$tmp/out/pet-2023-24-m04-board.pdf" - | tr -s ' \n' '  ' >"$tmp/bd.txt"
        if grep -q "Cash low point: £2,855,453 at the end of August 2024, against a target of £2,554,934" "$tmp/bd.txt"; then
            ok "board pack: the cash low point £2,855,453 (August) against A £2,554,934"
        else
            ko "board pack: no 'Cash low point: £2,855,453 at the end of August 2024, against a target of £2,554,934'"
        fi
    fi
    if "$py" -c "import pikepdf" 2>/dev/null; then
        "$py" - "$tmp/out/pet-2023-24-m04-finance.pdf" >"$tmp/alt.txt" 2>&1 <<'PY'
import sys, pikepdf
alts = []
def walk(e):
    if not isinstance(e, pikepdf.Dictionary): return
    if e.get("/S") == "/Figure": alts.append(str(e.get("/Alt", "")))
    k = e.get("/K")
    for x in (k if isinstance(k, pikepdf.Array) else [k]): walk(x)
walk(pikepdf.open(sys.argv[1]).Root.StructTreeRoot)
cash = [a for a in alts if a.startswith("Consolidated trust: cash at each month end")]
want = ["Closing cash, actual Sep", "Dec \u00a33.88m", "Aug \u00a32.86m",
        "A: a month's payments (the target) (dashed) " +
        ", ".join(m + " \u00a32.55m" for m in "Sep Oct Nov Dec Jan Feb Mar Apr May Jun Jul Aug".split())]
if len(cash) == 1 and all(w in cash[0] for w in want):
    print("ok   F&R pack: the trust's cash chart /Alt - the closings and A at \u00a32.55m each month")
else:
    print("FAIL F&R pack: the trust's cash chart /Alt: %r" % (cash,))
PY
        while IFS= read -r line; do
            case "$line" in
                "ok   "*) ok "${line#ok   }" ;;
                *) ko "${line#FAIL }" ;;
            esac
        done <"$tmp/alt.txt"
    fi
fi

summary
