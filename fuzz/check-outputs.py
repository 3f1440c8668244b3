#!/usr/bin/python3
"""The second opinion on what fuzz_render wrote (FUZZ_RENDER_OUT=DIR, as fuzz/replay.sh
runs it): the harness checks every output itself while fuzzing, with its own small
parsers; after a replay the real readers check the saved files again.

  every *.pdf   qpdf --check: exit 0, no warnings
  every *.xlsx  zipfile: every member's CRC; xml.etree: every .xml and .rels part parses;
                openpyxl: the workbook loads with warnings as errors
  every *.json  json.loads, which must also refuse NaN and Infinity
  every *.txt   strict UTF-8

Usage: fuzz/check-outputs.py DIR.  Prints one line per file that fails and exits 1 if
any does (2 when qpdf or openpyxl is missing: a check that cannot run is not a pass)."""
import json
import os
import shutil
import subprocess
import sys
import warnings
import zipfile
import xml.etree.ElementTree as ET


def no_constants(name):
    raise ValueError("JSON holds " + name)


def check_pdf(path):
    r = subprocess.run(["qpdf", "--check", path], capture_output=True, text=True)
    if r.returncode != 0:
        lines = (r.stdout + r.stderr).strip().splitlines()
        return "qpdf --check exit %d: %s" % (r.returncode, lines[-1] if lines else "")
    return None


def check_xlsx(path, openpyxl):
    with zipfile.ZipFile(path) as z:
        bad = z.testzip()
        if bad:
            return "bad CRC in " + bad
        for name in z.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                try:
                    ET.fromstring(z.read(name))
                except ET.ParseError as e:
                    return "%s: %s" % (name, e)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wb = openpyxl.load_workbook(path)
        wb.close()
    return None


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    if not shutil.which("qpdf"):
        print("check-outputs: qpdf is missing (Debian: apt-get install qpdf)")
        return 2
    try:
        import openpyxl
    except ImportError:
        print("check-outputs: openpyxl is missing (Debian: apt-get install python3-openpyxl)")
        return 2
    counts = {}
    failed = 0
    for name in sorted(os.listdir(out)):
        path = os.path.join(out, name)
        ext = name.rsplit(".", 1)[-1]
        why = None
        try:
            if ext == "pdf":
                why = check_pdf(path)
            elif ext == "xlsx":
                why = check_xlsx(path, openpyxl)
            elif ext == "json":
                with open(path, "rb") as f:
                    json.loads(f.read().decode("utf-8"), parse_constant=no_constants)
            elif ext == "txt":
                with open(path, "rb") as f:
                    f.read().decode("utf-8")
            else:
                continue
        except Exception as e:   # any reader's refusal is the finding
            why = "%s: %s" % (type(e).__name__, e)
        counts[ext] = counts.get(ext, 0) + 1
        if why:
            failed += 1
            print("FAIL %s: %s" % (path, why))
    if not counts:
        print("check-outputs: no output in %s: the harness saved nothing" % out)
        return 1
    print("check-outputs: %s checked, %d failed" %
          (", ".join("%d %s" % (counts[k], k) for k in sorted(counts)), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
