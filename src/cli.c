/* cli: command dispatch and the options shared by the commands. */
#include "bp_cli.h"

#include <string.h>
#include "bp_error.h"
#include "bp_model.h"
#include "bp_text.h"

void bp_cli_usage(FILE *out)
{
    fputs("Usage:\n"
          "  boardpack check --data DIR [--year YYYY/YY] [--format text|json] [--fail-on red|amber]\n"
          "  boardpack build --data DIR --out DIR [--pack NAME]... [--year YYYY/YY]\n"
          "                  [--fail-on red|amber]\n"
          "  boardpack batch --root DIR --out DIR [-j N] [--shard K/N] [--pack NAME]...\n"
          "  boardpack --help | --version\n"
          "\n"
          "Commands:\n"
          "  check   load a trust's data set, compute every KPI against its targets and print\n"
          "          the scorecard, the exceptions and the data-quality summary.\n"
          "  build   write the board packs (PDF) and the results (JSON) into --out:\n"
          "          TRUST-YYYY-YY-PACK.pdf for each pack in templates/packs (one per local\n"
          "          governing body for lgb packs) and TRUST-YYYY-YY-results.json.\n"
          "  batch   build every data set under --root (each folder holding a trust.csv) into\n"
          "          --out/FOLDER/ with N worker processes (default: one per core); a broken\n"
          "          data set is reported and skipped; writes summary.csv and summary.json.\n"
          "          --shard K/N takes the K-th of N slices of the folders in name order.\n"
          "\n"
          "Options:\n"
          "  --data DIR        the trust's data set (see docs/data-format.md)\n"
          "  --year YYYY/YY    the year to report on (default: report_year in trust.csv)\n"
          "  --format FORMAT   text (default) or json (docs/results-json.md)\n"
          "  --out DIR         where build writes (created if needed; files replaced whole)\n"
          "  --pack NAME       build only this pack (board, finance, quality, lgb, ...);\n"
          "                    repeat for several\n"
          "  --fail-on LEVEL   exit 1 when any reported KPI is red (red) or red or amber (amber)\n"
          "\n"
          "Environment: SOURCE_DATE_EPOCH dates the PDFs (default: the data set's as_of date),\n"
          "so the same input gives byte-identical files.\n"
          "\n"
          "Exit status: 0 ok, 1 --fail-on breached, 2 usage, 65 data error, 74 I/O error.\n"
          "KPIs and targets: templates/kpis/default.kpi, extended by the data set's kpis.kpi.\n",
          out);
}

static bool allowed_opt(const char *allowed, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = allowed; (p = strstr(p, name)) != NULL; p += n)
        if ((p == allowed || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) return true;
    return false;
}

bool bp_cli_parse(int argc, char **argv, const char *command, const char *allowed,
                  bp_cli_opts *o)
{
    memset(o, 0, sizeof *o);
    o->fail_on = BP_STATUS_NONE;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "boardpack %s: unexpected argument '%s'\n", command, a);
            return false;
        }
        char name[32];
        const char *val = NULL;
        const char *eq = strchr(a, '=');
        size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (n >= sizeof name) n = sizeof name - 1;
        memcpy(name, a + 2, n);
        name[n] = 0;
        if (!allowed_opt(allowed, name)) {
            fprintf(stderr, "boardpack %s: unknown option '--%s'\n", command, name);
            return false;
        }
        if (eq) val = eq + 1;
        else if (i + 1 < argc) val = argv[++i];
        if (!val || !*val) {
            fprintf(stderr, "boardpack %s: option '--%s' needs a value\n", command, name);
            return false;
        }
        if (strcmp(name, "data") == 0) o->data = val;
        else if (strcmp(name, "pack") == 0) {
            if (o->npacks == sizeof o->packs / sizeof *o->packs) {
                fprintf(stderr, "boardpack %s: too many --pack options\n", command);
                return false;
            }
            o->packs[o->npacks++] = val;
        }
        else if (strcmp(name, "out") == 0) o->out = val;
        else if (strcmp(name, "year") == 0) {
            if (!bp_year_parse(val, &o->year)) {
                fprintf(stderr, "boardpack %s: --year '%s': expected a year such as 2022/23\n",
                        command, val);
                return false;
            }
        } else if (strcmp(name, "format") == 0) {
            if (strcmp(val, "text") == 0) o->format = BP_FORMAT_TEXT;
            else if (strcmp(val, "json") == 0) o->format = BP_FORMAT_JSON;
            else {
                fprintf(stderr, "boardpack %s: --format '%s': expected text or json\n", command, val);
                return false;
            }
        } else if (strcmp(name, "fail-on") == 0) {
            if (strcmp(val, "red") == 0) o->fail_on = BP_STATUS_RED;
            else if (strcmp(val, "amber") == 0) o->fail_on = BP_STATUS_AMBER;
            else {
                fprintf(stderr, "boardpack %s: --fail-on '%s': expected red or amber\n", command, val);
                return false;
            }
        }
    }
    if (allowed_opt(allowed, "data") && !o->data) {
        fprintf(stderr, "boardpack %s: --data DIR is required\n", command);
        return false;
    }
    if (allowed_opt(allowed, "out") && !o->out) {
        fprintf(stderr, "boardpack %s: --out DIR is required\n", command);
        return false;
    }
    return true;
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

int bp_cli_main(int argc, char **argv)
{
    if (argc < 2) {
        bp_cli_usage(stderr);
        return bp_exit_code(BP_ERR_USAGE);
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        bp_cli_usage(stdout);
        return fflush(stdout) == 0 && !ferror(stdout) ? 0 : bp_exit_code(BP_ERR_IO);
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("boardpack %s\n", BP_VERSION);
        return fflush(stdout) == 0 && !ferror(stdout) ? 0 : bp_exit_code(BP_ERR_IO);
    }
    if (strcmp(cmd, "check") == 0) return bp_cli_check(argc - 2, argv + 2);
    if (strcmp(cmd, "build") == 0) return bp_cli_build(argc - 2, argv + 2);
    if (strcmp(cmd, "batch") == 0) return bp_cli_batch(argc - 2, argv + 2);
    fprintf(stderr, "boardpack: unknown command '%s' (try boardpack --help)\n", cmd);
    return bp_exit_code(BP_ERR_USAGE);
}
