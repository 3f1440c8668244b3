/* bp_infile: whole-file reads with a limit. */
#include "bp_infile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

bp_err bp_read_file(const char *path, const char *display_name, size_t max, char **buf,
                    size_t *len, bp_diags *diags)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        bp_diag_add(diags, BP_DIAG_ERROR, display_name, 0, 0, "cannot be read: %s", strerror(errno));
        return BP_ERR_IO;
    }
    /* Growing chunks rather than the file's size: a pipe has no size to trust. */
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
