/* bp_pdf_table: tables of the page layer (see bp_pdf.h).
 *
 * Rows are kept until bp_pdf_table_end and laid out knowing them all: the header row is
 * drawn with the first two rows (a heading waiting before the table with them), a page
 * never ends with the first row of a table that has more, and the rows that go over a
 * break fill at least a quarter of the next page (never the last row alone: rows before
 * it go with it), and the header row is repeated on every page the table continues on - marked as repeated in the element list.  Every cell is an element: a
 * header cell of the header row (scope column) or of a row-heading column (scope row),
 * or a data cell, with the text drawn on that page. */
#include "bp_pdf_internal.h"
#include "bp_util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CELL_PAD 3.0f         /* table cell padding: left and right, and above and below */
#define COMPACT_PAD 1.5f      /* above and below in a compact table (BP_PDF_COMPACT) */

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
    bool row_headers;      /* the first column heads its row */
    bool header_drawn;     /* once: later header rows are repeats */
    float vpad;            /* padding above and below a cell's text */
    size_t id;             /* the document's n-th table */
    struct table_row *rows;   /* kept until bp_pdf_table_end */
    size_t nrows, cap_rows;
    char **spoken;         /* bp_pdf_table_spoken's, for the next row's cells (NULL: none) */
};

typedef struct {
    char *text;
    char *spoken;          /* what a reader says instead (bp_pdf_cell.spoken), or NULL */
    size_t nlines, done;
    bool bold, tick;
    bp_pdf_tint tint;
} row_cell;

typedef struct table_row {
    row_cell *cells;
    bool total;
} kept_row;

static void free_cells(row_cell *rc, size_t n);

void bpi_table_free(bp_pdf_table *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->nrows; i++) free_cells(t->rows[i].cells, t->ncols);
    free(t->rows);
    if (t->titles)
        for (size_t c = 0; c < t->ncols; c++) free(t->titles[c]);
    free(t->titles);
    if (t->spoken)
        for (size_t c = 0; c < t->ncols; c++) free(t->spoken[c]);
    free(t->spoken);
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
    float h = (float)lines * t->st.leading + 2.0f * t->vpad;
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
    t->vpad = style == BP_PDF_COMPACT ? COMPACT_PAD : CELL_PAD;
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
    t->id = ++p->ntables;
    return t;
}

bp_pdf_table *bp_pdf_table_begin(bp_pdf *p, const bp_pdf_col *cols, size_t ncols,
                                 bp_pdf_style style)
{
    return bpi_table_new(p, cols, ncols, style, true, true);
}

void bp_pdf_table_row_headers(bp_pdf_table *t)
{
    if (t) t->row_headers = true;
}

/* A cell's element: its text drawn from..to on this page. */
static void record_cell(bp_pdf_table *t, size_t row, size_t c, const char *from,
                        const char *to, const char *spoken, float top, float h, bool repeated)
{
    bool head = row == 0 || (t->row_headers && c == 0);
    bp_pdf *p = t->p;
    bpi_element *e = bpi_record(p, head ? BP_PDF_ROLE_TABLE_HEADER : BP_PDF_ROLE_TABLE_CELL,
                                bpi_page_index(p), t->x[c], top - h, t->x[c] + t->w[c], top,
                                from, from ? (size_t)(to - from) : 0);
    if (!e) return;
    e->scope = row == 0 ? BP_PDF_SCOPE_COLUMN : head ? BP_PDF_SCOPE_ROW : BP_PDF_SCOPE_NONE;
    e->table = t->id;
    e->row = row;
    e->col = c;
    e->repeated = repeated;
    e->cont = repeated && row > 0;
    if (spoken) bpi_record_spoken(p, e, spoken);
}

/* Draws lines [from, from + count) of a cell's text from `top`, within the cell: all of
 * them clipped to it when `clip` (they may run below it), else only a line wider than
 * the column (a single character too wide to break) - clipping costs five operators. */
static void cell_lines(bp_pdf_table *t, HPDF_Page pg, size_t c, const char *text, bool bold,
                       size_t from, size_t count, float top, float h, bool clip,
                       const char **drawn, const char **drawn_end)
{
    *drawn = *drawn_end = NULL;
    bp_pdf *p = t->p;
    float tw = text_w(t, c), x0 = t->x[c] + CELL_PAD;
    bpi_wrap w;
    bpi_line line;
    bpi_wrap_init(&w, p, bold, t->st.size, tw, text);
    if (clip) bpi_clip_to(pg, t->x[c], top - h, t->w[c], h);
    float y = top - t->vpad;
    for (size_t i = 0; i < from; i++)    /* lines drawn on earlier pages */
        if (!bpi_wrap_next(&w, &line)) break;
    for (size_t i = 0; i < count && bpi_wrap_next(&w, &line); i++) {
        float x = x0 + bpi_align_offset(t->align[c], tw, line.width);
        bool wide = !clip && line.width > tw;
        if (wide) bpi_clip_to(pg, t->x[c], top - h, t->w[c], h);
        bpi_text(p, pg, bold, t->st.size, BPI_INK, x, bpi_baseline(y, t->st.size, t->st.leading),
                 line.s, line.len);
        if (!*drawn) *drawn = line.s;
        *drawn_end = line.s + line.len;
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
    float y = bpi_baseline(top - t->vpad, size, t->st.leading);
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
    size_t page = bpi_page_index(p);
    bpi_artifact(p, page, x0, top - h, x1, top, "decoration", NULL, 0);
    for (size_t c = 0; c < t->ncols; c++) {
        const char *a, *b;
        cell_lines(t, pg, c, t->titles[c], true, 0, SIZE_MAX, top, h, t->header_cut, &a, &b);
        record_cell(t, 0, c, a, b, NULL, top, h, t->header_drawn);
    }
    bpi_rule(pg, x0, x1, top - h, 0.8f, 0.4f);
    bpi_artifact(p, page, x0, top - h - 0.4f, x1, top - h + 0.4f, "rule", NULL, 0);
    p->y = top - h;
    t->header_page = p->npages;
    t->header_drawn = true;
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
    float one_line = t->st.leading + 2.0f * t->vpad;
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
        /* the row takes what was said for it */
        if (t->spoken) {
            rc[c].spoken = t->spoken[c];
            t->spoken[c] = NULL;
        }
        rc[c].nlines = rc[c].tick ? 1
                     : bpi_count_lines(t->p, rc[c].bold, t->st.size, text_w(t, c), rc[c].text);
    }
    return rc;
}

static void free_cells(row_cell *rc, size_t n)
{
    for (size_t c = 0; c < n; c++) {
        free(rc[c].text);
        free(rc[c].spoken);
    }
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
static void draw_slice(bp_pdf_table *t, row_cell *rc, size_t lines, bool total, size_t row)
{
    bp_pdf *p = t->p;
    HPDF_Page pg = bpi_page_here(p);
    if (!pg) return;
    float h = (float)lines * t->st.leading + 2.0f * t->vpad, top = p->y;
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
        const char *a, *b;
        cell_lines(t, pg, c, rc[c].text, rc[c].bold, rc[c].done, n, top, h, false, &a, &b);
        /* a tick is the cell's text for a reader */
        if (rc[c].tick && n > 0) a = "\xE2\x9C\x93", b = a + 3;
        record_cell(t, row, c, a, b, rc[c].done ? NULL : rc[c].spoken, top, h, rc[c].done > 0);
        rc[c].done += n;
    }
    size_t page = bpi_page_index(p);
    if (total) {
        bpi_rule(pg, x0, x1, top, 0.9f, 0.2f);
        bpi_artifact(p, page, x0, top - 0.45f, x1, top + 0.45f, "rule", NULL, 0);
    }
    if (t->rules) {
        bpi_rule(pg, x0, x1, top - h, 0.4f, BPI_RULE);
        bpi_artifact(p, page, x0, top - h - 0.2f, x1, top - h + 0.2f, "rule", NULL, 0);
    }
    p->y = top - h;
}

static float row_height(const bp_pdf_table *t, const kept_row *r)
{
    size_t lines = lines_left(r->cells, t->ncols);
    if (lines == 0) lines = 1;                    /* an empty row keeps its height */
    return (float)lines * t->st.leading + 2.0f * t->vpad;
}

/* Draws row i (from 1: the header is row 0) at the flow position, or on a new page. */
static void draw_row(bp_pdf_table *t, kept_row *r, size_t row)
{
    row_cell *rc = r->cells;
    bool total = r->total;
    place_row(t, row_height(t, r));
    /* Slices of the row, one per page.  This ends: a fresh page, less its header (at most
     * a third of it), always holds many lines. */
    bool drawn = false;
    while (bpi_ok(t->p)) {
        size_t left = lines_left(rc, t->ncols);
        if (left == 0) {
            if (drawn) break;
            left = 1;
        }
        float room = bp_pdf_room(t->p) - 2.0f * t->vpad;
        size_t fit = room > 0.0f ? (size_t)(room / t->st.leading) : 0;
        if (fit == 0) {
            table_new_page(t);
            continue;
        }
        draw_slice(t, rc, left < fit ? left : fit, total && !drawn, row);
        drawn = true;
        if (lines_left(rc, t->ncols) > 0) table_new_page(t);
    }
    t->any_row = true;
}

static void table_row(bp_pdf_table *t, const bp_pdf_cell *cells, bool total)
{
    if (!t || !cells || !bpi_ok(t->p)) return;
    kept_row *rows = bp_grow(t->rows, &t->cap_rows, t->nrows + 1, sizeof *rows);
    if (!rows) {
        bpi_fail(t->p, BP_ERR_NOMEM, "out of memory while drawing a table");
        return;
    }
    t->rows = rows;
    row_cell *rc = prepare_cells(t, cells, total);
    if (!rc) return;
    t->rows[t->nrows++] = (kept_row){rc, total};
}

void bp_pdf_table_spoken(bp_pdf_table *t, size_t col, const char *spoken)
{
    if (!t || col >= t->ncols || !spoken) return;
    if (!t->spoken && !(t->spoken = calloc(t->ncols, sizeof *t->spoken))) {
        bpi_fail(t->p, BP_ERR_NOMEM, "out of memory while drawing a table");
        return;
    }
    free(t->spoken[col]);
    t->spoken[col] = bpi_clean(t->p, spoken);
}

void bp_pdf_table_row(bp_pdf_table *t, const bp_pdf_cell *cells)
{
    table_row(t, cells, false);
}

void bp_pdf_table_total(bp_pdf_table *t, const bp_pdf_cell *cells)
{
    table_row(t, cells, true);
}

/* The room on the open page for rows of this table: below its header, drawn here or to
 * be; a fresh page's when none is open. */
static float room_for_rows(const bp_pdf_table *t)
{
    bp_pdf *p = t->p;
    float room = p->on_page && p->page_used ? bpi_room(p) : fresh_room(p);
    if (t->header && !header_on_this_page(t)) room -= t->header_h;
    return room;
}

/* The height of rows [from, nrows) under a header row. */
static float rest_height(const bp_pdf_table *t, size_t from)
{
    float h = t->header_h;
    for (size_t i = from; i < t->nrows; i++) h += row_height(t, &t->rows[i]);
    return h;
}

/* Whether a new page should start before row i, though it fits here: when it would be
 * the table's first row and the only one at the foot of a page, or when the rows left
 * would go over the break so few that the next page held less than a quarter of its
 * height - a row alone, or a short end before whatever comes next (the next section may
 * have to start a page of its own).  From row i on they then go on together, if this
 * page keeps two rows. */
static bool break_before(const bp_pdf_table *t, size_t i, size_t here)
{
    if (i + 1 >= t->nrows) return false;
    bp_pdf *p = t->p;
    float room = room_for_rows(t), h = row_height(t, &t->rows[i]);
    float next = row_height(t, &t->rows[i + 1]);
    if (h > room) return false;                       /* a break anyway */
    if (i == 0) return h + next > room && p->on_page && p->page_used;
    if (here < 2 || rest_height(t, i) - t->header_h <= room) return false;   /* all fit */
    /* the last two do not both fit: the last row never goes over alone, however short
     * the table's end (it is then followed on that page by what comes next) */
    if (i + 2 == t->nrows) return true;
    float quarter = fresh_room(p) / 4.0f;
    return rest_height(t, i) >= quarter && rest_height(t, i + 1) < quarter;
}

/* Lays the rows out (see the top of the file). */
void bpi_table_draw(bp_pdf_table *t)
{
    if (!t || !bpi_ok(t->p)) return;
    bp_pdf *p = t->p;
    float first = t->header_h;
    for (size_t i = 0; i < t->nrows && i < 2; i++) first += row_height(t, &t->rows[i]);
    bpi_keep(p, first);
    if (t->nrows == 0) {
        if (t->header) {                  /* an empty table still shows its columns */
            bp_pdf_need(p, t->header_h);
            draw_header(t);
        }
        return;
    }
    size_t here = 0;                      /* rows of the table on the open page */
    for (size_t i = 0; i < t->nrows && bpi_ok(p); i++) {
        if (break_before(t, i, here)) {
            if (i == 0) bpi_start_page(p, false);
            else table_new_page(t);
        }
        /* through t->p: draw_row may open pages, and reaches p that way */
        size_t pages = t->p->npages;
        draw_row(t, &t->rows[i], i + 1);
        here = t->p->npages == pages ? here + 1 : 1;
    }
}

void bp_pdf_table_end(bp_pdf_table *t)
{
    if (!t) return;
    bp_pdf *p = t->p;
    bpi_table_draw(t);
    bp_pdf_space(p, 10.0f);
    bpi_table_free(t);
}
