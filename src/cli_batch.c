/* cli_batch: `boardpack batch` - every data set under --root rendered into its own folder
 * under --out by worker processes, one data set per process so that a broken or hostile
 * data set can never take the others down, with progress on a terminal and a summary
 * (summary.csv, summary.json) at the end. */
/* wait4() reports each worker's own peak memory: a BSD call glibc shows with this. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include "bp_build.h"
#include "bp_cli.h"
#include "bp_format.h"
#include "bp_json.h"
#include "bp_outfile.h"
#include "bp_text.h"

typedef struct {
    const char *root, *out;
    long jobs;
    long shard_k, shard_n;
    const char *packs[32];
    size_t npacks;
} batch_opts;

/* What a worker reports for its data set: a fixed-size record through a pipe (smaller
 * than PIPE_BUF, so it arrives whole). */
typedef struct {
    int ok;
    int exit_code;
    unsigned counts[4];              /* by bp_status over the reported results */
    unsigned files;
    char name[160];
    char error[600];
    char worst[3][300];
} batch_record;

typedef struct {
    char *dir;                       /* the data set's folder name under --root */
    batch_record rec;
    double seconds;
    long rss_kb;
    bool done;
} batch_item;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void)
{
    fputs("usage: boardpack batch --root DIR --out DIR [-j N] [--shard K/N] [--pack NAME]...\n",
          stderr);
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return false;
    *out = v;
    return true;
}

static bool parse_args(int argc, char **argv, batch_opts *o)
{
    memset(o, 0, sizeof *o);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = cores > 0 ? cores : 1;
    o->shard_k = o->shard_n = 1;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strncmp(a, "-j", 2) == 0 && a[2]) {
            if (!parse_long(a + 2, 1, 1024, &o->jobs)) goto bad_jobs;
            continue;
        }
        if (!v) {
            fprintf(stderr, "boardpack batch: option '%s' needs a value\n", a);
            return false;
        }
        i++;
        if (strcmp(a, "--root") == 0) o->root = v;
        else if (strcmp(a, "--out") == 0) o->out = v;
        else if (strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) {
            if (!parse_long(v, 1, 1024, &o->jobs)) goto bad_jobs;
        } else if (strcmp(a, "--shard") == 0) {
            const char *slash = strchr(v, '/');
            char k[32];
            if (!slash || (size_t)(slash - v) >= sizeof k) goto bad_shard;
            memcpy(k, v, (size_t)(slash - v));
            k[slash - v] = 0;
            if (!parse_long(slash + 1, 1, 1000000, &o->shard_n)
                || !parse_long(k, 1, o->shard_n, &o->shard_k))
                goto bad_shard;
        } else if (strcmp(a, "--pack") == 0) {
            if (o->npacks == sizeof o->packs / sizeof *o->packs) {
                fputs("boardpack batch: too many --pack options\n", stderr);
                return false;
            }
            o->packs[o->npacks++] = v;
        } else {
            fprintf(stderr, "boardpack batch: unknown option '%s'\n", a);
            return false;
        }
    }
    if (!o->root || !o->out) {
        fputs("boardpack batch: --root DIR and --out DIR are required\n", stderr);
        return false;
    }
    return true;
bad_jobs:
    fputs("boardpack batch: -j: expected a number of workers from 1 to 1024\n", stderr);
    return false;
bad_shard:
    fputs("boardpack batch: --shard: expected K/N with 1 <= K <= N, such as 2/8\n", stderr);
    return false;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(((const batch_item *)a)->dir, ((const batch_item *)b)->dir);
}

/* Every folder under root holding a trust.csv, in name order, then this shard's slice:
 * the i-th data set (from 0) belongs to shard (i mod N) + 1. */
static bp_err discover(const batch_opts *o, batch_item **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    DIR *d = opendir(o->root);
    if (!d) {
        fprintf(stderr, "boardpack batch: cannot open %s: %s\n", o->root, strerror(errno));
        return BP_ERR_IO;
    }
    batch_item *all = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    bp_err err = BP_OK;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[PATH_MAX];
        struct stat st;
        if (snprintf(path, sizeof path, "%s/%s/trust.csv", o->root, e->d_name) >= (int)sizeof path
            || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 256;
            batch_item *na = realloc(all, cap * sizeof *na);
            if (!na) {
                err = BP_ERR_NOMEM;
                break;
            }
            all = na;
        }
        memset(&all[count], 0, sizeof *all);
        if (!(all[count].dir = strdup(e->d_name))) {
            err = BP_ERR_NOMEM;
            break;
        }
        count++;
    }
    closedir(d);
    if (err == BP_OK) {
        qsort(all, count, sizeof *all, name_cmp);
        size_t keep = 0;
        for (size_t i = 0; i < count; i++) {
            if ((long)(i % (size_t)o->shard_n) + 1 == o->shard_k) all[keep++] = all[i];
            else free(all[i].dir);
        }
        count = keep;
    } else {
        for (size_t i = 0; i < count; i++) free(all[i].dir);
        free(all);
        return err;
    }
    *items = all;
    *n = count;
    return BP_OK;
}

/* ---- the worker: one data set, in a child process ---- */

static void first_error(const bp_diags *d, char *buf, size_t size)
{
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].level == BP_DIAG_ERROR) {
            bp_diag_format(&d->items[i], buf, size);
            return;
        }
    snprintf(buf, size, "failed");
}

static void run_one(const batch_opts *o, const char *dir, batch_record *rec)
{
    memset(rec, 0, sizeof *rec);
    char data[PATH_MAX], out[PATH_MAX];
    snprintf(data, sizeof data, "%s/%s", o->root, dir);
    snprintf(out, sizeof out, "%s/%s", o->out, dir);
    bp_session s;
    bp_err err = bp_session_open(&s, data, 0);
    bp_packset packs;
    bp_packset_init(&packs);
    if (err == BP_OK) err = bp_cli_load_packs(o->packs, o->npacks, &packs, &s.diags);
    bp_build_opts bo = {out, o->packs, o->npacks, 0};
    if (err == BP_OK && !bp_build_epoch(&s.model, &bo.epoch)) err = BP_ERR_USAGE;
    size_t written = 0;
    if (err == BP_OK) err = bp_build_write(&s, &packs, &bo, &written, &s.diags);
    if (s.model.name) snprintf(rec->name, sizeof rec->name, "%s", s.model.name);
    rec->exit_code = bp_exit_code(err);
    if (err != BP_OK) {
        bp_diags_sort(&s.diags);
        char e[500];
        first_error(&s.diags, e, sizeof e);
        snprintf(rec->error, sizeof rec->error, "%s (%zu error%s)", e, s.diags.errors,
                 s.diags.errors == 1 ? "" : "s");
    } else {
        rec->ok = 1;
        rec->files = (unsigned)written;
        for (size_t i = 0; i < s.results.nresults; i++) {
            const bp_result *r = &s.results.results[i];
            if (r->counts && r->target >= 0) rec->counts[r->status]++;
        }
        for (size_t i = 0; i < 3 && i < s.results.nexceptions; i++)
            bp_format_exception(&s.results, s.results.exceptions[i], rec->worst[i],
                                sizeof rec->worst[i]);
    }
    bp_packset_free(&packs);
    bp_session_close(&s);
}

static bool write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static bool read_all(int fd, void *buf, size_t n)
{
    char *p = buf;
    while (n) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        p += r;
        n -= (size_t)r;
    }
    return true;
}

/* ---- the parent: workers, progress, summary ---- */

typedef struct {
    pid_t pid;
    int fd;
    size_t item;
    double start;
} worker;

static void clock_text(double s, char *buf, size_t size)
{
    long t = (long)(s + 0.5);
    if (t >= 3600) snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

static void progress(size_t done, size_t total, size_t failed, double elapsed)
{
    double rate = elapsed > 0 ? (double)done / elapsed : 0;
    char el[32], eta[32];
    clock_text(elapsed, el, sizeof el);
    if (rate > 0) clock_text((double)(total - done) / rate, eta, sizeof eta);
    else snprintf(eta, sizeof eta, "-");
    fprintf(stderr, "\r\033[Kbatch: %zu/%zu (%.0f%%) %.1f trusts/s, elapsed %s, ETA %s", done,
            total, total ? 100.0 * (double)done / (double)total : 100.0, rate, el, eta);
    if (failed) fprintf(stderr, ", %zu failed", failed);
}

static void csv_field(FILE *f, const char *s)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL || *s == '=' || *s == '+' || *s == '-' || *s == '@';
    if (!quote) {
        fputs(s, f);
        return;
    }
    /* A spreadsheet would run a field starting with =, +, - or @ as a formula: an
     * apostrophe in front keeps it text (the usual CSV-injection defence). */
    fputc('"', f);
    if (*s == '=' || *s == '+' || *s == '-' || *s == '@') fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static bp_err write_summary(const batch_opts *o, const batch_item *items, size_t n,
                            double seconds, bp_diags *diags)
{
    bp_outset set;
    bp_outset_init(&set, o->out);
    FILE *c = bp_outset_add(&set, "summary.csv", diags);
    FILE *j = c ? bp_outset_add(&set, "summary.json", diags) : NULL;
    if (!c || !j) {
        bp_outset_free(&set);
        return BP_ERR_IO;
    }
    fputs("trust,name,status,green,amber,red,none,files,seconds,peak_rss_kb,worst_exceptions,error\n", c);
    size_t ok = 0;
    for (size_t i = 0; i < n; i++) {
        const batch_item *it = &items[i];
        const batch_record *r = &it->rec;
        char worst[1000] = "";
        for (int w = 0; w < 3 && r->worst[w][0]; w++) {
            size_t l = strlen(worst);
            snprintf(worst + l, sizeof worst - l, "%s%s", w ? " | " : "", r->worst[w]);
        }
        ok += r->ok != 0;
        csv_field(c, it->dir);
        fputc(',', c);
        csv_field(c, r->name);
        fprintf(c, ",%s,%u,%u,%u,%u,%u,%.3f,%ld,", r->ok ? "ok" : "failed",
                r->counts[BP_STATUS_GREEN], r->counts[BP_STATUS_AMBER], r->counts[BP_STATUS_RED],
                r->counts[BP_STATUS_NONE], r->files, it->seconds, it->rss_kb);
        csv_field(c, worst);
        fputc(',', c);
        csv_field(c, r->error);
        fputc('\n', c);
    }
    fputs("{\"schema\": \"boardpack-batch/1\", \"root\": ", j);
    bp_json_string(j, o->root);
    fprintf(j, ", \"shard\": \"%ld/%ld\", \"workers\": %ld, \"total\": %zu, \"succeeded\": %zu, "
            "\"failed\": %zu, \"seconds\": %.3f,\n \"trusts\": [", o->shard_k, o->shard_n, o->jobs,
            n, ok, n - ok, seconds);
    for (size_t i = 0; i < n; i++) {
        const batch_item *it = &items[i];
        const batch_record *r = &it->rec;
        fputs(i ? ",\n  {\"trust\": " : "\n  {\"trust\": ", j);
        bp_json_string(j, it->dir);
        fputs(", \"name\": ", j);
        bp_json_string(j, r->name);
        fprintf(j, ", \"status\": \"%s\", \"exit_code\": %d, \"counts\": {\"green\": %u, "
                "\"amber\": %u, \"red\": %u, \"none\": %u}, \"files\": %u, \"seconds\": %.3f, "
                "\"peak_rss_kb\": %ld, \"worst_exceptions\": [",
                r->ok ? "ok" : "failed", r->exit_code, r->counts[BP_STATUS_GREEN],
                r->counts[BP_STATUS_AMBER], r->counts[BP_STATUS_RED], r->counts[BP_STATUS_NONE],
                r->files, it->seconds, it->rss_kb);
        for (int w = 0; w < 3 && r->worst[w][0]; w++) {
            if (w) fputs(", ", j);
            bp_json_string(j, r->worst[w]);
        }
        fputs("], \"error\": ", j);
        if (r->ok) fputs("null", j);
        else bp_json_string(j, r->error);
        fputc('}', j);
    }
    fputs("\n ]}\n", j);
    bp_err err = bp_outset_commit(&set, diags);
    bp_outset_free(&set);
    return err;
}

static void finish_item(batch_item *it, worker *w, int status, const struct rusage *ru)
{
    batch_record rec;
    bool got = read_all(w->fd, &rec, sizeof rec);
    close(w->fd);
    it->seconds = now() - w->start;
    it->rss_kb = ru->ru_maxrss;
    it->done = true;
    if (got && WIFEXITED(status)) {
        it->rec = rec;
        return;
    }
    memset(&it->rec, 0, sizeof it->rec);
    it->rec.exit_code = 70;
    if (WIFSIGNALED(status))
        snprintf(it->rec.error, sizeof it->rec.error, "the worker stopped on signal %d",
                 WTERMSIG(status));
    else
        snprintf(it->rec.error, sizeof it->rec.error, "the worker ended without a result");
}

static bool spawn(const batch_opts *o, batch_item *it, size_t index, worker *w)
{
    int fds[2];
    if (pipe(fds) != 0) return false;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    if (pid == 0) {
        close(fds[0]);
        batch_record rec;
        run_one(o, it->dir, &rec);
        _exit(write_all(fds[1], &rec, sizeof rec) ? 0 : 74);
    }
    close(fds[1]);
    w->pid = pid;
    w->fd = fds[0];
    w->item = index;
    w->start = now();
    return true;
}

int bp_cli_batch(int argc, char **argv)
{
    batch_opts o;
    if (!parse_args(argc, argv, &o)) {
        usage();
        return bp_exit_code(BP_ERR_USAGE);
    }
    bp_diags diags;
    bp_diags_init(&diags);
    bp_packset check;
    bp_packset_init(&check);
    bp_err err = bp_cli_load_packs(o.packs, o.npacks, &check, &diags);
    bp_packset_free(&check);
    if (err == BP_OK) err = bp_mkdirs(o.out, &diags);
    batch_item *items = NULL;
    size_t n = 0;
    if (err == BP_OK) err = discover(&o, &items, &n);
    if (err != BP_OK) {
        bp_text_diags(stderr, &diags);
        bp_diags_free(&diags);
        return bp_exit_code(err);
    }
    bool tty = isatty(STDERR_FILENO);
    worker *ws = calloc((size_t)o.jobs, sizeof *ws);
    if (!ws && n) {
        fputs("boardpack batch: out of memory\n", stderr);
        return bp_exit_code(BP_ERR_NOMEM);
    }
    double t0 = now();
    size_t next = 0, running = 0, done = 0, failed = 0;
    while (done < n) {
        while (running < (size_t)o.jobs && next < n) {
            size_t slot = 0;
            while (ws[slot].pid) slot++;
            if (!spawn(&o, &items[next], next, &ws[slot])) {
                items[next].done = true;
                snprintf(items[next].rec.error, sizeof items[next].rec.error,
                         "cannot start a worker: %s", strerror(errno));
                items[next].rec.exit_code = 71;
                done++;
                failed++;
            } else {
                running++;
            }
            next++;
        }
        if (!running) continue;
        int status;
        struct rusage ru;
        pid_t pid = wait4(-1, &status, 0, &ru);
        if (pid < 0) {
            if (errno == EINTR) continue;
            break;
        }
        size_t slot = 0;
        while (slot < (size_t)o.jobs && ws[slot].pid != pid) slot++;
        if (slot == (size_t)o.jobs) continue;
        batch_item *it = &items[ws[slot].item];
        finish_item(it, &ws[slot], status, &ru);
        ws[slot].pid = 0;
        running--;
        done++;
        if (!it->rec.ok) {
            failed++;
            if (tty) fprintf(stderr, "\r\033[KFAILED %s: %s\n", it->dir, it->rec.error);
        }
        if (tty) progress(done, n, failed, now() - t0);
    }
    free(ws);
    double seconds = now() - t0;
    if (tty) fputc('\n', stderr);
    err = write_summary(&o, items, n, seconds, &diags);
    if (err != BP_OK) bp_text_diags(stderr, &diags);
    fprintf(stderr, "batch: %zu data set%s, %zu ok, %zu failed, %.1f s (%.1f trusts/s); summary in "
            "%s/summary.csv\n", n, n == 1 ? "" : "s", n - failed, failed, seconds,
            seconds > 0 ? (double)n / seconds : 0.0, o.out);
    for (size_t i = 0; i < n; i++) free(items[i].dir);
    free(items);
    bp_diags_free(&diags);
    if (err != BP_OK) return bp_exit_code(err);
    return failed ? 1 : 0;
}
