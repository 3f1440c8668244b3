/* bp_build: a data set's outputs as one all-or-nothing set. */
#include "bp_build.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static bp_err write_pack(const bp_session *s, const bp_pack *pack, const char *lgb,
                         int64_t epoch, const char *fonts_dir, bp_outset *set, const char *base,
                         bp_diags *diags)
{
    char name[512];
    if (lgb) snprintf(name, sizeof name, "%s-%s-%s.pdf", base, pack->id, lgb);
    else snprintf(name, sizeof name, "%s-%s.pdf", base, pack->id);
    FILE *fp = bp_outset_add(set, name, diags);
    if (!fp) return BP_ERR_IO;
    return bp_packpdf_write(s, pack, lgb, epoch, fonts_dir, fp, diags);
}

static bp_err write_all(const bp_session *s, const bp_packset *packs, const bp_build_opts *o,
                        bp_outset *set, bp_diags *diags)
{
    char yb[16], base[128];
    bp_year_format(s->year, yb, sizeof yb);
    yb[4] = '-';                      /* 2022/23 -> 2022-23 for a file name */
    snprintf(base, sizeof base, "%s-%s", s->model.id, yb);
    bp_err err = BP_OK;
    const char **lgbs = NULL;
    for (size_t i = 0; i < packs->count && err == BP_OK; i++) {
        const bp_pack *p = &packs->packs[i];
        if (!wanted(o, p->id)) continue;
        if (!p->per_lgb) {
            err = write_pack(s, p, NULL, o->epoch, o->fonts_dir, set, base, diags);
            continue;
        }
        size_t n = bp_lgb_ids(&s->model, NULL, 0);
        if (!lgbs && !(lgbs = calloc(n ? n : 1, sizeof *lgbs))) {
            err = BP_ERR_NOMEM;
            break;
        }
        bp_lgb_ids(&s->model, lgbs, n);
        for (size_t j = 0; j < n && err == BP_OK; j++)
            err = write_pack(s, p, lgbs[j], o->epoch, o->fonts_dir, set, base, diags);
    }
    free((void *)lgbs);
    if (err == BP_OK) {
        char name[160];
        snprintf(name, sizeof name, "%s.xlsx", base);
        const char *path = bp_outset_add_path(set, name, diags);
        err = path ? bp_xlsx_write(s, o->epoch, o->tmpdir, path, diags) : BP_ERR_IO;
    }
    if (err == BP_OK) {
        char name[160];
        snprintf(name, sizeof name, "%s-results.json", base);
        FILE *fp = bp_outset_add(set, name, diags);
        err = fp ? bp_json_results(fp, s) : BP_ERR_IO;
    }
    return err;
}

bp_err bp_build_check(const bp_session *s, bp_diags *diags)
{
    return bp_xlsx_check(s, diags);
}

bp_err bp_build_write(const bp_session *s, const bp_packset *packs, const bp_build_opts *o,
                      size_t *written, bp_diags *diags)
{
    if (written) *written = 0;
    /* the packs and the workbook reach below libharu's and zlib's APIs: the libraries
     * must be the ones compiled against, before anything is written */
    bp_err err = bp_libs_check(diags);
    if (err == BP_OK) err = bp_build_check(s, diags);
    if (err == BP_OK) err = bp_mkdirs(o->out, diags);
    if (err != BP_OK) return err;
    bp_outset set;
    bp_outset_init(&set, o->out);
    err = write_all(s, packs, o, &set, diags);
    if (err == BP_OK) err = bp_outset_commit(&set, diags);
    else bp_outset_abort(&set);
    if (err == BP_OK && written) *written = set.count;
    bp_outset_free(&set);
    return err;
}
