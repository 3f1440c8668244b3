/* bp_xlsx: the audit workbook.  The input sheets (Institutions, Targets, Data, the
 * course rows) are laid out first, because every other figure is a formula over them;
 * then the computed sheets, each cell compiled by bp_formula from the KPI expressions
 * and cached with the engine's own value; the per-institution terms those formulas
 * asked for (Workings) last. */
#include "bp_xlsx.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "bp_formula.h"
#include "bp_sha256.h"
#include "bp_util.h"

/* ---- sheets ---- */

typedef enum {
    XS_CONTENTS, XS_SCORECARD, XS_DATA, XS_INSTITUTIONS, XS_TARGETS, XS_FINANCE, XS_FORECAST,
    XS_COURSES, XS_CHARGE, XS_ACTIONS, XS_QUALITY, XS_WORKINGS, XS_RATIOS, XS_COUNT
} xl_sheet;

static const struct {
    const char *name, *about;
} sheet_info[XS_COUNT] = {
    {"Contents", "This page: what each sheet holds and how to read the workbook"},
    {"Scorecard", "Every KPI for each institution, phase and the trust in the report year, "
                  "with its status against the targets"},
    {"Data", "Every input fact (finance, staff, students, governance) as a filterable table: "
             "the figures every formula adds up"},
    {BP_XL_SHEET_INSTITUTIONS, "The institutions, their phases, dates and attributes"},
    {BP_XL_SHEET_TARGETS, "Targets and thresholds as cells, national benchmarks, grade scales "
                          "and the KPI definitions"},
    {"Finance", "Income and expenditure by institution and year, consolidated with internal "
                "transfers eliminated"},
    {"Forecast", "The KPIs of the budget and forecast years after the report year"},
    {BP_XL_SHEET_COURSES, "Post-16 course contribution per course and the institution averages"},
    {"Central charge", "The centre's costs shared in proportion to weighted pupils, against "
                       "what each institution was charged"},
    {"Actions", "Development-plan actions; overdue actions highlighted"},
    {"Data quality", "Input files, control totals, reconciliation of internal transfers and "
                     "warnings"},
    {BP_XL_SHEET_WORKINGS, "Per-institution terms (such as periods x FTE) that phase and trust "
                           "figures add up"},
    {"Ratios", "The numerator and denominator of each ratio a status decides, as whole numbers, "
               "so that every status compares exactly"},
};

/* ---- the writer's state ---- */

typedef struct {
    lxw_format *title, *subtitle, *note, *header, *header_wrap, *text, *wrap, *bold, *link,
        *formula_text, *date, *status, *none, *green, *amber, *red;
    lxw_format *money, *money_bold, *pounds, *percent, *fine_percent, *ratio, *number, *whole,
        *quantity, *exact;
} xl_formats;

/* An institution, a phase or the trust, with its members in workbook order. */
typedef struct {
    bp_scope scope;
    int entity;              /* institution index, bp_phase, 0 for the trust */
    const int *members;
    size_t nmembers;
    bool eliminate;
    const char *national;    /* benchmark phase: the phase id, "all" for the trust */
    bp_phase phase;          /* own phase; BP_PHASE_COUNT for the trust */
    bool central;
    const char *id, *name;
} xl_entity;

/* The input the cells being written come from, for the message of a limit they break:
 * a position in a data set file or a KPI file (file NULL: none), and what it is. */
typedef struct {
    const char *file;
    int line, column;
    char what[96];
} xl_src;

/* A per-institution term on the Workings sheet. */
typedef struct {
    const bp_expr *node;
    bp_expr_ctx ctx;
    xl_src src;              /* the KPI that asked for it first */
} xl_helper;

/* Whole numbers a status compares, on the Ratios sheet: a ratio's numerator and
 * denominator (den NULL: a value on its own) in ctx, in units of 10^-parts. */
typedef struct {
    const bp_expr *num, *den;
    bp_expr_ctx ctx;
    int parts;
    const char *kpi, *measure;
    xl_src src;
} xl_ratio;

typedef struct {
    const bp_session *s;
    const bp_model *m;
    const bp_results *res;
    const char *path;
    bp_diags *diags;
    bp_err err;                   /* the first failure; later writes are skipped */
    bool dry;                     /* bp_xlsx_check: every cell planned, nothing written */
    xl_src src;                   /* where the cells being written come from */
    size_t nlimits;               /* limits reported (a dry run goes on past them) */
    bool full[XS_COUNT];          /* a sheet's rows ran out: reported once */
    lxw_workbook *wb;
    lxw_worksheet *ws[XS_COUNT];
    xl_formats f;
    bp_formula_env env;
    bp_fbuf fb;
    /* layout */
    int *inst_order, *inst_pos;   /* workbook position <-> model index */
    int *members;                 /* the entities' member lists */
    xl_entity *ents;
    size_t nents;
    size_t *target0;              /* per KPI: index of its first target in target_row */
    int *target_row;              /* per target: its Targets row */
    int *bench_row;               /* per benchmark: its Targets row */
    size_t *measure0;             /* per KPI: index of its first measure */
    size_t *points0;              /* per measure: index of its first points row */
    int *points_row;              /* per points row: its Targets row */
    size_t *band0;                /* per KPI: index of its first grade band */
    int *band_row;                /* per grade band: its Targets row */
    int tg_bench_at, tg_grades_at, tg_defs_at;   /* Targets sections: their blank row */
    int *course_row;              /* per course: its Courses row */
    int *score_row;               /* per KPI: its row in the Scorecard, -1 if none */
    int finance_row[3];           /* consolidated income, expenditure, result rows */
    int finance_report_col;       /* the report year's actual column, -1 if none */
    xl_helper *helpers;
    size_t nhelpers, caphelpers;
    xl_ratio *ratios;
    size_t nratios, capratios;
} xl;

/* ---- failures ---- */

static bool live(const xl *x) { return x->err == BP_OK; }

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void fail(xl *x, bp_err err, const char *fmt, ...)
{
    if (!live(x)) return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    x->err = err;
    bp_diag_add(x->diags, BP_DIAG_ERROR, x->path, 0, 0, "%s", msg);
}

static void nomem(xl *x) { fail(x, BP_ERR_NOMEM, "out of memory writing the workbook"); }

#define MAX_LIMITS 1000

/* Has this input already an error?  (Only limits are looked for: nothing else lets
 * the writer go on.) */
static bool reported(const xl *x, const xl_src *at)
{
    if (!at->file || !x->nlimits) return false;
    for (size_t i = 0; i < x->diags->count; i++) {
        const bp_diag *d = &x->diags->items[i];
        if (d->level == BP_DIAG_ERROR && d->line == at->line && d->column == at->column
            && strcmp(d->file, at->file) == 0)
            return true;
    }
    return false;
}

/* A limit of the spreadsheet that the input breaks: an error at the input's position
 * (exit 65, BP_ERR_LIMIT).  A dry run notes it and goes on, to report every one (each
 * position once); writing stops at the first. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void limit(xl *x, const xl_src *at, const char *fmt, ...)
{
    if (!live(x) || reported(x, at)) return;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    bp_diag_add(x->diags, BP_DIAG_ERROR, at->file ? at->file : x->path, at->line, at->column, "%s",
                msg);
    if (!x->dry || ++x->nlimits >= MAX_LIMITS) x->err = BP_ERR_LIMIT;
}

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static void set_src(xl *x, const char *file, int line, int column, const char *fmt, ...)
{
    x->src.file = file;
    x->src.line = line;
    x->src.column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->src.what, sizeof x->src.what, fmt, ap);
    va_end(ap);
}

/* Cells whose input is no one position (the workbook's own sums, its headings). */
static void no_src(xl *x) { memset(&x->src, 0, sizeof x->src); }

/* Is there a row for this cell?  The first that is not is reported, once for a sheet. */
static bool room(xl *x, xl_sheet s, int row)
{
    if (row < BP_EXCEL_ROWS) return true;
    if (!x->full[s] && live(x))
        limit(x, &x->src, "found more rows for %s than the workbook's %s sheet holds, expected at "
              "most %d rows on a sheet", x->src.file ? x->src.what : "the workbook", sheet_info[s].name,
              BP_EXCEL_ROWS);
    x->full[s] = true;
    return false;
}

/* Every libxlsxwriter call that can fail goes through here. */
static void check(xl *x, lxw_error e, xl_sheet s, int row, int col)
{
    /* a sheet whose rows ran out has its error: the ranges past its end follow from it */
    if (e == LXW_NO_ERROR || !live(x) || x->full[s]) return;
    char cell[64];
    bp_formula_ref(cell, sizeof cell, sheet_info[s].name, row, col);
    if (e == LXW_ERROR_MEMORY_MALLOC_FAILED) nomem(x);
    else fail(x, BP_ERR_RENDER, "libxlsxwriter at %s: %s", cell, lxw_strerror(e));
}

static void check_book(xl *x, lxw_error e, const char *what)
{
    if (e == LXW_NO_ERROR || !live(x)) return;
    if (e == LXW_ERROR_MEMORY_MALLOC_FAILED) nomem(x);
    else fail(x, BP_ERR_RENDER, "libxlsxwriter: %s: %s", what, lxw_strerror(e));
}

/* A compiler result: false (with a diagnostic) when the formula could not be made. */
static bool compiled(xl *x, bp_err err, const char *what)
{
    if (err == BP_OK) return live(x);
    if (err == BP_ERR_NOMEM) {
        nomem(x);
    } else if (err == BP_ERR_LIMIT && x->fb.at && x->fb.at->name) {
        /* a code too long for a formula's text: at the code itself */
        const bp_expr *at = x->fb.at;
        xl_src src = x->src;
        src.line = at->line;
        src.column = at->column;
        size_t n = strlen(at->name);
        limit(x, &src, "found code '%.40s%s' of %zu characters in %s, expected at most %d "
              "characters: %s", at->name, n > 40 ? "..." : "", n, x->src.what, BP_FORMULA_CODE_MAX,
              x->fb.why);
    } else if (err == BP_ERR_LIMIT) {
        limit(x, &x->src, "found %s that the workbook cannot hold: %s", x->src.what,
              x->fb.why ? x->fb.why : bp_strerror(err));
    } else {
        fail(x, err, "cannot write the formula for %s: %s", what,
             x->fb.why ? x->fb.why : bp_strerror(err));
    }
    return false;
}

/* ---- text: the one gate of every string libxlsxwriter is given ---- */

/* libxlsxwriter writes Excel's _x0007_ for a control character only in cell text; in a
 * chart's cached labels, the document properties, defined names and formulas' cached
 * text it writes the byte as it is, and U+FFFE or a byte that is not UTF-8 everywhere -
 * any one of them makes the whole workbook unreadable (Excel offers to repair it,
 * openpyxl refuses it).  XML 1.0 carries TAB, LF, CR and every other code point;
 * bp_cp_refused names the rest (with DEL and C1, which the loader refuses too).  Loading
 * refuses every such character, so a string that fails here is boardpack's own bug: the
 * build fails with BP_ERR_RENDER naming where, rather than write a broken file or alter
 * the text unseen.  Most text is printable ASCII. */
static bool xml_text_ok(xl *x, const char *text, const char *where)
{
    const unsigned char *u = (const unsigned char *)(text ? text : "");
    for (size_t i = 0; u[i];) {
        if (u[i] >= 0x20 && u[i] < 0x7F) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = bp_utf8_decode(u + i, SIZE_MAX, &cp);
        const char *what = k ? bp_cp_refused(cp) : NULL;
        if (k && !what) {
            i += k;
            continue;
        }
        if (k) fail(x, BP_ERR_RENDER, "internal error: the text for %s holds U+%04X (%s), which "
                    "a workbook cannot hold; nothing is written", where, (unsigned)cp, what);
        else fail(x, BP_ERR_RENDER, "internal error: the text for %s holds byte 0x%02X, which is "
                  "not UTF-8; nothing is written", where, u[i]);
        return false;
    }
    return true;
}

/* xml_text_ok for the text of a cell, named as Sheet!A1. */
static bool cell_text_ok(xl *x, const char *text, xl_sheet s, int row, int col)
{
    if (!live(x)) return false;
    const unsigned char *u = (const unsigned char *)(text ? text : "");
    while (*u >= 0x20 && *u < 0x7F) u++;
    if (!*u) return true;
    char cell[64];
    bp_formula_ref(cell, sizeof cell, sheet_info[s].name, row, col);
    return xml_text_ok(x, text, cell);
}

/* snprintf for text holding names: a name cut short by the buffer is cut between
 * characters, never inside one (which the gate would refuse). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void text_fmt(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n >= size) buf[bp_utf8_whole(buf, size - 1)] = '\0';
}

static char *copy_text(xl *x, const char *s)
{
    char *d = strdup(s);
    if (!d) nomem(x);
    return d;
}

/* ---- cells ---- */

/* A formula's cached result: a number, or text ("" for no data, a status word). */
typedef struct {
    bool is_text;
    double num;
    const char *text;
} xl_cache;

static xl_cache cache_text(const char *t) { return (xl_cache){true, 0, t}; }
static xl_cache cache_double(double v) { return (xl_cache){false, v, NULL}; }

/* The engine's value as the workbook shows it: money to the penny, as the JSON prints. */
static xl_cache cache_num(bp_num v, bool money)
{
    int64_t p;
    if (!v.ok) return cache_text("");
    if (money && bp_num_to_pence(v, &p)) return cache_double((double)p / 100.0);
    return cache_double(bp_num_to_double(v));
}

/* A text no cell can hold: the readers refuse such input (bp_csv, bp_kpi), so this is
 * what the workbook makes of it (a heading, a joined list). */
static bool fits_cell(xl *x, const char *text)
{
    size_t n = strlen(text);
    if (n <= BP_EXCEL_CELL_CHARS || bp_excel_chars(text, n) <= BP_EXCEL_CELL_CHARS) return true;
    limit(x, &x->src, "found a text of %zu characters for %s, expected at most %d characters, the "
          "most a spreadsheet cell holds", bp_excel_chars(text, n),
          x->src.file ? x->src.what : "the workbook", BP_EXCEL_CELL_CHARS);
    return false;
}

static void put_text(xl *x, xl_sheet s, int row, int col, const char *text, lxw_format *f)
{
    if (!live(x) || !room(x, s, row) || !fits_cell(x, text) || !cell_text_ok(x, text, s, row, col)
        || x->dry)
        return;
    /* write_string: input text such as "=1+1" or "@cmd" is a string, never a formula */
    check(x, worksheet_write_string(x->ws[s], (lxw_row_t)row, (lxw_col_t)col, text, f), s, row, col);
}

static void put_number(xl *x, xl_sheet s, int row, int col, double v, lxw_format *f)
{
    if (!live(x) || !room(x, s, row) || x->dry) return;
    check(x, worksheet_write_number(x->ws[s], (lxw_row_t)row, (lxw_col_t)col, v, f), s, row, col);
}

static void put_money(xl *x, xl_sheet s, int row, int col, int64_t pence, lxw_format *f)
{
    put_number(x, s, row, col, (double)pence / 100.0, f);
}

static void put_blank(xl *x, xl_sheet s, int row, int col, lxw_format *f)
{
    if (!live(x) || !room(x, s, row) || x->dry) return;
    check(x, worksheet_write_blank(x->ws[s], (lxw_row_t)row, (lxw_col_t)col, f), s, row, col);
}

static void put_date(xl *x, xl_sheet s, int row, int col, int32_t days)
{
    int y, mo, d;
    if (!live(x) || !room(x, s, row) || x->dry) return;
    bp_date_ymd(days, &y, &mo, &d);
    lxw_datetime dt = {y, mo, d, 0, 0, 0.0};
    check(x, worksheet_write_datetime(x->ws[s], (lxw_row_t)row, (lxw_col_t)col, &dt, x->f.date),
          s, row, col);
}

static void put_formula(xl *x, xl_sheet s, int row, int col, const char *formula, lxw_format *f,
                        xl_cache v)
{
    if (!live(x) || !room(x, s, row)) return;
    size_t n = strlen(formula) - (formula[0] == '=');
    if (n > BP_FORMULA_MAX) {
        char cell[64];
        bp_formula_ref(cell, sizeof cell, sheet_info[s].name, row, col);
        limit(x, &x->src, "found a workbook formula of %zu characters for %s (%s), expected at most "
              "%d characters, Excel's limit on a formula", n,
              x->src.file ? x->src.what : "the workbook", cell, BP_FORMULA_MAX);
        return;
    }
    if (!cell_text_ok(x, formula, s, row, col) || (v.is_text && !cell_text_ok(x, v.text, s, row, col)))
        return;
    if (x->dry) return;
    lxw_row_t r = (lxw_row_t)row;
    lxw_col_t c = (lxw_col_t)col;
    lxw_error e = v.is_text ? worksheet_write_formula_str(x->ws[s], r, c, formula, f, v.text)
                            : worksheet_write_formula_num(x->ws[s], r, c, formula, f, v.num);
    check(x, e, s, row, col);
}

/* The formula "=Sheet!$C$7" pointing at another cell, with that cell's cached value. */
static void put_link(xl *x, xl_sheet s, int row, int col, xl_sheet to, int trow, int tcol,
                     lxw_format *f, xl_cache v)
{
    char ref[80], formula[96];
    bp_formula_ref(ref, sizeof ref, sheet_info[to].name, trow, tcol);
    snprintf(formula, sizeof formula, "=%s", ref);
    put_formula(x, s, row, col, formula, f, v);
}

static void set_col(xl *x, xl_sheet s, int first, int last, double width, lxw_format *f)
{
    if (!live(x)) return;
    check(x, worksheet_set_column(x->ws[s], (lxw_col_t)first, (lxw_col_t)last, width, f), s, 0,
          first);
}

/* Lines a text needs in a column of this width, wrapped at spaces.  Row heights are not
 * recomputed when a workbook is opened, so rows with wrapped text are sized here. */
static int wrapped_lines(const char *text, double width)
{
    int per = (int)(width * 1.25), lines = 1, used = 0;
    if (per < 1) per = 1;
    for (const char *p = text; *p;) {
        int n = 0;
        const char *w = p;
        for (; *w && *w != ' '; w++) n += ((unsigned char)*w & 0xC0) != 0x80;
        if (used && used + 1 + n > per) {
            lines++;
            used = 0;
        }
        used += (used ? 1 : 0) + n;
        for (; used > per; used -= per) lines++;
        p = *w ? w + 1 : w;
    }
    return lines;
}

static void fit_row(xl *x, xl_sheet s, int row, int lines)
{
    if (lines > 1 && live(x))
        check(x, worksheet_set_row(x->ws[s], (lxw_row_t)row, 12.75 * lines, NULL), s, row, 0);
}

static int max_int(int a, int b) { return a > b ? a : b; }

static void merge(xl *x, xl_sheet s, int row, int c0, int c1, const char *text, lxw_format *f)
{
    if (!live(x) || !room(x, s, row) || !fits_cell(x, text) || !cell_text_ok(x, text, s, row, c0)
        || x->dry)
        return;
    check(x, worksheet_merge_range(x->ws[s], (lxw_row_t)row, (lxw_col_t)c0, (lxw_row_t)row,
                                   (lxw_col_t)c1, text, f), s, row, c0);
}

/* Title and subtitle on rows 0 and 1 of a sheet. */
static void put_title(xl *x, xl_sheet s, const char *title, const char *subtitle)
{
    put_text(x, s, 0, 0, title, x->f.title);
    put_text(x, s, 1, 0, subtitle, x->f.subtitle);
}

static void put_headers(xl *x, xl_sheet s, int row, int col, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) put_text(x, s, row, col + (int)i, names[i], x->f.header);
}

/* Landscape on A4, one page wide, the header rows repeated on every page. */
static void print_setup(xl *x, xl_sheet s, int header_first, int header_last)
{
    if (!live(x)) return;
    lxw_worksheet *ws = x->ws[s];
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);
    worksheet_fit_to_pages(ws, 1, 0);
    check(x, worksheet_set_footer(ws, "&L&A&RPage &P of &N"), s, 0, 0);
    if (header_last >= header_first)
        check(x, worksheet_repeat_rows(ws, (lxw_row_t)header_first, (lxw_row_t)header_last), s,
              header_first, 0);
}

/* ---- formats ---- */

static lxw_format *new_format(xl *x, const char *num_format)
{
    lxw_format *f = workbook_add_format(x->wb);
    if (!f) {
        nomem(x);
        return NULL;
    }
    format_set_font_name(f, "Arial");
    format_set_font_size(f, 10);
    /* rows with wrapped text are taller: everything reads from the top line */
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    if (num_format) format_set_num_format(f, num_format);
    return f;
}

#define XL_GREEN_BG 0xC6EFCE
#define XL_GREEN_FG 0x006100
#define XL_AMBER_BG 0xFFEB9C
#define XL_AMBER_FG 0x9C5700
#define XL_RED_BG 0xFFC7CE
#define XL_RED_FG 0x9C0006
#define XL_HEADER_BG 0x1F3864

static lxw_format *status_format(xl *x, lxw_color_t bg, lxw_color_t fg)
{
    lxw_format *f = new_format(x, NULL);
    if (!f) return NULL;
    format_set_bg_color(f, bg);
    format_set_font_color(f, fg);
    return f;
}

static void make_formats(xl *x)
{
    xl_formats *f = &x->f;
    f->title = new_format(x, NULL);
    f->subtitle = new_format(x, NULL);
    f->note = new_format(x, NULL);
    f->header = new_format(x, NULL);
    f->header_wrap = new_format(x, NULL);
    f->text = new_format(x, NULL);
    f->wrap = new_format(x, NULL);
    f->bold = new_format(x, NULL);
    f->money = new_format(x, "\xC2\xA3#,##0.00;-\xC2\xA3#,##0.00");
    f->money_bold = new_format(x, "\xC2\xA3#,##0.00;-\xC2\xA3#,##0.00");
    f->pounds = new_format(x, "\xC2\xA3#,##0;-\xC2\xA3#,##0");
    f->percent = new_format(x, "0.0%");
    f->fine_percent = new_format(x, "0.0##%");
    f->ratio = new_format(x, "0.00");
    f->number = new_format(x, "#,##0.0");
    f->whole = new_format(x, "#,##0");
    f->quantity = new_format(x, "General");
    f->exact = new_format(x, "#,##0.000000");
    f->date = new_format(x, "d mmm yyyy");
    f->link = new_format(x, NULL);
    f->status = new_format(x, NULL);
    f->none = new_format(x, NULL);
    f->formula_text = new_format(x, NULL);
    f->green = status_format(x, XL_GREEN_BG, XL_GREEN_FG);
    f->amber = status_format(x, XL_AMBER_BG, XL_AMBER_FG);
    f->red = status_format(x, XL_RED_BG, XL_RED_FG);
    if (!live(x)) return;
    format_set_bold(f->title);
    format_set_font_size(f->title, 14);
    format_set_font_color(f->title, XL_HEADER_BG);
    format_set_italic(f->subtitle);
    format_set_font_color(f->subtitle, 0x595959);
    format_set_text_wrap(f->note);
    lxw_format *heads[] = {f->header, f->header_wrap};
    for (size_t i = 0; i < 2; i++) {
        format_set_bold(heads[i]);
        format_set_font_color(heads[i], LXW_COLOR_WHITE);
        format_set_bg_color(heads[i], XL_HEADER_BG);
    }
    format_set_text_wrap(f->header_wrap);
    format_set_text_wrap(f->wrap);
    format_set_bold(f->bold);
    format_set_bold(f->money_bold);
    format_set_top(f->money_bold, LXW_BORDER_THIN);
    format_set_underline(f->link, LXW_UNDERLINE_SINGLE);
    format_set_font_color(f->link, LXW_COLOR_BLUE);
    format_set_align(f->status, LXW_ALIGN_CENTER);
    format_set_align(f->none, LXW_ALIGN_CENTER);
    format_set_font_color(f->none, 0x808080);
    format_set_font_name(f->formula_text, "Courier New");
    format_set_font_size(f->formula_text, 9);
}

/* The number format of a KPI or measure value. */
static lxw_format *unit_format(const xl *x, bp_unit u)
{
    switch (u) {
    case BP_UNIT_PERCENT: return x->f.percent;
    case BP_UNIT_RATIO: return x->f.ratio;
    case BP_UNIT_MONEY: return x->f.pounds;
    case BP_UNIT_NUMBER: return x->f.number;
    case BP_UNIT_GRADE: return x->f.whole;
    }
    return x->f.quantity;
}

/* Colour a value and its status (columns c0 and c1) by the status word in c1. */
static void status_colours(xl *x, xl_sheet s, int r0, int c0, int r1, int c1)
{
    static const char *const words[] = {"green", "amber", "red"};
    lxw_format *fmts[] = {x->f.green, x->f.amber, x->f.red};
    char col[8];
    bp_formula_col(col, sizeof col, c1);
    for (size_t i = 0; i < 3 && live(x); i++) {
        char formula[64];
        snprintf(formula, sizeof formula, "=$%s%d=\"%s\"", col, r0 + 1, words[i]);
        lxw_conditional_format cf;
        memset(&cf, 0, sizeof cf);
        cf.type = LXW_CONDITIONAL_TYPE_FORMULA;
        cf.value_string = formula;
        cf.format = fmts[i];
        if (!cell_text_ok(x, formula, s, r0, c0)) return;
        check(x, worksheet_conditional_format_range(x->ws[s], (lxw_row_t)r0, (lxw_col_t)c0,
                                                    (lxw_row_t)r1, (lxw_col_t)c1, &cf), s, r0, c0);
    }
}

/* ---- layout ---- */

/* Workbook order: institutions phase by phase (phases in order of first appearance),
 * the central row last, so that every phase and the trust is one contiguous run of
 * rows and columns (bp_formula adds members up over a range). */
static void plan_institutions(xl *x)
{
    const bp_model *m = x->m;
    size_t n = m->ninsts, k = 0;
    x->inst_order = malloc((n ? n : 1) * sizeof *x->inst_order);
    x->inst_pos = malloc((n ? n : 1) * sizeof *x->inst_pos);
    if (!x->inst_order || !x->inst_pos) {
        nomem(x);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if ((int)i == m->central) continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = (int)j != m->central && m->insts[j].phase == m->insts[i].phase;
        if (seen) continue;
        for (size_t j = i; j < n; j++)
            if ((int)j != m->central && m->insts[j].phase == m->insts[i].phase)
                x->inst_order[k++] = (int)j;
    }
    if (m->central >= 0) x->inst_order[k++] = m->central;
    for (size_t p = 0; p < k; p++) x->inst_pos[x->inst_order[p]] = (int)p;
}

/* Institutions in workbook order, the phases that have institutions, then the trust. */
static void plan_entities(xl *x)
{
    const bp_model *m = x->m;
    size_t n = m->ninsts;
    x->members = malloc((3 * n + 1) * sizeof *x->members);
    x->ents = calloc(n + x->res->nphases + 1, sizeof *x->ents);
    if (!x->members || !x->ents) {
        nomem(x);
        return;
    }
    int *p = x->members;
    for (size_t k = 0; k < n; k++) {
        int i = x->inst_order[k];
        const bp_institution *in = &m->insts[i];
        *p = i;
        x->ents[x->nents++] = (xl_entity){BP_SCOPE_INSTITUTION, i, p++, 1, false,
                                          bp_phase_id(in->phase), in->phase, i == m->central,
                                          in->id, in->name};
    }
    for (size_t ph = 0; ph < x->res->nphases; ph++) {
        bp_phase phase = x->res->phases[ph];
        int *start = p;
        for (size_t k = 0; k < n; k++) {
            int i = x->inst_order[k];
            if (m->insts[i].phase == phase && i != m->central) *p++ = i;
        }
        x->ents[x->nents++] = (xl_entity){BP_SCOPE_PHASE, (int)phase, start, (size_t)(p - start),
                                          false, bp_phase_id(phase), phase, false,
                                          bp_phase_id(phase), bp_phase_title(phase)};
    }
    int *start = p;
    for (size_t k = 0; k < n; k++) *p++ = x->inst_order[k];
    x->ents[x->nents++] = (xl_entity){BP_SCOPE_TRUST, 0, start, n, true, "all", BP_PHASE_COUNT,
                                      false, "trust", m->name};
}

/* The engine's context for an entity (bp_eval's make_ctx). */
static bp_expr_ctx entity_ctx(const xl *x, const xl_entity *e, int year, bp_scenario sc)
{
    return bp_kpi_ctx(&x->s->kpis, x->m, e->members, e->nmembers, year, sc, e->eliminate,
                      e->national);
}

/* One institution on its own (the Finance and Central charge lines). */
static bp_expr_ctx inst_ctx(const xl *x, int inst, int year, bp_scenario sc)
{
    return entity_ctx(x, &x->ents[x->inst_pos[inst]], year, sc);
}

static const xl_entity *trust_entity(const xl *x) { return &x->ents[x->nents - 1]; }

/* Which targets the engine may apply to an entity: the same static tests as bp_eval's
 * target_applies (scope, phases, first year, scenarios).  The `when` condition depends
 * on the data, so it stays in the status formula. */
static bool target_applies(const bp_target *t, const xl_entity *e, int year, bp_scenario sc)
{
    return bp_target_applies(t, e->scope, e->phase, e->central, year, sc);
}

static const bp_result *result_of(const xl *x, size_t kpi, const xl_entity *e, int year,
                                  bp_scenario sc)
{
    return bp_results_find(x->res, (int)kpi, e->scope, e->entity, year, sc);
}

/* ---- the compiler's view of the layout ---- */

static int env_benchmark_row(const bp_formula_env *env, int year, const char *phase,
                             const char *kpi)
{
    const xl *x = env->arg;
    int i = bp_model_find_benchmark(x->m, year, phase, kpi);
    return i >= 0 ? x->bench_row[i] : -1;
}

/* Workings: title, subtitle, a blank row and the header above the terms. */
#define WORK_FIRST_ROW 4

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static int env_helper_row(const bp_formula_env *env, const bp_expr *node, const bp_expr_ctx *c)
{
    xl *x = env->arg;
    for (size_t i = 0; i < x->nhelpers; i++) {
        const bp_expr_ctx *h = &x->helpers[i].ctx;
        if (x->helpers[i].node == node && h->year == c->year && h->scenario == c->scenario
            && h->eliminate == c->eliminate && same_text(h->national_phase, c->national_phase))
            return WORK_FIRST_ROW + (int)i;
    }
    xl_helper *n = bp_grow(x->helpers, &x->caphelpers, x->nhelpers + 1, sizeof *n);
    if (!n) return -1;
    x->helpers = n;
    x->helpers[x->nhelpers].node = node;
    x->helpers[x->nhelpers].ctx = *c;
    /* a term too long for a formula is reported at the term, in the KPI that asked */
    x->helpers[x->nhelpers].src = x->src;
    x->helpers[x->nhelpers].src.line = node->line;
    x->helpers[x->nhelpers].src.column = node->column;
    return WORK_FIRST_ROW + (int)x->nhelpers++;
}

/* Compile a cell formula for an expression into x->fb. */
static bool cell_formula(xl *x, const bp_expr *e, const bp_expr_ctx *c, bool money,
                         const char *what)
{
    /* a dry run goes on past a limit, but an input already reported is not compiled
     * again for every entity and year: a KPI file at the caps would take minutes */
    if (reported(x, &x->src)) return false;
    return compiled(x, bp_formula_cell(e, c, money, &x->env, &x->fb), what);
}

/* A formula body for an expression, as an owned string (NULL after a failure). */
static char *body_formula(xl *x, const bp_expr *e, const bp_expr_ctx *c, const char *what)
{
    if (reported(x, &x->src) || !compiled(x, bp_formula_expr(e, c, &x->env, &x->fb), what)) return NULL;
    return copy_text(x, x->fb.s);
}

/* ---- Institutions ---- */

/* The academic year from which years_in_trust counts: bp_years_in_trust is the year
 * less this (a school joining after 1 September counts from the next year). */
static int base_year(const bp_institution *in)
{
    int y, mo, d;
    bp_date_ymd(in->joined, &y, &mo, &d);
    return y + (mo > 9 || (mo == 9 && d > 1));
}

static void write_institution(xl *x, int pos)
{
    const xl_sheet s = XS_INSTITUTIONS;
    const bp_institution *in = &x->m->insts[x->inst_order[pos]];
    int row = BP_XL_INST_FIRST_ROW + pos;
    char ref[16], formula[128];
    set_src(x, "institutions.csv", in->line, 0, "an institution");
    put_text(x, s, row, BP_XL_INST_ID, in->id, x->f.text);
    put_text(x, s, row, BP_XL_INST_NAME, in->name, x->f.text);
    put_text(x, s, row, BP_XL_INST_PHASE, bp_phase_id(in->phase), x->f.text);
    put_date(x, s, row, BP_XL_INST_JOINED, in->joined);
    if (in->has_capacity) put_number(x, s, row, BP_XL_INST_CAPACITY, (double)in->capacity, x->f.whole);
    if (in->has_pan) put_number(x, s, row, BP_XL_INST_PAN, (double)in->pan, x->f.whole);
    if (in->lgb) put_text(x, s, row, BP_XL_INST_LGB, in->lgb, x->f.text);
    bp_formula_ref(ref, sizeof ref, NULL, row, BP_XL_INST_JOINED);
    snprintf(formula, sizeof formula, "=YEAR(%s)+IF(%s>DATE(YEAR(%s),9,1),1,0)", ref, ref, ref);
    put_formula(x, s, row, BP_XL_INST_BASE, formula, x->f.quantity, cache_double(base_year(in)));
    bp_formula_ref(ref, sizeof ref, NULL, row, BP_XL_INST_BASE);
    snprintf(formula, sizeof formula, "=%d-%s", x->s->year, ref);
    put_formula(x, s, row, BP_XL_INST_YEARS, formula, x->f.quantity,
                cache_double(bp_years_in_trust(in, x->s->year)));
}

static void write_institutions(xl *x)
{
    const xl_sheet s = XS_INSTITUTIONS;
    char yb[16], years[48];
    bp_year_format(x->s->year, yb, sizeof yb);
    snprintf(years, sizeof years, "Years in trust %s", yb);
    const char *heads[BP_XL_INST_NCOLS] = {"ID", "Name", "Phase", "Joined", "Capacity", "PAN",
                                           "LGB", "Counts from", years};
    put_title(x, s, "Institutions",
              "Grouped by phase; years in trust are whole years from joining to 1 September "
              "(the year less 'Counts from').");
    put_headers(x, s, BP_XL_INST_FIRST_ROW - 1, 0, heads, BP_XL_INST_NCOLS);
    for (size_t p = 0; p < x->m->ninsts; p++) write_institution(x, (int)p);
    set_col(x, s, BP_XL_INST_ID, BP_XL_INST_ID, 12, NULL);
    set_col(x, s, BP_XL_INST_NAME, BP_XL_INST_NAME, 44, NULL);
    set_col(x, s, BP_XL_INST_PHASE, BP_XL_INST_PHASE, 22, NULL);
    set_col(x, s, BP_XL_INST_JOINED, BP_XL_INST_YEARS, 13, NULL);
    worksheet_freeze_panes(x->ws[s], BP_XL_INST_FIRST_ROW, 0);
    print_setup(x, s, BP_XL_INST_FIRST_ROW - 1, BP_XL_INST_FIRST_ROW - 1);
}

/* "Institutions!$A$5:$C$9": the id..phase block the Data and Courses keys look up. */
static void inst_lookup_range(const xl *x, char *buf, size_t size)
{
    char a[64], b[16];
    int last = BP_XL_INST_FIRST_ROW + (int)(x->m->ninsts ? x->m->ninsts : 1) - 1;
    bp_formula_ref(a, sizeof a, BP_XL_SHEET_INSTITUTIONS, BP_XL_INST_FIRST_ROW, BP_XL_INST_ID);
    bp_formula_ref(b, sizeof b, NULL, last, BP_XL_INST_PHASE);
    snprintf(buf, size, "%s:%s", a, b);
}

/* ---- Targets ---- */

enum {
    TG_KPI, TG_NAME, TG_TEXT, TG_CMP, TG_LO, TG_HI, TG_AMBER, TG_SCOPE = TG_AMBER + 4, TG_PHASES,
    TG_SCENARIOS, TG_FROM, TG_WHEN, TG_NCOLS
};
/* Grade scale rows: points (score, test, threshold) and grade bands (lowest total). */
enum { GS_SCORE = 2, GS_TEST = 3, GS_THRESHOLD = 4 };
#define TARGETS_FIRST_ROW 4

/* Row numbers of everything the formulas point at on Targets, before it is written. */
static void plan_targets(xl *x)
{
    const bp_kpiset *ks = &x->s->kpis;
    size_t nt = 0, nm = 0, np = 0, nb = 0;
    for (size_t k = 0; k < ks->count; k++) {
        nt += ks->kpis[k].ntargets;
        nb += ks->kpis[k].ngrades;
        for (size_t i = 0; i < ks->kpis[k].nmeasures; i++) np += ks->kpis[k].measures[i].npoints;
        nm += ks->kpis[k].nmeasures;
    }
    x->target0 = malloc((ks->count + 1) * sizeof *x->target0);
    x->measure0 = malloc((ks->count + 1) * sizeof *x->measure0);
    x->band0 = malloc((ks->count + 1) * sizeof *x->band0);
    x->target_row = malloc((nt + 1) * sizeof *x->target_row);
    x->points0 = malloc((nm + 1) * sizeof *x->points0);
    x->points_row = malloc((np + 1) * sizeof *x->points_row);
    x->band_row = malloc((nb + 1) * sizeof *x->band_row);
    x->bench_row = malloc((x->m->nbenchmarks + 1) * sizeof *x->bench_row);
    if (!x->target0 || !x->measure0 || !x->band0 || !x->target_row || !x->points0
        || !x->points_row || !x->band_row || !x->bench_row) {
        nomem(x);
        return;
    }
    int row = TARGETS_FIRST_ROW;
    nt = nm = np = nb = 0;
    for (size_t k = 0; k < ks->count; k++) {
        x->target0[k] = nt;
        for (size_t t = 0; t < ks->kpis[k].ntargets; t++) x->target_row[nt++] = row++;
    }
    x->tg_bench_at = row;
    row += 3;   /* blank, section title, header */
    for (size_t i = 0; i < x->m->nbenchmarks; i++) x->bench_row[i] = row++;
    x->tg_grades_at = row;
    row += 3;
    for (size_t k = 0; k < ks->count; k++) {
        const bp_kpi *kp = &ks->kpis[k];
        x->measure0[k] = nm;
        x->band0[k] = nb;
        for (size_t i = 0; i < kp->nmeasures; i++) {
            x->points0[nm++] = np;
            for (size_t j = 0; j < kp->measures[i].npoints; j++) x->points_row[np++] = row++;
        }
        for (size_t g = 0; g < kp->ngrades; g++) x->band_row[nb++] = row++;
    }
    x->tg_defs_at = row;
}

static void target_cell(const xl *x, char *buf, size_t size, size_t kpi, size_t t, int col)
{
    bp_formula_ref(buf, size, BP_XL_SHEET_TARGETS, x->target_row[x->target0[kpi] + t], col);
}

/* The grade band a grade target names ("min Good"): its threshold is that band's
 * lowest total, so the cell links to the grade scale. */
static int target_band(const bp_kpi *k, const bp_target *t, bp_num v)
{
    const char *label = strchr(t->text, ' ');
    for (size_t g = 0; label && g < k->ngrades; g++)
        if (k->grades[g].has_min && bp_num_cmp(k->grades[g].min, v) == 0
            && strcmp(label + 1, k->grades[g].label) == 0)
            return (int)g;
    return -1;
}

static lxw_format *kpi_format(const xl *x, const bp_kpi *k) { return unit_format(x, k->unit); }

/* Thresholds such as 0.25% must not read as 0.3%. */
static lxw_format *threshold_format(const xl *x, const bp_kpi *k)
{
    return k->unit == BP_UNIT_PERCENT ? x->f.fine_percent : kpi_format(x, k);
}

static void put_threshold(xl *x, int row, int col, size_t kpi, const bp_target *t,
                          const bp_expr *th)
{
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    if (!th) return;
    if (th->op != BP_E_NUM) {
        char text[256];
        bp_expr_to_text(th, text, sizeof text);
        put_text(x, XS_TARGETS, row, col, text, x->f.formula_text);
        return;
    }
    int band = target_band(k, t, th->num);
    if (band >= 0)
        put_link(x, XS_TARGETS, row, col, XS_TARGETS, x->band_row[x->band0[kpi] + (size_t)band],
                 GS_SCORE, x->f.whole, cache_num(th->num, false));
    else
        put_number(x, XS_TARGETS, row, col, bp_num_to_double(th->num), threshold_format(x, k));
}

/* "institution, phase", "sixth_form_college", "budget, forecast": a flag set as words. */
static void flag_words(unsigned flags, const char *(*name)(int), int n, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (!(flags & (1u << i))) continue;
        int w = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", name(i));
        if (w < 0 || (size_t)w >= size - len) return;
        len += (size_t)w;
    }
}

static const char *scope_word(int i)
{
    static const char *const w[] = {"institution", "phase", "trust", "course"};
    return i < 4 ? w[i] : "?";
}
static const char *phase_word(int i) { return bp_phase_id((bp_phase)i); }
static const char *scenario_word(int i) { return bp_scenario_id((bp_scenario)i); }

static void write_target(xl *x, size_t kpi, size_t ti)
{
    const xl_sheet s = XS_TARGETS;
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    const bp_target *t = &k->targets[ti];
    int row = x->target_row[x->target0[kpi] + ti];
    static const char *const cmp[] = {"min", "max", "band"};
    char buf[256];
    set_src(x, k->file, t->line, 0, "a target of %s '%s'", k->expr ? "KPI" : "grade", k->id);
    put_text(x, s, row, TG_KPI, k->id, x->f.text);
    put_text(x, s, row, TG_NAME, k->name, x->f.text);
    put_text(x, s, row, TG_TEXT, t->text, x->f.text);
    put_text(x, s, row, TG_CMP, cmp[t->cmp], x->f.text);
    if (t->cmp != BP_CMP_MAX) put_threshold(x, row, TG_LO, kpi, t, t->lo);
    if (t->cmp != BP_CMP_MIN) put_threshold(x, row, TG_HI, kpi, t, t->hi);
    for (size_t a = 0; a < t->namber; a++) {
        put_number(x, s, row, TG_AMBER + 2 * (int)a, bp_num_to_double(t->amber[a].lo),
                   threshold_format(x, k));
        put_number(x, s, row, TG_AMBER + 2 * (int)a + 1, bp_num_to_double(t->amber[a].hi),
                   threshold_format(x, k));
    }
    flag_words(t->scopes ? t->scopes : 7u, scope_word, 4, buf, sizeof buf);
    put_text(x, s, row, TG_SCOPE, buf, x->f.text);
    flag_words(t->phases, phase_word, BP_PHASE_COUNT, buf, sizeof buf);
    put_text(x, s, row, TG_PHASES, t->phases ? buf : "every phase", x->f.text);
    flag_words(t->scenarios, scenario_word, BP_SCENARIO_COUNT, buf, sizeof buf);
    put_text(x, s, row, TG_SCENARIOS, t->scenarios ? buf : "every scenario", x->f.text);
    if (t->from_year) {
        bp_year_format(t->from_year, buf, sizeof buf);
        put_text(x, s, row, TG_FROM, buf, x->f.text);
    }
    if (t->when) {
        bp_expr_to_text(t->when, buf, sizeof buf);
        put_text(x, s, row, TG_WHEN, buf, x->f.formula_text);
    }
}

static void write_benchmarks(xl *x)
{
    int row = x->tg_bench_at;
    const xl_sheet s = XS_TARGETS;
    static const char *const heads[] = {"Year", "Phase", "KPI", "Value"};
    char yb[16];
    put_text(x, s, row + 1, 0, "National benchmarks (national.csv): the thresholds of national() targets",
             x->f.bold);
    put_headers(x, s, row + 2, 0, heads, 4);
    for (size_t i = 0; i < x->m->nbenchmarks; i++) {
        const bp_benchmark *b = &x->m->benchmarks[i];
        int kpi = bp_kpi_find(&x->s->kpis, b->kpi);
        set_src(x, "national.csv", 0, 0, "the benchmarks");
        int r = x->bench_row[i];
        bp_year_format(b->year, yb, sizeof yb);
        put_text(x, s, r, 0, yb, x->f.text);
        put_text(x, s, r, 1, b->phase, x->f.text);
        put_text(x, s, r, 2, b->kpi, x->f.text);
        put_number(x, s, r, BP_XL_BENCH_VALUE_COL, bp_num_to_double(b->value),
                   kpi >= 0 ? threshold_format(x, &x->s->kpis.kpis[kpi]) : x->f.quantity);
    }
}

static void write_points_scale(xl *x, size_t kpi, size_t m)
{
    const bp_measure *ms = &x->s->kpis.kpis[kpi].measures[m];
    size_t p0 = x->points0[x->measure0[kpi] + m];
    set_src(x, x->s->kpis.kpis[kpi].file, ms->line, 0, "measure '%s'", ms->id);
    for (size_t j = 0; j < ms->npoints; j++) {
        const bp_points *pt = &ms->points[j];
        int r = x->points_row[p0 + j];
        put_text(x, XS_TARGETS, r, 0, x->s->kpis.kpis[kpi].id, x->f.text);
        put_text(x, XS_TARGETS, r, 1, ms->name, x->f.text);
        put_number(x, XS_TARGETS, r, GS_SCORE, bp_num_to_double(pt->score), x->f.quantity);
        put_text(x, XS_TARGETS, r, GS_TEST, !pt->has_threshold ? "otherwise" : pt->at_most ? "<=" : ">=",
                 x->f.text);
        if (pt->has_threshold)
            put_number(x, XS_TARGETS, r, GS_THRESHOLD, bp_num_to_double(pt->threshold),
                       unit_format(x, ms->unit));
    }
}

static void write_grade_scales(xl *x)
{
    int row = x->tg_grades_at;
    const xl_sheet s = XS_TARGETS;
    const bp_kpiset *ks = &x->s->kpis;
    static const char *const heads[] = {"KPI", "Measure or grade", "Points / lowest total", "Test",
                                        "Threshold"};
    put_text(x, s, row + 1, 0, "Grade scales: the points each measure scores, and the grades "
             "by total points", x->f.bold);
    put_headers(x, s, row + 2, 0, heads, 5);
    for (size_t k = 0; k < ks->count; k++) {
        const bp_kpi *kp = &ks->kpis[k];
        for (size_t m = 0; m < kp->nmeasures; m++) write_points_scale(x, k, m);
        set_src(x, kp->file, kp->line, 1, "grade '%s'", kp->id);
        for (size_t g = 0; g < kp->ngrades; g++) {
            int r = x->band_row[x->band0[k] + g];
            char label[160];
            text_fmt(label, sizeof label, "Grade: %s", kp->grades[g].label);
            put_text(x, s, r, 0, kp->id, x->f.text);
            put_text(x, s, r, 1, label, x->f.text);
            if (kp->grades[g].has_min) {
                put_number(x, s, r, GS_SCORE, bp_num_to_double(kp->grades[g].min), x->f.quantity);
                put_text(x, s, r, GS_TEST, ">=", x->f.text);
            } else {
                put_text(x, s, r, GS_TEST, "otherwise", x->f.text);
            }
        }
    }
}

static void write_definitions(xl *x)
{
    int row = x->tg_defs_at;
    const xl_sheet s = XS_TARGETS;
    const bp_kpiset *ks = &x->s->kpis;
    static const char *const heads[] = {"KPI", "Name", "Unit", "Section", "Expression",
                                        "Description"};
    put_text(x, s, row + 1, 0, "KPI definitions: the expressions every formula in this workbook "
             "is compiled from", x->f.bold);
    put_headers(x, s, row + 2, 0, heads, 6);
    row += 3;
    for (size_t k = 0; k < ks->count; k++, row++) {
        const bp_kpi *kp = &ks->kpis[k];
        char text[1024];
        set_src(x, kp->file, kp->line, 1, "%s '%s'", kp->expr ? "KPI" : "grade", kp->id);
        put_text(x, s, row, 0, kp->id, x->f.text);
        put_text(x, s, row, 1, kp->name, x->f.text);
        put_text(x, s, row, 2, bp_unit_id(kp->unit), x->f.text);
        put_text(x, s, row, 3, kp->section ? kp->section : "", x->f.text);
        if (kp->expr) bp_expr_to_text(kp->expr, text, sizeof text);
        else snprintf(text, sizeof text, "grade: the total points of its measures");
        put_text(x, s, row, 4, text, x->f.formula_text);
        put_text(x, s, row, 5, kp->description ? kp->description : "", x->f.text);
    }
}

static void write_targets(xl *x)
{
    const xl_sheet s = XS_TARGETS;
    const bp_kpiset *ks = &x->s->kpis;
    static const char *const heads[TG_NCOLS] = {
        "KPI", "Name", "Target", "Comparator", "Lower", "Upper", "Amber from", "Amber to",
        "Amber from", "Amber to", "Applies to", "Phases", "Scenarios", "From", "When"};
    put_title(x, s, "Targets and thresholds",
              "Edit a threshold here and every status that depends on it updates. Thresholds are "
              "inclusive: a value on a threshold meets it; a value on an amber edge is amber.");
    put_headers(x, s, TARGETS_FIRST_ROW - 1, 0, heads, TG_NCOLS);
    for (size_t k = 0; k < ks->count; k++)
        for (size_t t = 0; t < ks->kpis[k].ntargets; t++) write_target(x, k, t);
    write_benchmarks(x);
    write_grade_scales(x);
    write_definitions(x);
    set_col(x, s, TG_KPI, TG_KPI, 24, NULL);
    set_col(x, s, TG_NAME, TG_NAME, 40, NULL);
    set_col(x, s, TG_TEXT, TG_TEXT, 22, NULL);
    set_col(x, s, TG_CMP, TG_CMP, 11, NULL);
    set_col(x, s, TG_LO, TG_AMBER + 3, 11, NULL);
    set_col(x, s, TG_SCOPE, TG_PHASES, 28, NULL);
    set_col(x, s, TG_SCENARIOS, TG_SCENARIOS, 18, NULL);
    set_col(x, s, TG_FROM, TG_FROM, 9, NULL);
    set_col(x, s, TG_WHEN, TG_WHEN, 22, NULL);
    worksheet_freeze_panes(x->ws[s], TARGETS_FIRST_ROW, 1);
    print_setup(x, s, TARGETS_FIRST_ROW - 1, TARGETS_FIRST_ROW - 1);
}

/* ---- Data ---- */

enum { DT_INST, DT_YEAR, DT_SCEN, DT_CODE, DT_VALUE, DT_SOURCE, DT_KEY, DT_NCOLS };

/* The key a fact is selected by: phase|institution|year|scenario (bp_formula.h). */
static void fact_key(const xl *x, const bp_fact *f, char *buf, size_t size)
{
    char yb[16];
    const bp_institution *in = &x->m->insts[f->inst];
    bp_year_format(f->year, yb, sizeof yb);
    const char *parts[4] = {bp_phase_id(in->phase), in->id, yb, bp_scenario_id(f->scenario)};
    bp_formula_key(buf, size, parts, 4);
}

/* The key as a formula over the row, the phase looked up on Institutions, so that a
 * fact row added by hand is picked up by every formula. */
static void key_formula(char *buf, size_t size, const char *lookup, int row, int inst_col,
                        int year_col, int scen_col)
{
    char i[16], y[16], sc[16];
    bp_formula_ref(i, sizeof i, NULL, row, inst_col);
    bp_formula_ref(y, sizeof y, NULL, row, year_col);
    int n = snprintf(buf, size, "=IFERROR(VLOOKUP(%s,%s,%d,FALSE),\"?\")&\"|\"&%s&\"|\"&%s", i,
                     lookup, BP_XL_INST_PHASE - BP_XL_INST_ID + 1, i, y);
    if (scen_col >= 0 && n > 0 && (size_t)n < size) {
        bp_formula_ref(sc, sizeof sc, NULL, row, scen_col);
        snprintf(buf + n, size - (size_t)n, "&\"|\"&%s", sc);
    }
}

static void write_fact(xl *x, size_t i, const char *lookup)
{
    const xl_sheet s = XS_DATA;
    const bp_fact *f = &x->m->facts[i];
    int row = (int)i + 1;
    char yb[16], buf[160], formula[256];
    set_src(x, x->m->inputs[f->file].name, f->line, 0, "a fact");
    bp_year_format(f->year, yb, sizeof yb);
    put_text(x, s, row, DT_INST, x->m->insts[f->inst].id, NULL);
    put_text(x, s, row, DT_YEAR, yb, NULL);
    put_text(x, s, row, DT_SCEN, bp_scenario_id(f->scenario), NULL);
    put_text(x, s, row, DT_CODE, f->code, NULL);
    if (f->money) put_money(x, s, row, DT_VALUE, f->value, x->f.money);
    else put_number(x, s, row, DT_VALUE, (double)f->value / 1e6, x->f.quantity);
    snprintf(buf, sizeof buf, "%s:%d", x->m->inputs[f->file].name, f->line);
    put_text(x, s, row, DT_SOURCE, buf, NULL);
    key_formula(formula, sizeof formula, lookup, row, DT_INST, DT_YEAR, DT_SCEN);
    fact_key(x, f, buf, sizeof buf);
    put_formula(x, s, row, DT_KEY, formula, NULL, cache_text(buf));
}

static void define(xl *x, const char *name, const char *formula)
{
    if (!xml_text_ok(x, name, "a defined name") || !xml_text_ok(x, formula, name)) return;
    check_book(x, workbook_define_name(x->wb, name, formula), name);
}

static int line_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* More facts than the Data sheet has rows below its header: an error at the first fact
 * that does not fit, in reading order (the files in the documented order, each top to
 * bottom). */
static void too_many_facts(xl *x, size_t cap)
{
    const bp_model *m = x->m;
    size_t before = 0;
    for (size_t file = 0; file < m->ninputs; file++) {
        size_t here = 0;
        for (size_t i = 0; i < m->nfacts; i++) here += m->facts[i].file == (int)file;
        if (before + here <= cap) {
            before += here;
            continue;
        }
        int *lines = malloc(here * sizeof *lines);
        if (!lines) {
            nomem(x);
            return;
        }
        size_t k = 0;
        for (size_t i = 0; i < m->nfacts; i++)
            if (m->facts[i].file == (int)file) lines[k++] = m->facts[i].line;
        qsort(lines, here, sizeof *lines, line_cmp);
        xl_src at = {m->inputs[file].name, lines[cap - before], 0, "a fact"};
        free(lines);
        limit(x, &at, "found more than %zu facts, expected at most %zu: the rows of the workbook's "
              "Data sheet below its header", cap, cap);
        x->full[XS_DATA] = true;
        return;
    }
}

static void write_data(xl *x)
{
    const xl_sheet s = XS_DATA;
    static char *heads[DT_NCOLS] = {"Institution", "Year", "Scenario", "Code", "Value", "Source",
                                    "Key"};
    size_t n = x->m->nfacts;
    char lookup[80];
    /* one row a fact, below the header */
    if (n > BP_EXCEL_ROWS - 1) {
        too_many_facts(x, BP_EXCEL_ROWS - 1);
        n = BP_EXCEL_ROWS - 1;
    }
    inst_lookup_range(x, lookup, sizeof lookup);
    if (n && live(x)) {
        lxw_table_column cols[DT_NCOLS], *ptrs[DT_NCOLS + 1];
        memset(cols, 0, sizeof cols);
        for (int c = 0; c < DT_NCOLS; c++) {
            if (!cell_text_ok(x, heads[c], s, 0, c)) return;
            cols[c].header = heads[c];
            ptrs[c] = &cols[c];
        }
        ptrs[DT_NCOLS] = NULL;
        lxw_table_options opt;
        memset(&opt, 0, sizeof opt);
        opt.name = "Facts";
        opt.columns = ptrs;
        opt.style_type = LXW_TABLE_STYLE_TYPE_LIGHT;
        opt.style_type_number = 9;
        check(x, worksheet_add_table(x->ws[s], 0, 0, (lxw_row_t)n, DT_NCOLS - 1, &opt), s, 0, 0);
    } else {
        put_headers(x, s, 0, 0, (const char *const *)heads, DT_NCOLS);
    }
    /* a dry run counts the rows (above) and need not write a million facts out: their
     * texts are CSV fields, which hold no more than a cell does (bp_csv), and their
     * formulas are a short lookup */
    for (size_t i = 0; i < n && live(x) && !x->dry; i++) write_fact(x, i, lookup);
    set_col(x, s, DT_INST, DT_SCEN, 11, NULL);
    set_col(x, s, DT_CODE, DT_CODE, 34, NULL);
    set_col(x, s, DT_VALUE, DT_VALUE, 16, NULL);
    set_col(x, s, DT_SOURCE, DT_SOURCE, 18, NULL);
    set_col(x, s, DT_KEY, DT_KEY, 40, NULL);
    worksheet_freeze_panes(x->ws[s], 1, 0);
    print_setup(x, s, 0, 0);
    define(x, BP_XL_FACT_VALUE, "=Data!$E:$E");
    define(x, BP_XL_FACT_CODE, "=Data!$D:$D");
    define(x, BP_XL_FACT_SOURCE, "=Data!$F:$F");
    define(x, BP_XL_FACT_KEY, "=Data!$G:$G");
}

/* ---- statuses ---- */

static int max_places(int a, int b) { return a < 0 || b < 0 ? -1 : (a > b ? a : b); }

/* A value a status, points or grade formula decides on: its cell, and what the cell
 * holds - an expression (a KPI's or a measure's), or a grade's total. */
typedef struct {
    const char *cell;
    const bp_expr *e;        /* NULL: a grade's total, the engine's value total */
    bool money;              /* the cell is rounded to the penny */
    bp_num total;            /* a grade's total */
    int places;              /* a grade's total: where it is exact */
    const char *kpi, *measure;   /* what it is, for the Ratios sheet */
} xl_value;

/* How the formula compares the value (bp_formula_exact), with the text it points at. */
typedef struct {
    bp_formula_exact ex;
    char num[96], den[96];
} xl_exact;

/* Ratios: title, subtitle, a blank row and the header above the whole numbers. */
#define RATIO_FIRST_ROW 4
enum { RT_KPI, RT_ENTITY, RT_COURSE, RT_YEAR, RT_SCEN, RT_NUM, RT_DEN, RT_SCALE, RT_NCOLS };

static bool same_ctx(const bp_expr_ctx *a, const bp_expr_ctx *b)
{
    return a->members == b->members && a->nmembers == b->nmembers && a->year == b->year
           && a->scenario == b->scenario && a->eliminate == b->eliminate
           && a->national_phase == b->national_phase && a->course == b->course;
}

/* The Ratios row holding num (and den, NULL for a value on its own) in units of
 * 10^-parts for ctx; -1 when out of memory. */
static int ratio_row(xl *x, const xl_value *v, const bp_expr *num, const bp_expr *den,
                     const bp_expr_ctx *c, int parts)
{
    for (size_t i = 0; i < x->nratios; i++) {
        const xl_ratio *r = &x->ratios[i];
        if (r->num == num && r->den == den && r->parts == parts && same_ctx(&r->ctx, c))
            return RATIO_FIRST_ROW + (int)i;
    }
    xl_ratio *n = bp_grow(x->ratios, &x->capratios, x->nratios + 1, sizeof *n);
    if (!n) return -1;
    x->ratios = n;
    x->ratios[x->nratios] = (xl_ratio){num, den, *c, parts, v->kpi, v->measure, x->src};
    /* at the expression whose parts they are */
    xl_src *src = &x->ratios[x->nratios].src;
    src->line = v->e->line;
    src->column = v->e->column;
    snprintf(src->what, sizeof src->what, "the numerator and denominator of %s%s%s '%s'",
             v->measure ? "measure '" : "", v->measure ? v->measure : "",
             v->measure ? "' of grade" : "KPI", v->kpi);
    return RATIO_FIRST_ROW + (int)x->nratios++;
}

static void ratio_refs(xl *x, xl_exact *p, int row, bool den)
{
    bp_formula_ref(p->num, sizeof p->num, sheet_info[XS_RATIOS].name, row, RT_NUM);
    if (den) bp_formula_ref(p->den, sizeof p->den, sheet_info[XS_RATIOS].name, row, RT_DEN);
    p->ex.num = p->num;
    p->ex.den = den ? p->den : NULL;
    (void)x;
}

/* The exact comparison of a value with the thresholds th (the engine's values, for the
 * bounds): a division of two exact decimals through its numerator and denominator on
 * Ratios; another exact decimal through its own cell, when the cell holds it exactly,
 * else through Ratios; anything else as before, rounded (bp_formula.h, "Exactness"). */
static void plan_exact(xl *x, xl_exact *p, const xl_value *v, const bp_expr_ctx *c,
                       const bp_num *th, size_t nth)
{
    const bp_expr *e = v->e;
    memset(p, 0, sizeof *p);
    p->ex.kind = BP_EXACT_NONE;
    p->ex.places = e ? (v->money ? 2 : bp_formula_places(e, c)) : v->places;
    int parts, scale, row;
    if (e && e->op == BP_E_DIV) {
        int pa = bp_formula_places(e->a, c), pb = bp_formula_places(e->b, c);
        if (pa >= 0 && pb >= 0) {
            bp_formula_ratio_scales(bp_expr_eval(e->a, c), bp_expr_eval(e->b, c), max_places(pa, pb),
                                    th, nth, &parts, &scale);
            if (scale < 0) return;
            if ((row = ratio_row(x, v, e->a, e->b, c, parts)) < 0) {
                nomem(x);
                return;
            }
            ratio_refs(x, p, row, true);
            p->ex.kind = BP_EXACT_RATIO;
            p->ex.scale = scale;
            return;
        }
    }
    int places = e ? bp_formula_places(e, c) : v->places;
    if (places < 0) return;
    bp_formula_decimal_scale(e ? bp_expr_eval(e, c) : v->total, places, th, nth, &scale);
    if (scale < 0) return;
    p->ex.kind = BP_EXACT_DECIMAL;
    p->ex.scale = scale;
    if (!e || !v->money || places <= 2) {
        bp_formula_whole(p->num, sizeof p->num, v->cell, scale);
        p->ex.num = p->num;
        return;
    }
    /* a money figure with more places than the penny its cell is rounded to */
    if ((row = ratio_row(x, v, e, NULL, c, scale)) < 0) {
        nomem(x);
        p->ex.kind = BP_EXACT_NONE;
        return;
    }
    ratio_refs(x, p, row, false);
}

/* The candidate targets of one value as bp_formula rules, with the strings they own and
 * the engine's thresholds. */
typedef struct {
    bp_formula_rule *rules;
    char **owned;
    size_t nrules, nowned;
    bp_num *th;
    size_t nth;
} xl_rules;

static bool rules_init(xl *x, xl_rules *r, size_t ntargets)
{
    memset(r, 0, sizeof *r);
    r->rules = calloc(ntargets ? ntargets : 1, sizeof *r->rules);
    r->owned = calloc(7 * (ntargets ? ntargets : 1), sizeof *r->owned);
    r->th = calloc(6 * (ntargets ? ntargets : 1), sizeof *r->th);
    if (r->rules && r->owned && r->th) return true;
    nomem(x);
    free(r->rules);
    free(r->owned);
    free(r->th);
    return false;
}

static void rules_free(xl_rules *r)
{
    for (size_t i = 0; i < r->nowned; i++) free(r->owned[i]);
    free(r->owned);
    free(r->rules);
    free(r->th);
}

static const char *own(xl_rules *r, char *s)
{
    if (s) r->owned[r->nowned++] = s;
    return s;
}

/* A threshold: its Targets cell when it is a number, else its compiled expression
 * (national() - the benchmark cell for the entity's phase and year). */
static const char *threshold(xl *x, xl_rules *r, size_t kpi, size_t ti, const bp_expr *th,
                             const bp_expr_ctx *c, int col)
{
    char ref[80];
    if (!th) return own(r, copy_text(x, "NA()"));
    r->th[r->nth++] = th->op == BP_E_NUM ? th->num : bp_expr_eval(th, c);
    if (th->op != BP_E_NUM) return own(r, body_formula(x, th, c, "a threshold"));
    target_cell(x, ref, sizeof ref, kpi, ti, col);
    return own(r, copy_text(x, ref));
}

static void add_rule(xl *x, xl_rules *r, size_t kpi, size_t ti, const bp_expr_ctx *c,
                     const char *when)
{
    const bp_target *t = &x->s->kpis.kpis[kpi].targets[ti];
    bp_formula_rule *rule = &r->rules[r->nrules++];
    char ref[80];
    rule->cmp = t->cmp;
    if (when) rule->when = own(r, copy_text(x, when));
    else if (t->when) rule->when = own(r, body_formula(x, t->when, c, "a target condition"));
    if (t->cmp != BP_CMP_MAX) rule->lo = threshold(x, r, kpi, ti, t->lo, c, TG_LO);
    if (t->cmp != BP_CMP_MIN) rule->hi = threshold(x, r, kpi, ti, t->hi, c, TG_HI);
    for (size_t a = 0; a < t->namber; a++) {
        r->th[r->nth++] = t->amber[a].lo;
        r->th[r->nth++] = t->amber[a].hi;
        for (int end = 0; end < 2; end++) {
            target_cell(x, ref, sizeof ref, kpi, ti, TG_AMBER + 2 * (int)a + end);
            rule->amber[a][end] = own(r, copy_text(x, ref));
        }
    }
    rule->namber = t->namber;
}

static void put_status_rules(xl *x, xl_sheet s, int row, int col, const xl_value *v,
                             const bp_expr_ctx *c, xl_rules *r, bp_status cached)
{
    if (!live(x)) return;
    if (r->nrules == 0) {
        put_text(x, s, row, col, "none", x->f.none);
        return;
    }
    xl_exact p;
    plan_exact(x, &p, v, c, r->th, r->nth);
    if (live(x) && compiled(x, bp_formula_status(v->cell, r->rules, r->nrules, &p.ex, &x->fb),
                            "a status"))
        put_formula(x, s, row, col, x->fb.s, x->f.status, cache_text(bp_status_id(cached)));
}

/* A status formula comes from its targets: at the first one's condition or threshold. */
static void target_src(xl *x, const bp_kpi *k, const bp_target *t)
{
    const bp_expr *at = t->when ? t->when : t->lo ? t->lo : t->hi;
    set_src(x, k->file, at ? at->line : t->line, at ? at->column : 0, "the status of %s '%s'",
            k->expr ? "KPI" : "grade", k->id);
}

/* The status of a value cell: the candidate targets of the entity, tried in order. */
static void put_status(xl *x, xl_sheet s, int row, int col, size_t kpi, const xl_entity *e,
                       const bp_expr_ctx *c, const xl_value *v, bp_status cached)
{
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    xl_rules r;
    if (!rules_init(x, &r, k->ntargets)) return;
    for (size_t t = 0; t < k->ntargets && live(x); t++)
        if (target_applies(&k->targets[t], e, c->year, c->scenario)) {
            if (!r.nrules) target_src(x, k, &k->targets[t]);
            add_rule(x, &r, kpi, t, c, NULL);
        }
    put_status_rules(x, s, row, col, v, c, &r, cached);
    rules_free(&r);
}

/* "max 75% (sixth_form_college); max 80% (secondary, ...)" for the scorecard. */
static void targets_summary(const bp_kpi *k, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < k->ntargets && len + 1 < size; i++) {
        const bp_target *t = &k->targets[i];
        char who[160] = "";
        if (t->phases) flag_words(t->phases, phase_word, BP_PHASE_COUNT, who, sizeof who);
        else if (t->scopes) flag_words(t->scopes, scope_word, 4, who, sizeof who);
        int w = snprintf(buf + len, size - len, "%s%s%s%s%s", len ? "; " : "", t->text,
                         who[0] ? " (" : "", who, who[0] ? ")" : "");
        if (w < 0) return;
        len += (size_t)w;
    }
    if (len >= size) buf[bp_utf8_whole(buf, size - 1)] = '\0';   /* "£" cut short */
}

/* ---- Courses ---- */

#define COURSES_FIRST_ROW 4

/* KPIs with a per-course target (the first one), as bp_eval's eval_courses finds them. */
static int course_target(const bp_kpi *k)
{
    if (!k->expr) return -1;
    for (size_t t = 0; t < k->ntargets; t++)
        if (k->targets[t].scopes & BP_SCOPE_F_COURSE) return (int)t;
    return -1;
}

static const bp_course_result *course_result(const xl *x, size_t kpi, size_t course)
{
    for (size_t i = 0; i < x->res->ncourses; i++)
        if (x->res->courses[i].kpi == (int)kpi && x->res->courses[i].course == (int)course)
            return &x->res->courses[i];
    return NULL;
}

static void plan_courses(xl *x)
{
    x->course_row = malloc((x->m->ncourses + 1) * sizeof *x->course_row);
    if (!x->course_row) {
        nomem(x);
        return;
    }
    for (size_t i = 0; i < x->m->ncourses; i++) x->course_row[i] = COURSES_FIRST_ROW + (int)i;
}

static void write_course_inputs(xl *x, size_t ci, const char *lookup)
{
    const xl_sheet s = XS_COURSES;
    const bp_course *co = &x->m->courses[ci];
    const bp_institution *in = &x->m->insts[co->inst];
    int row = x->course_row[ci];
    char yb[16], key[96], formula[256];
    set_src(x, "courses.csv", co->line, 0, "a course");
    bp_year_format(co->year, yb, sizeof yb);
    put_text(x, s, row, BP_XL_COURSE_C_INST, in->id, x->f.text);
    put_text(x, s, row, BP_XL_COURSE_C_YEAR, yb, x->f.text);
    put_text(x, s, row, BP_XL_COURSE_C_NAME, co->course, x->f.text);
    put_number(x, s, row, BP_XL_COURSE_C_STUDENTS, (double)co->students, x->f.whole);
    put_money(x, s, row, BP_XL_COURSE_C_INCOME, co->income, x->f.money);
    put_money(x, s, row, BP_XL_COURSE_C_COSTS, co->direct_costs, x->f.money);
    put_text(x, s, row, BP_XL_COURSE_C_MINORITY, co->minority ? "yes" : "no", x->f.text);
    key_formula(formula, sizeof formula, lookup, row, BP_XL_COURSE_C_INST, BP_XL_COURSE_C_YEAR, -1);
    snprintf(key, sizeof key, "%s|%s|%s", bp_phase_id(in->phase), in->id, yb);
    put_formula(x, s, row, BP_XL_COURSE_C_KEY, formula, NULL, cache_text(key));
}

/* One course's result for a KPI: its value over the course row and its status against
 * the per-course target, which an agreed minority subject is exempt from. */
static void write_course_result(xl *x, size_t ci, size_t kpi, int col)
{
    const xl_sheet s = XS_COURSES;
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    const bp_course *co = &x->m->courses[ci];
    const bp_target *t = &k->targets[course_target(k)];
    const bp_course_result *cr = course_result(x, kpi, ci);
    int row = x->course_row[ci], member = co->inst;
    bp_expr_ctx c = inst_ctx(x, member, co->year, BP_ACTUAL);
    c.course = (int)ci;
    if (!cr) return;
    set_src(x, k->file, k->expr->line, k->expr->column, "KPI '%s'", k->id);
    if (!cell_formula(x, k->expr, &c, k->unit == BP_UNIT_MONEY, k->id)) return;
    put_formula(x, s, row, col, x->fb.s, kpi_format(x, k), cache_num(cr->value, k->unit == BP_UNIT_MONEY));
    bool applies = (!t->from_year || co->year >= t->from_year)
                   && (!t->phases || (t->phases & (1u << x->m->insts[member].phase)));
    if (!applies) {
        put_text(x, s, row, col + 1, "none", x->f.none);
        return;
    }
    char value[16], minority[16], when[64];
    bp_formula_ref(value, sizeof value, NULL, row, col);
    bp_formula_ref(minority, sizeof minority, NULL, row, BP_XL_COURSE_C_MINORITY);
    snprintf(when, sizeof when, "IF(%s=\"yes\",0,1)", minority);
    xl_rules r;
    if (!rules_init(x, &r, 1)) return;
    target_src(x, k, t);
    add_rule(x, &r, kpi, (size_t)course_target(k), &c, when);
    xl_value v = {value, k->expr, k->unit == BP_UNIT_MONEY, bp_num_none(), 0, k->id, NULL};
    put_status_rules(x, s, row, col + 1, &v, &c, &r, cr->status);
    rules_free(&r);
}

/* The distinct years of courses.csv, ascending. */
static size_t course_years(const xl *x, int *years, size_t max)
{
    size_t n = 0;
    for (size_t ci = 0; ci < x->m->ncourses; ci++) {
        int y = x->m->courses[ci].year;
        size_t at = 0;
        while (at < n && years[at] < y) at++;
        if ((at < n && years[at] == y) || n == max) continue;
        memmove(years + at + 1, years + at, (n - at) * sizeof *years);
        years[at] = y;
        n++;
    }
    return n;
}

/* One institution's average for one year: each course KPI for the institution, with
 * the institution's targets. */
static void write_average(xl *x, int row, const xl_entity *e, int year, const size_t *kpis,
                          size_t nk)
{
    const xl_sheet s = XS_COURSES;
    char yb[16];
    bp_year_format(year, yb, sizeof yb);
    put_text(x, s, row, 0, e->id, x->f.text);
    put_text(x, s, row, 1, e->name, x->f.text);
    put_text(x, s, row, 2, yb, x->f.text);
    for (size_t j = 0; j < nk; j++) {
        const bp_kpi *k = &x->s->kpis.kpis[kpis[j]];
        const bp_result *res = result_of(x, kpis[j], e, year, BP_ACTUAL);
        bp_expr_ctx c = entity_ctx(x, e, year, BP_ACTUAL);
        int col = 3 + 2 * (int)j;
        char value[16];
        if (!res) continue;
        set_src(x, k->file, k->expr->line, k->expr->column, "KPI '%s'", k->id);
        if (!cell_formula(x, k->expr, &c, k->unit == BP_UNIT_MONEY, k->id)) continue;
        put_formula(x, s, row, col, x->fb.s, kpi_format(x, k),
                    cache_num(res->value, k->unit == BP_UNIT_MONEY));
        bp_formula_ref(value, sizeof value, NULL, row, col);
        xl_value v = {value, k->expr, k->unit == BP_UNIT_MONEY, bp_num_none(), 0, k->id, NULL};
        put_status(x, s, row, col + 1, kpis[j], e, &c, &v, res->status);
    }
}

static bool has_courses(const xl *x, int inst, int year)
{
    for (size_t ci = 0; ci < x->m->ncourses; ci++)
        if (x->m->courses[ci].inst == inst && x->m->courses[ci].year == year) return true;
    return false;
}

/* Each institution's average over its non-minority courses, year by year. */
static void write_course_averages(xl *x, int row, const size_t *kpis, size_t nk)
{
    const xl_sheet s = XS_COURSES;
    int years[64];
    size_t ny = course_years(x, years, 64);
    put_text(x, s, row, 0, "Institution averages: income less direct costs over income, "
             "non-minority courses", x->f.bold);
    put_text(x, s, row + 1, 0, "Institution", x->f.header);
    put_text(x, s, row + 1, 1, "Name", x->f.header);
    put_text(x, s, row + 1, 2, "Year", x->f.header);
    for (size_t j = 0; j < nk; j++) {
        put_text(x, s, row + 1, 3 + 2 * (int)j, x->s->kpis.kpis[kpis[j]].id, x->f.header);
        put_text(x, s, row + 1, 4 + 2 * (int)j, "status", x->f.header);
    }
    int first = row + 2;
    row = first;
    for (size_t p = 0; p < x->m->ninsts && live(x); p++)
        for (size_t yi = 0; yi < ny; yi++)
            if (has_courses(x, x->ents[p].entity, years[yi]))
                write_average(x, row++, &x->ents[p], years[yi], kpis, nk);
    for (size_t j = 0; j < nk && row > first; j++)
        status_colours(x, s, first, 3 + 2 * (int)j, row - 1, 4 + 2 * (int)j);
}

static void define_course_range(xl *x, const char *name, int col)
{
    char a[64], b[16], formula[96];
    int last = COURSES_FIRST_ROW + (int)(x->m->ncourses ? x->m->ncourses : 1) - 1;
    bp_formula_ref(a, sizeof a, BP_XL_SHEET_COURSES, COURSES_FIRST_ROW, col);
    bp_formula_ref(b, sizeof b, NULL, last, col);
    snprintf(formula, sizeof formula, "=%s:%s", a, b);
    define(x, name, formula);
}

static void write_courses(xl *x)
{
    const xl_sheet s = XS_COURSES;
    static const char *const heads[BP_XL_COURSE_NCOLS] = {
        "Institution", "Year", "Course", "Students", "Income", "Direct costs", "Minority", "Key"};
    const bp_kpiset *ks = &x->s->kpis;
    size_t *kpis = malloc((ks->count + 1) * sizeof *kpis), nk = 0;
    char lookup[80];
    if (!kpis) {
        nomem(x);
        return;
    }
    for (size_t k = 0; k < ks->count; k++)
        if (course_target(&ks->kpis[k]) >= 0) kpis[nk++] = k;
    inst_lookup_range(x, lookup, sizeof lookup);
    put_title(x, s, "Post-16 courses",
              "Contribution = (income - direct costs) / income; agreed minority subjects are "
              "exempt from the per-course floor and left out of the averages.");
    put_headers(x, s, COURSES_FIRST_ROW - 1, 0, heads, BP_XL_COURSE_NCOLS);
    for (size_t j = 0; j < nk; j++) {
        put_text(x, s, COURSES_FIRST_ROW - 1, BP_XL_COURSE_NCOLS + 2 * (int)j, ks->kpis[kpis[j]].id,
                 x->f.header);
        put_text(x, s, COURSES_FIRST_ROW - 1, BP_XL_COURSE_NCOLS + 2 * (int)j + 1, "status",
                 x->f.header);
    }
    for (size_t ci = 0; ci < x->m->ncourses && live(x); ci++) {
        write_course_inputs(x, ci, lookup);
        for (size_t j = 0; j < nk; j++)
            write_course_result(x, ci, kpis[j], BP_XL_COURSE_NCOLS + 2 * (int)j);
    }
    int last = COURSES_FIRST_ROW + (int)x->m->ncourses - 1;
    for (size_t j = 0; j < nk && x->m->ncourses; j++) {
        int col = BP_XL_COURSE_NCOLS + 2 * (int)j;
        status_colours(x, s, COURSES_FIRST_ROW, col, last, col + 1);
    }
    if (x->m->ncourses) write_course_averages(x, last + 3, kpis, nk);
    else put_text(x, s, COURSES_FIRST_ROW, 0, "No courses.csv: no course data.", x->f.note);
    free(kpis);
    define_course_range(x, BP_XL_COURSE_KEY, BP_XL_COURSE_C_KEY);
    define_course_range(x, BP_XL_COURSE_MINORITY, BP_XL_COURSE_C_MINORITY);
    define_course_range(x, BP_XL_COURSE_INCOME, BP_XL_COURSE_C_INCOME);
    define_course_range(x, BP_XL_COURSE_COSTS, BP_XL_COURSE_C_COSTS);
    define_course_range(x, BP_XL_COURSE_STUDENTS, BP_XL_COURSE_C_STUDENTS);
    set_col(x, s, 0, 1, 12, NULL);
    set_col(x, s, BP_XL_COURSE_C_NAME, BP_XL_COURSE_C_NAME, 40, NULL);
    set_col(x, s, BP_XL_COURSE_C_STUDENTS, BP_XL_COURSE_C_COSTS, 14, NULL);
    set_col(x, s, BP_XL_COURSE_C_MINORITY, BP_XL_COURSE_C_MINORITY, 9, NULL);
    set_col(x, s, BP_XL_COURSE_C_KEY, BP_XL_COURSE_C_KEY, 30, NULL);
    set_col(x, s, BP_XL_COURSE_NCOLS, BP_XL_COURSE_NCOLS + 2 * (int)(nk ? nk : 1), 12, NULL);
    worksheet_freeze_panes(x->ws[s], COURSES_FIRST_ROW, 0);
    print_setup(x, s, COURSES_FIRST_ROW - 1, COURSES_FIRST_ROW - 1);
}

/* ---- Scorecard and Forecast: KPIs by entity ---- */

#define MX_FIRST_COL 3   /* A: KPI id, B: name, C: targets */
#define MX_NAME_WIDTH 40
#define MX_TARGETS_WIDTH 30

static int value_col(size_t ei) { return MX_FIRST_COL + 2 * (int)ei; }

static bool kpi_has_data(const xl *x, size_t kpi, int year, bp_scenario sc)
{
    for (size_t e = 0; e < x->nents; e++) {
        const bp_result *r = result_of(x, kpi, &x->ents[e], year, sc);
        if (r && r->value.ok) return true;
    }
    return false;
}

/* Entity names over their value and status columns, then KPI, id and "status". */
static void matrix_header(xl *x, xl_sheet s, int row)
{
    static const char *const heads[] = {"KPI", "Name", "Targets"};
    for (int c = 0; c < MX_FIRST_COL; c++) put_blank(x, s, row, c, x->f.header);
    put_headers(x, s, row + 1, 0, heads, MX_FIRST_COL);
    for (size_t e = 0; e < x->nents; e++) {
        int c = value_col(e);
        merge(x, s, row, c, c + 1, x->ents[e].name, x->f.header_wrap);
        put_text(x, s, row + 1, c, x->ents[e].id, x->f.header);
        put_text(x, s, row + 1, c + 1, "status", x->f.header);
    }
    if (live(x)) check(x, worksheet_set_row(x->ws[s], (lxw_row_t)row, 40, NULL), s, row, 0);
}

static void write_kpi_value(xl *x, xl_sheet s, int row, size_t kpi, size_t ei, int year,
                            bp_scenario sc)
{
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    const xl_entity *e = &x->ents[ei];
    const bp_result *r = result_of(x, kpi, e, year, sc);
    bp_expr_ctx c = entity_ctx(x, e, year, sc);
    bool money = k->unit == BP_UNIT_MONEY;
    int col = value_col(ei);
    char value[16];
    if (!r) return;
    set_src(x, k->file, k->expr->line, k->expr->column, "KPI '%s'", k->id);
    if (!cell_formula(x, k->expr, &c, money, k->id)) return;
    put_formula(x, s, row, col, x->fb.s, kpi_format(x, k), cache_num(r->value, money));
    bp_formula_ref(value, sizeof value, NULL, row, col);
    xl_value v = {value, k->expr, money, bp_num_none(), 0, k->id, NULL};
    put_status(x, s, row, col + 1, kpi, e, &c, &v, r->status);
}

static size_t grade_measures(const bp_kpi *k)
{
    return k->nmeasures < BP_MAX_MEASURES ? k->nmeasures : BP_MAX_MEASURES;
}

/* A measure's points over the grade scale on Targets. */
static void write_measure_points(xl *x, xl_sheet s, int row, int col, size_t kpi, size_t m,
                                 const xl_value *v, const bp_expr_ctx *c, bp_num cached)
{
    const bp_measure *ms = &x->s->kpis.kpis[kpi].measures[m];
    size_t p0 = x->points0[x->measure0[kpi] + m], n = ms->npoints;
    bp_formula_points_row *rows = calloc(n ? n : 1, sizeof *rows);
    char (*cells)[2][64] = calloc(n ? n : 1, sizeof *cells);
    bp_num *th = calloc(n ? n : 1, sizeof *th);
    xl_exact p;
    if (!rows || !cells || !th) nomem(x);
    for (size_t j = 0; j < n && live(x); j++) {
        th[j] = ms->points[j].has_threshold ? ms->points[j].threshold : bp_num_none();
        bp_formula_ref(cells[j][0], sizeof cells[j][0], BP_XL_SHEET_TARGETS, x->points_row[p0 + j],
                       GS_SCORE);
        bp_formula_ref(cells[j][1], sizeof cells[j][1], BP_XL_SHEET_TARGETS, x->points_row[p0 + j],
                       GS_THRESHOLD);
        rows[j].score = cells[j][0];
        rows[j].threshold = ms->points[j].has_threshold ? cells[j][1] : NULL;
        rows[j].at_most = ms->points[j].at_most;
    }
    if (live(x)) plan_exact(x, &p, v, c, th, n);
    if (live(x) && compiled(x, bp_formula_points(v->cell, rows, n, &p.ex, &x->fb), ms->id))
        put_formula(x, s, row, col, x->fb.s, x->f.whole, cache_num(cached, false));
    free(rows);
    free(cells);
    free(th);
}

static void write_grade_label(xl *x, xl_sheet s, int row, int col, size_t kpi,
                              const xl_value *total, const bp_expr_ctx *c, int grade)
{
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    const char **labels = calloc(k->ngrades + 1, sizeof *labels);
    const char **mins = calloc(k->ngrades + 1, sizeof *mins);
    char (*cells)[64] = calloc(k->ngrades + 1, sizeof *cells);
    bp_num *th = calloc(k->ngrades + 1, sizeof *th);
    xl_exact p;
    if (!labels || !mins || !cells || !th) nomem(x);
    for (size_t g = 0; g < k->ngrades && live(x); g++) {
        labels[g] = k->grades[g].label;
        th[g] = k->grades[g].has_min ? k->grades[g].min : bp_num_none();
        if (!k->grades[g].has_min) continue;
        bp_formula_ref(cells[g], sizeof cells[g], BP_XL_SHEET_TARGETS, x->band_row[x->band0[kpi] + g],
                       GS_SCORE);
        mins[g] = cells[g];
    }
    if (live(x)) plan_exact(x, &p, total, c, th, k->ngrades);
    if (live(x) && compiled(x, bp_formula_grade_label(total->cell, labels, mins, k->ngrades, &p.ex,
                                                      &x->fb), k->id))
        put_formula(x, s, row, col, x->fb.s, x->f.text,
                    cache_text(grade >= 0 ? k->grades[grade].label : ""));
    free(labels);
    free(mins);
    free(cells);
    free(th);
}

/* A grade KPI for one entity: each measure's value and points (rows below the total),
 * the total with its status, and the grade. */
static void write_grade_values(xl *x, xl_sheet s, int row, size_t kpi, size_t ei, int year,
                               bp_scenario sc)
{
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    const xl_entity *e = &x->ents[ei];
    const bp_result *r = result_of(x, kpi, e, year, sc);
    bp_expr_ctx c = entity_ctx(x, e, year, sc);
    size_t nm = grade_measures(k);
    int col = value_col(ei);
    char points[BP_MAX_MEASURES][16], total[16];
    const char *refs[BP_MAX_MEASURES];
    if (!r) return;
    for (size_t i = 0; i < nm && live(x); i++) {
        const bp_measure *ms = &k->measures[i];
        bool money = ms->unit == BP_UNIT_MONEY;
        char value[16];
        int mrow = row + 1 + (int)i;
        set_src(x, k->file, ms->expr->line, ms->expr->column, "measure '%s' of grade '%s'", ms->id,
                k->id);
        if (!cell_formula(x, ms->expr, &c, money, ms->id)) return;
        put_formula(x, s, mrow, col, x->fb.s, unit_format(x, ms->unit), cache_num(r->measure[i], money));
        bp_formula_ref(value, sizeof value, NULL, mrow, col);
        xl_value v = {value, ms->expr, money, bp_num_none(), 0, k->id, ms->id};
        write_measure_points(x, s, mrow, col + 1, kpi, i, &v, &c, r->points[i]);
        bp_formula_ref(points[i], sizeof points[i], NULL, mrow, col + 1);
        refs[i] = points[i];
    }
    set_src(x, k->file, k->line, 1, "grade '%s'", k->id);
    if (!live(x) || !compiled(x, bp_formula_grade_total(refs, nm, &x->fb), k->id)) return;
    put_formula(x, s, row, col, x->fb.s, x->f.whole, cache_num(r->value, false));
    bp_formula_ref(total, sizeof total, NULL, row, col);
    xl_value v = {total, NULL, false, r->value, bp_formula_grade_places(k), k->id, NULL};
    put_status(x, s, row, col + 1, kpi, e, &c, &v, r->status);
    set_src(x, k->file, k->line, 1, "grade '%s'", k->id);
    write_grade_label(x, s, row + (int)nm + 1, col, kpi, &v, &c, r->grade);
}

static int write_kpi_rows(xl *x, xl_sheet s, int row, size_t kpi, int year, bp_scenario sc)
{
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    char targets[512], label[160];
    set_src(x, k->file, k->line, 1, "%s '%s'", k->expr ? "KPI" : "grade", k->id);
    targets_summary(k, targets, sizeof targets);
    put_text(x, s, row, 0, k->id, x->f.text);
    put_text(x, s, row, 1, k->name, x->f.wrap);
    put_text(x, s, row, 2, targets, x->f.wrap);
    fit_row(x, s, row, max_int(wrapped_lines(k->name, MX_NAME_WIDTH),
                               wrapped_lines(targets, MX_TARGETS_WIDTH)));
    if (k->expr) {
        for (size_t e = 0; e < x->nents && live(x); e++) write_kpi_value(x, s, row, kpi, e, year, sc);
        return row + 1;
    }
    size_t nm = grade_measures(k);
    for (size_t i = 0; i < nm; i++) {
        snprintf(label, sizeof label, "%s/%s", k->id, k->measures[i].id);
        put_text(x, s, row + 1 + (int)i, 0, label, x->f.text);
        text_fmt(label, sizeof label, "    %s (value, points)", k->measures[i].name);
        put_text(x, s, row + 1 + (int)i, 1, label, x->f.text);
    }
    snprintf(label, sizeof label, "%s/grade", k->id);
    put_text(x, s, row + 1 + (int)nm, 0, label, x->f.text);
    put_text(x, s, row + 1 + (int)nm, 1, "    Grade", x->f.text);
    for (size_t e = 0; e < x->nents && live(x); e++) write_grade_values(x, s, row, kpi, e, year, sc);
    return row + (int)nm + 2;
}

/* One year and scenario: every KPI (or those with data) by entity.  Returns the next
 * free row. */
static int write_matrix(xl *x, xl_sheet s, int row, int year, bp_scenario sc, bool all_kpis)
{
    const bp_kpiset *ks = &x->s->kpis;
    matrix_header(x, s, row);
    int first = row + 2;
    row = first;
    for (size_t k = 0; k < ks->count && live(x); k++) {
        if (!all_kpis && !kpi_has_data(x, k, year, sc)) continue;
        if (s == XS_SCORECARD) x->score_row[k] = row;
        row = write_kpi_rows(x, s, row, k, year, sc);
    }
    for (size_t e = 0; e < x->nents && row > first; e++)
        status_colours(x, s, first, value_col(e), row - 1, value_col(e) + 1);
    return row;
}

static void matrix_columns(xl *x, xl_sheet s)
{
    set_col(x, s, 0, 0, 24, NULL);
    set_col(x, s, 1, 1, MX_NAME_WIDTH, NULL);
    set_col(x, s, 2, 2, MX_TARGETS_WIDTH, NULL);
    for (size_t e = 0; e < x->nents; e++) {
        set_col(x, s, value_col(e), value_col(e), 13, NULL);
        set_col(x, s, value_col(e) + 1, value_col(e) + 1, 7, NULL);
    }
}

/* The threshold the engine applied to a result: its Targets cell, or its compiled
 * expression (a benchmark). */
static void write_ceiling(xl *x, int row, size_t kpi, const bp_result *res, const xl_entity *e)
{
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    const bp_target *t = &k->targets[res->target];
    bool upper = t->cmp != BP_CMP_MIN;
    const bp_expr *th = upper ? t->hi : t->lo;
    xl_cache v = cache_num(upper ? res->hi : res->lo, false);
    bp_expr_ctx c = entity_ctx(x, e, x->s->year, BP_ACTUAL);
    if (!th) return;
    if (th->op == BP_E_NUM)
        put_link(x, XS_SCORECARD, row, 2, XS_TARGETS, x->target_row[x->target0[kpi] + (size_t)res->target],
                 upper ? TG_HI : TG_LO, kpi_format(x, k), v);
    else if (cell_formula(x, th, &c, false, "a ceiling"))
        put_formula(x, XS_SCORECARD, row, 2, x->fb.s, kpi_format(x, k), v);
}

/* The chart's data: each school's value (a link to the scorecard) and its threshold.
 * Returns the row after the last. */
static int staff_chart_table(xl *x, int row, size_t kpi, const char *title)
{
    const xl_sheet s = XS_SCORECARD;
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    put_text(x, s, row, 0, title, x->f.bold);
    put_text(x, s, row + 1, 0, "Institution", x->f.header);
    put_text(x, s, row + 1, 1, k->name, x->f.header);
    put_text(x, s, row + 1, 2, "Ceiling", x->f.header);
    int r = row + 2;
    for (size_t ei = 0; ei < x->nents && live(x); ei++) {
        const xl_entity *e = &x->ents[ei];
        const bp_result *res = result_of(x, kpi, e, x->s->year, BP_ACTUAL);
        if (e->scope != BP_SCOPE_INSTITUTION || e->central || !res) continue;
        put_text(x, s, r, 0, e->name, x->f.text);
        put_link(x, s, r, 1, s, x->score_row[kpi], value_col(ei), kpi_format(x, k),
                 cache_num(res->value, false));
        if (res->target >= 0) write_ceiling(x, r, kpi, res, e);
        r++;
    }
    return r;
}

/* Chart 1: staff costs as a share of income by institution against its ceiling. */
static void write_staff_chart(xl *x, int row)
{
    const xl_sheet s = XS_SCORECARD;
    int kpi = bp_kpi_find(&x->s->kpis, "staff_cost_pct");
    if (kpi < 0 || x->score_row[kpi] < 0 || !x->s->kpis.kpis[kpi].expr) return;
    char yb[16], title[160];
    bp_year_format(x->s->year, yb, sizeof yb);
    text_fmt(title, sizeof title, "%s against the ceiling, %s", x->s->kpis.kpis[kpi].name, yb);
    int end = staff_chart_table(x, row, (size_t)kpi, title);
    if (!live(x) || end == row + 2) return;
    lxw_chart *ch = workbook_add_chart(x->wb, LXW_CHART_COLUMN);
    lxw_chart_series *v = ch ? chart_add_series(ch, NULL, NULL) : NULL;
    lxw_chart_series *c = ch ? chart_add_series(ch, NULL, NULL) : NULL;
    if (!ch || !v || !c) {
        nomem(x);
        return;
    }
    const char *sheet = sheet_info[s].name;
    lxw_row_t r0 = (lxw_row_t)row + 2, r1 = (lxw_row_t)end - 1;
    chart_series_set_categories(v, sheet, r0, 0, r1, 0);
    chart_series_set_values(v, sheet, r0, 1, r1, 1);
    if (!xml_text_ok(x, title, "the staff costs chart's title")) return;
    chart_series_set_name(v, "Staff costs / income");
    chart_series_set_categories(c, sheet, r0, 0, r1, 0);
    chart_series_set_values(c, sheet, r0, 2, r1, 2);
    chart_series_set_name(c, "Ceiling");
    lxw_chart_fill grey = {.color = 0xA6A6A6};
    chart_series_set_fill(c, &grey);
    chart_title_set_name(ch, title);
    chart_axis_set_num_format(ch->y_axis, "0%");
    chart_axis_set_min(ch->y_axis, 0);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options opt = {.x_scale = 1.6, .y_scale = 1.3};
    check(x, worksheet_insert_chart_opt(x->ws[s], (lxw_row_t)end + 1, 1, ch, &opt), s, end + 1, 1);
}

static void write_scorecard(xl *x)
{
    const xl_sheet s = XS_SCORECARD;
    char yb[16], title[256];
    bp_year_format(x->s->year, yb, sizeof yb);
    text_fmt(title, sizeof title, "%s: KPI scorecard %s (actual)", x->m->name, yb);
    put_title(x, s, title,
              "Every figure is a live formula over the Data sheet; each status compares it with "
              "the thresholds on Targets. A blank figure is no data (never zero).");
    int end = write_matrix(x, s, 3, x->s->year, BP_ACTUAL, true);
    matrix_columns(x, s);
    worksheet_freeze_panes(x->ws[s], 5, MX_FIRST_COL);
    print_setup(x, s, 3, 4);
    write_staff_chart(x, end + 2);
}

static int last_year(const xl *x)
{
    int y = x->s->year;
    if (x->m->nyears && x->m->years[x->m->nyears - 1] > y) y = x->m->years[x->m->nyears - 1];
    for (size_t i = 0; i < x->m->ncourses; i++)
        if (x->m->courses[i].year > y) y = x->m->courses[i].year;
    return y;
}

static bool pair_present(const xl *x, int year, bp_scenario sc)
{
    return x->s->kpis.count && bp_results_find(x->res, 0, BP_SCOPE_TRUST, 0, year, sc);
}

static void write_forecast(xl *x)
{
    const xl_sheet s = XS_FORECAST;
    put_title(x, s, "Budgets and forecasts after the report year",
              "The KPIs with data in each budget and forecast year, by institution, phase and "
              "the trust, with their statuses.");
    int row = 3, blocks = 0;
    for (int y = x->s->year + 1; y <= last_year(x) && live(x); y++)
        for (bp_scenario sc = BP_BUDGET; sc <= BP_FORECAST; sc++) {
            if (!pair_present(x, y, sc)) continue;
            char yb[16], title[64];
            bp_year_format(y, yb, sizeof yb);
            snprintf(title, sizeof title, "%s %s", yb, bp_scenario_id(sc));
            put_text(x, s, row, 0, title, x->f.title);
            row = write_matrix(x, s, row + 1, y, sc, false) + 2;
            blocks++;
        }
    if (!blocks)
        put_text(x, s, row, 0, "No budget or forecast data after the report year.", x->f.note);
    matrix_columns(x, s);
    worksheet_freeze_panes(x->ws[s], 3, MX_FIRST_COL);
    print_setup(x, s, 0, -1);
}

/* ---- Finance ---- */

/* The finance lines' expressions, parsed once: the same compiler and evaluator as the
 * KPIs, so consolidation here is exactly the engine's. */
enum { FX_INCOME, FX_EXP, FX_INCOME_INTERNAL, FX_EXP_INTERNAL, FX_RESULT, FX_ON_ROLL,
       FX_INTERNAL_IN, FX_INTERNAL_OUT, FX_CHARGED, FX_COUNT };
static const char *const fixed_exprs[FX_COUNT] = {
    "sum(income)", "sum(exp)", "-sum(income.internal)", "-sum(exp.internal)",
    "sum(income) - sum(exp)", "sum(students.on_roll)", "sum(income.internal, 0)",
    "sum(exp.internal, 0)", "sum(exp.internal)"};

typedef struct {
    int year;
    bp_scenario sc;
} xl_pair;

#define FIN_FIRST_COL 2
#define FIN_HEADER_ROW 3

static bool has_finance(const bp_model *m, int year, bp_scenario sc)
{
    return bp_model_has_facts(m, year, sc, "income") || bp_model_has_facts(m, year, sc, "exp");
}

/* Years with income or expenditure: actuals first (the chart's run), then budgets and
 * forecasts, each ascending. */
static size_t finance_pairs(const xl *x, xl_pair *out, size_t max, size_t *nactual)
{
    size_t n = 0;
    for (bp_scenario sc = BP_ACTUAL; sc < BP_SCENARIO_COUNT; sc++) {
        for (size_t i = 0; i < x->m->nyears && n < max; i++)
            if (has_finance(x->m, x->m->years[i], sc)) out[n++] = (xl_pair){x->m->years[i], sc};
        if (sc == BP_ACTUAL) *nactual = n;
    }
    return n;
}

static void finance_line(xl *x, int row, const char *label, const char *id, const bp_expr *e,
                         const xl_entity *ent, bool eliminate, const xl_pair *pairs, size_t np,
                         lxw_format *f)
{
    put_text(x, XS_FINANCE, row, 0, label, f == x->f.money_bold ? x->f.bold : x->f.text);
    put_text(x, XS_FINANCE, row, 1, id, x->f.text);
    for (size_t j = 0; j < np && live(x); j++) {
        bp_expr_ctx c = entity_ctx(x, ent, pairs[j].year, pairs[j].sc);
        c.eliminate = eliminate;
        if (!cell_formula(x, e, &c, true, label)) return;
        put_formula(x, XS_FINANCE, row, FIN_FIRST_COL + (int)j, x->fb.s, f,
                    cache_num(bp_expr_eval(e, &c), true));
    }
}

/* One block: every institution, their total, the internal transfers eliminated and the
 * consolidated trust.  Returns the consolidated row. */
static int finance_block(xl *x, int row, const char *title, bp_expr *const *ex, int line,
                         int internal, const char *total_label, const xl_pair *pairs, size_t np)
{
    const xl_entity *trust = trust_entity(x);
    put_text(x, XS_FINANCE, row++, 0, title, x->f.bold);
    for (size_t p = 0; p < x->m->ninsts; p++, row++)
        finance_line(x, row, x->ents[p].name, x->ents[p].id, ex[line], &x->ents[p], false, pairs, np,
                     x->f.money);
    if (internal >= 0) {
        finance_line(x, row++, "Total of the institutions", "", ex[line], trust, false, pairs, np,
                     x->f.money);
        finance_line(x, row++, "Less internal transfers (eliminated)", "", ex[internal], trust,
                     false, pairs, np, x->f.money);
    }
    finance_line(x, row, total_label, "trust", ex[line], trust, true, pairs, np, x->f.money_bold);
    return row;
}

/* Chart 2: consolidated income and expenditure over the actual years. */
static void write_finance_chart(xl *x, int row, size_t nactual)
{
    const char *sheet = sheet_info[XS_FINANCE].name;
    lxw_chart *ch = workbook_add_chart(x->wb, LXW_CHART_LINE);
    lxw_chart_series *in = ch ? chart_add_series(ch, NULL, NULL) : NULL;
    lxw_chart_series *out = ch ? chart_add_series(ch, NULL, NULL) : NULL;
    if (!ch || !in || !out) {
        nomem(x);
        return;
    }
    lxw_col_t c0 = FIN_FIRST_COL, c1 = (lxw_col_t)(FIN_FIRST_COL + (int)nactual - 1);
    chart_series_set_categories(in, sheet, FIN_HEADER_ROW, c0, FIN_HEADER_ROW, c1);
    chart_series_set_values(in, sheet, (lxw_row_t)x->finance_row[0], c0, (lxw_row_t)x->finance_row[0], c1);
    chart_series_set_name(in, "Income (consolidated)");
    chart_series_set_categories(out, sheet, FIN_HEADER_ROW, c0, FIN_HEADER_ROW, c1);
    chart_series_set_values(out, sheet, (lxw_row_t)x->finance_row[1], c0, (lxw_row_t)x->finance_row[1], c1);
    chart_series_set_name(out, "Expenditure (consolidated)");
    chart_series_set_marker_type(in, LXW_CHART_MARKER_CIRCLE);
    chart_series_set_marker_type(out, LXW_CHART_MARKER_SQUARE);
    chart_title_set_name(ch, "Income against expenditure, consolidated, by year");
    chart_axis_set_num_format(ch->y_axis, "\xC2\xA3#,##0");
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options opt = {.x_scale = 1.6, .y_scale = 1.3};
    check(x, worksheet_insert_chart_opt(x->ws[XS_FINANCE], (lxw_row_t)row, 0, ch, &opt), XS_FINANCE,
          row, 0);
}

/* Defined names for the report year's consolidated income, expenditure and result. */
static void define_headlines(xl *x)
{
    static const char *const names[3] = {"Headline_Income", "Headline_Expenditure",
                                         "Headline_Result"};
    for (int i = 0; i < 3 && x->finance_report_col >= 0; i++) {
        char ref[64], formula[80];
        bp_formula_ref(ref, sizeof ref, sheet_info[XS_FINANCE].name, x->finance_row[i],
                       x->finance_report_col);
        snprintf(formula, sizeof formula, "=%s", ref);
        define(x, names[i], formula);
    }
}

static void write_finance(xl *x, bp_expr *const *ex)
{
    const xl_sheet s = XS_FINANCE;
    xl_pair pairs[3 * 64];
    size_t nactual = 0, np = finance_pairs(x, pairs, sizeof pairs / sizeof *pairs, &nactual);
    put_title(x, s, "Income and expenditure",
              "Each institution keeps its internal transfers (the central charge); the trust is "
              "consolidated with income.internal and exp.internal eliminated.");
    put_text(x, s, FIN_HEADER_ROW, 0, "Line", x->f.header);
    put_text(x, s, FIN_HEADER_ROW, 1, "ID", x->f.header);
    x->finance_report_col = -1;
    for (size_t j = 0; j < np; j++) {
        char yb[16], head[48];
        bp_year_format(pairs[j].year, yb, sizeof yb);
        snprintf(head, sizeof head, "%s %s", yb, bp_scenario_id(pairs[j].sc));
        put_text(x, s, FIN_HEADER_ROW, FIN_FIRST_COL + (int)j, head, x->f.header);
        if (pairs[j].year == x->s->year && pairs[j].sc == BP_ACTUAL)
            x->finance_report_col = FIN_FIRST_COL + (int)j;
    }
    int row = FIN_HEADER_ROW + 1;
    x->finance_row[0] = finance_block(x, row, "Income", ex, FX_INCOME, FX_INCOME_INTERNAL,
                                      "Consolidated income", pairs, np);
    x->finance_row[1] = finance_block(x, x->finance_row[0] + 2, "Expenditure", ex, FX_EXP,
                                      FX_EXP_INTERNAL, "Consolidated expenditure", pairs, np);
    x->finance_row[2] = finance_block(x, x->finance_row[1] + 2, "In-year result (income less "
                                      "expenditure)", ex, FX_RESULT, -1,
                                      "Consolidated in-year result", pairs, np);
    set_col(x, s, 0, 0, 44, NULL);
    set_col(x, s, 1, 1, 10, NULL);
    set_col(x, s, FIN_FIRST_COL, FIN_FIRST_COL + (int)(np ? np : 1) - 1, 17, NULL);
    worksheet_freeze_panes(x->ws[s], FIN_HEADER_ROW + 1, FIN_FIRST_COL);
    print_setup(x, s, FIN_HEADER_ROW, FIN_HEADER_ROW);
    if (nactual) write_finance_chart(x, x->finance_row[2] + 3, nactual);
    define_headlines(x);
}

/* ---- Central charge ---- */

enum {
    CC_ID, CC_NAME, CC_ROLL, CC_WEIGHT, CC_WEIGHTED, CC_EXACT, CC_FLOOR, CC_REM, CC_RANK, CC_SHARE,
    CC_CHARGED, CC_DIFF, CC_NCOLS
};

/* The exact figures behind one allocation, as the engine works them (bp_allocate_pence):
 * for the cached values of the formulas that reproduce it. */
typedef struct {
    bp_num exact;
    bp_i128 floor;
    double rem;              /* exact - floor to 6 places, as the sheet ranks it */
    int rank;
} xl_share;

static bp_i128 floor_of(bp_num v)
{
    bp_i128 q = v.num / v.den;
    if (v.num < 0 && v.num % v.den) q -= 1;
    return q;
}

static void plan_shares(const bp_charge *ch, xl_share *sh)
{
    bp_num w = bp_num_int(0);
    for (size_t i = 0; i < ch->nlines; i++) w = bp_num_add(w, ch->lines[i].weighted);
    bool alloc = w.ok && bp_num_cmp(w, bp_num_int(0)) > 0;
    for (size_t i = 0; i < ch->nlines; i++) {
        sh[i].exact = alloc ? bp_num_div(bp_num_mul(bp_num_int(ch->total), ch->lines[i].weighted), w)
                            : bp_num_int(0);
        if (!sh[i].exact.ok) sh[i].exact = bp_num_int(0);
        sh[i].floor = floor_of(sh[i].exact);
    }
    for (size_t i = 0; i < ch->nlines; i++) {
        bp_num ri = bp_num_sub(sh[i].exact, bp_num_frac((int64_t)sh[i].floor, 1));
        bp_num scaled = bp_num_mul(ri, bp_num_int(1000000));
        sh[i].rem = scaled.ok ? (double)floor_of(bp_num_add(scaled, bp_num_frac(1, 2))) / 1e6 : 0;
        sh[i].rank = 1;
        for (size_t j = 0; j < ch->nlines; j++) {
            bp_num rj = bp_num_sub(sh[j].exact, bp_num_frac((int64_t)sh[j].floor, 1));
            int c = bp_num_cmp(rj, ri);
            sh[i].rank += c > 0 || (c == 0 && j < i);
        }
    }
}

/* Weights by phase: trust.csv weight.PHASE, as cells.  Returns the row after them. */
static int write_weights(xl *x, int *weight_row)
{
    const xl_sheet s = XS_CHARGE;
    put_text(x, s, 3, 0, "Phase", x->f.header);
    put_text(x, s, 3, 1, "Weight", x->f.header);
    int row = 4;
    for (size_t p = 0; p < x->res->nphases; p++, row++) {
        bp_phase ph = x->res->phases[p];
        weight_row[ph] = row;
        put_text(x, s, row, 0, bp_phase_id(ph), x->f.text);
        put_number(x, s, row, 1, bp_num_to_double(x->m->weight[ph]), x->f.quantity);
    }
    return row + 1;
}

/* Where one allocation block keeps its totals: the weighted pupils, the total in pence
 * and the pence left over after whole pence; and its first and last line. */
typedef struct {
    char weighted[16], pence[16], left[16];
    int first, last;
} xl_block;

/* Pupils on roll.  Budgets and forecasts often carry none: the engine then uses the
 * year's actual, and 0 without either. */
static void charge_roll(xl *x, const bp_charge *ch, const bp_charge_line *l, int row,
                        bp_expr *const *ex)
{
    bp_expr_ctx c = inst_ctx(x, l->inst, ch->year, BP_ACTUAL);
    char *actual = body_formula(x, ex[FX_ON_ROLL], &c, "pupils on roll");
    c.scenario = ch->scenario;
    char *own = body_formula(x, ex[FX_ON_ROLL], &c, "pupils on roll");
    bp_num v;
    if (own && actual) {
        bp_fbuf_reset(&x->fb);
        bp_fbuf_printf(&x->fb, "=IFERROR(%s,IFERROR(%s,0))", own, actual);
        if (!bp_model_sum(x->m, l->inst, ch->year, ch->scenario, "students.on_roll", false, &v)
            && !bp_model_sum(x->m, l->inst, ch->year, BP_ACTUAL, "students.on_roll", false, &v))
            v = bp_num_int(0);
        if (x->fb.nomem) nomem(x);
        else put_formula(x, XS_CHARGE, row, CC_ROLL, x->fb.s, x->f.quantity, cache_num(v, false));
    }
    free(own);
    free(actual);
}

/* Weighted pupils, the exact share in pence, its whole pence and remainder, the
 * remainder's rank and the share: bp_allocate_pence as formulas. */
static void charge_share(xl *x, const bp_charge_line *l, const xl_share *sh, int row,
                         const xl_block *b)
{
    const xl_sheet s = XS_CHARGE;
    char f[256], roll[16], weight[16], weighted[16], exact[16], whole[16], rem[16], rank[16];
    char top[16], bottom[16];
    bp_formula_ref(roll, sizeof roll, NULL, row, CC_ROLL);
    bp_formula_ref(weight, sizeof weight, NULL, row, CC_WEIGHT);
    bp_formula_ref(weighted, sizeof weighted, NULL, row, CC_WEIGHTED);
    bp_formula_ref(exact, sizeof exact, NULL, row, CC_EXACT);
    bp_formula_ref(whole, sizeof whole, NULL, row, CC_FLOOR);
    bp_formula_ref(rem, sizeof rem, NULL, row, CC_REM);
    bp_formula_ref(rank, sizeof rank, NULL, row, CC_RANK);
    bp_formula_ref(top, sizeof top, NULL, b->first, CC_REM);
    bp_formula_ref(bottom, sizeof bottom, NULL, b->last, CC_REM);
    snprintf(f, sizeof f, "=%s*%s", roll, weight);
    put_formula(x, s, row, CC_WEIGHTED, f, x->f.quantity, cache_num(l->weighted, false));
    snprintf(f, sizeof f, "=IF(%s>0,%s*%s/%s,0)", b->weighted, b->pence, weighted, b->weighted);
    put_formula(x, s, row, CC_EXACT, f, x->f.exact, cache_num(sh->exact, false));
    snprintf(f, sizeof f, "=INT(ROUND(%s,6))", exact);
    put_formula(x, s, row, CC_FLOOR, f, x->f.whole, cache_double((double)sh->floor));
    snprintf(f, sizeof f, "=ROUND(%s-%s,6)", exact, whole);
    put_formula(x, s, row, CC_REM, f, x->f.quantity, cache_double(sh->rem));
    /* largest remainder first, ties to the earlier line */
    snprintf(f, sizeof f, "=1+SUMPRODUCT((%s:%s>%s)+(%s:%s=%s)*(ROW(%s:%s)<ROW(%s)))", top, bottom,
             rem, top, bottom, rem, top, bottom, rem);
    put_formula(x, s, row, CC_RANK, f, x->f.whole, cache_double(sh->rank));
    snprintf(f, sizeof f, "=IF(%s>0,(%s+IF(%s<=%s,1,0))/100,0)", b->weighted, whole, rank, b->left);
    put_formula(x, s, row, CC_SHARE, f, x->f.money, cache_double((double)l->share / 100.0));
}

/* What the institution was charged (its exp.internal) and how it compares. */
static void charge_charged(xl *x, const bp_charge *ch, const bp_charge_line *l, int row,
                           bp_expr *const *ex)
{
    bp_expr_ctx c = inst_ctx(x, l->inst, ch->year, ch->scenario);
    char f[96], charged[16], share[16];
    if (!cell_formula(x, ex[FX_CHARGED], &c, true, "the charge")) return;
    put_formula(x, XS_CHARGE, row, CC_CHARGED, x->fb.s, x->f.money,
                l->has_charged ? cache_double((double)l->charged / 100.0) : cache_text(""));
    bp_formula_ref(charged, sizeof charged, NULL, row, CC_CHARGED);
    bp_formula_ref(share, sizeof share, NULL, row, CC_SHARE);
    snprintf(f, sizeof f, "=IF(ISNUMBER(%s),%s-%s,\"\")", charged, charged, share);
    put_formula(x, XS_CHARGE, row, CC_DIFF, f, x->f.money,
                l->has_charged ? cache_double((double)(l->charged - l->share) / 100.0) : cache_text(""));
}

static void charge_line(xl *x, const bp_charge *ch, size_t i, const xl_share *sh,
                        const xl_block *b, bp_expr *const *ex, const int *weight_row)
{
    const bp_charge_line *l = &ch->lines[i];
    const bp_institution *in = &x->m->insts[l->inst];
    int row = b->first + (int)i;
    put_text(x, XS_CHARGE, row, CC_ID, in->id, x->f.text);
    put_text(x, XS_CHARGE, row, CC_NAME, in->name, x->f.text);
    charge_roll(x, ch, l, row, ex);
    put_link(x, XS_CHARGE, row, CC_WEIGHT, XS_CHARGE, weight_row[in->phase], 1, x->f.quantity,
             cache_num(x->m->weight[in->phase], false));
    charge_share(x, l, &sh[i], row, b);
    charge_charged(x, ch, l, row, ex);
}

/* A "=SUM(col first:last)" total under a block, with its cached value. */
static void put_sum(xl *x, xl_sheet s, int row, int col, int first, int last, lxw_format *f,
                    xl_cache v)
{
    char a[16], b[16], formula[64];
    bp_formula_ref(a, sizeof a, NULL, first, col);
    bp_formula_ref(b, sizeof b, NULL, last, col);
    snprintf(formula, sizeof formula, "=SUM(%s:%s)", a, b);
    put_formula(x, s, row, col, formula, f, v);
}

/* The block's title, the centre's expenditure in pounds and pence, and the pence left
 * after whole pence. */
static void charge_heading(xl *x, int row, const bp_charge *ch, const xl_share *sh,
                           const xl_block *b, bp_expr *const *ex)
{
    const xl_sheet s = XS_CHARGE;
    char yb[16], title[64], formula[96], pounds[16], fa[16], fb[16];
    bp_i128 given = 0;
    for (size_t i = 0; i < ch->nlines; i++) given += sh[i].floor;
    bp_year_format(ch->year, yb, sizeof yb);
    snprintf(title, sizeof title, "%s %s", yb, bp_scenario_id(ch->scenario));
    put_text(x, s, row, 0, title, x->f.bold);
    put_text(x, s, row + 1, 0, "Centre's expenditure, internal transfers excluded", x->f.text);
    bp_expr_ctx c = inst_ctx(x, x->m->central, ch->year, ch->scenario);
    c.eliminate = true;
    if (cell_formula(x, ex[FX_EXP], &c, true, "the centre's expenditure"))
        put_formula(x, s, row + 1, CC_ROLL, x->fb.s, x->f.money, cache_double((double)ch->total / 100.0));
    put_text(x, s, row + 1, CC_WEIGHT, "in pence", x->f.text);
    bp_formula_ref(pounds, sizeof pounds, NULL, row + 1, CC_ROLL);
    snprintf(formula, sizeof formula, "=ROUND(%s*100,0)", pounds);
    put_formula(x, s, row + 1, CC_WEIGHTED, formula, x->f.whole, cache_double((double)ch->total));
    put_text(x, s, row + 2, 0, "Pence left after whole pence, one each to the largest remainders",
             x->f.text);
    bp_formula_ref(fa, sizeof fa, NULL, b->first, CC_FLOOR);
    bp_formula_ref(fb, sizeof fb, NULL, b->last, CC_FLOOR);
    snprintf(formula, sizeof formula, "=%s-SUM(%s:%s)", b->pence, fa, fb);
    put_formula(x, s, row + 2, CC_WEIGHTED, formula, x->f.whole,
                cache_double((double)(ch->total - given)));
}

static void charge_totals(xl *x, int row, const bp_charge *ch, const xl_share *sh,
                          const xl_block *b)
{
    const xl_sheet s = XS_CHARGE;
    bp_i128 given = 0;
    bp_num w = bp_num_int(0);
    int64_t shared = 0, charged = 0;
    for (size_t i = 0; i < ch->nlines; i++) {
        given += sh[i].floor;
        w = bp_num_add(w, ch->lines[i].weighted);
        shared += ch->lines[i].share;
        charged += ch->lines[i].has_charged ? ch->lines[i].charged : 0;
    }
    put_text(x, s, row, 0, "Total", x->f.bold);
    put_sum(x, s, row, CC_WEIGHTED, b->first, b->last, x->f.quantity, cache_num(w, false));
    put_sum(x, s, row, CC_FLOOR, b->first, b->last, x->f.whole, cache_double((double)given));
    put_sum(x, s, row, CC_SHARE, b->first, b->last, x->f.money_bold, cache_double((double)shared / 100.0));
    put_sum(x, s, row, CC_CHARGED, b->first, b->last, x->f.money_bold,
            cache_double((double)charged / 100.0));
}

/* One year and scenario's allocation.  Returns the next free row. */
static int write_charge(xl *x, int row, const bp_charge *ch, bp_expr *const *ex,
                        const int *weight_row)
{
    static const char *const heads[CC_NCOLS] = {
        "Institution", "Name", "Pupils on roll", "Weight", "Weighted pupils", "Exact share (p)",
        "Whole pence", "Remainder", "Rank", "Share", "Charged", "Charged less share"};
    int total = row + 4 + (int)ch->nlines;
    xl_share *sh = calloc(ch->nlines ? ch->nlines : 1, sizeof *sh);
    xl_block b;
    if (!sh) {
        nomem(x);
        return row;
    }
    plan_shares(ch, sh);
    b.first = row + 4;
    b.last = total - 1;
    bp_formula_ref(b.weighted, sizeof b.weighted, NULL, total, CC_WEIGHTED);
    bp_formula_ref(b.pence, sizeof b.pence, NULL, row + 1, CC_WEIGHTED);
    bp_formula_ref(b.left, sizeof b.left, NULL, row + 2, CC_WEIGHTED);
    charge_heading(x, row, ch, sh, &b, ex);
    put_headers(x, XS_CHARGE, row + 3, 0, heads, CC_NCOLS);
    for (size_t i = 0; i < ch->nlines && live(x); i++) charge_line(x, ch, i, sh, &b, ex, weight_row);
    if (ch->nlines) charge_totals(x, total, ch, sh, &b);
    free(sh);
    return total + 2;
}

static void write_charges(xl *x, bp_expr *const *ex)
{
    const xl_sheet s = XS_CHARGE;
    int weight_row[BP_PHASE_COUNT] = {0};
    put_title(x, s, "Central charge allocation",
              "The centre's expenditure shared in proportion to pupils on roll x the phase "
              "weight, in whole pence by largest remainder, against each institution's "
              "exp.internal.");
    int row = write_weights(x, weight_row);
    for (size_t i = 0; i < x->res->ncharges && live(x); i++)
        row = write_charge(x, row + 1, &x->res->charges[i], ex, weight_row);
    if (!x->res->ncharges)
        put_text(x, s, row, 0, "No central expenditure to allocate.", x->f.note);
    set_col(x, s, CC_ID, CC_ID, 14, NULL);
    set_col(x, s, CC_NAME, CC_NAME, 40, NULL);
    set_col(x, s, CC_ROLL, CC_DIFF, 14, NULL);
    print_setup(x, s, 0, -1);
}

/* ---- Actions ---- */

enum {
    AC_ID, AC_INST, AC_AMBITION, AC_PLAN, AC_ACTION, AC_OWNER, AC_DUE, AC_STATUS, AC_UPDATED,
    AC_EVIDENCE, AC_OVERDUE, AC_NCOLS
};
#define ACTIONS_HEADER_ROW 4
#define AC_NARROW 24
#define AC_WIDE 48

static void write_action(xl *x, size_t i, int row, const char *asof)
{
    const xl_sheet s = XS_ACTIONS;
    const bp_action *a = &x->m->actions[i];
    const char *ambition = a->ambition >= 0 && (size_t)a->ambition < x->m->nambitions
                           ? x->m->ambitions[a->ambition].title : "";
    char due[16], st[16], formula[128];
    set_src(x, "actions.csv", a->line, 0, "an action");
    put_text(x, s, row, AC_ID, a->id, x->f.wrap);
    put_text(x, s, row, AC_INST, x->m->insts[a->inst].id, x->f.wrap);
    put_text(x, s, row, AC_AMBITION, ambition, x->f.wrap);
    put_text(x, s, row, AC_PLAN, a->plan, x->f.wrap);
    put_text(x, s, row, AC_ACTION, a->action, x->f.wrap);
    put_text(x, s, row, AC_OWNER, a->owner, x->f.wrap);
    put_date(x, s, row, AC_DUE, a->due);
    put_text(x, s, row, AC_STATUS, bp_action_status_id(a->status), x->f.wrap);
    if (a->has_updated) put_date(x, s, row, AC_UPDATED, a->updated);
    put_text(x, s, row, AC_EVIDENCE, a->evidence, x->f.wrap);
    int lines = wrapped_lines(ambition, AC_NARROW);
    lines = max_int(lines, wrapped_lines(a->plan, AC_NARROW));
    lines = max_int(lines, wrapped_lines(a->action, AC_WIDE));
    lines = max_int(lines, wrapped_lines(a->owner, AC_NARROW));
    lines = max_int(lines, wrapped_lines(a->evidence, AC_WIDE));
    fit_row(x, s, row, lines);
    bp_formula_ref(due, sizeof due, NULL, row, AC_DUE);
    bp_formula_ref(st, sizeof st, NULL, row, AC_STATUS);
    snprintf(formula, sizeof formula, "=IF(AND(%s<%s,%s<>\"complete\"),\"overdue\",\"\")", due, asof, st);
    bool overdue = a->due < x->m->as_of && a->status != BP_ST_COMPLETE;
    put_formula(x, s, row, AC_OVERDUE, formula, x->f.bold, cache_text(overdue ? "overdue" : ""));
}

static void write_actions(xl *x)
{
    const xl_sheet s = XS_ACTIONS;
    static const char *const heads[AC_NCOLS] = {"ID", "Institution", "Ambition", "Plan", "Action",
                                                "Owner", "Due", "Status", "Updated", "Evidence",
                                                "Overdue"};
    char asof[16];
    put_title(x, s, "Development-plan actions",
              "Overdue: due before the as-of date and not complete (highlighted). Change the "
              "as-of date to see what will be overdue.");
    put_text(x, s, 2, 0, "As of", x->f.bold);
    put_date(x, s, 2, 1, x->m->as_of);
    bp_formula_ref(asof, sizeof asof, NULL, 2, 1);
    put_headers(x, s, ACTIONS_HEADER_ROW, 0, heads, AC_NCOLS);
    int first = ACTIONS_HEADER_ROW + 1;
    for (size_t i = 0; i < x->m->nactions && live(x); i++) write_action(x, i, first + (int)i, asof);
    if (x->m->nactions && live(x)) {
        char col[8], formula[64];
        bp_formula_col(col, sizeof col, AC_OVERDUE);
        snprintf(formula, sizeof formula, "=$%s%d=\"overdue\"", col, first + 1);
        lxw_conditional_format cf;
        memset(&cf, 0, sizeof cf);
        cf.type = LXW_CONDITIONAL_TYPE_FORMULA;
        cf.value_string = formula;
        cf.format = x->f.red;
        int last = first + (int)x->m->nactions - 1;
        if (!cell_text_ok(x, formula, s, first, 0)) return;
        check(x, worksheet_conditional_format_range(x->ws[s], (lxw_row_t)first, 0, (lxw_row_t)last,
                                                    AC_NCOLS - 1, &cf), s, first, 0);
    } else if (!x->m->nactions) {
        put_text(x, s, first, 0, "No actions.csv: no actions.", x->f.note);
    }
    set_col(x, s, AC_ID, AC_INST, 10, NULL);
    set_col(x, s, AC_AMBITION, AC_PLAN, AC_NARROW, NULL);
    set_col(x, s, AC_ACTION, AC_ACTION, AC_WIDE, NULL);
    set_col(x, s, AC_OWNER, AC_OWNER, AC_NARROW, NULL);
    set_col(x, s, AC_DUE, AC_UPDATED, 12, NULL);
    set_col(x, s, AC_EVIDENCE, AC_EVIDENCE, AC_WIDE, NULL);
    set_col(x, s, AC_OVERDUE, AC_OVERDUE, 10, NULL);
    worksheet_freeze_panes(x->ws[s], ACTIONS_HEADER_ROW + 1, 1);
    print_setup(x, s, ACTIONS_HEADER_ROW, ACTIONS_HEADER_ROW);
    define(x, "As_of", "=Actions!$B$3");
}

/* ---- Data quality ---- */

static const char *const money_heads[] = {"income", "exp", "memo", "bs"};

/* The money facts of one input file as they stand in the Data sheet: the control total
 * to compare with the file as read. */
static void money_formula(bp_fbuf *b, const char *file)
{
    bp_fbuf_reset(b);
    bp_fbuf_puts(b, "=");
    for (size_t h = 0; h < sizeof money_heads / sizeof *money_heads; h++)
        for (int wild = 0; wild < 2; wild++)
            bp_fbuf_printf(b, "%sSUMIFS(" BP_XL_FACT_VALUE "," BP_XL_FACT_SOURCE ",\"%s:*\","
                           BP_XL_FACT_CODE ",\"%s%s\")", h || wild ? "+" : "", file,
                           money_heads[h], wild ? ".*" : "");
}

static int write_inputs(xl *x, int row)
{
    const xl_sheet s = XS_QUALITY;
    static const char *const heads[] = {"File", "Rows", "Money total as read", "Money total in Data",
                                        "Check", "SHA-256"};
    put_headers(x, s, row, 0, heads, 6);
    row++;
    for (size_t i = 0; i < x->m->ninputs && live(x); i++) {
        const bp_input *in = &x->m->inputs[i];
        bool facts = false;
        if (!in->present) continue;
        for (size_t f = 0; f < x->m->nfacts && !facts; f++) facts = x->m->facts[f].file == (int)i;
        char hex[65], a[16], b[16], formula[96];
        bp_sha256_hex(in->sha256, hex);
        put_text(x, s, row, 0, in->name, x->f.text);
        put_number(x, s, row, 1, (double)in->rows, x->f.whole);
        if (in->has_money) put_money(x, s, row, 2, in->money_total, x->f.money);
        if (facts) {
            money_formula(&x->fb, in->name);
            if (x->fb.nomem) {
                nomem(x);
                break;
            }
            put_formula(x, s, row, 3, x->fb.s, x->f.money, cache_double((double)in->money_total / 100.0));
            bp_formula_ref(a, sizeof a, NULL, row, 2);
            bp_formula_ref(b, sizeof b, NULL, row, 3);
            snprintf(formula, sizeof formula, "=IF(ROUND(N(%s)-%s,2)=0,\"agrees\",\"differs\")", a, b);
            put_formula(x, s, row, 4, formula, x->f.status, cache_text("agrees"));
        }
        put_text(x, s, row, 5, hex, x->f.formula_text);
        row++;
    }
    put_text(x, s, row, 0, "Rows read", x->f.bold);
    put_number(x, s, row, 1, (double)x->m->rows_read, x->f.whole);
    return row + 2;
}

static bool has_internal(const bp_model *m, int year, bp_scenario sc)
{
    return bp_model_has_facts(m, year, sc, "income.internal")
           || bp_model_has_facts(m, year, sc, "exp.internal");
}

/* Internal transfers for the trust, both sides, per year and scenario: consolidation is
 * right only when they agree (bp_eval's reconciliation warning). */
static int write_reconciliation(xl *x, int row, bp_expr *const *ex)
{
    const xl_sheet s = XS_QUALITY;
    static const char *const heads[] = {"Year", "Scenario", "income.internal", "exp.internal",
                                        "Difference", "Check"};
    put_text(x, s, row, 0, "Internal transfers: the two sides must agree for consolidation",
             x->f.bold);
    put_headers(x, s, row + 1, 0, heads, 6);
    row += 2;
    for (size_t y = 0; y < x->m->nyears && live(x); y++)
        for (bp_scenario sc = BP_ACTUAL; sc < BP_SCENARIO_COUNT; sc++) {
            int year = x->m->years[y];
            if (!has_internal(x->m, year, sc)) continue;
            bp_expr_ctx c = entity_ctx(x, trust_entity(x), year, sc);
            c.eliminate = false;
            bp_num in = bp_expr_eval(ex[FX_INTERNAL_IN], &c), out = bp_expr_eval(ex[FX_INTERNAL_OUT], &c);
            bp_num diff = bp_num_sub(in, out);
            char yb[16], a[16], b[16], formula[96];
            bp_year_format(year, yb, sizeof yb);
            put_text(x, s, row, 0, yb, x->f.text);
            put_text(x, s, row, 1, bp_scenario_id(sc), x->f.text);
            if (cell_formula(x, ex[FX_INTERNAL_IN], &c, true, "income.internal"))
                put_formula(x, s, row, 2, x->fb.s, x->f.money, cache_num(in, true));
            if (cell_formula(x, ex[FX_INTERNAL_OUT], &c, true, "exp.internal"))
                put_formula(x, s, row, 3, x->fb.s, x->f.money, cache_num(out, true));
            bp_formula_ref(a, sizeof a, NULL, row, 2);
            bp_formula_ref(b, sizeof b, NULL, row, 3);
            snprintf(formula, sizeof formula, "=%s-%s", a, b);
            put_formula(x, s, row, 4, formula, x->f.money, cache_num(diff, true));
            bp_formula_ref(a, sizeof a, NULL, row, 4);
            snprintf(formula, sizeof formula, "=IF(ROUND(%s,2)=0,\"reconciles\",\"does not reconcile\")", a);
            put_formula(x, s, row, 5, formula, x->f.status,
                        cache_text(bp_num_is_zero(diff) ? "reconciles" : "does not reconcile"));
            row++;
        }
    return row + 1;
}

static void write_quality(xl *x, bp_expr *const *ex)
{
    const xl_sheet s = XS_QUALITY;
    put_title(x, s, "Data quality",
              "Each input file as read (rows, money control total, SHA-256) against the money "
              "facts now in the Data sheet; internal transfers; the warnings of the run.");
    int row = write_inputs(x, 3);
    row = write_reconciliation(x, row, ex);
    put_text(x, s, row++, 0, "Warnings", x->f.bold);
    size_t n = 0;
    for (size_t i = 0; i < x->s->diags.count && live(x); i++) {
        const bp_diag *d = &x->s->diags.items[i];
        if (d->level != BP_DIAG_WARNING) continue;
        char msg[1024];
        set_src(x, d->file, d->line, d->column, "a warning");
        bp_diag_format(d, msg, sizeof msg);
        put_text(x, s, row++, 0, msg, x->f.text);
        n++;
    }
    if (!n) put_text(x, s, row, 0, "None.", x->f.text);
    set_col(x, s, 0, 0, 22, NULL);
    set_col(x, s, 1, 1, 12, NULL);
    set_col(x, s, 2, 4, 20, NULL);
    set_col(x, s, 5, 5, 70, NULL);
    print_setup(x, s, 0, -1);
}

/* ---- Contents ---- */

static int write_headlines(xl *x, int row)
{
    const xl_sheet s = XS_CONTENTS;
    static const char *const labels[3] = {"Consolidated income", "Consolidated expenditure",
                                          "Consolidated in-year result"};
    static const char *const names[3] = {"=Headline_Income", "=Headline_Expenditure",
                                         "=Headline_Result"};
    if (x->finance_report_col < 0) return row;
    bp_expr *e = NULL;
    char yb[16], title[64];
    bp_year_format(x->s->year, yb, sizeof yb);
    snprintf(title, sizeof title, "Headline totals, %s (defined names Headline_*)", yb);
    put_text(x, s, row++, 0, title, x->f.bold);
    for (int i = 0; i < 3 && live(x); i++, row++) {
        const char *text = i == 0 ? "sum(income)" : i == 1 ? "sum(exp)" : "sum(income) - sum(exp)";
        if (bp_expr_parse(text, strlen(text), "workbook", 1, 1, &e, x->diags) != BP_OK) {
            nomem(x);
            return row;
        }
        bp_expr_ctx c = entity_ctx(x, trust_entity(x), x->s->year, BP_ACTUAL);
        put_text(x, s, row, 0, labels[i], x->f.text);
        put_formula(x, s, row, 1, names[i], x->f.money, cache_num(bp_expr_eval(e, &c), true));
        bp_expr_free(e);
    }
    return row + 1;
}

static void write_contents(xl *x)
{
    const xl_sheet s = XS_CONTENTS;
    static const char *const notes[] = {
        "Every computed figure is a live formula over the Data sheet, compiled from the same KPI "
        "expressions the engine evaluates (see Targets, KPI definitions). Edit a fact on Data or a "
        "threshold on Targets and every dependent figure and status updates.",
        "A blank figure is no data: a missing fact, or a division by zero. No data is never zero.",
        "A phase or the trust is a ratio of sums, never an average of ratios; products such as "
        "periods x FTE and conditions are formed per institution (Workings) and then added up.",
        "The trust is consolidated: income.internal and exp.internal (the central charge) are "
        "eliminated. Institutions and phases keep them.",
        "Statuses: green (target met), amber (in the amber zone), red, none (no target applies "
        "or no data). Thresholds are inclusive: a value on a threshold meets it; a value on an "
        "amber edge is amber.",
    };
    char yb[16], asof[40], title[256], sub[256];
    bp_year_format(x->s->year, yb, sizeof yb);
    bp_date_format_long(x->m->as_of, asof, sizeof asof);
    text_fmt(title, sizeof title, "%s: audit workbook %s", x->m->name, yb);
    snprintf(sub, sizeof sub, "Report year %s, as at %s. Written by boardpack %s.", yb, asof,
             BP_VERSION);
    put_title(x, s, title, sub);
    put_text(x, s, 3, 0, "Sheet", x->f.header);
    put_text(x, s, 3, 1, "What it holds", x->f.header);
    int row = 4;
    for (int i = XS_CONTENTS + 1; i < XS_COUNT && live(x); i++, row++) {
        char url[64];
        snprintf(url, sizeof url, "internal:'%s'!A1", sheet_info[i].name);
        if (!cell_text_ok(x, url, s, row, 0) || !cell_text_ok(x, sheet_info[i].name, s, row, 0))
            return;
        check(x, worksheet_write_url_opt(x->ws[s], (lxw_row_t)row, 0, url, x->f.link,
                                         sheet_info[i].name, NULL), s, row, 0);
        put_text(x, s, row, 1, sheet_info[i].about, x->f.text);
    }
    row = write_headlines(x, row + 1);
    put_text(x, s, row++, 0, "Reading the workbook", x->f.bold);
    for (size_t i = 0; i < sizeof notes / sizeof *notes; i++, row++) {
        merge(x, s, row, 0, 1, notes[i], x->f.note);
        if (live(x)) check(x, worksheet_set_row(x->ws[s], (lxw_row_t)row, 27, NULL), s, row, 0);
    }
    set_col(x, s, 0, 0, 30, NULL);
    set_col(x, s, 1, 1, 110, NULL);
    print_setup(x, s, 0, -1);
}

/* ---- Workings ---- */

static void write_helper(xl *x, size_t i)
{
    const xl_sheet s = XS_WORKINGS;
    const xl_helper *h = &x->helpers[i];
    int row = WORK_FIRST_ROW + (int)i;
    x->src = h->src;
    char text[768], yb[16];
    size_t n;
    bp_expr_to_text(h->node, text, sizeof text);
    n = strlen(text);
    if (h->ctx.eliminate) snprintf(text + n, sizeof text - n, " (internal transfers eliminated)");
    else if (h->ctx.national_phase)
        snprintf(text + n, sizeof text - n, " (benchmarks: %s)", h->ctx.national_phase);
    bp_year_format(h->ctx.year, yb, sizeof yb);
    put_text(x, s, row, 0, text, x->f.formula_text);
    put_text(x, s, row, 1, yb, x->f.text);
    put_text(x, s, row, 2, bp_scenario_id(h->ctx.scenario), x->f.text);
    for (size_t p = 0; p < x->m->ninsts && live(x); p++) {
        bp_expr_ctx c = h->ctx;
        c.members = &x->inst_order[p];
        c.nmembers = 1;
        if (!cell_formula(x, h->node, &c, false, "a per-institution term")) return;
        put_formula(x, s, row, BP_XL_WORK_FIRST_COL + (int)p, x->fb.s, x->f.quantity,
                    cache_num(bp_expr_eval(h->node, &c), false));
    }
}

static void write_workings(xl *x)
{
    const xl_sheet s = XS_WORKINGS;
    put_title(x, s, "Workings: terms formed for each institution",
              "Products of two facts, conditions and other per-institution terms, one row per "
              "term, year and scenario; a phase or the trust adds up its institutions' cells "
              "that have data.");
    put_text(x, s, WORK_FIRST_ROW - 1, 0, "Term", x->f.header);
    put_text(x, s, WORK_FIRST_ROW - 1, 1, "Year", x->f.header);
    put_text(x, s, WORK_FIRST_ROW - 1, 2, "Scenario", x->f.header);
    for (size_t p = 0; p < x->m->ninsts; p++)
        put_text(x, s, WORK_FIRST_ROW - 1, BP_XL_WORK_FIRST_COL + (int)p,
                 x->m->insts[x->inst_order[p]].id, x->f.header);
    for (size_t i = 0; i < x->nhelpers && live(x); i++) write_helper(x, i);
    if (!x->nhelpers) put_text(x, s, WORK_FIRST_ROW, 0, "No per-institution terms.", x->f.note);
    set_col(x, s, 0, 0, 60, NULL);
    set_col(x, s, 1, 2, 10, NULL);
    set_col(x, s, BP_XL_WORK_FIRST_COL, BP_XL_WORK_FIRST_COL + (int)x->m->ninsts, 12, NULL);
    worksheet_freeze_panes(x->ws[s], WORK_FIRST_ROW, BP_XL_WORK_FIRST_COL);
    print_setup(x, s, WORK_FIRST_ROW - 1, WORK_FIRST_ROW - 1);
}

/* ---- Ratios ---- */

/* The id of the entity whose members ctx has ("trust", a phase, an institution). */
static const char *ctx_entity(const xl *x, const bp_expr_ctx *c)
{
    for (size_t i = 0; i < x->nents; i++)
        if (x->ents[i].members == c->members && x->ents[i].nmembers == c->nmembers)
            return x->ents[i].id;
    return c->nmembers == 1 ? x->m->insts[c->members[0]].id : "";
}

/* A whole number: the engine's value times 10^parts (exact below 2^53, where it stays). */
static xl_cache cache_whole(bp_num v, int parts)
{
    if (!v.ok) return cache_text("");
    bp_i128 p = 1, n;
    for (int i = 0; i < parts; i++) p *= 10;
    if (__builtin_mul_overflow(v.num, p, &n)) return cache_double(bp_num_to_double(v) * (double)p);
    bp_i128 q = n / v.den, r = n % v.den;
    /* half away from zero, as ROUND */
    if (2 * (r < 0 ? -r : r) >= v.den) q += n < 0 ? -1 : 1;
    return cache_double((double)q);
}

static void write_ratio(xl *x, size_t i)
{
    const xl_sheet s = XS_RATIOS;
    const xl_ratio *r = &x->ratios[i];
    int row = RATIO_FIRST_ROW + (int)i;
    x->src = r->src;
    char what[160], yb[16];
    snprintf(what, sizeof what, "%s%s%s", r->kpi, r->measure ? "/" : "", r->measure ? r->measure : "");
    bp_year_format(r->ctx.year, yb, sizeof yb);
    put_text(x, s, row, RT_KPI, what, x->f.text);
    put_text(x, s, row, RT_ENTITY, ctx_entity(x, &r->ctx), x->f.text);
    if (r->ctx.course >= 0) put_text(x, s, row, RT_COURSE, x->m->courses[r->ctx.course].course, x->f.text);
    put_text(x, s, row, RT_YEAR, yb, x->f.text);
    put_text(x, s, row, RT_SCEN, bp_scenario_id(r->ctx.scenario), x->f.text);
    const bp_expr *parts[2] = {r->num, r->den};
    for (int k = 0; k < 2 && live(x); k++) {
        if (!parts[k]) continue;
        if (!compiled(x, bp_formula_whole_cell(parts[k], &r->ctx, r->parts, &x->env, &x->fb), r->kpi))
            return;
        put_formula(x, s, row, RT_NUM + k, x->fb.s, x->f.whole,
                    cache_whole(bp_expr_eval(parts[k], &r->ctx), r->parts));
    }
    bp_i128 scale = 1;
    for (int k = 0; k < r->parts; k++) scale *= 10;
    put_number(x, s, row, RT_SCALE, (double)scale, x->f.whole);
}

static void write_ratios(xl *x)
{
    const xl_sheet s = XS_RATIOS;
    static const char *const heads[RT_NCOLS] = {"KPI", "Entity", "Course", "Year", "Scenario",
                                                "Numerator", "Denominator", "Scale"};
    put_title(x, s, "Ratios: the whole numbers each status compares",
              "A ratio's numerator and denominator times Scale (pence, millionths or whole units), "
              "as whole numbers; its status compares numerator x 10^k x sign(denominator) with "
              "threshold x 10^k x |denominator|, so a value a penny past a threshold is past it.");
    put_headers(x, s, RATIO_FIRST_ROW - 1, 0, heads, RT_NCOLS);
    for (size_t i = 0; i < x->nratios && live(x); i++) write_ratio(x, i);
    if (!x->nratios) put_text(x, s, RATIO_FIRST_ROW, 0, "No ratios.", x->f.note);
    set_col(x, s, RT_KPI, RT_KPI, 28, NULL);
    set_col(x, s, RT_ENTITY, RT_SCEN, 12, NULL);
    set_col(x, s, RT_COURSE, RT_COURSE, 24, NULL);
    set_col(x, s, RT_NUM, RT_DEN, 22, NULL);
    set_col(x, s, RT_SCALE, RT_SCALE, 12, NULL);
    if (live(x)) worksheet_freeze_panes(x->ws[s], RATIO_FIRST_ROW, 0);
    print_setup(x, s, RATIO_FIRST_ROW - 1, RATIO_FIRST_ROW - 1);
}

/* ---- the workbook ---- */

/* Where libxlsxwriter assembles the workbook's parts before zipping them: tmpdir ($TMPDIR)
 * when set (libxlsxwriter itself reads only $TMP and $TEMP), else /dev/shm when it is a
 * writable directory, else libxlsxwriter's default (/tmp).  The parts are a megabyte or
 * so, unlinked as soon as they are created; in memory they cost nothing to create and
 * delete, where a disk file system spends a tenth of a batch's time on their inodes
 * (docs/performance.md). */
static char *scratch_dir(const char *tmpdir)
{
    static char shm[] = "/dev/shm";
    /* libxlsxwriter's option is not const, but it only reads the folder's name */
    if (tmpdir && *tmpdir) return (char *)tmpdir;
    if (access(shm, W_OK | X_OK) == 0) return shm;
    return NULL;
}

static void open_workbook(xl *x, int64_t epoch, const char *tmpdir)
{
    char title[256];
    lxw_workbook_options opts;
    memset(&opts, 0, sizeof opts);
    opts.tmpdir = scratch_dir(tmpdir);
    /* a dry run's workbook lives in memory only: libxlsxwriter opens its file when it is
     * closed, and a dry run frees it instead */
    x->wb = workbook_new_opt(x->path, &opts);
    if (!x->wb) {
        fail(x, BP_ERR_RENDER, "libxlsxwriter could not start the workbook");
        return;
    }
    lxw_doc_properties props;
    memset(&props, 0, sizeof props);
    text_fmt(title, sizeof title, "%s: audit workbook", x->m->name);
    props.title = title;
    props.author = "boardpack";
    props.company = x->m->name;
    if (!xml_text_ok(x, props.title, "the document's title")
        || !xml_text_ok(x, props.company, "the document's company"))
        return;
    /* libxlsxwriter reads 0 as "now": the first second of 1970 stands in for it.  The zip
     * entries carry libxlsxwriter's fixed 1980-01-01 timestamps, whatever the clock. */
    props.created = epoch > 0 ? (time_t)epoch : 1;
    check_book(x, workbook_set_properties(x->wb, &props), "document properties");
    for (int i = 0; i < XS_COUNT && live(x); i++) {
        check_book(x, workbook_validate_sheet_name(x->wb, sheet_info[i].name), sheet_info[i].name);
        if (!xml_text_ok(x, sheet_info[i].name, "a sheet name") || !live(x)) return;
        x->ws[i] = workbook_add_worksheet(x->wb, sheet_info[i].name);
        if (!x->ws[i]) nomem(x);
    }
    if (live(x)) make_formats(x);
}

static void plan(xl *x)
{
    size_t nk = x->s->kpis.count;
    plan_institutions(x);
    if (live(x)) plan_entities(x);
    if (live(x)) plan_targets(x);
    if (live(x)) plan_courses(x);
    x->score_row = malloc((nk + 1) * sizeof *x->score_row);
    if (!x->score_row) nomem(x);
    for (size_t k = 0; k < nk && x->score_row; k++) x->score_row[k] = -1;
    x->env.model = x->m;
    x->env.inst_pos = x->inst_pos;
    x->env.course_row = x->course_row;
    x->env.benchmark_row = env_benchmark_row;
    x->env.helper_row = env_helper_row;
    x->env.arg = x;
}

static void parse_fixed(xl *x, bp_expr **ex)
{
    for (int i = 0; i < FX_COUNT && live(x); i++) {
        bp_err err = bp_expr_parse(fixed_exprs[i], strlen(fixed_exprs[i]), "workbook", 1, 1, &ex[i],
                                   x->diags);
        if (err != BP_OK) fail(x, err, "cannot read the workbook's own expression %s", fixed_exprs[i]);
    }
}

static void write_sheets(xl *x, bp_expr *const *ex)
{
    /* inputs first: the formulas of the other sheets point into them; each sheet names
     * the inputs its cells come from (no_src: the workbook's own) */
    no_src(x), write_institutions(x);
    no_src(x), write_targets(x);
    no_src(x), write_data(x);
    no_src(x), write_courses(x);
    no_src(x), write_scorecard(x);
    no_src(x), write_forecast(x);
    no_src(x), write_finance(x, ex);
    no_src(x), write_charges(x, ex);
    no_src(x), write_actions(x);
    no_src(x), write_quality(x, ex);
    no_src(x), write_contents(x);
    /* last: every other sheet has asked for its ratios and per-institution terms by now,
     * and the ratios' own formulas may ask for more terms */
    no_src(x), write_ratios(x);
    no_src(x), write_workings(x);
}

static void release(xl *x, bp_expr **ex)
{
    for (int i = 0; i < FX_COUNT; i++) bp_expr_free(ex[i]);
    bp_fbuf_free(&x->fb);
    free(x->inst_order);
    free(x->inst_pos);
    free(x->members);
    free(x->ents);
    free(x->target0);
    free(x->target_row);
    free(x->bench_row);
    free(x->measure0);
    free(x->points0);
    free(x->points_row);
    free(x->band0);
    free(x->band_row);
    free(x->course_row);
    free(x->score_row);
    free(x->helpers);
    free(x->ratios);
}

static bp_err run(const bp_session *s, int64_t epoch, const char *tmpdir, const char *path,
                  bool dry, bp_diags *diags)
{
    xl x;
    bp_expr *ex[FX_COUNT] = {NULL};
    memset(&x, 0, sizeof x);
    x.s = s;
    x.m = &s->model;
    x.res = &s->results;
    x.path = path;
    x.dry = dry;
    x.diags = diags;
    bp_fbuf_init(&x.fb);
    /* formulas and libxlsxwriter's numbers are written with printf: a decimal comma
     * would corrupt them */
    const char *numeric = setlocale(LC_NUMERIC, NULL);
    if (!numeric || (strcmp(numeric, "C") != 0 && strcmp(numeric, "POSIX") != 0))
        fail(&x, BP_ERR_RENDER, "LC_NUMERIC is %s; the workbook needs the C locale",
             numeric ? numeric : "unknown");
    if (live(&x)) parse_fixed(&x, ex);
    if (live(&x)) plan(&x);
    if (live(&x)) open_workbook(&x, epoch, tmpdir);
    if (live(&x)) write_sheets(&x, ex);
    if (x.wb && live(&x) && !dry) check_book(&x, workbook_close(x.wb), "writing the file");
    else if (x.wb) lxw_workbook_free(x.wb);
    release(&x, ex);
    return x.err == BP_OK && x.nlimits ? BP_ERR_LIMIT : x.err;
}

bp_err bp_xlsx_write(const bp_session *s, int64_t epoch, const char *tmpdir, const char *path,
                     bp_diags *diags)
{
    return run(s, epoch, tmpdir, path, false, diags);
}

bp_err bp_xlsx_check(const bp_session *s, bp_diags *diags)
{
    return run(s, 1, NULL, "the workbook", true, diags);
}
