/* bp_json: the machine-readable results (docs/results-json.md): the check results, the
 * data-quality record and, on a data error, the errors object.  Every write is checked;
 * a failed write is BP_ERR_IO. */
#ifndef BP_JSON_H
#define BP_JSON_H

#include <stdio.h>
#include "bp_error.h"
#include "bp_session.h"

/* The results object for an evaluated session. */
bp_err bp_json_results(FILE *out, const bp_session *s);

/* {"errors": [{"file", "line", "column", "message"}], "warnings": [...]} */
bp_err bp_json_errors(FILE *out, const bp_diags *d);

/* A JSON string literal (quotes included) with every C0 control character escaped and
 * each byte that is not UTF-8 written as \ufffd: valid JSON whatever the text. */
void bp_json_string(FILE *out, const char *s);

#endif
