/* cli_build: `boardpack build` - one trust's packs and results into --out. */
#include <stdio.h>
#include <stdlib.h>
#include "bp_build.h"
#include "bp_cli_commands.h"
#include "bp_outfile.h"
#include "bp_session.h"
#include "bp_suppress.h"

typedef struct {
    const char *data, *out;
    bp_cli_list packs;               /* none: every pack */
    int year;                        /* 0: report_year */
    bp_status fail_on;               /* BP_STATUS_NONE: off */
    bool publish;                    /* small counts suppressed, no workbook... */
    bool workbook;                   /* ...unless --workbook: a published one */
    const char *previous;            /* NULL: compare with the prior year */
} build_opts;

static const bp_cli_opt options[] = {
    BP_CLI_OPT_DATA(build_opts, data),
    {"out", 0, "DIR", "where the files go (created if needed; the set replaced whole)",
     BP_CLI_REQUIRED, bp_cli_set_string, offsetof(build_opts, out)},
    BP_CLI_OPT_PACK(build_opts, packs),
    BP_CLI_OPT_YEAR(build_opts, year),
    BP_CLI_OPT_FAIL_ON(build_opts, fail_on),
    {"publish", 0, NULL, "for publishing: counts of people of 1 to suppress_max\n"
     "(trust.csv, default 5) shown as c; no workbook",
     0, bp_cli_set_flag, offsetof(build_opts, publish)},
    {"workbook", 0, NULL, "with --publish: write the workbook too, published: the\n"
     "facts of the KPIs that count people left out, their values typed as\n"
     "the packs show them (c where suppressed)",
     0, bp_cli_set_flag, offsetof(build_opts, workbook)},
    BP_CLI_OPT_PREVIOUS(build_opts, previous),
};

/* The session a published workbook is written from (docs/workbook.md, "Published"): the
 * data set again, compared and suppressed as s is (the same results), then without the
 * facts of the KPIs that count people, whose values it types. */
static bp_err published_workbook(const build_opts *o, const bp_cli_env *env, bp_prevpack *prev,
                                 bp_session *w)
{
    bp_err err = bp_session_open(w, o->data, o->year, env->templates);
    if (err == BP_OK && prev->path)
        err = bp_previous_apply(&w->results, &w->model, bp_previous_pack_period(&w->model), prev,
                                &w->diags);
    if (err == BP_OK) err = bp_suppress_apply(&w->results);
    bool *typed = err == BP_OK ? calloc(w->kpis.count + 1, sizeof *typed) : NULL;
    if (err == BP_OK && !typed) err = BP_ERR_NOMEM;
    if (err == BP_OK) err = bp_suppress_workbook_model(&w->model, &w->kpis, typed);
    if (err == BP_OK) w->results.typed = typed;
    else free(typed);
    return err;
}

static int run(int argc, char **argv, const bp_cli_env *env)
{
    build_opts o = {.fail_on = BP_STATUS_NONE};
    int status;
    if (!bp_cli_parse(&bp_cli_build.spec, argc, argv, &o, &status)) return status;
    /* an interrupted build leaves no temporary file and no lock behind */
    bp_outfile_catch_signals();
    bp_fingerprint inputs;
    if (bp_cli_fingerprint(env, o.data, &inputs) != BP_OK) {
        fputs("boardpack build: out of memory\n", stderr);
        return bp_exit_code(BP_ERR_NOMEM);
    }
    bp_session s;
    /* first an interrupted run's commit rolled back, whether or not this one gets as
     * far as writing */
    bp_diags early;
    bp_diags_init(&early);
    bp_err err = bp_outdir_tidy(o.out, &early);
    if (err != BP_OK) {
        int rc = bp_cli_failed(o.data, err, &early);
        bp_diags_free(&early);
        bp_fingerprint_free(&inputs);
        return rc;
    }
    bp_diags_free(&early);
    err = bp_session_open(&s, o.data, o.year, env->templates);
    bp_prevpack prev = {0};
    if (err == BP_OK) err = bp_cli_previous(env, o.previous, o.publish, &s, &prev);
    bp_packset packs;
    bp_packset_init(&packs);
    /* withheld before anything is rendered: every output shows the same */
    if (err == BP_OK && o.publish) err = bp_suppress_apply(&s.results);
    bp_session ws = {0};   /* read only when has_ws; set for the analysers */
    bool has_ws = false;
    if (err == BP_OK && o.workbook && !o.publish) {
        bp_diag_add(&s.diags, BP_DIAG_ERROR, "", 0, 0, "--workbook is for --publish (a build "
                    "without it writes the workbook anyway)");
        err = BP_ERR_USAGE;
    }
    if (err == BP_OK && o.publish && o.workbook) {
        err = published_workbook(&o, env, &prev, &ws);
        has_ws = true;
    }
    if (err == BP_OK) err = bp_cli_load_packs(env, &o.packs, &packs, &s.diags);
    if (err == BP_OK) bp_pack_warn_unused(&packs, &s.kpis, &s.model, &s.diags);
    bp_build_opts bo = bp_cli_build_opts(env, o.out, &o.packs);
    bo.inputs = &inputs;
    bo.publish = o.publish;
    bo.workbook = has_ws ? &ws : NULL;
    if (err == BP_OK && !bp_build_epoch(&s.model, env->source_date_epoch, &bo.epoch)) {
        fprintf(stderr, "boardpack build: SOURCE_DATE_EPOCH '%s': expected whole seconds since "
                "1970, such as 1700438400\n", env->source_date_epoch);
        err = BP_ERR_USAGE;
    }
    size_t written = 0;
    if (err == BP_OK) err = bp_build_write(&s, &packs, &bo, &written, &s.diags);
    bp_diags_sort(&s.diags);
    int rc;
    if (err != BP_OK) {
        rc = bp_cli_failed(o.data, err, &s.diags);
    } else {
        printf("wrote %zu files into %s\n", written, o.out);
        rc = fflush(stdout) == 0 ? bp_exit_code(bp_cli_fail_on(&s.results, o.fail_on))
                                 : bp_exit_code(BP_ERR_IO);
    }
    bp_packset_free(&packs);
    if (has_ws) bp_session_close(&ws);
    bp_session_close(&s);
    bp_previous_free(&prev);
    bp_fingerprint_free(&inputs);
    return rc;
}

const bp_cli_command bp_cli_build = {
    {"build",
     "write the board packs (PDF), the audit workbook (XLSX) and the results\n"
     "(JSON) into --out: TRUST-YYYY-YY-PACK.pdf for each pack in templates/packs\n"
     "(one per local governing body for lgb packs), TRUST-YYYY-YY.xlsx,\n"
     "TRUST-YYYY-YY-results.json and TRUST-YYYY-YY-manifest.txt, all or nothing\n"
     "(in-year, trust.csv period: TRUST-YYYY-YY-m04-..., the month after the year).",
     options, sizeof options / sizeof *options},
    run,
};
