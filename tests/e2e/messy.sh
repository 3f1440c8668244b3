#!/bin/sh
# The deliberately messy data set (fixtures/messy, issue #14 "data problems on the page
# where they bite"): every problem of it is named in plain words at the top of the
# section it affects, on that section's own page, and on the summary page; the figures it
# affects are marked rather than compared as if complete.  Every expected figure is worked
# out here from the fixture's CSV files (Python's Decimal), never from boardpack's output:
#   - budget lines missing against actuals: each cut school's "N of its M lines", no
#     variance and no percentage for its rows or the trust's ("not compared"), and each
#     line with an actual and no budget listed as "no budget";
#   - no pupils for the 2023/24 budget's central charge: "not shared", "cannot be shared"
#     and no share of £0 in its table;
#   - internal transfers that do not reconcile: the difference in whole pounds on the
#     consolidated finance pages (board: finance summary; finance: income and expenditure)
#     and both years' on the summary; to the penny in the data-quality appendix;
#   - the finance pack has no papers.csv row: said on its cover and its summary (and no
#     other pack says so);
#   - commentary on years the packs do not show: each row, by its line, in the data-quality
#     appendix of every pack.
# Run alone: BOARDPACK=./boardpack sh tests/e2e/messy.sh
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3

for tool in pdftotext "$py"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "skip: $tool missing"
        echo "e2e: 0 passed, 0 failed, 1 skipped"; exit 0
    fi
done

if ! "$BOARDPACK" build --data fixtures/messy --out "$tmp/out" >/dev/null 2>"$tmp/err"; then
    ko "build fixtures/messy"; sed 's/^/    /' "$tmp/err" | head -20
    summary; exit
fi
for pdf in "$tmp"/out/*.pdf; do pdftotext "$pdf" "${pdf%.pdf}.txt"; done

"$py" - fixtures/messy "$tmp/out" <<'PY'
import csv, os, re, sys
from decimal import Decimal, ROUND_HALF_UP
data, out = sys.argv[1], sys.argv[2]
fails = 0
def check(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    fails += not cond

def rows(name):
    with open(os.path.join(data, name), encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))
insts = {r["id"]: r["name"] for r in rows("institutions.csv")}
fin = rows("finance.csv")
def money(v): return Decimal(v.replace(",", "").replace("£", ""))
def pounds(p):   # whole pounds, half away from zero, as the packs print them
    q = abs(p).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    s = "£{:,}".format(int(q))
    return "(" + s + ")" if p < 0 else s

def pages(pack):
    text = open(os.path.join(out, "messy-2022-23-%s.txt" % pack), encoding="utf-8").read()
    return [re.sub(r"\s+", " ", p) for p in text.split("\f")]
def section_pages(pg, heading):
    """The pages of the section with this heading ("4. Budget against actual"): from the
    page where it starts (not the contents) to the page before the next heading."""
    head = re.compile(r"(?:^| )(\d+\. [A-Z][^.]*?|Appendix [A-Z]\. [A-Z][a-z ]+?)(?= [A-Z]|$)")
    start = None
    for i, p in enumerate(pg):
        if " Contents " in " " + p[:200] + " ": continue
        if heading in p and start is None: start = i
    if start is None: return ""
    text = pg[start][pg[start].index(heading):]
    for p in pg[start + 1:]:
        text += " " + p
    # up to the next section's heading (numbered, or an appendix)
    m = re.search(r" (\d+\. [A-Z]|Appendix [A-Z]\. )", text[len(heading):])
    return text[: len(heading) + m.start()] if m else text
def summary_page(pack):
    pg = pages(pack)
    for p in pg:
        if "1. Summary" in p and "Data warnings" in p and " Contents " not in " " + p[:200]:
            return p
    return ""

# ---- the problems, from the CSVs ----
# budget lines: 2022/23 actual income/exp codes without a budget of the same code
def lines(inst, scen):
    return {r["code"]: money(r["value"]) for r in fin
            if r["institution"] == inst and r["year"] == "2022/23" and r["scenario"] == scen
            and (r["code"].startswith("income.") or r["code"].startswith("exp."))}
short = {}
for i in insts:
    a, b = lines(i, "actual"), lines(i, "budget")
    miss = [c for c in a if c not in b]
    if miss: short[i] = (len(a) - len(miss), len(a), miss, a)
check(sorted(short) == ["BHS", "MHS", "WPS"] and all(v[0] == 7 for v in short.values()),
      "the CSVs: BHS, MHS and WPS budget 7 of their 2022/23 lines (%s)" %
      {k: "%d of %d" % v[:2] for k, v in short.items()})
# reconciliation: centre's income.internal against the schools' exp.internal
def internal(year, scen, prefix):
    return sum((money(r["value"]) for r in fin if r["year"] == year and r["scenario"] == scen
                and r["code"].startswith(prefix)), Decimal(0))
breaks = {}
for y, s in sorted({(r["year"], r["scenario"]) for r in fin}):
    inc, exp = internal(y, s, "income.internal"), internal(y, s, "exp.internal")
    if inc != exp: breaks[(y, s)] = (inc, exp)
check(set(breaks) == {("2022/23", "actual"), ("2024/25", "forecast")},
      "the CSVs: transfers break in the 2022/23 actuals and the 2024/25 forecast")
# the 2023/24 budget: no pupils; the centre's expenditure (internal excluded) to share
roll = [r for r in rows("students.csv") if r["year"] == "2023/24" and r["code"] == "students.on_roll"
        and r["scenario"] in ("budget", "actual")]
check(not roll, "the CSVs: no students.on_roll for the 2023/24 budget or actuals")
pot = sum((money(r["value"]) for r in fin if r["institution"] == "CENTRAL" and r["year"] == "2023/24"
           and r["scenario"] == "budget" and r["code"].startswith("exp.")
           and not r["code"].startswith("exp.internal")), Decimal(0))
# commentary rows on years the packs do not show (2022/23 and the plans after it)
plan_years = {r["year"] for r in fin if r["scenario"] != "actual" and r["year"] > "2022/23"}
unshown = [(n + 2, r) for n, r in enumerate(rows("commentary.csv"))
           if r["year"] != "2022/23" and r["year"] not in plan_years]
check(len(unshown) == 2, "the CSVs: two rows of commentary on years not shown (lines %s)" %
      [n for n, _ in unshown])
papers = {r["pack"] for r in rows("papers.csv")}

# ---- finance pack: budget against actual ----
sec = section_pages(pages("finance"), "4. Budget against actual")
top = sec[:1200]
check("The budget is incomplete." in top, "finance, budget against actual: says at its top that the budget is incomplete")
for i, (b, n, miss, a) in short.items():
    check(re.search(re.escape(insts[i]) + r" \(7 of (its )?%d lines\)" % n, top) is not None,
          "finance, budget against actual: %s (7 of %d lines) named at the top" % (insts[i], n))
# each short row of the three tables, and the trust's, says "not compared" with no variance
body = sec.split("listed at the end of this section.", 1)[-1]
nc = body.count("not compared")
check(nc == 3 * (len(short) + 1), "finance, budget against actual: %d rows 'not compared' (want %d)" %
      (nc, 3 * (len(short) + 1)))
pcts = [Decimal(x) for x in re.findall(r"(-?\d+\.\d)%", sec)]
check(all(abs(p) < 100 for p in pcts) and not re.search(r"-9\d\.\d%|-100", sec),
      "finance, budget against actual: no variance of -90%% or worse (%s)" % (pcts,))
# the lines with an actual and no budget, each with its actual in whole pounds
want_lines = sum(len(v[2]) for v in short.values())
table = sec.split("Lines with an actual and no budget", 1)[-1]
check(table.count("no budget") == want_lines, "finance, budget against actual: %d lines 'no budget' (want %d)"
      % (table.count("no budget"), want_lines))
bhs = short["BHS"]
ok_amounts = all(pounds(bhs[3][c]) in sec for c in bhs[2])
check(ok_amounts, "finance, budget against actual: each of Biddulph's unbudgeted lines with its actual")

# ---- finance pack: central charge ----
sec = section_pages(pages("finance"), "12. Central charge")
m = re.search(r"2023/24 budget: (£[\d,]+), not shared(.*?)2023/24 forecast", sec)
check(m is not None and m.group(1) == pounds(pot), "finance, central charge: '2023/24 budget: %s, not shared'" % pounds(pot))
if m:
    body = m.group(2)
    check("cannot be shared" in body and "no pupils" in body, "finance, central charge: the 2023/24 budget cannot be shared, no pupils")
    check(not re.search(r"£0(?![\d,])", body), "finance, central charge: no £0 share in the 2023/24 budget")

# ---- reconciliation on the consolidated finance pages and the summaries ----
inc, exp = breaks[("2022/23", "actual")]
diff = pounds(abs(inc - exp))
for pack, heading in (("finance", "3. Income and expenditure"), ("board", "5. Finance summary")):
    sec = section_pages(pages(pack), heading)
    check("Internal transfers do not reconcile" in sec[:900] and "%s apart" % diff in sec[:900]
          and pounds(inc) in sec[:900] and pounds(exp) in sec[:900],
          "%s, %s: the transfers do not reconcile, %s apart (%s against %s), at its top"
          % (pack, heading, diff, pounds(inc), pounds(exp)))
for pack in ("board", "finance", "quality"):
    sp = summary_page(pack)
    check(all("%s apart" % pounds(abs(a - b)) in sp for a, b in breaks.values()),
          "%s summary: both breaks with their differences (%s)" % (pack, [pounds(abs(a - b)) for a, b in breaks.values()]))
    check("budget is incomplete for" in sp and all(insts[i] in sp for i in short),
          "%s summary: the incomplete budgets, by school" % pack)
    check("cannot be shared" in sp, "%s summary: the central charge that cannot be shared" % pack)
    check(("papers.csv has no row for this pack" in sp) == (pack not in papers),
          "%s summary: %s the missing papers.csv row" % (pack, "names" if pack not in papers else "does not claim"))
    check("2 rows of commentary are on years this paper does not show" in sp,
          "%s summary: the two rows of commentary on years not shown" % pack)
cover = pages("finance")[0]
check("papers.csv has no row for this pack" in cover, "finance cover: says papers.csv has no row for it")
check("papers.csv has no row" not in pages("board")[0], "board cover: has its papers.csv row")
# a governing body's pack: its own institutions' budgets only
sp = summary_page("lgb-WERR")
check("budget is incomplete for Moorside High School" in sp and "Werrington Primary School" in sp
      and "Biddulph" not in sp.split("budget is incomplete")[1][:200], "lgb-WERR summary: Moorside's and Werrington's budgets, not Biddulph's")
check("budget is incomplete" not in summary_page("lgb-SFC"), "lgb-SFC summary: no budget warning (SFC's is complete)")

# ---- the data-quality appendix: plain words, the detail to the penny ----
for pack in ("board", "finance", "quality", "lgb-BHS", "lgb-SFC", "lgb-WERR"):
    pg = pages(pack)
    start = max(i for i, p in enumerate(pg) if re.search(r"Appendix [A-Z]\. Data quality", p))
    app = " ".join(pg[start:])
    for n, r in unshown:
        check("commentary.csv line %d is on %s for %s in %s" % (n, r["kpi"], r["entity"], r["year"]) in app,
              "%s appendix: commentary.csv line %d (%s) not printed" % (pack, n, r["year"]))
    if not pack.startswith("lgb"):
        d = inc - exp
        check("a difference of -£{:,.2f}".format(abs(d)) in app, "%s appendix: the 2022/23 difference to the penny" % pack)
    check("Problems in the data" in app and "warning: internal transfers" not in app,
          "%s appendix: the problems in plain words, not as check's warnings" % pack)
sys.exit(1 if fails else 0)
PY
if [ $? -eq 0 ]; then ok "messy: every data problem named where it bites"; else ko "messy: data problems"; fi

# ---- check's text report: the exceptions grouped, one entry per KPI and entity ----
"$BOARDPACK" check --data fixtures/pet >"$tmp/pet.txt" 2>/dev/null
"$BOARDPACK" check --data fixtures/pet --format json >"$tmp/pet.json" 2>/dev/null
if "$py" - "$tmp/pet.txt" "$tmp/pet.json" <<'PY'
import json, re, sys
txt = open(sys.argv[1], encoding="utf-8").read()
res = json.load(open(sys.argv[2]))
keys = {(e["kpi"], e["scope"], e["entity"]) for e in res["exceptions"]}
block = txt.split("EXCEPTIONS:", 1)[1].split("DATA QUALITY", 1)[0]
entries = re.findall(r"^ *\d+\. (RED|AMBER) +(.*)$", block, re.M)
head = re.match(r" (\d+) entries, (\d+) red and (\d+) amber, one per KPI and entity, of (\d+) results", block)
assert head, block[:200]
n, red, amber, results = map(int, head.groups())
assert n == len(keys) == len(entries), (n, len(keys), len(entries))
assert results == len(res["exceptions"]), (results, len(res["exceptions"]))
assert red == sum(1 for s, _ in entries if s == "RED") and amber == n - red
titles = [t.split(". The result")[0] for _, t in entries]
assert len(set(titles)) == len(titles), "an entry twice"
# the JSON keeps one exception per result
assert len(res["exceptions"]) > len(keys)
# Moorside's staff costs: one entry holding the report year and the plans
ms = [t for _, t in entries if t.startswith("Staff costs as a share of income: Moorside High School.")]
assert len(ms) == 1 and "red in 2022/23 (82.4%" in ms[0] and "2023/24 forecast (82.1%)" in ms[0], ms
print(n, "entries of", results, "results")
PY
then ok "check text report: one entry per KPI and entity, as the JSON's exceptions group"
else ko "check text report: grouped exceptions"; fi

summary
