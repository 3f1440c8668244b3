/* bp_build: a data set's outputs as one all-or-nothing set. */
#include "bp_build.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bp_json.h"
#include "bp_libs.h"
#include "bp_outfile.h"
#include "bp_packpdf.h"
#include "bp_xlsx.h"

bool bp_build_epoch(const bp_model *m, const char *source_date_epoch, int64_t *epoch)
{
    const char *env = source_date_epoch;
    if (!env || !*env) {
        *epoch = (int64_t)m->as_of * 86400;
        return true;
    }
    int64_t v = 0;
    for (const char *p = env; *p; p++) {
        if (!isdigit((unsigned char)*p) || v > (INT64_MAX - 9) / 10) return false;
        v = v * 10 + (*p - '0');
    }
    *epoch = v;
    return true;
}

static bool wanted(const bp_build_opts *o, const char *id)
{
    if (!o->npacks) return true;
    for (size_t i = 0; i < o->npacks; i++)
        if (strcmp(o->packs[i], id) == 0) return true;
    return false;
}

/* ---- the plan: every output's name, known before anything is written ---- */

typedef enum { OUT_PACK, OUT_WORKBOOK, OUT_RESULTS, OUT_MANIFEST } out_kind;

typedef struct {
    char *name;
    out_kind kind;
    const bp_pack *pack;             /* OUT_PACK */
    const char *lgb;                 /* its governing body, for a per-LGB pack */
} planned;

typedef struct {
    planned *v;
    size_t n, cap;
} plan;

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static bp_err plan_add(plan *p, out_kind kind, const bp_pack *pack, const char *lgb,
                       const char *fmt, ...)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        planned *nv = realloc(p->v, cap * sizeof *nv);
        if (!nv) return BP_ERR_NOMEM;
        p->v = nv;
        p->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *name = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (!name) return BP_ERR_NOMEM;
    va_start(ap, fmt);
    vsnprintf(name, (size_t)len + 1, fmt, ap);
    va_end(ap);
    p->v[p->n++] = (planned){name, kind, pack, lgb};
    return BP_OK;
}

static void plan_free(plan *p)
{
    for (size_t i = 0; i < p->n; i++) free(p->v[i].name);
    free(p->v);
}

static bp_err plan_make(const bp_session *s, const bp_packset *packs, const bp_build_opts *o,
                        const char **lgbs, size_t nlgb, plan *p)
{
    char yb[16], base[128];
    bp_year_format(s->year, yb, sizeof yb);
    yb[4] = '-';                      /* 2022/23 -> 2022-23 for a file name */
    snprintf(base, sizeof base, "%s-%s", s->model.id, yb);
    /* in-year outputs carry their month: each month's pack sits beside the last */
    if (s->model.inyear == s->year && s->model.period)
        snprintf(base + strlen(base), sizeof base - strlen(base), "-m%02d", s->model.period);
    bp_err err = BP_OK;
    for (size_t i = 0; i < packs->count && err == BP_OK; i++) {
        const bp_pack *pk = &packs->packs[i];
        if (!wanted(o, pk->id)) continue;
        if (!pk->per_lgb) err = plan_add(p, OUT_PACK, pk, NULL, "%s-%s.pdf", base, pk->id);
        for (size_t j = 0; pk->per_lgb && j < nlgb && err == BP_OK; j++)
            err = plan_add(p, OUT_PACK, pk, lgbs[j], "%s-%s-%s.pdf", base, pk->id, lgbs[j]);
    }
    if (err == BP_OK && (!o->publish || o->workbook))
        err = plan_add(p, OUT_WORKBOOK, NULL, NULL, "%s.xlsx", base);
    if (err == BP_OK) err = plan_add(p, OUT_RESULTS, NULL, NULL, "%s-results.json", base);
    if (err == BP_OK) {
        char name[160];
        bp_manifest_name(base, name, sizeof name);
        err = plan_add(p, OUT_MANIFEST, NULL, NULL, "%s", name);
    }
    return err;
}

static void describe(const planned *o, char *buf, size_t size)
{
    static const char *const what[] = {"", "the workbook", "the results", "the manifest"};
    if (o->kind != OUT_PACK) snprintf(buf, size, "%s", what[o->kind]);
    else if (o->lgb)
        snprintf(buf, size, "the pack '%s' (%s:%d) for the local governing body '%s'", o->pack->id,
                 o->pack->file, o->pack->line, o->lgb);
    else snprintf(buf, size, "the pack '%s' (%s:%d)", o->pack->id, o->pack->file, o->pack->line);
}

/* Windows and macOS file systems take names differing only in case for one file:
 * compared with ASCII case folding, the folding they all agree on. */
static bool same_name_any_case(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
    return *a == *b;
}

/* Two outputs with one name would leave one of them lost while the run counts both: each
 * clash is an error naming both outputs' sources. */
static bp_err check_names(const plan *p, bp_diags *diags)
{
    bp_err err = BP_OK;
    for (size_t j = 1; j < p->n; j++)
        for (size_t i = 0; i < j; i++) {
            const planned *a = &p->v[i], *b = &p->v[j];
            if (!same_name_any_case(a->name, b->name)) continue;
            char da[600], db[600], names[600];
            describe(a, da, sizeof da);
            describe(b, db, sizeof db);
            if (strcmp(a->name, b->name) == 0) snprintf(names, sizeof names, "%s", a->name);
            else snprintf(names, sizeof names, "%s and %s, one name where case is ignored "
                          "(Windows, macOS)", a->name, b->name);
            const bp_pack *at = b->pack ? b->pack : a->pack;
            bp_diag_add(diags, BP_DIAG_ERROR, at ? at->file : NULL, at ? at->line : 0, 0,
                        "found two outputs named %s: %s and %s, expected every output of a "
                        "set to have a name of its own: rename a pack or a governing body",
                        names, da, db);
            err = BP_ERR_DATA;
            break;
        }
    return err;
}

/* ---- writing ---- */

static bp_err write_all(const bp_session *s, const bp_build_opts *o, const plan *p,
                        bp_outset *set, bp_diags *diags)
{
    /* what every pack finds by institution, once for all of them */
    bp_packpdf_index *ix = NULL;
    bp_err err = bp_packpdf_index_make(s, &ix);
    for (size_t i = 0; i < p->n && err == BP_OK; i++) {
        const planned *f = &p->v[i];
        if (f->kind == OUT_WORKBOOK) {
            const char *path = bp_outset_add_path(set, f->name, diags);
            err = path ? bp_xlsx_write(o->workbook ? o->workbook : s, o->epoch, o->tmpdir, path, diags)
                       : BP_ERR_IO;
            continue;
        }
        if (f->kind == OUT_MANIFEST) {
            /* last: every other file complete, on the disk and read back for its digest */
            size_t n = set->count;
            err = bp_outset_sync(set, diags);
            FILE *fp = err == BP_OK ? bp_outset_add(set, f->name, diags) : NULL;
            if (err == BP_OK && !fp) err = BP_ERR_IO;
            if (err == BP_OK) {
                bp_manifest_info info = {s->model.inputs, s->model.ninputs, o->inputs,
                                         o->packs, o->npacks,
                                         s->year == s->model.report_year, s->year, o->epoch,
                                         o->epoch_from_env, o->publish, s->results.suppress_max};
                err = bp_manifest_write(fp, &info, set, n, diags);
            }
            continue;
        }
        FILE *fp = bp_outset_add(set, f->name, diags);
        if (!fp) err = BP_ERR_IO;
        else if (f->kind == OUT_PACK)
            err = bp_packpdf_write(s, ix, f->pack, f->lgb, o->epoch, o->fonts_dir, fp, diags);
        else err = bp_json_results(fp, s);
        /* one file open at a time, whatever the number of LGBs */
        if (err == BP_OK) err = bp_outset_close(set, fp, diags);
    }
    bp_packpdf_index_free(ix);
    return err;
}

bp_err bp_build_check(const bp_session *s, bp_diags *diags)
{
    return bp_xlsx_check(s, diags);
}

/* ---- the check, after the fact ----
 *
 * The workbook's dry run (bp_build_check) plans every cell of it, some 6% of a build, only
 * to find the limits the real write would stop at.  So a build writes without it and runs
 * it only when something failed: should it find a limit, the build ends exactly as if it
 * had run first - its errors alone (every limit, not only the first the writer met; none
 * of what came after the point it would have run at), nothing written, no folder left that
 * the build created.  Written or not, a build's outcome is the one it had with the dry run
 * first: the write meets a limit only where the dry run finds one, and the dry run has no
 * other effect. */

/* The diagnostics from `mark` on, moved out of d into aside (a copy of the items: d goes on
 * from mark).  False, d unchanged, when there is no memory for it. */
static bool diags_set_aside(bp_diags *d, size_t mark, bp_diags *aside)
{
    bp_diags_init(aside);
    aside->count = d->count - mark;
    if (!aside->count) return true;
    aside->items = malloc(aside->count * sizeof *aside->items);
    if (!aside->items) return false;
    memcpy(aside->items, d->items + mark, aside->count * sizeof *aside->items);
    for (size_t i = 0; i < aside->count; i++)
        if (aside->items[i].level == BP_DIAG_ERROR) aside->errors++;
    d->count = mark;
    d->errors -= aside->errors;
    return true;
}

/* Puts the diagnostics set aside back at the end of d (its memory holds them: the check
 * that passed added none, and d never shrinks). */
static void diags_put_back(bp_diags *d, bp_diags *aside)
{
    if (d->count + aside->count > d->cap) {
        bp_diags_free(aside);         /* cannot happen: see above */
        d->oom = 1;
        return;
    }
    memcpy(d->items + d->count, aside->items, aside->count * sizeof *d->items);
    d->count += aside->count;
    d->errors += aside->errors;
    free(aside->items);
}

/* The folders of dir that do not exist yet: how many levels, from dir up, bp_outdir_open
 * would create. */
static size_t missing_levels(const char *dir)
{
    char *p = strdup(dir);
    size_t n = 0;
    struct stat st;
    if (!p) return 0;
    for (;;) {
        size_t len = strlen(p);
        while (len > 1 && p[len - 1] == '/') p[--len] = '\0';
        if (stat(p, &st) == 0 || errno != ENOENT) break;
        n++;
        char *slash = strrchr(p, '/');
        if (!slash || slash == p) break;
        *slash = '\0';
    }
    free(p);
    return n;
}

/* Removes the `levels` folders of dir that the build created, deepest first, as long as
 * they are empty. */
static void remove_levels(const char *dir, size_t levels)
{
    char *p = strdup(dir);
    if (!p) return;
    for (size_t i = 0; i < levels; i++) {
        size_t len = strlen(p);
        while (len > 1 && p[len - 1] == '/') p[--len] = '\0';
        if (rmdir(p) != 0) break;
        char *slash = strrchr(p, '/');
        if (!slash || slash == p) break;
        *slash = '\0';
    }
    free(p);
}

bp_err bp_build_write(const bp_session *s, const bp_packset *packs, const bp_build_opts *o,
                      size_t *written, bp_diags *diags)
{
    if (written) *written = 0;
    /* the packs and the workbook reach below libharu's and zlib's APIs: the libraries
     * must be the ones compiled against, before anything is written */
    bp_err err = bp_libs_check(diags);
    if (err != BP_OK) return err;
    size_t mark = diags->count;
    size_t nlgb = bp_lgb_ids(&s->model, NULL, 0);
    const char **lgbs = calloc(nlgb ? nlgb : 1, sizeof *lgbs);
    plan p = {0};
    if (!lgbs) return BP_ERR_NOMEM;
    bp_lgb_ids(&s->model, lgbs, nlgb);
    err = plan_make(s, packs, o, lgbs, nlgb, &p);
    if (err == BP_OK) err = check_names(&p, diags);
    size_t levels = err == BP_OK ? missing_levels(o->out) : 0;
    bp_outlock lock;
    if (err == BP_OK) err = bp_outdir_open(o->out, &lock, diags);
    if (err == BP_OK) {
        bp_outset set;
        bp_outset_init(&set, o->out);
        err = write_all(s, o, &p, &set, diags);
        if (err == BP_OK) err = bp_outset_commit(&set, diags);
        else bp_outset_abort(&set);
        if (err == BP_OK && written) *written = set.count;
        bp_outset_free(&set);
        bp_outdir_unlock(&lock);
    }
    plan_free(&p);
    free((void *)lgbs);
    bp_diags aside;
    if (err != BP_OK && diags_set_aside(diags, mark, &aside)) {
        bp_err limits = bp_build_check(o->workbook ? o->workbook : s, diags);
        if (limits == BP_OK) {
            diags_put_back(diags, &aside);
        } else {
            bp_diags_free(&aside);
            err = limits;
            remove_levels(o->out, levels);
        }
    }
    return err;
}
