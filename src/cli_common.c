/* cli_common: the environment, the shared options and reports of the commands. */
#include "bp_cli_common.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "bp_datadir.h"   /* BP_DATADIR: the Makefile's DATADIR (build/gen) */
#include "bp_infile.h"
#include "bp_model.h"
#include "bp_pdf.h"
#include "bp_session.h"
#include "bp_text.h"

const char bp_cli_datadir[] = BP_DATADIR;

/* A variable's value; NULL when it is unset or empty (the default). */
static const char *env_value(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* dir/sub into buf; NULL when it does not fit, or (must_exist) is not a directory. */
static const char *sub_dir(const char *dir, const char *sub, bool must_exist, char *buf,
                           size_t size)
{
    struct stat st;
    int n = snprintf(buf, size, "%s/%s", dir, sub);
    if (n < 0 || (size_t)n >= size) return NULL;
    if (must_exist && (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))) return NULL;
    return buf;
}

void bp_cli_env_read(bp_cli_env *env)
{
    env->source_date_epoch = getenv("SOURCE_DATE_EPOCH");
    env->tmpdir = getenv("TMPDIR");
    const char *datadir = env_value("BOARDPACK_DATADIR");
    char probe[PATH_MAX], bold[PATH_MAX];

    /* A variable naming the folder wins: it is used whether or not it holds the files, so
     * that a mistyped one is an error naming it, never a quiet fall-back. */
    env->templates = env_value("BOARDPACK_TEMPLATES");
    if (!env->templates && datadir)
        env->templates = sub_dir(datadir, "templates", false, env->templates_buf,
                                 sizeof env->templates_buf);
    if (!env->templates && !bp_beside_exe("templates", 1, probe, sizeof probe))
        env->templates = sub_dir(bp_cli_datadir, "templates", true, env->templates_buf,
                                 sizeof env->templates_buf);

    env->fonts = env_value("BOARDPACK_FONTS");
    if (!env->fonts && datadir)
        env->fonts = sub_dir(datadir, "fonts", false, env->fonts_buf, sizeof env->fonts_buf);
    if (!env->fonts && !bp_pdf_subset_fonts(NULL, probe, sizeof probe, bold, sizeof bold))
        env->fonts = sub_dir(bp_cli_datadir, "fonts", true, env->fonts_buf, sizeof env->fonts_buf);
}

bool bp_cli_set_year(const bp_cli_opt *opt, const char *value, void *dest, const char **why)
{
    if (bp_year_parse(value, (int *)((char *)dest + opt->offset))) return true;
    *why = "expected a year such as 2022/23";
    return false;
}

bool bp_cli_set_format(const bp_cli_opt *opt, const char *value, void *dest, const char **why)
{
    bp_out_format *f = (bp_out_format *)((char *)dest + opt->offset);
    if (strcmp(value, "text") == 0) *f = BP_FORMAT_TEXT;
    else if (strcmp(value, "json") == 0) *f = BP_FORMAT_JSON;
    else {
        *why = "expected text or json";
        return false;
    }
    return true;
}

bool bp_cli_set_fail_on(const bp_cli_opt *opt, const char *value, void *dest, const char **why)
{
    bp_status *s = (bp_status *)((char *)dest + opt->offset);
    if (strcmp(value, "red") == 0) *s = BP_STATUS_RED;
    else if (strcmp(value, "amber") == 0) *s = BP_STATUS_AMBER;
    else {
        *why = "expected red or amber";
        return false;
    }
    return true;
}

bp_err bp_cli_load_packs(const bp_cli_env *env, const bp_cli_list *want, bp_packset *packs,
                         bp_diags *diags)
{
    char tdir[PATH_MAX], pdir[PATH_MAX + 16];
    bp_templates_dir(env->templates, tdir, sizeof tdir);
    snprintf(pdir, sizeof pdir, "%s/packs", tdir);
    bp_err err = bp_pack_load_dir(pdir, packs, diags);
    for (size_t i = 0; err == BP_OK && i < want->count; i++)
        if (bp_pack_find(packs, want->items[i]) < 0) {
            fprintf(stderr, "boardpack: no pack '%s' (packs:", want->items[i]);
            for (size_t j = 0; j < packs->count; j++) fprintf(stderr, " %s", packs->packs[j].id);
            fputs(")\n", stderr);
            err = BP_ERR_USAGE;
        }
    return err;
}

bp_build_opts bp_cli_build_opts(const bp_cli_env *env, const char *out, const bp_cli_list *packs)
{
    bp_build_opts o = {.out = out, .packs = packs->items, .npacks = packs->count,
                       .fonts_dir = env->fonts, .tmpdir = env->tmpdir,
                       .epoch_from_env = env->source_date_epoch && *env->source_date_epoch};
    return o;
}

bp_err bp_cli_fingerprint(const bp_cli_env *env, const char *data, bp_fingerprint *fp)
{
    char tdir[PATH_MAX];
    bp_templates_dir(env->templates, tdir, sizeof tdir);
    return bp_fingerprint_take(data, tdir, fp);
}

int bp_cli_failed(const char *data, bp_err err, const bp_diags *d)
{
    bp_text_diags(stderr, d);
    fprintf(stderr, "boardpack: %s: %s (%zu error%s); nothing written\n", data, bp_strerror(err),
            d->errors, d->errors == 1 ? "" : "s");
    return bp_exit_code(err);
}

bp_err bp_cli_fail_on(const bp_results *r, bp_status level)
{
    if (level == BP_STATUS_NONE) return BP_OK;
    for (size_t i = 0; i < r->nexceptions; i++) {
        bp_status st = r->exceptions[i]->status;
        if (st == BP_STATUS_RED || (level == BP_STATUS_AMBER && st == BP_STATUS_AMBER))
            return BP_ERR_BREACH;
    }
    return BP_OK;
}

bp_err bp_cli_previous(const bp_cli_env *env, const char *path, bp_session *s, bp_prevpack *p)
{
    memset(p, 0, sizeof *p);
    if (!path) return BP_OK;
    bp_err err = bp_previous_load(path, env->templates, p, &s->diags);
    if (err == BP_OK)
        err = bp_previous_apply(&s->results, &s->model, bp_previous_pack_period(&s->model), p,
                                &s->diags);
    return err;
}
