/* bp_outfile: writing output files so that a failure never leaves anything half-written
 * and never truncates an existing output.  Each file is written to a temporary name in
 * its directory (created exclusively, never through a symlink) and renamed into place
 * only when every file of the run has been written. */
#ifndef BP_OUTFILE_H
#define BP_OUTFILE_H

#include <stdio.h>
#include "bp_error.h"

typedef struct {
    char *final;             /* dir/name */
    char *tmp;               /* dir/.name.tmp-PID-N */
    FILE *fp;
    char *buf;               /* fp's buffer */
} bp_outfile;

typedef struct {
    bp_outfile *files;
    size_t count, cap;       /* files written and room for them (bp_grow) */
    char *dir;
} bp_outset;

/* Create dir and its parents as needed (mode 0777 less the umask). */
bp_err bp_mkdirs(const char *dir, bp_diags *diags);

void bp_outset_init(bp_outset *s, const char *dir);

/* Start a new file `name` (a plain file name: no '/', not starting with '.') in the set's
 * directory and return its stream, or NULL with a diagnostic. */
FILE *bp_outset_add(bp_outset *s, const char *name, bp_diags *diags);

/* The same for a library that writes by path (libxlsxwriter): the temporary file is
 * created (exclusively) and closed, and its path returned for the library to write;
 * bp_outset_commit then syncs and renames it with the others.  NULL on failure. */
const char *bp_outset_add_path(bp_outset *s, const char *name, bp_diags *diags);

/* The writer of the set's file whose stream is fp is done with it: flush it, start its
 * writeback and close it, so that a set of a thousand files never holds a thousand open
 * (past `ulimit -n`, the next open anywhere fails).  bp_outset_commit syncs it by name.
 * BP_ERR_IO with a diagnostic when it cannot be written. */
bp_err bp_outset_close(bp_outset *s, FILE *fp, bp_diags *diags);

/* Flush, sync and close every file, then rename them all into place.  On any failure
 * every temporary file is removed and BP_ERR_IO returned with a diagnostic. */
bp_err bp_outset_commit(bp_outset *s, bp_diags *diags);

/* Remove every temporary file (after a failure elsewhere). */
void bp_outset_abort(bp_outset *s);

void bp_outset_free(bp_outset *s);

#endif
