/* bp_xlsx: the Excel audit workbook (libxlsxwriter) - contents, scorecard, every input
 * fact, institutions, targets, finance with eliminations, forecast, courses, central
 * charge, actions and data quality.  Every computed figure is a live formula over the
 * Data sheet compiled from the KPI expressions by bp_formula, carrying the engine's
 * value as its cached result, so that a finance officer who edits a fact or a
 * threshold sees every dependent figure and status update. */
#ifndef BP_XLSX_H
#define BP_XLSX_H

#include <stdint.h>
#include "bp_error.h"
#include "bp_session.h"

/* Write the workbook for an evaluated session to path (the caller's temporary name).
 * epoch (SOURCE_DATE_EPOCH or the as-of date) is the document's creation time, so two
 * writes of the same data are byte-identical.  tmpdir (the command line's $TMPDIR) is
 * where libxlsxwriter assembles the parts; NULL or "": /dev/shm when writable, else
 * libxlsxwriter's default.  Errors: BP_ERR_RENDER with a diagnostic (naming the
 * libxlsxwriter error when it is one), BP_ERR_NOMEM.  The institution ids must differ in
 * more than letter case, as bp_load makes sure: the workbook's lookups ignore case. */
bp_err bp_xlsx_write(const bp_session *s, int64_t epoch, const char *tmpdir, const char *path,
                     bp_diags *diags);

#endif
