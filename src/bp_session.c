/* bp_session: load, merge KPI definitions, validate, evaluate. */
#include "bp_session.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bp_infile.h"
#include "bp_load.h"

void bp_templates_dir(const char *templates, char *buf, size_t size)
{
    if (templates && *templates) {
        snprintf(buf, size, "%s", templates);
        return;
    }
    if (bp_beside_exe("templates", 1, buf, size)) return;
    snprintf(buf, size, "templates");
}

bp_err bp_session_open(bp_session *s, const char *dir, int year, const char *templates)
{
    memset(s, 0, sizeof *s);
    bp_model_init(&s->model);
    bp_kpiset_init(&s->kpis);
    bp_diags_init(&s->diags);

    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        bp_diag_add(&s->diags, BP_DIAG_ERROR, dir, 0, 0, "cannot open the data set: %s",
                    stat(dir, &st) != 0 ? strerror(errno) : "not a directory");
        return BP_ERR_IO;
    }
    char tdir[PATH_MAX], path[PATH_MAX + 32];
    bp_templates_dir(templates, tdir, sizeof tdir);
    snprintf(path, sizeof path, "%s/mappings", tdir);
    bp_err err = bp_load_dataset_with(dir, path, year, &s->model, &s->diags);
    if (err != BP_OK) return err;

    snprintf(path, sizeof path, "%s/kpis/default.kpi", tdir);
    err = bp_kpi_load_file(path, "templates/kpis/default.kpi", &s->kpis, &s->diags);
    if (err == BP_OK && s->model.kpi_file)
        err = bp_kpi_load_file(s->model.kpi_file, "kpis.kpi", &s->kpis, &s->diags);
    if (err == BP_OK)
        err = bp_kpi_validate(&s->kpis, &s->model, s->model.kpi_file ? "kpis.kpi" : NULL,
                              &s->diags);
    if (err == BP_OK) {
        bp_kpi_drop_unfed(&s->kpis, &s->model, "templates/kpis/default.kpi");
        err = bp_kpi_check_actions(&s->kpis, &s->model, &s->diags);
    }
    if (err != BP_OK) return err;

    s->year = year ? year : s->model.report_year;
    err = bp_evaluate(&s->model, &s->kpis, s->year, &s->results, &s->diags);
    if (err == BP_OK) s->evaluated = true;
    if (s->diags.oom) return BP_ERR_NOMEM;
    return err;
}

void bp_session_close(bp_session *s)
{
    if (s->evaluated) bp_results_free(&s->results);
    bp_kpiset_free(&s->kpis);
    bp_model_free(&s->model);
    bp_diags_free(&s->diags);
}
