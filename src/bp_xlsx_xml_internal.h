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
#include <string.h>
#include <xlsxwriter.h>

/* Is the running libxlsxwriter the one these functions copy?  (Asked once a file.) */
static inline bool bp_lxw_same_library(void)
{
    static int ours = -1;
    if (ours < 0) ours = strcmp(lxw_version(), LXW_VERSION) == 0;
    return ours;
}

/* Calls the library's own `name` (of function pointer type `type`) - the definition next
 * after this executable's - with the arguments, and returns what it returns (VOID_THEIRS:
 * returns). */
#define THEIRS(type, name, ...)                                                        \
    do {                                                                               \
        static type fn;                                                                \
        if (!fn) {                                                                     \
            void *sym = dlsym(RTLD_NEXT, #name);                                       \
            memcpy(&fn, &sym, sizeof fn);  /* POSIX: a data pointer that is a function */ \
        }                                                                              \
        return fn(__VA_ARGS__);                                                        \
    } while (0)
#define VOID_THEIRS(type, name, ...)                                                   \
    do {                                                                               \
        static type fn;                                                                \
        if (!fn) {                                                                     \
            void *sym = dlsym(RTLD_NEXT, #name);                                       \
            memcpy(&fn, &sym, sizeof fn);                                              \
        }                                                                              \
        fn(__VA_ARGS__);                                                               \
        return;                                                                        \
    } while (0)

#endif
