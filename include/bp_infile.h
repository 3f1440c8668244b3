/* bp_infile: reading one input file (a CSV export, a KPI or pack template) whole into
 * memory, never past a size limit - a pipe or a mistaken path cannot exhaust memory -
 * with failures reported as diagnostics under the name the user knows the file by. */
#ifndef BP_INFILE_H
#define BP_INFILE_H

#include <stdbool.h>
#include <stddef.h>
#include "bp_error.h"

/* Read path into *buf (NUL-terminated; *len excludes the NUL).  Errors: BP_ERR_IO (cannot
 * open or read), BP_ERR_LIMIT (larger than max bytes), BP_ERR_NOMEM.  The caller frees
 * *buf, which is NULL on failure. */
bp_err bp_read_file(const char *path, const char *display_name, size_t max, char **buf,
                    size_t *len, bp_diags *diags);

/* Files shipped with the program (templates, prepared fonts) are found beside the
 * executable, so it works from any working directory: the first of EXE_DIR/rel,
 * EXE_DIR/../rel, ... (up to `up` parent levels) that is a directory, into buf. */
bool bp_beside_exe(const char *rel, int up, char *buf, size_t size);

#endif
