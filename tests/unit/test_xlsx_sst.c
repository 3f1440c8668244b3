/* bp_xlsx_sst: the shared string table kept by hash holds what libxlsxwriter's own
 * (reached through dlsym(RTLD_NEXT), the definition after the executable's) holds after
 * the same calls - each call's element (index, text, rich flag), the counts, the order
 * list that sharedStrings.xml is written from - over thousands of strings with repeats,
 * the empty string, long ones and prefixes of one another, through several growths; a
 * table that gained strings behind its back (libxlsxwriter's own function) or is new at a
 * freed one's address is never answered from a stale hash; and a workbook's own calls
 * reach both functions, its table dropped when libxlsxwriter frees it. */
#define _GNU_SOURCE     /* RTLD_NEXT */
#include "bp_test.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <xlsxwriter/shared_strings.h>
#include "bp_xlsx.h"

typedef struct sst_element *(*get_fn)(lxw_sst *, const char *, uint8_t);

static get_fn theirs(void)
{
    void *sym = dlsym(RTLD_NEXT, "lxw_get_sst_index");
    assert_non_null(sym);
    get_fn fn;
    memcpy(&fn, &sym, sizeof fn);
    assert_true(fn != lxw_get_sst_index);
    return fn;
}

/* The n-th string of a pool of about 3,000: short codes, "" and long texts that are
 * prefixes of one another. */
static void nth(char *buf, size_t size, unsigned n)
{
    unsigned k = n % 3001;
    if (k == 0) snprintf(buf, size, "%s", "");
    else if (k % 97 == 0) {
        size_t len = 200 + k % 700;
        memset(buf, 'p', len);
        buf[len] = '\0';
    } else {
        snprintf(buf, size, "S%u-%s", k, k % 3 ? "Income" : "Expenditure");
    }
}

static void same_lists(lxw_sst *a, lxw_sst *b)
{
    assert_int_equal(a->string_count, b->string_count);
    assert_int_equal(a->unique_count, b->unique_count);
    struct sst_element *x = STAILQ_FIRST(a->order_list), *y = STAILQ_FIRST(b->order_list);
    for (; x && y; x = STAILQ_NEXT(x, sst_order_pointers), y = STAILQ_NEXT(y, sst_order_pointers)) {
        assert_int_equal(x->index, y->index);
        assert_string_equal(x->string, y->string);
        assert_int_equal(x->is_rich_string, y->is_rich_string);
    }
    assert_null(x);
    assert_null(y);
}

static void same_as_libxlsxwriter(void **state)
{
    (void)state;
    get_fn lib = theirs();
    lxw_sst *ours = lxw_sst_new(), *ref = lxw_sst_new();
    assert_non_null(ours);
    assert_non_null(ref);
    uint64_t r = 0x9E3779B97F4A7C15u;
    char s[1024];
    for (unsigned i = 0; i < 30000; i++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        /* first every string once in order, then at random: repeats most of the time */
        nth(s, sizeof s, i < 3001 && i % 2 ? i : (unsigned)(r % 4000));
        uint8_t rich = (uint8_t)(r >> 40 & 1);
        struct sst_element *a = lxw_get_sst_index(ours, s, rich), *b = lib(ref, s, rich);
        assert_non_null(a);
        assert_non_null(b);
        assert_int_equal(a->index, b->index);
        assert_string_equal(a->string, s);
        assert_int_equal(a->is_rich_string, b->is_rich_string);
    }
    same_lists(ours, ref);
    assert_true(ours->unique_count > 2000);
    size_t before = bp_xlsx_sst_tables();
    lxw_sst_free(ours);
    assert_int_equal(bp_xlsx_sst_tables(), before - 1);
    lxw_sst_free(ref);
}

static void never_a_stale_hash(void **state)
{
    (void)state;
    get_fn lib = theirs();
    lxw_sst *t = lxw_sst_new();
    assert_non_null(t);
    assert_int_equal(lxw_get_sst_index(t, "a", 0)->index, 0);
    assert_int_equal(lxw_get_sst_index(t, "b", 0)->index, 1);
    /* strings added behind the hash's back: found, not added twice */
    assert_int_equal(lib(t, "c", 0)->index, 2);
    assert_int_equal(lxw_get_sst_index(t, "c", 0)->index, 2);
    assert_int_equal(lxw_get_sst_index(t, "a", 0)->index, 0);
    assert_int_equal(lxw_get_sst_index(t, "d", 0)->index, 3);
    assert_int_equal(t->unique_count, 4);
    assert_int_equal(t->string_count, 6);
    /* a table emptied (as a new one at a freed one's address is): nothing of the old one */
    struct sst_element *e, *next;
    STAILQ_FOREACH_SAFE(e, t->order_list, sst_order_pointers, next) {
        free(e->string);
        free(e);
    }
    STAILQ_INIT(t->order_list);
    t->unique_count = t->string_count = 0;
    assert_int_equal(lxw_get_sst_index(t, "d", 0)->index, 0);
    assert_int_equal(lxw_get_sst_index(t, "a", 0)->index, 1);
    assert_int_equal(lxw_get_sst_index(t, "d", 0)->index, 0);
    assert_int_equal(t->unique_count, 2);
    lxw_sst_free(t);
}

static void libxlsxwriter_calls_come_here(void **state)
{
    (void)state;
    char path[] = "/tmp/bp_xlsx_sst_XXXXXX";
    bp_test_temp_file(path);
    size_t before = bp_xlsx_sst_tables();
    lxw_workbook *wb = workbook_new(path);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    assert_non_null(ws);
    assert_int_equal(worksheet_write_string(ws, 0, 0, "repeat", NULL), LXW_NO_ERROR);
    assert_int_equal(worksheet_write_string(ws, 1, 0, "other", NULL), LXW_NO_ERROR);
    assert_int_equal(worksheet_write_string(ws, 2, 0, "repeat", NULL), LXW_NO_ERROR);
    /* the workbook's table has a hash here */
    assert_int_equal(bp_xlsx_sst_tables(), before + 1);
    assert_int_equal(wb->sst->unique_count, 2);
    assert_int_equal(wb->sst->string_count, 3);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    /* and it went with the workbook */
    assert_int_equal(bp_xlsx_sst_tables(), before);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_as_libxlsxwriter),
        cmocka_unit_test(never_a_stale_hash),
        cmocka_unit_test(libxlsxwriter_calls_come_here),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
