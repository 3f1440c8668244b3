/* bp_session: everything one run knows about one data set - the loaded model, the KPI
 * set (the default template merged with the data set's own kpis.kpi), the evaluated
 * results and every diagnostic on the way.  The one entry point the commands share. */
#ifndef BP_SESSION_H
#define BP_SESSION_H

#include "bp_error.h"
#include "bp_eval.h"
#include "bp_kpi.h"
#include "bp_model.h"

typedef struct {
    bp_model model;
    bp_kpiset kpis;
    bp_results results;
    bp_diags diags;          /* errors and warnings from every stage, in order */
    int year;                /* the report year used */
    bool evaluated;
} bp_session;

/* Where the shipped templates live: templates (the command line's $BOARDPACK_TEMPLATES)
 * when set and not empty, else templates/ beside the executable, else ./templates.
 * Writes the directory path into buf. */
void bp_templates_dir(const char *templates, char *buf, size_t size);

/* Load dir, the KPI set (templates: as for bp_templates_dir) and evaluate for year (0:
 * the data set's report_year).  On error the diagnostics say why; the session must
 * still be closed. */
bp_err bp_session_open(bp_session *s, const char *dir, int year, const char *templates);
void bp_session_close(bp_session *s);

#endif
