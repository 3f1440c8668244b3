/* bp_text: the check results for people at a terminal - the scorecard, the exceptions in
 * plain sentences worst first with any commentary, and the data-quality summary. */
#ifndef BP_TEXT_H
#define BP_TEXT_H

#include <stdio.h>
#include "bp_error.h"
#include "bp_session.h"

bp_err bp_text_report(FILE *out, const bp_session *s);

/* Diagnostics as "file:line:column: error: message" lines. */
bp_err bp_text_diags(FILE *out, const bp_diags *d);

#endif
