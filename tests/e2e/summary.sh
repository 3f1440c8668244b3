#!/bin/sh
# The packs' summary page and money as boards read it (issue #14), against figures worked
# out here from the fixtures' CSV files with Python's Decimal (never from the program's
# output):
#   - the PET board pack's summary carries the trust's headline figures for 2022/23 and
#     2021/22 and the change (consolidated: internal transfers eliminated; whole pounds,
#     half away from zero; negatives in brackets);
#   - its issues are the contract's first six, in its order: red before amber, the report
#     year before plans, then money at stake (|numerator - threshold x denominator| for a
#     KPI divided by income, |value - threshold| for a money KPI), then the exceptions'
#     own order - each named with its money at stake;
#   - no main section of any pack of either fixture prints pence or "-£";
#   - the summary is one page in every pack of both fixtures and of the generated
#     50-institution trust (scripts/fixtures/gen_large.py).
# Run alone: BOARDPACK=./boardpack sh tests/e2e/summary.sh
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3

for tool in pdftotext pdfinfo "$py"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "skip: $tool missing"
        echo "e2e: 0 passed, 0 failed, 1 skipped"; exit 0
    fi
done

for fx in pet second-trust; do
    if ! "$BOARDPACK" build --data "fixtures/$fx" --out "$tmp/$fx" >/dev/null 2>"$tmp/err"; then
        ko "build fixtures/$fx"; sed 's/^/    /' "$tmp/err" | head -20
    fi
done
"$py" scripts/fixtures/gen_large.py "$tmp/large-data" 50 >/dev/null 2>&1 &&
    "$BOARDPACK" build --data "$tmp/large-data" --out "$tmp/large" >/dev/null 2>"$tmp/err" ||
    { ko "build the 50-institution trust"; sed 's/^/    /' "$tmp/err" | head -20; }

# pages PDF DIR: each page's text, cropped to the text area (no running header or
# footer), into DIR/N.txt; plain (p) and -layout (l)
pages() {
    n=$(pdfinfo "$1" | awk '/^Pages:/ { print $2 }')
    mkdir -p "$2"
    i=1
    while [ "$i" -le "$n" ]; do
        pdftotext -f "$i" -l "$i" -x 0 -y 52 -W 842 -H 750 "$1" "$2/$i.p.txt" 2>/dev/null
        pdftotext -layout -f "$i" -l "$i" -x 0 -y 52 -W 842 -H 750 "$1" "$2/$i.l.txt" 2>/dev/null
        i=$((i + 1))
    done
    echo "$n" >"$2/count"
}

for pdf in "$tmp"/pet/*.pdf "$tmp"/second-trust/*.pdf "$tmp"/large/*.pdf; do
    [ -f "$pdf" ] || continue
    name=${pdf##*/}
    pages "$pdf" "$tmp/pages/$name"
done

# The checks, in Python: the figures from the CSV files, the text from the pages.
"$py" - "$tmp" <<'PY'
import csv, os, re, sys
from decimal import Decimal, ROUND_HALF_UP

tmp = sys.argv[1]
passed = failed = 0

def ok(msg):
    global passed
    passed += 1
    print("ok   " + msg)

def ko(msg, detail=""):
    global failed
    failed += 1
    print("FAIL " + msg)
    if detail:
        for line in detail.splitlines()[:12]:
            print("    " + line)

def pages(pdf):
    d = os.path.join(tmp, "pages", pdf)
    n = int(open(os.path.join(d, "count")).read())
    plain = [open(os.path.join(d, "%d.p.txt" % i), encoding="utf-8").read() for i in range(1, n + 1)]
    lay = [open(os.path.join(d, "%d.l.txt" % i), encoding="utf-8").read() for i in range(1, n + 1)]
    return plain, lay

def heading(text):
    """The page's first line when it is a section heading: '3. KPI scorecard'."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if re.match(r"^(\d+\. |Appendix [A-Z]\. )", line) else None
    return None

def squash(s):
    return re.sub(r"\s+", " ", s).strip()

# ---- the summary is one page, in every pack ----
pdfs = sorted(p for d in ("pet", "second-trust", "large") if os.path.isdir(os.path.join(tmp, d))
              for p in os.listdir(os.path.join(tmp, d)) if p.endswith(".pdf"))
summary_page = {}
for pdf in pdfs:
    plain, lay = pages(pdf)
    at = [i for i, t in enumerate(plain) if heading(t) == "1. Summary"]
    if len(at) != 1:
        ko("%s: one page opens with '1. Summary'" % pdf, "found on pages %s" % [i + 1 for i in at])
        continue
    i = at[0]
    nxt = heading(plain[i + 1]) if i + 1 < len(plain) else "(end)"
    body = squash(plain[i])
    if nxt and nxt.startswith("2. ") and "Data warnings" in body and "The issues that matter most" in body:
        ok("%s: the summary is page %d alone (next: %s)" % (pdf, i + 1, nxt))
    else:
        ko("%s: the summary is one page" % pdf, "page %d; next page opens %r" % (i + 1, nxt))
    summary_page[pdf] = (plain[i], lay[i])
large = [p for p in pdfs if p.startswith("large-")]
if len(large) < 4:
    ko("the 50-institution trust's packs were built", repr(large))

# ---- the PET's headline figures, from the CSV files ----
FX = "fixtures/pet"

def rows(name):
    with open(os.path.join(FX, name), encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))

fin = rows("finance.csv")
stu = rows("students.csv")

def under(code, prefix):
    return code == prefix or code.startswith(prefix + ".")

def total(year, prefix, scenario="actual", inst=None, eliminate=True):
    t = Decimal(0)
    for r in fin:
        c = r["code"].strip()
        if r["year"].strip() != year or r["scenario"].strip() != scenario or not under(c, prefix):
            continue
        if inst is not None and r["institution"].strip() != inst:
            continue
        if eliminate and (under(c, "income.internal") or under(c, "exp.internal")):
            continue
        t += Decimal(r["value"].replace(",", "").replace("£", ""))
    return t

def pounds(d):
    q = abs(d).quantize(Decimal(1), rounding=ROUND_HALF_UP)   # half away from zero
    s = "£{:,}".format(int(q))
    return "(%s)" % s if d < 0 and q else s

def change(d):
    q = abs(d).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if not q:
        return "no change"
    return ("up " if d > 0 else "down ") + "£{:,}".format(int(q))

def pct1(d):
    return "%s%%" % (d * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

want = []
fig = {}
for y in ("2022/23", "2021/22"):
    inc, exp = total(y, "income"), total(y, "exp")
    fig[y] = {"Income": inc, "Expenditure": exp, "In-year result": inc - exp,
              "Revenue reserves": total(y, "bs.reserves.revenue"), "Cash": total(y, "bs.cash"),
              "staff": total(y, "exp.staff") / inc,
              "pupils": sum(Decimal(r["value"]) for r in stu if r["year"].strip() == y
                            and r["scenario"].strip() == "actual" and r["code"].strip() == "students.on_roll")}
for label in ("Income", "Expenditure", "In-year result", "Revenue reserves", "Cash"):
    a, b = fig["2022/23"][label], fig["2021/22"][label]
    want.append("%s %s %s %s" % (label, pounds(a), pounds(b), change(a - b)))
sa, sb = fig["2022/23"]["staff"], fig["2021/22"]["staff"]
dp = ((sa - sb) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
want.append("Staff costs as a share of income %s %s %s %s points"
            % (pct1(sa), pct1(sb), "up" if dp > 0 else "down", abs(dp)))
pa, pb = fig["2022/23"]["pupils"], fig["2021/22"]["pupils"]
want.append("Pupils and students on roll {:,} {:,} {} {:,}".format(int(pa), int(pb), "up" if pa > pb else "down",
                                                                  int(abs(pa - pb))))
board = summary_page.get("pet-2022-23-board.pdf")
if board:
    lines = [squash(l) for l in board[1].splitlines()]
    for w in want:
        if w in lines:
            ok("PET board summary: %s" % w)
        else:
            ko("PET board summary: %s" % w, "\n".join(l for l in lines if l.split(" ")[0] in w.split(" ")[0]))
    # the recommendation, papers.csv's, word for word
    rec = [r for r in rows("papers.csv") if r["pack"] == "board"][0]["recommendation"]
    if squash(rec) in squash(board[0]):
        ok("PET board summary: the recommendation from papers.csv")
    else:
        ko("PET board summary: the recommendation from papers.csv")

# ---- the six issues, in the contract's order ----
import json
from bpresults import flat
res = flat(json.load(open(os.path.join(tmp, "pet", "pet-2022-23-results.json"), encoding="utf-8")))
kpi_file = open("templates/kpis/default.kpi", encoding="utf-8").read()
kpis = {}
for block in re.split(r"\n(?=(?:kpi|grade) )", kpi_file):
    m = re.match(r"(?:kpi|grade) (\S+)", block)
    if not m:
        continue
    def field(k):
        f = re.search(r"^  %s: (.*)$" % k, block, re.M)
        return f.group(1).strip() if f else None
    kpis[m.group(1)] = {"name": field("name"), "unit": field("unit"), "expr": field("expr")}
names = {r["id"]: r["name"] for r in rows("institutions.csv")}

def value(expr, inst, year, scen):
    """The KPI file's expression over one institution's facts (the few forms the finance
    KPIs use: codes, sum(code), + - / and brackets), exactly."""
    e = re.sub(r"sum\(([a-z0-9_.]+)\)", r"\1", expr)
    e = re.sub(r"\b([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*)\b",
               lambda m: "Decimal('%s')" % total(year, m.group(1), scen, inst, False), e)
    return eval(e, {"Decimal": Decimal})

def threshold(target, v):
    m = re.match(r"(min|max) (-?[\d.]+)(%?)", target or "")
    def num(s, pc):
        return Decimal(s) / (100 if pc else 1)
    if m:
        return num(m.group(2), m.group(3))
    m = re.match(r"(-?[\d.]+)(%?)-(-?[\d.]+)(%?)", target or "")
    if m:
        lo, hi = num(m.group(1), m.group(2)), num(m.group(3), m.group(4))
        return lo if v < lo else hi
    m = re.match(r"min £(-?[\d,]+)", target or "")
    return Decimal(m.group(1).replace(",", "")) if m else None

def stake(kpi, inst, year, scen, target):
    k = kpis.get(kpi)
    if not k or not k["expr"] or inst is None:
        return None
    if k["unit"] == "money":
        v = value(k["expr"], inst, year, scen)
        t = threshold(target, v)
        return None if t is None else abs(v - t)
    m = re.match(r"^(.*) / income$", k["expr"])
    if not m:
        return None
    num, den = value(m.group(1), inst, year, scen), total(year, "income", scen, inst, False)
    t = threshold(target, num / den)
    return None if t is None else abs(num - t * den)

results = {(r["kpi"], r["scope"], r["entity"], r["year"], r["scenario"]): r for r in res["results"]}
groups, order, place = {}, [], {}
for i, x in enumerate(res["exceptions"]):
    key = (x["kpi"], x["scope"], x["entity"])
    place[(key, x["year"], x["scenario"])] = i
    if key not in groups:
        groups[key] = []
        order.append(key)
    groups[key].append(x)
cands = []
for key in order:
    xs = groups[key]
    cur = [x for x in xs if x["year"] == "2022/23" and x["scenario"] == "actual"]
    worst = "red" if any(x["status"] == "red" for x in xs) else "amber"
    lead = cur[0] if cur else [x for x in xs if x["status"] == worst][0]
    r = results[(lead["kpi"], lead["scope"], lead["entity"], lead["year"], lead["scenario"])]
    inst = lead["entity"] if lead["scope"] == "institution" else None
    s = stake(lead["kpi"], inst, lead["year"], lead["scenario"], r["target"])
    # "then by distance": the lead result's place in the exceptions' own order (bp_eval:
    # red first, the furthest from target first)
    rank = place[(key, lead["year"], lead["scenario"])]
    cands.append((0 if worst == "red" else 1, 0 if cur else 1, 0 if s is not None else 1,
                  -(s or 0), rank, key, s))
cands.sort()
top = cands[:6]
plain = squash(board[0]) if board else ""
at = plain.find("The issues that matter most")
pos, good = at, True
for c in top:
    kpi, scope, entity = c[5]
    title = "%s: %s" % (kpis[kpi]["name"], names.get(entity, entity))
    p = plain.find(title, pos)
    if p < 0:
        ko("PET board summary: issue %s in its place" % title, plain[at:at + 1500])
        good = False
        break
    tail = plain[p:p + 400]
    if c[6] is not None:
        gap = "a gap %s %s" % ("of" if kpis[kpi]["unit"] == "money" else "worth", pounds(c[6]))
        if gap not in tail.split(" RED ")[0]:
            ko("PET board summary: %s names its money at stake (%s)" % (title, gap), tail)
            good = False
    pos = p + len(title)
if good and top:
    ok("PET board summary: the six issues in the contract's order (%s)" %
       "; ".join("%s %s" % (c[5][0], c[5][2]) for c in top))

# ---- money as boards read it: no pence, no "-£" in a main section ----
def rows_of(pdf, name):
    path = os.path.join("fixtures", "pet" if pdf.startswith("pet-") else "second-trust", name)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


pence = re.compile(r"£\s?[\d,]+\.\d\d\b")
for pdf in pdfs:
    if pdf.startswith("large-"):
        continue
    plain_pages, _ = pages(pdf)
    main, on = [], False
    for t in plain_pages:
        h = heading(t)
        if h and h.startswith("Appendix"):
            on = False
        elif h and re.match(r"^\d+\. ", h):
            on = True
        if on:
            main.append(t)
    # the authors' commentary is quoted as written (its pence are theirs)
    text = squash("\n".join(main))
    for c in rows_of(pdf, "commentary.csv"):
        text = text.replace(squash(c["text"]), "")
    bad = pence.findall(text) + re.findall(r"-£[\d,.]+", text)
    if not main:
        ko("%s: main sections found" % pdf)
    elif bad:
        ko("%s: no pence and no '-£' in the main sections" % pdf, " ".join(bad[:10]))
    else:
        ok("%s: no pence and no '-£' in %d main pages" % (pdf, len(main)))
print("e2e: %d passed, %d failed, 0 skipped" % (passed, failed))
sys.exit(1 if failed else 0)
PY
rc=$?
if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
# the Python's own counts are the summary line; add those of the builds above
[ "$fail" -eq 0 ] || { echo "e2e: $pass passed, $fail failed, 0 skipped"; exit 1; }
