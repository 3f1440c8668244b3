#!/usr/bin/python3
"""build --publish --previous (tests/e2e/publish.sh): nothing withheld comes back through
the previous pack's value, status or movement.

usage: publish_previous.py MODE RESULTS.json [ELEMENTS.txt]
MODE folder | published: the previous pack is tests/fixtures/small-cohorts with S2's 2022/23
NEET raised from 0 to 3 and its sustained destinations lowered from 77 to 70 of 80, given as
its folder or as its results JSON written by build --publish.  Worked out by hand:
- the previous pack suppresses, besides what this one does (the same data elsewhere),
  neet_pct S2: 3 of 80 NEET (primary; its phase and the trust, 5 of 200, and S1, 2 of 120,
  are suppressed in both packs), so S2's neet_pct (0 of 80 now, shown) has its previous
  value, status and movement withheld;
- sustained_pct S2: 70/80 = 0.875, amber (min 90%, amber 85%..90%) -> now 77/80 green:
  cleared; the secondary phase and the trust: (110 + 70)/200 = 0.9, green (on the floor)
  -> now 187/200 = 0.935 green, further inside: better; S1 110/120 both times: unchanged.
MODE unpublished: the same previous pack's JSON written without --publish: every previous
value of a KPI that counts people is withheld (unchecked), money KPIs' are given.
"""
import json
import sys
import os
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from bpresults import flat  # noqa: E402

mode, results = sys.argv[1], sys.argv[2]
elements = sys.argv[3] if len(sys.argv) > 3 else None
d = flat(json.load(open(results, encoding="utf-8")))
by = {(r["kpi"], r["scope"], r["entity"], r["year"], r["scenario"]): r for r in d["results"]}
PEOPLE = {"staff_turnover_pct", "staff_good_pct", "retention16_pct", "neet_pct", "sustained_pct",
          "university_pct", "russell_group_pct", "satisfaction_pct",
          "post16_roll", "pan_filled_pct", "governor_attendance_pct", "board_female_pct"}


def out(cond, what):
    print(("ok   " if cond else "FAIL ") + mode + ": " + what)


def nulls(r):
    return r["previous_value"] is None and r["previous_status"] is None and r["movement"] is None


def now(kpi, scope, entity):
    return by[(kpi, scope, entity, "2022/23", "actual")]


sup = [r for r in d["results"] if r["suppressed"]]
out(len(sup) > 20 and all(nulls(r) for r in sup),
    "every suppressed result (%d) has previous_value, previous_status and movement null" % len(sup))
neet = now("neet_pct", "institution", "S2")
out(neet["value"] == 0 and not neet["suppressed"] and nulls(neet),
    "neet_pct S2: 0 shown, its previous 3 of 80 withheld with its status and movement")
if mode in ("folder", "published"):
    want = {("institution", "S2"): (0.875, "amber", "cleared"),
            ("phase", "secondary"): (0.9, "green", "better"),
            ("trust", "trust"): (0.9, "green", "better"),
            ("institution", "S1"): (110 / 120, "green", "unchanged")}
    got = {k: (now("sustained_pct", *k)["previous_value"], now("sustained_pct", *k)["previous_status"],
               now("sustained_pct", *k)["movement"]) for k in want}
    out(got == want, "sustained_pct: previous values, statuses and movements as worked out: %s" % got)
    # withheld previous values of shown results: only S2's neet_pct
    held = sorted(k for k, r in by.items() if not r["suppressed"] and r["reported"] and
                  r["previous_value"] is None and r["previous_status"] is None and
                  r["value"] is not None and r["movement"] is None and k[0] in PEOPLE)
    out(held == [("neet_pct", "institution", "S2", "2022/23", "actual")],
        "the only shown result whose previous is withheld is neet_pct S2 (%s)" % held)
else:
    people = [r for r in d["results"] if r["reported"] and r["kpi"] in PEOPLE]
    out(people and all(nulls(r) for r in people),
        "every previous value of a KPI that counts people withheld (%d results)" % len(people))
    given = [r for r in d["results"] if r["reported"] and r["kpi"] not in PEOPLE and r["previous_value"] is not None]
    out(len(given) > 20, "the previous values of the other KPIs given (%d)" % len(given))

if elements:
    # the board pack's scorecard: the second line of a cell (the last pack's value) is c
    # exactly where the JSON withholds it; neet S2 shows 0% above c
    cells, doc = {}, None
    for line in open(elements, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if f[0] == "document":
            doc = f[1]
            continue
        if doc != "Board of Trustees" or f[0] != "element" or f[2] not in ("table_cell", "table_header"):
            continue
        table, row, col, repeated = int(f[9]), int(f[10]), int(f[11]), f[12] == "1"
        if repeated and row == 0:
            continue
        text = f[-1].replace("\\n", "\n")
        had = cells.setdefault((table, row), {}).get(col)
        cells[(table, row)][col] = text if had is None else had + "\n" + text
    names = {"neet_pct": "Leavers not in", "sustained_pct": "Leavers in sustained",
             "staff_turnover_pct": "Staff turnover", "satisfaction_pct": "Student satisfaction"}
    # every table of the scorecard (split across pages by columns): a KPI header first
    heads = {t: cs for (t, row), cs in cells.items() if row == 0 and cs.get(0) == "KPI"}
    checked = wrong = 0
    for (table, row), cs in cells.items():
        kpi = next((k for k, n in names.items() if cs.get(0, "").startswith(n)), None)
        if table not in heads or row == 0 or not kpi:
            continue
        col_of = {v: k for k, v in heads[table].items()}
        for label, key in [("P1", ("institution", "P1")), ("P2", ("institution", "P2")),
                           ("S1", ("institution", "S1")), ("S2", ("institution", "S2")),
                           ("Trust", ("trust", "trust"))]:
            if label not in col_of:
                continue
            lines = cs.get(col_of[label], "").split("\n")
            r = now(kpi, *key)
            if len(lines) < 2:
                continue
            checked += 1
            withheld = nulls(r)           # which these are: checked on the JSON above
            if (lines[1].strip() == "c") != withheld:
                wrong += 1
                print("  %s %s: %r" % (kpi, key, lines))
    score = heads or None
    out(score is not None and checked >= 10 and wrong == 0,
        "the scorecard's last-pack line shows c exactly where withheld (%d cells)" % checked)
