/* libFuzzer harness: arbitrary bytes as a data set's kpis.kpi -> bp_kpi_parse, and when
 * the file parses, bp_kpi_validate and bp_evaluate over the hand-worked trust
 * (tests/fixtures/handworked, loaded once), exactly as `boardpack check` does. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_eval.h"
#include "bp_kpi.h"
#include "bp_load.h"
#include "fuzz_common.h"

static bp_model model;
static bool have_model;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    have_model = fuzz_load_fixture(&model, "fuzz_kpi");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bp_diags d;
    bp_diags_init(&d);
    bp_kpiset s;
    bp_kpiset_init(&s);
    bp_err err = bp_kpi_parse("kpis.kpi", (const char *)data, size, &s, &d);
    CHECK(err == BP_OK || err == BP_ERR_KPI);
    CHECK((err == BP_OK) == (d.errors == 0));
    if (err != BP_OK) CHECK(s.count == 0);   /* a bad file adds nothing */
    if (err == BP_OK && have_model) {
        err = bp_kpi_validate(&s, &model, "kpis.kpi", &d);
        CHECK(err == BP_OK || err == BP_ERR_KPI || err == BP_ERR_LIMIT);
        if (err == BP_OK) {
            bp_results r;
            err = bp_evaluate(&model, &s, model.report_year, &r, &d);
            CHECK(err == BP_OK);
            bp_results_free(&r);
        }
    }
    for (size_t i = 0; i < d.count; i++) {
        char buf[1200];
        bp_diag_format(&d.items[i], buf, sizeof buf);
        CHECK(strchr(buf, '\n') == NULL);
    }
    bp_kpiset_free(&s);
    bp_diags_free(&d);
    return 0;
}
