#!/usr/bin/python3
"""Puts make bench's report (REPORT, Markdown) into DOC (docs/performance.md) in place of the
figures the last run wrote, keeping every hand-written line as it is.

What make bench writes is the block between the two marker lines BEGIN and END below; the
title above it and everything after it are written by hand.  A DOC without the markers (as
written before they were introduced) has its measured part found as the lines from the one
after the title up to the first second-level heading that is not one of those the bench
writes; the markers are added around the new report.  Anything else - no title, a marker
missing or twice, the end before the start - changes nothing and exits 1: the report is then
only in REPORT.  The new text is written under a temporary name and renamed over DOC, and
checked first to be the old text with only the measured block replaced.
Usage: bench_doc.py REPORT DOC"""
import os
import sys

TITLE = "# Performance"
BEGIN = "<!-- make bench writes from here to its end marker: edits in between are overwritten -->"
END = "<!-- make bench: end of what it writes -->"
# the sections the bench wrote before the markers (the fallback above)
BENCH_HEADINGS = {
    "## (a) One trust: the PET",
    "## (c) Cost against the number of institutions",
    "## (b) Every multi-academy trust in England",
    "## (d) The floor",
}


def fail(msg):
    sys.stderr.write("bench_doc: %s: docs left as they were\n" % msg)
    sys.exit(1)


def split(lines):
    """(head, tail): the hand-written lines before and after the measured block."""
    nb, ne = lines.count(BEGIN + "\n"), lines.count(END + "\n")
    if nb or ne:
        if nb != 1 or ne != 1:
            fail("expected one start and one end marker, found %d and %d" % (nb, ne))
        b, e = lines.index(BEGIN + "\n"), lines.index(END + "\n")
        if e < b:
            fail("the end marker comes before the start marker")
        return lines[:b], lines[e + 1:]
    if not lines or lines[0].rstrip("\n") != TITLE:
        fail("no markers, and the first line is not '%s'" % TITLE)
    for i, line in enumerate(lines[1:], 1):
        h = line.rstrip("\n")
        if h.startswith("## ") and h not in BENCH_HEADINGS:
            return lines[:1], lines[i:]
    return lines[:1], []


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: bench_doc.py REPORT DOC\n")
        sys.exit(2)
    report_path, doc = sys.argv[1], sys.argv[2]
    with open(report_path, encoding="utf-8") as f:
        report = f.read().splitlines(True)
    # the report's own title is the document's, above the block
    if report and report[0].rstrip("\n") == TITLE:
        report = report[1:]
    if not os.path.exists(doc):
        head, tail = [TITLE + "\n"], []
    else:
        with open(doc, encoding="utf-8") as f:
            head, tail = split(f.read().splitlines(True))
    if report and not report[-1].endswith("\n"):
        report[-1] += "\n"
    if report and report[-1] != "\n":
        report.append("\n")     # a blank line before the hand-written text
    new = head + [BEGIN + "\n"] + report + [END + "\n"] + tail
    # what was hand-written is there, in order, unchanged
    if new[:len(head)] != head or (tail and new[-len(tail):] != tail):
        fail("internal error: the hand-written text would change")
    tmp = doc + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.writelines(new)
    os.replace(tmp, doc)


if __name__ == "__main__":
    main()
