#!/usr/bin/python3
"""Property test for boardpack's sums: random valid data sets, and what their JSON must say.

    gen.py make SEED DIR     write a random, valid, messy data set into DIR
    gen.py check DIR JSON    compare `boardpack check --format json` output (JSON) with
                             figures computed here from DIR's CSV text

`make` varies what a spreadsheet export varies: institutions and their phases, column
order and the case and spacing of column names, a byte-order mark, CRLF or LF, blank
lines, an extra column, quoting, year spellings (2022/23, 2022-23), and every accepted
spelling of money: 1234.5, 1,234.50, £1,234.50, -1,200, (1,200), -£5, £-5, with spaces.

`check` never looks at how `make` chose anything: it reads the files back with the csv
module, parses each amount with its own decimal.Decimal parser and works out, per the
data contract (shared/spec/DATA.md):
  * data.inputs[*].rows and money_total of every file, and data.rows_read;
  * for every institution, every phase with institutions, and the consolidated trust
    (income.internal and exp.internal eliminated), for every (year, scenario) present:
    forecast_surplus = income - exp, to the penny, printed with two decimals;
    surplus_pct = (income - exp) / income and staff_cost_pct = sum(exp.staff) / income
    as ratios of sums, no data when a sum has no fact or the divisor is 0.
It prints "ok   ..." / "FAIL ..." lines and a last line "checks: N passed, N failed", and
exits 1 when anything failed.  Standard library only.
"""
import csv
import io
import json
import os
import random
import sys
from decimal import Decimal
from fractions import Fraction
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e", "lib"))
from bpresults import flat  # noqa: E402

PHASES = ["primary", "secondary", "secondary_sixth", "sixth_form_college", "all_through",
          "special", "alternative_provision"]
ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
INCOME = ["income.esfa.gag", "income.esfa.pupil_premium", "income.gov.la", "income.self.lettings",
          "income.self.lettings.sports_hall", "income.self.catering", "income.self.other"]
EXP = ["exp.staff.teaching", "exp.staff.support", "exp.staff.agency", "exp.nonpay.premises",
       "exp.nonpay.cpd", "exp.nonpay.ict", "exp.nonpay.other"]
OTHER_MONEY = ["memo.depreciation", "bs.cash", "bs.reserves.revenue"]
FACT_COLS = ["institution", "year", "scenario", "code", "value"]


# ---------------------------------------------------------------------------- make
def rand_id(rng, taken, maxlen=16):
    while True:
        s = "".join(rng.choice(ID_CHARS) for _ in range(rng.randint(1, maxlen)))
        if s not in taken:
            taken.add(s)
            return s


def year_text(rng, y):
    return "%04d%s%02d" % (y, rng.choice("/-"), (y + 1) % 100)


def money_text(rng, pence):
    """One of the spellings a spreadsheet exports for an amount in pence."""
    neg, a = pence < 0, abs(pence)
    whole, frac = divmod(a, 100)
    if frac == 0:
        dec = rng.choice(["", ".00", ".0"])
    elif frac % 10 == 0:
        dec = rng.choice([".%d" % (frac // 10), ".%02d" % frac])
    else:
        dec = ".%02d" % frac
    digits = "{:,}".format(whole) if rng.random() < 0.5 else str(whole)
    pound = "£" if rng.random() < 0.35 else ""
    body = digits + dec
    if neg:
        forms = ["-" + pound + body, "(" + pound + body + ")"]
        if pound:
            forms.append(pound + "-" + body)
        s = rng.choice(forms)
    else:
        s = pound + body
    if rng.random() < 0.15:
        s = " " + s + " "
    return s


def count_text(rng, n):
    return "{:,}".format(n) if rng.random() < 0.3 else str(n)


def header_name(rng, name):
    n = rng.choice([name, name.upper(), name.capitalize()])
    return rng.choice(["", " "]) + n + rng.choice(["", " "])


def write_csv(rng, path, cols, rows, allow_extra=True):
    """rows: dicts keyed by the column names in cols.  Random column order, header
    spelling, extra column, blank lines, BOM and line endings."""
    order = cols[:]
    rng.shuffle(order)
    extra = allow_extra and rng.random() < 0.2
    buf = io.StringIO()
    crlf = rng.random() < 0.5
    w = csv.writer(buf, lineterminator="\r\n" if crlf else "\n",
                   quoting=csv.QUOTE_ALL if rng.random() < 0.1 else csv.QUOTE_MINIMAL)
    w.writerow([header_name(rng, c) for c in order] + (["Note"] if extra else []))
    for r in rows:
        if rng.random() < 0.03:
            buf.write(rng.choice(["", "  ", ",,,,"]) + ("\r\n" if crlf else "\n"))
        w.writerow([r[c] for c in order] + (["exported, by hand"] if extra else []))
    data = buf.getvalue()
    if rng.random() < 0.2:            # no line ending after the last row
        data = data.rstrip("\r\n")
    raw = data.encode("utf-8")
    if rng.random() < 0.4:
        raw = b"\xef\xbb\xbf" + raw
    with open(path, "wb") as f:
        f.write(raw)


def make(seed, out):
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    taken = set()
    central = rng.choice(["CENTRAL", rand_id(rng, taken, 8)])
    taken.add(central)
    insts = [(rand_id(rng, taken), rng.choice(PHASES)) for _ in range(rng.randint(1, 8))]
    y0 = rng.randint(2015, 2030)
    years = list(range(y0, y0 + rng.randint(1, 3)))
    report = rng.choice(years)

    trust = [("id", rand_id(rng, set())), ("name", "Trust %d, \"the\" trust" % seed),
             ("report_year", year_text(rng, report)), ("as_of", "%04d-%02d-%02d" % (report + 1, rng.randint(1, 12), rng.randint(1, 28)))]
    if central != "CENTRAL" or rng.random() < 0.5:
        trust.append(("central_id", central))
    for ph in rng.sample(PHASES, rng.randint(0, 3)):
        trust.append(("weight." + ph, rng.choice(["0.9", "1.1", "1", "1.25"])))
    rng.shuffle(trust)
    write_csv(rng, os.path.join(out, "trust.csv"), ["key", "value"],
              [{"key": k, "value": v} for k, v in trust], allow_extra=False)

    cols = ["id", "name", "phase", "joined"] + rng.sample(["capacity", "pan", "lgb"], rng.randint(0, 3))
    rows = []
    for iid, ph in insts + [(central, "central")]:
        r = {"id": iid, "name": rng.choice(["École %s" % iid, "St Mary's, %s" % iid, "The \"%s\" Academy" % iid]),
             "phase": ph, "joined": "%04d-%02d-01" % (rng.randint(2000, y0), rng.randint(1, 12)),
             "capacity": rng.choice(["", count_text(rng, rng.randint(0, 2000))]),
             "pan": rng.choice(["", str(rng.randint(0, 300))]), "lgb": rng.choice(["", iid])}
        rows.append(r)
    rng.shuffle(rows)
    write_csv(rng, os.path.join(out, "institutions.csv"), cols, rows)

    # facts: each (institution, year, scenario, code) once across the four files
    files = {"finance.csv": [], "staff.csv": [], "students.csv": []}
    for iid, ph in insts + [(central, "central")]:
        for y in years:
            scen = ["actual"] if y <= report else []
            if y >= report:
                scen += rng.sample(["budget", "forecast"], rng.randint(0, 2))
            for sc in scen:
                if iid == central:
                    codes = ["income.internal.central_charge"] + rng.sample(EXP[:3] + EXP[4:], rng.randint(0, 4))
                else:
                    codes = rng.sample(INCOME, rng.randint(0, 4)) + rng.sample(EXP, rng.randint(0, 5))
                    if rng.random() < 0.7:
                        codes.append("exp.internal.central_charge")
                codes += rng.sample(OTHER_MONEY, rng.randint(0, 2))
                for code in codes:
                    if rng.random() < 0.05:
                        pence = 0
                    elif rng.random() < 0.15:
                        pence = -rng.randint(1, 10 ** 7)
                    else:
                        pence = rng.randint(1, 10 ** 9)
                    # a money code in staff.csv is still money
                    f = "staff.csv" if code.startswith("exp.staff") and rng.random() < 0.2 else "finance.csv"
                    files[f].append({"institution": iid, "year": year_text(rng, y), "scenario": sc,
                                     "code": code, "value": money_text(rng, pence)})
                if iid != central and rng.random() < 0.7:
                    files["students.csv"].append({"institution": iid, "year": year_text(rng, y), "scenario": sc,
                                                  "code": "students.on_roll",
                                                  "value": count_text(rng, rng.randint(0, 2000))})
                if iid != central and rng.random() < 0.5:
                    files["staff.csv"].append({"institution": iid, "year": year_text(rng, y), "scenario": sc,
                                               "code": "staff.teacher_fte", "value": "%d.%d" % (rng.randint(0, 90), rng.randint(0, 9))})
    for name, rows in files.items():
        if not rows and name != "finance.csv":
            continue
        rng.shuffle(rows)
        write_csv(rng, os.path.join(out, name), FACT_COLS, rows)


# --------------------------------------------------------------------------- check
def read_table(path):
    """The header (lower-cased, trimmed) and the data rows, blank rows left out."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.reader(f) if any(x.strip() for x in r)]
    if not rows:
        return [], []
    return [h.strip().lower() for h in rows[0]], rows[1:]


def parse_money(text):
    """Pence from an accepted spelling: [-]£1,234.50, £-5, (1,200), spaces around."""
    s = text.strip()
    neg = False
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1].strip()
    if s.startswith("-"):
        neg, s = True, s[1:]
    if s.startswith("£"):
        s = s[1:]
    if s.startswith("-"):
        neg, s = True, s[1:]
    s = s.replace(",", "")
    d = Decimal(s)
    if d != d.quantize(Decimal("0.01")):
        raise ValueError("more than two decimals: %r" % text)
    p = int(d * 100)
    return -p if neg else p


def is_money(code):
    return code.split(".")[0] in ("income", "exp", "memo", "bs")


def under(code, prefix):
    return code == prefix or code.startswith(prefix + ".")


def pounds(p):
    """pence as a board pack's tables print money (docs/packs.md, money as boards read it):
    whole pounds, rounded half away from zero, negatives in brackets: (£1,235)"""
    whole = (abs(p) + 50) // 100
    return ("(£{:,})" if p < 0 else "£{:,}").format(whole)


def check_outputs(data_dir, out_dir):
    """The consolidated income and expenditure of the report year's actuals, summed here
    from the CSV text, must appear in the board pack's text (pdftotext), in whole pounds, and
    as the workbook's headline totals (the cached values of Headline_Income and
    Headline_Expenditure)."""
    import glob
    import subprocess
    h, rows = read_table(os.path.join(data_dir, "trust.csv"))
    settings = {r[h.index("key")].strip(): r[h.index("value")].strip() for r in rows}
    year = int(settings["report_year"][:4])
    totals = {"income": None, "exp": None}
    for name in ("finance.csv", "staff.csv", "students.csv", "governance.csv"):
        path = os.path.join(data_dir, name)
        if not os.path.exists(path):
            continue
        h, rows = read_table(path)
        ix = {c: h.index(c) for c in FACT_COLS}
        for r in rows:
            code = r[ix["code"]].strip()
            if (not is_money(code) or int(r[ix["year"]].strip()[:4]) != year
                    or r[ix["scenario"]].strip() != "actual"
                    or under(code, "income.internal") or under(code, "exp.internal")):
                continue
            for k in totals:
                if under(code, k):
                    totals[k] = (totals[k] or 0) + parse_money(r[ix["value"]])
    board = glob.glob(os.path.join(out_dir, "*-board.pdf"))
    book = glob.glob(os.path.join(out_dir, "*.xlsx"))
    good = bool(board and book)
    if not good:
        print("FAIL no board pack or workbook in %s" % out_dir)
        return False
    text = subprocess.run(["pdftotext", "-layout", board[0], "-"], capture_output=True,
                          text=True).stdout
    import openpyxl
    wb = openpyxl.load_workbook(book[0], data_only=True)

    def headline(name):
        dn = wb.defined_names.get(name) if hasattr(wb.defined_names, "get") else None
        if dn is None:
            dn = next((d for d in wb.defined_names.definedName if d.name == name), None)
        if dn is None:
            return None
        sheet, cell = list(dn.destinations)[0]
        return wb[sheet][cell.replace("$", "")].value

    for k, cell in (("income", "Headline_Income"), ("exp", "Headline_Expenditure")):
        p = totals[k]
        if p is None:
            continue
        if pounds(p) not in text:
            print("FAIL consolidated %s %s not in the board pack" % (k, pounds(p)))
            good = False
        v = headline(cell)
        if v is None or abs(Decimal(str(v)) - Decimal(p) / 100) > Decimal("0.005"):
            print("FAIL workbook %s = %s, expected %s" % (cell, v, Decimal(p) / 100))
            good = False
    print("consolidated income %s, expenditure %s in the PDF and the workbook" % (
        pounds(totals["income"] or 0), pounds(totals["exp"] or 0)))
    return good


def check(data_dir, json_path):
    res = flat(json.load(open(json_path, encoding="utf-8"), parse_float=Decimal))
    passed = failed = 0

    def ok(name, cond, detail=""):
        nonlocal passed, failed
        if cond:
            passed += 1
        else:
            failed += 1
            print("FAIL %s %s" % (name, detail))

    # trust.csv and institutions.csv
    h, rows = read_table(os.path.join(data_dir, "trust.csv"))
    settings = {r[h.index("key")].strip(): r[h.index("value")].strip() for r in rows}
    central = settings.get("central_id", "CENTRAL")
    row_counts = {"trust.csv": len(rows)}
    h, rows = read_table(os.path.join(data_dir, "institutions.csv"))
    phase = {r[h.index("id")].strip(): r[h.index("phase")].strip() for r in rows}
    row_counts["institutions.csv"] = len(rows)

    # the facts, file by file
    facts = []          # (inst, year, scenario, code, pence)
    money_total = {}
    for name in ("finance.csv", "staff.csv", "students.csv", "governance.csv"):
        path = os.path.join(data_dir, name)
        if not os.path.exists(path):
            continue
        h, rows = read_table(path)
        row_counts[name] = len(rows)
        ix = {c: h.index(c) for c in FACT_COLS}
        for r in rows:
            code = r[ix["code"]].strip()
            if not is_money(code):
                continue
            y = r[ix["year"]].strip()
            p = parse_money(r[ix["value"]])
            money_total[name] = money_total.get(name, 0) + p
            facts.append((r[ix["institution"]].strip(), int(y[:4]), r[ix["scenario"]].strip(), code, p))

    # data.inputs and rows_read
    inputs = {i["file"]: i for i in res["data"]["inputs"]}
    ok("the files supplied are the files listed", set(inputs) == set(row_counts),
       "%s vs %s" % (sorted(inputs), sorted(row_counts)))
    for name, n in row_counts.items():
        got = inputs.get(name, {})
        ok("%s rows = %d" % (name, n), got.get("rows") == n, "got %s" % got.get("rows"))
        want = money_total.get(name)
        gm = got.get("money_total")
        if want is None:
            ok("%s has no money total" % name, gm is None, "got %s" % gm)
        else:
            ok("%s money_total = %s" % (name, Decimal(want) / 100), gm is not None and gm == Decimal(want) / 100
               and gm.as_tuple().exponent == -2, "got %s" % gm)
    ok("rows_read = %d" % sum(row_counts.values()), res["data"]["rows_read"] == sum(row_counts.values()),
       "got %s" % res["data"]["rows_read"])

    # every (year, scenario) with any fact, money or not
    present = set()
    for name in ("finance.csv", "staff.csv", "students.csv", "governance.csv"):
        path = os.path.join(data_dir, name)
        if os.path.exists(path):
            h, rows = read_table(path)
            for r in rows:
                present.add((int(r[h.index("year")].strip()[:4]), r[h.index("scenario")].strip()))

    def sums(members, year, sc, prefix, eliminate):
        """The sum of matching facts, or None when no fact matches (no data)."""
        vals = [p for (i, y, s, c, p) in facts
                if i in members and y == year and s == sc and under(c, prefix)
                and not (eliminate and (under(c, "income.internal") or under(c, "exp.internal")))]
        return sum(vals) if vals else None

    entities = [("institution", i, {i}, False) for i in phase]
    for ph in sorted({p for p in phase.values() if p != "central"}):
        entities.append(("phase", ph, {i for i in phase if phase[i] == ph}, False))
    entities.append(("trust", "trust", set(phase), True))

    by = {}
    for r in res["results"]:
        key = (r["kpi"], r["scope"], r["entity"], r["year"], r["scenario"])
        ok("one result for %s" % (key,), key not in by)
        by[key] = r

    for scope, ent, members, elim in entities:
        for (y, sc) in sorted(present):
            yt = "%04d/%02d" % (y, (y + 1) % 100)
            inc = sums(members, y, sc, "income", elim)
            exp = sums(members, y, sc, "exp", elim)
            staff = sums(members, y, sc, "exp.staff", elim)
            tag = "%s %s %s %s" % (scope, ent, yt, sc)
            # forecast_surplus: money, pounds with exactly two decimals
            r = by.get(("forecast_surplus", scope, ent, yt, sc))
            want = None if inc is None or exp is None else Decimal(inc - exp) / 100
            if r is None:
                ok("forecast_surplus " + tag + " present", False, "no result")
            elif want is None:
                ok("forecast_surplus %s = no data" % tag, r["value"] is None, "got %s" % r["value"])
            else:
                v = r["value"]
                ok("forecast_surplus %s = %s" % (tag, want),
                   v is not None and v == want and v.as_tuple().exponent == -2, "got %s" % v)
            # ratios of sums
            for kpi, num in (("surplus_pct", None if inc is None or exp is None else inc - exp),
                             ("staff_cost_pct", staff)):
                r = by.get((kpi, scope, ent, yt, sc))
                exact = None if num is None or inc is None or inc == 0 else Fraction(num, inc)
                if r is None:
                    ok("%s %s present" % (kpi, tag), False, "no result")
                elif exact is None:
                    ok("%s %s = no data" % (kpi, tag), r["value"] is None, "got %s" % r["value"])
                else:
                    v = r["value"]
                    good = v is not None and abs(Fraction(v) - exact) <= abs(exact) * Fraction(1, 10 ** 15)
                    ok("%s %s = %s" % (kpi, tag, float(exact)), good, "got %s" % v)
    print("checks: %d passed, %d failed" % (passed, failed))
    return failed == 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "outputs":
        sys.exit(0 if check_outputs(sys.argv[2], sys.argv[3]) else 1)
    if len(sys.argv) == 4 and sys.argv[1] == "make":
        make(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(0 if check(sys.argv[2], sys.argv[3]) else 1)
    else:
        sys.exit(__doc__)
