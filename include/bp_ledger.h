/* bp_ledger: a data set's ledger files (ledger.csv, ledger-NAME.csv: a finance system's
 * trial balance or transaction summary as exported) read through its mapping.csv
 * (bp_mapping) into the facts finance.csv would give - many rows summed into one fact -
 * with each file's control totals.  The loader (bp_load) adds the facts to the model as
 * it adds finance.csv's, so duplicates, ranges and sorting apply as if they were there.
 * The contract: ../shared/spec/DATA.md, "Ledger import"; the decisions where it is
 * silent: docs/data-format.md. */
#ifndef BP_LEDGER_H
#define BP_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bp_error.h"
#include "bp_mapping.h"
#include "bp_model.h"

typedef struct {
    int inst, year, period;   /* period 0: the whole year */
    bp_scenario scenario;
    const char *code;         /* a rule's target (the set's mapping owns it) */
    int64_t value;            /* pence, after the rule's sign */
    int file;                 /* index into the set's files */
    int line, column;         /* the fact's first row, at its account (column 0: made by
                                 result_to) */
} bp_ledger_fact;

typedef struct {
    char *name;               /* "ledger.csv" */
    unsigned char sha256[32];
    size_t rows;              /* data rows below the header row */
    int64_t money_total;      /* pence: |debit| + |credit| over the rows */
    bp_ledger_totals totals;  /* input left unset */
} bp_ledger_file;

typedef struct {
    bool has_mapping;
    bp_mapping map;
    unsigned char map_sha256[32];
    bp_ledger_file *files;
    size_t nfiles;
    bp_ledger_fact *facts;
    size_t nfacts;
} bp_ledger_set;

/* Read dir's mapping.csv (templates included from mappings_dir) and ledger files against
 * m's institutions and report_year.  BP_OK (no mapping and no ledger: an empty set),
 * BP_ERR_DATA (errors in d), BP_ERR_IO, BP_ERR_NOMEM.  out must be freed either way. */
bp_err bp_ledger_read(const char *dir, const char *mappings_dir, const bp_model *m,
                      bp_ledger_set *out, bp_diags *d);

/* Append the set's inputs to m (mapping.csv, then each ledger file) and move its control
 * totals into m->ledgers; *first is the input index of files[0]. */
bp_err bp_ledger_into_model(bp_ledger_set *s, bp_model *m, int *first);

/* Both, for the loader: read, then append to m whatever was read (data errors stay in d
 * and give BP_OK, so that the loader reports the data set's other errors too); BP_ERR_NOMEM
 * or BP_ERR_IO otherwise.  out must be freed either way. */
bp_err bp_ledger_load(const char *dir, const char *mappings_dir, bp_model *m, bp_ledger_set *out,
                      int *first, bp_diags *d);

void bp_ledger_free(bp_ledger_set *s);

/* The ledger files in dir, in name order (the caller frees each and the array). */
bp_err bp_ledger_names(const char *dir, char ***names, size_t *n);

#endif
