/* bp_load: reading a data set directory (the data contract, docs/data-format.md) into a
 * bp_model.  Checks every row against the contract and reports every defect with file,
 * line and column; tolerated defects (unknown columns, empty optional files, blank
 * lines) are warnings.  A data set that loads with no errors gives a model whose every
 * row was used. */
#ifndef BP_LOAD_H
#define BP_LOAD_H

#include "bp_error.h"
#include "bp_model.h"

/* The files of the contract, in the order they are read and reported. */
extern const char *const bp_load_files[];
extern const size_t bp_load_nfiles;

/* Load dir into m (which must be bp_model_init'ed).  Returns BP_OK (warnings may be in
 * diags), BP_ERR_DATA (errors in diags), BP_ERR_IO (a required file is unreadable, in
 * diags) or BP_ERR_NOMEM. */
bp_err bp_load_dataset(const char *dir, bp_model *m, bp_diags *diags);
/* The same, with the folder of the shipped mappings a mapping.csv may include
 * (templates/mappings; NULL: ./templates/mappings) and the year reported (0:
 * report_year), which decides whether the report year is in-year (trust.csv period) or
 * annual: the model's totals (bp_model_totals). */
bp_err bp_load_dataset_with(const char *dir, const char *mappings_dir, int year, bp_model *m,
                            bp_diags *diags);

#endif
