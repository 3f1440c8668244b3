/* cli_common: the environment, the shared options and reports of the commands. */
#include "bp_cli_common.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "bp_model.h"
#include "bp_session.h"
#include "bp_text.h"

void bp_cli_env_read(bp_cli_env *env)
{
    env->source_date_epoch = getenv("SOURCE_DATE_EPOCH");
    env->templates = getenv("BOARDPACK_TEMPLATES");
    env->fonts = getenv("BOARDPACK_FONTS");
    env->tmpdir = getenv("TMPDIR");
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
