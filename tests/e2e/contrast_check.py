"""Text contrast and size in a pack, from the colours and sizes actually drawn
(tests/e2e/tagged.sh, docs/accessibility.md; WCAG 2.1 1.4.3 and issue #15's "no text under
8 pt").

Usage: contrast_check.py PDF.  Prints "ok   ..." or "FAIL ..." lines.

Every page's content stream is interpreted with pikepdf: the graphics state (q/Q, cm, the
fill colour of g/rg/k), the text state (Tf, Tm, Td, TD, T*, TL, Tz) and the filled paths.
For each string shown, its size on the page is the font size times the text matrix and
CTM's vertical scale (x 1.0 for Tz 100); its background is the last filled area drawn
before it under the point a third of the way up its first glyph (white where there is
none: the page), and the contrast ratio is WCAG's, from the relative luminance of the
two sRGB colours.  Artifacts count too: a running header must be legible as well.
"""
import sys

import pikepdf

pdf_path = sys.argv[1]
name = pdf_path.rsplit("/", 1)[-1]
results = []
MIN_RATIO, MIN_SIZE = 4.5, 8.0


def out(ok, what):
    results.append(ok)
    print(("ok   " if ok else "FAIL ") + name + ": " + what)


def luminance(rgb):
    def lin(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(float(c)) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a, b):
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def mul(m, n):
    """m x n for PDF matrices [a b c d e f]."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F]


def apply(m, x, y):
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def colour(op, args):
    v = [float(a) for a in args]
    if op in ("g", "G"):
        return (v[0],) * 3
    if op in ("rg", "RG"):
        return tuple(v)
    c, m, y, k = v                          # k / K: naive CMYK, none is expected
    return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))


WHITE = (1.0, 1.0, 1.0)
worst = None            # (ratio, page, text colour, background, string)
smallest = None         # (size, page, string)
shown = 0
pdf = pikepdf.open(pdf_path)
for n, page in enumerate(pdf.pages, 1):
    ctm, fill = [1, 0, 0, 1, 0, 0], (0.0, 0.0, 0.0)
    stack = []
    areas = []          # (x0, y0, x1, y1, colour) in page space, in drawing order
    boxes = []          # the current path's boxes, in user space
    cur = None
    tm = tlm = [1, 0, 0, 1, 0, 0]
    size, leading, hscale = 0.0, 0.0, 1.0
    for operands, op in pikepdf.parse_content_stream(page):
        o = str(op)
        if o == "q":
            stack.append((ctm, fill))
        elif o == "Q":
            ctm, fill = stack.pop()
        elif o == "cm":
            ctm = mul([float(a) for a in operands], ctm)
        elif o in ("g", "rg", "k"):
            fill = colour(o, operands)
        elif o == "re":
            x, y, w, h = (float(a) for a in operands)
            boxes.append((x, y, x + w, y + h))
        elif o == "m":
            cur = [float(operands[0]), float(operands[1])] * 2
            boxes.append(cur)
        elif o in ("l", "c", "v", "y"):
            pts = [float(a) for a in operands]
            if cur is None:
                cur = pts[-2:] * 2
                boxes.append(cur)
            for i in range(0, len(pts), 2):
                cur[0], cur[1] = min(cur[0], pts[i]), min(cur[1], pts[i + 1])
                cur[2], cur[3] = max(cur[2], pts[i]), max(cur[3], pts[i + 1])
        elif o in ("f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "n"):
            if o not in ("S", "s", "n"):
                for x0, y0, x1, y1 in boxes:
                    xs, ys = zip(apply(ctm, x0, y0), apply(ctm, x1, y1))
                    areas.append((min(xs), min(ys), max(xs), max(ys), fill))
            boxes, cur = [], None
        elif o == "BT":
            tm = tlm = [1, 0, 0, 1, 0, 0]
        elif o == "Tf":
            size = float(operands[1])
        elif o == "TL":
            leading = float(operands[0])
        elif o == "Tz":
            hscale = float(operands[0]) / 100.0
        elif o == "Tm":
            tm = tlm = [float(a) for a in operands]
        elif o in ("Td", "TD"):
            tx, ty = float(operands[0]), float(operands[1])
            if o == "TD":
                leading = -ty
            tm = tlm = mul([1, 0, 0, 1, tx, ty], tlm)
        elif o in ("T*", "'", '"'):
            tm = tlm = mul([1, 0, 0, 1, 0, -leading], tlm)
        if o in ("Tj", "TJ", "'", '"'):
            arg = operands[-1]
            if o == "TJ":
                text = b"".join(bytes(a) for a in arg if isinstance(a, pikepdf.String))
            else:
                text = bytes(arg)
            if not text.strip(b" \x00"):
                continue
            m = mul(tm, ctm)
            eff = size * (m[2] ** 2 + m[3] ** 2) ** 0.5
            px, py = apply(m, 0.3, 0.3)         # a third of an em in and up: inside the first glyph
            bg = next((a[4] for a in reversed(areas) if a[0] <= px <= a[2] and a[1] <= py <= a[3]), WHITE)
            r = ratio(fill, bg)
            shown += 1
            label = text[:30].decode("latin-1")
            if worst is None or r < worst[0]:
                worst = (r, n, fill, bg, label)
            if smallest is None or eff < smallest[0]:
                smallest = (eff, n, label)
            # the text matrix does not move here: boardpack sets it for every string

out(shown > 0 and worst[0] >= MIN_RATIO,
    "every one of %d strings has a contrast of at least %.1f:1 against what it is drawn on "
    "(lowest %.2f:1, page %d: text %s on %s, %r)" % (shown, MIN_RATIO, worst[0], worst[1],
                                                   tuple(round(c, 3) for c in worst[2]),
                                                   tuple(round(c, 3) for c in worst[3]), worst[4])
    if worst else "no text")
out(shown > 0 and smallest[0] >= MIN_SIZE - 1e-3,
    "no text under %g pt (smallest %.2f pt, page %d: %r)" % (MIN_SIZE, smallest[0], smallest[1], smallest[2])
    if smallest else "no text")
sys.exit(0 if all(results) else 1)
