/* libFuzzer harness: arbitrary bytes -> bp_expr_parse, then evaluation over the
 * hand-worked trust (tests/fixtures/handworked, loaded once) for an institution, a phase
 * and the consolidated trust, for each year and scenario.
 *
 * Oracle: the canonical text is a fixed point.  bp_expr_to_text(e) must parse again, and
 * printing that second tree must give the same text and the same values, so the
 * methodology appendix (which prints expressions) never shows something that means
 * another thing.  kpi(x) resolves to a fixed expression, kpi(none) to no KPI. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_expr.h"
#include "bp_load.h"
#include "fuzz_common.h"

static bp_model model;
static bool have_model;
static bp_expr *fixed;          /* what kpi(anything but none) means */

/* No kpi(self): a reference back to the expression being evaluated is a cycle, which
 * bp_kpi_validate rejects before anything is evaluated (fuzz_kpi covers that path).
 * Evaluated unvalidated, kpi(self) + kpi(self) doubles at each of the evaluator's 64
 * levels - the first thing this harness found, now also stopped by validation. */
static const bp_expr *lookup(const void *arg, const char *id)
{
    (void)arg;
    if (strcmp(id, "none") == 0) return NULL;
    return fixed;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    have_model = fuzz_load_fixture(&model, "fuzz_expr");
    bp_diags d;
    bp_diags_init(&d);
    static const char fx[] = "(income - exp) / income";
    if (bp_expr_parse(fx, sizeof fx - 1, "fixed", 1, 1, &fixed, &d) != BP_OK) abort();
    bp_diags_free(&d);
    return 0;
}

/* Every literal prints exactly when its denominator divides 10^6. */
static bool literals_exact(const bp_expr *e)
{
    if (!e) return true;
    if (e->op == BP_E_NUM && (1000000 % e->num.den) != 0) return false;
    if (e->op == BP_E_SUM && e->has_dflt && (1000000 % e->dflt.den) != 0) return false;
    return literals_exact(e->a) && literals_exact(e->b) && literals_exact(e->c);
}

static bool same(bp_num a, bp_num b)
{
    if (a.ok != b.ok) return false;
    return !a.ok || (a.num == b.num && a.den == b.den);
}

/* Values for a few contexts: institution 0, every primary, the trust (eliminating). */
#define NCTX 6
static void eval_all(const bp_expr *e, bp_num out[NCTX])
{
    if (!have_model) return;
    int all[64], prim[64];
    size_t nall = 0, nprim = 0;
    for (size_t i = 0; i < model.ninsts && i < 64; i++) {
        all[nall++] = (int)i;
        if (model.insts[i].phase == BP_PHASE_PRIMARY) prim[nprim++] = (int)i;
    }
    int year = model.nyears ? model.years[0] : 2022;
    int k = 0;
    for (int sc = BP_ACTUAL; sc <= BP_BUDGET; sc++) {
        bp_expr_ctx c;
        memset(&c, 0, sizeof c);
        c.model = &model;
        c.year = sc == BP_ACTUAL ? year : year + 1;
        c.scenario = (bp_scenario)sc;
        c.course = -1;
        c.kpi_lookup = lookup;
        c.members = all;
        c.nmembers = 1;
        c.national_phase = "primary";
        out[k++] = bp_expr_eval(e, &c);
        c.members = prim;
        c.nmembers = nprim;
        out[k++] = bp_expr_eval(e, &c);
        c.members = all;
        c.nmembers = nall;
        c.eliminate = true;
        c.national_phase = "all";
        out[k++] = bp_expr_eval(e, &c);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bp_diags d;
    bp_diags_init(&d);
    bp_expr *e = NULL;
    bp_err err = bp_expr_parse((const char *)data, size, "kpis.kpi", 3, 9, &e, &d);
    CHECK(err == BP_OK || err == BP_ERR_KPI);
    CHECK((err == BP_OK) == (e != NULL));
    CHECK((err == BP_OK) == (d.errors == 0));
    for (size_t i = 0; i < d.count; i++) {
        CHECK(d.items[i].line == 3);
        CHECK(d.items[i].column >= 9 && (size_t)d.items[i].column <= 9 + size);
    }
    if (e) {
        bp_num v1[NCTX] = {{0, 1, false}};
        eval_all(e, v1);

        static char t1[1 << 16];
        bp_expr_to_text(e, t1, sizeof t1);
        size_t n1 = strlen(t1);
        /* numbers print exactly up to 6 decimal places; longer literals print as %.6g */
        bool exact = n1 + 1 < sizeof t1 && literals_exact(e);
        if (exact) {
            bp_diags d2;
            bp_diags_init(&d2);
            bp_expr *e2 = NULL;
            bp_err err2 = bp_expr_parse(t1, n1, "canonical", 1, 1, &e2, &d2);
            if (err2 != BP_OK) {
                fprintf(stderr, "canonical text does not parse: %s\n", t1);
                for (size_t i = 0; i < d2.count; i++) fprintf(stderr, "  %s\n", d2.items[i].message);
                abort();
            }
            static char t2[1 << 16];
            bp_expr_to_text(e2, t2, sizeof t2);
            if (strcmp(t1, t2) != 0) {
                fprintf(stderr, "canonical text is not a fixed point:\n  %s\n  %s\n", t1, t2);
                abort();
            }
            bp_num v2[NCTX] = {{0, 1, false}};
            eval_all(e2, v2);
            for (int i = 0; i < NCTX; i++)
                if (!same(v1[i], v2[i])) {
                    fprintf(stderr, "reprinted expression evaluates differently (context %d): %s\n", i, t1);
                    abort();
                }
            bp_expr_free(e2);
            bp_diags_free(&d2);
        }
        bp_expr_free(e);
    }
    bp_diags_free(&d);
    return 0;
}
