/* bp_pdf_block: the flow's text blocks and its layout rules (see bp_pdf.h) - paragraphs,
 * status paragraphs, headings, sections, and the room left.
 *
 * A heading is not drawn when it is called for but with what follows it (bpi_keep): the
 * next drawing call says how much room its first lines, rows or figure need, and the
 * headings waiting go to a new page with it unless both fit here - so that no heading is
 * ever the last thing on a page, whatever the caller draws next.  Sections flow on from
 * one another (bp_pdf_section) unless the caller or the orientation forces a page: the
 * packs' sections are often a table of a few rows, and a page each left most of the
 * paper blank. */
#include "bp_pdf_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KEEP_LINES 2          /* a heading is kept with this many lines of a paragraph */
#define SHORT_LINES 3         /* a paragraph of no more lines is not broken */
#define MARK_SIZE 8.0f        /* no text under 8 pt (docs/accessibility.md) */
#define MARK_HEIGHT 11.0f

/* ---- headings' sizes ---- */

typedef struct {
    float size, above, below;
} heading_style;

static heading_style heading_of(int level)
{
    if (level == 1) return (heading_style){16.0f, 16.0f, 7.0f};
    if (level == 2) return (heading_style){12.0f, 11.0f, 5.0f};
    return (heading_style){10.0f, 7.0f, 3.0f};
}

static bpi_text_style heading_text(int level)
{
    heading_style hs = heading_of(level);
    return (bpi_text_style){true, hs.size, hs.size * 1.25f, 0.0f};
}

/* The height a waiting heading takes, its space above and below included. */
static float heading_height(const bp_pdf *p, const bpi_heading *h)
{
    heading_style hs = heading_of(h->level);
    bpi_text_style st = heading_text(h->level);
    size_t lines = bpi_count_lines(p, true, st.size, bp_pdf_width(p), h->text);
    return hs.above + (float)lines * st.leading + hs.below;
}

static float pending_height(const bp_pdf *p)
{
    float h = p->pending_space;
    for (size_t i = 0; i < p->npending; i++) h += heading_height(p, &p->pending[i]);
    return h;
}

/* ---- the flow ---- */

float bp_pdf_room(const bp_pdf *p)
{
    if (!p) return 0.0f;
    float room = bpi_room(p) - pending_height(p);
    return room > 0.0f ? room : 0.0f;
}

void bp_pdf_need(bp_pdf *p, float height)
{
    if (p && p->npending)
        bpi_keep(p, height);
    else
        bpi_need(p, height);
}

void bp_pdf_space(bp_pdf *p, float height)
{
    /* below waiting headings, space waits with them */
    if (p && p->npending) {
        if (height > 0.0f) p->pending_space += height;
        return;
    }
    bpi_space(p, height);
}

void bp_pdf_page(bp_pdf *p, bool landscape)
{
    if (!bpi_ok(p)) return;
    p->landscape = landscape;
    bpi_fresh_page(p, false);      /* headings waiting are drawn at the top of it */
}

void bp_pdf_section(bp_pdf *p, bool landscape, bool new_page)
{
    if (!bpi_ok(p)) return;
    if (new_page || !p->on_page || landscape != p->landscape) bp_pdf_page(p, landscape);
}

/* One element per page of a block of text: its lines from `from` to `to`. */
typedef struct {
    size_t page;
    const char *from, *to;
    float top, bottom, x0, x1;
} block_part;

static void record_part(bp_pdf *p, const block_part *b, bp_pdf_role role, int level,
                        bool cont)
{
    if (!b->from) return;
    bpi_element *e = bpi_record(p, role, b->page, b->x0, b->bottom, b->x1, b->top, b->from,
                                (size_t)(b->to - b->from));
    if (e) {
        e->level = level;
        e->cont = cont;
    }
}

void bpi_flow(bp_pdf *p, bpi_text_style st, float ink, float indent, bp_pdf_align align,
              const char *text, bp_pdf_role role, int level)
{
    float width = bp_pdf_width(p) - indent;
    bpi_wrap w;
    bpi_line line;
    block_part part = {SIZE_MAX, NULL, NULL, 0, 0, 0, 0};
    size_t parts = 0;
    bpi_wrap_init(&w, p, st.bold, st.size, width, text);
    while (bpi_wrap_next(&w, &line)) {
        bpi_need(p, st.leading);
        HPDF_Page pg = bpi_page_here(p);
        if (!pg) return;
        float x = bpi_left() + indent + bpi_align_offset(align, width, line.width);
        size_t page = bpi_page_index(p);
        if (page != part.page) {
            if (part.from) record_part(p, &part, role, level, parts++ > 0);
            part = (block_part){page, line.s, line.s, p->y, p->y, x, x};
        }
        bpi_text(p, pg, st.bold, st.size, ink, x, bpi_baseline(p->y, st.size, st.leading),
                 line.s, line.len);
        p->y -= st.leading;
        part.to = line.s + line.len;
        part.bottom = p->y;
        if (x < part.x0) part.x0 = x;
        if (x + line.width > part.x1) part.x1 = x + line.width;
    }
    record_part(p, &part, role, level, parts > 0);
}

/* Draws a heading now, at the flow position (space above it dropped at the top of a
 * page): its bookmark and contents entry for levels 1 and 2.  Takes t. */
static void draw_heading(bp_pdf *p, int level, char *t)
{
    heading_style hs = heading_of(level);
    bpi_space(p, hs.above);
    HPDF_Page pg = bpi_page_here(p);
    if (!pg) {
        free(t);
        return;
    }
    size_t page = bpi_page_index(p);
    float top = p->y;
    bpi_flow(p, heading_text(level), BPI_INK, 0.0f, BP_PDF_LEFT, t, BP_PDF_ROLE_HEADING, level);
    bpi_space(p, hs.below);
    if (level > 2) {
        free(t);
        return;
    }
    /* the view opens a little above the heading so that it is not at the very edge */
    float y = top + 8.0f;
    float ceiling = bpi_page_height(p->pages[page].landscape);
    if (y > ceiling) y = ceiling;
    bpi_shorten(t, BPI_INFO_MAX);          /* for the bookmark and the contents, not the page */
    bpi_add_bookmark(p, level, t, pg, y);
    if (!bpi_add_entry(p, level, t, page, y)) free(t);
}

void bpi_keep(bp_pdf *p, float need)
{
    if (!p->npending) return;
    size_t n = p->npending;
    bpi_heading waiting[sizeof p->pending / sizeof *p->pending];
    memcpy(waiting, p->pending, n * sizeof *waiting);
    float total = pending_height(p) + (need > 0.0f ? need : 0.0f);
    float space = p->pending_space;
    p->npending = 0;
    p->pending_space = 0.0f;
    if (!bpi_ok(p)) {
        for (size_t i = 0; i < n; i++) free(waiting[i].text);
        return;
    }
    /* more than a fresh page holds cannot be kept together: the headings then start a
     * page of their own, the rest follows them over the break */
    float page = bpi_content_top(p->landscape) - bpi_bottom();
    bpi_need(p, total < page ? total : page);
    for (size_t i = 0; i < n; i++) draw_heading(p, waiting[i].level, waiting[i].text);
    bpi_space(p, space);
}

void bp_pdf_heading(bp_pdf *p, int level, const char *text, bool new_page)
{
    if (!bpi_ok(p)) return;
    char *t = bpi_clean(p, text);
    if (!t) return;
    level = level < 1 ? 1 : level > 3 ? 3 : level;
    if (level <= 1 && new_page) bpi_fresh_page(p, false);
    if (p->npending == sizeof p->pending / sizeof *p->pending) bpi_keep(p, 0.0f);
    p->pending[p->npending++] = (bpi_heading){level, t};
}

/* ---- paragraphs ---- */

/* Keeps an indent within the page so that at least an inch remains for the text. */
static float clamp_indent(const bp_pdf *p, float indent)
{
    float max = bp_pdf_width(p) - 72.0f;
    return indent < 0.0f ? 0.0f : indent > max ? max : indent;
}

/* The height of a block's first lines, for a heading to be kept with. */
static float first_lines(const bp_pdf *p, bpi_text_style st, float width, const char *text)
{
    if (!p->npending) return 0.0f;
    size_t n = bpi_count_lines(p, st.bold, st.size, width, text);
    if (n > KEEP_LINES) n = KEEP_LINES;
    return (float)(n ? n : 1) * st.leading;
}

void bp_pdf_paragraph_indent(bp_pdf *p, bp_pdf_style style, float indent, const char *utf8)
{
    if (!bpi_ok(p)) return;
    char *text = bpi_clean(p, utf8);
    if (!text) return;
    bpi_text_style st = bpi_style_of(style);
    indent = clamp_indent(p, indent);
    /* a paragraph of a few lines is kept whole, a longer one starts with two lines: no
     * line of a note left alone over a break; a heading before it is kept with as much */
    size_t n = bpi_count_lines(p, st.bold, st.size, bp_pdf_width(p) - indent, text);
    float first = (float)(n <= SHORT_LINES ? n : KEEP_LINES) * st.leading;
    bpi_keep(p, first);
    bpi_need(p, first);
    bpi_flow(p, st, BPI_INK, indent, BP_PDF_LEFT, text, BP_PDF_ROLE_PARAGRAPH, 0);
    bp_pdf_space(p, st.after);
    free(text);
}

void bp_pdf_paragraph(bp_pdf *p, bp_pdf_style style, const char *utf8)
{
    bp_pdf_paragraph_indent(p, style, 0.0f, utf8);
}

float bp_pdf_text_width(bp_pdf *p, bp_pdf_style style, const char *utf8)
{
    if (!bpi_ok(p)) return 0.0f;
    char *text = bpi_clean(p, utf8);
    if (!text) return 0.0f;
    bpi_text_style st = bpi_style_of(style);
    float widest = 0.0f;
    for (const char *s = text;;) {           /* the widest of its lines */
        size_t n = strcspn(s, "\n");
        float w = bpi_width(p, st.bold, st.size, s, n);
        if (w > widest) widest = w;
        if (!s[n]) break;
        s += n + 1;
    }
    free(text);
    return widest;
}

/* ---- status marks ---- */

static const char *mark_word(bp_pdf_tint s)
{
    switch (s) {
    case BP_PDF_TINT_RED: return "RED";
    case BP_PDF_TINT_AMBER: return "AMBER";
    case BP_PDF_TINT_GREEN: return "OK";
    case BP_PDF_TINT_NONE: break;
    }
    return "N/A";
}

/* Every mark is as wide as the widest word, so the texts beside them line up. */
static float mark_width(const bp_pdf *p)
{
    return bpi_width(p, true, MARK_SIZE, "AMBER", 5) + 8.0f;
}

/* The word in bold in a box of its status colour with a dark border: readable in
 * greyscale and for colour-blind readers. */
static void draw_mark(bp_pdf *p, HPDF_Page pg, bp_pdf_tint s, float x, float top)
{
    float rgb[3], w = mark_width(p);
    bpi_tint_rgb(s, rgb);
    bpi_box(pg, x, top - MARK_HEIGHT, w, MARK_HEIGHT, rgb, 0.6f);
    const char *word = mark_word(s);
    float ww = bpi_width(p, true, MARK_SIZE, word, strlen(word));
    /* DejaVu's capitals are 0.73 em tall: centre them in the box */
    float base = top - MARK_HEIGHT + (MARK_HEIGHT - 0.73f * MARK_SIZE) / 2.0f;
    bpi_text(p, pg, true, MARK_SIZE, BPI_INK, x + (w - ww) / 2.0f, base, word, strlen(word));
}

void bp_pdf_status_paragraph(bp_pdf *p, bp_pdf_tint tint, const char *utf8)
{
    if (!bpi_ok(p)) return;
    char *text = bpi_clean(p, utf8);
    if (!text) return;
    bpi_text_style st = bpi_style_of(BP_PDF_BODY);
    float indent = mark_width(p) + 7.0f, line = st.leading > MARK_HEIGHT ? st.leading : MARK_HEIGHT;
    float first = first_lines(p, st, bp_pdf_width(p) - indent, text);
    bpi_keep(p, first > line ? first : line);
    bpi_need(p, line);
    HPDF_Page pg = bpi_page_here(p);
    if (pg) {
        float top = p->y, left = bpi_left();
        size_t page = bpi_page_index(p), from = p->nels;
        draw_mark(p, pg, tint, left, p->y - (st.leading - MARK_HEIGHT) / 2.0f);
        size_t lbl = bpi_content_size(pg);   /* the mark is the item's label (Lbl) */
        bpi_flow(p, st, BPI_INK, indent, BP_PDF_LEFT, text, BP_PDF_ROLE_LIST_ITEM, 0);
        if (!*text) {                      /* the mark alone still takes its line */
            p->y -= st.leading;
            bpi_record(p, BP_PDF_ROLE_LIST_ITEM, page, left, p->y, left + indent, top, "", 0);
        }
        /* the mark is the item's label, its box part of the first part's */
        if (from < p->nels && p->els[from].x0 > left) p->els[from].x0 = left;
        if (from < p->nels && p->els[from].page == page) p->els[from].lbl_end = lbl;
        for (size_t i = from; i < p->nels && bpi_ok(p); i++)
            bpi_record_label(p, &p->els[i], mark_word(tint));
        bp_pdf_space(p, st.after + 2.0f);
    }
    free(text);
}

/* ---- figures ---- */

void bp_pdf_figure_alt(bp_pdf *p, const char *utf8)
{
    if (!bpi_ok(p)) return;
    free(p->figure_alt);
    p->figure_alt = utf8 && *utf8 ? bpi_clean_text(p, utf8, false) : NULL;
}
