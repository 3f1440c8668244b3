/* bp_outfile: all-or-nothing output. */
/* sync_file_range (Linux), flock (BSD and Linux) */
#define _GNU_SOURCE
#include "bp_outfile.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include "bp_infile.h"
#include "bp_util.h"

#define JOURNAL ".boardpack.journal"
#define LOCKFILE ".boardpack.lock"
#define JOURNAL_HEAD "boardpack-journal 1"
/* a journal lists one line per file of a set: thousands of lines at most */
#define JOURNAL_MAX (64u << 20)

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

static char *join(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s%s%s", a, b, c);
    return p;
}

/* A name an output may have: a plain file name, not hidden (hidden names are the
 * temporaries', the journal's and the lock's), no control characters (the journal is
 * one line per file, tab-separated). */
static bool valid_name(const char *name)
{
    if (!*name || name[0] == '.') return false;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p == '/' || *p < 0x20 || *p == 0x7f) return false;
    return true;
}

/* Windows and macOS file systems take names differing only in case for one file:
 * compared with ASCII case folding, the folding they all agree on. */
static bool same_name_any_case(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
    return *a == *b;
}

/* The temporary and backup names of boardpack: ".NAME.tmp-PID-N", ".NAME.old-PID-N".
 * Returns the length of NAME's part (from the leading dot to ".tmp-"), 0 when n is not
 * such a name. */
static size_t own_temp_name(const char *n)
{
    if (n[0] != '.') return 0;
    size_t i = strlen(n), d = 0;
    while (i > 0 && isdigit((unsigned char)n[i - 1])) i--, d++;
    if (!d || i == 0 || n[i - 1] != '-') return 0;
    i--;
    d = 0;
    while (i > 0 && isdigit((unsigned char)n[i - 1])) i--, d++;
    if (!d || i < 7) return 0;      /* ".X" and ".tmp-" at least */
    if (strncmp(n + i - 5, ".tmp-", 5) != 0 && strncmp(n + i - 5, ".old-", 5) != 0) return 0;
    return i - 5;
}

/* Makes the directory's entries (renames, new and removed names) durable. */
static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int r = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return r;
}

/* ---- what a signal removes: this process's temporary files and locks ---- */

static struct {
    const char **paths;
    size_t count, cap;
} reg;

static void signals_block(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, old);
}

static void signals_restore(const sigset_t *old)
{
    sigprocmask(SIG_SETMASK, old, NULL);
}

/* The list changes with the signals blocked, so the handler never sees it half-changed
 * (boardpack is single-threaded). */
static bool reg_add(const char *path)
{
    sigset_t old;
    signals_block(&old);
    bool ok = true;
    if (reg.count == reg.cap) {
        size_t cap = reg.cap ? reg.cap * 2 : 64;
        const char **np = realloc(reg.paths, cap * sizeof *np);
        if (np) {
            reg.paths = np;
            reg.cap = cap;
        } else {
            ok = false;
        }
    }
    if (ok) reg.paths[reg.count++] = path;
    signals_restore(&old);
    return ok;
}

static void reg_del(const char *path)
{
    sigset_t old;
    signals_block(&old);
    for (size_t i = reg.count; i-- > 0;)
        if (reg.paths[i] == path) {
            reg.paths[i] = reg.paths[--reg.count];
            break;
        }
    if (!reg.count) {
        free(reg.paths);
        reg.paths = NULL;
        reg.cap = 0;
    }
    signals_restore(&old);
}

static void on_signal(int sig)
{
    /* unlink and raise only: both async-signal-safe */
    for (size_t i = 0; i < reg.count; i++) unlink(reg.paths[i]);
    /* SA_RESETHAND restored the default action: it ends the process once this returns */
    raise(sig);
}

void bp_outfile_catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < 3; i++) sigaddset(&sa.sa_mask, sigs[i]);
    for (size_t i = 0; i < 3; i++) {
        struct sigaction cur;
        /* a signal ignored when the program started (nohup, a background job of a
         * script) stays ignored */
        if (sigaction(sigs[i], NULL, &cur) == 0 && cur.sa_handler == SIG_IGN) continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

void bp_outfile_forget_parent(void)
{
    sigset_t old;
    signals_block(&old);
    free(reg.paths);
    reg.paths = NULL;
    reg.count = reg.cap = 0;
    signals_restore(&old);
}

/* ---- the lock ---- */

bp_err bp_outdir_lock(const char *dir, bp_outlock *lk, bp_diags *diags)
{
    lk->fd = -1;
    if (!(lk->path = join(dir, "/", LOCKFILE))) return BP_ERR_NOMEM;
    /* The holder removes the file as it lets go: a run that opened the file just before
     * that holds a lock on a removed file, sees so and tries again. */
    bool reported = true;            /* each break below has said why */
    for (int attempt = 0; attempt < 100; attempt++) {
        bool rw = true;
        int fd = open(lk->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 && errno == EACCES) {
            rw = false;
            fd = open(lk->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (fd < 0) {
            bp_diag_add(diags, BP_DIAG_ERROR, lk->path, 0, 0, "cannot create the lock file: %s",
                        strerror(errno));
            break;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            if (e == EWOULDBLOCK) {
                char buf[32] = "";
                ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
                long pid = 0;
                for (ssize_t i = 0; i < n && isdigit((unsigned char)buf[i]) && pid < 100000000; i++)
                    pid = pid * 10 + (buf[i] - '0');
                if (pid > 0)
                    bp_diag_add(diags, BP_DIAG_ERROR, dir, 0, 0, "another run (process %ld) is "
                                "writing into this folder and holds its lock %s: wait for it to "
                                "end", pid, lk->path);
                else
                    bp_diag_add(diags, BP_DIAG_ERROR, dir, 0, 0, "another process is writing "
                                "into this folder and holds its lock %s: wait for it to end",
                                lk->path);
            } else {
                bp_diag_add(diags, BP_DIAG_ERROR, lk->path, 0, 0,
                            "cannot lock the output folder: %s", strerror(e));
            }
            close(fd);
            break;
        }
        struct stat a, b;
        if (fstat(fd, &a) != 0 || lstat(lk->path, &b) != 0 || a.st_dev != b.st_dev
            || a.st_ino != b.st_ino) {
            close(fd);
            reported = false;
            continue;
        }
        if (rw) {
            char pid[32];
            int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
            if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
                /* the lock holds without the note of who holds it */
            }
        }
        if (!reg_add(lk->path)) {
            unlink(lk->path);
            close(fd);
            free(lk->path);
            lk->path = NULL;
            return BP_ERR_NOMEM;
        }
        lk->fd = fd;
        return BP_OK;
    }
    if (!reported)
        bp_diag_add(diags, BP_DIAG_ERROR, lk->path, 0, 0, "cannot lock the output folder: the "
                    "lock file keeps being replaced");
    free(lk->path);
    lk->path = NULL;
    return BP_ERR_IO;
}

void bp_outdir_unlock(bp_outlock *lk)
{
    if (lk->fd >= 0) {
        reg_del(lk->path);
        unlink(lk->path);            /* while still held: see bp_outdir_lock */
        close(lk->fd);
    }
    free(lk->path);
    lk->path = NULL;
    lk->fd = -1;
}

/* ---- the journal ---- */

/* One file of a set being committed.  kind: 'o' an old file stood at the final name and
 * is moved to the backup name; '-' none stood there; 'd' a directory stands there (the
 * rename fails and is rolled back). */
typedef struct {
    char kind;
    const char *final, *tmp, *backup;   /* names in the directory */
} jentry;

static bool lexists(const char *path, bool *exists, struct stat *st)
{
    if (lstat(path, st) == 0) {
        *exists = true;
        return true;
    }
    *exists = false;
    return errno == ENOENT;
}

/* Puts every entry back as it was before the commit: the old file where one was moved
 * aside, no new file where none stood.  Each step looks at what is there, so running it
 * again after it was interrupted finishes the job.  False when a step failed. */
static bool roll_back(const char *dir, const jentry *e, size_t n, bp_diags *diags)
{
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        char *f = join(dir, "/", e[i].final), *t = join(dir, "/", e[i].tmp),
             *b = join(dir, "/", e[i].backup);
        struct stat st;
        bool there;
        if (!f || !t || !b) {
            ok = false;
        } else if (e[i].kind == 'o') {
            if (!lexists(b, &there, &st) || (there && rename(b, f) != 0)) {
                bp_diag_add(diags, BP_DIAG_ERROR, f, 0, 0, "cannot put the earlier file back "
                            "from %s: %s", e[i].backup, strerror(errno));
                ok = false;
            }
        } else if (e[i].kind == '-') {
            /* the new file was renamed into place when its temporary name is gone */
            bool tmp_there, final_there;
            if (!lexists(t, &tmp_there, &st) || !lexists(f, &final_there, &st)) {
                bp_diag_add(diags, BP_DIAG_ERROR, f, 0, 0, "cannot examine: %s", strerror(errno));
                ok = false;
            } else if (!tmp_there && final_there && !S_ISDIR(st.st_mode) && unlink(f) != 0) {
                bp_diag_add(diags, BP_DIAG_ERROR, f, 0, 0, "cannot remove the new file: %s",
                            strerror(errno));
                ok = false;
            }
        }
        if (t && unlink(t) != 0 && errno != ENOENT) {
            bp_diag_add(diags, BP_DIAG_ERROR, t, 0, 0, "cannot remove the temporary file: %s",
                        strerror(errno));
            ok = false;
        }
        free(f);
        free(t);
        free(b);
    }
    if (sync_dir(dir) != 0) ok = false;
    return ok;
}

/* Writes the journal whole under a temporary name and renames it into place, so that a
 * journal is either complete or absent. */
static bp_err journal_write(const char *dir, const jentry *e, size_t n, bp_diags *diags)
{
    char suffix[64];
    snprintf(suffix, sizeof suffix, ".tmp-%ld-0", (long)getpid());
    char *path = join(dir, "/", JOURNAL), *tmp = join(dir, "/" JOURNAL, suffix);
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    bp_err err = BP_OK;
    if (!path || !tmp || !m) {
        if (m) fclose(m);
        err = BP_ERR_NOMEM;
        goto out;
    }
    fprintf(m, "%s\n", JOURNAL_HEAD);
    for (size_t i = 0; i < n; i++)
        fprintf(m, "%c\t%s\t%s\t%s\n", e[i].kind, e[i].final, e[i].tmp, e[i].backup);
    fprintf(m, "end %zu\n", n);
    if (fclose(m) != 0 || !text) {
        err = BP_ERR_NOMEM;
        goto out;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    bool ok = fd >= 0;
    for (size_t off = 0; ok && off < len;) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) ok = false;
        else off += (size_t)w;
    }
    if (ok && fsync(fd) != 0) ok = false;
    int e1 = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = false;
        e1 = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        e1 = errno;
    }
    if (ok && sync_dir(dir) != 0) {
        ok = false;
        e1 = errno;
        unlink(path);
    }
    if (!ok) {
        unlink(tmp);
        bp_diag_add(diags, BP_DIAG_ERROR, path, 0, 0, "cannot write the commit's journal: %s",
                    strerror(e1));
        err = BP_ERR_IO;
    }
out:
    free(text);
    free(path);
    free(tmp);
    return err;
}

/* Is b ".A" + ".tmp-" or ".old-" (kind) + PID-N for the final name a? */
static bool names_match(const char *final, const char *b, const char *kind)
{
    size_t fl = strlen(final);
    return own_temp_name(b) == fl + 1 && strncmp(b + 1, final, fl) == 0
           && strncmp(b + fl + 1, kind, 5) == 0;
}

static char *next_field(char **p, char sep)
{
    char *s = *p, *q = strchr(s, sep);
    if (!q) return NULL;
    *q = 0;
    *p = q + 1;
    return s;
}

/* Rolls back the commit the journal describes, when there is one. */
static bp_err recover_journal(const char *dir, bp_diags *diags)
{
    char *path = join(dir, "/", JOURNAL);
    if (!path) return BP_ERR_NOMEM;
    struct stat st;
    if (lstat(path, &st) != 0) {
        bp_err err = BP_OK;
        if (errno != ENOENT) {
            bp_diag_add(diags, BP_DIAG_ERROR, path, 0, 0, "cannot examine: %s", strerror(errno));
            err = BP_ERR_IO;
        }
        free(path);
        return err;
    }
    bp_err err = BP_OK;
    char *text = NULL;
    size_t len = 0;
    jentry *e = NULL;
    size_t n = 0, cap = 0;
    int line = 1;
    if (!S_ISREG(st.st_mode)) {
        bp_diag_add(diags, BP_DIAG_ERROR, path, 0, 0, "found something other than a file at the "
                    "journal's name, expected the journal of an interrupted commit: remove it");
        err = BP_ERR_IO;
        goto out;
    }
    if ((err = bp_read_file(path, path, JOURNAL_MAX, &text, &len, diags)) != BP_OK) {
        if (err != BP_ERR_NOMEM) err = BP_ERR_IO;   /* a journal too large is no journal of ours */
        goto out;
    }
    char *p = text;
    char *head = next_field(&p, '\n');
    bool ended = false;
    if (!head || strcmp(head, JOURNAL_HEAD) != 0) goto bad;
    while (*p) {
        line++;
        char *l = next_field(&p, '\n');
        if (!l || ended) goto bad;
        if (strncmp(l, "end ", 4) == 0) {
            char *end;
            unsigned long long k = strtoull(l + 4, &end, 10);
            if (*end || end == l + 4 || k != n) goto bad;
            ended = true;
            continue;
        }
        char *kind = next_field(&l, '\t'), *f = kind ? next_field(&l, '\t') : NULL,
             *t = f ? next_field(&l, '\t') : NULL, *b = l;
        if (!t || strlen(kind) != 1 || !strchr("o-d", kind[0]) || !valid_name(f)
            || !names_match(f, t, ".tmp-") || !names_match(f, b, ".old-"))
            goto bad;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            jentry *ne = realloc(e, cap * sizeof *ne);
            if (!ne) {
                err = BP_ERR_NOMEM;
                goto out;
            }
            e = ne;
        }
        e[n++] = (jentry){kind[0], f, t, b};
    }
    if (!ended) goto bad;
    if (!roll_back(dir, e, n, diags)) {
        bp_diag_add(diags, BP_DIAG_ERROR, path, 0, 0, "the commit an earlier run left unfinished "
                    "could not be rolled back: the journal is kept for the next run");
        err = BP_ERR_IO;
    } else if (unlink(path) != 0 || sync_dir(dir) != 0) {
        bp_diag_add(diags, BP_DIAG_ERROR, path, 0, 0, "cannot remove the journal: %s",
                    strerror(errno));
        err = BP_ERR_IO;
    }
    goto out;
bad:
    bp_diag_add(diags, BP_DIAG_ERROR, path, line, 0, "found a journal that is not one boardpack "
                "writes, expected the journal of an interrupted commit: nothing was rolled back; "
                "check the folder's files and remove the journal");
    err = BP_ERR_IO;
out:
    free(e);
    free(text);
    free(path);
    return err;
}

bp_err bp_outdir_recover(const char *dir, bp_diags *diags)
{
    bp_err err = recover_journal(dir, diags);
    if (err != BP_OK) return err;
    /* Under the lock no other run is writing here: every temporary name of boardpack's
     * is a killed run's. */
    DIR *d = opendir(dir);
    if (!d) {
        bp_diag_add(diags, BP_DIAG_ERROR, dir, 0, 0, "cannot read the output directory: %s",
                    strerror(errno));
        return BP_ERR_IO;
    }
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (!own_temp_name(ent->d_name)) continue;
        char *p = join(dir, "/", ent->d_name);
        struct stat st;
        if (!p) {
            err = BP_ERR_NOMEM;
            break;
        }
        if (lstat(p, &st) == 0 && !S_ISDIR(st.st_mode) && unlink(p) != 0 && errno != ENOENT) {
            bp_diag_add(diags, BP_DIAG_ERROR, p, 0, 0, "cannot remove a temporary file an "
                        "earlier run left: %s", strerror(errno));
            err = BP_ERR_IO;
        }
        free(p);
    }
    closedir(d);
    return err;
}

bp_err bp_outdir_open(const char *dir, bp_outlock *lk, bp_diags *diags)
{
    lk->fd = -1;
    lk->path = NULL;
    bp_err err = bp_mkdirs(dir, diags);
    if (err == BP_OK) err = bp_outdir_lock(dir, lk, diags);
    if (err == BP_OK && (err = bp_outdir_recover(dir, diags)) != BP_OK) bp_outdir_unlock(lk);
    return err;
}

bp_err bp_outdir_tidy(const char *dir, bp_diags *diags)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return BP_OK;   /* nothing to tidy */
    bp_outlock lk;
    bp_err err = bp_outdir_lock(dir, &lk, diags);
    if (err != BP_OK) return err;
    err = bp_outdir_recover(dir, diags);
    bp_outdir_unlock(&lk);
    return err;
}

/* ---- the set ---- */

#define OUT_BUFFER (64 * 1024)

void bp_outset_init(bp_outset *s, const char *dir)
{
    memset(s, 0, sizeof *s);
    s->dir = strdup(dir);
}

FILE *bp_outset_add(bp_outset *s, const char *name, bp_diags *diags)
{
    if (!s->dir || !valid_name(name)) {
        bp_diag_add(diags, BP_DIAG_ERROR, name, 0, 0, "not a valid output file name");
        return NULL;
    }
    size_t dl = strlen(s->dir) + 1;
    for (size_t i = 0; i < s->count; i++)
        if (same_name_any_case(s->files[i].final + dl, name)) {
            bp_diag_add(diags, BP_DIAG_ERROR, name, 0, 0, "found a second output file named %s "
                        "in one set (the other is %s), expected every name to differ, also in "
                        "upper and lower case", name, s->files[i].final + dl);
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
    if (!f->final || !f->tmp || !reg_add(f->tmp)) {
        free(f->final);
        free(f->tmp);
        return NULL;
    }
    /* O_EXCL and O_NOFOLLOW: never write through a file or link someone planted. */
    int fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) {
        bp_diag_add(diags, BP_DIAG_ERROR, f->final, 0, 0, "cannot create the output file: %s",
                    strerror(errno));
        reg_del(f->tmp);
        free(f->final);
        free(f->tmp);
        return NULL;
    }
    f->fp = fdopen(fd, "wb");
    if (!f->fp) {
        close(fd);
        unlink(f->tmp);
        reg_del(f->tmp);
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
        if (fflush(fp) != 0 || ferror(fp)) write_failed(f, errno, &err, diags);
        else start_writeback(fileno(fp));
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

bp_err bp_outset_sync(bp_outset *s, bp_diags *diags)
{
    bp_err err = BP_OK;
    /* every file complete and on its way to the disk; a file its writer closed already is
     * on its way */
    for (size_t i = 0; i < s->count; i++) {
        bp_outfile *f = &s->files[i];
        if (f->synced || !f->fp) continue;
        if (fflush(f->fp) != 0 || ferror(f->fp)) {
            write_failed(f, errno, &err, diags);
            continue;
        }
        start_writeback(fileno(f->fp));
    }
    /* on the disk */
    for (size_t i = 0; i < s->count && err == BP_OK; i++) {
        bp_outfile *f = &s->files[i];
        if (f->synced) continue;
        if (f->fp) {
            if (fsync(fileno(f->fp)) != 0) write_failed(f, errno, &err, diags);
            if (close_stream(f) != 0) write_failed(f, errno, &err, diags);
        } else if (f->tmp && sync_path(f->tmp) != 0) {
            write_failed(f, errno, &err, diags);
        }
        f->synced = true;
    }
    if (err != BP_OK) bp_outset_abort(s);
    return err;
}

/* The temporary file is gone (renamed or removed): the signal handler forgets it. */
static void forget_tmp(bp_outfile *f)
{
    reg_del(f->tmp);
    free(f->tmp);
    f->tmp = NULL;
}

bp_err bp_outset_commit(bp_outset *s, bp_diags *diags)
{
    bp_err err = bp_outset_sync(s, diags);
    if (err != BP_OK || !s->count) return err;
    size_t dl = strlen(s->dir) + 1;
    jentry *e = calloc(s->count, sizeof *e);
    char **backups = calloc(s->count, sizeof *backups);
    if (!e || !backups) {
        free(e);
        free(backups);
        bp_outset_abort(s);
        return BP_ERR_NOMEM;
    }
    for (size_t i = 0; i < s->count && err == BP_OK; i++) {
        bp_outfile *f = &s->files[i];
        char suffix[64];
        snprintf(suffix, sizeof suffix, ".old-%ld-%zu", (long)getpid(), i);
        char *dot = join(s->dir, "/.", f->final + dl);
        backups[i] = dot ? join(dot, suffix, "") : NULL;
        free(dot);
        if (!backups[i]) {
            err = BP_ERR_NOMEM;
            break;
        }
        struct stat st;
        bool there;
        if (!lexists(f->final, &there, &st)) {
            bp_diag_add(diags, BP_DIAG_ERROR, f->final, 0, 0, "cannot examine: %s",
                        strerror(errno));
            err = BP_ERR_IO;
        }
        e[i] = (jentry){!there ? '-' : S_ISDIR(st.st_mode) ? 'd' : 'o', f->final + dl,
                        f->tmp + dl, backups[i] + dl};
    }
    /* From the journal to its removal no signal may end the process: the set is then
     * either rolled back here or committed, and a pending signal ends it after. */
    sigset_t old;
    signals_block(&old);
    if (err == BP_OK) err = journal_write(s->dir, e, s->count, diags);
    if (err != BP_OK) {
        signals_restore(&old);
        for (size_t i = 0; i < s->count; i++) free(backups[i]);
        free(backups);
        free(e);
        bp_outset_abort(s);
        return err;
    }
    bool ok = true;
    for (size_t i = 0; i < s->count && ok; i++) {
        bp_outfile *f = &s->files[i];
        if (e[i].kind == 'o' && rename(f->final, backups[i]) != 0) {
            bp_diag_add(diags, BP_DIAG_ERROR, f->final, 0, 0, "cannot move the earlier file "
                        "aside: %s", strerror(errno));
            ok = false;
        } else if (rename(f->tmp, f->final) != 0) {
            /* rename() replaces a link at the final path rather than writing through it */
            bp_diag_add(diags, BP_DIAG_ERROR, f->final, 0, 0, "cannot rename the output file "
                        "into place: %s", strerror(errno));
            ok = false;
        }
    }
    char *journal = join(s->dir, "/", JOURNAL);
    if (ok && sync_dir(s->dir) != 0) {
        bp_diag_add(diags, BP_DIAG_ERROR, s->dir, 0, 0, "cannot sync the output directory: %s",
                    strerror(errno));
        ok = false;
    }
    /* the commit is done when the journal is gone */
    if (ok && (!journal || unlink(journal) != 0)) {
        bp_diag_add(diags, BP_DIAG_ERROR, journal ? journal : s->dir, 0, 0, "cannot remove the "
                    "journal: %s", strerror(errno));
        ok = false;
    }
    if (ok) {
        (void)sync_dir(s->dir);
        for (size_t i = 0; i < s->count; i++) {
            if (e[i].kind == 'o') (void)unlink(backups[i]);   /* else the next run's */
            forget_tmp(&s->files[i]);
        }
    } else {
        if (!roll_back(s->dir, e, s->count, diags))
            bp_diag_add(diags, BP_DIAG_ERROR, s->dir, 0, 0, "the earlier files could not all be "
                        "put back: the journal %s is kept, and the next build or batch into this "
                        "folder finishes putting them back", JOURNAL);
        else if (journal && unlink(journal) == 0)
            (void)sync_dir(s->dir);
        err = BP_ERR_IO;
        for (size_t i = 0; i < s->count; i++) forget_tmp(&s->files[i]);
    }
    signals_restore(&old);
    free(journal);
    for (size_t i = 0; i < s->count; i++) free(backups[i]);
    free(backups);
    free(e);
    return err;
}

void bp_outset_abort(bp_outset *s)
{
    for (size_t i = 0; i < s->count; i++) {
        bp_outfile *f = &s->files[i];
        if (f->fp) close_stream(f);
        if (f->tmp) {
            unlink(f->tmp);
            forget_tmp(f);
        }
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
