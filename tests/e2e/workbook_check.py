#!/usr/bin/python3
"""Checks of the audit workbook under a finance team's edits, for tests/e2e/workbook.sh
(python3-openpyxl; LibreOffice's side comes from lo_edit.py's JSON).  Each command prints
"ok   ..." / "FAIL ..." lines and exits 1 on a failure.

  load BOOK                 openpyxl reads BOOK, formulas and cached values, with every
                            warning turned into an error
  fact DATA                 the fact the test types into the workbook:
                            INSTITUTION YEAR SCENARIO CODE VALUE (see pick())
  bump DATA OUT             a copy of the data set in which that fact's value is raised by
                            VALUE: what the append means to the engine (the contract forbids
                            the same fact twice in a CSV; SUMIFS adds the two rows)
  edit NAME EXPECT BOOK DATA BEFORE.json[#N] AFTER.json[#N] [ENGINE.xlsx]
                            one edit, from lo_edit.py's output for the book as built
                            (BEFORE: values, data) and after the edit (AFTER: the edit,
                            values, data; #N: the N-th segment of one run, between
                            reopens, 0 the first), against EXPECT:
      unchanged   every formula cell outside Data keeps its value; Data holds the same
                  rows (inputs and calculated columns together), in any order
      moves       the figures worked out here from the CSVs (figures()) move by VALUE;
                  every formula cell outside Data equals the engine's value for the data
                  with the fact added (ENGINE.xlsx, `bump` then `boardpack build`) where
                  that differs from the book's, and keeps its value where it does not -
                  but the provenance checks (Labels.provenance), which must turn red and
                  are left to their own tests; Data holds the book's rows and one more,
                  the fact as typed
  plan BOOK DATA OUT.json    the Checks sheet's tamper tests and the edits that must keep it
                            green (see tamper_plan()), as lo_edit.py --ops operations (each
                            after a reopen, then "sheet Checks") and their expectations
  checks NAME EXPECT BOOK LO.json#N
                            the master check (MasterCheck) and the provenance check
                            (ProvenanceCheck) after an edit of lo_edit.py's segment N, from
                            its values or its "sheet Checks": EXPECT green (both 0) or red
                            (ProvenanceCheck not 0, "Data differs from the input files";
                            MasterCheck 1, the revenue reserve that no longer rolls forward
                            from the appended income)
  tampers BOOK PLAN.json LO.json N
                            every expectation of PLAN.json against the reads ("quick
                            Checks") of lo_edit.py's segment N, in order: "green" as
                            above, or "fails ROW": the
                            master check is not 0 and the integrity check on Checks row ROW
                            fails ("FAILS", a value not 0)
Cells are found by their labels (a row's label, a column's header), never by address, so
that the checks survive a new layout; values agree as gnumeric_recalc.same() says (money
to the penny, other numbers to 1e-12 relative, text exactly).
"""
import csv
import json
import os
import re
import shutil
import sys
import warnings
from collections import Counter
from fractions import Fraction

sys.dont_write_bytecode = True   # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gnumeric_recalc import is_money, same  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402
from openpyxl.utils.cell import column_index_from_string  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import checks  # noqa: E402
from checks import check  # noqa: E402

DATA_SHEET = "Data"
APPEND_VALUE = "25000.01"   # a penny in it: a figure rounded to pounds would show it




def load_book(path, data_only=False):
    import openpyxl
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return openpyxl.load_workbook(path, data_only=data_only)


# ---- the data set, read here (not by boardpack) ----

def read_csv(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    head = [h.strip().lower() for h in rows[0]]
    return [dict(zip(head, [v.strip() for v in r])) for r in rows[1:] if any(v.strip() for v in r)]


def money(text):
    t = text.replace("\u00a3", "").replace(",", "")
    if t.startswith("(") and t.endswith(")"):
        t = "-" + t[1:-1]
    return Fraction(t)


class Facts:
    def __init__(self, data):
        self.trust = {r["key"]: r["value"] for r in read_csv(os.path.join(data, "trust.csv"))}
        self.insts = read_csv(os.path.join(data, "institutions.csv"))
        self.year = self.trust["report_year"].replace("-", "/")
        self.rows = read_csv(os.path.join(data, "finance.csv"))

    def total(self, insts, prefix, year=None, scenario="actual", consolidated=False):
        """sum(prefix) over the institutions, as the contract defines it; consolidated
        leaves out income.internal and exp.internal (and their children)."""
        year = year or self.year
        s = Fraction(0)
        for f in self.rows:
            code = f["code"]
            if f["institution"] not in insts or f["year"].replace("-", "/") != year \
                    or f["scenario"] != scenario:
                continue
            if not (code == prefix or code.startswith(prefix + ".")):
                continue
            if consolidated and any(code == p or code.startswith(p + ".")
                                    for p in ("income.internal", "exp.internal")):
                continue
            s += money(f["value"])
        return s

    def every(self):
        return [i["id"] for i in self.insts]


def pick(data):
    """The fact appended: the report year's actual self-generated income line (else any
    income line but an internal transfer) of the first institution that is not the
    centre - a late lettings invoice, say."""
    fx = Facts(data)
    for want in ("income.self.", "income."):
        for inst in fx.insts:
            if inst["phase"] == "central":
                continue
            for f in fx.rows:
                if f["institution"] == inst["id"] and f["year"].replace("-", "/") == fx.year \
                        and f["scenario"] == "actual" and f["code"].startswith(want) \
                        and not f["code"].startswith("income.internal"):
                    return inst["id"], fx.year, "actual", f["code"], APPEND_VALUE
    raise SystemExit("workbook_check.py: no income fact in the report year's actuals")


def bump(data, out):
    inst, year, scen, code, value = pick(data)
    shutil.copytree(data, out)
    path = os.path.join(out, "finance.csv")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    head = [h.strip().lower() for h in rows[0]]
    col = {h: head.index(h) for h in ("institution", "year", "scenario", "code", "value")}
    done = 0
    for r in rows[1:]:
        if len(r) == len(head) and [r[col[k]].strip() for k in ("institution", "scenario", "code")] \
                == [inst, scen, code] and r[col["year"]].strip().replace("-", "/") == year:
            r[col["value"]] = "%.2f" % (money(r[col["value"]].strip()) + Fraction(value))
            done += 1
    if done != 1:
        raise SystemExit("workbook_check.py: %d rows of %s to bump" % (done, path))
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


# ---- the figures worked out from the CSVs, and where the workbook shows them ----

def figures(fx, fact):
    """[(what, sheet pattern, row label pattern, column header texts, value)]: value(extra)
    is the figure from the CSVs with extra pounds added to the appended fact (an income
    line, see pick()).  The cell is the formula cell in a row whose label matches, in the
    column whose header cells above hold every header text (or have it as a word:
    "2022/23 actual"), on the first sheet matching the pattern."""
    inst, year, scen = fact[:3]

    def income(insts, extra, consolidated=False):
        return fx.total(insts, "income", year, scen, consolidated) + extra

    def staff(insts):
        return fx.total(insts, "exp.staff", year, scen)

    def spend(insts):
        return fx.total(insts, "exp", year, scen)

    return [
        ("consolidated income %s %s" % (year, scen), r"^Finance", r"^(total )?consolidated income$",
         [year, scen], lambda x: income(fx.every(), x, consolidated=True)),
        ("staff_cost_pct %s %s" % (inst, year), r"^Scorecard",
         r"^(staff_cost_pct|staff costs as a share of income)$", [inst],
         lambda x: staff([inst]) / income([inst], x)),
        ("surplus_pct %s %s" % (inst, year), r"^Scorecard",
         r"^(surplus_pct|in-year surplus as a share of income)$", [inst],
         lambda x: (income([inst], x) - spend([inst])) / income([inst], x)),
    ]


def text_of(v):
    return v.strip() if isinstance(v, str) else ""


def locate(wb, sheet_pat, label_pat, header):
    """(sheet, coordinate) of a figure (see figures()); sheets matching sheet_pat first,
    then the others (never Data); None when no cell fits."""
    want = [h.lower() for h in header]
    order = [ws for ws in wb.worksheets if re.search(sheet_pat, ws.title, re.I)] + \
            [ws for ws in wb.worksheets if not re.search(sheet_pat, ws.title, re.I)]
    for ws in order:
        if ws.title == DATA_SHEET:
            continue
        grid = [list(r) for r in ws.iter_rows()]
        for i, row in enumerate(grid):
            if not any(re.search(label_pat, text_of(c.value), re.I) for c in row):
                continue
            for c in row:
                if c.data_type != "f":
                    continue
                above = [text_of(grid[j][c.column - 1].value).lower()
                         for j in range(i) if c.column - 1 < len(grid[j])]
                # each wanted text is a header cell above, or a word of one ("2022/23 actual")
                if all(any(w == a or w in a.split() for a in above) for w in want):
                    return ws.title, c.coordinate
    return None


# ---- lo_edit.py's output ----

def lo_ops(path):
    """The operations of one segment of lo_edit.py's output: PATH#N is the N-th run of
    operations between "reopen"s (0: before the first), PATH alone the whole of it.
    (None, what went wrong) when the segment did not run to its end."""
    path, _, seg = path.partition("#")
    with open(path, encoding="utf-8") as f:
        out = json.load(f)
    segments = [[]]
    for e in out["ops"]:
        if e["op"] == "reopen" and seg:
            segments.append([])
        else:
            segments[-1].append(e)
    n = int(seg or 0)
    if n >= len(segments):
        return None, out.get("error") or "LibreOffice stopped before it"
    bad = [e for e in segments[n] if "error" in e]
    if bad:
        return None, "%s: %s" % (bad[0]["op"], bad[0]["error"])
    if not segments[n] or segments[n][-1]["op"] != "data" or not any(e["op"] == "values" for e in segments[n]):
        return None, out.get("error") or "LibreOffice stopped before its values and data"
    return segments[n], None


def last(ops, op):
    found = [e for e in ops if e["op"] == op]
    return found[-1] if found else None


def cell_values(entry):
    return {(c["sheet"], c["cell"]): c for c in entry["cells"] if c["sheet"] != DATA_SHEET}


def row_key(row):
    return tuple(float("%.12g" % x) if isinstance(x, float) else x for x in row)


class Labels:
    """A cell's description for messages: its row's label and its column's header."""

    def __init__(self, wb):
        self.wb = wb
        self.fmt = {}
        self.grid = {}
        for ws in wb.worksheets:
            self.grid[ws.title] = [list(r) for r in ws.iter_rows()]
            for row in self.grid[ws.title]:
                for c in row:
                    if c.data_type == "f":
                        self.fmt[(ws.title, c.coordinate)] = c.number_format

    def money(self, key):
        return is_money(self.fmt.get(key))

    def describe(self, key):
        from openpyxl.utils.cell import coordinate_from_string, column_index_from_string
        sheet, coord = key
        grid = self.grid.get(sheet)
        if not grid:
            return "%s!%s" % key
        col, row = coordinate_from_string(coord)
        k, r = column_index_from_string(col) - 1, row - 1
        label = next((text_of(c.value) for c in grid[r] if c.data_type == "s" and text_of(c.value)), "") \
            if r < len(grid) else ""
        head = next((text_of(grid[j][k].value) for j in range(r - 1, -1, -1)
                     if k < len(grid[j]) and grid[j][k].data_type == "s" and text_of(grid[j][k].value)), "")
        return "%s!%s (%s | %s)" % (sheet, coord, label[:40], head[:30])

    def provenance(self, key, *values):
        """A provenance check: a cell on a row about one input file (a label ending .csv,
        or naming the input files), or whose value does ("Data differs from the input
        files").  An edit to Data must turn those red, and the engine, which reads the
        files, never does; their tamper tests say what they must show."""
        from openpyxl.utils.cell import coordinate_from_string
        sheet, coord = key
        r = coordinate_from_string(coord)[1] - 1
        grid = self.grid.get(sheet) or []
        texts = [text_of(c.value).lower() for c in grid[r]] if r < len(grid) else []
        texts += [text_of(v).lower() for v in values]
        return any(t.endswith(".csv") or "input file" in t for t in texts)


def fmt_value(v):
    return "%r" % v if not isinstance(v, float) else "%.10g" % v


def cell_order(coord):
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string
    col, row = coordinate_from_string(coord)
    return row, column_index_from_string(col)


def changed_cells(labels, before, after):
    """[(key, before, after)] of the formula cells outside Data whose value differs, with
    the cells one side lacks."""
    out = []
    order = {t: i for i, t in enumerate(labels.grid)}
    for key in sorted(set(before) | set(after), key=lambda k: (order.get(k[0], len(order)), cell_order(k[1]))):
        a, b = before.get(key), after.get(key)
        va = a["value"] if a else "<no formula>"
        vb = b["value"] if b else "<no formula>"
        if a is None or b is None or not same(va, vb, labels.money(key)) or \
                (a.get("error") != b.get("error")):
            out.append((key, va, vb))
    return out


def show(labels, rows, n=8):
    for key, a, b in rows[:n]:
        print("     %s: %s -> %s" % (labels.describe(key), fmt_value(a), fmt_value(b)))
    if len(rows) > n:
        print("     ... and %d more" % (len(rows) - n))


def edit(name, expect, book, data, before_path, after_path, engine=None):
    before_ops, err0 = lo_ops(before_path)
    after_ops, err1 = lo_ops(after_path)
    check("%s: LibreOffice: %s, then a full recalculation (%.1f s)"
          % (name, " ".join(" ".join([e["op"]] + e["args"]) for e in after_ops or []
                            if e["op"] not in ("values", "data")) or "the edit",
             sum(e["seconds"] for e in after_ops or [])), not err0 and not err1, err0 or err1)
    if err0 or err1:
        return
    wb = load_book(book)
    labels = Labels(wb)
    before, after = cell_values(last(before_ops, "values")), cell_values(last(after_ops, "values"))
    d0, d1 = last(before_ops, "data"), last(after_ops, "data")
    took = [e for e in after_ops if e["op"] not in ("values", "data", "reopen")]
    rows0, rows1 = Counter(map(row_key, d0["rows"])), Counter(map(row_key, d1["rows"]))
    gone, new = rows0 - rows1, rows1 - rows0

    # the edit did something: an edit that does nothing would pass every check below
    for e in took:
        if e["op"] == "sort-data":
            check("%s: the sort moved rows (%d of %d) and left Value descending"
                  % (name, e["rows_moved"], e["rows"]), e["rows_moved"] > 0 and e["descending"])
        elif e["op"] == "filter-data":
            check("%s: the filter hid %d of %d rows" % (name, e["hidden"], e["rows"]),
                  0 < e["hidden"] < e["rows"])
        elif e["op"] == "move-sheet":
            at = min(int(e["args"][1]), len(e["sheets"]) - 1)
            check("%s: %s is now sheet %d of %d" % (name, e["args"][0], at + 1, len(e["sheets"])),
                  e["sheets"].index(e["args"][0]) == at, "sheets: %s" % e["sheets"])
        elif e["op"] in ("append-fact", "insert-fact"):
            typed = e["typed"]
            check("%s: typed into row %d (%s), the value as a number"
                  % (name, e["row"], ", ".join("%s %s" % (k, v["text"]) for k, v in typed.items())),
                  typed["Value"]["number"] and not typed["Year"]["number"])

    if expect == "unchanged":
        moved = changed_cells(labels, before, after)
        check("%s: every one of %d formula cells outside Data keeps its value" % (name, len(before)),
              not moved and bool(before), "%d of them changed:" % len(moved))
        show(labels, moved)
        check("%s: Data holds the same %d rows, inputs and calculated columns (any order)"
              % (name, len(d0["rows"])), not gone and not new,
              "%d of them are not the book's rows:" % sum(new.values()))
        for r in list(new.elements())[:3]:
            print("     new row: %r" % (r,))
        return

    # ---- moves ----
    fact = pick(data)
    fx = Facts(data)
    head = d1["header"]
    col = {h.lower(): i for i, h in enumerate(head)}
    want_row = {"institution": fact[0], "year": fact[1], "scenario": fact[2], "code": fact[3],
                "value": float(fact[4])}
    added = list(new)[0] if sum(new.values()) == 1 else None
    ok_new = added is not None and not gone and all(
        k in col and same(added[col[k]], v, True) for k, v in want_row.items())
    check("%s: Data holds the book's %d rows and the fact typed, %s"
          % (name, len(d0["rows"]), " ".join(fact)), ok_new,
          "%d rows gone, %d new: %r" % (sum(gone.values()), sum(new.values()), list(new)[:3]))

    # the figures worked out from the CSVs
    for what, sheet_pat, label_pat, header, value in figures(fx, fact):
        where = locate(wb, sheet_pat, label_pat, header)
        if where is None:
            check("%s: the cell of %s (a row labelled /%s/, header %s)" % (name, what, label_pat, header), False)
            continue
        key = where
        b, a = before.get(key), after.get(key)
        want0, want1 = value(0), value(Fraction(fact[4]))
        money = labels.money(key)
        check("%s: %s (%s!%s) is %.10g before the edit, from the CSVs"
              % (name, what, key[0], key[1], float(want0)),
              b is not None and same(b["value"], float(want0), money), "got %r" % (b and b["value"]))
        check("%s: %s is %.10g after it (moved by exactly the fact's effect)" % (name, what, float(want1)),
              a is not None and same(a["value"], float(want1), money), "got %r" % (a and a["value"]))

    # every other cell: the engine with the fact added says which move and to what
    if engine is None:
        return
    orig, bumped = load_book(book, data_only=True), load_book(engine, data_only=True)
    # the premise: the engine's cached values are LibreOffice's (else "which cells move"
    # below would be the engine's disagreements, not the fact's dependents)
    differ = [(k, orig[k[0]][k[1]].value, b["value"]) for k, b in sorted(before.items())
              if not same(orig[k[0]][k[1]].value, b["value"], labels.money(k))]
    check("%s: the book's cached values are LibreOffice's recalculation" % name, not differ,
          "%d differ (cached -> LibreOffice):" % len(differ))
    show(labels, differ)
    depends, others, wrong, stray, prov = 0, 0, [], [], []
    for key, b in sorted(before.items()):
        a = after.get(key)
        e0 = orig[key[0]][key[1]].value
        e1 = bumped[key[0]][key[1]].value if key[0] in bumped.sheetnames else None
        money = labels.money(key)
        moves = not same(e0, e1, money)
        got = a["value"] if a else "<no formula>"
        if labels.provenance(key, b["value"], got, e0, e1):
            if not same(got, b["value"], money):
                prov.append((key, b["value"], got))
            continue
        if moves:
            depends += 1
            if a is None or not same(got, e1, money):
                wrong.append((key, e1, got))
        else:
            others += 1
            if a is None or not same(got, b["value"], money):
                stray.append((key, b["value"], got))
    check("%s: the %d formula cells that depend on the fact (the engine's figures move) equal "
          "the engine's" % (name, depends), depends > 0 and not wrong, "%d differ (engine -> workbook):" % len(wrong))
    show(labels, wrong)
    check("%s: the %d formula cells that do not depend on it keep their values"
          % (name, others), not stray, "%d changed:" % len(stray))
    show(labels, stray)
    print("     (provenance cells, rows naming an input file: %d changed%s)"
          % (len(prov), "" if not prov else "; " + ", ".join(labels.describe(k) for k, _, _ in prov[:4])))


# ---- the Checks sheet ----

CELL_RE = r"(?:(?:'[^']+'|[A-Za-z_][A-Za-z0-9_.]*)!)?\$?[A-Z]{1,3}\$?[0-9]+"


def split_ref(ref, sheet):
    """(sheet, A1) of "Sheet!$A$1", "'Central charge'!J20" or "A1" (on sheet)."""
    if "!" in ref:
        sheet, ref = ref.rsplit("!", 1)
        sheet = sheet.strip("'")
    return sheet, ref.replace("$", "")


def integrity_rows(wb):
    """[(row, what, where, formula)] of the Checks sheet's integrity table."""
    ws = wb["Checks"]
    out, inside = [], False
    for r in range(1, ws.max_row + 1):
        a = ws.cell(row=r, column=1).value
        if a == "Integrity check (0 while it holds)":
            inside = True
        elif inside and not a:
            break
        elif inside:
            out.append((r, a, ws.cell(row=r, column=2).value, ws.cell(row=r, column=3).value))
    return out


def defined_cell(wb, name):
    dn = wb.defined_names[name] if hasattr(wb.defined_names, "__getitem__") else wb.defined_names.get(name)
    return split_ref(dn.attr_text, None)


def tamper_plan(book, data):
    """The edits that must keep every integrity check at 0 (a phase changed on
    Institutions to another institution's, a threshold edited on Targets) and one tamper
    per integrity check, each of which must make that check fail:
      a check a sheet registered (its failures "=N-COUNTIF(block,0)"): the last cell the
          block's first formula refers to - a figure it checks, by the registry's rule
          (bp_xlsx_internal.h, xl_check_ref) - overwritten with its value plus one;
      nothing below a bounded range: a value typed on the first row below it;
      every fact row complete: a word typed over the first fact's value;
      every fact counted: a fact appended for an institution not on Institutions, one for
          a year with no rows in the sums block, and an institution's cell of the sums
          block overwritten with its value plus one;
      a trust or phase total of the sums block: its cell on the first row with a total,
          overwritten with its value plus one.
    A check this does not know fails the test: a new check needs a tamper here."""
    wb, wv = load_book(book), load_book(book, data_only=True)
    fact = list(pick(data))
    plan, expect = [], []

    # one fresh copy of the book; each edit is undone after its read (lo_edit.py restore)
    plan.append(["reopen"])

    def add(name, want, *ops):
        plan.extend([list(o) for o in ops])
        plan.append(["quick", "Checks"])
        plan.extend([["restore"]] * len(ops))
        expect.append([name, want])

    def bumped(sheet, cell):
        v = wv[sheet][cell].value
        return "%.2f" % ((v if isinstance(v, (int, float)) else 0) + 1)

    # (c) edits a finance team makes that move figures but break nothing
    ins = wb["Institutions"]
    rows = [r for r in range(1, ins.max_row + 1) if ins.cell(row=r, column=3).value in PHASES_OF_SCHOOLS]
    phases = [ins.cell(row=r, column=3).value for r in rows]
    for r in rows:
        other = [p for p in phases if p != ins.cell(row=r, column=3).value]
        if other:
            add("phase %s -> %s" % (ins.cell(row=r, column=1).value, other[0]), "green",
                ["set-cell", "Institutions", "C%d" % r, other[0]])
            break
    tg = wb["Targets"]
    for r in range(1, tg.max_row + 1):
        if tg.cell(row=r, column=4).value in ("max", "min") and isinstance(tg.cell(row=r, column=6).value
                                                                             or tg.cell(row=r, column=5).value, float):
            col = "F" if isinstance(tg.cell(row=r, column=6).value, float) else "E"
            v = tg["%s%d" % (col, r)].value
            add("threshold Targets!%s%d %s -> %s" % (col, r, v, round(v * 0.9, 6)), "green",
                ["set-cell", "Targets", "%s%d" % (col, r), str(round(v * 0.9, 6))])
            break
    ws = wb["Workings"]
    head = [c.value for c in ws[5]]
    first = next(r for r in range(7, ws.max_row + 1) if ws.cell(row=r, column=2).value
                 and isinstance(wv["Workings"].cell(row=r, column=head.index("trust") + 1).value, (int, float))
                 and wv["Workings"].cell(row=r, column=head.index("trust") + 1).value)
    for row, what, where, formula in integrity_rows(wb):
        name = "tamper %s" % (what.split(":")[0] if ":" in what[:40] else what[:30] + "...")
        sheet, cell = split_ref(where, "Checks")
        reg = re.match(r"^=\d+-COUNTIF\((.+),0\)$", formula or "")
        if reg and "!" in reg.group(1):
            # the first cell of the block whose figures all have data (a check over "n/a",
            # such as net assets without fixed assets, holds whatever is typed there)
            bs, brange = split_ref(reg.group(1).replace("$", "").split(":")[0], "Checks")[0], \
                reg.group(1).replace("$", "").split("!")[-1]
            target = None
            for line in wb[bs][brange]:
                for c in line:
                    f = c.value if isinstance(c.value, str) and c.value.startswith("=") else None
                    refs = [split_ref(r, bs) for r in re.findall(CELL_RE, f or "")]
                    if refs and all(isinstance(wv[a][b].value, (int, float)) for a, b in refs):
                        target = refs[-1]
                        break
                if target:
                    break
            if target is None:
                print("     (no tamper for %r: none of its cells has figures in this data set; "
                      "tests/e2e/statements.sh tampers it on tests/fixtures/balance)" % what)
                continue
            ts, tc = target
            add("%s (%s!%s)" % (name, ts, tc), "fails %d" % row, ["set-cell", ts, tc, bumped(ts, tc)])
        elif "nothing below" in what:
            add("%s (%s!%s)" % (name, sheet, cell), "fails %d" % row, ["set-cell", sheet, cell, "1"])
        elif what.startswith("Data: every fact row"):
            add("%s (Data!F2 a word)" % name, "fails %d" % row, ["set-cell", "Data", "F2", "n/a"])
        elif what.startswith("Every fact on Data is counted"):
            add("%s (a fact of institution NOSUCH)" % name, "fails %d" % row,
                ["append-fact", "NOSUCH"] + fact[1:])
            add("%s (a fact of year 2031/32)" % name, "fails %d" % row,
                ["append-fact", fact[0], "2031/32"] + fact[2:])
            cell = "%s%d" % (get_column_letter(5), first)
            add("%s (Workings!%s)" % (name, cell), "fails %d" % row,
                ["set-cell", "Workings", cell, bumped("Workings", cell)])
        elif what.startswith("Workings: every"):
            col = get_column_letter(column_index_from_string(re.match(r"[A-Z]+", cell).group(0)))
            c = "%s%d" % (col, first)
            add("%s (Workings!%s)" % (name, c), "fails %d" % row, ["set-cell", "Workings", c, bumped("Workings", c)])
        else:
            check("a tamper test for the integrity check %r (Checks row %d)" % (what, row), False,
                  "add one to workbook_check.py tamper_plan()")
    return plan, expect


PHASES_OF_SCHOOLS = ("primary", "secondary", "secondary_sixth", "sixth_form_college", "all_through",
                     "special", "alternative_provision")


def segment(path, n):
    """The operations of segment n of lo_edit.py's output (None, why when it did not run)."""
    with open(path, encoding="utf-8") as f:
        out = json.load(f)
    segs = [[]]
    for e in out["ops"]:
        if e["op"] == "reopen":
            segs.append([])
        else:
            segs[-1].append(e)
    if n >= len(segs) or not segs[n]:
        return None, out.get("error") or "LibreOffice stopped before it"
    bad = [e for e in segs[n] if "error" in e]
    if bad:
        return None, "%s: %s" % (bad[0]["op"], bad[0]["error"])
    return segs[n], None


def value_in(ops, sheet, cell):
    """A cell's value after a segment's edits: from its "sheet" read, else its values."""
    from openpyxl.utils.cell import coordinate_from_string
    col, row = coordinate_from_string(cell)
    for e in reversed(ops):
        if e["op"] in ("sheet", "quick") and e["sheet"] == sheet:
            rows = e["rows"]
            c = column_index_from_string(col) - 1
            return rows[row - 1][c] if row - 1 < len(rows) and c < len(rows[row - 1]) else None
        if e["op"] == "values":
            for x in e["cells"]:
                if x["sheet"] == sheet and x["cell"] == cell:
                    return x["value"]
    return None


def judge(name, want, wb, ops):
    ms, mc = defined_cell(wb, "MasterCheck")
    ps, pc = defined_cell(wb, "ProvenanceCheck")
    master, prov = value_in(ops, ms, mc), value_in(ops, ps, pc)
    # the sentence beside the provenance count says it in words
    words = value_in(ops, ps, "B%s" % re.sub(r"[A-Z]+", "", pc))
    if want == "green":
        check("%s: MasterCheck 0 and the provenance checks green (%r, %r)" % (name, master, prov),
              master == 0 and prov == 0)
    elif want == "red":
        # The appended fact is report-year income (pick(): a late invoice) and nothing else
        # is typed, so the institution's closing revenue reserve no longer rolls forward
        # from its opening reserve and result: the Reserves check must say so, and every
        # other integrity check stay 0 (docs/workbook.md, "Checks").
        failing = [(r, what) for r, what, _, _ in integrity_rows(wb)
                   if value_in(ops, "Checks", "C%d" % r) != 0]
        check("%s: MasterCheck counts only the revenue-reserve roll-forward the fact breaks "
              "(%r: %s)" % (name, master, "; ".join(w[:40] for _, w in failing) or "none"),
              master == len(failing) and all(w.startswith("Reserves:") for _, w in failing))
        check("%s: the provenance checks red: %r (%r)" % (name, words, prov),
              isinstance(prov, float) and prov > 0
              and isinstance(words, str) and words.startswith("Data differs from the input files"))
    else:
        row = int(want.split()[1])
        value, status = value_in(ops, "Checks", "C%d" % row), value_in(ops, "Checks", "D%d" % row)
        check("%s: the check on Checks row %d fails (%r, %r) and MasterCheck is %r"
              % (name, row, value, status, master),
              isinstance(master, float) and master >= 1 and status == "FAILS" and value != 0)


def main(argv):
    if not argv:
        raise SystemExit(__doc__)
    cmd, args = argv[0], argv[1:]
    if cmd == "load" and len(args) == 1:
        try:
            wb = load_book(args[0])
            load_book(args[0], data_only=True)
            check("%s: openpyxl loads it with no warning (%d sheets)" % (os.path.basename(args[0]),
                                                                        len(wb.sheetnames)), True)
        except Exception as e:  # a warning raised as an error, or a broken file
            check("%s: openpyxl loads it with no warning" % os.path.basename(args[0]), False,
                  "%s: %s" % (type(e).__name__, e))
    elif cmd == "fact" and len(args) == 1:
        print(" ".join(pick(args[0])))
    elif cmd == "bump" and len(args) == 2:
        bump(*args)
    elif cmd == "edit" and len(args) in (6, 7):
        edit(*args)
    elif cmd == "plan" and len(args) == 3:
        plan, expect = tamper_plan(args[0], args[1])
        with open(args[2], "w", encoding="utf-8") as f:
            json.dump({"ops": plan, "expect": expect}, f)
        print("%d" % len(expect))
    elif cmd == "checks" and len(args) == 4:
        path, _, n = args[3].partition("#")
        ops, err = segment(path, int(n or 0))
        if err:
            check("%s: LibreOffice ran it" % args[0], False, err)
        else:
            judge(args[0], args[1], load_book(args[2]), ops)
    elif cmd == "tampers" and len(args) == 4:
        with open(args[1], encoding="utf-8") as f:
            expect = json.load(f)["expect"]
        wb = load_book(args[0])
        ops, err = segment(args[2], int(args[3]))
        # each expectation's read is the next "quick" of the segment
        reads = [e for e in ops or [] if e["op"] == "quick"]
        for i, (name, want) in enumerate(expect):
            if i >= len(reads):
                check("%s: LibreOffice ran it" % name, False, err or "no read")
            else:
                judge(name, want, wb, [reads[i]])
    else:
        raise SystemExit(__doc__)
    return checks.exit_status()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
