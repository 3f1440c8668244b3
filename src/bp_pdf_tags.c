/* bp_pdf_tags: the tagged PDF (PDF/UA-1, ISO 14289-1; docs/accessibility.md) - made of
 * the element list when the document is finished: every page's content marked, the
 * structure tree, the document's language, metadata and title, and ToUnicode maps for
 * the simple fonts.  bp_libs.c writes the objects; what is tagged how is decided here.
 *
 * Marked content.  Every drawing call records its element right after drawing it, so an
 * element's content is the bytes its page's stream gained since the element before it
 * on that page (bpi_record keeps the place).  Once everything is drawn, each page's
 * stream is rewritten with those ranges between BDC and EMC: a structure element's
 * content with its MCID (numbered in stream order on the page), an artifact's as
 * /Artifact of its kind.  Nothing is drawn outside a marked range: bytes after a page's
 * last element (none are drawn there today) are an artifact.  Wrapping changes no
 * graphics state, so the pages look exactly as before.
 *
 * The structure, in reading order under one Document element:
 *   heading             H1, H2, H3: its level, but never more than one below the heading
 *                       before it (a level-3 heading straight under a level-1 one - the
 *                       methodology's KPIs - is an H2: PDF/UA skips no level)
 *   paragraph           P
 *   status paragraphs   one L of consecutive items, each LI of Lbl (the mark's word) and
 *                       LBody (its text)
 *   table cells         Table of TR rows of TH (/Scope Column for the header row, Row for a
 *                       row-heading column) and TD; a header row repeated on a continued
 *                       page is a pagination artifact
 *   chart               Figure with /Alt (what it shows and every value) and its /BBox
 *   contents entries    TOC of TOCI, each a Reference of a Link: its text and its
 *                       annotation (OBJR)
 * A paragraph, heading, list item or cell continued over a page break is one element with
 * content on both pages.  A cell or item whose text has characters drawn as shapes (the
 * tick, the trend marks of the WinAnsi fonts) says them in /ActualText. */
#include "bp_pdf_internal.h"
#include "bp_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LANG "en-GB"
#define ALT_MAX 8000           /* bytes of a figure's /Alt: its values, never a novel */

/* ---- marked content ---- */

static bool structural(const bpi_element *e)
{
    return e->role != BP_PDF_ROLE_ARTIFACT
           && !(e->role == BP_PDF_ROLE_TABLE_HEADER && e->row == 0 && e->repeated);
}

/* The marked-content tag of an element's content: its structure type's name. */
static const char *mc_tag(const bpi_element *e)
{
    switch (e->role) {
    case BP_PDF_ROLE_HEADING: return e->h <= 1 ? "H1" : e->h == 2 ? "H2" : "H3";
    case BP_PDF_ROLE_PARAGRAPH: return "P";
    case BP_PDF_ROLE_LIST_ITEM: return "LBody";
    case BP_PDF_ROLE_TABLE_HEADER: return "TH";
    case BP_PDF_ROLE_TABLE_CELL: return "TD";
    case BP_PDF_ROLE_FIGURE: return "Figure";
    case BP_PDF_ROLE_LINK: return "Link";
    case BP_PDF_ROLE_ARTIFACT: break;
    }
    return "Artifact";
}

/* An artifact's properties: running header and footer are pagination artifacts of their
 * subtype, a repeated header row pagination, rules, leaders and decorations layout. */
static const char *artifact_open(const bp_pdf *p, const bpi_element *e)
{
    if (e->role != BP_PDF_ROLE_ARTIFACT) return "/Artifact <</Type /Pagination>> BDC";
    const char *kind = e->label == (size_t)-1 ? "" : p->el_text + e->label;
    if (e->band == 0 && strcmp(kind, "header") == 0)
        return "/Artifact <</Type /Pagination /Subtype /Header>> BDC";
    if (e->band == 2 && strcmp(kind, "rule") != 0)
        return "/Artifact <</Type /Pagination /Subtype /Footer>> BDC";
    return "/Artifact <</Type /Layout>> BDC";
}

static int by_stream(const void *a, const void *b)
{
    const bpi_element *x = *(const bpi_element *const *)a, *y = *(const bpi_element *const *)b;
    return x->mc_start < y->mc_start ? -1 : x->mc_start > y->mc_start;
}

/* The opening operator of a structure element's content, in buf (one per mark). */
static const char *mc_open(char *buf, size_t size, const char *tag, int mcid)
{
    snprintf(buf, size, "/%s <</MCID %d>> BDC", tag, mcid);
    return buf;
}

/* Marks page `pg`'s content: its elements els[0..n) (pointers, sorted here into stream
 * order), numbering their MCIDs.  False on failure (recorded). */
static bool mark_page(bp_pdf *p, size_t pg, bpi_element **els, size_t n)
{
    qsort(els, n, sizeof *els, by_stream);
    /* at most two marks per element (a list item's label and body) and the tail */
    bpi_mark *marks = malloc((2 * n + 1) * sizeof *marks);
    char *opens = malloc((2 * n + 1) * 40);
    if (!marks || !opens) {
        free(marks);
        free(opens);
        bpi_fail(p, BP_ERR_NOMEM, "out of memory while tagging the PDF");
        return false;
    }
    size_t nm = 0, end = 0;
    int mcid = 0;
    for (size_t i = 0; i < n; i++) {
        bpi_element *e = els[i];
        if (e->mc_end <= e->mc_start) continue;          /* it drew nothing */
        char *buf = opens + nm * 40;
        if (!structural(e)) {
            marks[nm++] = (bpi_mark){e->mc_start, e->mc_end, artifact_open(p, e)};
        } else if (e->role == BP_PDF_ROLE_LIST_ITEM && e->lbl_end > e->mc_start
                   && e->lbl_end < e->mc_end) {
            e->mcid_lbl = mcid;
            marks[nm++] = (bpi_mark){e->mc_start, e->lbl_end, mc_open(buf, 40, "Lbl", mcid++)};
            e->mcid = mcid;
            marks[nm++] = (bpi_mark){e->lbl_end, e->mc_end,
                                     mc_open(buf + 40, 40, "LBody", mcid++)};
        } else {
            e->mcid = mcid;
            marks[nm++] = (bpi_mark){e->mc_start, e->mc_end, mc_open(buf, 40, mc_tag(e), mcid++)};
        }
        end = e->mc_end;
    }
    size_t size = bpi_content_size(p->pages[pg].page);
    if (size > end) marks[nm++] = (bpi_mark){end, size, "/Artifact <</Type /Layout>> BDC"};
    bool ok = bpi_mark_content(p->pages[pg].page, marks, nm);
    free(marks);
    free(opens);
    if (!ok) bpi_fail(p, BP_ERR_RENDER, "could not mark the content of page %zu", pg + 1);
    return ok;
}

static bool mark_pages(bp_pdf *p)
{
    bpi_element **by_page = malloc((p->nels ? p->nels : 1) * sizeof *by_page);
    if (!by_page) {
        bpi_fail(p, BP_ERR_NOMEM, "out of memory while tagging the PDF");
        return false;
    }
    bool ok = true;
    size_t i = 0;
    for (size_t pg = 0; pg < p->npages && ok; pg++) {
        size_t n = 0;
        /* the list is in reading order: page by page */
        while (i < p->nels && p->els[i].page == pg) by_page[n++] = &p->els[i++];
        ok = mark_page(p, pg, by_page, n);
    }
    free(by_page);
    return ok;
}

/* ---- the structure tree ---- */

typedef enum { GROUP_NONE, GROUP_LIST, GROUP_TOC, GROUP_TABLE } group_kind;

typedef struct {
    bp_pdf *p;
    bpi_tags *t;
    bool ok;
    group_kind group;
    int group_elem;            /* the L, TOC or Table being filled */
    size_t table, row;         /* the table's id and the row of `tr` */
    int tr;
    int *cells;                /* the row's cells by column (-1 none) */
    size_t cap_cells;
    int last[BP_PDF_ROLE_ARTIFACT + 1];   /* the last element made of each role: what a
                                             continued element adds to (a list item's: its
                                             LBody) */
} builder;

static int elem(builder *b, int parent, const char *type)
{
    if (!b->ok) return -1;
    int e = bpi_tags_elem(b->t, parent, type);
    if (e < 0) b->ok = false;
    return e;
}

static void check(builder *b, bool ok)
{
    if (!ok) b->ok = false;
}

/* The element's marked content as the last child of structure element `se`. */
static void content(builder *b, int se, const bpi_element *e, int mcid)
{
    if (b->ok && se >= 0 && mcid >= 0)
        check(b, bpi_tags_content(b->t, se, b->p->pages[e->page].page, e->page, mcid));
}

/* What a reader says for text with characters drawn as shapes, which the content's
 * glyphs lack: the element's own text. */
static void actual_text(builder *b, int se, const bpi_element *e)
{
    /* a text the page shows abbreviated: said in words ("c" as "suppressed") */
    if (e->spoken != BPI_NO_TEXT) {
        if (b->ok) check(b, bpi_tags_text(b->t, se, "ActualText", b->p->el_text + e->spoken));
        return;
    }
    const char *text = b->p->el_text + e->text;
    bool shapes = strstr(text, "\xE2\x9C\x93") != NULL;          /* the tick: a path */
    if (b->p->fonts == BP_PDF_FONTS_WINANSI)
        for (const unsigned char *u = (const unsigned char *)text; *u && !shapes; u++) {
            uint32_t cp;
            if (*u == 0xE2 && bp_utf8_decode(u, 3, &cp) == 3 && bpi_drawn_mark(cp)) shapes = true;
        }
    if (shapes && b->ok) check(b, bpi_tags_text(b->t, se, "ActualText", text));
}

/* The group element (L, TOC, Table) to put the next item in: the open one of that kind,
 * else a new one. */
static int group(builder *b, group_kind kind, const char *type)
{
    if (b->group != kind) {
        b->group = kind;
        b->group_elem = elem(b, 0, type);
        b->table = 0;
        b->tr = -1;
    }
    return b->group_elem;
}

static void table_cell(builder *b, const bpi_element *e)
{
    if (b->group != GROUP_TABLE || b->table != e->table) {
        b->group = GROUP_NONE;
        group(b, GROUP_TABLE, "Table");
        b->table = e->table;
    }
    if (b->tr < 0 || b->row != e->row) {
        b->tr = elem(b, b->group_elem, "TR");
        b->row = e->row;
        for (size_t c = 0; c < b->cap_cells; c++) b->cells[c] = -1;
    }
    size_t had = b->cap_cells;
    int *cells = bp_grow(b->cells, &b->cap_cells, e->col + 1, sizeof *cells);
    if (!cells) {
        b->ok = false;
        return;
    }
    for (size_t c = had; c < b->cap_cells; c++) cells[c] = -1;
    b->cells = cells;
    int se = e->cont ? cells[e->col] : -1;
    if (se < 0) {
        bool head = e->role == BP_PDF_ROLE_TABLE_HEADER;
        se = elem(b, b->tr, head ? "TH" : "TD");
        if (head && b->ok)
            check(b, bpi_tags_scope(b->t, se, e->scope == BP_PDF_SCOPE_ROW ? "Row" : "Column"));
        cells[e->col] = se;
        if (se >= 0) actual_text(b, se, e);
    }
    content(b, se, e, e->mcid);
}

static void list_item(builder *b, const bpi_element *e)
{
    int body = e->cont ? b->last[BP_PDF_ROLE_LIST_ITEM] : -1;
    if (body < 0) {
        int li = elem(b, group(b, GROUP_LIST, "L"), "LI");
        if (e->mcid_lbl >= 0) content(b, elem(b, li, "Lbl"), e, e->mcid_lbl);
        body = elem(b, li, "LBody");
        b->last[BP_PDF_ROLE_LIST_ITEM] = body;
    }
    content(b, body, e, e->mcid);
}

static void link(builder *b, const bpi_element *e)
{
    /* a TOCI holds Lbl, Reference, NonStruct, P or TOC (ISO 32000-1 Table 333), not a Link:
     * the entry is a Reference to its section, made of the Link */
    int toci = elem(b, group(b, GROUP_TOC, "TOC"), "TOCI");
    int se = elem(b, elem(b, toci, "Reference"), "Link");
    content(b, se, e, e->mcid);
    if (e->annot && b->ok)
        check(b, bpi_tags_annot(b->t, se, e->annot, b->p->pages[e->page].page,
                                b->p->el_text + e->text));
}

static void figure(builder *b, const bpi_element *e)
{
    b->group = GROUP_NONE;
    int se = elem(b, 0, "Figure");
    if (se < 0) return;
    char *alt = strdup(b->p->el_text + e->text);
    if (!alt) {
        b->ok = false;
        return;
    }
    bpi_shorten(alt, ALT_MAX);
    check(b, bpi_tags_text(b->t, se, "Alt", *alt ? alt : "A chart"));
    free(alt);
    if (b->ok) check(b, bpi_tags_bbox(b->t, se, e->x0, e->y0, e->x1, e->y1));
    content(b, se, e, e->mcid);
}

/* A heading or paragraph: a new element, or the one it continues. */
static void block(builder *b, const bpi_element *e)
{
    int se = e->cont ? b->last[e->role] : -1;
    if (se < 0) {
        b->group = GROUP_NONE;
        se = elem(b, 0, mc_tag(e));
        b->last[e->role] = se;
    }
    content(b, se, e, e->mcid);
}

static bool build_tree(bp_pdf *p)
{
    HPDF_Page *pages = malloc((p->npages ? p->npages : 1) * sizeof *pages);
    builder b = {p, pages ? bpi_tags_new(p->doc, p->npages) : NULL, true, GROUP_NONE, -1, 0, 0,
                 -1, NULL, 0, {0}};
    if (!b.t) {
        free(pages);
        bpi_fail(p, BP_ERR_NOMEM, "out of memory while tagging the PDF");
        return false;
    }
    for (size_t i = 0; i <= BP_PDF_ROLE_ARTIFACT; i++) b.last[i] = -1;
    for (size_t i = 0; i < p->nels && b.ok; i++) {
        const bpi_element *e = &p->els[i];
        if (!structural(e)) continue;      /* artifacts do not end a list or table */
        switch (e->role) {
        case BP_PDF_ROLE_TABLE_HEADER:
        case BP_PDF_ROLE_TABLE_CELL: table_cell(&b, e); break;
        case BP_PDF_ROLE_LIST_ITEM: list_item(&b, e); break;
        case BP_PDF_ROLE_LINK: link(&b, e); break;
        case BP_PDF_ROLE_FIGURE: figure(&b, e); break;
        default: block(&b, e); break;
        }
    }
    for (size_t i = 0; i < p->npages; i++) pages[i] = p->pages[i].page;
    if (b.ok) b.ok = bpi_tags_finish(b.t, pages);
    /* its elements are written from it when the document is saved */
    if (b.ok) p->tags = b.t;
    else bpi_tags_free(b.t);
    free(b.cells);
    free(pages);
    if (!b.ok) bpi_fail(p, BP_ERR_RENDER, "could not write the PDF's structure tree");
    return b.ok;
}

/* ---- the document ---- */

/* Text with XML's five characters escaped, appended to buf (of size, at *len). */
static void xml_text(char *buf, size_t size, size_t *len, const char *s)
{
    for (; *s && *len + 7 < size; s++) {
        const char *esc = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;"
                        : *s == '"' ? "&quot;" : NULL;
        if (esc) {
            memcpy(buf + *len, esc, strlen(esc));
            *len += strlen(esc);
        } else {
            buf[(*len)++] = *s;
        }
    }
    buf[*len] = '\0';
}

/* The XMP packet: the title, the dates, the tools and the PDF/UA identifier. */
static bool metadata(bp_pdf *p)
{
    size_t size = 2048 + 6 * BPI_INFO_MAX, len = 0;
    char *x = malloc(size);
    char *title = p->doc_title ? strdup(p->doc_title) : strdup("");
    if (!x || !title) {
        free(x);
        free(title);
        bpi_fail(p, BP_ERR_NOMEM, "out of memory while tagging the PDF");
        return false;
    }
    bpi_shorten(title, BPI_INFO_MAX);
    len = (size_t)snprintf(x, size,
        "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
        "<rdf:Description rdf:about=\"\"\n"
        "  xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
        "  xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
        "  xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
        "  xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n"
        "<dc:format>application/pdf</dc:format>\n"
        "<dc:language><rdf:Bag><rdf:li>" LANG "</rdf:li></rdf:Bag></dc:language>\n"
        "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
    xml_text(x, size, &len, title);
    len += (size_t)snprintf(x + len, size - len,
        "</rdf:li></rdf:Alt></dc:title>\n"
        "<xmp:CreateDate>%s</xmp:CreateDate>\n"
        "<xmp:ModifyDate>%s</xmp:ModifyDate>\n"
        "<xmp:CreatorTool>boardpack</xmp:CreatorTool>\n"
        "<pdf:Producer>Haru Free PDF Library %s</pdf:Producer>\n"
        "<pdfuaid:part>1</pdfuaid:part>\n"
        "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
        "<?xpacket end=\"r\"?>\n", p->date, p->date, HPDF_GetVersion());
    free(title);
    bool ok = len < size && bpi_doc_tagged(p->doc, LANG, x, len);
    free(x);
    if (!ok) bpi_fail(p, BP_ERR_RENDER, "could not write the PDF's metadata");
    return ok;
}

/* The fonts' ToUnicode maps: for the simple fonts Windows-1252's code points of the bytes
 * drawn; for the Type0 fonts the identity (their codes are the code points), in place of
 * libharu's, which a ToUnicode map's syntax does not allow (bp_libs.h). */
static bool to_unicode(bp_pdf *p)
{
    if (p->fonts != BP_PDF_FONTS_WINANSI) {
        bool ok = bpi_font_tounicode_utf16(p->regular) && bpi_font_tounicode_utf16(p->bold)
                  && (!p->fallback || bpi_font_tounicode_utf16(p->fallback));
        if (!ok) bpi_fail(p, BP_ERR_RENDER, "could not write the fonts' ToUnicode maps");
        return ok;
    }
    unsigned long cp[256] = {0};
    for (unsigned b = 0x20; b < 256; b++) cp[b] = bpi_cp1252_cp(b);
    bool ok = bpi_font_tounicode(p->doc, p->regular, cp)
              && bpi_font_tounicode(p->doc, p->bold, cp);
    if (!ok) bpi_fail(p, BP_ERR_RENDER, "could not write the fonts' ToUnicode maps");
    return ok;
}

/* Each heading's structure level, in reading order. */
static void heading_levels(bp_pdf *p)
{
    int last = 0;
    for (size_t i = 0; i < p->nels; i++) {
        bpi_element *e = &p->els[i];
        if (e->role != BP_PDF_ROLE_HEADING) continue;
        int level = e->level < 1 ? 1 : e->level > 3 ? 3 : e->level;
        e->h = e->cont ? last : level > last + 1 ? last + 1 : level;
        last = e->h;
    }
}

void bpi_tag_document(bp_pdf *p)
{
    if (!bpi_ok(p)) return;
    heading_levels(p);
    if (metadata(p) && mark_pages(p) && build_tree(p)) to_unicode(p);
}
