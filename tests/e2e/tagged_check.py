"""The structure checks of a tagged pack (tests/e2e/tagged.sh, docs/accessibility.md).

Usage: tagged_check.py PDF ELEMENTS TMPDIR - ELEMENTS is the page layer's element dump
of the build that wrote it ($BOARDPACK_PDF_ELEMENTS, format in src/bp_pdf_elements.c; the
document of the PDF's title is read).  Prints
"ok   ..." or "FAIL ..." lines.  Reads the file with pikepdf and poppler (pdftotext,
pdfinfo -struct-text); nothing here comes from boardpack but the dump, which is only used
to say what the artifacts should read.
"""
import collections
import re
import subprocess
import sys

import pikepdf

pdf_path, dump_path, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
# "pet-board": the PET's board pack, whose expected roles and charts are known (below)
pet_board = sys.argv[4:5] == ["pet-board"]
name = pdf_path.rsplit("/", 1)[-1]
results = []


def out(ok, what):
    results.append(ok)
    print(("ok   " if ok else "FAIL ") + name + ": " + what)


def squeeze(s):
    return re.sub(r"\s+", "", s)


pdf = pikepdf.open(pdf_path)
root = pdf.Root

# ---- the document ----
out(open(pdf_path, "rb").read(9) == b"%PDF-1.7\n" and pdf.pdf_version == "1.7", "PDF 1.7 header")
out(root.get("/MarkInfo") is not None and bool(root.MarkInfo.get("/Marked")), "/MarkInfo /Marked true")
out(str(root.get("/Lang", "")) == "en-GB", "/Lang en-GB")
vp = root.get("/ViewerPreferences")
out(vp is not None and bool(vp.get("/DisplayDocTitle")), "/ViewerPreferences /DisplayDocTitle true")
xmp = bytes(root.Metadata.read_bytes()).decode("utf-8") if "/Metadata" in root else ""
title = str(pdf.docinfo.get("/Title", ""))
out("<pdfuaid:part>1</pdfuaid:part>" in xmp, "XMP metadata with pdfuaid:part 1")
m = re.search(r'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">(.*?)</rdf:li>', xmp, re.S)
xtitle = m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&") if m else None
out(bool(title) and xtitle == title, "XMP dc:title is the document title (%r)" % title)

# ---- what a pack does not hold, so that the Matterhorn checkpoints about it cannot fail
# (docs/accessibility.md): not encrypted (26-001, 26-002), no forms (25-001, 28-005,
# 28-010), no optional content (20-001..003), no embedded files (21-001, 28-016), no
# XObjects (30-001, 30-002), only link annotations (28-002, 28-004, 28-006, 28-007,
# 28-014..018), no role map (02-001..003), /Suspects not true (01-007) ----
out(not pdf.is_encrypted and "/AcroForm" not in root and "/OCProperties" not in root
    and "/EmbeddedFiles" not in root.get("/Names", {}) and "/RoleMap" not in root.get("/StructTreeRoot", {})
    and not bool(root.get("/MarkInfo", {}).get("/Suspects", False)),
    "no encryption, forms, optional content, embedded files or role map; /Suspects not true")
xobjects = sum(len(p.Resources.get("/XObject", {})) for p in pdf.pages)
subtypes = sorted({str(a.get("/Subtype")) for p in pdf.pages for a in p.get("/Annots", [])})
out(xobjects == 0 and subtypes in ([], ["/Link"]), "no XObjects (%d), annotations only links %s" % (xobjects, subtypes))

# ---- fonts ----
fonts, missing = 0, []
for page in pdf.pages:
    for fname, font in page.Resources.get("/Font", {}).items():
        fonts += 1
        if "/ToUnicode" not in font:
            missing.append(str(font.get("/BaseFont")))
out(fonts > 0 and not missing, "every font has ToUnicode %s" % (missing or ""))
# Matterhorn 10-001, 31-028, 31-029: every character code a page shows has a Unicode
# value in its font's ToUnicode map, and none is U+0000, U+FEFF or U+FFFE (the maps may
# cover codes never shown: an identity range of the Unicode fonts starts at 0)
def unicode_map(font):
    """code -> first UTF-16 unit, from the map's bfchar entries and bfrange runs."""
    cmap = bytes(font.ToUnicode.read_bytes()).decode("latin-1")
    chars, ranges = {}, []
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            chars[int(src, 16)] = int(dst[:4], 16)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            ranges.append((int(lo, 16), int(hi, 16), int(dst[:4], 16)))
    def look(code):
        if code in chars:
            return chars[code]
        return next((d + code - lo for lo, hi, d in ranges if lo <= code <= hi), None)
    return look


shown_codes = collections.defaultdict(set)     # font objgen -> codes shown
fonts_by_gen = {}
for page in pdf.pages:
    res = page.Resources.get("/Font", {})
    cur = None
    for operands, op in pikepdf.parse_content_stream(page):
        o = str(op)
        if o == "Tf":
            cur = res.get(str(operands[0]))
            if cur is not None:
                fonts_by_gen[cur.objgen] = cur
        elif o in ("Tj", "TJ", "'", '"') and cur is not None:
            arg = operands[-1]
            data = b"".join(bytes(a) for a in arg if isinstance(a, pikepdf.String)) if o == "TJ" else bytes(arg)
            if str(cur.get("/Subtype")) == "/Type0":
                codes = [data[k] << 8 | data[k + 1] for k in range(0, len(data) - 1, 2)]
            else:
                codes = list(data)
            shown_codes[cur.objgen].update(codes)
bad_uni, unmapped, checked = set(), set(), 0
for gen, codes in shown_codes.items():
    font = fonts_by_gen[gen]
    if "/ToUnicode" not in font:
        continue
    look = unicode_map(font)
    for code in codes:
        checked += 1
        u = look(code)
        if u is None:
            unmapped.add("%s %04X" % (font.get("/BaseFont"), code))
        elif u in (0, 0xFEFF, 0xFFFE):
            bad_uni.add("%s %04X" % (font.get("/BaseFont"), code))
out(checked > 0 and not unmapped and not bad_uni,
    "every code shown (%d, in %d fonts) maps to Unicode, none to U+0000, U+FEFF or U+FFFE %s"
    % (checked, len(shown_codes), sorted(unmapped | bad_uni)[:3]))

# ---- marked content ----
PAINT = {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do"}
TEXT = {"Tj", "TJ", "'", '"'}
page_mcids = []
untagged, dups = [], []
for n, page in enumerate(pdf.pages, 1):
    stack, seen = [], collections.Counter()
    for operands, op in pikepdf.parse_content_stream(page):
        o = str(op)
        if o in ("BDC", "BMC"):
            tag = str(operands[0])
            mcid = None
            if o == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                mcid = int(operands[1].MCID)
                seen[mcid] += 1
            # Matterhorn 01-003, 01-004: no artifact inside tagged content, nor the reverse
            if any(m is not None for t, m in stack) and tag == "/Artifact":
                untagged.append("page %d: an artifact inside tagged content" % n)
            if any(t == "/Artifact" for t, m in stack) and mcid is not None:
                untagged.append("page %d: tagged content inside an artifact" % n)
            stack.append((tag, mcid))
        elif o == "EMC":
            if stack:
                stack.pop()
            else:
                untagged.append("page %d: EMC without BDC" % n)
        elif o in PAINT:
            if not any(t == "/Artifact" or m is not None for t, m in stack):
                untagged.append("page %d: %s outside marked content" % (n, o))
    if stack:
        untagged.append("page %d: marked content left open" % n)
    dups += ["page %d MCID %d" % (n, k) for k, v in seen.items() if v > 1]
    page_mcids.append(set(seen))
out(not untagged, "no content outside marked content or artifacts, none of either inside the other %s" % untagged[:3])
out(not dups, "no MCID used twice on a page %s" % dups[:3])

# ---- the structure tree and the parent tree ----
str_root = root.get("/StructTreeRoot")
out(str_root is not None, "a /StructTreeRoot")
if str_root is None:
    sys.exit(1)
nums = {}
pt = str_root.ParentTree
def leaves(node):
    if "/Nums" in node:
        a = node.Nums
        for i in range(0, len(a), 2):
            nums[int(a[i])] = a[i + 1]
    for k in node.get("/Kids", []):
        leaves(k)
leaves(pt)
pages_by_obj = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
refs = collections.Counter()           # (page, mcid) -> times referenced by the tree
problems = []
headings = []                          # (level, text-less: filled from struct-text)
links = []


def page_of(d, elem):
    pg = d.get("/Pg") if isinstance(d, pikepdf.Dictionary) else None
    if pg is None:
        pg = elem.get("/Pg")
    return pages_by_obj.get(pg.objgen) if pg is not None else None


# the standard types boardpack writes (src/bp_pdf_tags.c): none of Note (Matterhorn 19-003,
# 19-004), Formula (17-002), Form (28-010), Annot (28-002) or H (14-006, 14-007)
ROLES = {"/Document", "/P", "/H1", "/H2", "/H3", "/L", "/LI", "/Lbl", "/LBody", "/Table", "/TR",
         "/TH", "/TD", "/Figure", "/TOC", "/TOCI", "/Reference", "/Link"}


def walk(elem, parent_type):
    s = str(elem.get("/S"))
    kids = elem.get("/K")
    if kids is None:
        kids = []
    elif not isinstance(kids, pikepdf.Array):
        kids = [kids]
    child_types = []
    has_objr = False
    for k in kids:
        if isinstance(k, int) or (isinstance(k, pikepdf.Object) and k._type_code == pikepdf.ObjectType.integer):
            pno = page_of(None, elem)
            refs[(pno, int(k))] += 1
            arr = nums.get(int(pdf.pages[pno].StructParents)) if pno is not None else None
            if arr is None or int(k) >= len(arr) or arr[int(k)].objgen != elem.objgen:
                problems.append("%s MCID %s of page %s: the parent tree does not name it" % (s, k, pno))
        elif isinstance(k, pikepdf.Dictionary) and str(k.get("/Type")) == "/MCR":
            pno = page_of(k, elem)
            refs[(pno, int(k.MCID))] += 1
        elif isinstance(k, pikepdf.Dictionary) and str(k.get("/Type")) == "/OBJR":
            has_objr = True
            annot = k.Obj
            sp = annot.get("/StructParent")
            if sp is None or nums.get(int(sp)) is None or nums[int(sp)].objgen != elem.objgen:
                problems.append("an annotation's /StructParent does not lead to its Link")
            if not str(annot.get("/Contents", "")):
                problems.append("a link annotation without /Contents")
            links.append(str(annot.get("/Contents", "")))
        elif isinstance(k, pikepdf.Dictionary):
            if k.get("/P") is None or k.P.objgen != elem.objgen:
                problems.append("%s: a child whose /P is not its parent" % s)
            child_types.append(str(k.get("/S")))
            walk(k, s)
    if re.fullmatch(r"/H[1-6]", s):
        headings.append(int(s[2]))
    if s == "/Table" and any(t != "/TR" for t in child_types):
        problems.append("a Table with children other than TR: %s" % child_types)
    if s == "/TR" and (not child_types or any(t not in ("/TH", "/TD") for t in child_types)):
        problems.append("a TR of %s" % child_types)
    if s == "/TH":
        a = elem.get("/A")
        if a is None or str(a.get("/Scope")) not in ("/Column", "/Row", "/Both"):
            problems.append("a TH without /Scope")
    if s == "/Figure" and not str(elem.get("/Alt", "")).strip():
        problems.append("a Figure without /Alt")
    if s == "/Link" and not has_objr:
        problems.append("a Link without its annotation (OBJR)")
    if s not in ROLES:
        problems.append("a structure type boardpack does not write: %s" % s)
    if s == "/TOC" and any(t not in ("/TOCI", "/TOC") for t in child_types):
        problems.append("a TOC of %s" % child_types)
    # ISO 32000-1 Table 333: a TOCI holds Lbl, Reference, NonStruct, P or TOC (09-006)
    if s == "/TOCI" and (not child_types or any(t not in ("/Lbl", "/Reference", "/NonStruct", "/P", "/TOC") for t in child_types)):
        problems.append("a TOCI of %s" % child_types)
    if s == "/L" and any(t != "/LI" for t in child_types):
        problems.append("an L with children other than LI")
    if s == "/LI" and (not child_types or any(t not in ("/Lbl", "/LBody") for t in child_types)):
        problems.append("an LI of %s" % child_types)


doc = str_root.K
out(str(doc.get("/S")) == "/Document", "the tree's root element is Document")
walk(doc, None)
out(not problems, "structure elements as PDF/UA has them %s" % sorted(set(problems))[:4])
on_pages = collections.Counter({(i, m): 1 for i, s in enumerate(page_mcids) for m in s})
out(refs == on_pages, "every MCID of every page referenced exactly once from the tree (%d)" % sum(on_pages.values()))
ptree_ok = all(
    "/StructParents" in p and len(nums.get(int(p.StructParents), [])) == (max(page_mcids[i]) + 1 if page_mcids[i] else 0)
    for i, p in enumerate(pdf.pages))
out(ptree_ok, "the parent tree has each page's MCIDs, no more")
out(bool(headings) and headings[0] == 1 and all(b <= a + 1 for a, b in zip(headings, headings[1:])),
    "headings start at H1 and skip no level (%d)" % len(headings))
annot_pages = [i for i, p in enumerate(pdf.pages) if "/Annots" in p]
out(all(str(pdf.pages[i].get("/Tabs")) == "/S" for i in annot_pages), "/Tabs /S on the %d pages with annotations" % len(annot_pages))
all_annots = [a for p in pdf.pages for a in p.get("/Annots", [])]
out(all("/StructParent" in a for a in all_annots), "every annotation has a /StructParent (%d)" % len(all_annots))

# ---- the reader's view: poppler's structure text ----
st = subprocess.run(["pdfinfo", "-struct-text", pdf_path], capture_output=True, text=True).stdout
struct_text, htexts, cur = [], [], None
for line in st.splitlines():
    m = re.match(r"^\s*(H[1-6]|[A-Za-z]+)\b.*$", line)
    q = re.match(r'^\s*"(.*)"$', line)
    if q:
        struct_text.append(q.group(1))
        if cur:
            htexts[-1] += q.group(1)
    elif m and not line.strip().startswith("/"):
        cur = m.group(1) in ("H1", "H2")
        if cur:
            htexts.append("")
outline = []
def titles(node):
    while node is not None:
        outline.append(str(node.get("/Title", "")))
        if "/First" in node:
            titles(node.First)
        node = node.get("/Next")
if "/Outlines" in root and "/First" in root.Outlines:
    titles(root.Outlines.First)
hs = [squeeze(h) for h in htexts]
it = iter(hs)
out(bool(outline) and all(squeeze(t) in it for t in outline),
    "the %d bookmarks are H1 and H2 headings of the same text, in order" % len(outline))
entries = [re.sub(r", page \d+$", "", c) for c in links]
out(entries == outline, "the contents entries' links say the bookmarks' titles")


def strip(keep_artifacts, path):
    """A copy whose text is only the artifacts' (keep_artifacts) or only the structure's."""
    p = pikepdf.open(pdf_path)
    for page in p.pages:
        ops, stack, new = pikepdf.parse_content_stream(page), [], []
        for operands, op in ops:
            o = str(op)
            if o in ("BDC", "BMC"):
                stack.append(str(operands[0]) == "/Artifact")
            elif o == "EMC" and stack:
                stack.pop()
            if o in TEXT and any(stack) != keep_artifacts:
                continue
            new.append((operands, op))
        page.Contents = p.make_stream(pikepdf.unparse_content_stream(new))
    p.save(path)


def text_of(path):
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", path, "-"], capture_output=True,
                          text=True).stdout


strip(False, tmp + "/content.pdf")
seen_text = squeeze(text_of(tmp + "/content.pdf"))
read_text = squeeze("".join(struct_text))
if seen_text == read_text:
    out(True, "pdfinfo -struct-text reads what pdftotext finds outside artifacts, in the same order (%d characters)" % len(read_text))
else:
    i = next((k for k in range(min(len(seen_text), len(read_text))) if seen_text[k] != read_text[k]), min(len(seen_text), len(read_text)))
    out(False, "structure text and page text differ at character %d: page %r / structure %r" % (i, seen_text[i:i + 50], read_text[i:i + 50]))

# the artifacts say what the page layer drew as artifacts: running header, footer, page
# numbers, repeated table headers - nothing else of the content
strip(True, tmp + "/artifacts.pdf")
got = collections.Counter(squeeze(text_of(tmp + "/artifacts.pdf")))
want = collections.Counter()
# the dump's part for this document: the one whose pack title the document's title starts
# with ("Board of Trustees" of "Board of Trustees, The PET, 12 December 2023"), the longest
docs = [l.split("\t")[1] for l in open(dump_path, encoding="utf-8") if l.startswith("document\t")]
match = max((d for d in docs if title == d or title.startswith(d + ", ")), key=len, default=None)
mine = False
for line in open(dump_path, encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    if f[0] == "document":
        mine = f[1] == match
    if mine and f[0] == "element" and (f[2] == "artifact" or (f[2] == "table_header" and f[10] == "0" and f[12] == "1")):
        want.update(squeeze(f[15].replace("\\n", " ").replace("\\t", " ").replace("\\\\", "\\")))
out(got == want, "the artifacts' text is the running header, footer, page numbers and repeated headers (%d characters)%s"
    % (sum(want.values()), "" if got == want else ": %r more, %r fewer" % (dict(got - want), dict(want - got))))



# ---- the PET's board pack: each Figure's Alt has every plotted value as the tables print it ----
def struct_tree(text):
    """pdfinfo -struct-text's indented listing as a tree: [role, text, kids]."""
    top = ["Root", "", []]
    stack = [(-1, top)]
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip(" "))
        body = line.strip()
        q = re.match(r'^"(.*)"$', body)
        if q:
            stack[-1][1][1] += q.group(1)
            continue
        if not body or body.startswith("/"):
            continue
        node = [re.match(r"[A-Za-z0-9]+", body).group(0), "", []]
        while stack[-1][0] >= depth:
            stack.pop()
        stack[-1][1][2].append(node)
        stack.append((depth, node))
    return top


def all_text(node):
    return node[1] + "".join(all_text(k) for k in node[2])


def find(node, role, into):
    if node[0] == role:
        into.append(node)
    for k in node[2]:
        find(k, role, into)
    return into


# a figure as the tables print it: "£1,974,033", "(£72,519)", "0.5%", "-1.1%", "17.2"
VALUE = re.compile(r"\(?-?£?\d[\d,]*(?:\.\d+)?%?\)?")


def figure_checks():
    tree = struct_tree(st)
    tables = [[[all_text(c) for c in tr[2] if c[0] in ("TH", "TD")] for tr in find(t, "TR", [])]
              for t in find(tree, "Table", [])]
    def table_with(first_row):
        return next((t for t in tables if t and first_row(t[0])), None)
    def row(table, label):
        return next((r for r in (table or []) if r and squeeze(r[0]) == squeeze(label)), None)
    score = table_with(lambda h: h[0] == "KPI" and "Trust" in h)
    keyfig = table_with(lambda h: len(h) >= 3 and re.fullmatch(r"\d{4}/\d{2}", h[1]) and re.fullmatch(r"\d{4}/\d{2}", h[2]))
    summary = table_with(lambda h: h[:2] == ["Institution", "Income"])
    out(score is not None and keyfig is not None and summary is not None,
        "the scorecard, the key figures and the finance summary found in the structure")
    if score is None or keyfig is None or summary is None:
        return
    year, before = keyfig[0][1], keyfig[0][2]       # the report year and the year before
    cols = score[0]
    def score_values(label, col):
        r = row(score, label)
        return VALUE.findall(r[cols.index(col)]) if r and col in cols else []
    def by_year(label):
        """The scorecard's trust cell (this year, then the year before) and the key figures' row."""
        want = []
        v = score_values(label, "Trust")
        if len(v) >= 2:
            want += ["%s %s" % (year, v[0]), "%s %s" % (before, v[1])]
        return want
    alts = []
    def walk_fig(e):
        if str(e.get("/S")) == "/Figure":
            alts.append(str(e.get("/Alt", "")))
        k = e.get("/K", [])
        for x in (k if isinstance(k, pikepdf.Array) else [k]):
            if isinstance(x, pikepdf.Dictionary) and "/S" in x:
                walk_fig(x)
    walk_fig(doc)
    out(len(alts) == 3, "the PET board pack has its three charts (%d Figures)" % len(alts))
    for alt in alts:
        want = []
        if alt.startswith("Bar chart of the in-year result as a share of income, consolidated trust, by year"):
            want = by_year("In-year surplus as a share of income")
            cons = row(summary, "Consolidated trust")
            want += ["%s %s" % (year, cons[-1])] if cons else ["(no consolidated row)"]
        elif alt.startswith("Bar chart of Staff costs as a share of income in %s" % year):
            for col in cols[2:]:
                v = score_values("Staff costs as a share of income", col)
                want.append("%s %s" % (col, v[0]) if v else "%s (no value)" % col)
            k = row(keyfig, "Staff costs as a share of income")
            want += ["Trust %s" % k[1]] if k else ["(no key figure)"]
        elif alt.startswith("Bar chart of the revenue reserves, consolidated trust, by year"):
            want = by_year("Revenue reserves")
            k = row(keyfig, "Revenue reserves")
            want += ["%s %s" % (year, k[1]), "%s %s" % (before, k[2])] if k else ["(no key figure)"]
        missing = [w for w in want if w not in alt]
        out(len(want) >= 3 and not missing, "the Figure %r... has the tables' values %s%s"
            % (alt[:50], want, " - missing %s" % missing if missing else ""))


if pet_board:
    figure_checks()

sys.exit(0 if all(results) else 1)
