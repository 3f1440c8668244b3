#!/usr/bin/python3
"""Checks of the workbook's presentation and inputs for tests/e2e/xlsx_present.sh
(docs/workbook.md, "Conventions"; python3-openpyxl, standard library otherwise).  Each
command prints "ok   ..." / "FAIL ..." lines and exits 1 on a failure.

  units POUNDS THOUSANDS DATA KPIS  trust.csv money_units thousands changes number formats
                                    and "(£000)" notes only: every value and formula is the
                                    pounds workbook's; money on the statement and KPI sheets
                                    is whole pounds or £000, Data and the control totals pence
  brackets BOOK...                  no money format shows a negative as -£: brackets
  inputs BOOK                       the tab order; the input style on every input cell and
                                    on no calculated one; the drop-down lists
  protection BOOK                   calculation sheets protected without a password, the
                                    input sheets not; input cells unlocked; the Contents line
  fonts BOOK                        one font: every cell, the charts and the footers
  axes BOOK                         each chart's value axis starts at min(0, lowest plotted)
  shown LODIR GNDIR SHEET...        LibreOffice and Gnumeric render the sheets' cells alike
  figures DIR DATA UNITS            rendered Finance figures against sums of finance.csv
  labels BOOK KPIS                  target labels: formulas over Targets whose cached text is
                                    the KPI file's target text
  edit BOOK OUT                     a copy with four thresholds changed (EDITS below)
  edited DIR                        the recalculated copy's labels (DIR: CSVs as shown)
  mini BOOK OUT                     Targets' label formulas alone in a small workbook, the
                                    same thresholds changed: for Gnumeric, which takes minutes
                                    over the whole workbook
"""
import csv
import os
import re
import sys
import zipfile
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
sys.dont_write_bytecode = True   # no __pycache__ in the tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import checks  # noqa: E402
from checks import check  # noqa: E402

POUNDS = "\u00a3#,##0_);(\u00a3#,##0)"
THOUSANDS = "#,##0,_);(#,##0,)"
PENCE = "\u00a3#,##0.00_);(\u00a3#,##0.00)"
NOTE = " (\u00a3000)"
INPUT_FILL, INPUT_FONT = "FFF2CC", "0000FF"
# docs/workbook.md: the cover, the input sheets, the sheets with input rows, the outputs,
# the per-institution terms and whole numbers last
TABS = ["Contents", "Institutions", "Targets", "Data", "Courses", "Actions", "Scorecard",
        "Finance", "Income and expenditure", "Budget v actual", "Balance sheet", "Reserves",
        "Forecast", "Central charge", "Data quality", "Checks", "Workings", "Ratios"]
INPUT_SHEETS = {"Data", "Institutions", "Targets"}
# the contract's words (DATA.md)
PHASES = ["primary", "secondary", "secondary_sixth", "sixth_form_college", "all_through",
          "special", "alternative_provision", "central"]
SCENARIOS = ["actual", "budget", "forecast"]
STATUSES = ["not_started", "on_track", "at_risk", "off_track", "complete"]
NEW_ROWS = 10000   # rows a user may add below the rows written, still validated




def load(book, values=False):
    return openpyxl.load_workbook(book, data_only=values)


def is_formula(v):
    return isinstance(v, str) and v.startswith("=")


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def money_kpis(kpis):
    """The ids of the KPI file's money KPIs (unit: money)."""
    ids, cur = set(), None
    for line in open(kpis, encoding="utf-8"):
        m = re.match(r"(?:kpi|grade)\s+(\S+)", line)
        if m:
            cur = m.group(1)
        elif re.match(r"\s+measure:", line):
            cur = None      # a grade's measure: its unit is the measure's
        elif cur and re.match(r"\s+unit:\s*money\s*$", line):
            ids.add(cur)
    return ids


def target_texts(kpis):
    """[(kpi, target text)] in the file's order, but cash_min's: the data sets here (the
    PET's, annual) have no cash.* facts, so the KPI has no results and no Targets row
    (contract v2, "New default KPIs")."""
    out, cur = [], None
    for line in open(kpis, encoding="utf-8"):
        m = re.match(r"(?:kpi|grade)\s+(\S+)", line)
        if m:
            cur = m.group(1)
        m = re.match(r"\s+target:\s*(.*?)\s*$", line)
        if m and cur and cur != "cash_min":
            out.append((cur, m.group(1)))
    return out


def course_head(co):
    """The header row of the course rows on Courses (1-based): "Institution", "Year",
    "Course" - the averages above it have "Name" in its place."""
    for r in range(1, co.max_row + 1):
        if co.cell(row=r, column=1).value == "Institution" and co.cell(row=r, column=3).value == "Course":
            return r
    return None


def header_col(ws, row, names):
    """The column whose header in row is one of names (1-based), else None."""
    for c in range(1, ws.max_column + 1):
        if ws.cell(row=row, column=c).value in names:
            return c
    return None


# ---- money_units ----

def money_cells(wb, kpis):
    """(sheet, coordinate, what) of the money cells of the statement and KPI sheets, found
    by their headers and rows as docs/workbook.md describes them, never by their format."""
    out = []
    fin = wb["Finance"]
    for r in range(5, fin.max_row + 1):
        if fin.cell(row=r, column=1).value and fin.cell(row=r, column=2).value is not None:
            for c in range(3, fin.max_column + 1):
                out.append(("Finance", fin.cell(row=r, column=c).coordinate, "line"))
    ids = money_kpis(kpis)
    for name in ("Scorecard", "Forecast"):
        ws = wb[name]
        for r in range(1, ws.max_row + 1):
            if ws.cell(row=r, column=1).value in ids:
                # value columns, statuses between; the Scorecard's prior year after each status
                step = 3 if name == "Scorecard" else 2
                for c in range(4, ws.max_column + 1, step):
                    for k in range(0, step, 2):
                        out.append((name, ws.cell(row=r, column=c + k).coordinate, "KPI"))
    cc = wb["Central charge"]
    for r in range(1, cc.max_row + 1):
        if cc.cell(row=r, column=1).value == "Institution":
            for head in ("Share", "Charged", "Charged less share"):
                c = header_col(cc, r, {head, head + NOTE})
                for rr in range(r + 1, cc.max_row + 1):
                    if cc.cell(row=rr, column=1).value in (None, ""):
                        break
                    out.append(("Central charge", cc.cell(row=rr, column=c).coordinate, head))
    co = wb["Courses"]
    ch = course_head(co)
    for head in ("Income", "Direct costs"):
        c = header_col(co, ch, {head, head + NOTE})
        for r in range(ch + 1, co.max_row + 1):
            if co.cell(row=r, column=3).value in (None, ""):
                break
            out.append(("Courses", co.cell(row=r, column=c).coordinate, head))
    ct = wb["Contents"]
    for r in range(1, ct.max_row + 1):
        v = ct.cell(row=r, column=1).value
        if isinstance(v, str) and v.startswith("Consolidated "):
            out.append(("Contents", ct.cell(row=r, column=2).coordinate, "headline"))
    return out


def pence_cells(wb):
    """Data's money values (money codes: DATA.md's first segments) and the control totals."""
    out = []
    ws = wb["Data"]
    code, value = header_col(ws, 1, {"Code"}), header_col(ws, 1, {"Value"})
    for r in range(2, ws.max_row + 1):
        v = ws.cell(row=r, column=code).value
        if isinstance(v, str) and v.split(".")[0] in ("income", "exp", "memo", "bs", "cash"):
            out.append(("Data", ws.cell(row=r, column=value).coordinate))
    dq = wb["Data quality"]
    for r in range(1, dq.max_row + 1):
        if dq.cell(row=r, column=1).value == "File":
            for c in (3, 4):
                for rr in range(r + 1, dq.max_row + 1):
                    if dq.cell(row=rr, column=1).value == "Rows read":
                        break
                    if is_number(load_value(dq, rr, c)) or is_formula(dq.cell(row=rr, column=c).value):
                        out.append(("Data quality", dq.cell(row=rr, column=c).coordinate))
    return out


def load_value(ws, r, c):
    return ws.cell(row=r, column=c).value


def cmd_units(pounds, thousands, data, kpis):
    p, t = load(pounds), load(thousands)
    pv, tv = load(pounds, True), load(thousands, True)
    check("thousands: the same sheets", p.sheetnames == t.sheetnames, (p.sheetnames, t.sheetnames))
    same = notes = units = trust = 0
    bad = []
    for ws in p.worksheets:
        wt, wvp, wvt = t[ws.title], pv[ws.title], tv[ws.title]
        for r in range(1, max(ws.max_row, wt.max_row) + 1):
            for c in range(1, max(ws.max_column, wt.max_column) + 1):
                a, b = ws.cell(row=r, column=c).value, wt.cell(row=r, column=c).value
                ca, cb = wvp.cell(row=r, column=c).value, wvt.cell(row=r, column=c).value
                if a == b and ca == cb:
                    same += 1
                elif isinstance(a, str) and isinstance(b, str) and b == a + NOTE:
                    notes += 1
                elif (ws.title in ("Finance", "Income and expenditure", "Reserves") and a is None
                      and b == "\u00a3000"):
                    units += 1
                elif (ws.title == "Contents" and str(a).startswith("Money is shown in whole pounds")
                      and str(b).startswith("Money is shown in thousands of pounds")):
                    notes += 1
                elif ws.title == "Data quality" and (ws.cell(row=r, column=1).value
                                                     in ("trust.csv", "Rows read")):
                    trust += 1      # trust.csv has the money_units row
                else:
                    bad.append((ws.title, ws.cell(row=r, column=c).coordinate, a, b, ca, cb))
    check("thousands: every value, formula and cached value of %d cells is the pounds "
          "workbook's (but trust.csv's rows, checksum and the rows read, %d cells); %d headings "
          "carry (\u00a3000), %d \u00a3000 units over the statements' columns"
          % (same, trust, notes, units), not bad and notes and units and trust == 3, bad[:5])
    cells = money_cells(p, kpis)
    wrong, counted = [], {}
    for sheet, coord, what in cells:
        a, b = p[sheet][coord], t[sheet][coord]
        if a.value is None or (isinstance(a.value, str) and not is_formula(a.value)):
            continue
        counted[sheet] = counted.get(sheet, 0) + 1
        if a.number_format != POUNDS or b.number_format != THOUSANDS:
            wrong.append((sheet, coord, what, a.number_format, b.number_format))
    check("money on the statement and KPI sheets: %s, whole pounds (%s) or \u00a3000 (%s)"
          % (", ".join("%s %d" % kv for kv in sorted(counted.items())), POUNDS, THOUSANDS),
          not wrong and len(counted) == 6, wrong[:5] or counted)
    pc = pence_cells(p)
    wrong = [(s, c, p[s][c].number_format, t[s][c].number_format) for s, c in pc
             if p[s][c].number_format != PENCE or t[s][c].number_format != PENCE]
    check("%d Data values and control totals keep their pence (%s) in both" % (len(pc), PENCE),
          pc and not wrong, wrong[:5])


def cmd_brackets(books):
    for book in books:
        wb = load(book)
        bad, n = [], 0
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    f = c.number_format
                    if "\u00a3" not in f and f != THOUSANDS:
                        continue
                    n += 1
                    parts = f.split(";")
                    if len(parts) < 2 or not parts[1].startswith("(") or "-" in f:
                        bad.append((ws.title, c.coordinate, f))
        check("%s: the %d money cells show negatives in brackets, never -\u00a3"
              % (os.path.basename(book), n), n and not bad, bad[:5])


# ---- inputs ----

def input_style(c):
    fill = c.fill.fgColor.rgb if c.fill and c.fill.fill_type == "solid" else None
    colour = c.font.color.rgb if c.font and c.font.color is not None else None
    return (isinstance(fill, str) and fill[-6:] == INPUT_FILL
            and isinstance(colour, str) and colour[-6:] == INPUT_FONT)


def rows_until_blank(ws, first, col):
    r = first
    while ws.cell(row=r, column=col).value not in (None, ""):
        r += 1
    return list(range(first, r))


def validation(ws, col, words):
    """The list validation of column col: (its rows, whether its list is exactly words)."""
    for dv in ws.data_validations.dataValidation:
        if dv.type != "list":
            continue
        for rng in str(dv.sqref).split():
            m = re.match(r"([A-Z]+)(\d+):([A-Z]+)(\d+)$", rng)
            if m and m.group(1) == m.group(3) == col:
                listed = (dv.formula1 or "").strip('"').split(",")
                return (int(m.group(2)), int(m.group(4))), listed == words
    return None, False


def cmd_inputs(book):
    wb = load(book)
    check("tab order: %s" % ", ".join(TABS), wb.sheetnames == TABS, wb.sheetnames)
    want, missing = 0, []

    def need(ws, r, c):
        nonlocal want
        want += 1
        cell = ws.cell(row=r, column=c)
        if not input_style(cell) or cell.protection.locked:
            missing.append((ws.title, cell.coordinate))

    inst = wb["Institutions"]
    irows = rows_until_blank(inst, 5, 1)
    for r in irows:
        for c in range(1, 8):          # ID .. LGB, blank ones too
            need(inst, r, c)
    data = wb["Data"]
    drows = rows_until_blank(data, 2, 1)
    for r in drows:
        for c in range(1, 6):          # institution, year, scenario, code, value
            need(data, r, c)
    tg = wb["Targets"]
    for r in rows_until_blank(tg, 5, 1):
        for c in range(5, 11):         # Lower .. Amber to: the numbers typed
            if is_number(tg.cell(row=r, column=c).value):
                need(tg, r, c)
    for r in range(1, tg.max_row + 1):
        if tg.cell(row=r, column=1).value == "Year" and tg.cell(row=r, column=4).value == "Value":
            for rr in rows_until_blank(tg, r + 1, 1):
                need(tg, rr, 4)
    co = wb["Courses"]
    crows = rows_until_blank(co, course_head(co) + 1, 3)
    for r in crows:
        for c in range(1, 8):
            need(co, r, c)
    ac = wb["Actions"]
    arows = rows_until_blank(ac, 6, 1)
    for r in arows:
        for c in range(1, 11):
            need(ac, r, c)
    check("the input style (fill %s, text %s, unlocked) on %d input cells of Institutions, "
          "Data, Targets, Courses and Actions" % (INPUT_FILL, INPUT_FONT, want),
          want and not missing, missing[:8])
    styled = [(ws.title, c.coordinate) for ws in wb.worksheets for row in ws.iter_rows()
              for c in row if is_formula(c.value) and input_style(c)]
    check("no calculated cell looks like an input", not styled, styled[:8])
    for ws, col, words, first, n in ((inst, "C", PHASES, 5, len(irows)),
                                     (data, "C", SCENARIOS, 2, len(drows)),
                                     (ac, "H", STATUSES, 6, len(arows))):
        rows, exact = validation(ws, col, words)
        want_rows = (first, first + n + NEW_ROWS - 1)
        check("%s!%s: a drop-down of %s over rows %d..%d (%d written and %d more)"
              % (ws.title, col, "/".join(words), want_rows[0], want_rows[1], n, NEW_ROWS),
              n and exact and rows == want_rows, rows)


def cmd_protection(book):
    wb = load(book)
    bad = []
    for ws in wb.worksheets:
        pr = ws.protection
        if ws.title in INPUT_SHEETS:
            if pr.sheet:
                bad.append((ws.title, "protected"))
        elif not pr.sheet or pr.password or pr.formatColumns:
            bad.append((ws.title, pr.sheet, pr.password, pr.formatColumns))
    check("Data, Institutions and Targets unprotected; the %d calculation sheets protected "
          "without a password, columns resizable" % (len(wb.worksheets) - len(INPUT_SHEETS)),
          not bad, bad)
    locked = [(ws.title, c.coordinate) for ws in wb.worksheets if ws.protection.sheet
              for row in ws.iter_rows() for c in row
              if input_style(c) and c.protection.locked]
    check("input cells on protected sheets are unlocked", not locked, locked[:5])
    text = " ".join(str(c.value) for row in wb["Contents"].iter_rows() for c in row if c.value)
    check("the Contents sheet says how to lift the protection",
          "calculation sheets are protected without a password: Review > Unprotect Sheet" in text)


def cmd_fonts(book):
    wb = load(book)
    fonts, n = {}, 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                n += 1
                fonts.setdefault(c.font.name, (ws.title, c.coordinate))
    check("one font for the %d cells written: %s" % (n, ", ".join(sorted(fonts))),
          list(fonts) == ["Arial"], fonts)
    z = zipfile.ZipFile(book)
    faces = set()
    for name in z.namelist():
        if name.startswith("xl/charts/chart"):
            faces |= set(re.findall(r'<a:latin typeface="([^"]*)"', z.read(name).decode()))
    check("the charts' text in it too: %s" % ", ".join(sorted(faces)), faces == {"Arial"}, faces)
    feet = {ws.title: (ws.oddFooter.left.font, ws.oddFooter.right.font) for ws in wb.worksheets}
    check("and the footers", all(f == ("Arial,Regular", "Arial,Regular") for f in feet.values()),
          feet)
    # the Normal style, what a cell a user types into afresh takes: styles.xml's first font
    # (cellStyleXfs' xf 0 points at it)
    styles = z.read("xl/styles.xml").decode()
    first = re.search(r"<fonts[^>]*><font>(.*?)</font>", styles, re.S)
    normal = re.findall(r'<(sz|name) val="([^"]*)"', first.group(1)) if first else []
    check("and the Normal style, for a cell typed afresh: %s" % normal,
          dict(normal) == {"sz": "10", "name": "Arial"}, styles[:300])


def cell_values(wv, ref):
    """The cached numbers of a chart's range such as 'Finance'!$C$13:$E$13."""
    m = re.match(r"'?(.*?)'?!\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?$", ref)
    ws = wv[m.group(1)]
    rng = "%s%s:%s%s" % (m.group(2), m.group(3), m.group(4) or m.group(2), m.group(5) or m.group(3))
    return [c.value for row in ws[rng] for c in row if is_number(c.value)]


def cmd_axes(book):
    wv = load(book, True)
    z = zipfile.ZipFile(book)
    charts = sorted(n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n))
    for name in charts:
        xml = z.read(name).decode()
        refs = re.findall(r"<c:val><c:numRef><c:f>([^<]*)</c:f>", xml)
        values = [v for ref in refs for v in cell_values(wv, ref)]
        ax = re.search(r"<c:valAx>.*?</c:valAx>", xml, re.S).group(0)
        got = re.search(r'<c:min val="([^"]*)"', ax)
        want = min([0.0] + values)
        check("%s: value axis from %s = min(0, the lowest of %d values plotted)"
              % (os.path.basename(name), want, len(values)),
              values and got and abs(float(got.group(1)) - want) <= 1e-12 * max(1, abs(want)),
              got and got.group(1))


# ---- rendering ----

def rows_of(path):
    return list(csv.reader(open(path, encoding="utf-8", newline="")))


def cmd_shown(lodir, gndir, sheets):
    for sheet in sheets:
        a = rows_of(os.path.join(lodir, "book-%s.csv" % sheet))
        b = rows_of(os.path.join(gndir, "gn-%s.csv" % sheet))
        diff, n = [], 0
        for r in range(max(len(a), len(b))):
            ra = a[r] if r < len(a) else []
            rb = b[r] if r < len(b) else []
            for c in range(max(len(ra), len(rb))):
                x = ra[c] if c < len(ra) else ""
                # Gnumeric writes the minus of a format without a negative section as
                # U+2212; money formats have their own (brackets), so none is touched
                y = (rb[c] if c < len(rb) else "").replace("\u2212", "-")
                n += x != ""
                if x != y:
                    diff.append((r + 1, c + 1, x, y))
        check("%s: LibreOffice and Gnumeric show its %d cells alike" % (sheet, n),
              n and not diff, diff[:5])


def finance_sums(data):
    """Consolidated income and the internal transfers of 2022/23 actual from finance.csv,
    in pence: DATA.md's consolidation (income.internal eliminated)."""
    income = internal = 0
    for row in csv.DictReader(open(os.path.join(data, "finance.csv"), encoding="utf-8-sig")):
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items()}
        if row["year"].replace("-", "/") != "2022/23" or row["scenario"] != "actual":
            continue
        v = row["value"].replace("\u00a3", "").replace(",", "")
        neg = v.startswith("(")
        p = int((Decimal(v.strip("()")) * 100).to_integral_value())
        p = -p if neg else p
        if row["code"].startswith("income.internal"):
            internal += p
        elif row["code"].startswith("income."):
            income += p
    return income, internal


def shown(pence, units):
    """How the workbook's format shows an amount: whole pounds or thousands, rounded half
    away from zero, negatives in brackets, a bracket's width of space after a positive."""
    div = 100 if units == "pounds" else 100000
    whole = int((Decimal(abs(pence)) / div).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    text = ("\u00a3" if units == "pounds" else "") + "{:,}".format(whole)
    return "(%s)" % text if pence < 0 else text + " "


def cmd_figures(csvdir, data, units):
    income, internal = finance_sums(data)
    for tool, path in (("LibreOffice", "book-Finance.csv"), ("Gnumeric", "gn-Finance.csv")):
        rows = rows_of(os.path.join(csvdir, path))
        head = rows[3]
        col = next(i for i, h in enumerate(head) if h.strip() == "2022/23 actual")
        label = {}
        for r in rows:   # the first block's lines: income
            if r and r[0] not in label:
                label[r[0]] = r
        got = (label["Consolidated income"][col],
               label["Less internal transfers (eliminated)"][col])
        want = (shown(income, units), shown(-internal, units))
        check("%s, %s: consolidated income %s and internal transfers eliminated %s, from "
              "finance.csv" % (tool, units, want[0].strip(), want[1]), got == want, got)
        if units == "thousands":
            check("%s: \u00a3000 over the figures" % tool,
                  rows[2][col].strip() == "\u00a3000", rows[2][col])


# ---- target labels ----

def targets_rows(ws):
    return rows_until_blank(ws, 5, 1)


def cmd_labels(book, kpis):
    wf, wv = load(book), load(book, True)
    tg, tv = wf["Targets"], wv["Targets"]
    texts = target_texts(kpis)
    rows = targets_rows(tg)
    got = [(tg.cell(row=r, column=1).value, tv.cell(row=r, column=3).value) for r in rows]
    check("Targets: the %d targets' labels are the KPI file's texts" % len(texts), got == texts,
          [g for g, t in zip(got, texts) if g != t][:5])
    formulas = [r for r in rows if is_formula(tg.cell(row=r, column=3).value)]
    plain = [tv.cell(row=r, column=3).value for r in rows if r not in formulas]
    numeric = [t for _, t in texts if re.search(r"\d", t) and "national(" not in t]
    check("%d labels that write a number are formulas over their thresholds; %d are text: %s"
          % (len(formulas), len(plain), "; ".join(plain)),
          len(formulas) == len(numeric)
          and all(re.search(r"TEXT\([EF]%d," % r, tg.cell(row=r, column=3).value) for r in formulas))
    sc, sv = wf["Scorecard"], wv["Scorecard"]
    row = next(r for r in range(1, sc.max_row + 1) if sc.cell(row=r, column=1).value == "staff_cost_pct")
    want = "max 75% (sixth_form_college); max 80% (primary, secondary, secondary_sixth)"
    check("Scorecard: staff_cost_pct's targets are a formula over Targets, %r" % want,
          sv.cell(row=row, column=3).value == want
          and str(sc.cell(row=row, column=3).value).count("Targets!") == 4,
          (sc.cell(row=row, column=3).value, sv.cell(row=row, column=3).value))


# The thresholds changed: (kpi, Targets column, the phases cell or None, new value) and
# the label each must then show, worked out from the label's rule (docs/workbook.md): the
# decimals the KPI file writes, and as many more as the new value needs, up to two.
EDITS = [
    ("staff_cost_pct", "F", "sixth_form_college", 0.733, "max 73.3%"),
    ("surplus_pct", "E", None, 0.0075, "band 0.75%..2.0%"),
    ("reserves_total", "E", None, 1250000.5, "min 1,250,000.5"),
    ("set_size_main", "E", "primary", 26.5, "band 26.5..29"),
    ("post16_roll", "E", None, 1700, "min 1,700"),
]


def edit_rows(ws):
    out = []
    for kpi, col, phases, value, label in EDITS:
        row = next(r for r in targets_rows(ws) if ws.cell(row=r, column=1).value == kpi
                   and (phases is None or ws.cell(row=r, column=12).value == phases))
        out.append((row, col, value, label))
    return out


def cmd_edit(book, out):
    wb = load(book)
    tg = wb["Targets"]
    for row, col, value, _ in edit_rows(tg):
        tg["%s%d" % (col, row)] = value
    wb.save(out)
    check("edited %d thresholds on Targets" % len(EDITS), True)


def cmd_edited(csvdir, book):
    rows = rows_of(os.path.join(csvdir, "book-Targets.csv"))
    tg = load(book)["Targets"]
    for row, col, value, label in edit_rows(tg):
        got = rows[row - 1][2]
        check("Targets: %s%d set to %s, its label reads %r" % (col, row, value, label),
              got == label, got)
    sc = rows_of(os.path.join(csvdir, "book-Scorecard.csv"))
    got = next(r[2] for r in sc if r and r[0] == "staff_cost_pct")
    want = "max 73.3% (sixth_form_college); max 80% (primary, secondary, secondary_sixth)"
    check("Scorecard: staff_cost_pct's targets follow: %r" % want, got == want, got)


def cmd_mini(book, out):
    src = load(book)["Targets"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Targets"
    ws["A1"] = "Target labels"   # Gnumeric writes from the first row used
    for r in targets_rows(src):
        for c in range(1, 13):
            ws.cell(row=r, column=c).value = src.cell(row=r, column=c).value
    for row, col, value, _ in edit_rows(src):
        ws["%s%d" % (col, row)] = value
    wb.save(out)
    check("the label formulas of Targets in a workbook of their own", True)


def cmd_mini_check(csvpath, book, kpis):
    rows = rows_of(csvpath)
    src = load(book)["Targets"]
    edited = {row: label for row, _, _, label in edit_rows(src)}
    texts = dict(zip(targets_rows(src), [t for _, t in target_texts(kpis)]))
    bad = [(r, rows[r - 1][2], edited.get(r, texts[r])) for r in texts
           if rows[r - 1][2] != edited.get(r, texts[r])]
    check("Gnumeric: %d labels, %d of them edited, as the KPI file and the edits say"
          % (len(texts), len(edited)), not bad, bad[:5])


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    table = {"units": cmd_units, "inputs": cmd_inputs, "protection": cmd_protection,
             "fonts": cmd_fonts, "axes": cmd_axes, "labels": cmd_labels, "edit": cmd_edit,
             "edited": cmd_edited, "mini": cmd_mini, "mini-check": cmd_mini_check,
             "figures": cmd_figures}
    if cmd == "brackets":
        cmd_brackets(args)
    elif cmd == "shown":
        cmd_shown(args[0], args[1], args[2:])
    else:
        table[cmd](*args)
    sys.exit(checks.exit_status())


if __name__ == "__main__":
    main()
