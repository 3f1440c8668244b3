/* bp_xlsx_xml: libxlsxwriter's XML writer, the same bytes for less work.
 *
 * libxlsxwriter writes a formula cell through its xmlwriter functions: an attribute
 * allocated for the reference and one for the style, each two 2,080-byte buffers filled
 * with strncpy (which pads every byte), then some eight fprintf calls for the tags, the
 * formula and its value - about 6,000 instructions a cell, most of a workbook's cost
 * (docs/performance.md).  These functions are exported by libxlsxwriter and called through
 * its procedure linkage table, so the executable's definitions below take their place (the
 * Makefile exports them, as bp_deflate.c's), writing exactly what libxlsxwriter 1.1.4's
 * src/xmlwriter.c and utility.c write, with fwrite and no format strings.
 *
 * They go below libxlsxwriter's documented API (struct xml_attribute, its STAILQ list)
 * and are checked against version 1.1.4 at compile time; a process running another
 * libxlsxwriter hands every call on to that library's own functions, unchanged.
 * tests/unit/test_xlsx_xml.c compares every function with libxlsxwriter's own, byte for
 * byte. */
#define _GNU_SOURCE     /* RTLD_NEXT, fwrite_unlocked */
#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include <xlsxwriter/xmlwriter.h>

#include "bp_util.h"
#include "bp_xlsx.h"
#include "bp_xlsx_xml_internal.h"

#if !defined(LXW_VERSION_ID) || LXW_VERSION_ID != 114
#error "bp_xlsx_xml.c writes what libxlsxwriter 1.1.4's xmlwriter functions write, into its struct xml_attribute, and this is another libxlsxwriter: compare src/xmlwriter.c and lxw_rowcol_to_cell (src/utility.c) with this file, then update the version here"
#endif

/* ---- which functions: ours, or the running library's own ---- */

typedef void (*tag_fn)(FILE *, const char *, struct xml_attribute_list *);
typedef void (*end_fn)(FILE *, const char *);
typedef void (*data_fn)(FILE *, const char *, const char *, struct xml_attribute_list *);
typedef struct xml_attribute *(*str_fn)(const char *, const char *);
typedef struct xml_attribute *(*int_fn)(const char *, uint32_t);
typedef void (*cell_fn)(char *, lxw_row_t, lxw_col_t);


static unsigned long calls;

unsigned long bp_xlsx_xml_calls(void)
{
    return calls;
}

/* ---- the worksheet's cells: bp_xlsx_sheet.c's ---- */

static bp_xml_tag_hook sheet_data;

void bp_xlsx_xml_sheet_data_hook(bp_xml_tag_hook hook)
{
    sheet_data = hook;
}

/* Whether the hook has taken tag (written it, or what it stands for, itself). */
static inline bool hooked(FILE *f, const char *tag, enum bp_xml_tag kind)
{
    return sheet_data && tag[0] == 's' && strcmp(tag, "sheetData") == 0 && sheet_data(f, kind);
}

/* ---- writing ---- */

/* fwrite_unlocked's own first step, without the call: glibc's fwrite copies into the
 * stream's buffer when the bytes fit between _IO_write_ptr and _IO_write_end, as its
 * putc_unlocked (bits/types/struct_FILE.h) does - only for a stream already oriented to
 * bytes (_mode < 0), else fwrite decides.  A line-buffered or unbuffered stream keeps
 * _IO_write_end at _IO_write_ptr, so that every write goes to fwrite. */
size_t bp_xlsx_fwrite(FILE *f, const char *s, size_t n)
{
    if (f->_mode < 0 && (size_t)(f->_IO_write_end - f->_IO_write_ptr) >= n) {
        memcpy(f->_IO_write_ptr, s, n);
        f->_IO_write_ptr += n;
        return n;
    }
    return fwrite_unlocked(s, 1, n, f);
}

/* The bytes bp_xlsx_xml_escaped() replaces: 1 everywhere, 2 in an attribute only. */
static const unsigned char special[256] = {['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 2,
                                           ['\n'] = 2};

/* The entity of a special byte c, as libxlsxwriter writes it. */
static void entity(bp_xml_out *o, char c)
{
    switch (c) {
    case '&': bp_xml_put(o, "&amp;", 5); break;
    case '<': bp_xml_put(o, "&lt;", 4); break;
    case '>': bp_xml_put(o, "&gt;", 4); break;
    case '"': bp_xml_put(o, "&quot;", 6); break;
    default: bp_xml_put(o, "&#xA;", 5); break;     /* the newline */
    }
}

/* s, with &, <, > (and in an attribute " and the newline) as libxlsxwriter's entities.
 * An attribute's first bytes one at a time (a cell's reference and style are a few), the
 * rest and an element's text (a formula) in runs found by strcspn. */
void bp_xlsx_xml_escaped(bp_xml_out *o, const char *s, bool attribute)
{
    const unsigned limit = 2;
    for (int i = 0; attribute && i < 32; i++, s++) {
        unsigned char c = (unsigned char)*s;
        if (!c) return;
        if (special[c] && special[c] <= limit) {
            entity(o, (char)c);
            continue;
        }
        if (o->n == sizeof o->b) bp_xml_flush(o);
        o->b[o->n++] = (char)c;
    }
    const char *stops = attribute ? "&<>\"\n" : "&<>";
    for (;;) {
        size_t n = strcspn(s, stops);
        bp_xml_put(o, s, n);
        s += n;
        if (!*s) return;
        entity(o, *s++);
    }
}

/* "<tag", then each attribute as ` key="value"`, escaped or not. */
static void open_tag(bp_xml_out *o, const char *tag, struct xml_attribute_list *attributes,
                     bool escape)
{
    bp_xml_put(o, "<", 1);
    bp_xml_puts(o, tag);
    if (!attributes) return;
    struct xml_attribute *a;
    STAILQ_FOREACH(a, attributes, list_entries) {
        bp_xml_put(o, " ", 1);
        bp_xml_puts(o, a->key);
        bp_xml_put(o, "=\"", 2);
        if (escape) bp_xlsx_xml_escaped(o, a->value, true);
        else bp_xml_puts(o, a->value);
        bp_xml_put(o, "\"", 1);
    }
}

void lxw_xml_start_tag(FILE *xmlfile, const char *tag, struct xml_attribute_list *attributes)
{
    if (!bp_lxw_same_library())
        VOID_THEIRS(tag_fn, lxw_xml_start_tag, xmlfile, tag, attributes);
    calls++;
    if (hooked(xmlfile, tag, BP_XML_START)) return;
    bp_xml_out o = {.f = xmlfile};
    open_tag(&o, tag, attributes, true);
    bp_xml_put(&o, ">", 1);
    bp_xml_flush(&o);
}

void lxw_xml_start_tag_unencoded(FILE *xmlfile, const char *tag,
                                 struct xml_attribute_list *attributes)
{
    if (!bp_lxw_same_library())
        VOID_THEIRS(tag_fn, lxw_xml_start_tag_unencoded, xmlfile, tag, attributes);
    bp_xml_out o = {.f = xmlfile};
    open_tag(&o, tag, attributes, false);
    bp_xml_put(&o, ">", 1);
    bp_xml_flush(&o);
}

void lxw_xml_end_tag(FILE *xmlfile, const char *tag)
{
    if (!bp_lxw_same_library()) VOID_THEIRS(end_fn, lxw_xml_end_tag, xmlfile, tag);
    if (hooked(xmlfile, tag, BP_XML_END)) return;
    bp_xml_out o = {.f = xmlfile};
    bp_xml_put(&o, "</", 2);
    bp_xml_puts(&o, tag);
    bp_xml_put(&o, ">", 1);
    bp_xml_flush(&o);
}

void lxw_xml_empty_tag(FILE *xmlfile, const char *tag, struct xml_attribute_list *attributes)
{
    if (!bp_lxw_same_library())
        VOID_THEIRS(tag_fn, lxw_xml_empty_tag, xmlfile, tag, attributes);
    if (hooked(xmlfile, tag, BP_XML_EMPTY)) return;
    bp_xml_out o = {.f = xmlfile};
    open_tag(&o, tag, attributes, true);
    bp_xml_put(&o, "/>", 2);
    bp_xml_flush(&o);
}

void lxw_xml_empty_tag_unencoded(FILE *xmlfile, const char *tag,
                                 struct xml_attribute_list *attributes)
{
    if (!bp_lxw_same_library())
        VOID_THEIRS(tag_fn, lxw_xml_empty_tag_unencoded, xmlfile, tag, attributes);
    bp_xml_out o = {.f = xmlfile};
    open_tag(&o, tag, attributes, false);
    bp_xml_put(&o, "/>", 2);
    bp_xml_flush(&o);
}

void lxw_xml_data_element(FILE *xmlfile, const char *tag, const char *data,
                          struct xml_attribute_list *attributes)
{
    if (!bp_lxw_same_library())
        VOID_THEIRS(data_fn, lxw_xml_data_element, xmlfile, tag, data, attributes);
    bp_xml_out o = {.f = xmlfile};
    open_tag(&o, tag, attributes, true);
    bp_xml_put(&o, ">", 1);
    bp_xlsx_xml_escaped(&o, data, false);
    bp_xml_put(&o, "</", 2);
    bp_xml_puts(&o, tag);
    bp_xml_put(&o, ">", 1);
    bp_xml_flush(&o);
}

/* ---- attributes ---- */

/* LXW_ATTRIBUTE_COPY without the padding: at most LXW_MAX_ATTRIBUTE_LENGTH - 1 bytes and
 * the terminator (nothing reads past it). */
static void copy(char *dst, const char *src)
{
    size_t n = strnlen(src, LXW_MAX_ATTRIBUTE_LENGTH - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

struct xml_attribute *lxw_new_attribute_str(const char *key, const char *value)
{
    if (!bp_lxw_same_library())
        THEIRS(str_fn, lxw_new_attribute_str,
               key, value);
    /* malloc'd, as libxlsxwriter frees it (LXW_FREE_ATTRIBUTES) */
    struct xml_attribute *a = malloc(sizeof *a);
    if (!a) return NULL;
    copy(a->key, key);
    copy(a->value, value);
    return a;
}

/* The digits of v, printed as "%d" prints it, at p; their end. */
static char *int_text(char *p, int32_t v)
{
    char digits[16], *end = digits + sizeof digits;
    const char *d = bp_udigits_before(v < 0 ? 0u - (uint32_t)v : (uint32_t)v, end);
    if (v < 0) *p++ = '-';
    size_t n = (size_t)(end - d);
    memcpy(p, d, n);
    p += n;
    *p = '\0';
    return p;
}

struct xml_attribute *lxw_new_attribute_int(const char *key, uint32_t value)
{
    if (!bp_lxw_same_library())
        THEIRS(int_fn, lxw_new_attribute_int, key,
               value);
    struct xml_attribute *a = malloc(sizeof *a);
    if (!a) return NULL;
    copy(a->key, key);
    int_text(a->value, (int32_t)value);   /* "%d" of the unsigned value, as libxlsxwriter */
    return a;
}

/* ---- cell references ---- */

void lxw_rowcol_to_cell(char *cell_name, lxw_row_t row, lxw_col_t col)
{
    if (!bp_lxw_same_library())
        VOID_THEIRS(cell_fn, lxw_rowcol_to_cell, cell_name, row,
               col);
    /* the column's letters (bijective base 26), then the row from 1 */
    char letters[8];
    int n = 0;
    uint32_t c = (uint32_t)col + 1;
    while (c && n < 7) {
        uint32_t r = c % 26;
        if (r == 0) r = 26;
        letters[n++] = (char)('A' + r - 1);
        c = (c - 1) / 26;
    }
    char *p = cell_name;
    while (n) *p++ = letters[--n];
    /* lxw_snprintf(.., LXW_MAX_ROW_NAME_LENGTH, "%d", ++row): a row has at most 7 digits */
    int_text(p, (int32_t)(row + 1));
}
