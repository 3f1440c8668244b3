#!/usr/bin/python3
"""Edits a workbook in headless LibreOffice as a user would, over the Python-UNO bridge
(python3-uno, libreoffice-calc-nogui), and prints what it saw as JSON on stdout.

  lo_edit.py [--timeout S] [--ops FILE] BOOK [OP [ARGS]]...

FILE (--ops): more operations after those of the command line, as JSON: a list of
[OP, ARG...] lists (arguments with spaces, such as a sheet named "Central charge"), or
an object with that list as "ops" (workbook_check.py plan).

The operations run in order on one loaded copy of BOOK (BOOK itself is never written);
after loading and after each edit LibreOffice recalculates everything (calculateAll) before
anything is read:
  values                     every formula cell of every sheet: sheet, cell, value (a
                             number or a string), text (as shown), and for an error value
                             error (LibreOffice's code) and value null
  data                       the Data table: its header and every row's values (inputs and
                             calculated columns), in sheet order
  sort-data                  sort the Data table's rows (below the header, row 1) by its
                             Value column, descending, as Data > Sort does
  filter-data INST           autofilter the Data table to one institution
  append-fact INST YEAR SCENARIO CODE VALUE
                             type a fact into the first empty row below the Data table,
                             in the columns whose headers are Institution, Year, Scenario,
                             Code and Value, and nothing else
  insert-fact INST YEAR SCENARIO CODE VALUE
                             insert a whole row in the middle of the Data table (as the
                             row header's Insert Rows Above does) and type the fact there
  set-cell SHEET CELL VALUE  type VALUE into a cell (a constant over a formula: tamper
                             tests); a protected sheet is unprotected first (no password)
                             and left so
  move-sheet NAME POS        move a sheet to position POS (0 = first, past the end = last)
  name NAME                  the value of the cell a defined name refers to (MasterCheck)
  cell SHEET CELL            the value of one cell
  sheet NAME                 every cell of a sheet's used area as values (numbers,
                             strings; an empty cell ""), one list a row: the Checks
                             sheet's rows for a tamper test, in one UNO call
  quick NAME                 the same, after recalculating only the cells the edits made
                             dirty (calculate: what AutoCalculate does as a user types),
                             not everything - a tamper test's read, in a fraction of the
                             time of a full recalculation
  restore                    undo the last set-cell or append-fact not yet restored: the
                             cell's formula or value back, the typed row cleared (so that
                             the next tamper starts from the book as built, without a
                             reopen)
  save OUT.xlsx              store the book as Office Open XML
  reopen                     close the book and load BOOK afresh, unedited (to run several
                             edits in one LibreOffice session)

The output: {"book", "seconds", "ops": [{"op", "args", "seconds", ...}]}, one entry per
operation; an edit reports what it touched (rows sorted, hidden, the row typed into) so
that a test can tell an edit that did nothing from one that changed nothing.  Exit 0 when
every operation ran, 1 when one failed (its entry has "error"), 2 on a usage error.

soffice runs with a private profile in a temporary directory and a pipe of its own, and
is killed (its whole process group) at the end, on failure, on SIGTERM/SIGINT/SIGHUP and
when --timeout (default 50 s) expires: a watchdog thread, because a hung UNO call never
returns to Python.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ARITY = {"values": 0, "data": 0, "sort-data": 0, "filter-data": 1, "append-fact": 5, "insert-fact": 5,
         "set-cell": 3, "move-sheet": 2, "name": 1, "cell": 2, "sheet": 1, "quick": 1, "restore": 0,
         "save": 1, "reopen": 0}
DATA_SHEET = "Data"
# the Data table's columns a user types a fact into, found by their header text
FACT_COLUMNS = ("Institution", "Year", "Scenario", "Code", "Value")
# recalculate on load: never (the first read after loading does calculateAll: once, not twice)
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>1</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>1</value></prop></item>
</oor:items>
"""


def usage(msg):
    sys.stderr.write("lo_edit.py: %s\nusage: lo_edit.py [--timeout S] BOOK OP [ARGS]...\n" % msg)
    sys.exit(2)


def parse(argv):
    timeout = 50.0
    more = []
    while len(argv) >= 2 and argv[0] in ("--timeout", "--ops"):
        if argv[0] == "--timeout":
            timeout = float(argv[1])
        else:
            with open(argv[1], encoding="utf-8") as f:
                given = json.load(f)
            # a list of operations, or an object with one under "ops"
            more = [[str(a) for a in op] for op in (given["ops"] if isinstance(given, dict) else given)]
        argv = argv[2:]
    if len(argv) < 1 or (len(argv) < 2 and not more):
        usage("a book and at least one operation")
    book, rest, ops = argv[0], argv[1:] + [a for op in more for a in op], []
    while rest:
        op = rest[0]
        if op not in ARITY:
            usage("unknown operation %r" % op)
        n = ARITY[op]
        if len(rest) < 1 + n:
            usage("%s takes %d argument(s)" % (op, n))
        ops.append((op, rest[1:1 + n]))
        rest = rest[1 + n:]
    return timeout, book, ops


class Office:
    """One soffice process, its profile and pipe, and the UNO desktop."""

    def __init__(self, timeout):
        self.dir = tempfile.mkdtemp(prefix="lo_edit.")
        os.makedirs(os.path.join(self.dir, "profile", "user"))
        with open(os.path.join(self.dir, "profile", "user", "registrymodifications.xcu"), "w") as f:
            f.write(PROFILE)
        self.pipe = "lo_edit_%d_%d" % (os.getpid(), int(time.time() * 1000) % 1000000)
        self.proc = None
        self.expired = False
        self.watchdog = threading.Timer(timeout, self.expire)
        self.watchdog.daemon = True
        self.watchdog.start()

    def copy(self, path):
        dst = os.path.join(self.dir, "book" + os.path.splitext(path)[1])
        shutil.copyfile(path, dst)
        return dst

    def expire(self):
        self.expired = True
        sys.stderr.write("lo_edit.py: time limit reached, killing soffice\n")
        self.kill()

    def start(self):
        import uno
        from com.sun.star.connection import NoConnectException
        # its own session (process group): soffice is a script that starts oosplash and
        # soffice.bin, and all of them must go at the end
        self.proc = subprocess.Popen(
            ["soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
             "--nolockcheck", "-env:UserInstallation=file://" + os.path.join(self.dir, "profile"),
             "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % self.pipe],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        url = "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % self.pipe
        while True:
            if self.expired:
                raise RuntimeError("soffice did not accept a connection in time")
            if self.proc.poll() is not None:
                raise RuntimeError("soffice exited with %d before accepting" % self.proc.returncode)
            try:
                ctx = resolver.resolve(url)
                break
            except NoConnectException:
                time.sleep(0.2)
        self.desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)

    def kill(self):
        """Kills soffice's process group, even when its leader (oosplash) has gone: the
        soffice.bin it started may not have."""
        p = self.proc
        if p is None:
            return
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            pass

    def close(self):
        self.watchdog.cancel()
        try:
            if self.proc is not None and self.proc.poll() is None and not self.expired:
                try:
                    self.desktop.terminate()
                    self.proc.wait(5)
                except Exception:
                    pass
        finally:
            self.kill()
            shutil.rmtree(self.dir, ignore_errors=True)


def prop(name, value):
    from com.sun.star.beans import PropertyValue
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def uno_url(path):
    import uno
    return uno.systemPathToFileUrl(os.path.abspath(path))


def col_name(c):
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def address(col, row):
    """A1 name of a 0-based column and row."""
    return "%s%d" % (col_name(col), row + 1)


class Book:
    def __init__(self, office, path):
        import uno
        self.path = os.path.abspath(path)
        self.doc = office.desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(self.path), "_blank", 0,
            (prop("Hidden", True), prop("ReadOnly", False)))
        if self.doc is None:
            raise RuntimeError("LibreOffice could not open %s" % path)
        self.undo = []   # per set-cell or append-fact: [(sheet, cell, formula before)]
        self.formats = {}

    def close(self):
        try:
            self.doc.close(True)
        except Exception:
            self.doc.dispose()

    def recalc(self):
        self.doc.calculateAll()

    def restore(self):
        if not self.undo:
            raise RuntimeError("nothing to restore")
        done = []
        for sheet_name, ref, before in self.undo.pop():
            cell = self.sheet(sheet_name).getCellRangeByName(ref)
            if before:
                cell.setFormula(before)
            else:
                cell.clearContents(1 | 2 | 4 | 16)   # VALUE, DATETIME, STRING, FORMULA
            done.append("%s!%s" % (sheet_name, ref))
        return {"restored": done}

    def sheet(self, name):
        sheets = self.doc.Sheets
        if not sheets.hasByName(name):
            raise RuntimeError("no sheet %r (sheets: %s)" % (name, ", ".join(sheets.ElementNames)))
        return sheets.getByName(name)

    def format_string(self, key):
        if key not in self.formats:
            try:
                self.formats[key] = self.doc.NumberFormats.getByKey(key).FormatString
            except Exception:
                self.formats[key] = ""
        return self.formats[key]

    # ---- reading ----

    def cell_json(self, sheet_name, cell, col, row):
        from com.sun.star.table.CellContentType import FORMULA, TEXT, EMPTY
        out = {"sheet": sheet_name, "cell": address(col, row)}
        err = cell.getError()
        kind = cell.Type
        if err:
            out["value"] = None
            out["error"] = err
        elif kind == FORMULA:
            # FormulaResultType2: com.sun.star.sheet.FormulaResult VALUE 1, STRING 2, ERROR 4
            rt = cell.getPropertyValue("FormulaResultType2")
            out["value"] = cell.getString() if rt == 2 else cell.getValue()
        elif kind == TEXT:
            out["value"] = cell.getString()
        elif kind == EMPTY:
            out["value"] = None
        else:
            out["value"] = cell.getValue()
        out["text"] = cell.getString()
        out["format"] = self.format_string(cell.NumberFormat)
        return out

    def values(self, workdir):
        """Every formula cell.  Cell-by-cell UNO calls cost milliseconds each (thousands of
        cells: tens of seconds), so the values of each block come in one call
        (getDataArray), the texts from one CSV export of every sheet as shown, and the
        error cells from one query a sheet."""
        import csv
        from com.sun.star.sheet.CellFlags import FORMULA
        os.makedirs(workdir)
        self.doc.storeToURL(uno_url(os.path.join(workdir, "book.csv")), (
            prop("FilterName", "Text - txt - csv (StarCalc)"),
            # comma, double quote, UTF-8, ..., contents as shown, every sheet (book-NAME.csv)
            prop("FilterOptions", "44,34,76,1,,0,false,true,true,false,false,-1")))
        cells = []
        for sheet in self.doc.Sheets:
            name = sheet.Name
            path = os.path.join(workdir, "book-%s.csv" % name)
            if not os.path.exists(path) and self.doc.Sheets.Count == 1:
                path = os.path.join(workdir, "book.csv")
            with open(path, encoding="utf-8", newline="") as f:
                shown = list(csv.reader(f))
            formulas = sheet.queryContentCells(FORMULA)
            errors = {}
            for a in formulas.queryFormulaCells(4).RangeAddresses:
                for r in range(a.StartRow, a.EndRow + 1):
                    for c in range(a.StartColumn, a.EndColumn + 1):
                        errors[(c, r)] = sheet.getCellByPosition(c, r).getError()
            for a in formulas.RangeAddresses:
                block = sheet.getCellRangeByPosition(a.StartColumn, a.StartRow, a.EndColumn, a.EndRow)
                data = block.getDataArray()
                for r in range(a.EndRow - a.StartRow + 1):
                    for c in range(a.EndColumn - a.StartColumn + 1):
                        col, row = a.StartColumn + c, a.StartRow + r
                        text = shown[row][col] if row < len(shown) and col < len(shown[row]) else ""
                        cell = {"sheet": name, "cell": address(col, row), "value": data[r][c], "text": text}
                        if (col, row) in errors:
                            cell["value"] = None
                            cell["error"] = errors[(col, row)]
                        cells.append(cell)
        shutil.rmtree(workdir, ignore_errors=True)
        return {"sheets": list(self.doc.Sheets.ElementNames), "cells": cells}

    def cell(self, sheet_name, ref):
        sheet = self.sheet(sheet_name)
        cell = sheet.getCellRangeByName(ref)
        a = cell.CellAddress
        return self.cell_json(sheet_name, cell, a.Column, a.Row)

    def sheet_rows(self, name):
        sheet = self.sheet(name)
        cursor = sheet.createCursor()
        cursor.gotoEndOfUsedArea(False)
        a = cursor.RangeAddress
        rows = sheet.getCellRangeByPosition(0, 0, a.EndColumn, a.EndRow).getDataArray()
        return {"sheet": name, "rows": [list(r) for r in rows]}

    def name(self, nm):
        # the workbook's names, then each sheet's own (a name scoped to one sheet)
        scopes = [self.doc.NamedRanges] + [sh.NamedRanges for sh in self.doc.Sheets]
        found = [n for n in scopes if n.hasByName(nm)]
        if not found:
            raise RuntimeError("no defined name %r" % nm)
        rng = found[0].getByName(nm)
        cells = rng.getReferredCells()
        if cells is not None:
            a = cells.RangeAddress
            sheet = self.doc.Sheets.getByIndex(a.Sheet)
            out = self.cell_json(sheet.Name, cells.getCellByPosition(0, 0), a.StartColumn, a.StartRow)
        else:
            # a name that is a formula, not a range: evaluate it in a scratch sheet
            sheets = self.doc.Sheets
            scratch = "lo_edit_scratch"
            sheets.insertNewByName(scratch, sheets.Count)
            try:
                c = sheets.getByName(scratch).getCellByPosition(0, 0)
                c.setFormula("=" + nm)
                self.recalc()
                out = self.cell_json(scratch, c, 0, 0)
            finally:
                sheets.removeByName(scratch)
        out["name"] = nm
        out["content"] = rng.Content
        return out

    # ---- the Data table ----

    def table(self):
        """(sheet, {header: column}, number of columns, last row) of the Data table: the
        header row is row 1 (index 0), its columns run from A to the first empty header,
        its rows from row 2 down to the last before the first row whose first column is
        empty - the region a user's Data > Sort selects."""
        sheet = self.sheet(DATA_SHEET)
        heads = {}
        ncol = 0
        while True:
            t = sheet.getCellByPosition(ncol, 0).getString().strip()
            if not t:
                break
            heads.setdefault(t, ncol)
            ncol += 1
        if not ncol:
            raise RuntimeError("the Data sheet has no header row")
        # read the first column in one call (row by row would be one UNO call a row)
        cursor = sheet.createCursor()
        cursor.gotoEndOfUsedArea(False)
        used = cursor.RangeAddress.EndRow
        first = sheet.getCellRangeByPosition(0, 0, 0, used).getDataArray()
        last = 0
        for i in range(1, len(first)):
            if first[i][0] == "" or first[i][0] is None:
                break
            last = i
        return sheet, heads, ncol, last

    def column(self, heads, name):
        for h, c in heads.items():
            if h.lower() == name.lower():
                return c
        raise RuntimeError("the Data table has no %r column (headers: %s)" % (name, ", ".join(heads)))

    def data(self):
        sheet, heads, ncol, last = self.table()
        rows = sheet.getCellRangeByPosition(0, 0, ncol - 1, last).getDataArray()
        return {"header": list(rows[0]), "rows": [list(r) for r in rows[1:]]}

    def sort_data(self):
        import uno
        from com.sun.star.table import TableSortField
        sheet, heads, ncol, last = self.table()
        vcol = self.column(heads, "Value")
        before = sheet.getCellRangeByPosition(0, 1, ncol - 1, last).getDataArray()
        rng = sheet.getCellRangeByPosition(0, 0, ncol - 1, last)
        field = TableSortField()
        field.Field = vcol
        field.IsAscending = False
        field.IsCaseSensitive = False
        desc = rng.createSortDescriptor()
        for p in desc:
            if p.Name == "ContainsHeader":
                p.Value = True
            elif p.Name == "SortFields":
                p.Value = uno.Any("[]com.sun.star.table.TableSortField", (field,))
            elif p.Name == "Orientation":
                from com.sun.star.table.TableOrientation import ROWS
                p.Value = ROWS
        uno.invoke(rng, "sort", (desc,))
        after = sheet.getCellRangeByPosition(0, 1, ncol - 1, last).getDataArray()
        moved = sum(1 for a, b in zip(before, after) if a != b)
        vals = [r[vcol] for r in after if isinstance(r[vcol], float)]
        return {"rows": last, "rows_moved": moved,
                "descending": all(vals[i] >= vals[i + 1] for i in range(len(vals) - 1))}

    def filter_data(self, inst):
        from com.sun.star.sheet.FilterOperator import EQUAL
        from com.sun.star.sheet import TableFilterField
        sheet, heads, ncol, last = self.table()
        icol = self.column(heads, "Institution")
        rng = sheet.getCellRangeByPosition(0, 0, ncol - 1, last)
        # the database range the table was imported as, with its autofilter buttons on
        # (one of our own when there is none), as the user's Data > AutoFilter
        target = None
        ranges = self.doc.DatabaseRanges
        for nm in ranges.ElementNames:
            d = ranges.getByName(nm)
            a = d.DataArea
            if a.Sheet == sheet.RangeAddress.Sheet and a.StartRow == 0 and a.StartColumn == 0:
                target = d
                break
        if target is None:
            ranges.addNewByName("lo_edit_filter", rng.RangeAddress)
            target = ranges.getByName("lo_edit_filter")
        target.AutoFilter = True
        field = TableFilterField()
        field.Field = icol
        field.Operator = EQUAL
        field.IsNumeric = False
        field.StringValue = inst
        desc = rng.createFilterDescriptor(True)
        desc.ContainsHeader = True
        desc.FilterFields = (field,)
        rng.filter(desc)
        body = sheet.getCellRangeByPosition(0, 1, 0, last)
        shown = sum(a.EndRow - a.StartRow + 1 for a in body.queryVisibleCells().RangeAddresses)
        hidden = last - shown
        return {"rows": last, "hidden": hidden, "database_range": target.Name}

    def type_fact(self, sheet, heads, row, fact):
        """Types the five values into their columns of one row, as a user's keyboard entry
        (setFormula interprets the text as typed input: numbers become numbers)."""
        typed = {}
        for name, text in zip(FACT_COLUMNS, fact):
            c = self.column(heads, name)
            cell = sheet.getCellByPosition(c, row)
            cell.setFormula(text)
            typed[name] = {"cell": address(c, row), "text": cell.getString(),
                           "number": cell.Type.value == "VALUE"}
        return typed

    def append_fact(self, fact):
        sheet, heads, ncol, last = self.table()
        row = last + 1
        typed = self.type_fact(sheet, heads, row, fact)
        self.undo.append([(DATA_SHEET, t["cell"], "") for t in typed.values()])
        return {"row": row + 1, "typed": typed}

    def insert_fact(self, fact):
        sheet, heads, ncol, last = self.table()
        row = 1 + last // 2
        sheet.getRows().insertByIndex(row, 1)
        return {"row": row + 1, "typed": self.type_fact(sheet, heads, row, fact)}

    def set_cell(self, sheet_name, ref, text):
        sheet = self.sheet(sheet_name)
        was = sheet.isProtected()
        if was:
            sheet.unprotect("")
        cell = sheet.getCellRangeByName(ref)
        before = cell.getFormula()
        self.undo.append([(sheet_name, ref, before)])
        cell.setFormula(text)
        return {"protected": bool(was), "before": before, "after": cell.getFormula()}

    def move_sheet(self, name, pos):
        """POS is where the sheet ends up (0 = first; past the end = last); moveByName
        takes the index it goes before, counted before the move."""
        self.sheet(name)
        sheets = self.doc.Sheets
        names = list(sheets.ElementNames)
        final = min(int(pos), len(names) - 1)
        dest = final + 1 if final > names.index(name) else final
        sheets.moveByName(name, dest)
        return {"sheets": list(self.doc.Sheets.ElementNames)}

    def save(self, out):
        import uno
        out = os.path.abspath(out)
        self.doc.storeToURL(uno.systemPathToFileUrl(out),
                            (prop("FilterName", "Calc MS Excel 2007 XML"), prop("Overwrite", True)))
        return {"file": out, "bytes": os.path.getsize(out)}


READS = ("values", "data", "name", "cell", "sheet", "save")
QUICK = ("quick", "restore")


def run(office, path, ops):
    """Runs the operations; returns (their entries, whether all ran).  The recalculation
    that follows every edit is done once, before the next read (or save): what a read sees
    is the same, and a run of edits does not pay for one full recalculation each."""
    results = []
    # a copy in the private directory: LibreOffice's lock file goes there, not beside BOOK
    # (a killed soffice leaves it behind, and the next run could not open BOOK)
    path = office.copy(path)
    book = Book(office, path)
    stale = True
    try:
        for op, args in ops:
            t0 = time.time()
            entry = {"op": op, "args": args}
            results.append(entry)
            try:
                if op in READS and stale:
                    t1 = time.time()
                    book.recalc()
                    entry["recalc_seconds"] = round(time.time() - t1, 3)
                    stale = False
                if op == "values":
                    entry.update(book.values(os.path.join(office.dir, "values%d" % len(results))))
                elif op == "data":
                    entry.update(book.data())
                elif op == "sort-data":
                    entry.update(book.sort_data())
                elif op == "filter-data":
                    entry.update(book.filter_data(args[0]))
                elif op == "append-fact":
                    entry.update(book.append_fact(args))
                elif op == "insert-fact":
                    entry.update(book.insert_fact(args))
                elif op == "set-cell":
                    entry.update(book.set_cell(*args))
                elif op == "move-sheet":
                    entry.update(book.move_sheet(*args))
                elif op == "name":
                    entry.update(book.name(args[0]))
                elif op == "cell":
                    entry.update(book.cell(*args))
                elif op == "sheet":
                    entry.update(book.sheet_rows(args[0]))
                elif op == "quick":
                    t1 = time.time()
                    book.doc.calculate()
                    entry["recalc_seconds"] = round(time.time() - t1, 3)
                    entry.update(book.sheet_rows(args[0]))
                elif op == "restore":
                    entry.update(book.restore())
                elif op == "save":
                    entry.update(book.save(args[0]))
                elif op == "reopen":
                    book.close()
                    book = Book(office, path)
                if op not in READS and op not in QUICK:
                    stale = True
            except Exception as e:
                if office.expired:
                    entry["error"] = "time limit reached"
                else:
                    entry["error"] = "%s: %s" % (type(e).__name__, e)
                return results, False
            finally:
                entry["seconds"] = round(time.time() - t0, 3)
    finally:
        if not office.expired:
            try:
                book.close()
            except Exception:
                pass
    return results, True


def main(argv):
    timeout, path, ops = parse(argv)
    if not os.path.isfile(path):
        usage("cannot read %s" % path)
    t0 = time.time()
    office = Office(timeout)

    def stop(signum, frame):
        office.kill()
        raise SystemExit(128 + signum)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, stop)
    out = {"book": path, "ops": []}
    good = False
    try:
        office.start()
        out["ops"], good = run(office, path, ops)
    except Exception as e:
        out["error"] = "time limit reached" if office.expired else "%s: %s" % (type(e).__name__, e)
    finally:
        office.close()
    out["seconds"] = round(time.time() - t0, 3)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    for e in out["ops"]:
        if "error" in e:
            sys.stderr.write("lo_edit.py: %s: %s\n" % (e["op"], e["error"]))
    if "error" in out:
        sys.stderr.write("lo_edit.py: %s\n" % out["error"])
    return 0 if good and "error" not in out else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
