/* bp_pdf_elements: the element list of a document (see bp_pdf.h) - what each drawing call
 * drew, with its role, page, box and text, for a tagged PDF to be made of (issue #15) and
 * for tests to read the layout from.
 *
 * The texts live in one growing buffer, the elements hold offsets into it: a pack records
 * a few thousand elements, and one allocation per table cell would cost more than the
 * drawing.  Elements are recorded in drawing order; the running header and footer and
 * the contents pages are drawn last, so bpi_elements_order sorts them into reading order
 * (page, then header - content - footer, then drawing order) when the document is done.
 *
 * The dump, one line per page and per element, fields separated by a TAB:
 *   document  TITLE  PAGES
 *   page  N  portrait|landscape  cover|contents|body  TOP  BOTTOM  LEFT  RIGHT
 *   element  PAGE  ROLE  LEVEL  SCOPE  X0  Y0  X1  Y1  TABLE  ROW  COL  REPEATED  TARGET
 *            LABEL  TEXT
 * pages from 1, coordinates in points from the lower left (TOP..BOTTOM the text area),
 * ROLE heading, paragraph, list_item, table_header, table_cell, figure, link or artifact,
 * SCOPE - , column or row, REPEATED 0 or 1, TARGET a link's page (from 1, else 0); in
 * TEXT and LABEL a backslash, TAB and line break are written \\, \t and \n. */
#include "bp_pdf_internal.h"
#include "bp_util.h"

#include <stdlib.h>
#include <string.h>


/* Copies len bytes into the text buffer; the offset, or BPI_NO_TEXT on failure. */
static size_t keep(bp_pdf *p, const char *s, size_t len)
{
    char *buf = bp_grow(p->el_text, &p->cap_el_text, p->el_text_len + len + 1, 1);
    if (!buf) {
        bpi_fail(p, BP_ERR_NOMEM, "out of memory while recording the page's elements");
        return BPI_NO_TEXT;
    }
    p->el_text = buf;
    size_t at = p->el_text_len;
    if (len) memcpy(buf + at, s, len);
    buf[at + len] = '\0';
    p->el_text_len += len + 1;
    return at;
}

bpi_element *bpi_record(bp_pdf *p, bp_pdf_role role, size_t page, float x0, float y0,
                        float x1, float y1, const char *text, size_t len)
{
    if (!bpi_ok(p)) return NULL;
    size_t t = keep(p, text ? text : "", text ? len : 0);
    if (t == BPI_NO_TEXT) return NULL;
    bpi_element *els = bp_grow(p->els, &p->cap_els, p->nels + 1, sizeof *els);
    if (!els) {
        bpi_fail(p, BP_ERR_NOMEM, "out of memory while recording the page's elements");
        return NULL;
    }
    p->els = els;
    bpi_element *e = &els[p->nels];
    memset(e, 0, sizeof *e);
    e->role = role;
    e->page = page;
    e->band = 1;
    e->seq = p->nels++;
    e->x0 = x0 < x1 ? x0 : x1;
    e->x1 = x0 < x1 ? x1 : x0;
    e->y0 = y0 < y1 ? y0 : y1;
    e->y1 = y0 < y1 ? y1 : y0;
    e->text = t;
    e->label = e->spoken = BPI_NO_TEXT;
    /* its content: what its page's stream gained since the last element there */
    if (page < p->npages) {
        bpi_page *pg = &p->pages[page];
        e->mc_start = pg->cut;
        e->mc_end = pg->cut = bpi_content_size(pg->page);
    }
    e->mcid = e->mcid_lbl = -1;
    return e;
}

void bpi_record_label(bp_pdf *p, const bpi_element *e, const char *label)
{
    if (!e) return;
    /* the buffer may move: find the element again by its place */
    size_t i = (size_t)(e - p->els);
    size_t at = keep(p, label, strlen(label));
    if (at != BPI_NO_TEXT) p->els[i].label = at;
}

void bpi_record_spoken(bp_pdf *p, const bpi_element *e, const char *spoken)
{
    if (!e) return;
    size_t i = (size_t)(e - p->els);
    size_t at = keep(p, spoken, strlen(spoken));
    if (at != BPI_NO_TEXT) p->els[i].spoken = at;
}

bpi_element *bpi_artifact(bp_pdf *p, size_t page, float x0, float y0, float x1, float y1,
                          const char *kind, const char *text, size_t len)
{
    bpi_element *e = bpi_record(p, BP_PDF_ROLE_ARTIFACT, page, x0, y0, x1, y1, text, len);
    if (!e) return NULL;
    size_t i = (size_t)(e - p->els);
    bpi_record_label(p, e, kind);
    return &p->els[i];
}

void bpi_elements_shift(bp_pdf *p, size_t at, size_t n)
{
    for (size_t i = 0; i < p->nels; i++) {
        if (p->els[i].page >= at) p->els[i].page += n;
        if (p->els[i].role == BP_PDF_ROLE_LINK && p->els[i].target >= at) p->els[i].target += n;
    }
}

static int by_reading(const void *a, const void *b)
{
    const bpi_element *x = a, *y = b;
    if (x->page != y->page) return x->page < y->page ? -1 : 1;
    if (x->band != y->band) return x->band < y->band ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void bpi_elements_order(bp_pdf *p)
{
    if (p->nels > 1) qsort(p->els, p->nels, sizeof *p->els, by_reading);
    for (size_t i = 0; i < p->nels; i++) p->els[i].seq = i;
}

size_t bp_pdf_element_count(const bp_pdf *p)
{
    return p ? p->nels : 0;
}

bool bp_pdf_element_get(const bp_pdf *p, size_t i, bp_pdf_element *out)
{
    if (!p || i >= p->nels) return false;
    const bpi_element *e = &p->els[i];
    *out = (bp_pdf_element){
        .role = e->role, .level = e->level, .scope = e->scope, .page = e->page,
        .x0 = e->x0, .y0 = e->y0, .x1 = e->x1, .y1 = e->y1,
        .text = p->el_text + e->text,
        .label = e->label == BPI_NO_TEXT ? "" : p->el_text + e->label,
        .table = e->table, .row = e->row, .col = e->col, .repeated = e->repeated,
        .target = e->target,
    };
    return true;
}

static const char *role_name(bp_pdf_role r)
{
    switch (r) {
    case BP_PDF_ROLE_HEADING: return "heading";
    case BP_PDF_ROLE_PARAGRAPH: return "paragraph";
    case BP_PDF_ROLE_LIST_ITEM: return "list_item";
    case BP_PDF_ROLE_TABLE_HEADER: return "table_header";
    case BP_PDF_ROLE_TABLE_CELL: return "table_cell";
    case BP_PDF_ROLE_FIGURE: return "figure";
    case BP_PDF_ROLE_LINK: return "link";
    case BP_PDF_ROLE_ARTIFACT: break;
    }
    return "artifact";
}

static void escaped(FILE *fp, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\') fputs("\\\\", fp);
        else if (*s == '\t') fputs("\\t", fp);
        else if (*s == '\n') fputs("\\n", fp);
        else fputc(*s, fp);
    }
}

void bp_pdf_elements_dump(const bp_pdf *p, FILE *fp)
{
    if (!p || !fp) return;
    fputs("document\t", fp);
    escaped(fp, p->title ? p->title : "");
    fprintf(fp, "\t%zu\n", p->npages);
    for (size_t i = 0; i < p->npages; i++) {
        bool land = p->pages[i].landscape;
        bool toc = p->ntoc && i >= p->contents_at && i < p->contents_at + p->ntoc;
        fprintf(fp, "page\t%zu\t%s\t%s\t%.1f\t%.1f\t%.1f\t%.1f\n", i + 1,
                land ? "landscape" : "portrait",
                p->pages[i].cover ? "cover" : toc ? "contents" : "body",
                (double)bpi_content_top(land), (double)bpi_bottom(), (double)bpi_left(),
                (double)(bpi_page_width(land) - BPI_MARGIN_SIDE));
    }
    static const char *const scope[] = {"-", "column", "row"};
    for (size_t i = 0; i < p->nels; i++) {
        bp_pdf_element e;
        bp_pdf_element_get(p, i, &e);
        fprintf(fp, "element\t%zu\t%s\t%d\t%s\t%.1f\t%.1f\t%.1f\t%.1f\t%zu\t%zu\t%zu\t%d\t%zu\t",
                e.page + 1, role_name(e.role), e.level, scope[e.scope], (double)e.x0,
                (double)e.y0, (double)e.x1, (double)e.y1, e.table, e.row, e.col,
                e.repeated ? 1 : 0, e.role == BP_PDF_ROLE_LINK ? e.target + 1 : 0);
        escaped(fp, e.label);
        fputc('\t', fp);
        escaped(fp, e.text);
        fputc('\n', fp);
    }
}
