/* cli_batch: `boardpack batch` - every data set under --root rendered into its own folder
 * under --out by worker processes, so that a broken or hostile data set can never take the
 * others (or the batch) down, with progress on a terminal and a summary (summary.csv,
 * summary.json) at the end.
 *
 * A worker is a forked child that takes data sets one at a time through a pipe and answers
 * each with a fixed-size record. It serves many data sets, so the cost of a fresh process
 * (its memory faulted in again, the fonts read again) is paid once per worker, not once
 * per trust; it retires after RETIRE_AFTER data sets or when its resident memory
 * passes RETIRE_KB, and a worker that dies fails only the data set it was on.
 *
 * The batch survives any one data set and any ending: a worker still on a data set after
 * --timeout seconds is killed and that data set fails; after a worker died, its output
 * folder is rolled back and tidied (bp_outdir_tidy); on SIGINT, SIGTERM or SIGHUP the
 * workers are stopped, the summary is written - every data set ok, failed, skipped,
 * interrupted or not run - and the batch ends with the signal.  --resume skips a data
 * set whose folder holds a current manifest (bp_manifest). */
/* wait4() reports a worker's own peak memory: a BSD call glibc shows with this. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
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
#include "bp_cli_commands.h"
#include "bp_format.h"
#include "bp_json.h"
#include "bp_manifest.h"
#include "bp_outfile.h"
#include "bp_text.h"
#include "bp_util.h"

/* Memory the allocator keeps for reuse (main.c) is returned with the process: retiring
 * workers bounds a worker's footprint by the data sets it is on, not by the batch. */
enum { RETIRE_AFTER = 128, RETIRE_KB = 40 * 1024 };

typedef struct {
    const char *root, *out;
    long jobs;
    struct batch_shard { long k, n; } shard;   /* --shard K/N */
    bp_cli_list packs;
    long timeout;                    /* --timeout SECONDS, 0: none */
    bool resume;                     /* --resume */
    const bp_cli_env *env;
} batch_opts;

/* What became of a data set.  A record never written (zeros) is one not run. */
enum { ST_NOT_RUN = 0, ST_OK, ST_FAILED, ST_SKIPPED, ST_INTERRUPTED, ST_COUNT };
static const char *const state_names[ST_COUNT] = {"not run", "ok", "failed", "skipped",
                                                  "interrupted"};

/* What a worker reports for its data set: a fixed-size record through a pipe (smaller
 * than PIPE_BUF, so it arrives whole). */
typedef struct {
    int state;                       /* ST_OK, ST_FAILED or ST_SKIPPED from a worker */
    int exit_code;
    int retire;                      /* the worker exits after this record */
    long rss_kb;                     /* peak resident memory while on this data set */
    unsigned counts[4];              /* by bp_status over the reported results */
    unsigned files;
    char name[160];
    char error[600];
    char worst[3][300];
} batch_record;

/* A data set and what the parent keeps of it.  Its record (some 2 KB) goes to the
 * record file until the summary is written: workers are forked from the parent and carry
 * its memory in their resident size, which must not grow with the batch. */
typedef struct {
    char *dir;                       /* the data set's folder name under --root */
    double seconds;
    long rss_kb;
} batch_item;

/* Records by data set index in an unlinked temporary file. */
static bool store_record(FILE *recs, size_t index, const batch_record *r)
{
    return pwrite(fileno(recs), r, sizeof *r, (off_t)(index * sizeof *r)) == (ssize_t)sizeof *r;
}

/* A data set's record; zeros for one never done. */
static void load_record(FILE *recs, size_t index, batch_record *r)
{
    if (pread(fileno(recs), r, sizeof *r, (off_t)(index * sizeof *r)) != (ssize_t)sizeof *r)
        memset(r, 0, sizeof *r);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

static bool set_jobs(const bp_cli_opt *opt, const char *value, void *dest, const char **why)
{
    if (parse_long(value, 1, 1024, (long *)((char *)dest + opt->offset))) return true;
    *why = "expected a number of workers from 1 to 1024";
    return false;
}

static bool set_shard(const bp_cli_opt *opt, const char *value, void *dest, const char **why)
{
    struct batch_shard *sh = (struct batch_shard *)((char *)dest + opt->offset);
    const char *slash = strchr(value, '/');
    char k[32];
    *why = "expected K/N with 1 <= K <= N, such as 2/8";
    if (!slash || (size_t)(slash - value) >= sizeof k) return false;
    memcpy(k, value, (size_t)(slash - value));
    k[slash - value] = 0;
    return parse_long(slash + 1, 1, 1000000, &sh->n) && parse_long(k, 1, sh->n, &sh->k);
}

static bool set_timeout(const bp_cli_opt *opt, const char *value, void *dest, const char **why)
{
    if (parse_long(value, 0, 604800, (long *)((char *)dest + opt->offset))) return true;
    *why = "expected whole seconds from 0 (no limit) to 604800 (a week)";
    return false;
}

static const bp_cli_opt options[] = {
    {"root", 0, "DIR", "the folder whose subfolders holding a trust.csv are the data sets",
     BP_CLI_REQUIRED, bp_cli_set_string, offsetof(batch_opts, root)},
    {"out", 0, "DIR", "each data set's files go into DIR/FOLDER/; the summary into DIR",
     BP_CLI_REQUIRED, bp_cli_set_string, offsetof(batch_opts, out)},
    {"jobs", 'j', "N", "N worker processes, 1 to 1024 (default: one per core)", 0, set_jobs,
     offsetof(batch_opts, jobs)},
    {"shard", 0, "K/N", "only the K-th of N slices of the folders in name order (folder i,\n"
     "counting from 0, is in slice i mod N + 1)", 0, set_shard, offsetof(batch_opts, shard)},
    BP_CLI_OPT_PACK(batch_opts, packs),
    {"timeout", 0, "SECONDS", "a data set still building after SECONDS fails and its worker\n"
     "is stopped (default 600; 0: no limit)", 0, set_timeout, offsetof(batch_opts, timeout)},
    {"resume", 0, NULL, "skip each data set whose output folder is complete and current:\n"
     "its manifest matches the inputs, the version and the options", 0, bp_cli_set_flag,
     offsetof(batch_opts, resume)},
};

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
        batch_item *na = bp_grow(all, &cap, count + 1, sizeof *na);
        if (!na) {
            err = BP_ERR_NOMEM;
            break;
        }
        all = na;
        memset(&all[count], 0, sizeof *all);
        if (!(all[count].dir = strdup(e->d_name))) {
            err = BP_ERR_NOMEM;
            break;
        }
        count++;
    }
    closedir(d);
    if (err == BP_OK) {
        if (count) qsort(all, count, sizeof *all, name_cmp);   /* all is NULL when count is 0 */
        size_t keep = 0;
        for (size_t i = 0; i < count; i++) {
            if ((long)(i % (size_t)o->shard.n) + 1 == o->shard.k) all[keep++] = all[i];
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

/* ---- the worker: data sets one at a time, in a child process ---- */

static void first_error(const bp_diags *d, char *buf, size_t size)
{
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].level == BP_DIAG_ERROR) {
            bp_diag_format(&d->items[i], buf, size);
            return;
        }
    snprintf(buf, size, "failed");
}

/* A failure before the build: the record says why. */
static void failed_early(batch_record *rec, bp_err err, bp_diags *d)
{
    char e[500];
    rec->state = ST_FAILED;
    rec->exit_code = bp_exit_code(err);
    bp_diags_sort(d);
    first_error(d, e, sizeof e);
    snprintf(rec->error, sizeof rec->error, "%s", e);
}

static void run_one(const batch_opts *o, const char *dir, batch_record *rec)
{
    memset(rec, 0, sizeof *rec);
    char data[PATH_MAX], out[PATH_MAX];
    snprintf(data, sizeof data, "%s/%s", o->root, dir);
    snprintf(out, sizeof out, "%s/%s", o->out, dir);
    /* what an interrupted run left in the folder goes first; then the inputs as they are,
     * for --resume and the manifest */
    bp_diags early;
    bp_diags_init(&early);
    bp_fingerprint inputs;
    bp_err err = bp_outdir_tidy(out, &early);
    if (err == BP_OK && (err = bp_cli_fingerprint(o->env, data, &inputs)) != BP_OK)
        bp_diag_add(&early, BP_DIAG_ERROR, data, 0, 0, "out of memory");
    if (err != BP_OK) {
        failed_early(rec, err, &early);
        bp_diags_free(&early);
        return;
    }
    bp_diags_free(&early);
    size_t done = o->resume ? bp_manifest_current(out, &inputs, o->packs.items, o->packs.count,
                                                  o->env->source_date_epoch) : 0;
    if (done) {
        rec->state = ST_SKIPPED;
        rec->files = (unsigned)done;
        bp_fingerprint_free(&inputs);
        return;
    }
    bp_session s;
    err = bp_session_open(&s, data, 0, o->env->templates);
    bp_packset packs;
    bp_packset_init(&packs);
    if (err == BP_OK) err = bp_cli_load_packs(o->env, &o->packs, &packs, &s.diags);
    if (err == BP_OK) bp_pack_warn_unused(&packs, &s.kpis, &s.model, &s.diags);
    bp_build_opts bo = bp_cli_build_opts(o->env, out, &o->packs);
    bo.inputs = &inputs;
    if (err == BP_OK && !bp_build_epoch(&s.model, o->env->source_date_epoch, &bo.epoch))
        err = BP_ERR_USAGE;
    size_t written = 0;
    if (err == BP_OK) err = bp_build_write(&s, &packs, &bo, &written, &s.diags);
    if (s.model.name) snprintf(rec->name, sizeof rec->name, "%s", s.model.name);
    rec->exit_code = bp_exit_code(err);
    if (err != BP_OK) {
        bp_diags_sort(&s.diags);
        char e[500];
        first_error(&s.diags, e, sizeof e);
        rec->state = ST_FAILED;
        snprintf(rec->error, sizeof rec->error, "%s (%zu error%s)", e, s.diags.errors,
                 s.diags.errors == 1 ? "" : "s");
    } else {
        rec->state = ST_OK;
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
    bp_fingerprint_free(&inputs);
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

/* A field of /proc/self/status in KB, -1 when there is none (not Linux). */
static long status_kb(const char *field)
{
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    const char *p = strstr(buf, field);
    return p ? strtol(p + strlen(field), NULL, 10) : -1;
}

/* The kernel's high-water mark of resident memory starts again from the current size, so
 * that each data set's record carries its own peak (Linux; elsewhere the peak stays the
 * worker's, which is still an upper bound). */
static void peak_reset(void)
{
    int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    if (write(fd, "5", 1) != 1) {
        /* an older kernel: the peak stays the worker's */
    }
    close(fd);
}

static long peak_kb(void)
{
    long kb = status_kb("VmHWM:");
    if (kb < 0) {
        struct rusage ru;
        kb = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
    }
    return kb;
}

static void serve(const batch_opts *o, const batch_item *items, size_t n, int in, int out)
{
    size_t index;
    unsigned served = 0;
    while (read_all(in, &index, sizeof index) && index < n) {
        batch_record rec;
        peak_reset();
        run_one(o, items[index].dir, &rec);
        rec.rss_kb = peak_kb();
        long now_kb = status_kb("VmRSS:");
        rec.retire = ++served >= RETIRE_AFTER || now_kb > RETIRE_KB;
        if (!write_all(out, &rec, sizeof rec)) _exit(74);
        if (rec.retire) break;
    }
    _exit(0);
}

/* ---- the parent: workers, progress, summary ---- */

#define IDLE SIZE_MAX

typedef struct {
    pid_t pid;                       /* 0: no worker in this slot */
    int to, from;                    /* data set indexes to it, records from it */
    size_t item;                     /* the data set it is on, IDLE when none */
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

/* The summary files, whatever became of the batch (sig: the signal that stopped it, or 0). */
static bp_err write_summary(const batch_opts *o, const batch_item *items, FILE *recs, size_t n,
                            double seconds, int sig, bp_diags *diags)
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
    size_t by[ST_COUNT] = {0};
    batch_record rec;
    const batch_record *r = &rec;
    for (size_t i = 0; i < n; i++) {
        const batch_item *it = &items[i];
        load_record(recs, i, &rec);
        if (rec.state < 0 || rec.state >= ST_COUNT) rec.state = ST_FAILED;
        char worst[1000] = "";
        for (int w = 0; w < 3 && r->worst[w][0]; w++) {
            size_t l = strlen(worst);
            snprintf(worst + l, sizeof worst - l, "%s%s", w ? " | " : "", r->worst[w]);
        }
        by[r->state]++;
        csv_field(c, it->dir);
        fputc(',', c);
        csv_field(c, r->name);
        fprintf(c, ",%s,%u,%u,%u,%u,%u,%.3f,%ld,", state_names[r->state],
                r->counts[BP_STATUS_GREEN], r->counts[BP_STATUS_AMBER], r->counts[BP_STATUS_RED],
                r->counts[BP_STATUS_NONE], r->files, it->seconds, it->rss_kb);
        csv_field(c, worst);
        fputc(',', c);
        csv_field(c, r->error);
        fputc('\n', c);
    }
    fputs("{\"schema\": \"boardpack-batch/1\", \"root\": ", j);
    bp_json_string(j, o->root);
    /* succeeded: built now or complete from before (skipped) */
    fprintf(j, ", \"shard\": \"%ld/%ld\", \"workers\": %ld, \"total\": %zu, \"succeeded\": %zu, "
            "\"failed\": %zu, \"skipped\": %zu, \"interrupted\": %zu, \"not_run\": %zu, "
            "\"signal\": ", o->shard.k, o->shard.n, o->jobs, n, by[ST_OK] + by[ST_SKIPPED],
            by[ST_FAILED], by[ST_SKIPPED], by[ST_INTERRUPTED], by[ST_NOT_RUN]);
    if (sig) fprintf(j, "%d", sig);
    else fputs("null", j);
    fprintf(j, ", \"seconds\": %.3f,\n \"trusts\": [", seconds);
    for (size_t i = 0; i < n; i++) {
        const batch_item *it = &items[i];
        load_record(recs, i, &rec);
        if (rec.state < 0 || rec.state >= ST_COUNT) rec.state = ST_FAILED;
        fputs(i ? ",\n  {\"trust\": " : "\n  {\"trust\": ", j);
        bp_json_string(j, it->dir);
        fputs(", \"name\": ", j);
        bp_json_string(j, r->name);
        fprintf(j, ", \"status\": \"%s\", \"exit_code\": ", state_names[r->state]);
        /* a data set never started has no exit status */
        if (r->state == ST_NOT_RUN) fputs("null", j);
        else fprintf(j, "%d", r->exit_code);
        fprintf(j, ", \"counts\": {\"green\": %u, "
                "\"amber\": %u, \"red\": %u, \"none\": %u}, \"files\": %u, \"seconds\": %.3f, "
                "\"peak_rss_kb\": %ld, \"worst_exceptions\": [",
                r->counts[BP_STATUS_GREEN],
                r->counts[BP_STATUS_AMBER], r->counts[BP_STATUS_RED], r->counts[BP_STATUS_NONE],
                r->files, it->seconds, it->rss_kb);
        for (int w = 0; w < 3 && r->worst[w][0]; w++) {
            if (w) fputs(", ", j);
            bp_json_string(j, r->worst[w]);
        }
        fputs("], \"error\": ", j);
        if (!r->error[0]) fputs("null", j);
        else bp_json_string(j, r->error);
        fputc('}', j);
    }
    fputs("\n ]}\n", j);
    bp_err err = bp_outset_commit(&set, diags);
    bp_outset_free(&set);
    return err;
}

/* ---- the parent's signals: SIGINT, SIGTERM, SIGHUP end the batch in order ---- */

static volatile sig_atomic_t stop_signal;   /* the first signal received, 0: none */
static int wake[2] = {-1, -1};               /* the handler's byte wakes poll() up */
static int parent_lock = -1;                 /* --out's lock, which no worker needs */

static void on_stop(int sig)
{
    int e = errno;
    if (!stop_signal) stop_signal = sig;
    if (write(wake[1], "", 1) < 0) {
        /* the pipe is full: a wake-up is pending already */
    }
    errno = e;
}

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void block_stops(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < 3; i++) sigaddset(&set, stop_signals[i]);
    sigprocmask(SIG_BLOCK, &set, old);
}

static bool catch_stops(void)
{
    if (pipe(wake) != 0) return false;
    for (int i = 0; i < 2; i++) {
        fcntl(wake[i], F_SETFL, fcntl(wake[i], F_GETFL) | O_NONBLOCK);
        fcntl(wake[i], F_SETFD, FD_CLOEXEC);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < 3; i++) {
        struct sigaction cur;
        /* a signal ignored when the batch started (nohup) stays ignored */
        if (sigaction(stop_signals[i], NULL, &cur) == 0 && cur.sa_handler == SIG_IGN) continue;
        sigaction(stop_signals[i], &sa, NULL);
    }
    return true;
}

static bool start_worker(const batch_opts *o, const batch_item *items, size_t n, worker *ws,
                         size_t nws, size_t slot)
{
    int down[2], up[2];
    if (pipe(down) != 0) return false;
    if (pipe(up) != 0) {
        close(down[0]);
        close(down[1]);
        return false;
    }
    fflush(NULL);
    /* until the child has its own handlers, a signal must not reach the parent's in it */
    sigset_t old;
    block_stops(&old);
    pid_t pid = fork();
    if (pid < 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        close(down[0]);
        close(down[1]);
        close(up[0]);
        close(up[1]);
        return false;
    }
    if (pid == 0) {
        /* Another worker's pipes held open here would keep it from ever seeing the end. */
        for (size_t k = 0; k < nws; k++)
            if (ws[k].pid) {
                close(ws[k].to);
                close(ws[k].from);
            }
        close(down[1]);
        close(up[0]);
        /* what is the parent's stays the parent's: its lock, its wake-up pipe, the files
         * it registered; a signal here removes this worker's temporary files and ends it */
        if (parent_lock >= 0) close(parent_lock);
        close(wake[0]);
        close(wake[1]);
        bp_outfile_forget_parent();
        bp_outfile_catch_signals();
        sigprocmask(SIG_SETMASK, &old, NULL);
        serve(o, items, n, down[0], up[1]);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(down[0]);
    close(up[1]);
    ws[slot] = (worker){pid, down[1], up[0], IDLE, 0};
    return true;
}

/* Closes the worker's pipes (it exits when it reads their end) and waits for it. */
static void stop_worker(worker *w, int *status, struct rusage *ru)
{
    close(w->to);
    close(w->from);
    int st = 0;
    struct rusage r;
    memset(&r, 0, sizeof r);
    while (wait4(w->pid, &st, 0, &r) < 0 && errno == EINTR) {
    }
    if (status) *status = st;
    if (ru) *ru = r;
    w->pid = 0;
    w->item = IDLE;
}

/* A worker died on a data set: what it left in the folder (temporary files, a commit
 * half done) is rolled back and removed. */
static void tidy(const batch_opts *o, const char *dir)
{
    char out[PATH_MAX];
    snprintf(out, sizeof out, "%s/%s", o->out, dir);
    bp_diags d;
    bp_diags_init(&d);
    (void)bp_outdir_tidy(out, &d);   /* else the next run into it does it */
    bp_diags_free(&d);
}

/* The worker's answer for the data set it is on (into *rec); a worker that died instead
 * fails that data set alone - or, killed because it ran out of time (timed_out) or the
 * batch was stopped, is reported as such. */
static void collect(const batch_opts *o, worker *w, batch_item *it, batch_record *rec,
                    bool timed_out)
{
    bool got = read_all(w->from, rec, sizeof *rec);
    it->seconds = now() - w->start;
    w->item = IDLE;
    if (got) {
        it->rss_kb = rec->rss_kb;
        if (rec->retire) stop_worker(w, NULL, NULL);
        return;
    }
    int status;
    struct rusage ru;
    stop_worker(w, &status, &ru);
    memset(rec, 0, sizeof *rec);
    it->rss_kb = ru.ru_maxrss;
    rec->state = ST_FAILED;
    rec->exit_code = 70;
    if (timed_out) {
        rec->exit_code = 75;
        snprintf(rec->error, sizeof rec->error, "timed out after %ld s", o->timeout);
    } else if (stop_signal) {
        rec->state = ST_INTERRUPTED;
        rec->exit_code = 128 + stop_signal;
        snprintf(rec->error, sizeof rec->error, "interrupted: the batch was stopped by signal %d",
                 (int)stop_signal);
    } else if (WIFSIGNALED(status)) {
        snprintf(rec->error, sizeof rec->error, "the worker stopped on signal %d",
                 WTERMSIG(status));
    } else {
        snprintf(rec->error, sizeof rec->error, "the worker ended without a result");
    }
    tidy(o, it->dir);
}

/* A data set is done: its record kept, counted by what became of it, a failure shown. */
static void finish(batch_item *it, size_t index, batch_record *rec, FILE *recs, size_t *by,
                   bool tty)
{
    if (!store_record(recs, index, rec)) {
        /* the summary would lose it: the data set counts as failed */
        rec->state = ST_FAILED;
        snprintf(rec->error, sizeof rec->error, "cannot keep the result for the summary: %s",
                 strerror(errno));
    }
    if (rec->state < 0 || rec->state >= ST_COUNT) rec->state = ST_FAILED;
    by[rec->state]++;
    if (rec->state == ST_FAILED && tty)
        fprintf(stderr, "\r\033[KFAILED %s: %s\n", it->dir, rec->error);
}

static int run(int argc, char **argv, const bp_cli_env *env)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    batch_opts o = {.jobs = cores > 0 ? cores : 1, .shard = {1, 1}, .timeout = 600, .env = env};
    int status;
    if (!bp_cli_parse(&bp_cli_batch.spec, argc, argv, &o, &status)) return status;
    /* from here on a signal ends the batch in order, its summary written */
    if (!catch_stops()) {
        fprintf(stderr, "boardpack batch: cannot create a pipe: %s\n", strerror(errno));
        return bp_exit_code(BP_ERR_IO);
    }
    bp_diags diags;
    bp_diags_init(&diags);
    bp_packset check;
    bp_packset_init(&check);
    bp_err err = bp_cli_load_packs(env, &o.packs, &check, &diags);
    bp_packset_free(&check);
    /* --out is this batch's while it runs: its summary, and no other run's set */
    bp_outlock lock = {-1, NULL};
    if (err == BP_OK) err = bp_outdir_open(o.out, &lock, &diags);
    parent_lock = lock.fd;
    batch_item *items = NULL;
    size_t n = 0;
    if (err == BP_OK) err = discover(&o, &items, &n);
    if (err != BP_OK) {
        bp_text_diags(stderr, &diags);
        bp_diags_free(&diags);
        bp_outdir_unlock(&lock);
        return bp_exit_code(err);
    }
    bool tty = isatty(STDERR_FILENO);
    size_t nws = (size_t)o.jobs;
    worker *ws = calloc(nws, sizeof *ws);
    struct pollfd *pfd = calloc(nws + 1, sizeof *pfd);
    size_t *busy = calloc(nws + 1, sizeof *busy);
    FILE *recs = NULL;
    if (!ws || !pfd || !busy) {
        fputs("boardpack batch: out of memory\n", stderr);
        err = BP_ERR_NOMEM;
    } else if (!(recs = tmpfile())) {
        fprintf(stderr, "boardpack batch: cannot create a temporary file: %s\n", strerror(errno));
        err = BP_ERR_IO;
    }
    if (err != BP_OK) {
        free(ws);
        free(pfd);
        free(busy);
        if (recs) fclose(recs);
        for (size_t i = 0; i < n; i++) free(items[i].dir);
        free(items);
        bp_diags_free(&diags);
        bp_outdir_unlock(&lock);
        return bp_exit_code(err);
    }
    /* A worker that died between data sets must not kill the batch with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    double t0 = now();
    size_t next = 0, done = 0, by[ST_COUNT] = {0};
    while (done < n && !stop_signal) {
        size_t npoll = 0;
        pfd[npoll++] = (struct pollfd){wake[0], POLLIN, 0};
        double deadline = -1;        /* the soonest a busy worker runs out of time */
        for (size_t k = 0; k < nws; k++) {
            worker *w = &ws[k];
            if (!w->pid && next < n && !start_worker(&o, items, n, ws, nws, k)) {
                batch_record rec;
                memset(&rec, 0, sizeof rec);
                rec.state = ST_FAILED;
                snprintf(rec.error, sizeof rec.error, "cannot start a worker: %s", strerror(errno));
                rec.exit_code = 71;
                finish(&items[next], next, &rec, recs, by, tty);
                next++;
                done++;
                continue;
            }
            if (w->pid && w->item == IDLE && next < n) {
                if (write_all(w->to, &next, sizeof next)) {
                    w->item = next++;
                    w->start = now();
                } else {
                    stop_worker(w, NULL, NULL);   /* died while idle: the slot starts another */
                }
            }
            if (w->pid && w->item != IDLE) {
                pfd[npoll] = (struct pollfd){w->from, POLLIN, 0};
                busy[npoll++] = k;
                double d = w->start + (double)o.timeout;
                if (deadline < 0 || d < deadline) deadline = d;
            }
        }
        if (npoll == 1) continue;
        int ms = -1;
        if (o.timeout > 0) {
            double left = deadline - now();
            ms = left <= 0 ? 0 : left > 3600 ? 3600000 : (int)(left * 1000) + 1;
        }
        if (poll(pfd, (nfds_t)npoll, ms) < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "boardpack batch: poll: %s\n", strerror(errno));
            break;
        }
        if (stop_signal) break;
        for (size_t p = 1; p < npoll; p++) {
            if (!pfd[p].revents) continue;
            worker *w = &ws[busy[p]];
            size_t index = w->item;
            batch_record rec;
            collect(&o, w, &items[index], &rec, false);
            finish(&items[index], index, &rec, recs, by, tty);
            done++;
            if (tty) progress(done, n, by[ST_FAILED], now() - t0);
        }
        /* out of time: the worker goes (a record it sent just now still counts) */
        for (size_t p = 1; o.timeout > 0 && p < npoll; p++) {
            worker *w = &ws[busy[p]];
            if (!w->pid || w->item == IDLE || now() - w->start < (double)o.timeout) continue;
            size_t index = w->item;
            batch_record rec;
            kill(w->pid, SIGKILL);
            collect(&o, w, &items[index], &rec, true);
            finish(&items[index], index, &rec, recs, by, tty);
            done++;
            if (tty) progress(done, n, by[ST_FAILED], now() - t0);
        }
    }
    /* stopped by a signal: the data sets under way are interrupted, the rest not run */
    for (size_t k = 0; stop_signal && k < nws; k++) {
        worker *w = &ws[k];
        if (!w->pid || w->item == IDLE) continue;
        size_t index = w->item;
        batch_record rec;
        kill(w->pid, SIGKILL);
        collect(&o, w, &items[index], &rec, false);
        finish(&items[index], index, &rec, recs, by, tty);
        done++;
    }
    for (size_t k = 0; k < nws; k++)
        if (ws[k].pid) stop_worker(&ws[k], NULL, NULL);
    free(pfd);
    free(busy);
    free(ws);
    double seconds = now() - t0;
    if (tty) fputc('\n', stderr);
    int sig = stop_signal;
    err = write_summary(&o, items, recs, n, seconds, sig, &diags);
    fclose(recs);
    if (err != BP_OK) bp_text_diags(stderr, &diags);
    fprintf(stderr, "batch: %zu data set%s, %zu ok, %zu failed", n, n == 1 ? "" : "s", by[ST_OK],
            by[ST_FAILED]);
    if (by[ST_SKIPPED]) fprintf(stderr, ", %zu skipped as complete", by[ST_SKIPPED]);
    if (sig)
        fprintf(stderr, ", %zu interrupted, %zu not run (stopped by signal %d)", by[ST_INTERRUPTED],
                n - done, sig);
    fprintf(stderr, ", %.1f s (%.1f trusts/s); summary in %s/summary.csv\n", seconds,
            seconds > 0 ? (double)done / seconds : 0.0, o.out);
    for (size_t i = 0; i < n; i++) free(items[i].dir);
    free(items);
    bp_diags_free(&diags);
    bp_outdir_unlock(&lock);
    parent_lock = -1;
    if (sig) {
        /* the batch ends as the signal would have ended it, its summary written */
        signal(sig, SIG_DFL);
        raise(sig);
    }
    if (err != BP_OK) return bp_exit_code(err);
    return by[ST_FAILED] || by[ST_INTERRUPTED] ? 1 : 0;
}

const bp_cli_command bp_cli_batch = {
    {"batch",
     "build every data set under --root (each folder holding a trust.csv) into\n"
     "--out/FOLDER/ with N worker processes (default: one per core); a broken\n"
     "data set is reported and skipped; writes summary.csv and summary.json.\n"
     "--shard K/N takes the K-th of N slices of the folders in name order.\n"
     "A data set is stopped after --timeout seconds; --resume skips complete ones.",
     options, sizeof options / sizeof *options},
    run,
};
