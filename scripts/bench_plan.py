#!/usr/bin/python3
"""The plan of what build/bench_floor must write to match boardpack's output in DIR: for
every PDF its pages, each page's text runs and its path operations (rectangles, lines),
read off the uncompressed content streams (qpdf --qdf); for every workbook its sheets and
every cell as it is - number, text or formula, at its place (openpyxl).  One line per
item, tab-separated:
  pdf NAME | page LANDSCAPE | text STRING | rects N | lines N | xlsx NAME | sheet NAME |
  num ROW COL VALUE | str ROW COL TEXT | fml ROW COL FORMULA
Text runs are read from both kinds of string boardpack writes: <hex> for Unicode fonts
(UTF-16BE) and (literal) for WinAnsi fonts (Windows-1252, with PDF's escapes).
Usage: bench_plan.py DIR > plan.tsv"""
import os
import re
import subprocess
import sys
import tempfile


def unescape(lit):
    """The bytes of a PDF literal string (as read in latin-1)."""
    out, i = bytearray(), 0
    while i < len(lit):
        c = lit[i]
        if c == "\\" and i + 1 < len(lit):
            n = lit[i + 1]
            m = re.match(r"[0-7]{1,3}", lit[i + 1:])
            if m:
                out.append(int(m.group(0), 8) & 0xFF)
                i += 1 + len(m.group(0))
                continue
            out.append({"n": 10, "r": 13, "t": 9, "b": 8, "f": 12}.get(n, ord(n)))
            i += 2
            continue
        out.append(ord(c))
        i += 1
    return bytes(out)


def clean(text):
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def pdf_plan(path, out):
    with tempfile.TemporaryDirectory() as d:
        q = os.path.join(d, "q.pdf")
        subprocess.run(["qpdf", "--qdf", "--object-streams=disable", path, q], check=True)
        data = open(q, "rb").read().decode("latin-1")
    out.append("pdf\t%s" % os.path.basename(path))
    pages = re.split(r"^%% Page \d+\n", data, flags=re.M)[1:]
    for pg in pages:
        box = re.search(r"/MediaBox \[\s*[\d.]+\s+[\d.]+\s+([\d.]+)\s+([\d.]+)", pg)
        landscape = 1 if box and float(box.group(1)) > float(box.group(2)) else 0
        out.append("page\t%d" % landscape)
        for hexs, lit in re.findall(r"(?:<([0-9a-fA-F]*)>|\(((?:[^\\()]|\\.)*)\)) Tj", pg,
                                    flags=re.S):
            if lit or not hexs:
                text = unescape(lit).decode("cp1252", errors="replace")
            else:
                text = bytes.fromhex(hexs).decode("utf-16-be", errors="replace")
            out.append("text\t%s" % clean(text))
        out.append("rects\t%d" % len(re.findall(r" re\n", pg)))
        out.append("lines\t%d" % len(re.findall(r" l\n", pg)))


def xlsx_plan(path, out):
    import openpyxl
    wb = openpyxl.load_workbook(path)
    out.append("xlsx\t%s" % os.path.basename(path))
    for ws in wb.worksheets:
        out.append("sheet\t%s" % ws.title)
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                if c.data_type == "f":
                    kind, v = "fml", str(c.value)
                elif isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                    kind, v = "num", repr(float(c.value))
                else:
                    kind, v = "str", str(c.value)
                out.append("%s\t%d\t%d\t%s" % (kind, c.row - 1, c.column - 1, clean(v)))


def main():
    d = sys.argv[1]
    out = []
    for name in sorted(os.listdir(d)):
        p = os.path.join(d, name)
        if name.endswith(".pdf"):
            pdf_plan(p, out)
        elif name.endswith(".xlsx"):
            xlsx_plan(p, out)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
