/* bp_xlsx_sheet: a workbook whose cells bp_xlsx_sheet.c keeps and writes is, byte for
 * byte, the workbook libxlsxwriter writes when it keeps them itself (bp_xlsx_sheet_keep
 * false) after the same calls, each call returning the same error: numbers (zero, -0,
 * tiny, huge, NaN, infinities), strings (repeats, "" and NULL with and without a format,
 * one too long), formulas (a leading "=", entities, a string result, a NULL one, none at
 * all), blanks, dates, a cell written again and again (the last write kept; a blank
 * without a format ignored), positions out of range, rows of worksheet_set_row with and
 * without cells (heights, formats, hidden, outline levels, collapsed), a default row, a
 * column's format, merged ranges, links, a table, a boolean and a comment (cells of the
 * library's own tree, merged in), the Excel 2010 row attribute, a chart whose cached
 * values are read from the cells, an empty sheet, a sheet of rows alone, and thousands of
 * writes at random places; and the sheets are dropped when the library frees them. */
#define _GNU_SOURCE
#include "bp_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include "bp_xlsx.h"

/* The error codes of every call, in order: both ways must give the same. */
typedef struct {
    int codes[200000];
    size_t n;
} calls;

static void rec(calls *c, lxw_error e)
{
    assert_true(c->n < sizeof c->codes / sizeof c->codes[0]);
    c->codes[c->n++] = (int)e;
}

static uint64_t next(uint64_t *r)
{
    *r ^= *r << 13, *r ^= *r >> 7, *r ^= *r << 17;
    return *r;
}

static void props(lxw_workbook *wb)
{
    lxw_doc_properties p;
    memset(&p, 0, sizeof p);
    p.created = 1700000000;
    assert_int_equal(workbook_set_properties(wb, &p), LXW_NO_ERROR);
}

/* Every kind of cell and row, in one order, with the errors recorded. */
static void fill_cells(lxw_workbook *wb, lxw_worksheet *ws, calls *c)
{
    lxw_format *bold = workbook_add_format(wb), *money = workbook_add_format(wb),
               *red = workbook_add_format(wb), *wrap = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_num_format(money, "#,##0.00");
    format_set_font_color(red, LXW_COLOR_RED);
    format_set_text_wrap(wrap);
    /* formats first used by a later column, a row's format, then cells */
    rec(c, worksheet_set_column(ws, 6, 7, 12, money));
    rec(c, worksheet_set_row(ws, 3, 30, red));
    rec(c, worksheet_write_string(ws, 0, 0, "Heading & <total>", bold));
    rec(c, worksheet_write_number(ws, 0, 1, 0.0, NULL));
    rec(c, worksheet_write_number(ws, 0, 2, -0.0, money));
    rec(c, worksheet_write_number(ws, 0, 3, 1e-300, NULL));
    rec(c, worksheet_write_number(ws, 0, 4, 1.7976931348623157e308, NULL));
    rec(c, worksheet_write_number(ws, 0, 5, NAN, NULL));
    rec(c, worksheet_write_number(ws, 0, 6, INFINITY, NULL));
    rec(c, worksheet_write_number(ws, 0, 7, 1234567.891, NULL));
    rec(c, worksheet_write_number(ws, 1, 0, 1.0 / 3.0, wrap));
    rec(c, worksheet_write_string(ws, 1, 1, "", NULL));
    rec(c, worksheet_write_string(ws, 1, 2, "", bold));
    rec(c, worksheet_write_string(ws, 1, 3, NULL, money));
    rec(c, worksheet_write_string(ws, 1, 4, NULL, NULL));
    rec(c, worksheet_write_string(ws, 1, 5, "Heading & <total>", NULL));
    rec(c, worksheet_write_string(ws, 1, 6, " spaced ", NULL));
    rec(c, worksheet_write_formula(ws, 2, 0, "=SUM(A1:B1)", NULL));
    rec(c, worksheet_write_formula_num(ws, 2, 1, "IF(A1<B1,\"<\",\"&\")", bold, 42.5));
    rec(c, worksheet_write_formula_str(ws, 2, 2, "=A1&\"x\"", red, "a&b<c>"));
    rec(c, worksheet_write_formula_str(ws, 2, 3, "=B1", NULL, NULL));
    rec(c, worksheet_write_formula_num(ws, 2, 4, NULL, NULL, 1));
    rec(c, worksheet_write_formula_str(ws, 2, 5, NULL, NULL, "x"));
    rec(c, worksheet_write_formula_num(ws, 2, 6, "", NULL, 0));
    rec(c, worksheet_write_blank(ws, 2, 7, NULL));
    rec(c, worksheet_write_blank(ws, 2, 8, money));
    lxw_datetime dt = {2024, 3, 31, 12, 30, 15.5};
    rec(c, worksheet_write_datetime(ws, 3, 0, &dt, money));
    rec(c, worksheet_write_number(ws, 3, 2, 7, NULL));     /* the row's format */
    rec(c, worksheet_write_number(ws, 3, 6, 8, NULL));     /* the row's, not the column's */
    rec(c, worksheet_write_number(ws, 4, 6, 9, NULL));     /* the column's */
    /* again and again: the last write kept, a formatless blank nothing */
    rec(c, worksheet_write_number(ws, 5, 1, 1, NULL));
    rec(c, worksheet_write_string(ws, 5, 1, "then text", NULL));
    rec(c, worksheet_write_formula_num(ws, 5, 1, "=1+1", bold, 2));
    rec(c, worksheet_write_blank(ws, 5, 1, NULL));
    rec(c, worksheet_write_string(ws, 5, 2, "first", NULL));
    rec(c, worksheet_write_blank(ws, 5, 2, wrap));
    rec(c, worksheet_write_number(ws, 5, 3, 3, NULL));
    rec(c, worksheet_write_string(ws, 5, 3, "", NULL));
    /* out of range, too long: refused, the dimensions as the library leaves them */
    rec(c, worksheet_write_number(ws, LXW_ROW_MAX, 0, 1, NULL));
    rec(c, worksheet_write_string(ws, 0, LXW_COL_MAX, "x", NULL));
    rec(c, worksheet_write_formula_num(ws, LXW_ROW_MAX, LXW_COL_MAX, "=1", NULL, 1));
    rec(c, worksheet_write_blank(ws, LXW_ROW_MAX, 0, bold));
    rec(c, worksheet_write_datetime(ws, 0, LXW_COL_MAX, &dt, NULL));
    size_t big = 40000;
    char *longs = malloc(big + 1);
    assert_non_null(longs);
    memset(longs, 'x', big);
    longs[big] = '\0';
    rec(c, worksheet_write_string(ws, 60, 30, longs, NULL));
    free(longs);
    /* rows of set_row: before, among and after the cells, with and without cells */
    lxw_row_col_options hidden = {1, 0, 0}, level = {0, 2, 0}, collapsed = {0, 1, 1};
    rec(c, worksheet_set_row_opt(ws, 6, LXW_DEF_ROW_HEIGHT, NULL, &hidden));
    rec(c, worksheet_set_row_opt(ws, 7, 20.25, bold, &level));
    rec(c, worksheet_set_row_opt(ws, 8, 15, NULL, &collapsed));
    rec(c, worksheet_write_number(ws, 7, 3, 73, NULL));
    rec(c, worksheet_set_row(ws, 40, 45, NULL));
    rec(c, worksheet_set_row(ws, 100, 12.75, NULL));
    rec(c, worksheet_write_number(ws, 100, 9, 1009, NULL));
    rec(c, worksheet_write_number(ws, 101, 12, 1012, NULL));
    /* the library's own: merged ranges, a link, a boolean, a comment, a table */
    rec(c, worksheet_merge_range(ws, 10, 0, 11, 3, "Merged & more", bold));
    rec(c, worksheet_write_url(ws, 12, 0, "https://example.org/?a=1&b=2", NULL));
    rec(c, worksheet_write_boolean(ws, 12, 2, 1, NULL));
    rec(c, worksheet_write_number(ws, 12, 3, 5, NULL));
    rec(c, worksheet_write_boolean(ws, 13, 4, 0, red));
    rec(c, worksheet_write_comment(ws, 14, 9, "A note"));
    rec(c, worksheet_write_number(ws, 14, 1, 14, NULL));
    rec(c, worksheet_write_comment(ws, 15, 2, "Alone"));
    /* a cell of both, the later here; a block whose first column is the library's */
    rec(c, worksheet_write_boolean(ws, 13, 5, 1, NULL));
    rec(c, worksheet_write_number(ws, 13, 5, 135, NULL));
    rec(c, worksheet_write_boolean(ws, 33, 1, 0, NULL));
    rec(c, worksheet_write_number(ws, 34, 5, 345, NULL));
    rec(c, worksheet_write_string(ws, 20, 0, "Code", NULL));
    rec(c, worksheet_write_string(ws, 20, 1, "Amount", NULL));
    for (lxw_row_t r = 21; r < 26; r++) {
        rec(c, worksheet_write_string(ws, r, 0, r % 2 ? "A" : "B", NULL));
        rec(c, worksheet_write_number(ws, r, 1, (double)r * 1.25, money));
    }
    lxw_table_column col1 = {.header = "Code"}, col2 = {.header = "Amount"};
    lxw_table_column col3 = {.header = "Double", .formula = "=[@Amount]*2"};
    lxw_table_column *cols[] = {&col1, &col2, &col3, NULL};
    lxw_table_options topt = {.columns = cols};
    rec(c, worksheet_add_table(ws, 20, 0, 25, 2, &topt));
}

/* A chart's cached values: numbers, strings, formulas, blanks and nothing at all. */
static void fill_chart(lxw_workbook *wb, lxw_worksheet *ws, calls *c)
{
    for (lxw_row_t r = 0; r < 8; r++) {
        char name[16];
        snprintf(name, sizeof name, "Year %u", (unsigned)r);
        if (r != 3) rec(c, worksheet_write_string(ws, r, 0, name, NULL));
        if (r == 2) rec(c, worksheet_write_formula_num(ws, r, 1, "=B1*2", NULL, 20));
        else if (r == 4) rec(c, worksheet_write_blank(ws, r, 1, workbook_get_default_url_format(wb)));
        else if (r != 5) rec(c, worksheet_write_number(ws, r, 1, 10.0 + r, NULL));
    }
    rec(c, worksheet_set_row(ws, 6, 40, NULL));
    lxw_chart *chart = workbook_add_chart(wb, LXW_CHART_LINE);
    assert_non_null(chart);
    lxw_chart_series *series = chart_add_series(chart, "=Chart!$A$1:$A$8", "=Chart!$B$1:$B$8");
    assert_non_null(series);
    rec(c, worksheet_insert_chart(ws, 2, 3, chart));
}

/* Thousands of writes at random places and of random kinds, many of them again. */
static void fill_random(lxw_workbook *wb, lxw_worksheet *ws, calls *c)
{
    lxw_format *f[3] = {workbook_add_format(wb), workbook_add_format(wb), NULL};
    format_set_italic(f[0]);
    format_set_num_format(f[1], "0.0%");
    uint64_t r = 0x2545F4914F6CDD1Du;
    char text[64];
    for (int i = 0; i < 30000; i++) {
        lxw_row_t row = (lxw_row_t)(next(&r) % 700);
        lxw_col_t col = (lxw_col_t)(next(&r) % (row % 16 == 5 ? 200 : 30));
        lxw_format *fmt = f[next(&r) % 3];
        switch (next(&r) % 7) {
        case 0: rec(c, worksheet_write_number(ws, row, col, (double)(int64_t)next(&r) / 977.0, fmt)); break;
        case 1:
            snprintf(text, sizeof text, "s%u", (unsigned)(next(&r) % 500));
            rec(c, worksheet_write_string(ws, row, col, text, fmt));
            break;
        case 2:
            snprintf(text, sizeof text, "=A%u+%u&\"<\"", (unsigned)row + 2, (unsigned)col);
            rec(c, worksheet_write_formula_num(ws, row, col, text, fmt, (double)i));
            break;
        case 3: rec(c, worksheet_write_formula_str(ws, row, col, "=\"&\"", fmt, "&")); break;
        case 4: rec(c, worksheet_write_blank(ws, row, col, fmt)); break;
        case 5:
            if (i % 50 == 0) rec(c, worksheet_set_row(ws, row, 10 + (double)(i % 7), fmt));
            else rec(c, worksheet_write_number(ws, row, col, i, NULL));
            break;
        default: rec(c, worksheet_write_string(ws, row, col, "", fmt)); break;
        }
    }
}

/* Formulas past the first MiB of a sheet's texts (kept as edits of each other from there):
 * rows of sums and counts side by side, a column of them, and some at random places - the
 * texts decoded out of the order they were kept in - some with string results. */
static void fill_formulas(lxw_worksheet *ws, calls *c)
{
    char text[160];
    uint64_t r = 0x9E3779B97F4A7C15u;
    for (lxw_row_t row = 0; row < 160; row++)
        for (lxw_col_t col = 0; col < 240; col += 2) {
            char name[8];
            lxw_col_to_name(name, col, false);
            snprintf(text, sizeof text, "=ROUND(SUMIFS(FactValue,FactCode,$A%u,FactInst,%s$5),2)",
                     (unsigned)row + 1, name);
            rec(c, worksheet_write_formula_num(ws, row, col, text, NULL, row * 1.5));
            snprintf(text, sizeof text, "=IF(%s%u,1,COUNTIFS(FactCode,$A%u,FactInst,%s$5))",
                     name, (unsigned)row + 1, (unsigned)row + 1, name);
            if (col % 6 == 4)
                rec(c, worksheet_write_formula_str(ws, row, col + 1, text, NULL, "a&b"));
            else
                rec(c, worksheet_write_formula_num(ws, row, col + 1, text, NULL, col));
        }
    for (int i = 0; i < 3000; i++) {
        lxw_row_t row = (lxw_row_t)(next(&r) % 400);
        lxw_col_t col = (lxw_col_t)(next(&r) % 260);
        snprintf(text, sizeof text, "=IFERROR(INT(J%u/K%u)-(INT(J%u/K%u)*K%u>J%u),\"\")",
                 (unsigned)row, (unsigned)col, (unsigned)row + 7, (unsigned)col, (unsigned)row,
                 (unsigned)(next(&r) % 100000));
        rec(c, worksheet_write_formula_num(ws, row, col, text, NULL, i));
    }
}

/* The workbook, its cells kept by bp_xlsx_sheet.c or by the library; its bytes. */
static char *book(bool keep, calls *c, size_t *size)
{
    char path[] = "/tmp/bp_xlsx_sheet_XXXXXX";
    bp_test_temp_file(path);
    bp_xlsx_sheet_keep(keep);
    c->n = 0;
    lxw_workbook *wb = workbook_new(path);
    assert_non_null(wb);
    props(wb);
    lxw_worksheet *cells = workbook_add_worksheet(wb, "Cells");
    lxw_worksheet *chart = workbook_add_worksheet(wb, "Chart");
    lxw_worksheet *empty = workbook_add_worksheet(wb, "Empty");
    lxw_worksheet *rows = workbook_add_worksheet(wb, "Rows");
    lxw_worksheet *dflt = workbook_add_worksheet(wb, "Default");
    lxw_worksheet *x2010 = workbook_add_worksheet(wb, "Bars");
    lxw_worksheet *random = workbook_add_worksheet(wb, "Random");
    lxw_worksheet *formulas = workbook_add_worksheet(wb, "Formulas");
    assert_true(cells && chart && empty && rows && dflt && x2010 && random && formulas);
    fill_cells(wb, cells, c);
    fill_chart(wb, chart, c);
    rec(c, worksheet_set_row(rows, 2, 30, NULL));
    rec(c, worksheet_set_row(rows, 70, 0, NULL));
    /* a default row: spans "1:1" for rows without cells, its height for the rest */
    worksheet_set_default_row(dflt, 18, LXW_FALSE);
    rec(c, worksheet_set_row(dflt, 1, 25, NULL));
    rec(c, worksheet_write_number(dflt, 3, 1, 31, NULL));
    lxw_conditional_format bar = {.type = LXW_CONDITIONAL_DATA_BAR, .bar_solid = LXW_TRUE};
    for (lxw_row_t r = 0; r < 20; r++) rec(c, worksheet_write_number(x2010, r, 0, r, NULL));
    rec(c, worksheet_set_row(x2010, 25, 20, NULL));
    rec(c, worksheet_conditional_format_range(x2010, 0, 0, 19, 0, &bar));
    fill_random(wb, random, c);
    fill_formulas(formulas, c);
    /* not Empty nor Rows, which have no cell */
    if (keep) assert_int_equal(bp_xlsx_sheet_count(), 6);
    else assert_int_equal(bp_xlsx_sheet_count(), 0);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    assert_int_equal(bp_xlsx_sheet_count(), 0);
    bp_xlsx_sheet_keep(true);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    char *bytes = malloc((size_t)n);
    assert_non_null(bytes);
    assert_int_equal(fread(bytes, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    unlink(path);
    *size = (size_t)n;
    return bytes;
}

static void same_workbook_as_libxlsxwriter(void **state)
{
    (void)state;
    static calls ours, theirs;
    size_t n_ours, n_theirs;
    unsigned long lost = bp_xlsx_sheet_lost();
    char *a = book(true, &ours, &n_ours);
    char *b = book(false, &theirs, &n_theirs);
    assert_int_equal(ours.n, theirs.n);
    for (size_t i = 0; i < ours.n; i++) {
        if (ours.codes[i] != theirs.codes[i])
            print_error("call %zu: %d here, %d by libxlsxwriter\n", i, ours.codes[i],
                        theirs.codes[i]);
        assert_int_equal(ours.codes[i], theirs.codes[i]);
    }
    /* some refused, as the library refuses them */
    size_t refused = 0;
    for (size_t i = 0; i < ours.n; i++) refused += ours.codes[i] != LXW_NO_ERROR;
    assert_true(refused >= 8);
    assert_int_equal(n_ours, n_theirs);
    assert_memory_equal(a, b, n_ours);
    assert_int_equal(bp_xlsx_sheet_lost(), lost);
    free(a);
    free(b);
}

/* The library's own workbook twice, the same bytes: the comparison above is of the cells
 * alone (nothing depends on the moment or the file's name). */
static void libxlsxwriter_alone_is_reproducible(void **state)
{
    (void)state;
    static calls c1, c2;
    size_t n1, n2;
    char *a = book(false, &c1, &n1);
    char *b = book(false, &c2, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    free(a);
    free(b);
}

/* A workbook freed unwritten (as boardpack's dry run frees it) drops its sheets. */
static void freed_unwritten(void **state)
{
    (void)state;
    lxw_workbook *wb = workbook_new("/tmp/bp_xlsx_sheet_never.xlsx");
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    assert_non_null(ws);
    assert_int_equal(worksheet_write_formula_num(ws, 0, 0, "=1+1", NULL, 2), LXW_NO_ERROR);
    assert_int_equal(bp_xlsx_sheet_count(), 1);
    lxw_workbook_free(wb);
    assert_int_equal(bp_xlsx_sheet_count(), 0);
    assert_int_equal(access("/tmp/bp_xlsx_sheet_never.xlsx", F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_workbook_as_libxlsxwriter),
        cmocka_unit_test(libxlsxwriter_alone_is_reproducible),
        cmocka_unit_test(freed_unwritten),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
