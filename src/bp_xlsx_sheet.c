/* bp_xlsx_sheet: libxlsxwriter's worksheet cells, kept in 24 bytes each and written in its
 * place, the same bytes.
 *
 * libxlsxwriter keeps every cell until the workbook is closed: a 112-byte node of a
 * red-black tree of its row's cells, a row node per row, a formula's text in a malloc'd
 * copy of its own - some 180 bytes a formula cell, 410 MB for the 2.5 million cells of a
 * trust of 1,000 institutions (docs/performance.md).  Its cell writers
 * (worksheet_write_number, _string, _formula_num, _formula_str, _blank and _datetime;
 * merge_range, write_url, add_table and write_formula call them) are called through its
 * procedure linkage table, so the definitions below take their place (the Makefile exports
 * them, as bp_xlsx_xml.c's): each does what libxlsxwriter 1.1.4's src/worksheet.c does
 * before it stores a cell - the same range check and dimensions, the same shared string
 * taken at the same moment, the same errors - and appends the cell to an array, a formula's
 * text to the sheet's texts as its edits of a recent one.  When the workbook is closed, the sheet's cells
 * are sorted by row and column (stably: the later of two writes to a cell is the one kept,
 * as the library's tree keeps it) and written where libxlsxwriter would write its rows: its
 * <sheetData> tags come here first (bp_xlsx_xml.c's hook, set while
 * lxw_worksheet_assemble_xml_file assembles a sheet kept here), and its rows, those that
 * worksheet_set_row made and that it still keeps (their heights, formats, levels), are
 * merged in, each row's and cell's attributes as its _write_row and _write_cell write them
 * and the formats' style indexes asked for in the same order (the library numbers them as
 * it is first asked).  A cell some other writer of the library put in its own tree (a
 * boolean, a rich string, an array formula - boardpack writes none) is written by the
 * library's _write_cell in its column's place; a sheet is kept here only when the library
 * exports that function.  A chart's cached values are read through lxw_worksheet_find_row
 * and lxw_worksheet_find_cell_in_row, answered here from the sorted cells.
 *
 * A sheet's cells are freed once its XML is written, the rest with the worksheet
 * (lxw_worksheet_free).  A process running another libxlsxwriter, a worksheet in
 * libxlsxwriter's constant-memory mode, or bp_xlsx_sheet_keep(false) leaves every cell to
 * the library.  tests/unit/test_xlsx_sheet.c writes the same workbooks both ways and
 * compares their bytes. */
#define _GNU_SOURCE     /* RTLD_NEXT */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include <xlsxwriter/shared_strings.h>
#include <xlsxwriter/worksheet.h>

#include "bp_util.h"
#include "bp_xlsx.h"
#include "bp_xlsx_xml_internal.h"

#if !defined(LXW_VERSION_ID) || LXW_VERSION_ID != 114
#error "bp_xlsx_sheet.c stores and writes cells as libxlsxwriter 1.1.4's src/worksheet.c does (worksheet_write_*, _check_dimensions, _write_row, _write_cell, _worksheet_write_rows, _calculate_spans) and reads its struct lxw_worksheet and lxw_row: compare them with this file, then update the version here"
#endif

/* src/worksheet.c's own limit of a string cell, in UTF-8 characters */
#define LXW_STR_MAX 32767

/* ---- the library's own functions ---- */

typedef lxw_error (*number_fn)(lxw_worksheet *, lxw_row_t, lxw_col_t, double, lxw_format *);
typedef lxw_error (*string_fn)(lxw_worksheet *, lxw_row_t, lxw_col_t, const char *,
                               lxw_format *);
typedef lxw_error (*fnum_fn)(lxw_worksheet *, lxw_row_t, lxw_col_t, const char *,
                             lxw_format *, double);
typedef lxw_error (*fstr_fn)(lxw_worksheet *, lxw_row_t, lxw_col_t, const char *,
                             lxw_format *, const char *);
typedef lxw_error (*blank_fn)(lxw_worksheet *, lxw_row_t, lxw_col_t, lxw_format *);
typedef lxw_error (*datetime_fn)(lxw_worksheet *, lxw_row_t, lxw_col_t, lxw_datetime *,
                                 lxw_format *);
typedef lxw_row *(*find_row_fn)(lxw_worksheet *, lxw_row_t);
typedef lxw_cell *(*find_cell_fn)(lxw_row *, lxw_col_t);
typedef void (*sheet_fn)(lxw_worksheet *);
typedef void (*write_cell_fn)(lxw_worksheet *, lxw_cell *, lxw_format *);

/* libxlsxwriter's _write_cell (exported by Debian's build, as every function of its
 * worksheet.c), for a cell in the library's own tree; NULL if it is not exported. */
static write_cell_fn their_write_cell(void)
{
    static write_cell_fn fn;
    static bool looked;     /* NULL is an answer too: asked once */
    if (!looked) {
        void *sym = dlsym(RTLD_NEXT, "_write_cell");
        memcpy(&fn, &sym, sizeof fn);
        looked = true;
    }
    return fn;
}

/* ---- a sheet's cells ---- */

enum { K_NUMBER, K_STRING, K_FORMULA, K_FORMULA_STR, K_BLANK };

/* One cell: 24 bytes.  format is 1 + its index in the sheet's formats, 0 for none; text a
 * formula's index among the sheet's texts (a string result's is the next). */
typedef struct {
    uint32_t row;
    uint16_t col;
    uint8_t kind;
    uint8_t unused;
    uint32_t format;
    uint32_t text;
    union {
        double number;              /* K_NUMBER; K_FORMULA: the cached result */
        struct sst_element *sst;    /* K_STRING: the shared string */
    } u;
} cell;

/* A sheet's formulas and string results, in the order written, each kept as how it
 * differs from one of the TEXT_BACK before it: which one, the lengths of the start and of
 * the end they share, then up to TEXT_SEGS edits of what lies between (bytes of the other
 * skipped, bytes of its own, bytes the two share).  A formula is mostly a recent one's: a
 * row of sums differs from the sum before in a column's letters, the count beside each
 * sum from the count before in two of them, a column's formulas in a row's digits - the
 * Workings sheet's 58 MB of formulas at 1,000 institutions in some 6.  Every TEXT_GROUP-th
 * text is kept whole and a text refers only to texts of its own group, so that one is
 * decoded from its group's first at most. */
#define TEXT_GROUP 16
#define TEXT_BACK 4
#define TEXT_SEGS 8
#define TEXT_REACH 8        /* the most bytes an edit skips or adds before the two agree */
#define TEXT_AGREE 3        /* agreeing again: this many bytes the same */
/* A sheet's first texts, up to this many bytes, are kept whole: for the sheets of a small
 * trust the search costs more time than the memory it saves is worth. */
#define TEXT_WHOLE_MAX (1u << 20)
typedef struct {
    char *s;
    size_t n, cap;
} text_buf;

typedef struct {
    unsigned char *b;           /* the texts: back (0: whole) then, LEB128, n and n bytes
                                 * (whole) or start, end, edits and each edit's skip, n,
                                 * n bytes and shared */
    size_t n, cap;
    uint32_t count;
    uint32_t *starts;           /* where each group's first text is in b */
    size_t cap_starts;
    text_buf last[TEXT_BACK];   /* the last texts added, whole: text i at i % TEXT_BACK */
    text_buf dec[TEXT_BACK];    /* the last texts decoded, each with a NUL, likewise */
    text_buf spare;             /* where the next is decoded */
    uint32_t dec_at;            /* the last text decoded, when decoded */
    bool decoded;
    size_t dec_next;            /* where the text after it is in b */
} texts;

typedef struct {
    lxw_worksheet *ws;
    cell *cells;
    size_t n, cap;
    bool sorted;                /* ascending by row and column, each cell once */
    bool released;              /* written: cells and text freed */
    bool failed;                /* out of memory while writing */
    texts text;
    lxw_format **formats;       /* the distinct formats of the cells, in first use */
    size_t nformats, cap_formats;
    uint32_t *slots;            /* a hash of formats: 1 + index, 0 empty; at most half full */
    size_t cap_slots;
    lxw_row *stash;             /* the library's rows, hidden while its <sheetData> is ours */
    bool stashed;
    /* what lxw_worksheet_find_row and _find_cell_in_row answer for a row with cells here */
    lxw_row proxy_row;
    lxw_row *proxy_theirs;      /* the library's row of that number, or NULL */
    struct lxw_table_cells no_cells;
    lxw_cell proxy_cell;
    char *proxy_text;           /* its formula, while its result is decoded */
    size_t proxy_text_cap;
} sheet;

/* The sheets kept here (a few dozen a workbook); the last one asked for first. */
static sheet **sheets;
static size_t nsheets, cap_sheets;
static sheet *last;
static bool keep = true;
static unsigned long lost;      /* sheets whose cells could not be written: out of memory */
static sheet *assembling;       /* the sheet lxw_worksheet_assemble_xml_file is writing */

void bp_xlsx_sheet_keep(bool on)
{
    keep = on;
}

unsigned long bp_xlsx_sheet_lost(void)
{
    return lost;
}

size_t bp_xlsx_sheet_count(void)
{
    return nsheets;
}

static sheet *find(const lxw_worksheet *ws)
{
    if (last && last->ws == ws) return last;
    for (size_t i = 0; i < nsheets; i++)
        if (sheets[i]->ws == ws) return last = sheets[i];
    return NULL;
}

/* The sheet of ws, made at its first cell; NULL when the library keeps ws's cells (*err
 * LXW_NO_ERROR) or out of memory (*err says so). */
static sheet *sheet_of(lxw_worksheet *ws, lxw_error *err)
{
    *err = LXW_NO_ERROR;
    sheet *s = find(ws);
    if (s || !keep || !bp_lxw_same_library() || ws->optimize || !their_write_cell())
        return s;
    sheet **ss = bp_grow(sheets, &cap_sheets, nsheets + 1, sizeof *ss);
    if (ss) sheets = ss;
    s = ss ? calloc(1, sizeof *s) : NULL;
    if (!s) {
        *err = LXW_ERROR_MEMORY_MALLOC_FAILED;
        return NULL;
    }
    s->ws = ws;
    s->sorted = true;
    sheets[nsheets++] = s;
    return last = s;
}

static void release(sheet *s)
{
    free(s->cells);
    s->cells = NULL;
    s->n = s->cap = 0;
    texts *t = &s->text;
    free(t->b);
    free(t->starts);
    for (int k = 0; k < TEXT_BACK; k++) {
        free(t->last[k].s);
        free(t->dec[k].s);
    }
    free(t->spare.s);
    memset(t, 0, sizeof *t);
    s->released = true;
}

static void drop(sheet *s)
{
    if (s->stashed) s->ws->table->rbh_root = s->stash;
    release(s);
    free(s->formats);
    free(s->slots);
    free(s->proxy_text);
    for (size_t i = 0; i < nsheets; i++)
        if (sheets[i] == s) {
            sheets[i] = sheets[--nsheets];
            break;
        }
    if (last == s) last = NULL;
    if (assembling == s) assembling = NULL;
    free(s);
    if (nsheets == 0) {
        free(sheets);
        sheets = NULL;
        cap_sheets = 0;
    }
}

static size_t format_hash(const lxw_format *f, size_t cap)
{
    uintptr_t p = (uintptr_t)f;
    return (size_t)((p >> 4) * UINT64_C(0x9E3779B97F4A7C15) >> 16) & (cap - 1);
}

/* 1 + the index of f among the sheet's formats (added at its first use), 0 for none or
 * out of memory (*ok false). */
static uint32_t format_index(sheet *s, lxw_format *f, bool *ok)
{
    if (!f) return 0;
    size_t j = s->cap_slots ? format_hash(f, s->cap_slots) : 0;
    for (; s->cap_slots && s->slots[j]; j = (j + 1) & (s->cap_slots - 1))
        if (s->formats[s->slots[j] - 1] == f) return s->slots[j];
    if ((s->nformats + 1) * 2 > s->cap_slots) {
        size_t cap = s->cap_slots ? s->cap_slots * 2 : 64;
        uint32_t *slots = calloc(cap, sizeof *slots);
        if (!slots) {
            *ok = false;
            return 0;
        }
        for (size_t i = 0; i < s->nformats; i++) {
            size_t k = format_hash(s->formats[i], cap);
            while (slots[k]) k = (k + 1) & (cap - 1);
            slots[k] = (uint32_t)(i + 1);
        }
        free(s->slots);
        s->slots = slots;
        s->cap_slots = cap;
        for (j = format_hash(f, cap); slots[j];) j = (j + 1) & (cap - 1);
    }
    lxw_format **fs = bp_grow(s->formats, &s->cap_formats, s->nformats + 1, sizeof *fs);
    if (!fs) {
        *ok = false;
        return 0;
    }
    s->formats = fs;
    fs[s->nformats++] = f;
    s->slots[j] = (uint32_t)s->nformats;
    return (uint32_t)s->nformats;
}

/* ---- the sheet's texts ---- */

/* Room for need bytes in *b (bp_grow's doubling): false when out of memory. */
static bool room_bytes(char **b, size_t *cap, size_t need)
{
    char *nb = bp_grow(*b, cap, need, 1);
    if (!nb) return false;
    *b = nb;
    return true;
}

static void put_leb(unsigned char *b, size_t *n, size_t v)
{
    do {
        b[(*n)++] = (unsigned char)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
        v >>= 7;
    } while (v);
}

static size_t get_leb(const unsigned char *b, size_t *at)
{
    size_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
        unsigned char c = b[(*at)++];
        v |= (size_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) return v;
    }
}

/* The shared start and end of text (n bytes) and t (at most n bytes between them). */
static size_t shared(const text_buf *t, const char *text, size_t n, size_t *p, size_t *q)
{
    size_t most = n < t->n ? n : t->n, i = 0, j = 0;
    while (i < most && t->s[i] == text[i]) i++;
    /* cppcheck-suppress knownConditionTrueFalse ; the loop above stops at the first byte
     * that differs, before most */
    while (j < most - i && t->s[t->n - 1 - j] == text[n - 1 - j]) j++;
    *p = i;
    *q = j;
    return i + j;
}

/* Where x[0..a) and y[0..b), which differ at their first bytes, agree again: at x + *da
 * and y + *db, TEXT_AGREE bytes the same or both at their ends, the fewest bytes skipped;
 * false if not within TEXT_REACH of each. */
static bool agree(const char *x, size_t a, const char *y, size_t b, size_t *da, size_t *db)
{
    for (size_t sum = 1; sum <= 2 * TEXT_REACH; sum++)
        for (size_t i = sum > TEXT_REACH ? sum - TEXT_REACH : 0; i <= sum && i <= TEXT_REACH; i++) {
            size_t j = sum - i;
            if (i > a || j > b) continue;
            if ((i == a && j == b) ||
                (i + TEXT_AGREE <= a && j + TEXT_AGREE <= b && memcmp(x + i, y + j, TEXT_AGREE) == 0)) {
                *da = i;
                *db = j;
                return true;
            }
        }
    return false;
}

/* text (n bytes) added as the next of t: its index, or false when out of memory or past
 * 4 GB. */
static bool text_add(texts *t, const char *text, size_t n, uint32_t *index)
{
    if (t->count == UINT32_MAX || t->n > UINT32_MAX || n > UINT32_MAX) return false;
    unsigned in_group = t->count % TEXT_GROUP, back = 0;
    size_t p = 0, q = 0;
    if (in_group == 0) {
        uint32_t *st = bp_grow(t->starts, &t->cap_starts, t->count / TEXT_GROUP + 1,
                               sizeof *st);
        if (!st) return false;
        t->starts = st;
        st[t->count / TEXT_GROUP] = (uint32_t)t->n;
    }
    /* the one of the texts before, in the group, that shares the longest start and end */
    for (unsigned d = 1; t->n >= TEXT_WHOLE_MAX && d <= TEXT_BACK && d <= in_group && p + q < n;
         d++) {
        size_t dp, dq;
        if (shared(&t->last[(t->count - d) % TEXT_BACK], text, n, &dp, &dq) > p + q) {
            back = d;
            p = dp;
            q = dq;
        }
    }
    /* the most an entry takes: its fields and every byte of the text */
    unsigned char *b = bp_grow(t->b, &t->cap, t->n + 1 + (4 + 4 * TEXT_SEGS) * 10 + n, 1);
    if (!b) return false;
    t->b = b;
    t->b[t->n++] = (unsigned char)back;
    if (!back) {
        put_leb(t->b, &t->n, n);
        memcpy(t->b + t->n, text, n);
        t->n += n;
    } else {
        /* the middles, x (this text's) and y (the other's), as edits */
        const text_buf *ref = &t->last[(t->count - back) % TEXT_BACK];
        const char *x = text + p, *y = ref->s + p;
        size_t a = n - p - q, bn = ref->n - p - q, i = 0, j = 0, nedits = 0;
        size_t skip[TEXT_SEGS], from[TEXT_SEGS], len[TEXT_SEGS], same[TEXT_SEGS];
        while (i < a || j < bn) {
            size_t da, db, c = 0;
            if (nedits == TEXT_SEGS - 1 || !agree(x + i, a - i, y + j, bn - j, &da, &db)) {
                da = a - i;
                db = bn - j;
            }
            while (i + da + c < a && j + db + c < bn && x[i + da + c] == y[j + db + c]) c++;
            skip[nedits] = db;
            from[nedits] = i;
            len[nedits] = da;
            same[nedits++] = c;
            i += da + c;
            j += db + c;
        }
        put_leb(t->b, &t->n, p);
        put_leb(t->b, &t->n, q);
        put_leb(t->b, &t->n, nedits);
        for (size_t k = 0; k < nedits; k++) {
            put_leb(t->b, &t->n, skip[k]);
            put_leb(t->b, &t->n, len[k]);
            memcpy(t->b + t->n, x + from[k], len[k]);
            t->n += len[k];
            put_leb(t->b, &t->n, same[k]);
        }
    }
    text_buf *slot = &t->last[t->count % TEXT_BACK];
    if (!room_bytes(&slot->s, &slot->cap, n + 1)) return false;
    memcpy(slot->s, text, n);
    slot->n = n;
    *index = t->count++;
    return true;
}

/* Text i, whose bytes are at t->dec_next, decoded from the text it refers to: false when
 * out of memory. */
static bool text_step(texts *t, uint32_t i)
{
    size_t at = t->dec_next;
    unsigned back = t->b[at++];
    text_buf *to = &t->spare;
    if (back == 0) {
        size_t n = get_leb(t->b, &at);
        if (!room_bytes(&to->s, &to->cap, n + 1)) return false;
        memcpy(to->s, t->b + at, n);
        at += n;
        to->n = n;
    } else {
        const text_buf *ref = &t->dec[(i - back) % TEXT_BACK];
        size_t p = get_leb(t->b, &at), q = get_leb(t->b, &at), nedits = get_leb(t->b, &at);
        /* at most the other's bytes and every edit's own: the text's length bounds it */
        size_t n = p, j = p;
        if (!room_bytes(&to->s, &to->cap, ref->n + 1)) return false;
        memcpy(to->s, ref->s, p);
        for (size_t k = 0; k < nedits; k++) {
            j += get_leb(t->b, &at);
            size_t m = get_leb(t->b, &at);
            if (!room_bytes(&to->s, &to->cap, n + m + ref->n + 1)) return false;
            memcpy(to->s + n, t->b + at, m);
            at += m;
            n += m;
            size_t c = get_leb(t->b, &at);
            memcpy(to->s + n, ref->s + j, c);
            n += c;
            j += c;
        }
        if (!room_bytes(&to->s, &to->cap, n + q + 1)) return false;
        memcpy(to->s + n, ref->s + ref->n - q, q);
        to->n = n + q;
    }
    to->s[to->n] = '\0';
    t->dec_next = at;
    /* the spare becomes text i's slot, the slot's buffer the spare */
    text_buf old = t->dec[i % TEXT_BACK];
    t->dec[i % TEXT_BACK] = *to;
    *to = old;
    return true;
}

/* Text i of t, whole with its NUL (until the next call but TEXT_BACK - 1: a formula's
 * text and its result's together), or NULL when out of memory: from the texts decoded
 * before when i follows them in its group (the cells are written mostly in the order they
 * were), else from its group's first. */
static const char *text_get(texts *t, uint32_t i)
{
    uint32_t first = i - i % TEXT_GROUP;
    if (!t->decoded || i < t->dec_at || first != t->dec_at - t->dec_at % TEXT_GROUP) {
        t->decoded = false;
        t->dec_next = t->starts[i / TEXT_GROUP];
        if (!text_step(t, first)) return NULL;
        t->dec_at = first;
        t->decoded = true;
    }
    while (t->dec_at < i) {
        if (!text_step(t, t->dec_at + 1)) return NULL;
        t->dec_at++;
    }
    return t->dec[i % TEXT_BACK].s;
}

static lxw_error append(sheet *s, lxw_row_t row, lxw_col_t col, uint8_t kind,
                        lxw_format *format, cell c)
{
    bool ok = true;
    c.row = row;
    c.col = col;
    c.kind = kind;
    c.format = format_index(s, format, &ok);
    cell *cs = ok ? bp_grow(s->cells, &s->cap, s->n + 1, sizeof *cs) : NULL;
    if (!cs) return LXW_ERROR_MEMORY_MALLOC_FAILED;
    s->cells = cs;
    if (s->n && s->sorted) {
        const cell *p = &cs[s->n - 1];
        s->sorted = p->row < row || (p->row == row && p->col < col);
    }
    cs[s->n++] = c;
    s->released = false;
    return LXW_NO_ERROR;
}

/* libxlsxwriter's _check_dimensions(self, row, col, LXW_FALSE, LXW_FALSE) for a worksheet
 * not in constant-memory mode: the range, then the sheet's dimensions widened. */
static lxw_error dimensions(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col)
{
    if (row >= LXW_ROW_MAX || col >= LXW_COL_MAX) return LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE;
    if (row < ws->dim_rowmin) ws->dim_rowmin = row;
    if (row > ws->dim_rowmax) ws->dim_rowmax = row;
    if (col < ws->dim_colmin) ws->dim_colmin = col;
    if (col > ws->dim_colmax) ws->dim_colmax = col;
    return LXW_NO_ERROR;
}

/* ---- the cell writers, in the library's place ---- */

lxw_error worksheet_write_number(lxw_worksheet *self, lxw_row_t row_num, lxw_col_t col_num,
                                 double value, lxw_format *format)
{
    lxw_error err;
    sheet *s = sheet_of(self, &err);
    if (!s) {
        if (err) return err;
        THEIRS(number_fn, worksheet_write_number, self, row_num, col_num, value, format);
    }
    if ((err = dimensions(self, row_num, col_num))) return err;
    cell c = {.u.number = value};
    return append(s, row_num, col_num, K_NUMBER, format, c);
}

lxw_error worksheet_write_blank(lxw_worksheet *self, lxw_row_t row_num, lxw_col_t col_num,
                                lxw_format *format)
{
    lxw_error err;
    sheet *s = sheet_of(self, &err);
    if (!s) {
        if (err) return err;
        THEIRS(blank_fn, worksheet_write_blank, self, row_num, col_num, format);
    }
    /* a blank cell without a format is nothing to Excel: not kept */
    if (!format) return LXW_NO_ERROR;
    if ((err = dimensions(self, row_num, col_num))) return err;
    return append(s, row_num, col_num, K_BLANK, format, (cell){0});
}

lxw_error worksheet_write_string(lxw_worksheet *self, lxw_row_t row_num, lxw_col_t col_num,
                                 const char *string, lxw_format *format)
{
    lxw_error err;
    sheet *s = sheet_of(self, &err);
    if (!s) {
        if (err) return err;
        THEIRS(string_fn, worksheet_write_string, self, row_num, col_num, string, format);
    }
    /* NULL or "": a blank cell if it has a format, else nothing */
    if (!string || !*string)
        return format ? worksheet_write_blank(self, row_num, col_num, format) : LXW_NO_ERROR;
    /* the dimensions widened first, then the length refused: as the library */
    if ((err = dimensions(self, row_num, col_num))) return err;
    if (lxw_utf8_strlen(string) > LXW_STR_MAX) return LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED;
    struct sst_element *e = lxw_get_sst_index(self->sst, string, LXW_FALSE);
    if (!e) return LXW_ERROR_SHARED_STRING_INDEX_NOT_FOUND;
    cell c = {.u.sst = e};
    return append(s, row_num, col_num, K_STRING, format, c);
}

/* A formula cell: its text without a leading "=", then the result (result NULL: the
 * number) - as the library's, whose cell with a NULL string result is a number's. */
static lxw_error formula(sheet *s, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                         const char *text, lxw_format *format, double number,
                         const char *result)
{
    if (!text) return LXW_ERROR_NULL_PARAMETER_IGNORED;
    lxw_error err = dimensions(ws, row, col);
    if (err) return err;
    if (text[0] == '=') text++;
    cell c = {.u.number = number};
    uint32_t at;
    if (!text_add(&s->text, text, strlen(text), &c.text)) return LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (!result) return append(s, row, col, K_FORMULA, format, c);
    if (!text_add(&s->text, result, strlen(result), &at)) return LXW_ERROR_MEMORY_MALLOC_FAILED;
    return append(s, row, col, K_FORMULA_STR, format, c);
}

lxw_error worksheet_write_formula_num(lxw_worksheet *self, lxw_row_t row_num,
                                      lxw_col_t col_num, const char *formula_text,
                                      lxw_format *format, double result)
{
    lxw_error err;
    sheet *s = sheet_of(self, &err);
    if (!s) {
        if (err) return err;
        THEIRS(fnum_fn, worksheet_write_formula_num, self, row_num, col_num, formula_text,
               format, result);
    }
    return formula(s, self, row_num, col_num, formula_text, format, result, NULL);
}

lxw_error worksheet_write_formula_str(lxw_worksheet *self, lxw_row_t row_num,
                                      lxw_col_t col_num, const char *formula_text,
                                      lxw_format *format, const char *result)
{
    lxw_error err;
    sheet *s = sheet_of(self, &err);
    if (!s) {
        if (err) return err;
        THEIRS(fstr_fn, worksheet_write_formula_str, self, row_num, col_num, formula_text,
               format, result);
    }
    return formula(s, self, row_num, col_num, formula_text, format, 0, result);
}

lxw_error worksheet_write_datetime(lxw_worksheet *self, lxw_row_t row_num, lxw_col_t col_num,
                                   lxw_datetime *datetime, lxw_format *format)
{
    lxw_error err;
    sheet *s = sheet_of(self, &err);
    if (!s) {
        if (err) return err;
        THEIRS(datetime_fn, worksheet_write_datetime, self, row_num, col_num, datetime,
               format);
    }
    if ((err = dimensions(self, row_num, col_num))) return err;
    cell c = {.u.number = lxw_datetime_to_excel_date_epoch(datetime, LXW_EPOCH_1900)};
    return append(s, row_num, col_num, K_NUMBER, format, c);
}

/* ---- sorting: by row and column, the later of two writes to a cell kept ---- */

static inline uint64_t key(const cell *c)
{
    return (uint64_t)c->row << 16 | c->col;
}

/* Stable merge sort of a[0..n) with tmp (n / 2 + 1 cells); a run already in order is
 * left alone, so that a sheet written mostly in order costs one pass. */
static void merge_sort(cell *a, cell *tmp, size_t n)
{
    if (n < 2) return;
    if (n <= 12) {
        for (size_t i = 1; i < n; i++) {
            cell c = a[i];
            size_t j = i;
            for (; j > 0 && key(&a[j - 1]) > key(&c); j--) a[j] = a[j - 1];
            a[j] = c;
        }
        return;
    }
    size_t h = n / 2;
    merge_sort(a, tmp, h);
    merge_sort(a + h, tmp, n - h);
    if (key(&a[h - 1]) <= key(&a[h])) return;
    memcpy(tmp, a, h * sizeof *a);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) a[k++] = key(&a[j]) < key(&tmp[i]) ? a[j++] : tmp[i++];
    while (i < h) a[k++] = tmp[i++];
}

/* The cells sorted, each position's last write only: false when out of memory. */
static bool settle(sheet *s)
{
    if (s->sorted) return true;
    cell *tmp = malloc((s->n / 2 + 1) * sizeof *tmp);
    if (!tmp) return false;
    merge_sort(s->cells, tmp, s->n);
    free(tmp);
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (k && key(&s->cells[k - 1]) == key(&s->cells[i])) k--;
        s->cells[k++] = s->cells[i];
    }
    s->n = k;
    s->sorted = true;
    return true;
}

/* The first cell at or after (row, col), by binary search of the sorted cells. */
static size_t lower_bound(const sheet *s, uint32_t row, uint16_t col)
{
    uint64_t want = (uint64_t)row << 16 | col;
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key(&s->cells[mid]) < want) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* ---- the library's trees, in order ---- */

#define TREE_WALK(type, name)                                                          \
    static type *name##_first(type *n)                                                 \
    {                                                                                  \
        if (n)                                                                         \
            while (n->tree_pointers.rbe_left) n = n->tree_pointers.rbe_left;           \
        return n;                                                                      \
    }                                                                                  \
    static type *name##_next(type *n)                                                  \
    {                                                                                  \
        if (n->tree_pointers.rbe_right) return name##_first(n->tree_pointers.rbe_right); \
        type *p = n->tree_pointers.rbe_parent;                                         \
        while (p && n == p->tree_pointers.rbe_right) {                                 \
            n = p;                                                                     \
            p = p->tree_pointers.rbe_parent;                                           \
        }                                                                              \
        return p;                                                                      \
    }
TREE_WALK(lxw_row, rows)
TREE_WALK(lxw_cell, cells)

static lxw_cell *cells_last(lxw_cell *n)
{
    while (n->tree_pointers.rbe_right) n = n->tree_pointers.rbe_right;
    return n;
}

/* ---- lxw_worksheet_find_row, lxw_worksheet_find_cell_in_row: a chart's cached values ---- */

lxw_row *lxw_worksheet_find_row(lxw_worksheet *self, lxw_row_t row_num)
{
    BP_LIB_FN(their_find_row, find_row_fn, lxw_worksheet_find_row)
    sheet *s = find(self);
    lxw_row *theirs = their_find_row(self, row_num);
    if (!s || s->released || !settle(s)) return theirs;
    size_t i = lower_bound(s, row_num, 0);
    if (i == s->n || s->cells[i].row != row_num) return theirs;
    /* the library's own row if there is one, else the one it would have made */
    if (theirs) {
        s->proxy_row = *theirs;
    } else {
        memset(&s->proxy_row, 0, sizeof s->proxy_row);
        s->proxy_row.row_num = row_num;
        s->proxy_row.height = LXW_DEF_ROW_HEIGHT;
    }
    s->proxy_row.data_changed = LXW_TRUE;
    s->proxy_row.cells = &s->no_cells;
    s->proxy_theirs = theirs;
    return &s->proxy_row;
}

lxw_cell *lxw_worksheet_find_cell_in_row(lxw_row *row, lxw_col_t col_num)
{
    sheet *s = NULL;
    for (size_t i = 0; row && i < nsheets && !s; i++)
        if (row == &sheets[i]->proxy_row) s = sheets[i];
    if (!s) THEIRS(find_cell_fn, lxw_worksheet_find_cell_in_row, row, col_num);
    size_t i = lower_bound(s, row->row_num, col_num);
    if (i == s->n || key(&s->cells[i]) != ((uint64_t)row->row_num << 16 | col_num)) {
        BP_LIB_FN(fn, find_cell_fn, lxw_worksheet_find_cell_in_row)
        return s->proxy_theirs ? fn(s->proxy_theirs, col_num) : NULL;
    }
    const cell *c = &s->cells[i];
    lxw_cell *p = &s->proxy_cell;
    memset(p, 0, sizeof *p);
    p->row_num = c->row;
    p->col_num = c->col;
    p->format = c->format ? s->formats[c->format - 1] : NULL;
    switch (c->kind) {
    case K_NUMBER:
        p->type = NUMBER_CELL;
        p->u.number = c->u.number;
        break;
    case K_STRING:
        p->type = STRING_CELL;
        p->u.string_id = (int32_t)c->u.sst->index;
        p->sst_string = c->u.sst->string;
        break;
    case K_FORMULA:
    case K_FORMULA_STR:
    {
        p->type = FORMULA_CELL;
        const char *f = text_get(&s->text, c->text);
        size_t n = f ? strlen(f) : 0;
        if (!f || !room_bytes(&s->proxy_text, &s->proxy_text_cap, n + 1)) return NULL;
        memcpy(s->proxy_text, f, n + 1);
        p->u.string = s->proxy_text;
        if (c->kind == K_FORMULA) p->formula_result = c->u.number;
        else if (!(p->user_data2 = (char *)text_get(&s->text, c->text + 1))) return NULL;
        break;
    }
    default:
        p->type = BLANK_CELL;
        break;
    }
    return p;
}

/* ---- <sheetData>: the rows and cells, as the library writes them ---- */

static void put_int(bp_xml_out *o, int64_t v)
{
    char d[24], *end = d + sizeof d;
    char *p = bp_udigits_before(v < 0 ? 0u - (uint64_t)v : (uint64_t)v, end);
    if (v < 0) *--p = '-';
    bp_xml_put(o, p, (size_t)(end - p));
}

/* "%.16G" of v, as libxlsxwriter's fprintf and lxw_sprintf_dbl write it */
static void put_g16(bp_xml_out *o, double v)
{
    char b[BP_XLSX_G16_MAX];
    size_t n = bp_xlsx_g16(b, v);
    if (!n) n = (size_t)snprintf(b, sizeof b, "%.16G", v);
    bp_xml_put(o, b, n < sizeof b ? n : sizeof b - 1);
}

/* ` key="v"` (key given with its space, =, and opening quote) */
static void put_attr_int(bp_xml_out *o, const char *key, int64_t v)
{
    bp_xml_puts(o, key);
    put_int(o, v);
    bp_xml_put(o, "\"", 1);
}

/* _write_row: a row's tag, data or not (a start tag or an empty one). */
static void write_row(bp_xml_out *o, const lxw_worksheet *ws, const lxw_row *row, uint32_t r,
                      const char *spans, bool data)
{
    int32_t xf = row && row->format ? lxw_format_get_xf_index(row->format) : 0;
    double height = row && row->height_changed ? row->height : ws->default_row_height;
    put_attr_int(o, "<row r=\"", (int64_t)r + 1);
    if (spans) {
        bp_xml_put(o, " spans=\"", 8);
        bp_xml_puts(o, spans);
        bp_xml_put(o, "\"", 1);
    }
    if (xf) put_attr_int(o, " s=\"", xf);
    if (row && row->format) bp_xml_puts(o, " customFormat=\"1\"");
    if (height != LXW_DEF_ROW_HEIGHT) {
        bp_xml_put(o, " ht=\"", 5);
        put_g16(o, height);
        bp_xml_put(o, "\"", 1);
    }
    if (row && row->hidden) bp_xml_puts(o, " hidden=\"1\"");
    if (height != LXW_DEF_ROW_HEIGHT) bp_xml_puts(o, " customHeight=\"1\"");
    if (row && row->level) put_attr_int(o, " outlineLevel=\"", row->level);
    if (row && row->collapsed) bp_xml_puts(o, " collapsed=\"1\"");
    if (ws->excel_version == 2010) bp_xml_puts(o, " x14ac:dyDescent=\"0.25\"");
    if (data) bp_xml_put(o, ">", 1);
    else bp_xml_put(o, "/>", 2);
}

/* Text i of the sheet, escaped as an element's data; when it cannot be decoded (out of
 * memory), nothing, and the workbook is refused (bp_xlsx_sheet_lost). */
static void text_out(bp_xml_out *o, sheet *s, uint32_t i)
{
    const char *t = text_get(&s->text, i);
    if (t) bp_xlsx_xml_escaped(o, t, false);
    else s->failed = true;
}

/* _write_cell for a cell kept here; row_format the row's (from worksheet_set_row). */
static void write_cell(bp_xml_out *o, sheet *s, const cell *c, lxw_format *row_format)
{
    const lxw_worksheet *ws = s->ws;
    char ref[LXW_MAX_CELL_NAME_LENGTH];
    lxw_rowcol_to_cell(ref, c->row, c->col);
    int32_t style = 0;
    if (c->format) style = lxw_format_get_xf_index(s->formats[c->format - 1]);
    else if (row_format) style = lxw_format_get_xf_index(row_format);
    else if (c->col < ws->col_formats_max && ws->col_formats[c->col])
        style = lxw_format_get_xf_index(ws->col_formats[c->col]);
    bp_xml_put(o, "<c r=\"", 6);
    bp_xml_puts(o, ref);
    bp_xml_put(o, "\"", 1);
    if (style) put_attr_int(o, " s=\"", style);
    switch (c->kind) {
    case K_NUMBER:
        bp_xml_put(o, "><v>", 4);
        put_g16(o, c->u.number);
        bp_xml_put(o, "</v></c>", 8);
        break;
    case K_STRING:
        bp_xml_put(o, " t=\"s\"><v>", 10);
        put_int(o, (int32_t)c->u.sst->index);
        bp_xml_put(o, "</v></c>", 8);
        break;
    case K_FORMULA:
    case K_FORMULA_STR:
        if (c->kind == K_FORMULA_STR) bp_xml_put(o, " t=\"str\"", 8);
        bp_xml_put(o, "><f>", 4);
        text_out(o, s, c->text);
        bp_xml_put(o, "</f><v>", 7);
        if (c->kind == K_FORMULA) put_g16(o, c->u.number);
        else text_out(o, s, c->text + 1);
        bp_xml_put(o, "</v></c>", 8);
        break;
    default:
        bp_xml_put(o, "/>", 2);
        break;
    }
}

/* The row numbers in order: the next of the library's rows (*lr) and of the cells from i. */
static bool next_row(const sheet *s, const lxw_row *lr, size_t i, uint32_t *r)
{
    if (!lr && i == s->n) return false;
    if (!lr) *r = s->cells[i].row;
    else if (i == s->n) *r = lr->row_num;
    else *r = lr->row_num < s->cells[i].row ? lr->row_num : s->cells[i].row;
    return true;
}

/* _calculate_spans: the first and last column with a cell in rows of r's block of 16, the
 * library's rows' own cells counted, as "first:last" from 1. */
static void spans_of(const sheet *s, const lxw_row *lr, size_t i, uint32_t r, char *spans,
                     size_t size)
{
    uint32_t block = r / 16;
    unsigned lo = UINT16_MAX, hi = 0;
    for (; i < s->n && s->cells[i].row / 16 == block; i++) {
        if (s->cells[i].col < lo) lo = s->cells[i].col;
        if (s->cells[i].col > hi) hi = s->cells[i].col;
    }
    for (; lr && lr->row_num / 16 == block; lr = rows_next((lxw_row *)lr)) {
        if (RB_EMPTY(lr->cells)) continue;
        lxw_col_t a = cells_first(lr->cells->rbh_root)->col_num;
        lxw_col_t b = cells_last(lr->cells->rbh_root)->col_num;
        if (a < lo) lo = a;
        if (b > hi) hi = b;
    }
    snprintf(spans, size, "%u:%u", lo + 1, hi + 1);
}

/* _worksheet_write_rows, over the library's rows and the cells kept here together */
static void write_rows(sheet *s, bp_xml_out *o)
{
    lxw_worksheet *ws = s->ws;
    lxw_row *lr = rows_first(s->stashed ? s->stash : ws->table->rbh_root);
    size_t i = 0;
    int32_t block = -1;
    char spans[LXW_MAX_CELL_RANGE_LENGTH] = {0};
    uint32_t r;
    while (next_row(s, lr, i, &r)) {
        lxw_row *row = lr && lr->row_num == r ? lr : NULL;
        size_t j = i;
        while (j < s->n && s->cells[j].row == r) j++;
        lxw_cell *theirs = row ? cells_first(row->cells->rbh_root) : NULL;
        if (i == j && !theirs) {
            /* a row of height, format or level alone */
            write_row(o, ws, row, r, ws->default_row_set ? "1:1" : NULL, row->data_changed);
        } else {
            if ((int32_t)(r / 16) > block) {
                spans_of(s, lr, i, r, spans, sizeof spans);
                block = (int32_t)(r / 16);
            }
            bool data = i < j || (row && row->data_changed);
            write_row(o, ws, row, r, spans, data);
            if (data) {
                lxw_format *row_format = row ? row->format : NULL;
                while (i < j || theirs) {
                    if (theirs && (i == j || theirs->col_num < s->cells[i].col)) {
                        bp_xml_flush(o);
                        their_write_cell()(ws, theirs, row_format);
                        theirs = cells_next(theirs);
                        continue;
                    }
                    /* a cell of both: this one (the library's tree cannot say which is
                     * the later) */
                    if (theirs && theirs->col_num == s->cells[i].col) theirs = cells_next(theirs);
                    write_cell(o, s, &s->cells[i++], row_format);
                }
                bp_xml_put(o, "</row>", 6);
            }
        }
        i = j;
        if (row) lr = rows_next(lr);
    }
}

static bool sheet_data(FILE *f, enum bp_xml_tag kind)
{
    sheet *s = assembling;
    if (!s || s->ws->file != f) return false;
    if (kind == BP_XML_END) {
        if (s->stashed) s->ws->table->rbh_root = s->stash;
        s->stashed = false;
        release(s);
        return false;
    }
    bp_xml_out o = {.f = f};
    if (!settle(s)) {
        s->failed = true;
        release(s);
    }
    bool empty = kind == BP_XML_EMPTY && s->n == 0;
    bp_xml_puts(&o, empty ? "<sheetData/>" : "<sheetData>");
    if (!empty) write_rows(s, &o);
    /* out of memory: the workbook is refused (bp_xlsx_sheet_lost), its XML whole */
    if (s->failed) lost++;
    s->failed = false;
    if (kind == BP_XML_EMPTY) {
        if (!empty) bp_xml_puts(&o, "</sheetData>");
        release(s);
    } else {
        /* the library writes its own rows next: none, until its end tag */
        s->stash = s->ws->table->rbh_root;
        s->ws->table->rbh_root = NULL;
        s->stashed = true;
    }
    bp_xml_flush(&o);
    return true;
}

void lxw_worksheet_assemble_xml_file(lxw_worksheet *self)
{
    BP_LIB_FN(fn, sheet_fn, lxw_worksheet_assemble_xml_file)
    sheet *s = find(self);
    if (!s) {
        fn(self);
        return;
    }
    assembling = s;
    bp_xlsx_xml_sheet_data_hook(sheet_data);
    fn(self);
    bp_xlsx_xml_sheet_data_hook(NULL);
    assembling = NULL;
}

void lxw_worksheet_free(lxw_worksheet *worksheet)
{
    sheet *s = worksheet ? find(worksheet) : NULL;
    if (s) drop(s);
    VOID_THEIRS(sheet_fn, lxw_worksheet_free, worksheet);
}
