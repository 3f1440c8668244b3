/* cli_check: `boardpack check` - the KPI results for people (text) or machines (JSON). */
#include <stdio.h>
#include "bp_build.h"
#include "bp_cli_commands.h"
#include "bp_json.h"
#include "bp_session.h"
#include "bp_text.h"

typedef struct {
    const char *data;
    int year;                        /* 0: report_year */
    bp_out_format format;
    bp_status fail_on;               /* BP_STATUS_NONE: off */
    const char *previous;            /* NULL: compare with the prior year */
} check_opts;

static const bp_cli_opt options[] = {
    BP_CLI_OPT_DATA(check_opts, data),
    BP_CLI_OPT_YEAR(check_opts, year),
    {"format", 0, "text|json", "text for people (default) or json (docs/results-json.md)", 0,
     bp_cli_set_format, offsetof(check_opts, format)},
    BP_CLI_OPT_FAIL_ON(check_opts, fail_on),
    BP_CLI_OPT_PREVIOUS(check_opts, previous),
};

static int run(int argc, char **argv, const bp_cli_env *env)
{
    check_opts o = {NULL, 0, BP_FORMAT_TEXT, BP_STATUS_NONE, NULL};
    int status;
    if (!bp_cli_parse(&bp_cli_check.spec, argc, argv, &o, &status)) return status;
    bp_session s;
    bp_err err = bp_session_open(&s, o.data, o.year, env->templates);
    bp_prevpack prev = {0};
    if (err == BP_OK) err = bp_cli_previous(env, o.previous, &s, &prev);
    /* the packs build would write: what the data set names that they do not have is
     * reported here too, and broken templates fail check as they fail build */
    bp_packset packs;
    bp_packset_init(&packs);
    bp_cli_list all = {0};
    if (err == BP_OK) err = bp_cli_load_packs(env, &all, &packs, &s.diags);
    if (err == BP_OK) bp_pack_warn_unused(&packs, &s.kpis, &s.model, &s.diags);
    bp_packset_free(&packs);
    /* what build would refuse, check refuses the same way */
    if (err == BP_OK) err = bp_build_check(&s, &s.diags);
    bp_diags_sort(&s.diags);
    if (err != BP_OK) {
        if (o.format == BP_FORMAT_JSON && s.diags.errors) bp_json_errors(stdout, &s.diags);
        int rc = bp_cli_failed(o.data, err, &s.diags);
        bp_session_close(&s);
        bp_previous_free(&prev);
        return rc;
    }
    err = o.format == BP_FORMAT_JSON ? bp_json_results(stdout, &s) : bp_text_report(stdout, &s);
    if (err == BP_OK && (fflush(stdout) != 0 || ferror(stdout))) err = BP_ERR_IO;
    if (err != BP_OK) {
        fprintf(stderr, "boardpack: cannot write the results to standard output: %s\n",
                bp_strerror(err));
        bp_session_close(&s);
        bp_previous_free(&prev);
        return bp_exit_code(err);
    }
    int rc = bp_exit_code(bp_cli_fail_on(&s.results, o.fail_on));
    bp_session_close(&s);
    bp_previous_free(&prev);
    return rc;
}

const bp_cli_command bp_cli_check = {
    {"check",
     "load a trust's data set, compute every KPI against its targets and print\n"
     "the scorecard, the exceptions and the data-quality summary.",
     options, sizeof options / sizeof *options},
    run,
};
