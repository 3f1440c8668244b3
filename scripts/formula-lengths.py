#!/usr/bin/python3
"""The lengths of a workbook's formulas, as stored in its XML: every cell formula (<f>)
of every sheet and every defined name, without the leading '=' (which the XML does not
store) and with XML escapes read back (&amp; is one character).

  formula-lengths.py BOOK.xlsx [--max N] [--median M] [--top K]

prints "formulas COUNT median MEDIAN max MAX over300 OVER" and, with --top, the K longest
with where they are.  With --max or --median it exits 1 when the longest is over N
characters or the median is not below M (the workbook's targets: docs/workbook.md).
Standard library only (zipfile), so that it runs on any python3."""
import argparse
import re
import statistics
import sys
import zipfile
from xml.sax.saxutils import unescape

ENTITIES = {"&quot;": '"', "&apos;": "'"}


def text(raw):
    return unescape(raw, ENTITIES)


def formulas(path):
    """[(length, where, formula)] of every cell formula and defined name."""
    out = []
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode("utf-8")
        names = re.findall(r'<sheet [^>]*name="([^"]*)"[^>]*r:id="([^"]*)"', book)
        rels = {}
        for attrs in re.findall(r"<Relationship ([^>]*)/?>",
                                z.read("xl/_rels/workbook.xml.rels").decode("utf-8")):
            a = dict(re.findall(r'(\w+)="([^"]*)"', attrs))
            rels[a["Id"]] = a["Target"]
        for name, rid in names:
            target = rels[rid].lstrip("/")
            part = target if target.startswith("xl/") else "xl/" + target
            xml = z.read(part).decode("utf-8")
            for cell, body in re.findall(r'<c r="([A-Z]+[0-9]+)"[^>]*>\s*<f(?:\s[^>]*)?>([^<]*)</f>', xml):
                f = text(body)
                out.append((len(f), "%s!%s" % (text(name), cell), f))
        for attrs, body in re.findall(r"<definedName([^>]*)>([^<]*)</definedName>", book):
            name = re.search(r'name="([^"]*)"', attrs).group(1)
            f = text(body)
            out.append((len(f), "name %s" % text(name), f))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("book")
    ap.add_argument("--max", type=int)
    ap.add_argument("--median", type=float)
    ap.add_argument("--top", type=int, default=0)
    a = ap.parse_args()
    fs = formulas(a.book)
    if not fs:
        print("%s: no formulas" % a.book)
        return 1
    lengths = [n for n, _, _ in fs]
    med, longest = statistics.median(lengths), max(lengths)
    over = sum(n > 300 for n in lengths)
    print("%s: formulas %d median %g max %d over300 %d" % (a.book, len(fs), med, longest, over))
    for n, where, f in sorted(fs, key=lambda t: -t[0])[:a.top]:
        print("  %5d %s %s" % (n, where, f[:200] + ("..." if len(f) > 200 else "")))
    bad = (a.max is not None and longest > a.max) or (a.median is not None and med >= a.median)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
