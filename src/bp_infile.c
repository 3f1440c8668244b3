/* bp_infile: whole-file reads with a limit. */
#define _XOPEN_SOURCE 700   /* realpath: XSI in glibc's headers */
#include "bp_infile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

/* What stands at a name instead of a file, as a message says it. */
static const char *kind_of(mode_t mode)
{
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "a special file";
}

static bp_err not_regular(mode_t mode, const char *display_name, bp_diags *diags)
{
    bp_diag_add(diags, BP_DIAG_ERROR, display_name, 0, 0, "found %s, expected a regular file",
                kind_of(mode));
    return BP_ERR_DATA;
}

static bp_err cannot_open(const char *display_name, bp_diags *diags)
{
    bp_diag_add(diags, BP_DIAG_ERROR, display_name, 0, 0, "cannot be read: %s", strerror(errno));
    return BP_ERR_IO;
}

bp_err bp_read_file(const char *path, const char *display_name, size_t max, char **buf,
                    size_t *len, bp_diags *diags)
{
    *buf = NULL;
    *len = 0;
    /* A FIFO, a terminal or a directory never ends or never starts: a read would wait
     * forever (a FIFO with no writer) or fail obscurely.  stat first so that a device is
     * never even opened (opening some has effects); O_NONBLOCK so that a FIFO swapped in
     * after the stat cannot block the open, and fstat to refuse what was opened after all. */
    struct stat st;
    if (stat(path, &st) != 0) return cannot_open(display_name, diags);
    if (!S_ISREG(st.st_mode)) return not_regular(st.st_mode, display_name, diags);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return cannot_open(display_name, diags);
    bp_err e = fstat(fd, &st) != 0  ? cannot_open(display_name, diags)
               : !S_ISREG(st.st_mode) ? not_regular(st.st_mode, display_name, diags)
                                      : BP_OK;
    if (e != BP_OK) {
        close(fd);
        return e;
    }
    /* O_NONBLOCK means nothing to a regular file's reads: no need to clear it */
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        e = cannot_open(display_name, diags);
        close(fd);
        return e;
    }
    /* Growing chunks rather than the file's size: a file can grow while it is read. */
    char *b = NULL;
    size_t n = 0, cap = 0;
    bp_err err = BP_OK;
    for (;;) {
        if (n == cap) {
            if (cap > max) {
                bp_diag_add(diags, BP_DIAG_ERROR, display_name, 0, 0,
                            "found a file larger than %zu bytes, expected at most %zu bytes", max, max);
                err = BP_ERR_LIMIT;
                break;
            }
            size_t ncap = cap ? cap * 2 : 65536;
            char *nb = realloc(b, ncap + 1);
            if (!nb) {
                err = BP_ERR_NOMEM;
                break;
            }
            b = nb;
            cap = ncap;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                bp_diag_add(diags, BP_DIAG_ERROR, display_name, 0, 0, "cannot be read: %s",
                            strerror(errno));
                err = BP_ERR_IO;
            }
            break;
        }
    }
    fclose(f);
    if (err == BP_OK && n > max) {
        bp_diag_add(diags, BP_DIAG_ERROR, display_name, 0, 0,
                    "found a file larger than %zu bytes, expected at most %zu bytes", max, max);
        err = BP_ERR_LIMIT;
    }
    if (err != BP_OK) {
        free(b);
        return err;
    }
    if (!b && !(b = malloc(1))) return BP_ERR_NOMEM;
    b[n] = 0;
    *buf = b;
    *len = n;
    return BP_OK;
}

/* realpath into a fresh string (PATH_MAX bytes: POSIX's realpath with a NULL buffer
 * allocates, but a fixed buffer keeps the failure cases simple). */
static char *real_path(const char *path)
{
    char tmp[PATH_MAX];
    if (!realpath(path, tmp)) return NULL;
    char *r = malloc(strlen(tmp) + 1);
    if (r) strcpy(r, tmp);
    else errno = ENOMEM;
    return r;
}

bp_err bp_infile_in_dir(const char *dir, const char *name, const char *display_name,
                        char **path, bp_diags *diags)
{
    *path = NULL;
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (!p) return BP_ERR_NOMEM;
    snprintf(p, n, "%s/%s", dir, name);
    struct stat st;
    if (lstat(p, &st) != 0) {
        bp_err e = errno == ENOENT ? BP_OK : cannot_open(display_name, diags);
        free(p);
        return e;
    }
    if (!S_ISLNK(st.st_mode)) {
        *path = p;
        return BP_OK;
    }
    /* A link may point anywhere: to a file of the data set (a budget kept under two names)
     * or out of it (/etc/shadow, a home directory).  Only the first is the data set's.
     * The target is never quoted: a report must not show what a data set's author cannot
     * read themselves.  The resolved path, free of links, is the one read. */
    char *target = real_path(p), *root = target ? real_path(dir) : NULL;
    bp_err e = BP_OK;
    if (!target && errno == ENOMEM) e = BP_ERR_NOMEM;
    else if (!target) {
        bp_diag_add(diags, BP_DIAG_ERROR, display_name, 0, 0,
                    "found a symbolic link that leads to no file, expected a regular file");
        e = BP_ERR_DATA;
    } else if (!root) {
        e = errno == ENOMEM ? BP_ERR_NOMEM : cannot_open(dir, diags);
    } else {
        size_t rl = strcmp(root, "/") == 0 ? 0 : strlen(root);
        if (strncmp(target, root, rl) != 0 || (target[rl] != '/' && target[rl] != 0)) {
            bp_diag_add(diags, BP_DIAG_ERROR, display_name, 0, 0,
                        "found a symbolic link to a file outside the data set, expected a "
                        "regular file in it");
            e = BP_ERR_DATA;
        }
    }
    free(p);
    free(root);
    if (e == BP_OK) *path = target;
    else free(target);
    return e;
}

bool bp_beside_exe(const char *rel, int up, char *buf, size_t size)
{
    char dir[4096];
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
    if (n <= 0) return false;
    dir[n] = 0;
    for (int level = 0; level <= up; level++) {
        char *slash = strrchr(dir, '/');
        if (!slash) return false;
        *slash = 0;
        struct stat st;
        int w = snprintf(buf, size, "%s/%s", dir, rel);
        if (w > 0 && (size_t)w < size && stat(buf, &st) == 0 && S_ISDIR(st.st_mode)) return true;
    }
    return false;
}
