#!/usr/bin/python3
"""Recalculates a workbook in Gnumeric and compares every formula cell with the value
cached in the file (python3-openpyxl, gnumeric's ssconvert):

  gnumeric_recalc.py [--timeout S] [--limit S] BOOK.xlsx

ssconvert --recalc -S writes each sheet as CSV (raw values, not as shown); every formula
cell's recalculated value is then compared with the cached one (openpyxl data_only):
money to the penny, other numbers to 1e-12 relative, text exactly (same() below).
Prints each mismatch, then one "ok   ..." or "FAIL ..." line for the agreement and one for
the time (FAIL when --limit S is given and the recalculation took longer).  Exit 0 when
every formula agrees (and within the limit), 1 otherwise, 2 when it could not run.
--timeout S (default 120) kills ssconvert after S seconds: a FAIL, not a hang.
"""
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import openpyxl

# A cell is money when its number format shows a currency sign, or groups thousands with
# at most two decimals (£000 statements, "Difference" columns): those agree to the penny,
# because sums of pence in binary floating point leave residues far above 1e-12 near zero.
CURRENCY = re.compile(r"[£$€]|\[\$")
THOUSANDS = re.compile(r"^#,##0(\.0{1,2})?(,*)?(;.*)?$")
MONEY_TOL = 0.005
REL_TOL = 1e-12


def is_money(fmt):
    fmt = fmt or ""
    if "%" in fmt:
        return False
    return bool(CURRENCY.search(fmt) or THOUSANDS.match(fmt))


def num(x):
    """A number from a cached value or from CSV text; None for text and blanks."""
    if x is None or isinstance(x, str) and x.strip() == "":
        return None
    if isinstance(x, bool):
        return float(x)
    if isinstance(x, (int, float)):
        return float(x)
    t = str(x).strip()
    if t.upper() in ("TRUE", "FALSE"):
        return 1.0 if t.upper() == "TRUE" else 0.0
    try:
        return float(t)
    except ValueError:
        return None


def same(a, b, money):
    """Whether two values agree: numbers within the penny (money) or 1e-12 relative (else),
    text exactly; an empty text and an empty cell are the same."""
    x, y = num(a), num(b)
    if x is not None and y is not None:
        tol = max(MONEY_TOL if money else REL_TOL, REL_TOL * max(abs(x), abs(y)))
        return abs(x - y) <= tol
    if (x is None) != (y is None) and not (a in (None, "") and b in (None, "")):
        return False
    return str(a if a is not None else "") == str(b if b is not None else "")


def recalc(book, outdir, timeout):
    """Runs ssconvert; (seconds, None) or (seconds, what went wrong)."""
    cmd = ["ssconvert", "--recalc", "-S", "-T", "Gnumeric_stf:stf_assistant",
           "-O", "separator=, format=raw charset=UTF-8",
           book, os.path.join(outdir, "%n.csv")]
    t0 = time.time()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout, start_new_session=True)
    except subprocess.TimeoutExpired:
        return time.time() - t0, "ssconvert did not finish in %g s" % timeout
    except FileNotFoundError:
        return 0.0, "ssconvert missing (apt-get install gnumeric)"
    took = time.time() - t0
    if p.returncode != 0:
        return took, "ssconvert exited %d: %s" % (p.returncode, p.stdout.decode(errors="replace")[-500:])
    return took, None


def compare(book, outdir):
    """(formulas checked, [mismatch lines])"""
    wf = openpyxl.load_workbook(book)
    wv = openpyxl.load_workbook(book, data_only=True)
    checked, bad = 0, []
    for i, ws in enumerate(wf.worksheets):
        path = os.path.join(outdir, "%d.csv" % i)
        if not os.path.exists(path):
            bad.append("%s: Gnumeric wrote no CSV" % ws.title)
            continue
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        for row in ws.iter_rows():
            for c in row:
                if c.data_type != "f":
                    continue
                checked += 1
                cached = wv[ws.title][c.coordinate].value
                r, k = c.row - 1, c.column - 1
                got = rows[r][k] if r < len(rows) and k < len(rows[r]) else ""
                if not same(cached, got, is_money(c.number_format)):
                    bad.append("%s!%s cached=%r gnumeric=%r  %s"
                               % (ws.title, c.coordinate, cached, got, str(c.value)[:120]))
    return checked, bad


def main(argv):
    timeout, limit = 120.0, None
    while argv and argv[0].startswith("--"):
        if argv[0] == "--timeout" and len(argv) > 1:
            timeout = float(argv[1])
        elif argv[0] == "--limit" and len(argv) > 1:
            limit = float(argv[1])
        else:
            break
        argv = argv[2:]
    if len(argv) != 1 or not os.path.isfile(argv[0]):
        sys.stderr.write("usage: gnumeric_recalc.py [--timeout S] [--limit S] BOOK.xlsx\n")
        return 2
    book = argv[0]
    name = os.path.basename(book)
    out = tempfile.mkdtemp(prefix="gnumeric_recalc.")
    try:
        took, err = recalc(book, out, timeout)
        if err:
            print("FAIL %s: Gnumeric recalculates it: %s" % (name, err))
            return 1
        checked, bad = compare(book, out)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    for line in bad[:50]:
        print("     " + line)
    if len(bad) > 50:
        print("     ... and %d more" % (len(bad) - 50))
    good = checked > 0 and not bad
    print("%s %s: each of %d formulas, recalculated by Gnumeric, agrees with its cached value%s"
          % ("ok  " if good else "FAIL", name, checked, "" if good else " (%d differ)" % len(bad)))
    fast = limit is None or took <= limit
    if limit is None:
        print("note %s: Gnumeric recalculated it in %.1f s" % (name, took))
    else:
        print("%s %s: Gnumeric recalculated it in %.1f s (limit %g s)"
              % ("ok  " if fast else "FAIL", name, took, limit))
    return 0 if good and fast else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
