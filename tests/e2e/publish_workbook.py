#!/usr/bin/python3
"""build --publish --workbook on tests/fixtures/small-cohorts (tests/e2e/publish.sh): no
suppressed value, and none of the facts it could be worked out from, anywhere in the
workbook - the Data sheet, formulas, cached values, every sheet, hidden or not.

usage: publish_workbook.py FIXTURE PUBLISHED.xlsx UNPUBLISHED-results.json
The expectations are the fixture's own, by hand: expected-suppressed.tsv (the suppressed
results) and expected-courses.tsv; the codes the fixture's people KPIs read are listed
below from the KPI definitions (templates/kpis/default.kpi, the 12 `counts: people`).
The unpublished results JSON gives each suppressed result's real value, to look for."""
import json
import sys

import openpyxl
import os
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from bpresults import flat  # noqa: E402

fx, xlsx, plain = sys.argv[1:4]
# the fixture's facts under the codes a counts: people KPI reads (staff.leavers /
# staff.headcount, staff.graded_good / staff.graded, students.neet, .sustained /
# students.leavers, survey.students_positive / _responses, students.post16,
# students.intake / pan, gov.attended / gov.possible, gov.members_female / gov.members)
PEOPLE_CODES = {"staff.leavers", "staff.headcount", "staff.graded_good", "staff.graded",
                "students.neet", "students.leavers", "students.sustained",
                "survey.students_positive", "survey.students_responses", "students.post16",
                "students.intake", "gov.attended", "gov.possible", "gov.members_female",
                "gov.members"}
KEPT_CODES = {"students.on_roll", "staff.teacher_fte", "students.sessions_attended"}


def out(cond, what):
    print(("ok   " if cond else "FAIL ") + what)


expected = []
for line in open(fx + "/expected-suppressed.tsv", encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    kpi, scope, entity, year = line.rstrip("\n").split("\t")[:4]
    expected.append((kpi, scope, entity, year))
real = {(r["kpi"], r["scope"], r["entity"], r["year"]): r["value"]
        for r in flat(json.load(open(plain, encoding="utf-8")))["results"] if r["scenario"] == "actual"}

formulas = openpyxl.load_workbook(xlsx)                   # formulas as written
cached = openpyxl.load_workbook(xlsx, data_only=True)     # their cached values
out(all(ws.sheet_state == "visible" for ws in formulas.worksheets),
    "no hidden sheet (%d sheets, every one searched below)" % len(formulas.worksheets))

# the Data sheet: none of the people facts; the others still there
data = {r[4] for r in formulas["Data"].iter_rows(min_row=2, values_only=True) if r and r[4]}
out(not (data & PEOPLE_CODES) and KEPT_CODES <= data,
    "Data: no fact under a code a people KPI reads; the other facts kept (%d codes)" % len(data))
# no sheet holds such a code as a cell (the Workings sums block's rows, a Checks total);
# the Targets sheet's definitions quote the expressions as text, which is not a value
named = [(ws.title, c.coordinate) for ws in formulas.worksheets for row in ws.iter_rows()
         for c in row if isinstance(c.value, str) and c.value in PEOPLE_CODES]
out(not named, "no sheet has a row or total for a people code: %s" % named[:5])
# no formula reads one
reads = [(ws.title, c.coordinate) for ws in formulas.worksheets for row in ws.iter_rows()
         for c in row if isinstance(c.value, str) and c.value.startswith("=")
         and any('"' + code + '"' in c.value or "$" + code in c.value for code in PEOPLE_CODES)]
out(not reads, "no formula names a people code: %s" % reads[:5])

# the Scorecard's row of each people KPI: c exactly for the suppressed results of the
# report year and the year before (its prior-year column), typed, no formula; and in the
# status column beside each suppressed 2022/23 value c too, not a colour that would say
# on which side of its threshold the value lies
sc_f, sc_c = formulas["Scorecard"], cached["Scorecard"]
kpis = sorted({e[0] for e in expected})
header = next(r for r in sc_f.iter_rows(values_only=True) if r and r[0] == "KPI")
status_cols = {i for i, h in enumerate(header) if h == "status"}
bad = []
for row_f, row_c in zip(sc_f.iter_rows(), sc_c.iter_rows()):
    kpi = row_f[0].value
    if kpi not in kpis:
        continue
    want = sum(1 for e in expected if e[0] == kpi and e[3] in ("2022/23", "2021/22"))
    want_status = sum(1 for e in expected if e[0] == kpi and e[3] == "2022/23")
    got = sum(1 for i, c in enumerate(row_c) if c.value == "c" and i not in status_cols)
    got_status = sum(1 for i, c in enumerate(row_c) if c.value == "c" and i in status_cols)
    live = [c.coordinate for c in row_f[3:] if isinstance(c.value, str) and c.value.startswith("=")]
    if got != want or got_status != want_status or live:
        bad.append((kpi, got, want, got_status, want_status, live[:3]))
out(not bad and len(kpis) == 7 and status_cols,
    "Scorecard: each people KPI's row shows c for exactly its suppressed results of 2022/23 "
    "and 2021/22 (expected-suppressed.tsv), and c as the status of each of 2022/23, typed, "
    "no formula: %s" % bad)

# the real value of a suppressed result appears in no row of its KPI, on any sheet, as
# written or cached, more often than the KPI's shown results have it (S2's staff judged
# good is 18 of 20, as S1's suppressed one): the Targets sheet aside, whose thresholds are
# the KPI file's (staff turnover's 1 in 10 is its 10% ceiling)
plain_all = [r for r in flat(json.load(open(plain, encoding="utf-8")))["results"]]
held = set(expected)


def close(a, b):
    return isinstance(a, (int, float)) and not isinstance(a, bool) and abs(a - b) <= 1e-12 * max(1, abs(b))


leaks = []
for wb in (formulas, cached):
    for ws in wb.worksheets:
        if ws.title == "Targets":
            continue
        for row in ws.iter_rows(values_only=True):
            ids = {v for v in row if isinstance(v, str)}
            for e in expected:
                v = real.get(e)
                if e[0] not in ids or not isinstance(v, (int, float)):
                    continue
                shown = sum(1 for r in plain_all if r["kpi"] == e[0] and close(r["value"], v)
                            and (r["kpi"], r["scope"], r["entity"], r["year"]) not in held)
                if sum(1 for c in row if close(c, v)) > shown:
                    leaks.append((ws.title, e, v))
out(not leaks and len(real) > 50,
    "no suppressed result's value (%d) in any row of its KPI, as written or cached, beyond "
    "the shown results equal to it: %s" % (len(expected), leaks[:5]))

# the courses: c for the students of the courses expected-courses.tsv suppresses
want = {}
for line in open(fx + "/expected-courses.tsv", encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    f = line.rstrip("\n").split("\t")
    want[(f[0], f[1])] = f[-1]
got = {}
for row in formulas["Courses"].iter_rows(values_only=True):
    for inst, course in want:
        if inst in row and course in row:
            i = row.index(course)
            got[(inst, course)] = row[i + 1]
out(len(got) == len(want) and all((got[k] == "c") == (want[k] == "c") for k in want),
    "Courses: c for the students of the suppressed courses, the others' counts: %s" % sorted(got.items()))
