#!/bin/sh
# tests/e2e/inyear_workbook.sh - the in-year audit workbook of fixtures/pet-inyear (M04):
# every formula recalculates in LibreOffice to its cached value (lo_recalc and
# xlsx_check.py recalc), the master
# check holds, and the figures the sheets show are the hand-worked ones of
# fixtures/pet-inyear/README.md (not the program's output); the same for partial/ (WPS's
# M03 not received) and previous/ (M03).
# Run alone: make -j2 all && sh tests/e2e/inyear_workbook.sh
. "$(dirname "$0")/lib/common.sh"
set -e
BP=$BOARDPACK
PY=/usr/bin/python3
out=$tmp
"$BP" build --data fixtures/pet-inyear --out "$out" >/dev/null
book="$out/pet-2023-24-m04.xlsx"
# recalculates BOOK NAME WHAT: every formula of BOOK recalculates in LibreOffice to its
# cached value, or the script fails saying which book (WHAT)
recalculates() {
    lo_recalc "$1" "$out/$2-csv" ||
        { head -20 "$out/$2-csv/lo.log"; echo "FAIL: LibreOffice does not convert the $3"; exit 1; }
    "$PY" tests/e2e/xlsx_check.py recalc "$1" "$out/$2-csv" >"$out/$2-recalc.txt" 2>&1 ||
        { grep -v '^ok' "$out/$2-recalc.txt" | head -20; echo "FAIL: $3 does not recalculate to its cached values"; exit 1; }
}
recalculates "$book" m04 "in-year workbook"
"$PY" - "$book" <<'PYEOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
fails = []
def want(what, got, exp):
    if got is None or round(got - exp, 2) != 0:
        fails.append("%s: %r, expected %r" % (what, got, exp))
ws = wb['Checks']
if ws['C4'].value != 0: fails.append("MasterCheck is %r" % ws['C4'].value)
# Data: the period column carries the month of every monthly fact
data = wb['Data']
periods = {r[3] for r in data.iter_rows(min_row=2, values_only=True) if r[0]}
if not {'M01', 'M04', 'M12'} <= periods: fails.append("Data periods %r" % sorted(p or '' for p in periods))
# Finance, the report year's actuals to date (README "Year to date, trust"/"SFC")
fin = wb['Finance']
head = [c.value for c in fin[4]]
col = head.index('2023/24 actual')
rows = {r[1] or r[0]: r for r in fin.iter_rows(min_row=5, max_row=14, values_only=True)}
want("SFC income to date", rows['SFC'][col], 3854843.76)
want("trust consolidated income to date", rows['trust'][col], 9981509.08)
# Balance sheet at M04 (README "Cash flow": M04 closing = the actual bs.cash; opening = 2022/23's)
bs = wb['Balance sheet']
if 'end of December 2023' not in bs['A1'].value: fails.append("Balance sheet title %r" % bs['A1'].value)
cash = [r for r in bs.iter_rows(values_only=True) if r[1] == 'bs.cash'][0]
want("SFC cash at M04", cash[2], 1789816.26)
want("SFC cash 2022/23", cash[3], 1714254.27)
want("trust cash at M04", cash[12], 3875255.20)
want("trust cash 2022/23", cash[13], 3828093.93)
# Cash flow (README "Cash flow and its low point"): the trust's months, each block's low point
cf = wb['Cash flow']
blocks, cur = {}, None
for r in cf.iter_rows(values_only=True):
    if r[0] and r[1] is None and r[2] is None and '(' in str(r[0]) and r[0] != 'Line':
        cur = 'trust' if 'the trust' in r[0] else r[0].rsplit('(', 1)[1].rstrip(')')
        blocks[cur] = {}
    elif cur and r[0] in ('Opening balance', 'Receipts', 'Payments', 'Closing balance'):
        blocks[cur][r[0]] = r
t = blocks.get('trust', {})
if not t: fails.append("Cash flow: no trust block (blocks %r)" % sorted(blocks))
else:
    want("trust opening M01", t['Opening balance'][2], 3828093.93)
    table = [(2602045.71, 2375739.24, 4054400.40), (2475367.30, 2484093.19, 4045674.51),
             (2532963.81, 2529086.59, 4049551.73), (2349258.80, 2523555.33, 3875255.20),
             (2511402.00, 2568369.00, 3818288.20), (2483377.00, 2512890.00, 3788775.20),
             (2511394.00, 2548567.00, 3751602.20), (2427344.00, 2412575.00, 3766371.20),
             (2511392.00, 2508436.00, 3769327.20), (2539412.00, 2947208.00, 3361531.20),
             (2455356.00, 2952322.00, 2864565.20), (2287257.00, 2296369.00, 2855453.20)]
    for k, (rec, pay, close) in enumerate(table):
        want("trust receipts M%02d" % (k + 1), t['Receipts'][2 + k], rec)
        want("trust payments M%02d" % (k + 1), t['Payments'][2 + k], pay)
        want("trust closing M%02d" % (k + 1), t['Closing balance'][2 + k], close)
    want("trust cash_min", t['Closing balance'][14], 2855453.20)
    want("trust A = 30,659,210.35 / 12", t['Payments'][15], 30659210.35 / 12)
sfc = blocks.get('SFC', {})
for k, v in enumerate([1819577.03, 1828945.58, 1849428.66, 1789816.26, 1789388.82, 1794946.38,
                       1800786.94, 1813026.50, 1832410.06, 1455356.62, 1448589.18, 1439298.74]):
    want("SFC closing M%02d" % (k + 1), sfc.get('Closing balance', [None] * 16)[2 + k], v)
want("SFC A = 11,746,776.95 / 12", sfc.get('Payments', [None] * 16)[15], 11746776.95 / 12)
for e, v in [('SFC', 1439298.74), ('BHS', 631535.29), ('MHS', -36434.72), ('WPS', 304640.62),
             ('CENTRAL', 455446.25)]:
    want("cash_min %s" % e, blocks.get(e, {}).get('Closing balance', [None] * 16)[14], v)
# Scorecard: each KPI on the outturn, its status, the year to date beside it (README
# "Outturn, SFC", "Since the last pack" M04 column, "Cash flow and its low point",
# "Year to date"); an entity's columns are id, status, "to date", 2022/23
sc = wb['Scorecard']
head = [c.value for c in sc[5]]
if 'The PET: KPI scorecard 2023/24 (outturn' not in str(sc['A1'].value):
    fails.append("Scorecard title %r" % sc['A1'].value)
card = {r[0]: r for r in sc.iter_rows(min_row=6, values_only=True) if r[0]}
def kpi(k, e, off=0):
    if e not in head or k not in card: return None
    return card[k][head.index(e) + off]
def ratio(what, got, num, den):
    if got is None or abs(got - num / den) > 1e-12: fails.append("%s: %r, expected %r" % (what, got, num / den))
def status(what, got, exp):
    if got != exp: fails.append("%s status %r, expected %r" % (what, got, exp))
if head[head.index('SFC') + 2] != 'to date' or head[head.index('SFC') + 3] != '2022/23':
    fails.append("Scorecard columns after SFC: %r" % head[head.index('SFC'):head.index('SFC') + 4])
ratio("surplus_pct SFC outturn", kpi('surplus_pct', 'SFC'), 152832.61, 11491198.25)
status("surplus_pct SFC", kpi('surplus_pct', 'SFC', 1), 'green')
ratio("staff_cost_pct BHS outturn", kpi('staff_cost_pct', 'BHS'), 6921004.65, 8551882.80)
status("staff_cost_pct BHS", kpi('staff_cost_pct', 'BHS', 1), 'amber')
ratio("surplus_pct MHS outturn", kpi('surplus_pct', 'MHS'), -148943.87, 7015158.37)
status("surplus_pct MHS", kpi('surplus_pct', 'MHS', 1), 'red')
ratio("staff_cost_pct MHS outturn", kpi('staff_cost_pct', 'MHS'), 5785042.22, 7015158.37)
status("staff_cost_pct MHS", kpi('staff_cost_pct', 'MHS', 1), 'red')
want("rainy_day_reserve trust outturn", kpi('rainy_day_reserve', 'trust'), 300000.00)
status("rainy_day_reserve trust", kpi('rainy_day_reserve', 'trust', 1), 'green')
want("income_total SFC outturn", kpi('income_total', 'SFC'), 11491198.25)
want("exp_total SFC outturn", kpi('exp_total', 'SFC'), 11338365.64)
want("income_total SFC to date", kpi('income_total', 'SFC', 2), 3854843.76)
want("income_total trust to date", kpi('income_total', 'trust', 2), 9981509.08)
want("staff_total trust to date", kpi('staff_total', 'trust', 2), 7976103.07)
for e, v, st in [('trust', 2855453.20, 'green'), ('SFC', 1439298.74, 'green'), ('BHS', 631535.29, 'amber'),
                 ('MHS', -36434.72, 'red'), ('WPS', 304640.62, 'green'), ('CENTRAL', 455446.25, 'none')]:
    want("Scorecard cash_min %s" % e, kpi('cash_min', e), v)
    status("cash_min %s" % e, kpi('cash_min', e, 1), st)
if kpi('cash_min', 'secondary') not in (None, ''): fails.append("cash_min of a phase %r" % kpi('cash_min', 'secondary'))
# Budget v actual: the year to date (budget to date, actual to date, variance, %, word) and
# the full year (full-year budget, outturn, ...), README "Year to date" and "Outturn, SFC"
bva = wb['Budget v actual']
bh = [c.value for c in bva[5]]
if bh[2:12] != ['Budget to date', 'Actual to date', 'Variance', '% variance', 'Favourable / adverse',
                'Full-year budget', 'Outturn', 'Variance', '% variance', 'Favourable / adverse']:
    fails.append("Budget v actual columns %r" % bh[2:12])
bb, cur = {}, None
for r in bva.iter_rows(min_row=4, values_only=True):
    if r[0] and r[1] is None and r[2] is None and '(' in str(r[0]) and 'result' not in r[0]:
        cur = 'trust' if 'consolidated' in r[0] else r[0].rsplit('(', 1)[1].rstrip(')')
        bb[cur] = {}
    elif cur and r[1]:
        bb[cur][r[1]] = r
def line(e, code):
    return bb.get(e, {}).get(code, [None] * 12)
def blank(what, v):
    if v not in (None, ''): fails.append("%s: %r, expected no data" % (what, v))
t = line('trust', 'income')
want("BvA trust income budget to date", t[2], 9980115.00)
want("BvA trust income actual to date", t[3], 9981509.08)
want("BvA trust income variance to date", t[4], 1394.08)
ratio("BvA trust income % to date", t[5], 1394.08, 9980115.00)
status("BvA trust income to date", t[6], 'favourable')
t = line('trust', 'exp.staff')
want("BvA trust staff budget to date", t[2], 7905675.00)
want("BvA trust staff actual to date", t[3], 7976103.07)
want("BvA trust staff variance to date", t[4], -70428.07)
status("BvA trust staff to date", t[6], 'adverse')
blank("BvA trust exp budget to date (SFC's whole-year budgets)", line('trust', 'exp')[2])
blank("BvA SFC exp budget to date", line('SFC', 'exp')[2])
t = line('SFC', 'income')
want("BvA SFC income budget to date", t[2], 3851493.00)
want("BvA SFC income variance to date", t[4], 3350.76)
want("BvA SFC income outturn", t[8], 11491198.25)
want("BvA SFC staff budget to date", line('SFC', 'exp.staff')[2], 2819154.00)
want("BvA SFC staff variance to date", line('SFC', 'exp.staff')[4], -7596.39)
want("BvA SFC exp outturn", line('SFC', 'exp')[8], 11338365.64)
t = line('SFC', 'exp.nonpay.ict')
blank("BvA SFC ICT budget to date (whole-year)", t[2])
want("BvA SFC ICT full-year budget", t[7], 321238.00)
want("BvA SFC ICT outturn (forecast months)", t[8], 337300.33)
want("BvA SFC ICT full-year variance (budget - outturn)", t[9], 321238.00 - 337300.33)
status("BvA SFC ICT full year", t[11], 'adverse')
want("BvA SFC teaching outturn (budget fallback)", line('SFC', 'exp.staff.teaching')[8], 5306947.11)
want("BvA SFC HE franchise outturn (whole-year forecast)", line('SFC', 'income.self.he_franchise')[8], 807001.00)
# Management accounts: per line, the trust and each institution (the same figures by
# another route: the code's own sums cell), months received
def ma_blocks(ws):
    out, cur = {}, None
    for r in ws.iter_rows(min_row=4, values_only=True):
        if r[0] and r[1] is None and r[2] is None and '(' in str(r[0]) and not str(r[0]).startswith(('In-year', 'Months')):
            cur = 'trust' if 'consolidated' in r[0] else r[0].rsplit('(', 1)[1].rstrip(')')
            out[cur] = {}
        elif cur and r[0]:
            out[cur][r[1] or ('result' if str(r[0]).startswith('In-year') else r[0][:6])] = r
    return out
if 'Management accounts' not in wb.sheetnames: fails.append("no Management accounts sheet")
else:
    ma = ma_blocks(wb['Management accounts'])
    m = ma.get('trust', {})
    t = m.get('income', [None] * 10)
    want("MA trust income to date", t[2], 9981509.08)
    want("MA trust income budget to date", t[3], 9980115.00)
    want("MA trust income variance", t[4], 1394.08)
    ratio("MA trust income %", t[5], 1394.08, 9980115.00)
    t = m.get('exp.staff', [None] * 10)
    want("MA trust staff to date", t[2], 7976103.07)
    want("MA trust staff variance", t[4], -70428.07)
    ratio("MA trust staff %", t[5], -70428.07, 7905675.00)
    blank("MA trust exp budget to date", m.get('exp', [None] * 10)[3])
    s = ma.get('SFC', {})
    want("MA SFC income outturn", s.get('income', [None] * 10)[7], 11491198.25)
    want("MA SFC exp outturn", s.get('exp', [None] * 10)[7], 11338365.64)
    want("MA SFC result outturn", s.get('result', [None] * 10)[7], 11491198.25 - 11338365.64)
    want("MA SFC staff budget to date", s.get('exp.staff', [None] * 10)[3], 2819154.00)
    for e in ('SFC', 'BHS', 'MHS', 'WPS', 'CENTRAL'):
        want("MA %s months received" % e, ma.get(e, {}).get('Months', [None] * 10)[2], 4)
if fails:
    print("\n".join("FAIL: " + f for f in fails)); sys.exit(1)
print("inyear_workbook: ok")
PYEOF

# partial/: WPS sent no actuals for M03 (README "A month not received")
"$BP" build --data fixtures/pet-inyear/partial --out "$out/partial" >/dev/null 2>&1 || true
pbook="$out/partial/pet-2023-24-m04.xlsx"
[ -f "$pbook" ] || { echo "FAIL: partial/ wrote no workbook"; exit 1; }
recalculates "$pbook" pverify "partial/ workbook"
"$PY" - "$pbook" <<'PYEOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
fails = []
def want(what, got, exp):
    if got is None or round(got - exp, 2) != 0:
        fails.append("%s: %r, expected %r" % (what, got, exp))
if wb['Checks']['C4'].value != 0: fails.append("partial MasterCheck is %r" % wb['Checks']['C4'].value)
# Workings: the months not received, per institution (WPS: M03), its phase and the trust
wk = wb['Workings']
head = [c.value for c in wk[5]]
recv = [r for r in wk.iter_rows(values_only=True) if r[0] == 'months not received']
if len(recv) != 1: fails.append("Workings has %d 'months not received' rows" % len(recv))
else:
    got = {head[i]: recv[0][i] for i in range(4, len(head)) if head[i] and recv[0][i] is not None}
    exp = {'SFC': 0, 'BHS': 0, 'MHS': 0, 'WPS': 1, 'CENTRAL': 0, 'primary': 1, 'trust': 1}
    for k, v in exp.items():
        if got.get(k) != v: fails.append("months not received, %s: %r, expected %r" % (k, got.get(k), v))
# Finance: WPS's actuals to date are no data; the others' as in the full set
fin = wb['Finance']
head = [c.value for c in fin[4]]
col = head.index('2023/24 actual')
rows = {r[1] or r[0]: r for r in fin.iter_rows(min_row=5, max_row=14, values_only=True)}
if rows['WPS'][col] not in (None, ''): fails.append("WPS income to date %r, expected no data" % rows['WPS'][col])
want("SFC income to date (partial)", rows['SFC'][col], 3854843.76)
# the trust's year to date is no data (README: "every ytd_actual and outturn of WPS, of the
# phase primary and of the trust is no data"), on Finance as in the engine - not the
# institutions that sent every month set against the whole trust's budget
for r in fin.iter_rows(min_row=5, max_row=14, values_only=True):
    if r[0] in ('Total of the institutions', 'Consolidated income') and r[col] not in (None, ''):
        fails.append("Finance: %s to date %r, expected no data" % (r[0], r[col]))
ie = wb['Income and expenditure']
ids = [c.value for c in ie[6]]
wps = ids.index('WPS')
for r in ie.iter_rows(min_row=7, values_only=True):
    if r[1] and str(r[1]).startswith(('income', 'exp')) and r[wps] not in (None, ''):
        fails.append("Income and expenditure: WPS %s is %r, expected no data" % (r[1], r[wps])); break
for r in ie.iter_rows(min_row=7, values_only=True):
    if r[0] == 'Total income':
        for k in ('total', 'eliminated', 'trust'):
            if r[ids.index(k)] not in (None, ''):
                fails.append("Income and expenditure: total income, %s column %r, expected no data" % (k, r[ids.index(k)]))
        # SFC's as in the full set (README)
        want("Income and expenditure: SFC total income (partial)", r[ids.index('SFC')], 3854843.76)
        break
else:
    fails.append("Income and expenditure: no Total income row")
# Workings: the trust's consolidated income to date (the eliminated row) has its facts cell
# 0, no data, while its total stays the sum of the institutions' cells, so that "every fact
# counted" still holds: SFC 3,854,843.76 + BHS 2,872,184.80 + MHS 2,353,948.37 + CENTRAL
# 14,895.55 (README, WPS's left out)
fo = [i for i, h in enumerate([c.value for c in wk[5]]) if h == 'trust']
for r in wk.iter_rows(min_row=6, values_only=True):
    if r[0] == 'income' and r[1] == '2023/24' and r[2] == 'actual' and r[3] == 'internal transfers eliminated':
        if r[fo[1]] != 0: fails.append("Workings trust income to date facts %r, expected 0" % r[fo[1]])
        want("Workings trust income to date, the total of the cells", r[fo[0]], 9095872.48)
        break
else:
    fails.append("Workings: no income 2023/24 actual row")
# Cash flow: WPS has no cash facts for M03 either, so from M03 its closing is no data and so
# is its low point (contract v2, "Cash flow"); SFC's low point is the full set's
cf = wb['Cash flow']
low, cur = {}, None
for r in cf.iter_rows(values_only=True):
    if r[0] and r[1] is None and r[2] is None and '(' in str(r[0]) and r[0] != 'Line':
        cur = 'trust' if 'the trust' in r[0] else r[0].rsplit('(', 1)[1].rstrip(')')
    elif cur and r[0] == 'Closing balance':
        low[cur] = r
if low.get('WPS') is None: fails.append("partial: no WPS cash flow")
else:
    if low['WPS'][3] is None: fails.append("partial: WPS closing M02 is no data")
    if any(v not in (None, '') for v in low['WPS'][4:15]): fails.append("partial: WPS closings from M03 %r, expected no data" % (low['WPS'][4:15],))
want("partial SFC cash_min", low.get('SFC', [None] * 16)[14], 1439298.74)
# Scorecard: WPS's, the primary phase's and the trust's outturn and year to date are no
# data; SFC's as in the full set; the trust's cash_min still its cash flow's
sc = wb['Scorecard']
head = [c.value for c in sc[5]]
card = {r[0]: r for r in sc.iter_rows(min_row=6, values_only=True) if r[0]}
for e in ('WPS', 'primary', 'trust'):
    for off in (0, 2):
        v = card['income_total'][head.index(e) + off]
        if v not in (None, ''): fails.append("partial income_total %s (%s) %r, expected no data" % (e, 'to date' if off else 'outturn', v))
    if card['surplus_pct'][head.index(e) + 1] != 'none': fails.append("partial surplus_pct %s status %r" % (e, card['surplus_pct'][head.index(e) + 1]))
want("partial income_total SFC outturn", card['income_total'][head.index('SFC')], 11491198.25)
# the secondary phase (MHS alone) as in the full set: MHS's income to date 2,353,948.37
want("partial income_total secondary to date", card['income_total'][head.index('secondary') + 2], 2353948.37)
want("partial cash_min trust", card['cash_min'][head.index('trust')], 2855453.20)
# Budget v actual: WPS's actuals to date and outturn no data, its budget to date stays
bva = wb['Budget v actual']
cur = None
for r in bva.iter_rows(min_row=4, values_only=True):
    if r[0] and r[1] is None and r[2] is None and '(' in str(r[0]) and 'result' not in r[0]:
        cur = r[0].rsplit('(', 1)[1].rstrip(')')
    elif cur == 'WPS' and r[1] == 'income':
        want("partial WPS income budget to date", r[2], 879910.00)
        if r[3] not in (None, '') or r[8] not in (None, ''): fails.append("partial WPS income to date / outturn %r %r" % (r[3], r[8]))
        break
else:
    fails.append("partial: no WPS income line on Budget v actual")
# the trust's income: budget to date 9,980,115.00 and full-year budget as in the full set
# (README), actual to date, outturn and both variances no data (in the full set the
# variance to date is +1,394.08; with WPS's M03 left out it would read -884,242.52)
cur, seen = None, False
for r in bva.iter_rows(min_row=4, values_only=True):
    if r[0] and r[1] is None and r[2] is None and '(' in str(r[0]) and 'result' not in r[0]:
        cur = r[0].rsplit('(', 1)[1].rstrip(')')
    elif cur and cur.startswith('consolidated') and r[1] == 'income':
        seen = True
        want("partial trust income budget to date (Budget v actual)", r[2], 9980115.00)
        for i, what in ((3, 'actual to date'), (4, 'variance to date'), (5, '% variance to date'),
                        (6, 'word to date'), (8, 'outturn'), (9, 'variance'), (10, '% variance'), (11, 'word')):
            if r[i] not in (None, ''): fails.append("partial trust income %s (Budget v actual) %r, expected no data" % (what, r[i]))
        break
if not seen: fails.append("partial: no trust income line on Budget v actual")
# Management accounts: WPS received 3 of 4 months, its actuals to date blank, its budget
# to date as in the full set
cur, mw, mt = None, {}, {}
for r in wb['Management accounts'].iter_rows(min_row=4, values_only=True):
    if r[0] and r[1] is None and r[2] is None and '(' in str(r[0]) and not str(r[0]).startswith(('In-year', 'Months')):
        cur = r[0].rsplit('(', 1)[1].rstrip(')')
    elif cur == 'WPS' and r[0]:
        mw[r[1] or r[0][:6]] = r
    elif cur and cur.startswith('consolidated') and r[0]:
        mt[r[1] or r[0][:6]] = r
# the trust: income budget to date 9,980,115.00 (README), its actual to date, outturn and
# variances no data; the months not received line says 1 (WPS's M03)
want("partial MA trust income budget to date", mt.get('income', [None] * 10)[3], 9980115.00)
for i, what in ((2, 'to date'), (4, 'variance to date'), (5, '% variance to date'), (7, 'outturn'), (8, 'variance'), (9, '% variance')):
    if mt.get('income', [None] * 10)[i] not in (None, ''):
        fails.append("partial MA trust income %s %r, expected no data" % (what, mt['income'][i]))
want("partial MA trust months not received", mt.get('Months', [None] * 10)[2], 1)
want("partial MA WPS months received", mw.get('Months', [None] * 10)[2], 3)
want("partial MA WPS income budget to date", mw.get('income', [None] * 10)[3], 879910.00)
if mw.get('income', [None] * 10)[2] not in (None, ''): fails.append("partial MA WPS income to date %r" % mw['income'][2])
if fails:
    print("\n".join("FAIL: " + f for f in fails)); sys.exit(1)
print("inyear_workbook partial: ok")
PYEOF
# previous/ (M03): recalculates, master check 0
"$BP" build --data fixtures/pet-inyear/previous --out "$out/previous" >/dev/null 2>&1 || true
recalculates "$out/previous/pet-2023-24-m03.xlsx" mverify "previous/ workbook"
# the Checks sheet's tamper tests (tests/e2e/workbook.sh (d)) on the partial book: one
# tamper per integrity check, each must fail with MasterCheck not 0 - the "every fact
# counted" check with its add-back of the months not received included
e2e=$(dirname "$0")
"$PY" "$e2e/workbook_check.py" plan "$pbook" fixtures/pet-inyear/partial "$out/plan.json" >/dev/null
timeout 600 "$PY" "$e2e/lo_edit.py" --timeout 400 --ops "$out/plan.json" "$pbook" values data >"$out/lo.json" 2>"$out/lo.err" ||
    { cat "$out/lo.err"; echo "FAIL: LibreOffice ran the partial book's tamper tests"; exit 1; }
"$PY" "$e2e/workbook_check.py" tampers "$pbook" "$out/plan.json" "$out/lo.json" 1 >"$out/tampers.txt" 2>&1 ||
    { grep -v '^ok' "$out/tampers.txt"; echo "FAIL: partial book's tamper tests"; exit 1; }
echo "inyear_workbook partial tampers: $(grep -c '^ok' "$out/tampers.txt") ok"
# the same data reported annually (no trust.csv period): the Cash flow sheet is there (the
# year has cash.* facts) and the Scorecard's cash_min of an institution and the trust reads
# its lowest closing; M05..M12 have no actual facts, so that is no data, and the book
# recalculates to its cached values
mkdir -p "$out/ann"
cp fixtures/pet-inyear/*.csv fixtures/pet-inyear/*.kpi "$out/ann/"
grep -v '^period,' fixtures/pet-inyear/trust.csv >"$out/ann/trust.csv"
"$BP" build --data "$out/ann" --out "$out/annout" >/dev/null 2>&1 || true
abook="$out/annout/pet-2023-24.xlsx"
recalculates "$abook" averify "annual book with cash flows"
"$PY" - "$abook" <<'PYEOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
sc = wb['Scorecard']
head = [c.value for c in sc[5]]
row = [r for r in sc.iter_rows(min_row=6) if r[0].value == 'cash_min']
fails = []
if 'Cash flow' not in wb.sheetnames: fails.append("annual book with cash.* facts has no Cash flow sheet")
if not row: fails.append("Scorecard has no cash_min row")
else:
    for e in ('SFC', 'trust'):
        f = str(row[0][head.index(e)].value)
        if "'Cash flow'!" not in f: fails.append("cash_min %s is %r, not the Cash flow sheet's" % (e, f))
if fails:
    print("\n".join("FAIL: " + f for f in fails)); sys.exit(1)
print("inyear_workbook annual cash_min: ok")
PYEOF
