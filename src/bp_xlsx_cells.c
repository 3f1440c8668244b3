/* bp_xlsx_cells: the writer's state helpers - failures and the spreadsheet's limits, the
 * one gate every string passes before libxlsxwriter sees it, cells and formats.  Every
 * libxlsxwriter call that writes goes through here, so that each return code is checked
 * in one place. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_xlsx_internal.h"
#include "bp_util.h"

/* ---- sheets ---- */

const xl_sheet_info xl_sheets[XS_COUNT] = {
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
    {BP_XL_SHEET_WORKINGS, "The sums of the facts every figure reads, by institution, phase and "
                           "the trust; per-institution terms (such as periods x FTE)"},
    {"Ratios", "Thresholds and the values each status decides as whole numbers, so that every "
               "status compares exactly"},
    {"Income and expenditure", "The report year's income and expenditure by line, for each "
                               "institution, their total, the internal transfers eliminated and "
                               "the consolidated trust"},
    {"Budget v actual", "The report year's budget against its actual by line, for the trust and "
                        "each institution, with variances favourable positive"},
    {"Balance sheet", "Year-end balances against the previous year end, net assets and funds, "
                      "by institution and the trust"},
    {"Reserves", "The revenue reserve rolled forward (opening + in-year result = closing) and the "
                 "movements of the other funds, by institution and the trust"},
    {"Checks", "Integrity checks, each 0 while it holds, and the master check over them; "
               "provenance: Data against the input files"},
    {"Cash flow", "The 12-month cash flow of the report year, actual months then forecast, by "
                  "institution and the trust, with the lowest closing balance (cash_min)"},
    {"Management accounts", "In-year: each management-accounts line for the trust and each "
                            "institution, actuals and budget to date, full-year budget and "
                            "outturn, with variances, and the months received"},
};

const xl_sheet xl_tab_order[XS_COUNT] = {
    XS_CONTENTS, XS_INSTITUTIONS, XS_TARGETS, XS_DATA, XS_COURSES, XS_ACTIONS, XS_SCORECARD,
    XS_FINANCE, XS_MGMT, XS_IE, XS_BVA, XS_BALANCE, XS_CASHFLOW, XS_RESERVES, XS_FORECAST, XS_CHARGE, XS_QUALITY,
    XS_CHECKS, XS_WORKINGS, XS_RATIOS,
};

bool xl_input_sheet(xl_sheet s)
{
    return s == XS_DATA || s == XS_INSTITUTIONS || s == XS_TARGETS;
}

/* ---- failures ---- */

bool xl_live(const xl *x) { return x->err == BP_OK; }

void xl_fail(xl *x, bp_err err, const char *fmt, ...)
{
    if (!xl_live(x)) return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    x->err = err;
    bp_diag_add(x->diags, BP_DIAG_ERROR, x->path, 0, 0, "%s", msg);
}

void xl_nomem(xl *x) { xl_fail(x, BP_ERR_NOMEM, "out of memory writing the workbook"); }

#define MAX_LIMITS 1000

/* Has this input already an error?  (Only limits are looked for: nothing else lets
 * the writer go on.) */
bool xl_reported(const xl *x, const xl_src *at)
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
void xl_limit(xl *x, const xl_src *at, const char *fmt, ...)
{
    if (!xl_live(x) || xl_reported(x, at)) return;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    bp_diag_add(x->diags, BP_DIAG_ERROR, at->file ? at->file : x->path, at->line, at->column, "%s",
                msg);
    if (!x->dry || ++x->nlimits >= MAX_LIMITS) x->err = BP_ERR_LIMIT;
}

void xl_set_src(xl *x, const char *file, int line, int column, const char *fmt, ...)
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
void xl_no_src(xl *x) { memset(&x->src, 0, sizeof x->src); }

/* Is there a row for this cell?  The first that is not is reported, once for a sheet. */
static bool room(xl *x, xl_sheet s, int row)
{
    if (row < BP_EXCEL_ROWS) return true;
    if (!x->full[s] && xl_live(x))
        xl_limit(x, &x->src, "found more rows for %s than the workbook's %s sheet holds, expected at "
                 "most %d rows on a sheet", x->src.file ? x->src.what : "the workbook", xl_sheets[s].name,
                 BP_EXCEL_ROWS);
    x->full[s] = true;
    return false;
}

/* Every libxlsxwriter call that can fail goes through here. */
void xl_check(xl *x, lxw_error e, xl_sheet s, int row, int col)
{
    /* a sheet whose rows ran out has its error: the ranges past its end follow from it */
    if (e == LXW_NO_ERROR || !xl_live(x) || x->full[s]) return;
    char cell[64];
    bp_formula_ref(cell, sizeof cell, xl_sheets[s].name, row, col);
    if (e == LXW_ERROR_MEMORY_MALLOC_FAILED) xl_nomem(x);
    else xl_fail(x, BP_ERR_RENDER, "libxlsxwriter at %s: %s", cell, lxw_strerror(e));
}

void xl_check_book(xl *x, lxw_error e, const char *what)
{
    if (e == LXW_NO_ERROR || !xl_live(x)) return;
    if (e == LXW_ERROR_MEMORY_MALLOC_FAILED) xl_nomem(x);
    else xl_fail(x, BP_ERR_RENDER, "libxlsxwriter: %s: %s", what, lxw_strerror(e));
}

/* A compiler result: false (with a diagnostic) when the formula could not be made. */
bool xl_compiled(xl *x, bp_err err, const char *what)
{
    if (err == BP_OK) return xl_live(x);
    if (err == BP_ERR_NOMEM) {
        xl_nomem(x);
    } else if (err == BP_ERR_LIMIT && x->fb.at && x->fb.at->name) {
        /* a code too long for a formula's text: at the code itself */
        const bp_expr *at = x->fb.at;
        xl_src src = x->src;
        src.line = at->line;
        src.column = at->column;
        size_t n = strlen(at->name);
        xl_limit(x, &src, "found code '%.40s%s' of %zu characters in %s, expected at most %d "
                 "characters: %s", at->name, n > 40 ? "..." : "", n, x->src.what, BP_FORMULA_CODE_MAX,
                 x->fb.why);
    } else if (err == BP_ERR_LIMIT) {
        xl_limit(x, &x->src, "found %s that the workbook cannot hold: %s", x->src.what,
                 x->fb.why ? x->fb.why : bp_strerror(err));
    } else {
        xl_fail(x, err, "cannot write the formula for %s: %s", what,
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
bool xl_xml_text_ok(xl *x, const char *text, const char *where)
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
        if (k) xl_fail(x, BP_ERR_RENDER, "internal error: the text for %s holds U+%04X (%s), which "
                       "a workbook cannot hold; nothing is written", where, (unsigned)cp, what);
        else xl_fail(x, BP_ERR_RENDER, "internal error: the text for %s holds byte 0x%02X, which is "
                     "not UTF-8; nothing is written", where, u[i]);
        return false;
    }
    return true;
}

/* Are the n bytes at u all printable ASCII (0x20 to 0x7E)?  Eight at a time: a formula's
 * text is checked on every cell, some hundred bytes. */
static bool printable_ascii(const unsigned char *u, size_t n)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w, del;
        memcpy(&w, u + i, sizeof w);
        del = w ^ (ones * 0x7F);    /* a zero byte where w has DEL */
        /* a byte from 0x80; below 0x20; DEL (each test exact for bytes below 0x80) */
        if ((w | ((w - ones * 0x20) & ~w) | ((del - ones) & ~del)) & highs) return false;
    }
    for (; i < n; i++)
        if (u[i] < 0x20 || u[i] >= 0x7F) return false;
    return true;
}

/* xml_text_ok for the text of a cell, named as Sheet!A1. */
bool xl_cell_text_ok(xl *x, const char *text, xl_sheet s, int row, int col)
{
    if (!xl_live(x)) return false;
    const char *t = text ? text : "";
    if (printable_ascii((const unsigned char *)t, strlen(t))) return true;
    char cell[64];
    bp_formula_ref(cell, sizeof cell, xl_sheets[s].name, row, col);
    return xl_xml_text_ok(x, text, cell);
}

/* snprintf for text holding names: a name cut short by the buffer is cut between
 * characters, never inside one (which the gate would refuse). */
void xl_text_fmt(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n >= size) buf[bp_utf8_whole(buf, size - 1)] = '\0';
}

char *xl_copy_text(xl *x, const char *s)
{
    char *d = strdup(s);
    if (!d) xl_nomem(x);
    return d;
}

/* ---- integrity checks ---- */

void xl_add_check(xl *x, xl_sheet s, int r0, int c0, int r1, int c1, const char *what)
{
    if (!xl_live(x)) return;
    xl_check_ref *c = bp_grow(x->checks, &x->capchecks, x->nchecks + 1, sizeof *c);
    if (!c) {
        xl_nomem(x);
        return;
    }
    x->checks = c;
    char *w = xl_copy_text(x, what);
    if (!w) return;
    x->checks[x->nchecks++] = (xl_check_ref){s, r0, c0, r1, c1, w, 0};
}

/* A cell of a registered check written with a cached value that is not 0: the check
 * fails in the data as built, and its Checks row says so in its cached value too.  A
 * check is registered just before its cells are written, so only the latest one can
 * hold the cell: one comparison a cell, not one a check. */
static void note_check_cell(xl *x, xl_sheet s, int row, int col, xl_cache v)
{
    if (!x->nchecks || (!v.is_text && v.num == 0)) return;
    xl_check_ref *c = &x->checks[x->nchecks - 1];
    if (c->sheet == s && row >= c->r0 && row <= c->r1 && col >= c->c0 && col <= c->c1) c->failing++;
}

/* ---- cells ---- */

xl_cache xl_cache_text(const char *t) { return (xl_cache){true, 0, t}; }
xl_cache xl_cache_double(double v) { return (xl_cache){false, v, NULL}; }

/* The engine's value as the workbook shows it: money to the penny, as the JSON prints. */
xl_cache xl_cache_num(bp_num v, bool money)
{
    int64_t p;
    if (!v.ok) return xl_cache_text("");
    if (money && bp_num_to_pence(v, &p)) return xl_cache_double((double)p / 100.0);
    return xl_cache_double(bp_num_to_double(v));
}

/* A text no cell can hold: the readers refuse such input (bp_csv, bp_kpi), so this is
 * what the workbook makes of it (a heading, a joined list). */
static bool fits_cell(xl *x, const char *text)
{
    size_t n = strlen(text);
    if (n <= BP_EXCEL_CELL_CHARS || bp_excel_chars(text, n) <= BP_EXCEL_CELL_CHARS) return true;
    xl_limit(x, &x->src, "found a text of %zu characters for %s, expected at most %d characters, the "
             "most a spreadsheet cell holds", bp_excel_chars(text, n),
             x->src.file ? x->src.what : "the workbook", BP_EXCEL_CELL_CHARS);
    return false;
}

void xl_put_text(xl *x, xl_sheet s, int row, int col, const char *text, lxw_format *f)
{
    if (!xl_live(x) || !room(x, s, row) || !fits_cell(x, text) || !xl_cell_text_ok(x, text, s, row, col)
        || x->dry)
        return;
    /* write_string: input text such as "=1+1" or "@cmd" is a string, never a formula */
    xl_check(x, worksheet_write_string(x->ws[s], (lxw_row_t)row, (lxw_col_t)col, text, f), s, row, col);
}

void xl_put_number(xl *x, xl_sheet s, int row, int col, double v, lxw_format *f)
{
    if (!xl_live(x) || !room(x, s, row) || x->dry) return;
    xl_check(x, worksheet_write_number(x->ws[s], (lxw_row_t)row, (lxw_col_t)col, v, f), s, row, col);
}

void xl_put_money(xl *x, xl_sheet s, int row, int col, int64_t pence, lxw_format *f)
{
    xl_put_number(x, s, row, col, (double)pence / 100.0, f);
}

void xl_put_blank(xl *x, xl_sheet s, int row, int col, lxw_format *f)
{
    if (!xl_live(x) || !room(x, s, row) || x->dry) return;
    xl_check(x, worksheet_write_blank(x->ws[s], (lxw_row_t)row, (lxw_col_t)col, f), s, row, col);
}

static void put_date(xl *x, xl_sheet s, int row, int col, int32_t days, lxw_format *f)
{
    int y, mo, d;
    if (!xl_live(x) || !room(x, s, row) || x->dry) return;
    bp_date_ymd(days, &y, &mo, &d);
    lxw_datetime dt = {y, mo, d, 0, 0, 0.0};
    xl_check(x, worksheet_write_datetime(x->ws[s], (lxw_row_t)row, (lxw_col_t)col, &dt, f), s, row,
             col);
}

void xl_put_date(xl *x, xl_sheet s, int row, int col, int32_t days)
{
    put_date(x, s, row, col, days, x->f.date);
}

/* A date a user may change (joined, due, the as-of date), in the input style. */
void xl_put_input_date(xl *x, xl_sheet s, int row, int col, int32_t days)
{
    put_date(x, s, row, col, days, xl_input(x, x->f.date));
}

/* The facts cells of the sums block a formula reads (Workings!$P$12): noted, so that
 * the block, written last, has them.  Every formula passes here, whoever compiled it. */
static void note_facts_refs(xl *x, const char *formula)
{
    static const char tag[] = BP_XL_SHEET_WORKINGS "!";
    int first = BP_XL_WORK_FIRST_COL + x->facts_offset;
    for (const char *p = strstr(formula, tag); p; p = strstr(p, tag)) {
        int col = 0, row = 0;
        p += sizeof tag - 1;
        if (*p == '$') p++;
        for (int k = 0; k < 3 && *p >= 'A' && *p <= 'Z'; k++, p++) col = col * 26 + (*p - 'A' + 1);
        if (*p == '$') p++;
        for (int k = 0; k < 7 && *p >= '0' && *p <= '9'; k++, p++) row = row * 10 + (*p - '0');
        /* 0-based: the facts column's index among the entities, the fact row's index */
        int c = col - 1 - first, i = row - 1 - WORK_SUMS_ROW;
        if (c < 0 || (size_t)c >= x->facts_cols || i < (int)x->sums_facts0
            || (size_t)i >= x->sums_facts1)
            continue;
        unsigned char *read = &x->facts_read[(size_t)i * x->facts_cols + (size_t)c];
        if (!*read && x->sums_written)
            xl_fail(x, BP_ERR_RENDER, "internal error: a formula reads the facts cell %s%d of the "
                    "sums block, written before it without that cell", BP_XL_SHEET_WORKINGS "!",
                    row);
        *read = 1;
    }
}

void xl_put_formula(xl *x, xl_sheet s, int row, int col, const char *formula, lxw_format *f,
                    xl_cache v)
{
    if (!xl_live(x) || !room(x, s, row)) return;
    size_t n = strlen(formula) - (formula[0] == '=');
    if (n > BP_FORMULA_MAX) {
        char cell[64];
        bp_formula_ref(cell, sizeof cell, xl_sheets[s].name, row, col);
        xl_limit(x, &x->src, "found a workbook formula of %zu characters for %s (%s), expected at most "
                 "%d characters, Excel's limit on a formula", n,
                 x->src.file ? x->src.what : "the workbook", cell, BP_FORMULA_MAX);
        return;
    }
    if (!xl_cell_text_ok(x, formula, s, row, col) || (v.is_text && !xl_cell_text_ok(x, v.text, s, row, col)))
        return;
    if (x->dry) return;
    if (x->nchecks) note_check_cell(x, s, row, col, v);
    if (x->facts_read) note_facts_refs(x, formula);
    lxw_row_t r = (lxw_row_t)row;
    lxw_col_t c = (lxw_col_t)col;
    lxw_error e = v.is_text ? worksheet_write_formula_str(x->ws[s], r, c, formula, f, v.text)
                            : worksheet_write_formula_num(x->ws[s], r, c, formula, f, v.num);
    xl_check(x, e, s, row, col);
}

/* The formula "=Sheet!$C$7" pointing at another cell, with that cell's cached value. */
void xl_put_link(xl *x, xl_sheet s, int row, int col, xl_sheet to, int trow, int tcol,
                 lxw_format *f, xl_cache v)
{
    char ref[80], formula[96];
    bp_formula_ref(ref, sizeof ref, xl_sheets[to].name, trow, tcol);
    snprintf(formula, sizeof formula, "=%s", ref);
    xl_put_formula(x, s, row, col, formula, f, v);
}

/* A hyperlink to a cell of another sheet (or this one), showing text: where a check
 * looks, a sheet of the Contents.  A link, not a formula: moving or renaming nothing
 * changes a figure. */
void xl_put_url(xl *x, xl_sheet s, int row, int col, xl_sheet to, int trow, int tcol,
                const char *text)
{
    char url[96], col_name[8];
    if (!xl_live(x) || !room(x, s, row)) return;
    bp_formula_col(col_name, sizeof col_name, tcol);
    snprintf(url, sizeof url, "internal:'%s'!%s%d", xl_sheets[to].name, col_name, trow + 1);
    if (!fits_cell(x, text) || !xl_cell_text_ok(x, url, s, row, col) || !xl_cell_text_ok(x, text, s, row, col)
        || x->dry)
        return;
    xl_check(x, worksheet_write_url_opt(x->ws[s], (lxw_row_t)row, (lxw_col_t)col, url, x->f.link,
                                        text, NULL), s, row, col);
}

/* The last row (0-based) of a bounded range whose rows start at first and hold rows
 * rows written: BP_XL_SPARE_ROWS more for the rows a user adds, cut at the sheet's end. */
int xl_rows_end(int first, size_t rows)
{
    int64_t last = (int64_t)first + (int64_t)rows - 1 + BP_XL_SPARE_ROWS;
    return last > BP_EXCEL_ROWS - 1 ? BP_EXCEL_ROWS - 1 : (int)last;
}

void xl_set_col(xl *x, xl_sheet s, int first, int last, double width, lxw_format *f)
{
    if (!xl_live(x)) return;
    xl_check(x, worksheet_set_column(x->ws[s], (lxw_col_t)first, (lxw_col_t)last, width, f), s, 0,
             first);
}

/* Lines a text needs in a column of this width, wrapped at spaces.  Row heights are not
 * recomputed when a workbook is opened, so rows with wrapped text are sized here. */
int xl_wrapped_lines(const char *text, double width)
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

void xl_fit_row(xl *x, xl_sheet s, int row, int lines)
{
    if (lines > 1 && xl_live(x))
        xl_check(x, worksheet_set_row(x->ws[s], (lxw_row_t)row, 12.75 * lines, NULL), s, row, 0);
}

int xl_max_int(int a, int b) { return a > b ? a : b; }

void xl_merge(xl *x, xl_sheet s, int row, int c0, int c1, const char *text, lxw_format *f)
{
    if (!xl_live(x) || !room(x, s, row) || !fits_cell(x, text) || !xl_cell_text_ok(x, text, s, row, c0)
        || x->dry)
        return;
    xl_check(x, worksheet_merge_range(x->ws[s], (lxw_row_t)row, (lxw_col_t)c0, (lxw_row_t)row,
                                      (lxw_col_t)c1, text, f), s, row, c0);
}

/* Rows a user may add below the rows written, and still be checked: as many as the
 * bounded ranges over Data leave room for. */
#define XL_NEW_ROWS 10000

/* A drop-down list of the words word(0..n-1) on a column, over the nrows rows written
 * from first and XL_NEW_ROWS more, so that a row a user adds is checked too; what: the
 * words' name ("phase") for the message Excel and LibreOffice show when a cell holds
 * another word. */
void xl_validate_words(xl *x, xl_sheet s, int first, int col, size_t nrows,
                       const char *(*word)(int), int n, const char *what)
{
    char *list[16], title[32], msg[255];
    size_t len = 0;
    if (!xl_live(x) || x->dry || n < 1 || n > 15) return;
    for (int i = 0; i < n; i++) list[i] = (char *)word(i);   /* libxlsxwriter only reads them */
    list[n] = NULL;
    snprintf(title, sizeof title, "Not a %s", what);
    len = (size_t)snprintf(msg, sizeof msg, "Expected a %s: one of", what);
    for (int i = 0; i < n && len < sizeof msg; i++)
        len += (size_t)snprintf(msg + len, sizeof msg - len, "%s %s", i ? "," : "", list[i]);
    size_t last = (size_t)first + nrows + XL_NEW_ROWS - 1;
    if (last > BP_EXCEL_ROWS - 1) last = BP_EXCEL_ROWS - 1;
    lxw_data_validation dv;
    memset(&dv, 0, sizeof dv);
    dv.validate = LXW_VALIDATION_TYPE_LIST;
    dv.value_list = list;
    dv.error_title = title;
    dv.error_message = msg;
    xl_check(x, worksheet_data_validation_range(x->ws[s], (lxw_row_t)first, (lxw_col_t)col,
                                                (lxw_row_t)last, (lxw_col_t)col, &dv), s, first, col);
}

/* Title and subtitle on rows 0 and 1 of a sheet. */
void xl_put_title(xl *x, xl_sheet s, const char *title, const char *subtitle)
{
    xl_put_text(x, s, 0, 0, title, x->f.title);
    xl_put_text(x, s, 1, 0, subtitle, x->f.subtitle);
}

void xl_put_headers(xl *x, xl_sheet s, int row, int col, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) xl_put_text(x, s, row, col + (int)i, names[i], x->f.header);
}

/* A header aligned as the column's cells are: 'r' over figures (right, as numbers are),
 * 'c' over statuses (centred), anything else left, over text. */
lxw_format *xl_header_as(const xl *x, char align)
{
    return align == 'r' ? x->f.header_num : align == 'c' ? x->f.header_mid : x->f.header;
}

/* Headers with align[i] the alignment of column col + i ("llrr": two text columns, then
 * two of figures); past the end of align, left. */
void xl_put_headers_as(xl *x, xl_sheet s, int row, int col, const char *const *names, size_t n,
                       const char *align)
{
    size_t na = strlen(align);
    for (size_t i = 0; i < n; i++)
        xl_put_text(x, s, row, col + (int)i, names[i], xl_header_as(x, i < na ? align[i] : 'l'));
}

/* Landscape on A4, one page wide, the header rows repeated on every page. */
void xl_print_setup(xl *x, xl_sheet s, int header_first, int header_last)
{
    if (!xl_live(x)) return;
    lxw_worksheet *ws = x->ws[s];
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);
    worksheet_fit_to_pages(ws, 1, 0);
    /* the footer names its font too: else it takes the spreadsheet's default */
    xl_check(x, worksheet_set_footer(ws, "&L&\"" XL_FONT ",Regular\"&A"
                                         "&R&\"" XL_FONT ",Regular\"Page &P of &N"), s, 0, 0);
    if (header_last >= header_first)
        xl_check(x, worksheet_repeat_rows(ws, (lxw_row_t)header_first, (lxw_row_t)header_last), s,
                 header_first, 0);
}

/* ---- formats ---- */


static lxw_format *new_format(xl *x, const char *num_format)
{
    lxw_format *f = workbook_add_format(x->wb);
    if (!f) {
        xl_nomem(x);
        return NULL;
    }
    format_set_font_name(f, XL_FONT);
    format_set_font_size(f, XL_FONT_SIZE);
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
/* The input style (docs/workbook.md, "Conventions"): a pale yellow fill with blue text,
 * as DfE's budget forecast return marks the cells a trust fills in and as financial
 * models colour what was typed rather than calculated. */
#define XL_INPUT_BG 0xFFF2CC
#define XL_INPUT_FG 0x0000FF

static lxw_format *status_format(xl *x, lxw_color_t bg, lxw_color_t fg)
{
    lxw_format *f = new_format(x, NULL);
    if (!f) return NULL;
    format_set_bg_color(f, bg);
    format_set_font_color(f, fg);
    return f;
}

/* Figures end a bracket's width short of their column's right edge, where a negative
 * amount's closing bracket goes, so that every figure of a column lines up. */
#define XL_PAD "_)"

/* Money: whole pounds, or thousands with the "£000" heading notes (xl_money_note); a
 * negative amount in brackets, and a positive one padded by a bracket's width so that
 * the digits of both line up.  Pence keep their two places. */
#define XL_POUNDS "\xC2\xA3#,##0_);(\xC2\xA3#,##0)"
#define XL_THOUSANDS "#,##0,_);(#,##0,)"
#define XL_PENCE "\xC2\xA3#,##0.00_);(\xC2\xA3#,##0.00)"

/* The plain format and its twin in the input style: the same number format, the input
 * fill and text, and unlocked, so that it stays editable on a protected sheet. */
static lxw_format *with_input(xl *x, lxw_format **plain, const char *num_format)
{
    xl_formats *f = &x->f;
    *plain = new_format(x, num_format);
    lxw_format *in = new_format(x, num_format);
    if (!*plain || !in || f->ninputs == XL_NINPUTS) {
        if (xl_live(x)) xl_fail(x, BP_ERR_RENDER, "internal error: more input formats than %d",
                                XL_NINPUTS);
        return NULL;
    }
    format_set_bg_color(in, XL_INPUT_BG);
    format_set_font_color(in, XL_INPUT_FG);
    format_set_unlocked(in);
    f->plain[f->ninputs] = *plain;
    f->input[f->ninputs++] = in;
    return in;
}

void xl_make_formats(xl *x)
{
    xl_formats *f = &x->f;
    const char *money = x->m->money_units == BP_MONEY_THOUSANDS ? XL_THOUSANDS : XL_POUNDS;
    f->title = new_format(x, NULL);
    f->subtitle = new_format(x, NULL);
    f->note = new_format(x, NULL);
    f->header = new_format(x, NULL);
    f->header_wrap = new_format(x, NULL);
    /* padded as the figures under it are (XL_PAD), which also keeps it off a text
     * header to its right */
    f->header_num = new_format(x, "@" XL_PAD);
    f->header_mid = new_format(x, NULL);
    with_input(x, &f->text, NULL);
    lxw_format *wrap_in = with_input(x, &f->wrap, NULL);
    f->bold = new_format(x, NULL);
    with_input(x, &f->money, money);
    f->money_bold = new_format(x, money);
    with_input(x, &f->pounds, XL_POUNDS);
    with_input(x, &f->pence, XL_PENCE);
    f->percent = new_format(x, "0.0%" XL_PAD);
    with_input(x, &f->fine_percent, "0.0##%" XL_PAD);
    with_input(x, &f->ratio, "0.00" XL_PAD);
    with_input(x, &f->number, "#,##0.0" XL_PAD);
    with_input(x, &f->whole, "#,##0" XL_PAD);
    with_input(x, &f->quantity, "General" XL_PAD);
    f->exact = new_format(x, "#,##0.000000" XL_PAD);
    with_input(x, &f->date, "d mmm yyyy" XL_PAD);
    f->link = new_format(x, NULL);
    f->status = new_format(x, NULL);
    f->none = new_format(x, NULL);
    f->formula_text = new_format(x, NULL);
    f->green = status_format(x, XL_GREEN_BG, XL_GREEN_FG);
    f->amber = status_format(x, XL_AMBER_BG, XL_AMBER_FG);
    f->red = status_format(x, XL_RED_BG, XL_RED_FG);
    if (!xl_live(x)) return;
    format_set_bold(f->title);
    format_set_font_size(f->title, 14);
    format_set_font_color(f->title, XL_HEADER_BG);
    format_set_italic(f->subtitle);
    format_set_font_color(f->subtitle, 0x595959);
    format_set_text_wrap(f->note);
    lxw_format *heads[] = {f->header, f->header_wrap, f->header_num, f->header_mid};
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++) {
        format_set_bold(heads[i]);
        format_set_font_color(heads[i], LXW_COLOR_WHITE);
        format_set_bg_color(heads[i], XL_HEADER_BG);
    }
    format_set_text_wrap(f->header_wrap);
    format_set_align(f->header_wrap, LXW_ALIGN_CENTER);
    format_set_align(f->header_num, LXW_ALIGN_RIGHT);
    format_set_align(f->header_mid, LXW_ALIGN_CENTER);
    format_set_text_wrap(f->wrap);
    format_set_text_wrap(wrap_in);
    format_set_bold(f->bold);
    format_set_bold(f->money_bold);
    format_set_top(f->money_bold, LXW_BORDER_THIN);
    /* a total that cannot be shown says so ("n/a") where its figure would stand */
    format_set_align(f->money_bold, LXW_ALIGN_RIGHT);
    format_set_underline(f->link, LXW_UNDERLINE_SINGLE);
    format_set_font_color(f->link, LXW_COLOR_BLUE);
    format_set_align(f->status, LXW_ALIGN_CENTER);
    format_set_align(f->none, LXW_ALIGN_CENTER);
    format_set_font_color(f->none, 0x808080);
}

/* A chart in the workbook's font, its value axis from min(0, the lowest value plotted):
 * an axis that starts above zero makes a small difference look large. */
void xl_chart_style(xl *x, lxw_chart *ch, double lowest)
{
    static char font_name[] = XL_FONT;   /* libxlsxwriter copies it */
    lxw_chart_font font = {.name = font_name};
    (void)x;
    chart_title_set_name_font(ch, &font);
    chart_axis_set_num_font(ch->x_axis, &font);
    chart_axis_set_num_font(ch->y_axis, &font);
    chart_legend_set_font(ch, &font);
    chart_axis_set_min(ch->y_axis, lowest < 0 ? lowest : 0);
}

/* The input style's twin of a format (the format itself when it has none). */
lxw_format *xl_input(const xl *x, lxw_format *plain)
{
    for (size_t i = 0; i < x->f.ninputs; i++)
        if (x->f.plain[i] == plain) return x->f.input[i];
    return plain;
}

/* " (£000)" after the heading of money shown in thousands; "" in pounds, where the
 * figures carry their own £. */
const char *xl_money_note(const xl *x)
{
    return x->m->money_units == BP_MONEY_THOUSANDS ? " (\xC2\xA3" "000)" : "";
}

/* The number format of a KPI or measure value. */
lxw_format *xl_unit_format(const xl *x, bp_unit u)
{
    switch (u) {
    case BP_UNIT_PERCENT: return x->f.percent;
    case BP_UNIT_RATIO: return x->f.ratio;
    case BP_UNIT_MONEY: return x->f.money;
    case BP_UNIT_NUMBER: return x->f.number;
    case BP_UNIT_GRADE: return x->f.whole;
    }
    return x->f.quantity;
}

/* Colour a value and its status (columns c0 and c1) by the status word in c1. */
void xl_status_colours(xl *x, xl_sheet s, int r0, int c0, int r1, int c1)
{
    static const char *const words[] = {"green", "amber", "red"};
    /* cppcheck-suppress constVariable ; libxlsxwriter's lxw_conditional_format takes a
     * format that is not const */
    lxw_format *const fmts[] = {x->f.green, x->f.amber, x->f.red};
    char col[8];
    bp_formula_col(col, sizeof col, c1);
    for (size_t i = 0; i < 3 && xl_live(x); i++) {
        char formula[64];
        snprintf(formula, sizeof formula, "=$%s%d=\"%s\"", col, r0 + 1, words[i]);
        lxw_conditional_format cf;
        memset(&cf, 0, sizeof cf);
        cf.type = LXW_CONDITIONAL_TYPE_FORMULA;
        cf.value_string = formula;
        cf.format = fmts[i];
        if (!xl_cell_text_ok(x, formula, s, r0, c0)) return;
        xl_check(x, worksheet_conditional_format_range(x->ws[s], (lxw_row_t)r0, (lxw_col_t)c0,
                                                       (lxw_row_t)r1, (lxw_col_t)c1, &cf), s, r0, c0);
    }
}

lxw_format *xl_kpi_format(const xl *x, const bp_kpi *k) { return xl_unit_format(x, k->unit); }

/* ---- flags as words ---- */

/* "institution, phase", "sixth_form_college", "budget, forecast": a flag set as words. */
void xl_flag_words(unsigned flags, const char *(*name)(int), int n, char *buf, size_t size)
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

const char *xl_scope_word(int i)
{
    static const char *const w[] = {"institution", "phase", "trust", "course"};
    return i < 4 ? w[i] : "?";
}
const char *xl_phase_word(int i) { return bp_phase_id((bp_phase)i); }
const char *xl_scenario_word(int i) { return bp_scenario_id((bp_scenario)i); }

/* ---- defined names ---- */

void xl_define(xl *x, const char *name, const char *formula)
{
    if (!xl_xml_text_ok(x, name, "a defined name") || !xl_xml_text_ok(x, formula, name)) return;
    xl_check_book(x, workbook_define_name(x->wb, name, formula), name);
}
