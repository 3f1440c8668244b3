#!/usr/bin/python3
"""The plan of what build/bench_floor must write to match boardpack's output in DIR: for
every PDF its pages, each page's text runs and its path operations (rectangles, lines),
read off the uncompressed content streams (qpdf --qdf); for every workbook its sheets and
their numeric, text and formula cells (openpyxl).  One line per item, tab-separated:
  pdf NAME | page LANDSCAPE | text STRING | rects N | lines N | xlsx NAME | sheet NAME |
  cells NUMBERS STRINGS FORMULAS
Usage: bench_plan.py DIR > plan.tsv"""
import os
import re
import subprocess
import sys
import tempfile


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
        for hexs in re.findall(r"<([0-9a-fA-F]*)> Tj", pg):
            raw = bytes.fromhex(hexs)
            text = raw.decode("utf-16-be", errors="replace").replace("\t", " ").replace("\n", " ")
            out.append("text\t%s" % text)
        out.append("rects\t%d" % len(re.findall(r" re\n", pg)))
        out.append("lines\t%d" % len(re.findall(r" l\n", pg)))


def xlsx_plan(path, out):
    import openpyxl
    wb = openpyxl.load_workbook(path)
    out.append("xlsx\t%s" % os.path.basename(path))
    for ws in wb.worksheets:
        n = s = f = 0
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                if c.data_type == "f":
                    f += 1
                elif isinstance(c.value, (int, float)):
                    n += 1
                else:
                    s += 1
        out.append("sheet\t%s" % ws.title)
        out.append("cells\t%d\t%d\t%d" % (n, s, f))


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
