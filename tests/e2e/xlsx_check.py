#!/usr/bin/python3
"""Checks of the audit workbook for tests/e2e/xlsx.sh (python3-openpyxl; standard library
otherwise).  Each command prints "ok   ..." / "FAIL ..." lines and exits 1 on a failure.

  recalc BOOK CSVDIR        every formula's cached value against LibreOffice's full
                            recalculation (CSVDIR: one CSV per sheet, book-SHEET.csv)
  json BOOK JSON            every Scorecard and Forecast figure and status, course result
                            and central charge share against `check --format json`
  edit BOOK OUT DATA        a copy with one fact and one threshold changed (see EDIT below)
  edited CSVDIR DATA        the recalculated copy against figures computed here from the CSVs
  text BOOK NAME...         cells whose text is NAME are text cells, never formulas
  lengths BOOK              every formula within Excel's 8,192 characters
"""
import csv
import json
import math
import os
import sys
from fractions import Fraction

import openpyxl
sys.dont_write_bytecode = True   # no __pycache__ in the tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import checks  # noqa: E402
from checks import check  # noqa: E402
from bpresults import flat  # noqa: E402





def num(x):
    """A number from a cached value or from LibreOffice's CSV text (which keeps a percent
    format's '%' and writes booleans as TRUE/FALSE); None for text and blanks."""
    if x is None or x == "":
        return None
    if isinstance(x, bool):
        return float(x)
    if isinstance(x, (int, float)):
        return float(x)
    t = str(x).strip().replace(",", "").replace("\u00a3", "")
    if t.upper() in ("TRUE", "FALSE"):
        return 1.0 if t.upper() == "TRUE" else 0.0
    scale = 1.0
    if t.endswith("%"):
        t, scale = t[:-1], 0.01
    try:
        return float(t) * scale
    except ValueError:
        return None


def same(a, b):
    x, y = num(a), num(b)
    if x is not None and y is not None:
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
    return str(a if a is not None else "") == str(b if b is not None else "")


def sheet_csv(csvdir, title):
    for name in ("book-%s.csv" % title, "book.csv"):
        path = os.path.join(csvdir, name)
        if os.path.exists(path):
            with open(path, encoding="utf-8", newline="") as f:
                return list(csv.reader(f))
    return None


def csv_cell(rows, row, col):
    """1-based row and column, as openpyxl counts."""
    if row - 1 < len(rows) and col - 1 < len(rows[row - 1]):
        return rows[row - 1][col - 1]
    return ""


# ---- (a) LibreOffice recalculates every formula to its cached value ----

def recalc(book, csvdir):
    wf = openpyxl.load_workbook(book)
    wv = openpyxl.load_workbook(book, data_only=True)
    checked = bad = 0
    for ws in wf.worksheets:
        rows = sheet_csv(csvdir, ws.title)
        if rows is None:
            check("sheet %s exported by LibreOffice" % ws.title, False)
            continue
        for row in ws.iter_rows():
            for c in row:
                if c.data_type != "f":
                    continue
                checked += 1
                cached = wv[ws.title][c.coordinate].value
                got = csv_cell(rows, c.row, c.column)
                if not same(cached, got):
                    bad += 1
                    if bad <= 20:
                        print("     %s!%s %s cached=%r recalculated=%r"
                              % (ws.title, c.coordinate, str(c.value)[:160], cached, got))
    check("%s: %d formulas recalculate to their cached values" % (os.path.basename(book), checked),
          bad == 0 and checked > 0, "%d differ" % bad)


# ---- (c) the workbook and the JSON agree ----

def matrix(rows, start):
    """{(row id, entity id): (value, status)} of one KPI-by-entity block whose header
    row ("KPI", "Name", ...) is rows[start]; it ends at the first row without an id."""
    header = rows[start]
    out = {}
    for r in rows[start + 1:]:
        if not r or not r[0]:
            break
        # each entity's id over its value, "status" beside it (the Scorecard's prior year
        # after that)
        for col in range(3, len(header) - 1):
            if header[col + 1] == "status":
                out[(r[0], header[col])] = (r[col], r[col + 1] if col + 1 < len(r) else None)
    return out


def blocks(ws):
    """{(year, scenario): block} of the Scorecard (the report year's actuals, taken from
    the title) or of the Forecast sheet (a "2023/24 budget" title above each block)."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    out, pair = {}, None
    for i, r in enumerate(rows):
        title = str(r[0] or "")
        words = title.replace("(", "").replace(")", "").split()
        if i == 0 and "scorecard" in title:
            pair = (words[-2], "actual")
        elif len(words) == 2 and words[1] in ("budget", "forecast") and "/" in words[0]:
            pair = (words[0], words[1])
        elif r[0] == "KPI" and r[1] == "Name" and pair:
            out[pair] = matrix(rows, i)
            pair = None
    return out


def same_figure(want, got):
    return same(want if want is not None else "", got)


def agree_result(r, cells):
    """Differences between one JSON result and its cells (value, status, measures, grade)."""
    bad = []
    got = cells.get((r["kpi"], r["entity"]))
    if got is None:
        return ["no cell"]
    if not same_figure(r["value"], got[0]) or got[1] != r["status"]:
        bad.append("json %r %s, workbook %r %s" % (r["value"], r["status"], got[0], got[1]))
    for mid, m in (r.get("measures") or {}).items():
        mv = cells.get(("%s/%s" % (r["kpi"], mid), r["entity"]))
        if mv is None or not same_figure(m["value"], mv[0]) or not same_figure(m["points"], mv[1]):
            bad.append("%s: json %r, workbook %r" % (mid, m, mv))
    if r.get("measures"):
        g = cells.get(("%s/grade" % r["kpi"], r["entity"]))
        # no grade (no data): null in the row of schema /3, absent from /1's object
        if g is None or (g[0] or "") != (r.get("grade") or ""):
            bad.append("grade: json %r, workbook %r" % (r.get("grade"), g))
    return bad


def agree_results(book, res):
    wb = openpyxl.load_workbook(book, data_only=True)
    score, ahead = blocks(wb["Scorecard"]), blocks(wb["Forecast"])
    year = res["report_year"]
    n = {"Scorecard": 0, "Forecast": 0}
    bad = 0
    for r in res["results"]:
        pair = (r["year"], r["scenario"])
        if pair == (year, "actual"):
            sheet, cells = "Scorecard", score.get(pair, {})
        elif r["year"] > year and r["scenario"] != "actual" and (r["kpi"], r["entity"]) in ahead.get(pair, {}):
            sheet, cells = "Forecast", ahead[pair]
        else:
            continue
        n[sheet] += 1
        for d in agree_result(r, cells):
            bad += 1
            print("     %s %s %s %s %s: %s" % (sheet, r["kpi"], r["entity"], r["year"], r["scenario"], d))
    name = os.path.basename(book)
    check("%s: %d Scorecard and %d Forecast results (value, status, measures, grade) equal the JSON"
          % (name, n["Scorecard"], n["Forecast"]), n["Scorecard"] > 0 and bad == 0, "%d differ" % bad)
    # every later budget and forecast KPI with data is in the Forecast sheet
    missing = [(r["kpi"], r["entity"], r["year"], r["scenario"]) for r in res["results"]
               if r["year"] > year and r["scenario"] != "actual" and r["value"] is not None
               and (r["kpi"], r["entity"]) not in ahead.get((r["year"], r["scenario"]), {})]
    check("%s: every budget and forecast result with data is on the Forecast sheet" % name,
          not missing, str(missing[:5]))


def agree_courses(book, res):
    ws = openpyxl.load_workbook(book, data_only=True)["Courses"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    head = next((i for i, r in enumerate(rows) if r[:3] == ["Institution", "Year", "Course"]), None)
    cells = {}
    if head is not None:
        # each course KPI's value and status follow the course's input columns
        first = rows[head].index("Minority") + 1
        for r in rows[head + 1:]:
            if not r[0]:
                break
            for col in range(first, len(rows[head]) - 1, 2):
                if rows[head][col]:
                    cells.setdefault((rows[head][col], r[0], r[1], r[2]), []).append((r[col], r[col + 1]))
    bad = 0
    for c in res["courses"]:
        got = cells.get((c["kpi"], c["institution"], c["year"], c["course"]), [None]).pop(0) \
            if cells.get((c["kpi"], c["institution"], c["year"], c["course"])) else None
        if got is None or not same_figure(c["value"], got[0]) or got[1] != c["status"]:
            bad += 1
            print("     course %s %s %s: json %r %s, workbook %r" % (c["institution"], c["year"],
                                                                 c["course"], c["value"], c["status"], got))
    check("%s: %d course results equal the JSON" % (os.path.basename(book), len(res["courses"])),
          bad == 0, "%d differ" % bad)


def agree_charges(book, res):
    ws = openpyxl.load_workbook(book, data_only=True)["Central charge"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    found = {}
    for i, r in enumerate(rows):
        words = str(r[0] or "").split()
        if len(words) == 2 and "/" in words[0] and words[1] in ("actual", "budget", "forecast"):
            lines = {}
            for line in rows[i + 4:]:
                if not line[0] or line[0] == "Total":
                    break
                lines[line[0]] = line
            found[(words[0], words[1])] = (rows[i + 1][2], lines)
    n = bad = 0
    for ch in res["central_charge"]:
        total, lines = found.get((ch["year"], ch["scenario"]), (None, {}))
        n += 1
        if not same_figure(ch["total"], total):
            bad += 1
            print("     charge %s %s total: json %r, workbook %r" % (ch["year"], ch["scenario"], ch["total"], total))
        for a in ch["allocation"]:
            line = lines.get(a["institution"])
            n += 1
            if line is None or not same_figure(a["weighted_students"], line[4]) \
                    or not same_figure(a["share"], line[9]) or not same_figure(a["charged"], line[10]):
                bad += 1
                print("     charge %s %s %s: json %r, workbook %r" % (ch["year"], ch["scenario"],
                                                                  a["institution"], a, line))
    check("%s: %d central charge totals and shares equal the JSON" % (os.path.basename(book), n),
          bad == 0, "%d differ" % bad)


def json_agrees(book, path):
    res = flat(json.load(open(path, encoding="utf-8")))
    agree_results(book, res)
    agree_courses(book, res)
    agree_charges(book, res)


# ---- (b) edit a fact and a threshold, recalculate, compare with figures from the CSVs ----

# The edit: the first primary school's exp.staff.teaching for the report year's actuals goes
# up by EDIT_STAFF pounds, and the staff_cost_pct ceiling for primary schools (the target row
# whose phases list primary) becomes EDIT_CEILING.  In the hand-worked trust that takes P1
# from 80% (green on the old ceiling) to 80.5%, green only because the ceiling moved, and
# the primary phase to 121,500 / 150,000 = 81% exactly: on the new ceiling, green.
EDIT_STAFF = Fraction(500)
EDIT_CEILING = Fraction(81, 100)


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


def trust_info(data):
    kv = {r["key"]: r["value"] for r in read_csv(os.path.join(data, "trust.csv"))}
    insts = read_csv(os.path.join(data, "institutions.csv"))
    return kv, insts


def edit_target(insts, kv):
    """(institution id, code) edited: the first primary school with exp.staff.teaching."""
    year = kv["report_year"].replace("-", "/")
    facts = read_csv(os.path.join(DATA_DIR[0], "finance.csv"))
    for i in insts:
        if i["phase"] != "primary":
            continue
        for f in facts:
            if f["institution"] == i["id"] and f["code"] == "exp.staff.teaching" \
                    and f["year"].replace("-", "/") == year and f["scenario"] == "actual":
                return i["id"], year
    raise SystemExit("no primary school with exp.staff.teaching in the report year")


DATA_DIR = [None]


def edit(book, out, data):
    DATA_DIR[0] = data
    kv, insts = trust_info(data)
    inst, year = edit_target(insts, kv)
    wb = openpyxl.load_workbook(book)
    ws = wb["Data"]
    # the columns by their headers: Data holds the facts as typed, one a row
    head = {c.value: i for i, c in enumerate(next(ws.iter_rows(max_row=1)))}
    key = [head[h] for h in ("Institution", "Year", "Scenario", "Period", "Code")]
    done = 0
    for row in ws.iter_rows(min_row=2):
        if [row[i].value for i in key] == [inst, year, "actual", None, "exp.staff.teaching"]:
            value = row[head["Value"]]
            value.value = float(Fraction(str(value.value)) + EDIT_STAFF)
            done += 1
    check("edited %s's exp.staff.teaching in Data" % inst, done == 1, "%d rows" % done)
    tg = wb["Targets"]
    done = 0
    for row in tg.iter_rows(min_row=1):
        if row[0].value == "staff_cost_pct" and row[11].value and "primary" in str(row[11].value).split(", "):
            row[5].value = float(EDIT_CEILING)
            done += 1
    check("edited the primary staff_cost_pct ceiling in Targets", done == 1, "%d rows" % done)
    wb.save(out)


def expected_after_edit(data):
    """[(kpi, entity, value, status)] for the KPIs the edit moves, computed from the CSVs
    with the edit applied and the targets of templates/kpis/default.kpi: staff_cost_pct
    (max, amber to 82%) for the school, its phase and the trust (no target), and
    surplus_pct (band 0.5%..2%, amber 0..0.5% and 2..4%; institutions only)."""
    DATA_DIR[0] = data
    kv, insts = trust_info(data)
    inst, year = edit_target(insts, kv)
    facts = read_csv(os.path.join(data, "finance.csv"))
    central = kv.get("central_id", "CENTRAL")

    def total(ids, prefix, eliminate):
        s = Fraction(0)
        for f in facts:
            code = f["code"]
            if f["institution"] not in ids or f["year"].replace("-", "/") != year or f["scenario"] != "actual":
                continue
            if not (code == prefix or code.startswith(prefix + ".")):
                continue
            if eliminate and any(code == p or code.startswith(p + ".")
                                 for p in ("income.internal", "exp.internal")):
                continue
            v = money(f["value"])
            if f["institution"] == inst and code == "exp.staff.teaching":
                v += EDIT_STAFF
            s += v
        return s

    def within(v, lo, hi):
        return lo <= v <= hi

    def ceiling(v):
        if v <= EDIT_CEILING:
            return "green"
        return "amber" if within(v, Fraction(80, 100), Fraction(82, 100)) else "red"

    def band(v):
        if within(v, Fraction(5, 1000), Fraction(2, 100)):
            return "green"
        if within(v, Fraction(0), Fraction(5, 1000)) or within(v, Fraction(2, 100), Fraction(4, 100)):
            return "amber"
        return "red"

    members = [i["id"] for i in insts if i["phase"] == "primary" and i["id"] != central]
    every = [i["id"] for i in insts]
    want = []
    for ent, ids, elim in ((inst, [inst], False), ("primary", members, False), ("trust", every, True)):
        income, staff = total(ids, "income", elim), total(ids, "exp.staff", elim)
        v = staff / income
        want.append(("staff_cost_pct", ent, v, ceiling(v) if ent != "trust" else "none"))
        v = (income - total(ids, "exp", elim)) / income
        want.append(("surplus_pct", ent, v, band(v) if ent == inst else "none"))
    return want


def edited(csvdir, data):
    rows = sheet_csv(csvdir, "Scorecard")
    header = next(r for r in rows if r[:2] == ["KPI", "Name"])
    for kpi, ent, v, st in expected_after_edit(data):
        line = next(r for r in rows if r and r[0] == kpi)
        col = header.index(ent)
        got, got_status = num(line[col]), line[col + 1]
        check("after the edit, %s %s = %.12f" % (kpi, ent, float(v)),
              got is not None and math.isclose(got, float(v), rel_tol=1e-9, abs_tol=1e-12),
              "got %r" % line[col])
        check("after the edit, %s %s is %s" % (kpi, ent, st), got_status == st, "got %r" % got_status)


# ---- (d) text from the input stays text ----

def text_cells(book, names):
    wb = openpyxl.load_workbook(book)
    for name in names:
        found = [(ws.title, c.coordinate, c.data_type) for ws in wb.worksheets
                 for row in ws.iter_rows() for c in row if c.value == name]
        check("%r appears in the workbook" % name, bool(found))
        check("%r is only ever a text cell" % name, found and all(t == "s" for _, _, t in found),
              str(found[:5]))


# ---- Excel's limit on a formula's length ----

def lengths(book):
    wb = openpyxl.load_workbook(book)
    longest, where, n = 0, "", 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    n += 1
                    if len(c.value) - 1 > longest:
                        longest, where = len(c.value) - 1, "%s!%s" % (ws.title, c.coordinate)
    check("%s: %d formulas, the longest (%s) %d characters, within 8,192"
          % (os.path.basename(book), n, where, longest), n > 0 and longest <= 8192)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "recalc":
        recalc(*args)
    elif cmd == "json":
        json_agrees(*args)
    elif cmd == "edit":
        edit(*args)
    elif cmd == "edited":
        edited(*args)
    elif cmd == "text":
        text_cells(args[0], args[1:])
    elif cmd == "lengths":
        lengths(*args)
    else:
        raise SystemExit("unknown command " + cmd)
    sys.exit(checks.exit_status())


if __name__ == "__main__":
    main()
