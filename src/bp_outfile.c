/* bp_outfile: all-or-nothing output. */
#include "bp_outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

bp_err bp_mkdirs(const char *dir, bp_diags *diags)
{
    size_t n = strlen(dir);
    char *p = malloc(n + 1);
    if (!p) return BP_ERR_NOMEM;
    memcpy(p, dir, n + 1);
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
    bp_outfile *nf = realloc(s->files, (s->count + 1) * sizeof *nf);
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
    s->count++;
    return f->fp;
}

const char *bp_outset_add_path(bp_outset *s, const char *name, bp_diags *diags)
{
    FILE *fp = bp_outset_add(s, name, diags);
    if (!fp) return NULL;
    bp_outfile *f = &s->files[s->count - 1];
    if (fclose(fp) != 0) {
        bp_diag_add(diags, BP_DIAG_ERROR, f->final, 0, 0, "cannot create the output file: %s",
                    strerror(errno));
        f->fp = NULL;
        return NULL;
    }
    f->fp = NULL;
    return f->tmp;
}

/* A file written by path was closed by its writer: sync it by name before the rename. */
static bool sync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    bool ok = fsync(fd) == 0;
    return close(fd) == 0 && ok;
}

bp_err bp_outset_commit(bp_outset *s, bp_diags *diags)
{
    bp_err err = BP_OK;
    for (size_t i = 0; i < s->count; i++) {
        bp_outfile *f = &s->files[i];
        if (!f->fp) {
            if (f->tmp && !sync_path(f->tmp) && err == BP_OK) {
                bp_diag_add(diags, BP_DIAG_ERROR, f->final, 0, 0,
                            "cannot write the output file: %s", strerror(errno));
                err = BP_ERR_IO;
            }
            continue;
        }
        bool bad = fflush(f->fp) != 0 || ferror(f->fp) || fsync(fileno(f->fp)) != 0;
        int saved = errno;
        if (fclose(f->fp) != 0 && !bad) {
            bad = true;
            saved = errno;
        }
        f->fp = NULL;
        if (bad && err == BP_OK) {
            bp_diag_add(diags, BP_DIAG_ERROR, f->final, 0, 0, "cannot write the output file: %s",
                        strerror(saved));
            err = BP_ERR_IO;
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
        if (f->fp) fclose(f->fp);
        f->fp = NULL;
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
