#!/usr/bin/python3
"""Small-number suppression (build --publish) of tests/fixtures/small-cohorts, checked from
the fixture's own CSVs rather than from boardpack: every count of people is summed here,
every suppressed cell compared with the hand-worked expected-suppressed.tsv, and for each
KPI, year and side (numerator, denominator) the totals the outputs show are solved as a
linear system to show that no suppressed value can be worked out from the rest.

usage: publish_check.py FIXTURE PUBLISHED.json UNPUBLISHED.json ELEMENTS.txt BOARD.pdf
       publish_check.py --solve DATA PUBLISHED.json   (any data set: the solving alone)
Prints "ok   ..." / "FAIL ..." lines for tests/e2e/publish.sh."""
import csv
import json
import sys
from fractions import Fraction
import os
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from bpresults import flat  # noqa: E402

solve_only = sys.argv[1] == "--solve"
if solve_only:
    # publish_check.py --solve DATA PUBLISHED.json: only that nothing suppressed can be solved
    fixture, pub_json = sys.argv[2:4]
    plain_json = elements = board = None
else:
    fixture, pub_json, plain_json, elements, board = sys.argv[1:6]
results = []


def out(cond, what):
    print(("ok   " if cond else "FAIL ") + what)


def rows(name):
    try:
        with open(f"{fixture}/{name}", encoding="utf-8") as f:
            return list(csv.DictReader(f))
    except FileNotFoundError:
        return []


trust = {r["key"]: r["value"] for r in rows("trust.csv")}
smax = int(trust.get("suppress_max", "5"))
insts = rows("institutions.csv")
inst_ids = [r["id"] for r in insts]
phase_of = {r["id"]: r["phase"] for r in insts}
pan = {r["id"]: Fraction(r["pan"]) for r in insts if r["pan"]}
central = trust.get("central_id", "CENTRAL")
phases = sorted({p for i, p in phase_of.items() if i != central})

facts = {}
for f in ("students.csv", "staff.csv", "governance.csv"):
    for r in rows(f):
        if r["scenario"] != "actual":
            continue
        key = (r["institution"], r["year"], r["code"])
        facts[key] = facts.get(key, 0) + Fraction(r["value"])

# The people KPIs of templates/kpis/default.kpi that the fixture feeds, read by hand from
# their formulas: (numerator code, denominator code); a count KPI has no denominator.
# pan_filled_pct: if(pan > 0, students.intake, 0) / if(students.intake >= 0, pan, 0).
KPIS = {
    "staff_turnover_pct": ("staff.leavers", "staff.headcount"),
    "staff_good_pct": ("staff.graded_good", "staff.graded"),
    "neet_pct": ("students.neet", "students.leavers"),
    "sustained_pct": ("students.sustained", "students.leavers"),
    "satisfaction_pct": ("survey.students_positive", "survey.students_responses"),
    "post16_roll": ("students.post16", None),
    "pan_filled_pct": ("students.intake", "pan"),
    "governor_attendance_pct": ("gov.attended", "gov.possible"),
    "board_female_pct": ("gov.members_female", "gov.members"),
}
YEARS = ["2021/22", "2022/23"]


def side(kpi, code, inst, year):
    """One institution's numerator or denominator; None: no data."""
    if kpi == "pan_filled_pct":
        intake = facts.get((inst, year, "students.intake"))
        if intake is None or inst not in pan:
            return None
        return intake if code == "students.intake" else pan[inst]
    return facts.get((inst, year, code))


def members(scope, entity):
    if scope == "institution":
        return [entity]
    if scope == "phase":
        return [i for i in inst_ids if phase_of[i] == entity and i != central]
    return inst_ids


def cell(kpi, scope, entity, year):
    """(numerator, denominator, value) summed over the members with data."""
    num_c, den_c = KPIS[kpi]
    def total(code):
        vs = [side(kpi, code, i, year) for i in members(scope, entity)]
        vs = [v for v in vs if v is not None]
        return sum(vs) if vs else None
    n = total(num_c)
    d = total(den_c) if den_c else None
    if den_c is None:
        return n, None, n
    return n, d, (n / d if n is not None and d else None)


entities = ([("institution", i) for i in inst_ids] + [("phase", p) for p in phases]
            + [("trust", "trust")])
pub = flat(json.load(open(pub_json, encoding="utf-8")))
plain = flat(json.load(open(plain_json or pub_json, encoding="utf-8")))
by_key = {(r["kpi"], r["scope"], r["entity"], r["year"], r["scenario"]): r for r in pub["results"]}
plain_key = {(r["kpi"], r["scope"], r["entity"], r["year"], r["scenario"]): r for r in plain["results"]}

got = {k for k, r in by_key.items() if r.get("suppressed")}

# ---- no suppressed value can be solved from the totals shown ----
# The groups the outputs show a total beside its parts: each phase beside its
# institutions, the trust beside every institution, the trust beside the phases and the
# centre.  A shown cell is known (its numerator and denominator, the strongest reader);
# so is a cell with no data (0).  Each group is one equation on each side.
def groups():
    g = [(("phase", p), [("institution", i) for i in members("phase", p)]) for p in phases]
    g.append((("trust", "trust"), [("institution", i) for i in inst_ids]))
    g.append((("trust", "trust"), [("phase", p) for p in phases] + [("institution", central)]))
    return g


def rank(m):
    m = [r[:] for r in m]
    rk, cols = 0, len(m[0]) if m else 0
    for c in range(cols):
        piv = next((i for i in range(rk, len(m)) if m[i][c] != 0), None)
        if piv is None:
            continue
        m[rk], m[piv] = m[piv], m[rk]
        for i in range(len(m)):
            if i != rk and m[i][c] != 0:
                f = m[i][c] / m[rk][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[rk])]
        rk += 1
    return rk


def solve(got, keys):
    """The suppressed cells of got that the groups' equations determine, for each (kpi,
    year, scenario) of keys.  The numerator's and the denominator's systems have the same
    unknowns and equations (each group adds up on both sides), so one is solved."""
    found, n = [], 0
    for kpi, year, sc in sorted(keys):
        unknown = [(s, e) for s, e in entities if (kpi, s, e, year, sc) in got]
        if not unknown:
            continue
        idx = {u: j for j, u in enumerate(unknown)}
        eqs = []
        for total, parts in groups():
            row = [Fraction(0)] * len(unknown)
            for p, sign in [(total, 1)] + [(q, -1) for q in parts]:
                if p in idx:
                    row[idx[p]] += sign
            if any(row):
                eqs.append(row)
        n += 1
        base = rank(eqs) if eqs else 0
        for u, j in idx.items():
            e = [Fraction(int(i == j)) for i in range(len(unknown))]
            if rank(eqs + [e]) == base:
                found.append((kpi, year, sc, u))
    return found, n


keys = {(k[0], k[3], k[4]) for k in by_key}
solvable, systems = solve(got, keys)
out(not solvable, "no suppressed numerator or denominator can be solved from the totals shown "
    "(%d systems)%s" % (systems, "" if not solvable else ": " + repr(solvable)))
if solve_only:
    sys.exit(0)

# ---- the suppressed results: exactly those worked out by hand ----
expected = set()
with open(f"{fixture}/expected-suppressed.tsv", encoding="utf-8") as f:
    for line in f:
        if line.startswith("#") or not line.strip():
            continue
        k, scope, entity, year = line.rstrip("\n").split("\t")[:4]
        expected.add((k, scope, entity, year, "actual"))
out(got == expected, "the suppressed results are the %d of expected-suppressed.tsv%s" % (
    len(expected), "" if got == expected else
    " (missing %s; extra %s)" % (sorted(expected - got), sorted(got - expected))))
out(all("suppressed" in r for r in pub["results"]), "every published result says whether it is suppressed")
out(all("suppressed" not in r for r in plain["results"]), "an unpublished build's results have no suppressed key")
out(all(by_key[k]["value"] is None and by_key[k]["status"] == "none" for k in got),
    "each suppressed result has value null and status none")
out(all((k in got) or {x: y for x, y in by_key[k].items() if x != "suppressed"} == r
        for k, r in plain_key.items()),
    "every other result is exactly the unpublished build's")
pub_ex = {(e["kpi"], e["scope"], e["entity"], e["year"], e["scenario"]) for e in pub["exceptions"]}
out(not (pub_ex & got), "no suppressed result is among the exceptions")
plain_ex = {(e["kpi"], e["scope"], e["entity"], e["year"], e["scenario"]) for e in plain["exceptions"]}
out(pub_ex == plain_ex - got, "the exceptions are the unpublished build's less the suppressed")

# ---- the primary rule, from the CSVs ----
def small(v):
    return v is not None and 0 < v <= smax

primary = set()
for kpi in KPIS:
    for year in YEARS:
        for scope, entity in entities:
            n, d, v = cell(kpi, scope, entity, year)
            if v is not None and (small(n) or small(d)):
                primary.add((kpi, scope, entity, year, "actual"))
out(primary <= got, "every value whose numerator or denominator is 1..%d is suppressed (%d)" % (smax, len(primary)))
zero_shown = [(kpi, s, e, y) for kpi in KPIS for y in YEARS for s, e in entities
              if cell(kpi, s, e, y)[0] == 0 and not small(cell(kpi, s, e, y)[1])
              and (kpi, s, e, y, "actual") in got]
out(not zero_shown, "a numerator of 0 is shown (when nothing else is small)")

# ---- courses ----
want = {}
with open(f"{fixture}/expected-courses.tsv", encoding="utf-8") as f:
    for line in f:
        if line.startswith("#") or not line.strip():
            continue
        i, c, shown = line.rstrip("\n").split("\t")
        want[(i, c)] = shown
csv_students = {(r["institution"], r["course"]): int(r["students"]) for r in rows("courses.csv")}
gotc = {(c["institution"], c["course"]): ("c" if c["suppressed"] else str(c["students"]))
        for c in pub["courses"]}
out(gotc == want, "course students as expected-courses.tsv: %s" % sorted(gotc.items()))
out(all((want[k] == "c") == small(v) for k, v in csv_students.items()),
    "expected-courses.tsv suppresses exactly the courses of 1..%d students" % smax)
out(all(c["students"] is None for c in pub["courses"] if c["suppressed"])
    and all(c["income"] is not None and c["value"] is not None for c in pub["courses"]),
    "a suppressed course has students null; its money and contribution stay")

# ---- the board pack's scorecard: c where suppressed, a figure elsewhere ----
cells, heads = {}, {}
doc = None
for line in open(elements, encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    if f[0] == "document":
        doc = f[1]
        continue
    if doc != "Board of Trustees" or f[0] != "element" or f[2] not in ("table_cell", "table_header"):
        continue
    table, row, col, repeated = int(f[9]), int(f[10]), int(f[11]), f[12] == "1"
    if repeated and row == 0:
        continue                       # a header row repeated on a continued page
    text = f[-1].replace("\\n", "\n")
    had = cells.setdefault((table, row), {}).get(col)
    cells[(table, row)][col] = text if had is None else had + "\n" + text
names = {"staff_turnover_pct": "Staff turnover", "staff_good_pct": "Staff judged at least good",
         "neet_pct": "Leavers not in", "satisfaction_pct": "Student satisfaction",
         "post16_roll": "Students aged 16-19", "governor_attendance_pct": "Governor and trustee",
         "board_female_pct": "Women on the board", "sustained_pct": "Leavers in sustained"}
score = None
for (table, row), cs in sorted(cells.items()):
    if row == 0 and cs.get(0) == "KPI" and cs.get(2) == "P1" and score is None:
        score = table
checked = wrong = 0
if score is not None:
    header = cells[(score, 0)]
    col_of = {v: k for k, v in header.items()}
    for (table, row), cs in cells.items():
        if table != score or row == 0:
            continue
        kpi = next((k for k, n in names.items() if cs.get(0, "").startswith(n)), None)
        if not kpi:
            continue
        for label, (scope, entity) in [("P1", ("institution", "P1")), ("P2", ("institution", "P2")),
                                       ("S1", ("institution", "S1")), ("S2", ("institution", "S2")),
                                       ("Trust", ("trust", "trust"))]:
            lines = cs.get(col_of.get(label, -1), "").split("\n")
            for year, at in (("2022/23", 0), ("2021/22", 1)):
                r = by_key.get((kpi, scope, entity, year, "actual"))
                if r is None or at >= len(lines):
                    continue
                checked += 1
                shows_c = lines[at].strip() == "c"
                if shows_c != bool(r.get("suppressed")):
                    wrong += 1
                    print("  %s %s %s: %r" % (kpi, entity, year, lines[at]))
out(score is not None and checked > 20 and wrong == 0,
    "the board pack's scorecard shows c exactly for the suppressed results (%d cells)" % checked)

# ---- a screen reader says "suppressed" ----
try:
    import pikepdf
    pdf = pikepdf.open(board)
    said = []
    def walk(e):
        if isinstance(e, pikepdf.Dictionary):
            if str(e.get("/S")) == "/TD" and "/ActualText" in e:
                said.append(str(e.ActualText))
            k = e.get("/K")
            for x in (k if isinstance(k, pikepdf.Array) else [k] if k is not None else []):
                walk(x)
    walk(pdf.Root.StructTreeRoot)
    sup = [s for s in said if "suppressed" in s.split()]
    c_cells = sum(1 for cs in cells.values() for v in cs.values()
                  if any(l.strip() == "c" for l in v.split("\n")))
    out(len(sup) == c_cells > 0 and not any(w == "c" for s in sup for w in s.split()),
        "each of the board pack's %d cells showing c has /ActualText saying \"suppressed\" (%d)"
        % (c_cells, len(sup)))
except ImportError:
    print("ok   (pikepdf missing: /ActualText not checked)")
