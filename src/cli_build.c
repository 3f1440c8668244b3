/* cli_build: `boardpack build` - every pack of templates/packs as a PDF (one per local
 * governing body for per-LGB packs) and the results JSON, written into --out as one
 * set: either every file is renamed into place or none is. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_cli.h"
#include "bp_json.h"
#include "bp_outfile.h"
#include "bp_pack.h"
#include "bp_packpdf.h"
#include "bp_session.h"
#include "bp_text.h"

/* SOURCE_DATE_EPOCH when set (digits only), else midnight UTC of the as-of date, so a
 * rebuild of the same data is byte-identical whenever and wherever it runs. */
static bool build_epoch(const bp_model *m, int64_t *epoch)
{
    const char *env = getenv("SOURCE_DATE_EPOCH");
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

static bool wanted(const bp_cli_opts *o, const char *id)
{
    if (!o->npacks) return true;
    for (size_t i = 0; i < o->npacks; i++)
        if (strcmp(o->packs[i], id) == 0) return true;
    return false;
}

static bp_err write_pack(const bp_session *s, const bp_pack *pack, const char *lgb,
                         int64_t epoch, bp_outset *set, const char *base, bp_diags *diags)
{
    char name[512];
    if (lgb) snprintf(name, sizeof name, "%s-%s-%s.pdf", base, pack->id, lgb);
    else snprintf(name, sizeof name, "%s-%s.pdf", base, pack->id);
    FILE *fp = bp_outset_add(set, name, diags);
    if (!fp) return BP_ERR_IO;
    return bp_packpdf_write(s, pack, lgb, epoch, fp, diags);
}

static bp_err build(const bp_cli_opts *o, const bp_session *s, const bp_packset *packs,
                    int64_t epoch, bp_diags *diags, bp_outset *set)
{
    char yb[16], base[128];
    bp_year_format(s->year, yb, sizeof yb);
    yb[4] = '-';                      /* 2022/23 -> 2022-23 for a file name */
    snprintf(base, sizeof base, "%s-%s", s->model.id, yb);
    bp_err err = bp_mkdirs(o->out, diags);
    if (err != BP_OK) return err;
    bp_outset_init(set, o->out);
    for (size_t i = 0; i < packs->count && err == BP_OK; i++) {
        const bp_pack *p = &packs->packs[i];
        if (!wanted(o, p->id)) continue;
        if (!p->per_lgb) {
            err = write_pack(s, p, NULL, epoch, set, base, diags);
            continue;
        }
        const char *ids[256];
        size_t n = bp_lgb_ids(&s->model, ids, 256);
        for (size_t j = 0; j < n && j < 256 && err == BP_OK; j++)
            err = write_pack(s, p, ids[j], epoch, set, base, diags);
    }
    if (err == BP_OK) {
        char name[160];
        snprintf(name, sizeof name, "%s-results.json", base);
        FILE *fp = bp_outset_add(set, name, diags);
        err = fp ? bp_json_results(fp, s) : BP_ERR_IO;
    }
    if (err == BP_OK) err = bp_outset_commit(set, diags);
    else bp_outset_abort(set);
    return err;
}

int bp_cli_build(int argc, char **argv)
{
    bp_cli_opts o;
    if (!bp_cli_parse(argc, argv, "build", "data,out,pack,year,fail-on", &o)) {
        fputs("usage: boardpack build --data DIR --out DIR [--pack NAME]... [--year YYYY/YY] "
              "[--fail-on red|amber]\n", stderr);
        return bp_exit_code(BP_ERR_USAGE);
    }
    bp_session s;
    bp_err err = bp_session_open(&s, o.data, o.year);
    bp_packset packs;
    bp_packset_init(&packs);
    if (err == BP_OK) {
        char tdir[PATH_MAX], pdir[PATH_MAX + 16];
        bp_templates_dir(tdir, sizeof tdir);
        snprintf(pdir, sizeof pdir, "%s/packs", tdir);
        err = bp_pack_load_dir(pdir, &packs, &s.diags);
    }
    int64_t epoch = 0;
    if (err == BP_OK && !build_epoch(&s.model, &epoch)) {
        fprintf(stderr, "boardpack build: SOURCE_DATE_EPOCH '%s': expected whole seconds since "
                "1970, such as 1700438400\n", getenv("SOURCE_DATE_EPOCH"));
        err = BP_ERR_USAGE;
    }
    for (size_t i = 0; err == BP_OK && i < o.npacks; i++)
        if (bp_pack_find(&packs, o.packs[i]) < 0) {
            fprintf(stderr, "boardpack build: no pack '%s' (packs:", o.packs[i]);
            for (size_t j = 0; j < packs.count; j++) fprintf(stderr, " %s", packs.packs[j].id);
            fputs(")\n", stderr);
            err = BP_ERR_USAGE;
        }
    bp_outset set;
    memset(&set, 0, sizeof set);
    if (err == BP_OK) err = build(&o, &s, &packs, epoch, &s.diags, &set);
    bp_diags_sort(&s.diags);
    int rc;
    if (err != BP_OK) {
        bp_text_diags(stderr, &s.diags);
        fprintf(stderr, "boardpack: %s: %s (%zu error%s); nothing written\n", o.data,
                bp_strerror(err), s.diags.errors, s.diags.errors == 1 ? "" : "s");
        rc = bp_exit_code(err);
    } else {
        for (size_t i = 0; i < set.count; i++) printf("wrote %s\n", set.files[i].final);
        rc = fflush(stdout) == 0 ? bp_exit_code(bp_cli_fail_on(&s.results, o.fail_on))
                                 : bp_exit_code(BP_ERR_IO);
    }
    bp_outset_free(&set);
    bp_packset_free(&packs);
    bp_session_close(&s);
    return rc;
}
