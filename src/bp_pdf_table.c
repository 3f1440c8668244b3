/* bp_pdf_table: tables of the page layer (see bp_pdf.h). */
#include "bp_pdf_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CELL_PAD 3.0f         /* table cell padding */

/* ---- tables ----
 *
 * A row is kept whole on one page when it fits on a page; a row taller than a whole page
 * (in practice rows are a few lines) is split between lines of its cells and continues
 * under the repeated header on the next pages, so no text is ever lost or drawn past the
 * margin.  Each cell's text is also clipped to its cell, as a last guard. */

struct bp_pdf_table {
    bp_pdf *p;
    size_t ncols;
    char **titles;
    bp_pdf_align *align;
    float *x, *w;          /* left edge and width of each column */
    bpi_text_style st;
    bool header;           /* a header row, repeated on every page */
    bool rules;            /* thin rules under the rows */
    float header_h;
    size_t header_page;    /* npages when the header was last drawn */
    bool any_row;
    bool header_cut;       /* the titles are taller than the header row allows */
};

typedef struct {
    char *text;
    size_t nlines, done;
    bool bold, tick;
    bp_pdf_tint tint;
} row_cell;

void bpi_table_free(bp_pdf_table *t)
{
    if (!t) return;
    if (t->titles)
        for (size_t c = 0; c < t->ncols; c++) free(t->titles[c]);
    free(t->titles);
    free(t->align);
    free(t->x);
    free(t->w);
    free(t);
}

/* Width of cell text in a column. */
static float text_w(const bp_pdf_table *t, size_t c)
{
    float w = t->w[c] - 2.0f * CELL_PAD;
    return w > 1.0f ? w : 1.0f;
}

static float fresh_room(const bp_pdf *p)
{
    return bpi_content_top(p->landscape) - bpi_bottom();
}

/* Columns share the width by weight (a weight of zero or less counts as 1). */
static void table_columns(bp_pdf_table *t, const bp_pdf_col *cols)
{
    float total = 0.0f, width = bp_pdf_width(t->p), x = bpi_left();
    for (size_t c = 0; c < t->ncols; c++) total += cols[c].weight > 0.0f ? cols[c].weight : 1.0f;
    for (size_t c = 0; c < t->ncols; c++) {
        float wt = cols[c].weight > 0.0f ? cols[c].weight : 1.0f;
        t->x[c] = x;
        t->w[c] = width * wt / total;
        x += t->w[c];
    }
}

/* The header row's height: its tallest title, at most a third of a page (longer titles
 * are clipped to their cell). */
static float header_height(bp_pdf_table *t)
{
    size_t lines = 1;
    for (size_t c = 0; c < t->ncols; c++) {
        size_t n = bpi_count_lines(t->p, true, t->st.size, text_w(t, c), t->titles[c]);
        if (n > lines) lines = n;
    }
    float h = (float)lines * t->st.leading + 2.0f * CELL_PAD;
    float cap = fresh_room(t->p) / 3.0f;
    t->header_cut = h > cap;
    return h < cap ? h : cap;
}

bp_pdf_table *bpi_table_new(bp_pdf *p, const bp_pdf_col *cols, size_t ncols,
                               bp_pdf_style style, bool header, bool rules)
{
    if (!bpi_ok(p) || !cols || ncols == 0) return NULL;
    bp_pdf_table *t = calloc(1, sizeof *t);
    if (t) {
        t->titles = calloc(ncols, sizeof *t->titles);
        t->align = malloc(ncols * sizeof *t->align);
        t->x = malloc(ncols * sizeof *t->x);
        t->w = malloc(ncols * sizeof *t->w);
    }
    if (!t || !t->titles || !t->align || !t->x || !t->w) {
        bpi_table_free(t);
        bpi_fail(p, BP_ERR_NOMEM, "out of memory while starting a table");
        return NULL;
    }
    t->p = p;
    t->ncols = ncols;
    t->st = bpi_style_of(style);
    t->header = header;
    t->rules = rules;
    for (size_t c = 0; c < ncols; c++) {
        t->titles[c] = bpi_clean(p, cols[c].title);
        if (!t->titles[c]) {
            bpi_table_free(t);
            return NULL;
        }
        t->align[c] = cols[c].align;
    }
    table_columns(t, cols);
    t->header_h = header ? header_height(t) : 0.0f;
    return t;
}

bp_pdf_table *bp_pdf_table_begin(bp_pdf *p, const bp_pdf_col *cols, size_t ncols,
                                 bp_pdf_style style)
{
    return bpi_table_new(p, cols, ncols, style, true, true);
}

/* Draws lines [from, from + count) of a cell's text from `top`, within the cell: all of
 * them clipped to it when `clip` (they may run below it), else only a line wider than
 * the column (a single character too wide to break) - clipping costs five operators. */
static void cell_lines(bp_pdf_table *t, HPDF_Page pg, size_t c, const char *text, bool bold,
                       size_t from, size_t count, float top, float h, bool clip)
{
    bp_pdf *p = t->p;
    float tw = text_w(t, c), x0 = t->x[c] + CELL_PAD;
    bpi_wrap w;
    bpi_line line;
    bpi_wrap_init(&w, p, bold, t->st.size, tw, text);
    if (clip) bpi_clip_to(pg, t->x[c], top - h, t->w[c], h);
    float y = top - CELL_PAD;
    for (size_t i = 0; i < from && bpi_wrap_next(&w, &line); i++)
        continue;                        /* lines drawn on earlier pages */
    for (size_t i = 0; i < count && bpi_wrap_next(&w, &line); i++) {
        float x = x0 + bpi_align_offset(t->align[c], tw, line.width);
        bool wide = !clip && line.width > tw;
        if (wide) bpi_clip_to(pg, t->x[c], top - h, t->w[c], h);
        bpi_text(p, pg, bold, t->st.size, BPI_INK, x, bpi_baseline(y, t->st.size, t->st.leading),
                 line.s, line.len);
        if (wide) HPDF_Page_GRestore(pg);
        y -= t->st.leading;
    }
    if (clip) HPDF_Page_GRestore(pg);
}

/* A tick as tall as a capital letter on the first line of a cell, placed as the column
 * aligns its text. */
static void cell_tick(const bp_pdf_table *t, HPDF_Page pg, size_t c, float top)
{
    float size = t->st.size, h = 0.73f * size, w = 0.8f * size, tw = text_w(t, c);
    float x = t->x[c] + CELL_PAD + bpi_align_offset(t->align[c], tw, w);
    float y = bpi_baseline(top - CELL_PAD, size, t->st.leading);
    bpi_stroke_style(pg, size / 8.0f, BPI_INK);
    bpi_line_cap(pg, HPDF_ROUND_END);
    bpi_line_join(pg, HPDF_ROUND_JOIN);
    bpi_move_to(pg, x, y + 0.45f * h);
    bpi_line_to(pg, x + 0.35f * w, y);
    bpi_line_to(pg, x + w, y + h);
    bpi_stroke(pg);
    bpi_line_cap(pg, HPDF_BUTT_END);
    bpi_line_join(pg, HPDF_MITER_JOIN);
}

static void draw_header(bp_pdf_table *t)
{
    bp_pdf *p = t->p;
    HPDF_Page pg = bpi_page_here(p);
    if (!pg) return;
    float top = p->y, h = t->header_h, x0 = t->x[0];
    float x1 = t->x[t->ncols - 1] + t->w[t->ncols - 1];
    static const float fill[3] = {0.88f, 0.88f, 0.88f};
    bpi_box(pg, x0, top - h, x1 - x0, h, fill, 0.0f);
    for (size_t c = 0; c < t->ncols; c++)
        cell_lines(t, pg, c, t->titles[c], true, 0, SIZE_MAX, top, h, t->header_cut);
    bpi_rule(pg, x0, x1, top - h, 0.8f, 0.4f);
    p->y = top - h;
    t->header_page = p->npages;
}

static bool header_on_this_page(const bp_pdf_table *t)
{
    return t->p->on_page && t->header_page == t->p->npages;
}

/* Opens a new page for the rest of a table, with its header row. */
static void table_new_page(bp_pdf_table *t)
{
    bpi_start_page(t->p, false);
    if (t->header) draw_header(t);
}

/* Moves to a new page unless the row fits here; a row taller than a whole page starts
 * here if a line of it fits and is split across pages. */
static void place_row(bp_pdf_table *t, float row_h)
{
    bp_pdf *p = t->p;
    float one_line = t->st.leading + 2.0f * CELL_PAD;
    float need = row_h > fresh_room(p) - t->header_h ? one_line : row_h;
    if (t->header && !header_on_this_page(t)) need += t->header_h;
    bp_pdf_need(p, need);
    if (t->header && !header_on_this_page(t)) draw_header(t);
}

static row_cell *prepare_cells(bp_pdf_table *t, const bp_pdf_cell *cells, bool total)
{
    row_cell *rc = calloc(t->ncols, sizeof *rc);
    if (!rc) {
        bpi_fail(t->p, BP_ERR_NOMEM, "out of memory while drawing a table");
        return NULL;
    }
    for (size_t c = 0; c < t->ncols; c++) {
        rc[c].bold = total || cells[c].bold || t->st.bold;
        rc[c].tint = cells[c].tint;
        rc[c].tick = cells[c].tick;
        rc[c].text = bpi_clean(t->p, rc[c].tick ? "" : cells[c].text);
        if (!rc[c].text) continue;     /* failure recorded; nothing more is drawn */
        rc[c].nlines = rc[c].tick ? 1
                     : bpi_count_lines(t->p, rc[c].bold, t->st.size, text_w(t, c), rc[c].text);
    }
    return rc;
}

static void free_cells(row_cell *rc, size_t n)
{
    for (size_t c = 0; c < n; c++) free(rc[c].text);
    free(rc);
}

static size_t lines_left(const row_cell *rc, size_t n)
{
    size_t most = 0;
    for (size_t c = 0; c < n; c++)
        if (rc[c].nlines - rc[c].done > most) most = rc[c].nlines - rc[c].done;
    return most;
}

/* Draws `lines` lines of every cell as one band of the row at the flow position. */
static void draw_slice(bp_pdf_table *t, row_cell *rc, size_t lines, bool total)
{
    bp_pdf *p = t->p;
    HPDF_Page pg = bpi_page_here(p);
    if (!pg) return;
    float h = (float)lines * t->st.leading + 2.0f * CELL_PAD, top = p->y;
    float x0 = t->x[0], x1 = t->x[t->ncols - 1] + t->w[t->ncols - 1];
    for (size_t c = 0; c < t->ncols; c++) {
        if (rc[c].tint != BP_PDF_TINT_NONE) {
            float rgb[3];
            bpi_tint_rgb(rc[c].tint, rgb);
            bpi_box(pg, t->x[c], top - h, t->w[c], h, rgb, 0.0f);
        }
        size_t n = rc[c].nlines - rc[c].done;
        if (n > lines) n = lines;
        if (rc[c].tick && n > 0) cell_tick(t, pg, c, top);
        cell_lines(t, pg, c, rc[c].text, rc[c].bold, rc[c].done, n, top, h, false);
        rc[c].done += n;
    }
    if (total) bpi_rule(pg, x0, x1, top, 0.9f, 0.2f);
    if (t->rules) bpi_rule(pg, x0, x1, top - h, 0.4f, BPI_RULE);
    p->y = top - h;
}

static void table_row(bp_pdf_table *t, const bp_pdf_cell *cells, bool total)
{
    if (!t || !cells || !bpi_ok(t->p)) return;
    row_cell *rc = prepare_cells(t, cells, total);
    if (!rc) return;
    size_t lines = lines_left(rc, t->ncols);
    if (lines == 0) lines = 1;                    /* an empty row keeps its height */
    place_row(t, (float)lines * t->st.leading + 2.0f * CELL_PAD);
    /* Slices of the row, one per page.  This ends: a fresh page, less its header (at most
     * a third of it), always holds many lines. */
    bool drawn = false;
    while (bpi_ok(t->p)) {
        size_t left = lines_left(rc, t->ncols);
        if (left == 0) {
            if (drawn) break;
            left = 1;
        }
        float room = bp_pdf_room(t->p) - 2.0f * CELL_PAD;
        size_t fit = room > 0.0f ? (size_t)(room / t->st.leading) : 0;
        if (fit == 0) {
            table_new_page(t);
            continue;
        }
        draw_slice(t, rc, left < fit ? left : fit, total && !drawn);
        drawn = true;
        if (lines_left(rc, t->ncols) > 0) table_new_page(t);
    }
    t->any_row = true;
    free_cells(rc, t->ncols);
}

void bp_pdf_table_row(bp_pdf_table *t, const bp_pdf_cell *cells)
{
    table_row(t, cells, false);
}

void bp_pdf_table_total(bp_pdf_table *t, const bp_pdf_cell *cells)
{
    table_row(t, cells, true);
}

void bp_pdf_table_end(bp_pdf_table *t)
{
    if (!t) return;
    bp_pdf *p = t->p;
    if (bpi_ok(p) && t->header && !t->any_row) {   /* an empty table still shows its columns */
        bp_pdf_need(p, t->header_h);
        draw_header(t);
    }
    bp_pdf_space(p, 10.0f);
    bpi_table_free(t);
}
