"""The packs' charts (issue #14, "charts that carry the message"), read from the page
layer's element list: each chart in its pack and section, its alternative text carrying
the values worked out here from the fixture's CSVs, its caption saying the message, the
adverse variances of Budget against actual marked by more than a tint, and the staff
costs of a 50-institution trust in charts whose bars leave room for their labels.

Usage: charts.py ELEMENTS_PET ELEMENTS_LARGE FIXTURE_DIR LARGE_DIR.  Prints ok/FAIL lines.

The targets are those of templates/kpis/default.kpi, stated here as the KPI file writes
them: surplus_pct band 0.5%..2.0% for institutions (amber 0%..0.5%, 2%..4%) and none for
the trust; staff_cost_pct max 75% for sixth-form colleges (amber to 77%), max 80% for the
other phases (amber to 82%); reserves_total min £1,000,000 for the trust; revenue_reserve
min £0 for each academy."""
import csv
import math
import sys
from collections import defaultdict
from fractions import Fraction

from fontTools.ttLib import TTFont

fails = 0


def check(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails += 1


def documents(path):
    """{title: [element dicts in reading order]}"""
    docs, cur = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if p[0] == "document":
                cur = docs.setdefault(p[1], [])
            elif p[0] == "element":
                cur.append({"page": int(p[1]), "role": p[2], "level": int(p[3]),
                            "x0": float(p[5]), "y0": float(p[6]), "x1": float(p[7]),
                            "y1": float(p[8]), "table": int(p[9]), "row": int(p[10]),
                            "col": int(p[11]), "text": p[15]})
    return docs


def section(els, start):
    """The elements from the level-1 heading that ends with `start` to the next one."""
    out, on = [], False
    for e in els:
        if e["role"] == "heading" and e["level"] == 1:
            if on:
                break
            on = e["text"].endswith(start)
        if on:
            out.append(e)
    return out


def figures(els, opening):
    return [e for e in els if e["role"] == "figure" and e["text"].startswith(opening)]


def caption_of(els, fig):
    """The paragraph just before a figure: its caption."""
    i = els.index(fig)
    paras = [e for e in els[:i] if e["role"] == "paragraph"]
    return paras[-1]["text"] if paras else ""


# ---- the fixture's figures, in pence ----

def pence(s):
    whole, _, frac = s.strip().partition(".")
    neg = whole.startswith("-")
    whole = whole.lstrip("-")
    v = int(whole or 0) * 100 + int((frac + "00")[:2])
    return -v if neg else v


def load(fixture):
    facts = defaultdict(int)   # (inst, year, scenario, code) -> pence
    with open(f"{fixture}/finance.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            facts[(r["institution"], r["year"], r["scenario"], r["code"])] += pence(r["value"])
    with open(f"{fixture}/institutions.csv", newline="", encoding="utf-8") as f:
        insts = list(csv.DictReader(f))
    return facts, insts


def total(facts, year, scen, prefix, inst=None, skip=None):
    return sum(v for (i, y, s, c), v in facts.items()
               if y == year and s == scen and (inst is None or i == inst)
               and (c == prefix or c.startswith(prefix + "."))
               and not (skip and (c == skip or c.startswith(skip + "."))))


def has(facts, year, scen, prefix):
    return any(y == year and s == scen and (c == prefix or c.startswith(prefix + "."))
               for (i, y, s, c) in facts)


def columns(facts, report, code):
    """The chart's years: actuals to the report year (at most three), then each later
    year's forecast, else its budget."""
    ry = int(report[:4])
    years = sorted({y for (_, y, _, _) in facts})
    cols = []
    for y in years:
        yi = int(y[:4])
        if ry - 2 <= yi <= ry and has(facts, y, "actual", code):
            cols.append((y, "actual"))
        elif yi > ry:
            for s in ("forecast", "budget"):
                if has(facts, y, s, code):
                    cols.append((y, s))
                    break
    return cols


def label(y, s):
    return y if s == "actual" else f"{y} {s}"


def pct(v):
    """The chart's label: one decimal, trailing zeros dropped ("1%", "0.4%")."""
    t = f"{float(v) * 100:.1f}".rstrip("0").rstrip(".")
    return ("0" if t in ("-0", "") else t) + "%"


def pct1(v):
    """A caption's figure: one decimal place, half away from zero."""
    q = Fraction(v) * 1000
    n = math.floor(abs(q) + Fraction(1, 2))
    n = -n if q < 0 else n
    return f"{'-' if n < 0 else ''}{abs(n) // 10}.{abs(n) % 10}%"


def pounds(p):
    """Pence as the tables print pounds: "£1,974,033", "(£19,452)"; half a pound away from zero."""
    q = (abs(p) + 50) // 100
    t = f"\u00a3{q:,}"
    return f"({t})" if p < 0 and q else t


def main():
    pet_el, large_el, fixture, large = sys.argv[1:5]
    docs = documents(pet_el)
    facts, insts = load(fixture)
    report = "2022/23"
    board = docs["Board of Trustees"]
    fin = docs["Finance and Resources Committee"]

    # ---- the in-year result by year, against the band ----
    cols = columns(facts, report, "income")
    want = []
    vals = {}
    for y, s in cols:
        inc = total(facts, y, s, "income", skip="income.internal")
        exp = total(facts, y, s, "exp", skip="exp.internal")
        v = Fraction(inc - exp, inc)
        vals[(y, s)] = v
        if v < Fraction(5, 1000):
            word = "amber, below" if v >= 0 else "red, below"
        elif v > Fraction(2, 100):
            word = "amber, above" if v <= Fraction(4, 100) else "red, above"
        else:
            word = "green"
        # the value as the tables print it (the scorecard's one decimal), not the bar's "1%"
        want.append(f"{label(y, s)} {pct1(v)} ({word})")
    fs = section(board, "Finance summary")
    figs = figures(fs, "Bar chart of the in-year result")
    check(len(figs) == 1, "board pack: the in-year result chart is in the finance summary")
    if figs:
        alt = figs[0]["text"]
        check(", ".join(want) in alt and "target 0.5% to 2%" in alt,
              "board pack: its alternative text gives every year's result and the band "
              f"({'; '.join(want)})")
        cap = caption_of(fs, figs[0])
        acts = [c for c in cols if c[1] == "actual"]
        first, last = vals[acts[0]], vals[acts[-1]]
        verb = "fell" if last < first else "rose"
        check(f"The in-year result {verb} from {pct1(first)} of income in {acts[0][0]} to "
              f"{pct1(last)} in {acts[-1][0]}" in cap,
              "board pack: the caption says how the result moved over the actual years")
        below = [c for c in cols if c[1] != "actual" and vals[c] < Fraction(5, 1000)]
        check(len(below) > 0 and all(f"{y} ({pct1(vals[(y, s)])})" in cap for y, s in below)
              and "below the band" in cap,
              "board pack: the caption names the plan years below the band: "
              + ", ".join(y for y, _ in below))
        check("the trust has none of its own" in cap,
              "board pack: the caption says the band is the institutions' target")
    figs = figures(section(fin, "Three-year trends"), "Bar chart of the in-year result")
    check(len(figs) == 1, "finance pack: the in-year result chart is in the trends")
    check(not figures(section(fin, "Budget and forecast"), "Bar chart"),
          "finance pack: the forecast repeats neither chart")

    # ---- staff costs against each institution's ceiling ----
    names = {r["id"]: r["name"] for r in insts}
    want, over = [], []
    for r in insts:
        i = r["id"]
        if r["phase"] == "central":
            continue
        inc = total(facts, report, "actual", "income", inst=i)
        staff = total(facts, report, "actual", "exp.staff", inst=i)
        v = Fraction(staff, inc)
        ceil = Fraction(75, 100) if r["phase"] == "sixth_form_college" else Fraction(80, 100)
        if v <= ceil:
            word = "green"
        else:
            word = ("amber" if v <= ceil + Fraction(2, 100) else "red") + ", over"
            over.append(names[i])
        want.append(f"{i} {pct1(v)} ({word}; ceiling {pct(ceil)})")
    figs = figures(fs, "Bar chart of Staff costs")
    check(len(figs) == 1, "board pack: the staff-cost chart is in the finance summary")
    if figs:
        check(", ".join(want) in figs[0]["text"],
              "board pack: its alternative text gives each institution's staff costs "
              "and ceiling (" + "; ".join(want) + ")")
        cap = caption_of(fs, figs[0])
        check(over and all(n in cap for n in over) and "over the ceiling" in cap,
              "board pack: the caption names the institutions over their ceilings: "
              + ", ".join(over))
    figs = figures(section(fin, "Efficiency charts"), "Bar chart of Staff costs")
    check(len(figs) == 1 and all(n in caption_of(fin, figs[0]) for n in over),
          "finance pack: the efficiency charts' staff costs have the caption")

    # ---- reserves over time ----
    cols = columns(facts, report, "bs.reserves.revenue")
    want = []
    for y, s in cols:
        p = total(facts, y, s, "bs.reserves.revenue")
        # in pounds as the scorecard and key figures print it, not the bar's "£1.97m"
        want.append(f"{label(y, s)} {pounds(p)} ({'green' if p >= 100000000 else 'red'}")
    deficits = sorted({names[i] for (i, y, s, c), v in facts.items()
                       if c == "bs.reserves.revenue" and v < 0 and (y, s) in cols
                       and y >= report and i in names})
    for title, sec in (("board pack", section(board, "Budget and forecast")),
                       ("finance pack", section(fin, "Reserves and liquidity"))):
        figs = figures(sec, "Bar chart of the revenue reserves")
        check(len(figs) == 1, f"{title}: the reserves chart is in {sec[0]['text']}")
        if not figs:
            continue
        alt = figs[0]["text"]
        check(all(w in alt for w in want) and "target at least \u00a31m" in alt,
              f"{title}: its alternative text gives every year's reserves and the target")
        cap = caption_of(sec, figs[0])
        check(deficits and all(f"{n}'s own reserve" in cap for n in deficits),
              f"{title}: the caption names the academies in deficit: " + ", ".join(deficits))

    # ---- adverse variances: a mark, not just a tint ----
    ba = section(fin, "Budget against actual")
    table_of, heading = {}, None
    for e in ba:
        if e["role"] == "heading" and e["level"] == 2:
            heading = e["text"]
        if e["role"] == "table_cell" and e["col"] == 3 and e["row"] > 0:
            table_of.setdefault(e["table"], heading)
            t = e["text"].replace(" \u25bc", "")
            if t in ("not compared", "-", ""):
                continue
            neg = t.startswith("(")
            adverse = (not neg) if table_of[e["table"]] == "Expenditure" else neg
            zero = t.strip("()\u00a3,0") == ""
            if zero:
                adverse = False
            if adverse != e["text"].endswith("\u25bc"):
                check(False, f"finance pack: variance {e['text']} in {heading} marked as it should be")
    check(len(table_of) == 3, "finance pack: every adverse variance of Budget against actual "
          "carries the mark, every other none")

    # ---- a wide trust: bars per chart and room for the labels ----
    ldocs = documents(large_el)
    lboard = ldocs["Board of Trustees"]
    lfs = section(lboard, "Finance summary")
    figs = figures(lfs, "Bar chart of Staff costs")
    _, linsts = load(large)
    n = sum(1 for r in linsts if r["phase"] != "central")
    per = math.ceil(n / math.ceil(n / 14))
    check(len(figs) == math.ceil(n / 14),
          f"wide trust: {n} institutions in {math.ceil(n / 14)} staff-cost charts")
    font = TTFont("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    bold = TTFont("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")

    def width(f, s, size):
        cmap, hmtx, upm = f.getBestCmap(), f["hmtx"], f["head"].unitsPerEm
        return sum(hmtx[cmap[ord(ch)]][0] for ch in s) * size / upm

    counts, tight = [], []
    for fig in figs:
        body = fig["text"].split(": ", 1)[1]
        bars = [b for b in body.split("; target")[0].split(", ") if b[:1].isalnum() and " " in b]
        bars = [b for b in bars if b.split(" ")[0].startswith("I") or b.startswith("Trust")]
        counts.append(len(bars) - 1)
        # the plot is the figure's width less the tick labels ("100%" and a gap)
        # at 8 pt, the charts' label size (no text under 8 pt, docs/accessibility.md)
        slot = (fig["x1"] - fig["x0"] - width(font, "100%", 8) - 6) / len(bars)
        for b in bars:
            v = b.split(" ")[1]
            if width(font, v, 8) > slot - 2 or ("over" in b and width(bold, "R over", 8) > slot - 2):
                tight.append(b)
    check(sum(counts) == n and max(counts) <= per and max(counts) - min(counts) <= 1,
          f"wide trust: the charts share the institutions evenly ({counts}), at most {per} "
          "and the trust each")
    check(not tight, "wide trust: every value label and 'R over' fits its bar's slot at 8 pt"
          + (f" (not: {tight[:3]})" if tight else ""))
    return 1 if fails else 0


sys.exit(main())
