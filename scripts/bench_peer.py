#!/usr/bin/python3
"""The Python peer of make bench's (f): boardpack's documents for one trust written again with
XlsxWriter and reportlab, the libraries a Python program would use, timed.

Read off boardpack's own output in DIR first (not timed):
- every workbook (openpyxl, twice: the formulas and their cached values): its sheets in order
  and every cell as it is - number, string or formula with its cached value - with its format
  (number format; font bold, italic, size and colour; solid fill; horizontal and vertical
  alignment, wrap and indent; the four borders), each sheet's column widths, merged ranges and
  frozen panes, and the workbook's defined names;
- every PDF (pikepdf): its pages with their sizes, and each page's content stream as drawn:
  every text run at its place in its font (DejaVu Sans or its bold) and size, the fill and
  stroke colours, line widths, caps, joins and dashes, and every path (rectangles, lines,
  curves) filled, stroked or clipping, in order.
Then, timed (the best of RUNS runs, each into OUT): XlsxWriter writes the same workbook -
the same cells, formats, widths, merges, panes and names - and reportlab the same pages and
drawing, with the fonts embedded (TrueType DejaVu Sans and Bold, subset, as reportlab does)
and page compression on.  The fonts are registered with reportlab once, before the timing.
The peer lays nothing out - each line of text is drawn where boardpack put it: no line
breaking, measuring, table layout or pagination.  Nor does it: tag the PDFs (no structure tree, marked content or alternative text),
write bookmarks, links or document metadata, pack objects into object streams; write the
workbook's conditional formats, data validation, tables, comments or protection; load,
check or evaluate any data, or write the results JSON or the manifest; fsync its files.
Prints one line, tab-separated:
  cells N  pages P  workbook_s X  pdf_s Y  workbooks W  pdfs D
Usage: bench_peer.py DIR OUT [RUNS]"""
import os
import sys
import time

import openpyxl
import pikepdf
import xlsxwriter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

DEJAVU = "/usr/share/fonts/truetype/dejavu"

# ---- the workbook's plan ----


def color(c):
    """An openpyxl colour as XlsxWriter's '#RRGGBB', or None (theme and indexed colours:
    None, XlsxWriter's default)."""
    if c is None or getattr(c, "type", None) != "rgb" or not isinstance(c.rgb, str):
        return None
    return "#" + c.rgb[-6:]


BORDERS = {"thin": 1, "medium": 2, "dashed": 3, "dotted": 4, "thick": 5, "double": 6,
           "hair": 7}


def style_props(c):
    """The cell's format as XlsxWriter's properties."""
    p = {}
    if c.number_format and c.number_format != "General":
        p["num_format"] = c.number_format
    f = c.font
    if f is not None:
        if f.b:
            p["bold"] = True
        if f.i:
            p["italic"] = True
        if f.sz:
            p["font_size"] = float(f.sz)
        if f.name:
            p["font_name"] = f.name
        fc = color(f.color)
        if fc:
            p["font_color"] = fc
    fill = c.fill
    if fill is not None and fill.fill_type == "solid":
        fg = color(fill.fgColor)
        if fg:
            p["bg_color"] = fg
    a = c.alignment
    if a is not None:
        if a.horizontal:
            p["align"] = a.horizontal
        if a.vertical:
            p["valign"] = {"center": "vcenter"}.get(a.vertical, a.vertical)
        if a.wrap_text:
            p["text_wrap"] = True
        if a.indent:
            p["indent"] = int(a.indent)
    b = c.border
    if b is not None:
        for side in ("left", "right", "top", "bottom"):
            s = getattr(b, side)
            if s is not None and s.style in BORDERS:
                p[side] = BORDERS[s.style]
    return p


def xlsx_plan(path):
    """(sheets, styles, names): sheets as (title, cells, widths, merges, freeze), a cell as
    (row, col, kind, value, cached, style index)."""
    wb = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    styles, index = [], {}
    sheets = []
    for ws in wb.worksheets:
        vs = values[ws.title]
        cells = []
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                key = tuple(c._style) if c.has_style else ()
                si = index.get(key)
                if si is None:
                    si = index[key] = len(styles)
                    styles.append(style_props(c) if c.has_style else {})
                if c.data_type == "f":
                    cached = vs.cell(row=c.row, column=c.column).value
                    cells.append((c.row - 1, c.column - 1, "f", str(c.value), cached, si))
                elif isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                    cells.append((c.row - 1, c.column - 1, "n", float(c.value), None, si))
                else:
                    cells.append((c.row - 1, c.column - 1, "s", str(c.value), None, si))
        widths = []
        for letter, d in ws.column_dimensions.items():
            if d.width and d.customWidth:
                col = openpyxl.utils.column_index_from_string(letter) - 1
                widths.append((col, (d.max or col + 1) - 1, float(d.width)))
        first = {(r[0], r[1]): (r[3], r[5]) for r in cells}
        merges = []
        for m in ws.merged_cells.ranges:
            r1, c1, r2, c2 = m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1
            value, si = first.get((r1, c1), ("", 0))
            merges.append((r1, c1, r2, c2, value, si))
        sheets.append((ws.title, cells, widths, merges, ws.freeze_panes))
    names = [(n.name, n.attr_text) for n in wb.defined_names.definedName] \
        if hasattr(wb.defined_names, "definedName") else []
    return sheets, styles, names


def xlsx_write(plan, path):
    sheets, styles, names = plan
    wb = xlsxwriter.Workbook(path, {"strings_to_numbers": False, "strings_to_formulas": False,
                                    "strings_to_urls": False})
    fmts = [wb.add_format(p) if p else None for p in styles]
    for title, cells, widths, merges, freeze in sheets:
        ws = wb.add_worksheet(title)
        for first, last, w in widths:
            ws.set_column(first, last, w)
        for row, col, kind, value, cached, si in cells:
            fmt = fmts[si]
            if kind == "n":
                ws.write_number(row, col, value, fmt)
            elif kind == "s":
                ws.write_string(row, col, value, fmt)
            else:
                ws.write_formula(row, col, value, fmt, 0 if cached is None else cached)
        for r1, c1, r2, c2, value, si in merges:
            # the first cell again, as merge_range writes it (a few a sheet)
            ws.merge_range(r1, c1, r2, c2, value, fmts[si])
        if freeze:
            ws.freeze_panes(freeze)
    for name, ref in names:
        wb.define_name(name, "=" + ref)
    wb.close()


# ---- the PDFs' plan ----

FONT_REGULAR, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"


def num(x):
    return float(x)


def pdf_plan(path):
    """The pages as (width, height, ops), an op a tuple the replay below draws."""
    pages = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            po = page.obj
            box = [float(v) for v in po.MediaBox]
            fonts = {}
            res = po.get("/Resources")
            if res is not None and "/Font" in res:
                for k, v in res.Font.items():
                    base = str(v.get("/BaseFont", ""))
                    fonts[k] = (FONT_BOLD if "Bold" in base else FONT_REGULAR,
                                str(v.get("/Subtype", "")) == "/Type0")
            ops = []
            unicode_font = False
            for operands, op in pikepdf.parse_content_stream(page):
                o = str(op)
                if o == "Tf":
                    name, unicode_font = fonts.get(str(operands[0]), (FONT_REGULAR, False))
                    ops.append(("Tf", name, num(operands[1])))
                elif o == "Tj":
                    raw = bytes(operands[0])
                    ops.append(("Tj", raw.decode("utf-16-be", "replace") if unicode_font
                                else raw.decode("cp1252", "replace")))
                elif o in ("Td", "m", "l", "c", "re", "rg", "RG", "g", "G", "w", "J", "j",
                           "cm", "Tm"):
                    ops.append((o,) + tuple(num(x) for x in operands))
                elif o == "d":
                    ops.append(("d", [num(x) for x in operands[0]], num(operands[1])))
                elif o in ("BT", "ET", "S", "f", "B", "h", "W", "n", "q", "Q"):
                    ops.append((o,))
                # BDC, EMC, BMC: the tagging's marked content, which the peer does not write
            pages.append((box[2] - box[0], box[3] - box[1], ops))
    return pages


def pdf_write(pages, path):
    c = canvas.Canvas(path, pageCompression=1)
    for w, h, ops in pages:
        c.setPageSize((w, h))
        font, size = FONT_REGULAR, 10.0
        x = y = 0.0
        path_open = False
        clip = False
        for op in ops:
            k = op[0]
            if k == "BT":
                x = y = 0.0
            elif k == "Td":
                x, y = x + op[1], y + op[2]
            elif k == "Tm":
                x, y = op[5], op[6]
            elif k == "Tf":
                font, size = op[1], op[2]
            elif k == "Tj":
                c.setFont(font, size)
                c.drawString(x, y, op[1])
            elif k == "rg":
                c.setFillColorRGB(op[1], op[2], op[3])
            elif k == "RG":
                c.setStrokeColorRGB(op[1], op[2], op[3])
            elif k == "g":
                c.setFillGray(op[1])
            elif k == "G":
                c.setStrokeGray(op[1])
            elif k == "w":
                c.setLineWidth(op[1])
            elif k == "J":
                c.setLineCap(int(op[1]))
            elif k == "j":
                c.setLineJoin(int(op[1]))
            elif k == "d":
                c.setDash(op[1], op[2]) if op[1] else c.setDash()
            elif k == "q":
                c.saveState()
            elif k == "Q":
                c.restoreState()
            elif k == "cm":
                c.transform(*op[1:7])
            elif k in ("m", "l", "c", "re", "h"):
                if not path_open:
                    p = c.beginPath()
                    path_open = True
                if k == "m":
                    p.moveTo(op[1], op[2])
                elif k == "l":
                    p.lineTo(op[1], op[2])
                elif k == "c":
                    p.curveTo(*op[1:7])
                elif k == "re":
                    p.rect(*op[1:5])
                else:
                    p.close()
            elif k == "W":
                clip = True
            elif k in ("S", "f", "B", "n") and path_open:
                if clip:
                    c.clipPath(p, stroke=0, fill=0)
                else:
                    c.drawPath(p, stroke=1 if k in ("S", "B") else 0,
                               fill=1 if k in ("f", "B") else 0)
                path_open = clip = False
        c.showPage()
    c.save()


def main():
    if len(sys.argv) not in (3, 4):
        sys.stderr.write("usage: bench_peer.py DIR OUT [RUNS]\n")
        sys.exit(2)
    src, out = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) == 4 else 3
    pdfmetrics.registerFont(TTFont(FONT_REGULAR, os.path.join(DEJAVU, "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, os.path.join(DEJAVU, "DejaVuSans-Bold.ttf")))
    books, pdfs = [], []
    for name in sorted(os.listdir(src)):
        p = os.path.join(src, name)
        if name.endswith(".xlsx"):
            books.append((name, xlsx_plan(p)))
        elif name.endswith(".pdf"):
            pdfs.append((name, pdf_plan(p)))
    cells = sum(len(s[1]) for _, plan in books for s in plan[0])
    pages = sum(len(plan) for _, plan in pdfs)
    os.makedirs(out, exist_ok=True)
    best_wb = best_pdf = None
    for _ in range(runs):
        t = time.perf_counter()
        for name, plan in books:
            xlsx_write(plan, os.path.join(out, name))
        t_wb = time.perf_counter() - t
        t = time.perf_counter()
        for name, plan in pdfs:
            pdf_write(plan, os.path.join(out, name))
        t_pdf = time.perf_counter() - t
        best_wb = t_wb if best_wb is None else min(best_wb, t_wb)
        best_pdf = t_pdf if best_pdf is None else min(best_pdf, t_pdf)
    print("cells\t%d\tpages\t%d\tworkbook_s\t%.4f\tpdf_s\t%.4f\tworkbooks\t%d\tpdfs\t%d"
          % (cells, pages, best_wb, best_pdf, len(books), len(pdfs)))


if __name__ == "__main__":
    main()
