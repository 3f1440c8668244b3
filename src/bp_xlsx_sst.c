/* bp_xlsx_sst: libxlsxwriter's shared string table, the same table found by hash.
 *
 * Every string cell goes through lxw_get_sst_index, which for every call allocates an
 * element and a copy of the string, inserts it into a red-black tree by strcmp, and -
 * most strings of a workbook being repeats (headings, codes, names) - frees both again:
 * some 850 instructions a string cell, more the larger the table.  The function is exported
 * by libxlsxwriter and called through its procedure linkage table, so the definition below
 * takes its place (the Makefile exports it, as bp_xlsx_xml.c's): it finds a repeat in an
 * open-addressing hash of the table's elements and allocates only for a new string, which
 * it appends to the table's insertion-order list exactly as libxlsxwriter 1.1.4's
 * src/shared_strings.c does - the same index, counts and list, so the same
 * sharedStrings.xml and cells.  The library's tree is left empty: only this function
 * searches it, and lxw_sst_free frees the elements through the list.
 *
 * The hash is rebuilt from the list whenever its count is not the table's (a new table,
 * one at the address of a freed one), so it can never answer with another table's
 * element; lxw_sst_free, taken here too, drops it.  tests/unit/test_xlsx_sst.c compares
 * both with libxlsxwriter's own. */
#define _GNU_SOURCE     /* RTLD_NEXT */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include <xlsxwriter/shared_strings.h>

#include "bp_util.h"
#include "bp_xlsx.h"
#include "bp_xlsx_xml_internal.h"

#if !defined(LXW_VERSION_ID) || LXW_VERSION_ID != 114
#error "bp_xlsx_sst.c keeps libxlsxwriter 1.1.4's shared string table (struct sst_element, its order list): compare src/shared_strings.c with this file, then update the version here"
#endif

typedef struct sst_element *(*get_fn)(lxw_sst *, const char *, uint8_t);
typedef void (*free_fn)(lxw_sst *);

typedef struct {
    struct sst_element *e;
    size_t h;
} slot;

typedef struct {
    lxw_sst *sst;
    slot *slots;        /* cap of them, a power of two, at most half full; NULL e empty */
    size_t cap, n;
} table;

/* The tables of the workbooks open (one, almost always). */
static table *tables;
static size_t ntables, cap_tables;

size_t bp_xlsx_sst_tables(void)
{
    return ntables;
}

static void put(table *t, struct sst_element *e, size_t h)
{
    size_t j = h & (t->cap - 1);
    while (t->slots[j].e) j = (j + 1) & (t->cap - 1);
    t->slots[j] = (slot){e, h};
    t->n++;
}

/* Room for one more string, the hash at most half full: false when out of memory. */
static bool room(table *t)
{
    if ((t->n + 1) * 2 <= t->cap) return true;
    size_t ncap = t->cap ? t->cap * 2 : 256;
    slot *s = calloc(ncap, sizeof *s), *old = t->slots;
    if (!s) return false;
    size_t oldcap = t->cap;
    t->slots = s;
    t->cap = ncap;
    t->n = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].e) put(t, old[i].e, old[i].h);
    free(old);
    return true;
}

/* The hash of sst, made again from its list when it does not hold the table's strings. */
static table *table_of(lxw_sst *sst)
{
    table *t = NULL;
    for (size_t i = 0; i < ntables; i++)
        if (tables[i].sst == sst) t = &tables[i];
    if (!t) {
        table *ts = bp_grow(tables, &cap_tables, ntables + 1, sizeof *ts);
        if (!ts) return NULL;
        tables = ts;
        t = &tables[ntables++];
        *t = (table){sst, NULL, 0, 0};
    }
    if (t->n != sst->unique_count) {
        if (t->cap) memset(t->slots, 0, t->cap * sizeof *t->slots);
        t->n = 0;
        struct sst_element *e;
        STAILQ_FOREACH(e, sst->order_list, sst_order_pointers) {
            if (!room(t)) return NULL;
            put(t, e, bp_hash_bytes(e->string, strlen(e->string)));
        }
    }
    return t;
}

struct sst_element *lxw_get_sst_index(lxw_sst *sst, const char *string, uint8_t is_rich_string)
{
    if (!bp_lxw_same_library()) THEIRS(get_fn, lxw_get_sst_index, sst, string, is_rich_string);
    table *t = table_of(sst);
    if (!t || !room(t)) return NULL;
    size_t len = strlen(string), h = bp_hash_bytes(string, len), j = h & (t->cap - 1);
    for (; t->slots[j].e; j = (j + 1) & (t->cap - 1))
        if (t->slots[j].h == h && strcmp(t->slots[j].e->string, string) == 0) {
            sst->string_count++;
            return t->slots[j].e;
        }
    /* a new string: the element libxlsxwriter's would have kept, its index the count */
    struct sst_element *e = calloc(1, sizeof *e);
    char *copy = malloc(len + 1);
    if (!e || !copy) {
        free(e);
        free(copy);
        return NULL;
    }
    memcpy(copy, string, len + 1);
    e->index = sst->unique_count;
    e->string = copy;
    e->is_rich_string = is_rich_string;
    STAILQ_INSERT_TAIL(sst->order_list, e, sst_order_pointers);
    sst->string_count++;
    sst->unique_count++;
    t->slots[j] = (slot){e, h};
    t->n++;
    return e;
}

void lxw_sst_free(lxw_sst *sst)
{
    for (size_t i = 0; i < ntables; i++)
        if (tables[i].sst == sst) {
            free(tables[i].slots);
            tables[i] = tables[--ntables];
            break;
        }
    if (ntables == 0) {
        free(tables);
        tables = NULL;
        cap_tables = 0;
    }
    VOID_THEIRS(free_fn, lxw_sst_free, sst);
}
