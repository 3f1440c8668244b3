/* bp_manifest: what an output set was made from and what it holds, written with the set
 * (TRUST-YYYY-YY-manifest.txt, in the same commit) so that `batch --resume` can tell a
 * complete, current output folder from one to build again.  It records the boardpack
 * version, the options that shape the files (year, packs, the documents' date), the
 * SHA-256 of every input (the data set's files and its kpis.kpi, the KPI and pack
 * templates) and the size and SHA-256 of every output.  Text, one record a line, no
 * time and no absolute path: the same build writes the same manifest
 * (docs/output-files.md). */
#ifndef BP_MANIFEST_H
#define BP_MANIFEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "bp_error.h"
#include "bp_model.h"
#include "bp_outfile.h"

typedef struct {
    bool template_file;      /* a template (kpis/default.kpi, packs/NAME.pack), else a
                                file of the data set (finance.csv, kpis.kpi) */
    char *name;
    unsigned char sha256[32];
} bp_manifest_input;

/* Every input a build of a data set reads, as it is now: the contract's files and
 * kpis.kpi that are regular files in data_dir, then templates_dir/kpis/default.kpi and
 * templates_dir/packs/NAME.pack in name order, then (the ledger import) mapping.csv with,
 * when there is one, templates_dir/mappings/NAME.csv, and the ledger files in name order.  A build takes it before it loads the
 * data set: its manifest records the contract's files as the loader read them (their
 * data-quality SHA-256), kpis.kpi and the templates as taken here, so that a file changed
 * while the build runs makes the manifest differ from it (and the next --resume build it
 * again), never the other way round.  A file that cannot be read, or is not a regular
 * file, is left out. */
typedef struct {
    bp_manifest_input *items;
    size_t count;
} bp_fingerprint;

bp_err bp_fingerprint_take(const char *data_dir, const char *templates_dir, bp_fingerprint *fp);
void bp_fingerprint_free(bp_fingerprint *fp);

/* The options of a build that shape its files. */
typedef struct {
    const bp_input *loaded;          /* the contract's files as loaded (bp_model.inputs) */
    size_t nloaded;
    const bp_fingerprint *inputs;    /* kpis.kpi and the templates are taken from here */
    const char *const *packs;        /* --pack; npacks 0: every pack */
    size_t npacks;
    bool report_year;                /* the year is trust.csv's report_year */
    int year;                        /* the year reported */
    int64_t epoch;                   /* the documents' date */
    bool epoch_from_env;             /* from SOURCE_DATE_EPOCH, else the as-of date */
    bool publish;                    /* build --publish: a line "publish suppress_max N" */
    int64_t suppress_max;
} bp_manifest_info;

/* The name of the manifest of the set whose files start with base: BASE-manifest.txt. */
void bp_manifest_name(const char *base, char *buf, size_t size);

/* Writes the manifest of the first n files of the set (synced: each is read back by its
 * temporary name for its size and SHA-256) to fp. */
bp_err bp_manifest_write(FILE *fp, const bp_manifest_info *info, const bp_outset *set, size_t n,
                         bp_diags *diags);

/* Is there, in dir, a manifest of a set built by this version, of trust.csv's report
 * year, of the packs given (none: every pack), dated by source_date_epoch (NULL or empty:
 * the as-of date), from inputs exactly as they are now, whose every output file is there
 * with its recorded size and SHA-256?  Returns the number of files of that set, the
 * manifest included; 0 for anything else - no manifest, one that cannot be read - and
 * the data set is built again. */
size_t bp_manifest_current(const char *dir, const bp_fingerprint *now, const char *const *packs,
                           size_t npacks, const char *source_date_epoch);

#endif
