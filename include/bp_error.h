/* bp_error: the one error type of boardpack and the diagnostics list.
 *
 * Every module reports failure as a bp_err.  Problems found in a user's files are
 * collected as diagnostics (file, line, column, message) so that a run can report all of
 * them at once rather than stopping at the first; this module owns how one is shown and
 * how it quotes the user's text. */
#ifndef BP_ERROR_H
#define BP_ERROR_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    BP_OK = 0,
    BP_ERR_NOMEM,    /* out of memory */
    BP_ERR_IO,       /* a file could not be read or written */
    BP_ERR_DATA,     /* the data set breaks the data contract (see diagnostics) */
    BP_ERR_KPI,      /* a KPI definition file is invalid (see diagnostics) */
    BP_ERR_PACK,     /* the pack templates are invalid (see diagnostics) */
    BP_ERR_USAGE,    /* bad command line */
    BP_ERR_LIMIT,    /* an input exceeds a documented resource limit */
    BP_ERR_RENDER,   /* the PDF or XLSX library failed */
    BP_ERR_BREACH    /* --fail-on threshold breached */
} bp_err;

const char *bp_strerror(bp_err err);

/* Process exit status for an error: 0 ok, 1 breach, 2 usage, 65 data, 74 I/O. */
int bp_exit_code(bp_err err);

typedef enum { BP_DIAG_ERROR = 0, BP_DIAG_WARNING = 1 } bp_diag_level;

typedef struct {
    bp_diag_level level;
    char *file;    /* as shown to the user: the data set's file name, e.g. "finance.csv" */
    int line;      /* 1-based; 0 when the problem concerns the whole file */
    int column;    /* 1-based; 0 when the problem concerns the whole line or file */
    char *message; /* "found X, expected Y" */
    bool plain;    /* a data-quality warning whose condition the results keep, which the
                      packs put in plain words of their own (bp_diag_mark_plain) */
} bp_diag;

typedef struct {
    bp_diag *items;
    size_t count, cap;
    size_t errors;   /* how many items are errors (the rest are warnings) */
    int oom;         /* set if a diagnostic could not be stored */
} bp_diags;

void bp_diags_init(bp_diags *d);
void bp_diags_free(bp_diags *d);

/* Append a diagnostic; message is printf-formatted.  Never fails loudly: on allocation
 * failure it sets d->oom so the caller can still exit with an error. */
#if defined(__GNUC__)
__attribute__((format(printf, 6, 7)))
#endif
void bp_diag_add(bp_diags *d, bp_diag_level level, const char *file, int line, int column,
                 const char *fmt, ...);

/* Marks the diagnostic added last as one the packs word for themselves (bp_diag.plain). */
void bp_diag_mark_plain(bp_diags *d);

/* Stable sort by file, line, column (so output does not depend on discovery order). */
void bp_diags_sort(bp_diags *d);

/* "file:line:column: error: message" - the one way a diagnostic is shown to people. */
void bp_diag_format(const bp_diag *dg, char *buf, size_t size);

/* The text s[0..n) as a message quotes it, into buf: at most 40 characters, then "...",
 * and control characters (a quoted field may hold a line break) as spaces, so that a
 * diagnostic stays on one line.  size at least 4; 200 bytes hold any 40 characters. */
void bp_diag_quote(const char *s, size_t n, char *buf, size_t size);

#endif
