/* bp_outfile: writing output files so that a failure, a signal or a crash never leaves
 * anything half-written, never truncates an existing output and never leaves a mix of
 * an old and a new set.  Each file is written to a temporary name in its directory
 * (created exclusively, never through a symlink); the commit moves the existing files
 * aside and the new ones into place under a journal (DIR/.boardpack.journal), so that
 * a failure half way - or a crash, rolled back by the next run into DIR - leaves the
 * whole old set.  One run at a time writes into a directory (DIR/.boardpack.lock).
 * On SIGINT, SIGTERM and SIGHUP (bp_outfile_catch_signals) the temporary files and the
 * lock go with the process. */
#ifndef BP_OUTFILE_H
#define BP_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>
#include "bp_error.h"

typedef struct {
    char *final;             /* dir/name */
    char *tmp;               /* dir/.name.tmp-PID-N; NULL once renamed or removed */
    FILE *fp;
    char *buf;               /* fp's buffer */
    bool synced;             /* complete and on the disk */
} bp_outfile;

typedef struct {
    bp_outfile *files;
    size_t count, cap;       /* files written and room for them (bp_grow) */
    char *dir;
} bp_outset;

/* Create dir and its parents as needed (mode 0777 less the umask). */
bp_err bp_mkdirs(const char *dir, bp_diags *diags);

/* ---- the directory: its lock and what an interrupted run left in it ---- */

typedef struct {
    int fd;                  /* -1: not held */
    char *path;              /* dir/.boardpack.lock */
} bp_outlock;

/* Take dir's lock (an flock on dir/.boardpack.lock, which holds the holder's process id)
 * without waiting.  Held by another process: BP_ERR_IO with a diagnostic naming it. */
bp_err bp_outdir_lock(const char *dir, bp_outlock *lk, bp_diags *diags);

/* Release the lock and remove its file.  Safe on a lock not held. */
void bp_outdir_unlock(bp_outlock *lk);

/* With dir's lock held: roll an interrupted commit back from its journal (the earlier
 * files put back, the new ones removed), then remove every temporary file of
 * boardpack's naming (.NAME.tmp-PID-N, .NAME.old-PID-N) that a killed run left.  A
 * journal that cannot be read is BP_ERR_IO and nothing is touched. */
bp_err bp_outdir_recover(const char *dir, bp_diags *diags);

/* bp_mkdirs, bp_outdir_lock and bp_outdir_recover: what every run writing into dir
 * does first.  On failure the lock is not held. */
bp_err bp_outdir_open(const char *dir, bp_outlock *lk, bp_diags *diags);

/* From now on SIGINT, SIGTERM and SIGHUP remove this process's temporary files and its
 * locks' files, then end the process with the signal (its usual exit status).  The
 * handler only unlinks: it is async-signal-safe.  For a process that writes output sets
 * (build, a batch worker). */
void bp_outfile_catch_signals(void);

/* In a child just forked: forget the temporary files and locks the parent registered, so
 * that the child's signals never remove what the parent still owns. */
void bp_outfile_forget_parent(void);

/* What a run does first, before it reads its data: when dir exists, take its lock, roll
 * back and tidy (bp_outdir_recover), and let the lock go again - an interrupted commit
 * is undone even when this run fails before it writes.  BP_ERR_IO when another run
 * holds the lock. */
bp_err bp_outdir_tidy(const char *dir, bp_diags *diags);

/* ---- the output set ---- */

void bp_outset_init(bp_outset *s, const char *dir);

/* Start a new file `name` (a plain file name: no '/', not starting with '.', no control
 * characters, not the name of another file of the set in any case) in the set's
 * directory and return its stream, or NULL with a diagnostic. */
FILE *bp_outset_add(bp_outset *s, const char *name, bp_diags *diags);

/* The same for a library that writes by path (libxlsxwriter): the temporary file is
 * created (exclusively) and closed, and its path returned for the library to write;
 * bp_outset_commit then syncs and renames it with the others.  NULL on failure. */
const char *bp_outset_add_path(bp_outset *s, const char *name, bp_diags *diags);

/* The writer of the set's file whose stream is fp is done with it: flush it, start its
 * writeback and close it, so that a set of a thousand files never holds a thousand open
 * (past `ulimit -n`, the next open anywhere fails).  bp_outset_sync syncs it by name.
 * BP_ERR_IO with a diagnostic when it cannot be written. */
bp_err bp_outset_close(bp_outset *s, FILE *fp, bp_diags *diags);

/* Flush, sync and close every file written so far (one descriptor at a time), so that
 * each can be read back by its temporary name (files[i].tmp).  On failure every
 * temporary file is removed. */
bp_err bp_outset_sync(bp_outset *s, bp_diags *diags);

/* Sync every file, then put the whole set in place: under the journal, each existing
 * file is moved aside and the new one renamed to its name; then the journal and the old
 * files are removed.  A failure half way puts every earlier file back and removes every
 * new one (BP_ERR_IO with a diagnostic): the directory holds the whole old set or the
 * whole new one.  The caller holds the directory's lock. */
bp_err bp_outset_commit(bp_outset *s, bp_diags *diags);

/* Remove every temporary file (after a failure elsewhere). */
void bp_outset_abort(bp_outset *s);

void bp_outset_free(bp_outset *s);

#endif
