/* bp_pdf's element list: the roles, heading levels, header scopes, pages and reading order
 * of a small document built through the API, the layout rules that shape it (a heading
 * kept with its first lines, a table's header repeated and marked, no row alone) and a
 * chart's alternative text.  Expected values are the calls' own: what was asked for. */
#include "bp_test.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_pdf.h"

#define ROWS 90

static bp_pdf *build(void)
{
    bp_pdf_options o;
    memset(&o, 0, sizeof o);
    o.fonts = BP_PDF_FONTS_WINANSI;
    o.header_left = "Moorside Learning Trust";
    o.header_right = "Finance Committee";
    o.footer_left = "Confidential";
    o.title = "Elements";
    o.epoch = 1700000000;
    bp_diags d;
    bp_diags_init(&d);
    bp_pdf *p = NULL;
    assert_int_equal(bp_pdf_new(&p, &o, &d), BP_OK);
    bp_diags_free(&d);

    bp_pdf_field f[1] = {{"Meeting", "12 December 2023"}};
    bp_pdf_cover(p, "Moorside Learning Trust", "Finance Committee", "Autumn", f, 1);
    bp_pdf_contents(p);
    bp_pdf_section(p, false, false);
    bp_pdf_heading(p, 1, "1. Finance", false);
    bp_pdf_paragraph(p, BP_PDF_BODY, "The trust's finances in brief.");
    bp_pdf_heading(p, 2, "Exceptions", false);
    bp_pdf_status_paragraph(p, BP_PDF_TINT_RED, "Staff costs are above the ceiling.");
    bp_pdf_col cols[3] = {{"Academy", 2, BP_PDF_LEFT}, {"Income", 1, BP_PDF_RIGHT},
                          {"Result", 1, BP_PDF_RIGHT}};
    bp_pdf_table *t = bp_pdf_table_begin(p, cols, 3, BP_PDF_BODY);
    bp_pdf_table_row_headers(t);
    for (int i = 0; i < ROWS; i++) {
        char name[32];
        snprintf(name, sizeof name, "Academy %d", i + 1);
        bp_pdf_cell row[3] = {{name, BP_PDF_TINT_NONE, false, false},
                              {"100", BP_PDF_TINT_NONE, false, false},
                              {"5", BP_PDF_TINT_NONE, false, false}};
        bp_pdf_table_row(t, row);
    }
    bp_pdf_table_end(t);
    /* fill the page until a heading and two lines no longer fit, then a heading */
    while (bp_pdf_room(p) > 40.0f) bp_pdf_paragraph(p, BP_PDF_BODY, "Filler.");
    bp_pdf_heading(p, 2, "Kept heading", false);
    bp_pdf_paragraph(p, BP_PDF_BODY, "First line after the kept heading.");
    bp_pdf_bar bars[2] = {{"BHS", 0.714, true, BP_PDF_TINT_RED},
                          {"SFC", 0.8, true, BP_PDF_TINT_GREEN}};
    bp_pdf_band band = {true, 0.0, 0.75, false, true};
    bp_pdf_figure_alt(p, "Staff costs as a share of income by academy.");
    bp_pdf_bar_chart(p, "Staff costs", BP_PDF_UNIT_PERCENT, bars, 2, &band, 180);

    FILE *fp = tmpfile();
    assert_non_null(fp);
    bp_diags_init(&d);
    assert_int_equal(bp_pdf_write(p, fp, &d), BP_OK);
    bp_diags_free(&d);
    fclose(fp);
    return p;
}

/* The first element of a role and text (prefix), from index `from`; -1 when none. */
static long find(const bp_pdf *p, size_t from, bp_pdf_role role, const char *text)
{
    bp_pdf_element e;
    for (size_t i = from; bp_pdf_element_get(p, i, &e); i++)
        if (e.role == role && strncmp(e.text, text, strlen(text)) == 0) return (long)i;
    return -1;
}

static bp_pdf_element at(const bp_pdf *p, long i)
{
    bp_pdf_element e;
    assert_true(i >= 0);
    assert_true(bp_pdf_element_get(p, (size_t)i, &e));
    return e;
}

static void roles_levels_and_reading_order(void **state)
{
    (void)state;
    bp_pdf *p = build();
    /* the cover (page 1): its title a heading, its field label a row header */
    bp_pdf_element e = at(p, find(p, 0, BP_PDF_ROLE_HEADING, "Finance Committee"));
    assert_int_equal(e.page, 0);
    assert_int_equal(e.level, 1);
    e = at(p, find(p, 0, BP_PDF_ROLE_TABLE_HEADER, "Meeting"));
    assert_int_equal(e.scope, BP_PDF_SCOPE_ROW);
    /* the contents (page 2): a heading, then a link per level-1 and level-2 heading */
    long toc = find(p, 0, BP_PDF_ROLE_HEADING, "Contents");
    assert_int_equal(at(p, toc).page, 1);
    long link = find(p, (size_t)toc, BP_PDF_ROLE_LINK, "1. Finance");
    assert_int_equal(at(p, link).level, 1);
    assert_int_equal(at(p, link).target, 2);
    assert_int_equal(at(p, find(p, (size_t)toc, BP_PDF_ROLE_LINK, "Exceptions")).level, 2);
    /* page 3 in reading order: the running header, then the content as called */
    long h1 = find(p, 0, BP_PDF_ROLE_HEADING, "1. Finance");
    bp_pdf_element before = at(p, h1 - 1);
    assert_int_equal(before.role, BP_PDF_ROLE_ARTIFACT);
    assert_string_equal(before.label, "rule");          /* the header's rule, last of it */
    assert_int_equal(at(p, h1).page, 2);
    assert_int_equal(at(p, h1).level, 1);
    assert_int_equal(at(p, h1 + 1).role, BP_PDF_ROLE_PARAGRAPH);
    assert_string_equal(at(p, h1 + 1).text, "The trust's finances in brief.");
    assert_int_equal(at(p, h1 + 2).role, BP_PDF_ROLE_HEADING);
    assert_int_equal(at(p, h1 + 2).level, 2);
    e = at(p, h1 + 3);
    assert_int_equal(e.role, BP_PDF_ROLE_LIST_ITEM);
    assert_string_equal(e.label, "RED");
    assert_string_equal(e.text, "Staff costs are above the ceiling.");
    /* the table: a header row of column scope, then rows headed by their first cell */
    long th = find(p, (size_t)h1, BP_PDF_ROLE_TABLE_HEADER, "Academy");
    e = at(p, th);
    assert_int_equal(e.scope, BP_PDF_SCOPE_COLUMN);
    assert_int_equal(e.row, 0);
    assert_false(e.repeated);
    assert_int_equal(at(p, th + 2).role, BP_PDF_ROLE_TABLE_HEADER);
    assert_int_equal(at(p, th + 2).col, 2);
    assert_int_equal(at(p, th + 3).role, BP_PDF_ROLE_ARTIFACT);       /* its rule */
    long r1 = find(p, (size_t)th, BP_PDF_ROLE_TABLE_HEADER, "Academy 1");
    e = at(p, r1);
    assert_int_equal(e.scope, BP_PDF_SCOPE_ROW);
    assert_int_equal(e.row, 1);
    e = at(p, r1 + 1);
    assert_int_equal(e.role, BP_PDF_ROLE_TABLE_CELL);
    assert_int_equal(e.col, 1);
    assert_string_equal(e.text, "100");
    /* the footer after the content, the page number last */
    long num = find(p, 0, BP_PDF_ROLE_ARTIFACT, "Page 3 of");
    assert_string_equal(at(p, num).label, "page number");
    assert_true(num > r1);
    /* reading order: pages never go back */
    bp_pdf_element a, b;
    for (size_t i = 1; bp_pdf_element_get(p, i, &b); i++) {
        bp_pdf_element_get(p, i - 1, &a);
        assert_true(a.page <= b.page);
    }
    bp_pdf_free(p);
}

static void tables_repeat_headers_and_keep_rows(void **state)
{
    (void)state;
    bp_pdf *p = build();
    size_t rows_on[64] = {0}, first_page = 99, last_page = 0, repeats = 0;
    bp_pdf_element e;
    for (size_t i = 0; bp_pdf_element_get(p, i, &e); i++) {
        if (e.table != 2) continue;                     /* table 1 is the cover's */
        assert_true(e.page < 64);
        if (e.row > 0 && e.col == 0) rows_on[e.page]++;
        if (e.page < first_page) first_page = e.page;
        if (e.page > last_page) last_page = e.page;
        if (e.row == 0 && e.col == 0) {
            assert_int_equal(e.repeated, e.page != first_page);
            repeats += e.repeated;
        }
    }
    assert_true(last_page > first_page);               /* 90 rows go over a page */
    assert_int_equal(repeats, last_page - first_page);  /* a header on every later page */
    size_t total = 0;
    for (size_t pg = first_page; pg <= last_page; pg++) {
        assert_true(rows_on[pg] >= 2);                  /* no row alone */
        total += rows_on[pg];
    }
    assert_int_equal(total, ROWS);
    bp_pdf_free(p);
}

static void headings_keep_with_their_lines(void **state)
{
    (void)state;
    bp_pdf *p = build();
    long h = find(p, 0, BP_PDF_ROLE_HEADING, "Kept heading");
    long para = find(p, (size_t)h, BP_PDF_ROLE_PARAGRAPH, "First line after");
    assert_true(para > h);
    assert_int_equal(at(p, h).page, at(p, para).page);
    long filler = h - 1;                                  /* the content before it */
    while (at(p, filler).role == BP_PDF_ROLE_ARTIFACT) filler--;
    assert_string_equal(at(p, filler).text, "Filler.");
    assert_int_equal(at(p, h).page, at(p, filler).page + 1);   /* moved over the break */
    /* the bookmark's contents entry follows it to its page */
    long link = find(p, 0, BP_PDF_ROLE_LINK, "Kept heading");
    assert_int_equal(at(p, link).target, at(p, h).page);
    bp_pdf_free(p);
}

static void charts_have_alternative_text(void **state)
{
    (void)state;
    bp_pdf *p = build();
    long f = find(p, 0, BP_PDF_ROLE_FIGURE, "");
    /* 0.714 and 0.8 as the chart labels percentages (one decimal, zeros trimmed), the
     * ceiling of 75% as the band's top */
    assert_string_equal(at(p, f).text, "Staff costs as a share of income by academy: BHS 71.4% "
                        "(red), SFC 80% (green); target at most 75%.");
    assert_true(at(p, f).y1 - at(p, f).y0 > 170.0f);    /* the chart's box */
    bp_pdf_free(p);
}

static void dump_lists_every_page_and_element(void **state)
{
    (void)state;
    bp_pdf *p = build();
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    bp_pdf_elements_dump(p, fp);
    fclose(fp);
    size_t pages = 0, elements = 0;
    for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, "page\t", 5) == 0) pages++;
        if (strncmp(l, "element\t", 8) == 0) elements++;
    }
    assert_int_equal(elements, bp_pdf_element_count(p));
    assert_true(pages >= 4);
    assert_non_null(strstr(buf, "page\t2\tportrait\tcontents\t"));
    assert_non_null(strstr(buf, "\tlist_item\t0\t-\t"));
    free(buf);
    bp_pdf_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roles_levels_and_reading_order),
        cmocka_unit_test(tables_repeat_headers_and_keep_rows),
        cmocka_unit_test(headings_keep_with_their_lines),
        cmocka_unit_test(charts_have_alternative_text),
        cmocka_unit_test(dump_lists_every_page_and_element),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
