/* bp_xlsx_xml_internal: what the executable's copies of libxlsxwriter functions share
 * (bp_xlsx_xml.c's XML writer, bp_xlsx_sst.c's shared string table): whether the running
 * library is the 1.1.4 they copy, and calling the library's own function when it is not.
 * Each copy is exported by the Makefile, so that libxlsxwriter's calls through its
 * procedure linkage table reach it; a process running another libxlsxwriter hands every
 * call on to that library, unchanged.  For those files only (it needs _GNU_SOURCE's
 * RTLD_NEXT, defined before any header). */
#ifndef BP_XLSX_XML_INTERNAL_H
#define BP_XLSX_XML_INTERNAL_H

#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "bp_xlsx.h"

/* Is the running libxlsxwriter the one these functions copy?  (Asked once a file.) */
static inline bool bp_lxw_same_library(void)
{
    static int ours = -1;
    if (ours < 0) ours = strcmp(lxw_version(), LXW_VERSION) == 0;
    return ours;
}

/* var, declared here: the library's own `name` (of function pointer type `type`) - the
 * definition next after this executable's, looked up once; NULL if there is none. */
#define BP_LIB_FN(var, type, name)                                                     \
    static type var;                                                                   \
    if (!var) {                                                                        \
        void *sym_ = dlsym(RTLD_NEXT, #name);                                          \
        memcpy(&var, &sym_, sizeof var);  /* POSIX: a data pointer that is a function */ \
    }

/* Calls the library's own `name` with the arguments, and returns what it returns
 * (VOID_THEIRS: returns). */
#define THEIRS(type, name, ...)                                                        \
    do {                                                                               \
        BP_LIB_FN(fn_, type, name)                                                     \
        return fn_(__VA_ARGS__);                                                       \
    } while (0)
#define VOID_THEIRS(type, name, ...)                                                   \
    do {                                                                               \
        BP_LIB_FN(fn_, type, name)                                                     \
        fn_(__VA_ARGS__);                                                              \
        return;                                                                        \
    } while (0)

/* ---- writing (bp_xlsx_xml.c's tags, bp_xlsx_sheet.c's rows and cells) ---- */

/* A tag is assembled here and written with one fwrite: a dozen small pieces a cell, each
 * an fwrite of its own, cost more than the copying. */
typedef struct {
    FILE *f;
    size_t n;
    char b[1024];
} bp_xml_out;

static inline void bp_xml_flush(bp_xml_out *o)
{
    if (o->n) bp_xlsx_fwrite(o->f, o->b, o->n);
    o->n = 0;
}

static inline void bp_xml_put(bp_xml_out *o, const char *s, size_t n)
{
    if (n > sizeof o->b - o->n) {
        bp_xml_flush(o);
        if (n > sizeof o->b / 2) {
            bp_xlsx_fwrite(o->f, s, n);
            return;
        }
    }
    memcpy(o->b + o->n, s, n);
    o->n += n;
}

static inline void bp_xml_puts(bp_xml_out *o, const char *s)
{
    bp_xml_put(o, s, strlen(s));
}

/* s into o, with &, <, > (and in an attribute " and the newline) as libxlsxwriter's
 * entities: its lxw_escape_data and lxw_escape_attributes. */
void bp_xlsx_xml_escaped(bp_xml_out *o, const char *s, bool attribute);

/* The <sheetData> tags of a worksheet whose cells bp_xlsx_sheet.c keeps: while a hook is
 * set, lxw_xml_start_tag, lxw_xml_empty_tag and lxw_xml_end_tag hand a "sheetData" tag
 * to it first, and write it themselves only when it returns false. */
enum bp_xml_tag { BP_XML_START, BP_XML_EMPTY, BP_XML_END };
typedef bool (*bp_xml_tag_hook)(FILE *f, enum bp_xml_tag kind);
void bp_xlsx_xml_sheet_data_hook(bp_xml_tag_hook hook);

#endif
