#!/usr/bin/python3
"""A data set whose KPIs sit on the edges of the default KPI set's thresholds, for
tests/e2e/xlsx.sh (g): the engine and the recalculated workbook must agree on every status.

Run:  /usr/bin/python3 tests/e2e/edges.py OUTDIR
      /usr/bin/python3 tests/e2e/edges.py check OUTDIR RESULTS.json
Writes the data set into OUTDIR, and OUTDIR/expected.tsv (kpi, entity, year, scenario,
status) for every edge: each threshold of templates/kpis/default.kpi met exactly, missed
by one unit and passed by one unit - one penny of a money figure, one whole unit of a
count (one leaver, one session), one millionth of a student roll.  The thresholds are
written out below from default.kpi and every expected status is decided here, exactly,
with fractions: nothing is taken from boardpack.

Magnitudes: a money ratio is over 2,400,000,000,000 pence (24 thousand million pounds) and
a count ratio over 2,400,000,000,000 units, so that one unit moves the ratio by 4.2e-13,
less than the 5e-13 that rounding to 12 places keeps: the workbook's statuses rounded to
12 places and decided these edges as met.  Twelve institutions of a phase add up to 2.9e13,
within the 2^45 up to which the workbook's sums of them stay exact (bp_formula.h).
Standard library only.  Prints how many edges rounding to 12 places decides otherwise.
"""
import json
import os
import sys
from fractions import Fraction as F
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from bpresults import flat  # noqa: E402

BIG = 2400000000000
YEAR = "2022/23"
PHASES = [("S", "sixth_form_college"), ("X", "secondary_sixth"), ("Y", "secondary"), ("P", "primary")]
PER_PHASE = 12
DELTAS = (-1, 0, 1)

# the national benchmarks of national.csv (below): attendance and retention, by phase
ATTENDANCE = {"sixth_form_college": F("0.92"), "secondary_sixth": F("0.915"), "secondary": F("0.91"),
              "primary": F("0.953"), "all": F("0.93")}
RETENTION = {"sixth_form_college": F("0.88"), "secondary_sixth": F("0.86"), "secondary": F("0.85"),
             "primary": F("0.85"), "all": F("0.87")}


def pct(s):
    return F(s) / 100


# (kpi, phases it has a target in (None: every phase), kind, threshold, amber ranges):
# the targets of templates/kpis/default.kpi that an institution is decided on
def band(lo, hi, amber):
    return ("band", lo, hi, amber)


def low(t, amber=()):
    return ("min", t, None, amber)


def high(t, amber=()):
    return ("max", None, t, amber)


TARGETS = {
    "surplus_pct": [(None, band(pct("0.5"), pct(2), [(F(0), pct("0.5")), (pct(2), pct(4))]))],
    "staff_cost_pct": [(["sixth_form_college"], high(pct(75), [(pct(75), pct(77))])),
                       (["secondary", "secondary_sixth", "primary"], high(pct(80), [(pct(80), pct(82))]))],
    "cpd_pct": [(None, low(pct("0.5"), [(pct("0.4"), pct("0.5"))]))],
    "staff_turnover_pct": [(None, high(pct(10), [(pct(10), pct(12))]))],
    "staff_absence_pct": [(None, high(pct(5), [(pct(5), pct(6))]))],
    "staff_good_pct": [(None, low(pct(90), [(pct(85), pct(90))]))],
    "neet_pct": [(None, high(pct(1), [(pct(1), pct(2))]))],
    "sustained_pct": [(None, low(pct(90), [(pct(85), pct(90))]))],
    "university_pct": [(["sixth_form_college", "secondary_sixth"], low(pct(75)))],
    "russell_group_pct": [(["sixth_form_college"], low(pct(25)))],
    "satisfaction_pct": [(None, low(pct(95)))],
    "governor_attendance_pct": [(None, low(pct(80)))],
    "contact_ratio": [(None, band(F("0.74"), F("0.80"), [(F("0.70"), F("0.74")), (F("0.80"), F("0.82"))]))],
    "set_size_main": [(["primary"], band(F(27), F(29), [(F(26), F(27)), (F(29), F(30))])),
                      (["secondary", "secondary_sixth"], band(F(20), F(22), [(F(19), F(20)), (F(22), F(23))])),
                      (["sixth_form_college"], band(F(18), F(20), [(F(17), F(18)), (F(20), F(21))]))],
    "set_size_sixth": [(["secondary_sixth"], band(F(10), F(12), [(F(9), F(10)), (F(12), F(13))]))],
    "post16_roll": [(["sixth_form_college"], low(F(1650)))],
    "pan_filled_pct": [(None, low(pct(100), [(pct(95), pct(100))]))],
    "course_contribution_pct": [(None, low(pct(50)))],
    "attendance_pct": [(None, ("national", "attendance"))],
    "retention16_pct": [(None, ("national", "retention"))],
}


def decide(target, v):
    """bp_target_decide: inclusive thresholds, then the amber ranges, else red."""
    kind, lo, hi, amber = target
    met = {"min": lambda: v >= lo, "max": lambda: v <= hi, "band": lambda: lo <= v <= hi}[kind]()
    if met:
        return "green"
    return "amber" if any(a <= v <= b for a, b in amber) else "red"


def thresholds(target):
    kind, lo, hi, amber = target
    ts = [t for t in (lo, hi) if t is not None]
    for a, b in amber:
        ts += [a, b]
    return sorted(set(ts))


def edges(target):
    """(threshold, delta) for each threshold: missed, met exactly, passed."""
    return [(t, d) for t in thresholds(target) for d in DELTAS]


def target_for(kpi, phase):
    for phases, target in TARGETS[kpi]:
        if phases is None or phase in phases:
            if target[0] == "national":
                table = ATTENDANCE if target[1] == "attendance" else RETENTION
                return low(table[phase])
            return target
    return None


class Data:
    def __init__(self):
        self.files = {"finance.csv": [], "staff.csv": [], "students.csv": [], "governance.csv": []}
        self.expected = []
        self.courses = []
        self.rounding_differs = 0

    def fact(self, inst, code, value, year=YEAR, scenario="actual"):
        money = code.split(".")[0] in ("income", "exp", "memo", "bs")
        head = code.split(".")[0]
        name = "finance.csv" if money else "governance.csv" if head == "gov" else \
            "staff.csv" if head in ("staff", "timetable") else "students.csv"
        self.files[name].append((inst, year, scenario, code, value))

    def expect(self, kpi, entity, value, target, year=YEAR, scenario="actual"):
        status = decide(target, value)
        self.expected.append((kpi, entity, year, scenario, status))
        # what the old formulas decided: the value rounded to 12 places
        old = decide(target, F(round(float(value), 12)).limit_denominator(10 ** 13))
        self.rounding_differs += old != status


def money(pence):
    sign = "-" if pence < 0 else ""
    pence = abs(pence)
    return "%s%d.%02d" % (sign, pence // 100, pence % 100)


def number(v):
    """A count or a decimal of at most 6 places, as text."""
    v = F(v)
    if v.denominator == 1:
        return str(v.numerator)
    micro = v * 10 ** 6
    assert micro.denominator == 1, v
    sign = "-" if micro < 0 else ""
    m = abs(micro.numerator)
    return "%s%d.%06d" % (sign, m // 10 ** 6, m % 10 ** 6)


def ratio_edge(d, kpi, inst, phase, index, num_code, den_code, den=BIG):
    """num_code / den_code (counts) on the index-th edge of the institution's target;
    den_code None: the denominator is another KPI's, already written."""
    target = target_for(kpi, phase)
    if target is None:
        return
    t, delta = edges(target)[index % len(edges(target))]
    n = t * den
    assert n.denominator == 1, (kpi, t)
    n = n.numerator + delta
    d.fact(inst, num_code, number(n))
    if den_code:
        d.fact(inst, den_code, number(den))
    d.expect(kpi, inst, F(n, den), target)


def institution(d, inst, phase, i, insts):
    """Institution inst of the phase (i: its index in the phase) on the i-th edge of each KPI."""
    income = BIG
    # money: staff costs, CPD and the in-year result over income, all in pence
    st = target_for("staff_cost_pct", phase)
    t, delta = edges(st)[i % len(edges(st))]
    staff = (t * income).numerator + delta
    d.expect("staff_cost_pct", inst, F(staff, income), st)
    ct = target_for("cpd_pct", phase)
    t, delta = edges(ct)[i % len(edges(ct))]
    cpd = (t * income).numerator + delta
    d.expect("cpd_pct", inst, F(cpd, income), ct)
    sp = target_for("surplus_pct", phase)
    t, delta = edges(sp)[i % len(edges(sp))]
    result = (t * income).numerator + delta
    d.expect("surplus_pct", inst, F(result, income), sp)
    other = income - result - staff - cpd
    assert other > 0
    d.fact(inst, "income.esfa.gag", money(income))
    d.fact(inst, "exp.staff.teaching", money(staff))
    d.fact(inst, "exp.nonpay.cpd", money(cpd))
    d.fact(inst, "exp.nonpay.other", money(other))
    # the financial health measures on the edges of their points: EBITDA through the
    # depreciation added back, borrowing, and the current ratio
    for j, (code, thresholds_) in enumerate((
            ("ebitda", [pct(10), pct(8), pct(6), pct(4), pct(2)]),
            ("borrowing", [pct(5), pct(15), pct(25), pct(40), pct(60)]),
            ("current", [F(2), F("1.5"), F("1.2"), F(1), F("0.75")]))):
        pairs = [(t, dl) for t in thresholds_ for dl in DELTAS]
        t, delta = pairs[(i + j) % len(pairs)]
        whole = (t * income).numerator + delta
        if code == "ebitda":
            d.fact(inst, "memo.depreciation", money(whole - result))
        elif code == "borrowing":
            d.fact(inst, "bs.borrowing", money(whole))
        else:
            d.fact(inst, "bs.current_assets", money(whole))
            d.fact(inst, "bs.current_liabilities", money(income))
    # counts over 2,400,000,000,000
    ratio_edge(d, "staff_turnover_pct", inst, phase, i, "staff.leavers", "staff.headcount")
    ratio_edge(d, "staff_absence_pct", inst, phase, i, "staff.absence_days", "staff.working_days")
    ratio_edge(d, "staff_good_pct", inst, phase, i, "staff.graded_good", "staff.graded")
    ratio_edge(d, "neet_pct", inst, phase, i, "students.neet", "students.leavers")
    ratio_edge(d, "sustained_pct", inst, phase, i + 1, "students.sustained", None)
    ratio_edge(d, "satisfaction_pct", inst, phase, i, "survey.students_positive", "survey.students_responses")
    ratio_edge(d, "governor_attendance_pct", inst, phase, i, "gov.attended", "gov.possible")
    ratio_edge(d, "attendance_pct", inst, phase, i, "students.sessions_attended", "students.sessions_possible")
    ratio_edge(d, "retention16_pct", inst, phase, i, "students.retained16", "students.starters16")
    # contact ratio: teaching periods over 50 periods a cycle times 48,000,000,000 FTE
    cr = target_for("contact_ratio", phase)
    t, delta = edges(cr)[i % len(edges(cr))]
    pf = 50 * 48000000000
    tp = (t * pf).numerator + delta
    d.fact(inst, "timetable.periods_per_cycle", "50")
    d.fact(inst, "staff.teacher_fte", "48000000000")
    d.fact(inst, "timetable.teaching_periods", number(tp))
    d.expect("contact_ratio", inst, F(tp, pf), cr)
    # group sizes: pupils over 50,000,000,000 groups (a phase's twelve add up to 1.8e13)
    groups = 50000000000
    for kpi, prefix in (("set_size_main", "classes.main"), ("set_size_sixth", "classes.sixth")):
        target = target_for(kpi, phase)
        if target is None:
            continue
        t, delta = edges(target)[i % len(edges(target))]
        pupils = (t * groups).numerator + delta
        d.fact(inst, prefix + ".pupils", number(pupils))
        d.fact(inst, prefix + ".count", number(groups))
        d.expect(kpi, inst, F(pupils, groups), target)
    # post-16 roll: a millionth of a student either side of 1,650
    target = target_for("post16_roll", phase)
    if target is not None:
        t, delta = edges(target)[i % len(edges(target))]
        roll = t + F(delta, 10 ** 6)
        d.fact(inst, "students.post16", number(roll))
        d.expect("post16_roll", inst, roll, target)
    # university entrants over post-18 leavers, and Russell Group entrants over university
    # entrants: leavers 4m with 3m + delta entrants divisible by 4, so that 25% of them is
    # whole
    target = target_for("university_pct", phase)
    if target is not None:
        t, delta = edges(target)[i % len(edges(target))]
        m = BIG // 4 + (-3 * delta) % 4
        leavers, uni = 4 * m, 3 * m + delta
        d.fact(inst, "students.leavers18", number(leavers))
        d.fact(inst, "students.university", number(uni))
        d.expect("university_pct", inst, F(uni, leavers), target)
        rg = target_for("russell_group_pct", phase)
        if rg is not None:
            t, delta = edges(rg)[i % len(edges(rg))]
            russell = uni // 4 + delta
            d.fact(inst, "students.russell_group", number(russell))
            d.expect("russell_group_pct", inst, F(russell, uni), rg)
    # the entry year against the PAN (institutions.csv): PAN 2,400,000,000,000
    pt = target_for("pan_filled_pct", phase)
    if phase != "sixth_form_college":
        t, delta = edges(pt)[i % len(edges(pt))]
        intake = (t * BIG).numerator + delta
        d.fact(inst, "students.intake", number(intake))
        d.expect("pan_filled_pct", inst, F(intake, BIG), pt)
    insts.append([inst, "Edge %s" % inst, phase, "2019-09-01", "",
                  "" if phase == "sixth_form_college" else str(BIG), ""])


def courses(d, inst, i, rows):
    """Two courses: A on the edge of the 40% course floor, B making the institution's
    average (income-weighted: both have the same income) the edge of its 50% target."""
    income = BIG
    floor = low(pct(40))
    t, delta = edges(floor)[i % 3]
    contrib_a = (t * income).numerator + delta
    target = low(pct(50))
    t, d_inst = edges(target)[(i // 3) % 3]
    contrib_b = 2 * ((t * income).numerator + d_inst) - contrib_a
    for name, contrib in (("A level Edge A", contrib_a), ("A level Edge B", contrib_b)):
        rows.append([inst, YEAR, name, "20", money(income), money(income - contrib), "no"])
    d.courses.append(("course_contribution_pct", inst, YEAR, "A level Edge A",
                      decide(floor, F(contrib_a, income))))
    d.expect("course_contribution_pct", inst, F(contrib_a + contrib_b, 2 * income), target)


# The trust-scope targets, decided on the trust in the years after the report year (each a
# budget and a forecast), every fact held by the central row: one (year, scenario) per edge.
TRUST = {
    "liquidity_pct": low(pct(4), [(pct(3), pct(4))]),
    "non_esfa_income_pct": low(pct(15), [(pct(12), pct(15))]),
    "reserves_total": low(F(1000000), [(F(800000), F(1000000))]),
    "rainy_day_reserve": low(F(300000), [(F(200000), F(300000))]),
    "board_female_pct": low(pct(50)),
}


def trust_years(d):
    slots = [("%d/%02d" % (y, (y + 1) % 100), s) for y in range(2024, 2030) for s in ("budget", "forecast")]
    income = BIG
    for k, (year, scen) in enumerate(slots):
        def edge(kpi):
            e = edges(TRUST[kpi])
            return e[k] if k < len(e) else None
        # income is the DfE/ESFA's and the rest: the rest over all of it, on its edge
        e, other = edge("non_esfa_income_pct"), 0
        if e is not None:
            t, delta = e
            other = (t * income).numerator + delta
            d.fact("CENTRAL", "income.self.other", money(other), year, scen)
            d.expect("non_esfa_income_pct", "trust", F(other, income), TRUST["non_esfa_income_pct"],
                     year, scen)
        d.fact("CENTRAL", "income.esfa.gag", money(income - other), year, scen)
        e = edge("liquidity_pct")
        if e is not None:
            t, delta = e
            cash = (t * income).numerator + delta
            d.fact("CENTRAL", "bs.cash", money(cash), year, scen)
            d.expect("liquidity_pct", "trust", F(cash, income), TRUST["liquidity_pct"], year, scen)
        for kpi, code in (("reserves_total", "bs.reserves.revenue"), ("rainy_day_reserve", "bs.reserves.rainy_day")):
            e = edge(kpi)
            if e is None:
                continue
            t, delta = e
            pence = t.numerator * 100 + delta
            d.fact("CENTRAL", code, money(pence), year, scen)
            d.expect(kpi, "trust", F(pence, 100), TRUST[kpi], year, scen)
        e = edge("board_female_pct")
        if e is not None:
            t, delta = e
            members = BIG
            d.fact("CENTRAL", "gov.members", number(members), year, scen)
            d.fact("CENTRAL", "gov.members_female", number((t * members).numerator + delta), year, scen)
            d.expect("board_female_pct", "trust", F((t * members).numerator + delta, members),
                     TRUST["board_female_pct"], year, scen)


def forecast_results(d, inst, i):
    """The budget of 2023/24: each institution's planned result a penny either side of
    break-even (min 0), over an income of 1,000,000.00."""
    target = low(F(0))
    t, delta = edges(target)[i % 3]
    income = 100000000
    d.fact(inst, "income.esfa.gag", money(income), "2023/24", "budget")
    d.fact(inst, "exp.nonpay.other", money(income - delta), "2023/24", "budget")
    d.expect("forecast_surplus", inst, F(delta, 100), target, "2023/24", "budget")


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        for r in rows:
            f.write(",".join(r) + "\n")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    d = Data()
    insts, course_rows = [], []
    for letter, phase in PHASES:
        for i in range(PER_PHASE):
            inst = "%s%02d" % (letter, i + 1)
            institution(d, inst, phase, i, insts)
            forecast_results(d, inst, i)
            if phase == "sixth_form_college":
                courses(d, inst, i, course_rows)
    insts.append(["CENTRAL", "Central services", "central", "2019-09-01", "", "", ""])
    trust_years(d)
    write_csv(os.path.join(out, "trust.csv"), [["key", "value"], ["id", "edge"], ["name", "Edge Trust"],
                                               ["report_year", YEAR], ["as_of", "2023-11-20"],
                                               ["central_id", "CENTRAL"]])
    write_csv(os.path.join(out, "institutions.csv"),
              [["id", "name", "phase", "joined", "capacity", "pan", "lgb"]] + insts)
    for name, facts in d.files.items():
        write_csv(os.path.join(out, name), [["institution", "year", "scenario", "code", "value"]]
                  + [list(f) for f in facts])
    write_csv(os.path.join(out, "courses.csv"),
              [["institution", "year", "course", "students", "income", "direct_costs", "minority"]]
              + course_rows)
    national = [["year", "phase", "code", "value"]]
    for table, kpi in ((ATTENDANCE, "attendance_pct"), (RETENTION, "retention16_pct")):
        for phase, v in table.items():
            national.append([YEAR, phase, kpi, str(float(v))])
    write_csv(os.path.join(out, "national.csv"), national)
    with open(os.path.join(out, "expected.tsv"), "w", encoding="utf-8") as f:
        for row in d.expected:
            f.write("\t".join(row) + "\n")
        for row in d.courses:
            f.write("\t".join(("course",) + row) + "\n")
    print("%d edges, %d of them decided otherwise by rounding to 12 places"
          % (len(d.expected) + len(d.courses), d.rounding_differs))


def check(out, results):
    """Every expected status against `check --format json`; prints ok/FAIL lines."""
    res = flat(json.load(open(results, encoding="utf-8")))
    got = {(r["kpi"], r["entity"], r["year"], r["scenario"]): r["status"] for r in res["results"]}
    got_courses = {(c["kpi"], c["institution"], c["year"], c["course"]): c["status"] for c in res["courses"]}
    n = bad = 0
    for line in open(os.path.join(out, "expected.tsv"), encoding="utf-8"):
        row = line.rstrip("\n").split("\t")
        key, want = (tuple(row[1:5]), row[5]) if row[0] == "course" else (tuple(row[:4]), row[4])
        have = (got_courses if row[0] == "course" else got).get(key)
        n += 1
        if have != want:
            bad += 1
            if bad <= 20:
                print("     %s: engine %s, expected %s" % (" ".join(key), have, want))
    print("%s %d edge statuses of the engine as decided here" % ("ok  " if not bad else "FAIL", n))
    return bad == 0


if __name__ == "__main__":
    if sys.argv[1] == "check":
        sys.exit(0 if check(sys.argv[2], sys.argv[3]) else 1)
    main()
