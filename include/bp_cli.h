/* bp_cli: the command line - argument parsing shared by the commands, and one function
 * per command (cli_check.c, ...).  Returns the process exit status.  The only reader of
 * the environment: the library is handed SOURCE_DATE_EPOCH, BOARDPACK_TEMPLATES,
 * BOARDPACK_FONTS and TMPDIR as values. */
#ifndef BP_CLI_H
#define BP_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "bp_eval.h"
#include "bp_kpi.h"
#include "bp_pack.h"

typedef enum { BP_FORMAT_TEXT, BP_FORMAT_JSON } bp_out_format;

typedef struct {
    const char *data;        /* --data DIR */
    const char *out;         /* --out DIR */
    int year;                /* --year, 0 = report_year */
    bp_out_format format;    /* --format */
    bp_status fail_on;       /* --fail-on: BP_STATUS_NONE (off), AMBER or RED */
    const char *packs[32];   /* --pack NAME, repeatable; none = every pack */
    size_t npacks;
} bp_cli_opts;

int bp_cli_main(int argc, char **argv);

/* Parses the options after the command name; prints a message and returns false on a
 * usage error.  `allowed` lists the options the command accepts, e.g. "data,year". */
bool bp_cli_parse(int argc, char **argv, const char *command, const char *allowed,
                  bp_cli_opts *o);

int bp_cli_check(int argc, char **argv);
int bp_cli_build(int argc, char **argv);
int bp_cli_batch(int argc, char **argv);

/* The pack templates (templates/packs), with every wanted id checked: BP_ERR_USAGE and a
 * message listing the packs when one does not exist. */
bp_err bp_cli_load_packs(const char *const *want, size_t nwant, bp_packset *packs,
                         bp_diags *diags);

/* A command that failed on data set `data`: every diagnostic, then one line saying why
 * and that nothing was written.  Returns the exit status for err. */
int bp_cli_failed(const char *data, bp_err err, const bp_diags *d);

/* Exit status for --fail-on: BP_ERR_BREACH when a reported result is at or beyond the
 * level, else BP_OK. */
bp_err bp_cli_fail_on(const bp_results *r, bp_status level);

void bp_cli_usage(FILE *out);

#endif
