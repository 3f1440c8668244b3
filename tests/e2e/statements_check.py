#!/usr/bin/python3
"""The workbook's financial statements against figures worked out here from the CSVs, and
their integrity checks tampered with (tests/e2e/statements.sh).  Each command prints
"ok   ..." / "FAIL ..." lines and exits 1 on a failure.

  check BOOK DATA       Income and expenditure, Budget v actual, Balance sheet, Reserves,
                        the Finance checks and the Scorecard's prior year: every figure
                        equals the sum of finance.csv's facts (Decimal, in pence) worked
                        out here; every total is the sum of the lines shown; variances
                        have DATA.md's sign ("Variance (favourable positive)") and words;
                        net assets follow DATA.md's "Balance sheet"; the revenue reserve
                        rolls forward; every check cell is 0
  tamper BOOK [LO_TIMEOUT]
                        in LibreOffice (tests/e2e/lo_edit.py), a constant typed over a
                        formula feeding each check the statements register turns that
                        check non-zero; sorting Data leaves every check cell at 0

Cells are found by their labels, codes and headers, never by fixed addresses.
"""
import csv
import json
import os
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import openpyxl
sys.dont_write_bytecode = True   # no __pycache__ in the tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import checks  # noqa: E402
from checks import check  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
INTERNAL = ("income.internal", "exp.internal")




# ---- the data, read here ----

def pence(text):
    """Money as finance.csv may write it ("£1,234.50", "(1,200)", "-5") in pence."""
    t = text.strip().replace(",", "").replace("\u00a3", "")
    neg = t.startswith("(") and t.endswith(")")
    if neg:
        t = t[1:-1]
    p = Decimal(t) * 100
    assert p == p.to_integral_value(), text
    return -int(p) if neg else int(p)


def year_of(text):
    return text.strip().replace("-", "/")


class Data:
    def __init__(self, folder):
        self.trust = {}
        with open(os.path.join(folder, "trust.csv"), encoding="utf-8-sig") as f:
            for r in csv.reader(f):
                if len(r) >= 2:
                    self.trust[r[0].strip().lower()] = r[1].strip()
        with open(os.path.join(folder, "institutions.csv"), encoding="utf-8-sig") as f:
            self.insts = [{k.strip().lower(): v.strip() for k, v in r.items()} for r in csv.DictReader(f)]
        self.ids = [i["id"] for i in self.insts]
        self.names = {i["name"]: i["id"] for i in self.insts}
        self.facts = []
        with open(os.path.join(folder, "finance.csv"), encoding="utf-8-sig") as f:
            for r in csv.DictReader(f):
                r = {k.strip().lower(): (v or "").strip() for k, v in r.items()}
                if r.get("period"):
                    continue
                self.facts.append((r["institution"], year_of(r["year"]), r["scenario"], r["code"],
                                   pence(r["value"])))
        self.year = year_of(self.trust["report_year"])
        y = int(self.year[:4]) - 1
        self.prior = "%d/%02d" % (y, (y + 1) % 100)

    def sum(self, insts, year, scen, code, eliminate=False):
        """Pence, or None for no data: the facts of the code and the codes under it."""
        total, any_ = 0, False
        for inst, y, s, c, v in self.facts:
            if inst not in insts or y != year or s != scen:
                continue
            if c != code and not c.startswith(code + "."):
                continue
            if eliminate and any(c == i or c.startswith(i + ".") for i in INTERNAL):
                continue
            total, any_ = total + v, True
        return total if any_ else None


def cents(v):
    """A cell's value in pence (None for a blank or text)."""
    if v is None or isinstance(v, str):
        return None
    return int(round(Decimal(repr(v)) * 100))


def add(*vals):
    xs = [v for v in vals if v is not None]
    return sum(xs) if xs else None


def internal(code):
    return any(code == i or code.startswith(i + ".") for i in INTERNAL)


def rows_of(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


# ---- Income and expenditure ----

def ie(wb, d):
    rows = rows_of(wb["Income and expenditure"])
    head = next(i for i, r in enumerate(rows) if r[0] == "Line")
    cols = {v: c for c, v in enumerate(rows[head]) if c >= 2 and v}
    insts = [v for v in cols if v in d.ids]
    bad, n = [], 0
    section, group_lines, subtotals, totals = None, [], [], {}

    def want(col, code, kind):
        """The figure of a column for a code: kind line (its facts), sub or total."""
        if col in insts:
            return d.sum([col], d.year, "actual", code)
        if col == "total":
            return d.sum(d.ids, d.year, "actual", code)
        if col == "eliminated":
            if internal(code):
                t = d.sum(d.ids, d.year, "actual", code)
                return -t if t is not None else None
            if code in ("income", "exp"):
                t = d.sum(d.ids, d.year, "actual", code + ".internal")
                return -t if t is not None else None
            return None
        # the consolidated trust
        if internal(code):
            return 0 if d.sum(d.ids, d.year, "actual", code) is not None else None
        return d.sum(d.ids, d.year, "actual", code, eliminate=True)

    for i in range(head + 1, len(rows)):
        r = rows[i]
        label, code = str(r[0] or ""), r[1]
        if label in ("Income", "Expenditure"):
            section, subtotals = label, []
            continue
        if label.startswith("  ") and not label.startswith("   ") and not code:
            group_lines = []
            continue
        if code and label.startswith("    "):
            group_lines.append(i)
            for col, c in cols.items():
                n += 1
                if cents(r[c]) != want(col, code, "line"):
                    bad.append("%s %s: %r, want %r" % (code, col, r[c], want(col, code, "line")))
        elif code and label.startswith("  Total "):
            subtotals.append(i)
            for col, c in cols.items():
                n += 1
                shown = add(*[cents(rows[k][c]) for k in group_lines])
                if cents(r[c]) != shown or cents(r[c]) != want(col, code, "sub"):
                    bad.append("subtotal %s %s: %r, lines %r, want %r" % (code, col, r[c], shown,
                                                                         want(col, code, "sub")))
        elif label in ("Total income", "Total expenditure"):
            totals[code] = i
            for col, c in cols.items():
                n += 1
                shown = add(*[cents(rows[k][c]) for k in subtotals])
                if cents(r[c]) != shown or cents(r[c]) != want(col, code, "total"):
                    bad.append("%s %s: %r, subtotals %r, want %r" % (label, col, r[c], shown,
                                                                     want(col, code, "total")))
        elif label.startswith("In-year result"):
            for col, c in cols.items():
                inc, exp = cents(rows[totals["income"]][c]), cents(rows[totals["exp"]][c])
                n += 1
                if cents(r[c]) != (inc - exp if inc is not None and exp is not None else None):
                    bad.append("result %s: %r" % (col, r[c]))
    check("Income and expenditure: %d figures equal finance.csv's sums, every subtotal and total "
          "the sum of the lines shown" % n, n > 0 and not bad, "; ".join(bad[:6]))
    return cols


def check_cells(wb):
    """{(sheet, coordinate): value} of every cell in a row labelled "check: ..."."""
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            if row and isinstance(row[0].value, str) and row[0].value.startswith("check: "):
                for c in row[1:]:
                    if c.value is not None and not isinstance(c.value, str):
                        out[(ws.title, c.coordinate)] = c.value
    return out


# ---- Budget v actual ----

def bva(wb, d):
    rows = rows_of(wb["Budget v actual"])
    if d.sum(d.ids, d.year, "budget", "income") is None and d.sum(d.ids, d.year, "budget", "exp") is None:
        check("Budget v actual: no budget for the report year, and the sheet says so",
              any(str(r[0] or "").startswith("No budget for %s" % d.year) for r in rows))
        return
    bad, n, blocks = [], 0, 0
    i = 0
    while i < len(rows):
        if i + 1 < len(rows) and rows[i + 1][0] == "Line" and rows[i][0]:
            title = rows[i][0]
            trust = "consolidated" in title
            ents = d.ids if trust else [title.rsplit("(", 1)[1].rstrip(")")]
            blocks += 1
            i += 2
            sign, lines, subs, totals = 1, [], [], {}
            while i < len(rows) and not str(rows[i][0] or "").startswith("check: "):
                r = rows[i]
                label, code = str(r[0] or ""), r[1]
                b, a, v, pct, word = (cents(r[2]), cents(r[3]), cents(r[4]), r[5], r[6])
                want_b = want_a = None
                if label in ("Income", "Expenditure"):
                    sign, subs = (1 if label == "Income" else -1), []
                elif label.startswith("  ") and not label.startswith("   ") and not code:
                    lines = []
                elif code:
                    want_b = d.sum(ents, d.year, "budget", code, eliminate=trust)
                    want_a = d.sum(ents, d.year, "actual", code, eliminate=trust)
                    if label.startswith("    "):
                        lines.append(i)
                        shown = None
                    elif label.startswith("  Total "):
                        subs.append(i)
                        shown = [add(*[cents(rows[k][c]) for k in lines]) for c in (2, 3)]
                    else:
                        totals[code] = i
                        shown = [add(*[cents(rows[k][c]) for k in subs]) for c in (2, 3)]
                    if shown is not None and [b, a] != shown:
                        bad.append("%s %s: %r, lines %r" % (title, code, [b, a], shown))
                elif label.startswith("In-year result"):
                    sign = 1
                    bi, ai = [cents(rows[totals["income"]][c]) for c in (2, 3)]
                    be, ae = [cents(rows[totals["exp"]][c]) for c in (2, 3)]
                    want_b = bi - be if bi is not None and be is not None else None
                    want_a = ai - ae if ai is not None and ae is not None else None
                if code or label.startswith("In-year result"):
                    n += 1
                    wv = None if want_a is None or want_b is None else sign * (want_a - want_b)
                    ww = "" if wv is None else "favourable" if wv > 0 else "adverse" if wv < 0 else "on budget"
                    if want_b is None or want_b == 0:
                        wp = "no budget" if want_a is not None or want_b == 0 else None
                    else:
                        wp = Fraction(wv, abs(want_b)) if wv is not None else None
                    okp = (pct == wp) if isinstance(wp, str) or wp is None else \
                        isinstance(pct, (int, float)) and abs(Fraction(pct) - wp) <= abs(wp) * Fraction(1, 10 ** 12)
                    if (b, a, v) != (want_b, want_a, wv) or (word or "") != ww or not okp:
                        bad.append("%s %s %s: %r, want %r" % (title, code, label.strip(), (b, a, v, pct, word),
                                                              (want_b, want_a, wv, wp, ww)))
                i += 1
        i += 1
    check("Budget v actual: %d blocks, %d lines: budget and actual equal finance.csv's sums, totals "
          "the sums of the lines shown, variances favourable positive with their %% and word"
          % (blocks, n), blocks == len(d.ids) + 1 and n > 0 and not bad, "; ".join(bad[:6]))


# ---- Balance sheet and Reserves ----

def entity_cols(rows, head, d, span):
    """{entity id or "trust": first column} from the names over the header row."""
    out = {}
    for c, v in enumerate(rows[head - 1]):
        if v in d.names:
            out[d.names[v]] = c
        elif isinstance(v, str) and v.startswith("Trust"):
            out["trust"] = c
    return out


def balance(wb, d):
    rows = rows_of(wb["Balance sheet"])
    head = next(i for i, r in enumerate(rows) if r[0] == "Balance at 31 August")
    ents = entity_cols(rows, head, d, 2)
    by_code = {r[1]: i for i, r in enumerate(rows) if r[1]}
    net = next(i for i, r in enumerate(rows) if r[0] == "Net assets")
    bad, n, shown_net = [], 0, 0
    for e, c0 in ents.items():
        insts = d.ids if e == "trust" else [e]
        for k, year in enumerate((d.year, d.prior)):
            c = c0 + k
            s = {code: d.sum(insts, year, "actual", code) for code in
                 ("bs.fixed_assets", "bs.current_assets", "bs.current_liabilities",
                  "bs.long_term_liabilities", "bs.pension", "bs.reserves")}
            for code, i in by_code.items():
                n += 1
                got = cents(rows[i][c])
                if code == "bs.reserves":
                    funds = [j for j in by_code.values() if str(rows[j][1]).startswith("bs.reserves.")]
                    if got != s["bs.reserves"] or got != add(*[cents(rows[j][c]) for j in funds]):
                        bad.append("%s %s total funds %r, want %r" % (e, year, got, s["bs.reserves"]))
                elif got != d.sum(insts, year, "actual", code):
                    bad.append("%s %s %s %r" % (e, year, code, got))
            fa, ca, cl = s["bs.fixed_assets"], s["bs.current_assets"], s["bs.current_liabilities"]
            want = "n/a" if None in (fa, ca, cl) else \
                fa + ca - cl - (s["bs.long_term_liabilities"] or 0) - (s["bs.pension"] or 0)
            got = rows[net][c] if isinstance(rows[net][c], str) else cents(rows[net][c])
            n += 1
            if got != want:
                bad.append("%s %s net assets %r, want %r" % (e, year, got, want))
            if want != "n/a" and s["bs.reserves"] is not None:
                shown_net += 1
                if want != s["bs.reserves"]:
                    bad.append("%s %s: net assets %r differ from funds %r in the data" % (e, year, want, s["bs.reserves"]))
    check("Balance sheet: %d figures equal finance.csv's balances, net assets as DATA.md has them "
          "(n/a without FA, CA and CL), %d of them equal to the funds" % (n, shown_net),
          n > 0 and not bad, "; ".join(bad[:6]))
    return shown_net


def reserves(wb, d):
    rows = rows_of(wb["Reserves"])
    head = next(i for i, r in enumerate(rows) if r[0] == "Line")
    cols = {v: c for c, v in enumerate(rows[head]) if c >= 2 and v}
    at = {str(r[0]).strip(): i for i, r in enumerate(rows) if r[0] and i > head}
    o = next(i for l, i in at.items() if l.startswith("Opening revenue reserve"))
    res = next(i for l, i in at.items() if l.startswith("In-year result"))
    cl = next(i for l, i in at.items() if l.startswith("Closing revenue reserve"))
    bs = next(i for l, i in at.items() if l.startswith("Revenue reserve per the balance sheet"))
    bad, rolled = [], 0
    for e, c in cols.items():
        insts = d.ids if e == "trust" else [e]
        op = d.sum(insts, d.prior, "actual", "bs.reserves.revenue")
        inc, exp = d.sum(insts, d.year, "actual", "income"), d.sum(insts, d.year, "actual", "exp")
        result = inc - exp if inc is not None and exp is not None else None
        close = d.sum(insts, d.year, "actual", "bs.reserves.revenue")
        calc = op + result if op is not None and result is not None else None
        got = [cents(rows[i][c]) for i in (o, res, cl, bs)]
        if got != [op, result, calc, close]:
            bad.append("%s: %r, want %r" % (e, got, [op, result, calc, close]))
        if e != "trust" and calc is not None and close is not None:
            rolled += 1
            if calc != close:
                bad.append("%s does not roll forward in the data: %r + %r != %r" % (e, op, result, close))
    check("Reserves: opening + in-year result = closing revenue reserve, as worked out from "
          "finance.csv, for %d institutions" % rolled, rolled > 0 and not bad, "; ".join(bad[:6]))


# ---- Finance and the Scorecard's prior year ----

def finance(wb, d):
    rows = rows_of(wb["Finance"])
    head = next(i for i, r in enumerate(rows) if r[0] == "Line")
    bad, n = [], 0
    for label, code in (("Consolidated income", "income"), ("Consolidated expenditure", "exp")):
        i = next(k for k, r in enumerate(rows) if r[0] == label)
        for c, h in enumerate(rows[head]):
            if c < 2 or not h:
                continue
            year, scen = h.split()
            n += 1
            want = d.sum(d.ids, year, scen, code, eliminate=True)
            if cents(rows[i][c]) != want:
                bad.append("%s %s: %r, want %r" % (label, h, rows[i][c], want))
    check("Finance: %d consolidated totals equal finance.csv's sums less the internal transfers" % n,
          n > 0 and not bad, "; ".join(bad[:6]))


def prior(wb, d):
    ws = wb["Scorecard"]
    rows = rows_of(ws)
    head = next(i for i, r in enumerate(rows) if r[0] == "KPI")
    bad, n = [], 0
    for i in range(head + 1, len(rows)):
        kpi = rows[i][0]
        if kpi not in ("staff_cost_pct", "surplus_pct"):
            continue
        for c, h in enumerate(rows[head]):
            if h not in d.ids or c + 2 >= len(rows[head]) or rows[head][c + 2] != d.prior:
                continue
            inc = d.sum([h], d.prior, "actual", "income")
            top = d.sum([h], d.prior, "actual", "exp.staff") if kpi == "staff_cost_pct" else \
                (inc - d.sum([h], d.prior, "actual", "exp") if inc is not None and
                 d.sum([h], d.prior, "actual", "exp") is not None else None)
            want = Fraction(top, inc) if top is not None and inc else None
            got = rows[i][c + 2]
            n += 1
            if (want is None) != (got in (None, "")) or \
                    (want is not None and abs(Fraction(got) - want) > abs(want) * Fraction(1, 10 ** 12)):
                bad.append("%s %s %s: %r, want %r" % (kpi, h, d.prior, got, want and float(want)))
    check("Scorecard: %d prior-year (%s) values of staff_cost_pct and surplus_pct equal those worked "
          "out from finance.csv" % (n, d.prior), n > 0 and not bad, "; ".join(bad[:6]))


def cmd_check(book, folder):
    d = Data(folder)
    wb = openpyxl.load_workbook(book, data_only=True)
    ie(wb, d)
    bva(wb, d)
    balance(wb, d)
    reserves(wb, d)
    finance(wb, d)
    prior(wb, d)
    cells = check_cells(wb)
    nonzero = {k: v for k, v in cells.items() if v != 0}
    sheets = sorted(set(s for s, _ in cells))
    check("%d check cells on %s, every one 0" % (len(cells), ", ".join(sheets)),
          cells and not nonzero, str(list(nonzero.items())[:6]))


# ---- tampering ----

def find_row(ws, pred, start=1):
    for r in range(start, ws.max_row + 1):
        if pred(ws.cell(row=r, column=1).value, ws.cell(row=r, column=2).value):
            return r
    return None


def first_number(ws, r, c0, c1):
    for c in range(c0, c1 + 1):
        if isinstance(ws.cell(row=r, column=c).value, (int, float)):
            return c
    return None


def plan(book):
    """[(what, sheet, cell, new value, check cell)]: a formula feeding a check, the
    constant typed over it, and the check cell that must then be non-zero."""
    wv = openpyxl.load_workbook(book, data_only=True)
    out = []

    def add_case(what, ws, r, c, check_label, start=1):
        if r is None or c is None:
            return
        k = find_row(ws, lambda a, b: isinstance(a, str) and a.startswith(check_label), start)
        if k is None:
            return
        v = ws.cell(row=r, column=c).value
        out.append((what, ws.title, ws.cell(row=r, column=c).coordinate, str(round(v + 1000, 2)),
                    ws.cell(row=k, column=c).coordinate))

    ws = wv["Income and expenditure"]
    r = find_row(ws, lambda a, b: isinstance(a, str) and a.startswith("    ") and b and b.startswith("income."))
    add_case("Income and expenditure: a line of the first institution", ws, r, first_number(ws, r, 3, 3),
             "check: total income")
    r = find_row(ws, lambda a, b: b and b.startswith("income.internal.") and a.startswith("    "))
    head = find_row(ws, lambda a, b: a == "Line")
    ecol = next((c for c in range(3, ws.max_column + 1) if ws.cell(row=head, column=c).value == "eliminated"), None)
    add_case("Income and expenditure: an elimination", ws, r, ecol, "check: total income")
    r = find_row(ws, lambda a, b: b and b.startswith("exp.staff.") and a.startswith("    "))
    add_case("Income and expenditure: a staff line of the first institution", ws, r, first_number(ws, r, 3, 3),
             "check: total expenditure")
    ws = wv["Finance"]
    r = find_row(ws, lambda a, b: a == "Income")
    add_case("Finance: an institution's income", ws, r + 1, first_number(ws, r + 1, 3, ws.max_column),
             "check: consolidated income")
    ws = wv["Budget v actual"]
    r = find_row(ws, lambda a, b: isinstance(a, str) and a.startswith("    ") and b)
    if r:
        add_case("Budget v actual: the trust's first budget line", ws, r, 3, "check: total income")
    ws = wv["Balance sheet"]
    net = find_row(ws, lambda a, b: a == "Net assets")
    fa = find_row(ws, lambda a, b: b == "bs.fixed_assets")
    add_case("Balance sheet: fixed assets where net assets are shown", ws, fa,
             first_number(ws, net, 3, ws.max_column) if net else None, "check: net assets")
    ws = wv["Reserves"]
    r = find_row(ws, lambda a, b: isinstance(a, str) and a.strip().startswith("Opening revenue reserve")
                 and b == "bs.reserves.revenue")
    add_case("Reserves: an institution's opening revenue reserve", ws, r, first_number(ws, r, 3, ws.max_column),
             "check: closing less")
    return out


def lo(book, ops, timeout):
    args = ["/usr/bin/python3", os.path.join(HERE, "lo_edit.py"), "--timeout", str(timeout), book] + ops
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout + 60)
    try:
        return json.loads(p.stdout.decode())
    except ValueError:
        return {"ops": [], "error": p.stderr.decode()[-500:]}


def cmd_tamper(book, timeout="240"):
    cases = plan(book)
    wv = openpyxl.load_workbook(book, data_only=True)
    # every statement has a case, but for the ones its data leaves without one: no
    # budget for the report year, no net assets shown
    sheets = set(what.split(":")[0] for what, *_ in cases)
    need = {"Income and expenditure", "Finance", "Reserves"}
    check("a tamper case for each of %s (and Budget v actual, Balance sheet where shown): %s"
          % (", ".join(sorted(need)), ", ".join(sorted(sheets))), need <= sheets)
    cells = check_cells(wv)
    ops = []
    for what, sheet, cell, value, chk in cases:
        ops += ["reopen", "set-cell", sheet, cell, value, "cell", sheet, chk]
    ops += ["reopen", "sort-data"]
    for sheet, cell in sorted(cells):
        ops += ["cell", sheet, cell]
    out = lo(book, ops[1:], float(timeout))
    reads = [e for e in out.get("ops", []) if e["op"] == "cell"]
    if len(reads) != len(cases) + len(cells):
        check("LibreOffice ran the %d tampers and the sort" % len(cases), False,
              str(out.get("error") or [e for e in out.get("ops", []) if "error" in e][:1]))
        return
    for (what, sheet, cell, value, chk), e in zip(cases, reads):
        check("tamper %s (%s!%s := %s): its check %s!%s is not 0 (%r)" % (what, sheet, cell, value, sheet, chk,
                                                                          e.get("value")),
              isinstance(e.get("value"), float) and abs(e["value"]) >= 0.005)
    after = reads[len(cases):]
    bad = [(e["sheet"], e["cell"], e.get("value")) for e in after if e.get("value") != 0]
    check("sort-data: all %d check cells stay 0" % len(after), after and not bad, str(bad[:6]))


def main(argv):
    if len(argv) >= 3 and argv[0] == "check":
        cmd_check(argv[1], argv[2])
    elif len(argv) >= 2 and argv[0] == "tamper":
        cmd_tamper(*argv[1:3])
    else:
        sys.stderr.write(__doc__)
        return 2
    return checks.exit_status()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
