/* bp_pdf_nav: finding one's way in a document (see bp_pdf_internal.h) - the bookmarks and
 * contents entries of level-1 and level-2 headings, the link targets, and the contents
 * pages, laid out and inserted by bp_pdf_write where bp_pdf_contents was called.
 *
 * HPDF_Destination_SetXYZ (libharu 2.3.0) refuses a zoom of 0 ("keep the reader's zoom"),
 * so link and bookmark targets are written as arrays directly (bpi_destination). */
#include "bp_pdf_internal.h"
#include "bp_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- bookmarks and contents entries ---- */

bool bpi_add_entry(bp_pdf *p, int level, char *title, size_t page, float y)
{
    bpi_entry *e = bp_grow(p->entries, &p->cap_entries, p->nentries + 1, sizeof *e);
    if (!e) {
        bpi_fail(p, BP_ERR_NOMEM, "out of memory while recording a heading");
        return false;
    }
    p->entries = e;
    p->entries[p->nentries++] = (bpi_entry){level, title, page, y};
    return true;
}

/* A destination showing `page` from height y at the reader's current zoom:
 * [page /XYZ 0 y 0], where zoom 0 means "unchanged" (ISO 32000-1, 12.3.2.2).  libharu
 * 2.3.0's HPDF_Destination_SetXYZ refuses a zoom of 0, so the array is written here. */
HPDF_Destination bpi_destination(bp_pdf *p, HPDF_Page page, float y)
{
    HPDF_Destination d = HPDF_Page_CreateDestination(page);
    if (!d) return NULL;
    HPDF_Array_Clear(d);
    HPDF_STATUS st = HPDF_Array_Add(d, page);
    if (st == HPDF_OK) st = HPDF_Array_AddName(d, "XYZ");
    if (st == HPDF_OK) st = HPDF_Array_AddReal(d, 0.0f);
    if (st == HPDF_OK) st = HPDF_Array_AddReal(d, y);
    if (st == HPDF_OK) st = HPDF_Array_AddReal(d, 0.0f);
    if (st != HPDF_OK) {
        bpi_fail(p, BP_ERR_RENDER, "could not make a link target (libharu error 0x%04X)",
                 (unsigned)st);
        return NULL;
    }
    return d;
}

void bpi_add_bookmark(bp_pdf *p, int level, const char *title, HPDF_Page page, float y)
{
    /* level 2 nests under the last level 1; NULL parent means the outline root */
    HPDF_Outline parent = level == 2 ? p->last_top : NULL;
    HPDF_Outline o = HPDF_CreateOutline(p->doc, parent, title,
                                        bpi_is_ascii(title) ? NULL : bpi_use_utf8(p));
    HPDF_Destination d = o ? bpi_destination(p, page, y) : NULL;
    if (!d) return;
    HPDF_Outline_SetDestination(o, d);
    if (level == 1) {
        HPDF_Outline_SetOpened(o, HPDF_TRUE);
        p->last_top = o;
    }
}

void bp_pdf_contents(bp_pdf *p)
{
    if (!bpi_ok(p) || p->has_contents) return;   /* one contents per document */
    p->has_contents = true;
    if (p->on_page && !p->page_used) {
        p->contents_at = bpi_page_index(p);     /* before the empty page, which stays open */
        return;
    }
    p->contents_at = p->npages;
    p->on_page = false;      /* what follows starts after the contents */
}

/* ---- contents (drawn by bp_pdf_write) ---- */

#define TOC_SIZE 10.0f
#define TOC_LEADING 14.0f
#define TOC_TITLE_H 40.0f
#define TOC_INDENT 16.0f
#define TOC_GAP 5.0f           /* above a level-1 entry */
#define TOC_MAX_LINES 3        /* a longer title ends in an ellipsis */
/* a contents a little over one page is set closer rather than leave a few lines alone on
 * a second page (an in-year pack's sub-sections); one that fits is set as above */
#define TOC_LEADING_CLOSE 12.0f
#define TOC_GAP_CLOSE 3.0f

typedef struct {
    size_t page;           /* which contents page */
    float top;
    size_t lines;
    float leading;
} toc_place;

static float toc_number_width(const bp_pdf *p)
{
    return bpi_width(p, false, TOC_SIZE, "0000", 4) + 10.0f;
}

static float toc_text_width(const bp_pdf *p, const bpi_entry *e)
{
    float indent = e->level == 1 ? 0.0f : TOC_INDENT;
    return bpi_page_width(false) - 2.0f * BPI_MARGIN_SIDE - indent - toc_number_width(p);
}

/* Places every entry on the contents pages, lines `leading` apart and `gap` above a
 * level-1 entry; returns how many pages they take. */
static size_t toc_layout(const bp_pdf *p, toc_place *place, float leading, float gap1)
{
    float top = bpi_content_top(false), y = top - TOC_TITLE_H;
    size_t page = 0;
    bool first = true;
    for (size_t i = 0; i < p->nentries; i++) {
        const bpi_entry *e = &p->entries[i];
        size_t lines = bpi_count_lines(p, e->level == 1, TOC_SIZE, toc_text_width(p, e), e->title);
        if (lines == 0) lines = 1;
        if (lines > TOC_MAX_LINES) lines = TOC_MAX_LINES;
        float gap = e->level == 1 && !first ? gap1 : 0.0f;
        if (y - gap - (float)lines * leading < bpi_bottom()) {
            page++;
            y = top;
            gap = 0.0f;
        }
        y -= gap;
        place[i] = (toc_place){page, y, lines, leading};
        y -= (float)lines * leading;
        first = false;
    }
    return page + 1;
}

/* The dotted leader from the end of a title to its page number. */
static void leader(HPDF_Page pg, float x0, float x1, float y)
{
    if (x1 - x0 < 6.0f) return;
    static const HPDF_UINT16 dots[2] = {1, 3};
    bpi_dash(pg, dots, 2);
    bpi_rule(pg, x0, x1, y, 0.7f, 0.45f);
    bpi_dash(pg, NULL, 0);
}

/* "Title, page 12": what a contents entry's link says; NULL on failure (recorded). */
static char *join_entry(bp_pdf *p, const char *title, const char *num)
{
    size_t n = strlen(title) + strlen(num) + 8;
    char *s = malloc(n);
    if (!s) {
        bpi_fail(p, BP_ERR_NOMEM, "out of memory while laying out the contents");
        return NULL;
    }
    snprintf(s, n, "%s, page %s", title, num);
    return s;
}

/* Draws one entry's title lines; returns the x where the last line ends. */
static float toc_title(bp_pdf *p, HPDF_Page pg, const bpi_entry *e, const toc_place *pl,
                       float x)
{
    bool bold = e->level == 1;
    float width = toc_text_width(p, e), end = x, y = pl->top;
    bpi_wrap w;
    bpi_line line;
    bpi_wrap_init(&w, p, bold, TOC_SIZE, width, e->title);
    for (size_t k = 0; k < pl->lines && bpi_wrap_next(&w, &line); k++) {
        float base = bpi_baseline(y, TOC_SIZE, pl->leading);
        if (k + 1 == pl->lines && !w.done) {
            /* the rest of a long title on its last line, shortened */
            bpi_text_fit(p, pg, bold, TOC_SIZE, BPI_INK, x, base, width, BP_PDF_LEFT, line.s);
            end = x + width;
        } else {
            bpi_text(p, pg, bold, TOC_SIZE, BPI_INK, x, base, line.s, line.len);
            end = x + line.width;
        }
        y -= pl->leading;
    }
    return end;
}

static void toc_entry(bp_pdf *p, HPDF_Page pg, size_t page, const bpi_entry *e,
                      const toc_place *pl)
{
    float left = bpi_left(), right = bpi_page_width(false) - BPI_MARGIN_SIDE;
    float x = left + (e->level == 1 ? 0.0f : TOC_INDENT);
    float end = toc_title(p, pg, e, pl, x);
    float last_top = pl->top - (float)(pl->lines - 1) * pl->leading;
    float base = bpi_baseline(last_top, TOC_SIZE, pl->leading);
    char num[24];
    snprintf(num, sizeof num, "%zu", e->page + 1);
    float nw = bpi_width(p, false, TOC_SIZE, num, strlen(num));
    bpi_text(p, pg, false, TOC_SIZE, BPI_INK, right - nw, base, num, strlen(num));
    /* the whole entry is the link: title and page number; the leader, drawn after them
     * so that the link's content is theirs alone, an artifact */
    HPDF_Rect r = {x - 2.0f, pl->top - (float)pl->lines * pl->leading, right, pl->top};
    char *text = join_entry(p, e->title, num);
    bpi_element *el = bpi_record(p, BP_PDF_ROLE_LINK, page, r.left, r.bottom, r.right, r.top,
                                 text, text ? strlen(text) : 0);
    size_t at = p->nels - 1;
    if (el) {
        el->level = e->level;
        el->target = e->page;
    }
    free(text);
    leader(pg, end + 4.0f, right - nw - 4.0f, base + 1.0f);
    if (right - nw - 4.0f - (end + 4.0f) >= 6.0f)
        bpi_artifact(p, page, end + 4.0f, base, right - nw - 4.0f, base + 2.0f, "leader", NULL, 0);
    HPDF_Destination d = bpi_destination(p, p->pages[e->page].page, e->y);
    HPDF_Annotation a = d ? HPDF_Page_CreateLinkAnnot(pg, r, d) : NULL;
    if (a) HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
    if (el && a) p->els[at].annot = a;
}

/* Adds n portrait pages before pages[contents_at] (or at the end) and shifts the page
 * indices of the entries past them. */
static bool insert_toc_pages(bp_pdf *p, size_t n)
{
    size_t at = p->contents_at;
    HPDF_Page before = at < p->npages ? p->pages[at].page : NULL;
    for (size_t k = 0; k < n; k++) {
        HPDF_Page pg = before ? HPDF_InsertPage(p->doc, before) : HPDF_AddPage(p->doc);
        if (!pg || !bpi_push_page(p, pg, false, false)) return false;
        bpi_set_a4(pg, false);
    }
    /* push_page appended them: rotate them into place */
    for (size_t k = 0; k < n; k++) {
        bpi_page tmp = p->pages[p->npages - n + k];
        memmove(&p->pages[at + k + 1], &p->pages[at + k],
                (p->npages - n + k - (at + k)) * sizeof tmp);
        p->pages[at + k] = tmp;
    }
    for (size_t i = 0; i < p->nentries; i++)
        if (p->entries[i].page >= at) p->entries[i].page += n;
    bpi_elements_shift(p, at, n);
    p->ntoc = n;
    return true;
}

void bpi_draw_contents(bp_pdf *p)
{
    toc_place *place = malloc((p->nentries ? p->nentries : 1) * sizeof *place);
    if (!place) {
        bpi_fail(p, BP_ERR_NOMEM, "out of memory while laying out the contents");
        return;
    }
    size_t n = toc_layout(p, place, TOC_LEADING, TOC_GAP);
    if (n == 2 && toc_layout(p, place, TOC_LEADING_CLOSE, TOC_GAP_CLOSE) != 1)
        n = toc_layout(p, place, TOC_LEADING, TOC_GAP);
    else if (n == 2)
        n = 1;
    if (insert_toc_pages(p, n)) {
        HPDF_Page first = p->pages[p->contents_at].page;
        float top = bpi_content_top(false);
        bpi_text(p, first, true, 16.0f, BPI_INK, bpi_left(), bpi_baseline(top, 16.0f, 20.0f),
                 "Contents", 8);
        bpi_element *el = bpi_record(p, BP_PDF_ROLE_HEADING, p->contents_at, bpi_left(),
                                     top - 20.0f, bpi_left() + bpi_width(p, true, 16.0f, "Contents", 8),
                                     top, "Contents", 8);
        if (el) el->level = 1;
        for (size_t i = 0; i < p->nentries && bpi_ok(p); i++) {
            size_t page = p->contents_at + place[i].page;
            toc_entry(p, p->pages[page].page, page, &p->entries[i], &place[i]);
        }
    }
    free(place);
}
