/* bp_infile: reading one input file (a CSV export, a KPI or pack template) whole into
 * memory, never past a size limit - a mistaken path cannot exhaust memory - and only a
 * regular file (a FIFO or a device cannot hang a run), with failures reported as
 * diagnostics under the name the user knows the file by; and which path a data set's
 * file is read from (a symbolic link must not lead out of the data set). */
#ifndef BP_INFILE_H
#define BP_INFILE_H

#include <stdbool.h>
#include <stddef.h>
#include "bp_error.h"

/* Read path into *buf (NUL-terminated; *len excludes the NUL).  Only a regular file is
 * read: a FIFO, a device or a directory is never waited on.  Errors: BP_ERR_IO (cannot
 * open or read), BP_ERR_DATA (not a regular file), BP_ERR_LIMIT (larger than max bytes),
 * BP_ERR_NOMEM.  The caller frees *buf, which is NULL on failure. */
bp_err bp_read_file(const char *path, const char *display_name, size_t max, char **buf,
                    size_t *len, bp_diags *diags);

/* The path to read for the data set file dir/name, into *path (the caller frees it): the
 * name itself, or, for a symbolic link, where it leads - when that is inside dir.  A link
 * out of dir, or to nothing, is an error (BP_ERR_DATA) that never quotes its target.
 * *path is NULL, with BP_OK, when nothing stands at the name. */
bp_err bp_infile_in_dir(const char *dir, const char *name, const char *display_name,
                        char **path, bp_diags *diags);

/* Files shipped with the program (templates, prepared fonts) are found beside the
 * executable, so it works from any working directory: the first of EXE_DIR/rel,
 * EXE_DIR/../rel, ... (up to `up` parent levels) that is a directory, into buf. */
bool bp_beside_exe(const char *rel, int up, char *buf, size_t size);

#endif
