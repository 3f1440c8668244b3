/* cli_check: `boardpack check` - the KPI results for people (text) or machines (JSON). */
#include <stdio.h>
#include <stdlib.h>
#include "bp_cli.h"
#include "bp_json.h"
#include "bp_session.h"
#include "bp_text.h"

int bp_cli_check(int argc, char **argv)
{
    bp_cli_opts o;
    if (!bp_cli_parse(argc, argv, "check", "data,year,format,fail-on", &o)) {
        fputs("usage: boardpack check --data DIR [--year YYYY/YY] [--format text|json] "
              "[--fail-on red|amber]\n", stderr);
        return bp_exit_code(BP_ERR_USAGE);
    }
    bp_session s;
    bp_err err = bp_session_open(&s, o.data, o.year, getenv("BOARDPACK_TEMPLATES"));
    bp_diags_sort(&s.diags);
    if (err != BP_OK) {
        if (o.format == BP_FORMAT_JSON && s.diags.errors) bp_json_errors(stdout, &s.diags);
        int rc = bp_cli_failed(o.data, err, &s.diags);
        bp_session_close(&s);
        return rc;
    }
    err = o.format == BP_FORMAT_JSON ? bp_json_results(stdout, &s) : bp_text_report(stdout, &s);
    if (err == BP_OK && (fflush(stdout) != 0 || ferror(stdout))) err = BP_ERR_IO;
    if (err != BP_OK) {
        fprintf(stderr, "boardpack: cannot write the results to standard output: %s\n",
                bp_strerror(err));
        bp_session_close(&s);
        return bp_exit_code(err);
    }
    int rc = bp_exit_code(bp_cli_fail_on(&s.results, o.fail_on));
    bp_session_close(&s);
    return rc;
}
