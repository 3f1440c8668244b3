/* bp_outfile: all-or-nothing output. */
/* sync_file_range (Linux) */
#define _GNU_SOURCE
#include "bp_outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "bp_util.h"

bp_err bp_mkdirs(const char *dir, bp_diags *diags)
{
    size_t n = strlen(dir);
    char *p = strdup(dir);
    if (!p) return BP_ERR_NOMEM;
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0') continue;
        char c = p[i];
        p[i] = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            bp_diag_add(diags, BP_DIAG_ERROR, p, 0, 0, "cannot create the output directory: %s",
                        strerror(errno));
            free(p);
            return BP_ERR_IO;
        }
        p[i] = c;
    }
    struct stat st;
    bp_err err = BP_OK;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        bp_diag_add(diags, BP_DIAG_ERROR, dir, 0, 0, "the output path is not a directory");
        err = BP_ERR_IO;
    }
    free(p);
    return err;
}

#define OUT_BUFFER (64 * 1024)

void bp_outset_init(bp_outset *s, const char *dir)
{
    memset(s, 0, sizeof *s);
    s->dir = strdup(dir);
}

static char *join(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s%s%s", a, b, c);
    return p;
}

FILE *bp_outset_add(bp_outset *s, const char *name, bp_diags *diags)
{
    if (!s->dir || !*name || strchr(name, '/') || name[0] == '.') {
        bp_diag_add(diags, BP_DIAG_ERROR, name, 0, 0, "not a valid output file name");
        return NULL;
    }
    bp_outfile *nf = bp_grow(s->files, &s->cap, s->count + 1, sizeof *nf);
    if (!nf) return NULL;
    s->files = nf;
    bp_outfile *f = &s->files[s->count];
    memset(f, 0, sizeof *f);
    char suffix[64];
    snprintf(suffix, sizeof suffix, ".tmp-%ld-%zu", (long)getpid(), s->count);
    f->final = join(s->dir, "/", name);
    char *dot = join(s->dir, "/.", name);
    f->tmp = dot ? join(dot, suffix, "") : NULL;
    free(dot);
    if (!f->final || !f->tmp) {
        free(f->final);
        free(f->tmp);
        return NULL;
    }
    /* O_EXCL and O_NOFOLLOW: never write through a file or link someone planted. */
    int fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) {
        bp_diag_add(diags, BP_DIAG_ERROR, f->final, 0, 0, "cannot create the output file: %s",
                    strerror(errno));
        free(f->final);
        free(f->tmp);
        return NULL;
    }
    f->fp = fdopen(fd, "wb");
    if (!f->fp) {
        close(fd);
        unlink(f->tmp);
        free(f->final);
        free(f->tmp);
        return NULL;
    }
    /* packs and results run to hundreds of KB: a few large writes, not one per 4 KB
     * (glibc takes a size only with a buffer) */
    if ((f->buf = malloc(OUT_BUFFER)) != NULL) setvbuf(f->fp, f->buf, _IOFBF, OUT_BUFFER);
    s->count++;
    return f->fp;
}

/* Closes a file's stream and releases its buffer. */
static int close_stream(bp_outfile *f)
{
    int r = fclose(f->fp);
    f->fp = NULL;
    free(f->buf);
    f->buf = NULL;
    return r;
}

const char *bp_outset_add_path(bp_outset *s, const char *name, bp_diags *diags)
{
    if (!bp_outset_add(s, name, diags)) return NULL;
    bp_outfile *f = &s->files[s->count - 1];
    if (close_stream(f) != 0) {
        bp_diag_add(diags, BP_DIAG_ERROR, f->final, 0, 0, "cannot create the output file: %s",
                    strerror(errno));
        return NULL;
    }
    return f->tmp;
}

/* Starts writing a finished file back to the disk without waiting for it, so that the
 * set's fsyncs wait for one round of writes instead of one round each (Linux; elsewhere
 * fsync alone does it). */
static void start_writeback(int fd)
{
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)
    (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
    (void)fd;
#endif
}

static void write_failed(bp_outfile *f, int errnum, bp_err *err, bp_diags *diags)
{
    if (*err != BP_OK) return;
    bp_diag_add(diags, BP_DIAG_ERROR, f->final, 0, 0, "cannot write the output file: %s",
                strerror(errnum));
    *err = BP_ERR_IO;
}

bp_err bp_outset_close(bp_outset *s, FILE *fp, bp_diags *diags)
{
    bp_err err = BP_OK;
    for (size_t i = 0; i < s->count; i++) {
        bp_outfile *f = &s->files[i];
        if (!fp || f->fp != fp) continue;
        if (fflush(f->fp) != 0 || ferror(f->fp)) write_failed(f, errno, &err, diags);
        else start_writeback(fileno(f->fp));
        if (close_stream(f) != 0) write_failed(f, errno, &err, diags);
        break;
    }
    return err;
}

/* A file closed by its writer, synced by name: at most one more descriptor open. */
static int sync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int r = fsync(fd), e = errno;
    if (close(fd) != 0 && r == 0) return -1;
    errno = e;
    return r;
}

bp_err bp_outset_commit(bp_outset *s, bp_diags *diags)
{
    bp_err err = BP_OK;
    /* every file complete and on its way to the disk; a file its writer closed already is
     * on its way */
    for (size_t i = 0; i < s->count; i++) {
        bp_outfile *f = &s->files[i];
        if (!f->fp) continue;
        if (fflush(f->fp) != 0 || ferror(f->fp)) {
            write_failed(f, errno, &err, diags);
            continue;
        }
        start_writeback(fileno(f->fp));
    }
    /* on the disk */
    for (size_t i = 0; i < s->count && err == BP_OK; i++) {
        bp_outfile *f = &s->files[i];
        if (f->fp) {
            if (fsync(fileno(f->fp)) != 0) write_failed(f, errno, &err, diags);
            if (close_stream(f) != 0) write_failed(f, errno, &err, diags);
        } else if (f->tmp && sync_path(f->tmp) != 0) {
            write_failed(f, errno, &err, diags);
        }
    }
    if (err != BP_OK) {
        bp_outset_abort(s);
        return err;
    }
    /* rename() replaces a link at the final path rather than writing through it. */
    for (size_t i = 0; i < s->count; i++) {
        bp_outfile *f = &s->files[i];
        if (rename(f->tmp, f->final) != 0) {
            bp_diag_add(diags, BP_DIAG_ERROR, f->final, 0, 0, "cannot rename the output file into place: %s",
                        strerror(errno));
            bp_outset_abort(s);
            return BP_ERR_IO;
        }
        free(f->tmp);
        f->tmp = NULL;
    }
    return BP_OK;
}

void bp_outset_abort(bp_outset *s)
{
    for (size_t i = 0; i < s->count; i++) {
        bp_outfile *f = &s->files[i];
        if (f->fp) close_stream(f);
        if (f->tmp) unlink(f->tmp);
        free(f->tmp);
        f->tmp = NULL;
    }
}

void bp_outset_free(bp_outset *s)
{
    bp_outset_abort(s);
    for (size_t i = 0; i < s->count; i++) free(s->files[i].final);
    free(s->files);
    free(s->dir);
    memset(s, 0, sizeof *s);
}
