/* bp_build: one data set to its complete output set - every pack as a PDF (one per local
 * governing body for per-LGB packs), the audit workbook, the results JSON and the
 * manifest - written all or nothing into one directory, under its lock, after rolling
 * back whatever an interrupted run left there.  Every name is planned and checked before
 * anything is written: no two outputs of a set share a name, in any case.  Shared by
 * `build` (one trust) and `batch` (many). */
#ifndef BP_BUILD_H
#define BP_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include "bp_error.h"
#include "bp_manifest.h"
#include "bp_pack.h"
#include "bp_session.h"

typedef struct {
    const char *out;                 /* directory, created if needed */
    const char *const *packs;        /* only these pack ids; npacks 0 = every pack */
    size_t npacks;
    int64_t epoch;                   /* the documents' date (bp_build_epoch) */
    bool epoch_from_env;             /* epoch is SOURCE_DATE_EPOCH's, not the as-of date */
    const bp_fingerprint *inputs;    /* the inputs as taken before loading, for the
                                        manifest's kpis.kpi and templates
                                        (bp_fingerprint_take) */
    const char *fonts_dir;           /* the prepared fonts (bp_pdf_options.fonts_dir) */
    const char *tmpdir;              /* the workbook's scratch folder (bp_xlsx_write) */
    bool publish;                    /* build --publish: the results are suppressed
                                        (bp_suppress) and no workbook is written (its
                                        live formulas would add the facts up again)... */
    const bp_session *workbook;      /* ...unless --workbook: this session's, its
                                        people facts left out and those KPIs typed
                                        (bp_suppress_workbook_model) */
} bp_build_opts;

/* source_date_epoch (the command line's SOURCE_DATE_EPOCH) when set and not empty (digits
 * only), else midnight UTC of the as-of date, so a rebuild is byte-identical whenever and
 * wherever it runs.  False when it is set but not a whole number of seconds. */
bool bp_build_epoch(const bp_model *m, const char *source_date_epoch, int64_t *epoch);

/* What the outputs need of an evaluated session beyond the data contract, checked before
 * any of them is written and by `check` alike, so that the two commands agree: the
 * workbook's limits (bp_xlsx_check).  BP_ERR_LIMIT with an error at each input that
 * breaks one. */
bp_err bp_build_check(const bp_session *s, bp_diags *diags);

/* Render and write everything for an evaluated session.  On success *written (may be
 * NULL) receives how many files were renamed into place, the manifest included; on
 * failure nothing is (BP_ERR_DATA when two outputs would share a name, BP_ERR_IO when
 * another run holds the directory's lock).  Ends as if bp_build_check had run first: a
 * workbook limit is its errors alone, nothing written and no folder created (bp_build.c:
 * the check runs only when something failed). */
bp_err bp_build_write(const bp_session *s, const bp_packset *packs, const bp_build_opts *o,
                      size_t *written, bp_diags *diags);

#endif
