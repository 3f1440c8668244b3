/* bp_xlsx_xml: the copies of libxlsxwriter's XML writer functions write byte for byte what
 * libxlsxwriter's own write (reached through dlsym(RTLD_NEXT), the definitions after the
 * executable's), for text with and without every character either escapes, at and past
 * the attribute length; and libxlsxwriter's own calls reach the copies. */
#define _GNU_SOURCE     /* RTLD_NEXT, open_memstream */
#include "bp_test.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <xlsxwriter/xmlwriter.h>
#include "bp_xlsx.h"

typedef void (*tag_fn)(FILE *, const char *, struct xml_attribute_list *);
typedef void (*end_fn)(FILE *, const char *);
typedef void (*data_fn)(FILE *, const char *, const char *, struct xml_attribute_list *);
typedef struct xml_attribute *(*str_fn)(const char *, const char *);
typedef struct xml_attribute *(*int_fn)(const char *, uint32_t);
typedef void (*cell_fn)(char *, lxw_row_t, lxw_col_t);

static void *real(const char *name)
{
    void *sym = dlsym(RTLD_NEXT, name);
    assert_non_null(sym);
    return sym;
}

#define REAL(type, name) \
    type name##_real;    \
    do { void *s_ = real(#name); memcpy(&name##_real, &s_, sizeof s_); } while (0)

/* An attribute list built by `make` (ours or theirs) from keys and values. */
static void build(struct xml_attribute_list *list, str_fn make_str, int_fn make_int,
                  const char *const *kv, size_t n, const uint32_t *ints, size_t nints)
{
    STAILQ_INIT(list);
    for (size_t i = 0; i + 1 < n; i += 2) {
        struct xml_attribute *a = make_str(kv[i], kv[i + 1]);
        assert_non_null(a);
        STAILQ_INSERT_TAIL(list, a, list_entries);
    }
    for (size_t i = 0; i < nints; i++) {
        struct xml_attribute *a = make_int("s", ints[i]);
        assert_non_null(a);
        STAILQ_INSERT_TAIL(list, a, list_entries);
    }
}

static void drop(struct xml_attribute_list *list)
{
    while (!STAILQ_EMPTY(list)) {
        struct xml_attribute *a = STAILQ_FIRST(list);
        STAILQ_REMOVE_HEAD(list, list_entries);
        free(a);
    }
}

/* Everything one writer writes for these attributes and this data, in a string. */
static char *write_all(tag_fn start, tag_fn start_raw, end_fn end, tag_fn empty,
                       tag_fn empty_raw, data_fn data_el, struct xml_attribute_list *list,
                       const char *data, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    assert_non_null(f);
    start(f, "c", list);
    start(f, "row", NULL);
    start_raw(f, "c", list);
    end(f, "c");
    empty(f, "col", list);
    empty(f, "x", NULL);
    empty_raw(f, "col", list);
    data_el(f, "f", data, NULL);
    data_el(f, "t", data, list);
    fclose(f);
    return buf;
}

static void same_as_libxlsxwriter(void **state)
{
    (void)state;
    REAL(tag_fn, lxw_xml_start_tag);
    REAL(tag_fn, lxw_xml_start_tag_unencoded);
    REAL(end_fn, lxw_xml_end_tag);
    REAL(tag_fn, lxw_xml_empty_tag);
    REAL(tag_fn, lxw_xml_empty_tag_unencoded);
    REAL(data_fn, lxw_xml_data_element);
    REAL(str_fn, lxw_new_attribute_str);
    REAL(int_fn, lxw_new_attribute_int);
    /* our own are those this program's calls bind to */
    assert_true(lxw_xml_start_tag != lxw_xml_start_tag_real);
    assert_true(lxw_new_attribute_str != lxw_new_attribute_str_real);
    char *long_value = malloc(LXW_MAX_ATTRIBUTE_LENGTH + 100);
    assert_non_null(long_value);
    for (size_t i = 0; i < LXW_MAX_ATTRIBUTE_LENGTH + 99; i++)
        long_value[i] = "ab&c<d>e\"f\ng"[i % 12];
    long_value[LXW_MAX_ATTRIBUTE_LENGTH + 99] = '\0';
    const char *values[] = {"", "A1", "plain text", "&", "<>", "\"quoted\"", "line\nbreak",
                            "a&b<c>d\"e\nf&amp;", "\t\r tabs", "£ Unicode – ü €",
                            long_value, long_value + 30};
    const char *datas[] = {"", "SUM(A1:B2)", "IF(A1<>0,A1&\"x\",\"<>\")", "a>b&c<d\n\"e\"",
                           "1.234567890123457E+15", long_value};
    const uint32_t ints[] = {0, 1, 9, 10, 255, 65535, 2147483647u, 2147483648u, 4294967295u};
    size_t nv = sizeof values / sizeof *values, nd = sizeof datas / sizeof *datas;
    for (size_t i = 0; i < nv; i++)
        for (size_t j = 0; j < nd; j++) {
            const char *kv[] = {"r", values[i], "t", values[(i + j) % nv], "xml:space",
                                "preserve"};
            size_t nints = (i + j) % 3 == 0 ? sizeof ints / sizeof *ints : (i + j) % 3;
            struct xml_attribute_list a, b;
            build(&a, lxw_new_attribute_str, lxw_new_attribute_int, kv, 6, ints, nints);
            build(&b, lxw_new_attribute_str_real, lxw_new_attribute_int_real, kv, 6, ints,
                  nints);
            size_t na, nb;
            char *wa = write_all(lxw_xml_start_tag, lxw_xml_start_tag_unencoded,
                                 lxw_xml_end_tag, lxw_xml_empty_tag,
                                 lxw_xml_empty_tag_unencoded, lxw_xml_data_element, &a,
                                 datas[j], &na);
            char *wb = write_all(lxw_xml_start_tag_real, lxw_xml_start_tag_unencoded_real,
                                 lxw_xml_end_tag_real, lxw_xml_empty_tag_real,
                                 lxw_xml_empty_tag_unencoded_real, lxw_xml_data_element_real,
                                 &b, datas[j], &nb);
            assert_int_equal(na, nb);
            assert_memory_equal(wa, wb, na);
            /* the lists themselves: ours and theirs in each other's writers too */
            free(wa);
            wa = write_all(lxw_xml_start_tag_real, lxw_xml_start_tag_unencoded_real,
                           lxw_xml_end_tag_real, lxw_xml_empty_tag_real,
                           lxw_xml_empty_tag_unencoded_real, lxw_xml_data_element_real, &a,
                           datas[j], &na);
            assert_int_equal(na, nb);
            assert_memory_equal(wa, wb, na);
            free(wa);
            free(wb);
            drop(&a);
            drop(&b);
        }
    free(long_value);
}

static void cell_names_as_libxlsxwriter(void **state)
{
    (void)state;
    REAL(cell_fn, lxw_rowcol_to_cell);
    assert_true(lxw_rowcol_to_cell != lxw_rowcol_to_cell_real);
    const lxw_row_t rows[] = {0, 1, 8, 9, 98, 99, 999999, 1048574, 1048575};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        for (uint32_t col = 0; col < LXW_COL_MAX; col += col < 800 ? 1 : 97) {
            char a[LXW_MAX_CELL_NAME_LENGTH], b[LXW_MAX_CELL_NAME_LENGTH];
            memset(a, 'x', sizeof a);
            memset(b, 'y', sizeof b);
            lxw_rowcol_to_cell(a, rows[i], (lxw_col_t)col);
            lxw_rowcol_to_cell_real(b, rows[i], (lxw_col_t)col);
            assert_string_equal(a, b);
        }
    char a[LXW_MAX_CELL_NAME_LENGTH];
    lxw_rowcol_to_cell(a, 0, 0);
    assert_string_equal(a, "A1");
    lxw_rowcol_to_cell(a, 1048575, LXW_COL_MAX - 1);
    assert_string_equal(a, "XFD1048576");
    lxw_rowcol_to_cell(a, 9, 701);
    assert_string_equal(a, "ZZ10");
    lxw_rowcol_to_cell(a, 9, 702);
    assert_string_equal(a, "AAA10");
}

static void libxlsxwriter_calls_come_here(void **state)
{
    (void)state;
    char path[] = "/tmp/bp_xlsx_xml_XXXXXX";
    bp_test_temp_file(path);
    unsigned long before = bp_xlsx_xml_calls();
    lxw_workbook *wb = workbook_new(path);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    assert_non_null(ws);
    assert_int_equal(worksheet_write_formula_num(ws, 0, 0, "=1+1", NULL, 2), LXW_NO_ERROR);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    assert_true(bp_xlsx_xml_calls() > before);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_as_libxlsxwriter),
        cmocka_unit_test(cell_names_as_libxlsxwriter),
        cmocka_unit_test(libxlsxwriter_calls_come_here),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
