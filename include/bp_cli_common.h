/* bp_cli_common: what the commands share below the dispatch - the environment, read once
 * and handed down to the library as values; the options several commands take (their
 * table entries and setters, so that --data or --year means the same everywhere); the
 * pack templates checked against --pack; the report of a data set that failed; and the
 * verdict of --fail-on. */
#ifndef BP_CLI_COMMON_H
#define BP_CLI_COMMON_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include "bp_build.h"
#include "bp_cli_opts.h"
#include "bp_error.h"
#include "bp_eval.h"
#include "bp_kpi.h"
#include "bp_manifest.h"
#include "bp_pack.h"
#include "bp_previous.h"
#include "bp_session.h"

/* The environment variables boardpack reads: the only place it reads any.  NULL when
 * unset; an empty value means the default, as unset does. */
typedef struct {
    const char *source_date_epoch;   /* SOURCE_DATE_EPOCH: the documents' date */
    const char *tmpdir;              /* TMPDIR: where the workbook is assembled */
    /* Where the shipped data is, as handed to the library (bp_cli_env_read): the
     * templates folder and the prepared fonts' folder; NULL: the library's own lookup
     * beside the executable (bp_templates_dir, bp_pdf_options.fonts_dir). */
    const char *templates;
    const char *fonts;
    char templates_buf[PATH_MAX], fonts_buf[PATH_MAX];   /* room for those two */
} bp_cli_env;

/* Reads the environment.  The templates and the fonts are, the first that applies:
 * BOARDPACK_TEMPLATES (BOARDPACK_FONTS); BOARDPACK_DATADIR/templates (/fonts); beside the
 * executable (templates/ beside it or its parent, fonts/ or build/fonts/ beside it: the
 * build tree's ./boardpack); the compiled-in datadir's (the Makefile's DATADIR, where
 * `make install` puts them) when it has them; else ./templates and the full fonts. */
void bp_cli_env_read(bp_cli_env *env);

/* The compiled-in datadir (for --help). */
extern const char bp_cli_datadir[];

typedef enum { BP_FORMAT_TEXT, BP_FORMAT_JSON } bp_out_format;

/* Setters for the shared options: --year YYYY/YY (an int, 0 = report_year), --format
 * (a bp_out_format), --fail-on (a bp_status, BP_STATUS_NONE = off). */
bool bp_cli_set_year(const bp_cli_opt *opt, const char *value, void *dest, const char **why);
bool bp_cli_set_format(const bp_cli_opt *opt, const char *value, void *dest, const char **why);
bool bp_cli_set_fail_on(const bp_cli_opt *opt, const char *value, void *dest, const char **why);

/* Table entries of the shared options, for the field f of the options struct T. */
#define BP_CLI_OPT_DATA(T, f) \
    {"data", 0, "DIR", "the trust's data set (docs/data-format.md)", BP_CLI_REQUIRED, \
     bp_cli_set_string, offsetof(T, f)}
#define BP_CLI_OPT_YEAR(T, f) \
    {"year", 0, "YYYY/YY", "the year to report on (default: report_year in trust.csv)", 0, \
     bp_cli_set_year, offsetof(T, f)}
#define BP_CLI_OPT_FAIL_ON(T, f) \
    {"fail-on", 0, "red|amber", "exit 1 when any reported KPI is red (red), or red or amber\n" \
     "(amber)", 0, bp_cli_set_fail_on, offsetof(T, f)}
#define BP_CLI_OPT_PACK(T, f) \
    {"pack", 0, "NAME", "build only this pack (board, finance, quality, lgb, ...);\n" \
     "repeat for several (default: every pack in templates/packs)", BP_CLI_REPEAT, \
     bp_cli_set_list, offsetof(T, f)}

#define BP_CLI_OPT_PREVIOUS(T, f) \
    {"previous", 0, "PATH", "compare with a previous pack: its data set folder or the\n" \
     "results JSON it wrote (previous values and movements)", 0, bp_cli_set_string, \
     offsetof(T, f)}

/* --previous PATH (NULL: not given, *p left empty): the previous pack read and s's
 * results compared with it (bp_previous.h); its errors go to s->diags.  p is freed by
 * bp_previous_free after s is done with. */
bp_err bp_cli_previous(const bp_cli_env *env, const char *path, bp_session *s, bp_prevpack *p);

/* The pack templates (templates/packs under the environment's templates folder), with
 * every wanted id checked: BP_ERR_USAGE and a message listing the packs when one does
 * not exist. */
bp_err bp_cli_load_packs(const bp_cli_env *env, const bp_cli_list *want, bp_packset *packs,
                         bp_diags *diags);

/* The build options for one data set's output folder: --pack and the environment
 * (inputs and epoch still to be set). */
bp_build_opts bp_cli_build_opts(const bp_cli_env *env, const char *out, const bp_cli_list *packs);

/* The inputs of a build of data set `data` with the environment's templates, as they are
 * now: taken before the data set is loaded, for its manifest or to compare with one. */
bp_err bp_cli_fingerprint(const bp_cli_env *env, const char *data, bp_fingerprint *fp);

/* A command that failed on data set `data`: every diagnostic, then one line saying why
 * and that nothing was written.  Returns the exit status for err. */
int bp_cli_failed(const char *data, bp_err err, const bp_diags *d);

/* Exit status for --fail-on: BP_ERR_BREACH when a reported result is at or beyond the
 * level, else BP_OK. */
bp_err bp_cli_fail_on(const bp_results *r, bp_status level);

#endif
