#!/bin/sh
# The scorecards with context (issue #14): the PET board pack's KPI scorecard, its cells
# worked out here from the fixture's CSV files, never read off boardpack's output -
# - staff costs as a share of income (a ceiling, by phase: SFC max 75%, the others max
#   80%; national.csv has a benchmark) and staff judged at least good (a floor of 90%,
#   amber from 85%) for each institution and the trust: the 2022/23 value and status, the
#   2021/22 value and the trend mark by the KPI's direction (a ceiling: lower is better, a
#   floor: higher), the national benchmark of the phase (the trust: all phases);
# - the target column as the KPI file writes it, by whom it applies to;
# - "n/a" for a value no target applies to (liquidity at an institution: the target is the
#   trust's) and "no data" for none (the rainy-day reserve, held by the centre alone);
# read from the element list ($BOARDPACK_PDF_ELEMENTS: each cell's text, the marks as the
# characters U+25B2, U+25BC, U+25CF, which the WinAnsi fonts draw as shapes) and checked
# against pdftotext's text of the page (values; the drawn marks have no text there).
# And the 50-institution trust of scripts/fixtures/gen_large.py: its scorecard is set on
# landscape pages and every table of it, on every page, has the trust's column.
# Run alone: BOARDPACK=./boardpack sh tests/e2e/scorecard.sh
. "$(dirname "$0")/lib/common.sh"
py=/usr/bin/python3
bp=$(cd "$(dirname "$BOARDPACK")" && pwd)/$(basename "$BOARDPACK")

for tool in pdftotext "$py"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "skip: $tool missing"
        echo "e2e: 0 passed, 0 failed, 1 skipped"; exit 0
    fi
done

"$py" scripts/fixtures/gen_large.py "$tmp/t50" 50 >/dev/null
for fx in fixtures/pet "$tmp/t50"; do
    name=$(basename "$fx")
    if BOARDPACK_PDF_ELEMENTS="$tmp/$name.el" SOURCE_DATE_EPOCH=1700000000 \
            "$bp" build --data "$fx" --out "$tmp/$name" >"$tmp/build.log" 2>&1; then
        ok "$name: build"
    else
        ko "$name: build"; tail -3 "$tmp/build.log"
    fi
done
pdftotext -raw "$tmp/pet/pet-2022-23-board.pdf" "$tmp/board.txt"

"$py" - "$tmp" <<'EOF' >"$tmp/result.txt"
import csv, os, re, sys
from collections import defaultdict
from fractions import Fraction as F

tmp = sys.argv[1]
FX = "fixtures/pet"
UP, DOWN, SAME = "\u25b2", "\u25bc", "\u25cf"

def out(good, what, detail=""):
    print(("ok   " if good else "FAIL ") + what)
    if not good and detail:
        print("    " + detail)

def elements(path):
    docs = []
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if f[0] == "document":
            docs.append({"title": f[1], "pages": {}, "els": []})
        elif f[0] == "page":
            docs[-1]["pages"][int(f[1])] = f[2]
        elif f[0] == "element":
            text = f[15].replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")
            docs[-1]["els"].append({"page": int(f[1]), "role": f[2], "level": int(f[3]),
                                    "table": int(f[9]), "row": int(f[10]), "col": int(f[11]),
                                    "text": text})
    return docs

def section_tables(doc, heading):
    """The tables under a level-1 heading: {table: {(row, col): text}} and their pages."""
    els, start = doc["els"], None
    for i, e in enumerate(els):
        if e["role"] == "heading" and e["level"] == 1:
            if start is not None:
                els = els[start:i]
                break
            if e["text"].endswith(heading):
                start = i
    else:
        els = els[start:] if start is not None else []
    tables, pages = defaultdict(dict), defaultdict(set)
    for e in els:
        if e["role"] in ("table_cell", "table_header"):
            key = (e["row"], e["col"])
            tables[e["table"]][key] = tables[e["table"]].get(key, "") + e["text"] if key[0] else e["text"]
            pages[e["table"]].add(e["page"])
    return tables, pages

# ---- the fixture's figures ----
facts = defaultdict(F)
has = set()
for name in ("finance.csv", "staff.csv"):
    with open(os.path.join(FX, name), encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            if r["scenario"] != "actual":
                continue
            facts[(r["institution"], r["year"], r["code"])] += F(r["value"])
            has.add((r["institution"], r["year"], r["code"]))
with open(os.path.join(FX, "institutions.csv"), encoding="utf-8-sig", newline="") as f:
    phase = {r["id"]: r["phase"] for r in csv.DictReader(f)}
insts = [i for i in phase if phase[i] != "central"]
nat = {}
with open(os.path.join(FX, "national.csv"), encoding="utf-8-sig", newline="") as f:
    for r in csv.DictReader(f):
        nat[(r["year"], r["phase"], r["code"])] = F(r["value"])

def total(who, year, prefix, eliminate=False):
    """sum(prefix) for an institution, or the trust (every institution and the centre,
    internal transfers eliminated); None: no fact."""
    members = [who] if who != "Trust" else list(phase)
    got, s = False, F(0)
    for (i, y, code), v in facts.items():
        if i in members and y == year and (code == prefix or code.startswith(prefix + ".")):
            if eliminate and who == "Trust" and (code.startswith("income.internal") or code.startswith("exp.internal")):
                continue
            got, s = True, s + v
    return s if got else None

def ratio(who, year, num, den):
    a, b = total(who, year, num), total(who, year, den, eliminate=True)
    return None if a is None or not b else a / b

def pct(v):
    """One decimal place, half away from zero."""
    t = v * 1000
    n = int(t + F(1, 2)) if t >= 0 else -int(-t + F(1, 2))
    return "%s%d.%d%%" % ("-" if n < 0 else "", abs(n) // 10, abs(n) % 10)

def money(v):
    return "\u00a3{:,}".format(int(v + F(1, 2)))

def trend(now, before, higher):
    if now is None or before is None:
        return None
    if pct(now) == pct(before):
        return SAME
    return UP if (now > before) == higher else DOWN

docs = elements(os.path.join(tmp, "pet.el"))
board = [d for d in docs if d["title"] == "Board of Trustees"]
out(len(board) == 1, "pet: the board pack's element list")
tables, _ = section_tables(board[0], "KPI scorecard") if board else ({}, {})
out(len(tables) == 1, "pet board: the scorecard is one table (4 institutions and the trust)",
    "%d tables" % len(tables))
cells = next(iter(tables.values())) if tables else {}
head = [cells.get((0, c), "") for c in range(7)]
out(head == ["KPI", "Target"] + insts + ["Trust"], "pet board: columns KPI, Target, %s, Trust" % ", ".join(insts),
    repr(head))
rows = {cells[k].replace("\n", " "): k[0] for k in cells if k[1] == 0 and k[0] > 0}
raw = " ".join(open(os.path.join(tmp, "board.txt"), encoding="utf-8").read().split())

def check_row(label, target, expect):
    r = rows.get(label)
    if r is None:
        out(False, "pet board: a row '%s'" % label, repr(sorted(rows)))
        return
    got = cells.get((r, 1), "").replace("\n", " ")
    out(got == target, "pet board: %s: target '%s'" % (label, target), "found %r" % got)
    for c, who in enumerate(insts + ["Trust"], start=2):
        want, got = expect[who], cells.get((r, c), "")
        out(got == want, "pet board: %s, %s: %r" % (label, who, want), "found %r" % got)
        # the page's text: the same lines but the drawn marks
        plain = " ".join(want.replace(UP, "").replace(DOWN, "").replace(SAME, "").split())
        out(plain in raw, "pet board: pdftotext shows %r" % plain)

# staff costs as a share of income: a ceiling (by phase), national.csv's benchmark
exp = {}
for who in insts + ["Trust"]:
    now = ratio(who, "2022/23", "exp.staff", "income")
    before = ratio(who, "2021/22", "exp.staff", "income")
    if who == "Trust":
        status, bench = "n/a", nat[("2022/23", "all", "staff_cost_pct")]
    else:
        cap = F(75, 100) if phase[who] == "sixth_form_college" else F(80, 100)
        status = "G" if now <= cap else "A" if now <= cap + F(2, 100) else "R"
        bench = nat[("2022/23", phase[who], "staff_cost_pct")]
    exp[who] = "%s %s\n%s %s\nnat. %s" % (pct(now), status, trend(now, before, False), pct(before), pct(bench))
check_row("Staff costs as a share of income", "SFC: max 75%; other institutions: max 80%", exp)
combos = set()      # (the KPI's direction, the value rose, the mark) of the rows checked
for w in insts + ["Trust"]:
    a, b = ratio(w, "2022/23", "exp.staff", "income"), ratio(w, "2021/22", "exp.staff", "income")
    combos.add(("max", a > b, trend(a, b, False)))

# staff absence: a ceiling of 5%, amber to 6%, for every institution and the trust
exp = {}
for who in insts + ["Trust"]:
    now = ratio(who, "2022/23", "staff.absence_days", "staff.working_days")
    before = ratio(who, "2021/22", "staff.absence_days", "staff.working_days")
    status = "G" if now <= F(5, 100) else "A" if now <= F(6, 100) else "R"
    exp[who] = "%s %s\n%s %s" % (pct(now), status, trend(now, before, False), pct(before))
    combos.add(("max", now > before, trend(now, before, False)))
check_row("Staff absence", "max 5%", exp)

# staff judged at least good: a floor of 90%, amber from 85%; no benchmark
exp = {}
for who in insts + ["Trust"]:
    now = ratio(who, "2022/23", "staff.graded_good", "staff.graded")
    before = ratio(who, "2021/22", "staff.graded_good", "staff.graded")
    status = "G" if now >= F(90, 100) else "A" if now >= F(85, 100) else "R"
    exp[who] = "%s %s\n%s %s" % (pct(now), status, trend(now, before, True), pct(before))
    combos.add(("min", now > before, trend(now, before, True)))
check_row("Staff judged at least good", "min 90%", exp)
# the fixture gives each direction a case: a ceiling risen (worse) and fallen (better), a
# floor risen (better), and a figure that reads the same
want = {("max", True, DOWN), ("max", False, UP), ("min", True, UP)}
out(want <= combos and any(m == SAME for _, _, m in combos),
    "pet board: marks by direction: a ceiling risen %s, fallen %s, a floor risen %s, unchanged %s"
    % (DOWN, UP, UP, SAME), repr(sorted(combos, key=str)))

# no target at an institution (n/a) against no data at all ("no data")
exp = {}
for who in insts + ["Trust"]:
    now = ratio(who, "2022/23", "bs.cash", "income")
    before = ratio(who, "2021/22", "bs.cash", "income")
    status = "n/a" if who != "Trust" else ("G" if now >= F(4, 100) else "A" if now >= F(3, 100) else "R")
    exp[who] = "%s %s\n%s %s" % (pct(now), status, trend(now, before, True), pct(before))
check_row("Cash as a share of income (liquidity)", "Trust: min 4%", exp)
exp = {w: "no data" for w in insts}
t_now, t_before = total("Trust", "2022/23", "bs.reserves.rainy_day"), total("Trust", "2021/22", "bs.reserves.rainy_day")
status = "G" if t_now >= 300000 else "A" if t_now >= 200000 else "R"
exp["Trust"] = "%s %s\n%s %s" % (money(t_now), status, UP if t_now > t_before else DOWN, money(t_before))
out(all(total(w, y, "bs.reserves.rainy_day") is None for w in insts for y in ("2021/22", "2022/23")),
    "pet: no institution but the centre holds a rainy-day reserve")
check_row('Designated capital ("rainy day") reserve', "Trust: min 300,000", exp)
key = " ".join(t["text"] for t in board[0]["els"] if t["role"] == "paragraph" and "How to read" in t["text"]
               or t["role"] == "paragraph" and t["text"].startswith("Each cell:"))
out("n/a no target applies" in key and "no data: none for that year" in key
    and UP in key and DOWN in key and SAME in key, "pet board: the key explains n/a, no data and the marks",
    key[:300])

# ---- the 50-institution trust: the trust's column on every page of its scorecard ----
docs = elements(os.path.join(tmp, "t50.el"))
board = [d for d in docs if d["title"] == "Board of Trustees"]
tables, pages = section_tables(board[0], "KPI scorecard") if board else ({}, {})
ninst = sum(1 for t in tables.values() for (r, c), v in t.items() if r == 0 and re.fullmatch(r"I\d\d", v))
out(ninst == 50, "t50 board: the scorecard's tables hold the 50 institutions", "%d" % ninst)
bad = [t for t, cs in tables.items() if "Trust" not in {v for (r, c), v in cs.items() if r == 0}]
out(tables and not bad, "t50 board: each of its %d tables has the trust's column" % len(tables), repr(bad))
heads = defaultdict(set)
for e in board[0]["els"] if board else []:
    if e["role"] == "table_header" and e["row"] == 0 and e["table"] in tables:
        heads[e["page"]].add(e["text"])
body_pages = {e["page"] for e in board[0]["els"] if e["role"] == "table_cell" and e["table"] in tables} if board else set()
missing = sorted(p for p in body_pages if "Trust" not in heads[p])
out(body_pages and not missing, "t50 board: the trust's column on each of the scorecard's %d pages" % len(body_pages),
    "pages without it: %s" % missing)
land = sorted(p for p in body_pages if board[0]["pages"][p] != "landscape")
out(body_pages and not land, "t50 board: the scorecard is on landscape pages", "portrait: %s" % land)
EOF
cat "$tmp/result.txt"
pass=$((pass + $(grep -c '^ok' "$tmp/result.txt")))
fail=$((fail + $(grep -c '^FAIL' "$tmp/result.txt")))
summary
