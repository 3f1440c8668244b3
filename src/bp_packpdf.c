/* bp_packpdf: a pack from its template - cover, contents, then each section in the
 * template's order.  This file holds the driver and the KPI sections (summary,
 * exceptions, charts, methodology, data quality); the scorecards, the finance and the
 * development-plan sections have files of their own, and the helpers all of them
 * share are bp_packpdf_common.c's. */
#include "bp_packpdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_format.h"
#include "bp_inyear.h"
#include "bp_packpdf_charts.h"
#include "bp_packpdf_dataq.h"
#include "bp_packpdf_sections.h"
#include "bp_util.h"

/* ---- exceptions ---- */

/* Where the text beside a status mark starts (bp_pdf_status_paragraph): the mark's box,
 * as wide as "AMBER" in 7.5 pt bold with 8 pt of padding, and 7 pt after it. */
static float mark_indent(pk_ctx *c)
{
    return bp_pdf_text_width(c->pdf, BP_PDF_BOLD, "AMBER") * 0.75f + 15.0f;
}

/* The height a paragraph of body text takes at this indent, near enough to keep an
 * entry's parts together: its lines, each 13 pt, and the space after. */
static float body_height(pk_ctx *c, float indent, const char *text)
{
    float width = bp_pdf_width(c->pdf) - indent;
    if (width < 72.0f) width = 72.0f;
    return 13.0f * (1.0f + (float)(int)(bp_pdf_text_width(c->pdf, BP_PDF_BODY, text) / width)) + 6.0f;
}

/* A text of any length with its label: "Commentary on 2024/25: ...". */
static char *labelled(const char *label, const char *text)
{
    size_t size = strlen(label) + strlen(text) + 3;
    char *s = malloc(size);
    if (s) snprintf(s, size, "%s: %s", label, text);
    return s;
}

/* One entry: the KPI and entity beside the worst status's mark, every year and plan
 * affected in one sentence, the movement against the year before, then the authors'
 * commentary on each year that has one and the actions that address it. */
static void exception_entry(pk_ctx *c, const bp_exgroups *all, const bp_exgroup *g)
{
    pk_shown(c, g->kpi);
    char *title = bp_format_exgroup_title(c->r, g);
    char *years = bp_format_exgroup_years(c->r, all, g);
    char *move = bp_format_exgroup_movement(c->r, g);
    /* only a file that links actions to KPIs can say that none does; said in the same
     * paragraph, where it takes no line of its own */
    static const char none[] = " No development-plan action addresses it.";
    bool say_none = !g->nactions && c->m->actions_kpis;
    size_t size = (title ? strlen(title) : 0) + (years ? strlen(years) : 0) + (move ? strlen(move) : 0)
                  + sizeof none + 4;
    char *head = malloc(size);
    if (head) snprintf(head, size, "%s. %s%s%s%s", title ? title : "", years ? years : "",
                       move && *move ? " " : "", move ? move : "", say_none ? none : "");
    float indent = mark_indent(c);
    const char *kpi = c->s->kpis.kpis[g->kpi].id, *entity = bp_result_entity_id(c->r, g->items[0]);
    /* the commentary on each year of the entry that has one, once a year (a year's
     * budget and forecast share it) */
    char *notes[64];         /* labelled; out of memory, the text goes without its label */
    const char *raw[64];
    size_t nnotes = 0;
    for (size_t i = 0; i < g->nitems && nnotes < sizeof notes / sizeof *notes; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) seen = g->items[j]->year == g->items[i]->year;
        const char *comment = seen ? NULL : bp_commentary(c->m, kpi, entity, g->items[i]->year);
        if (!comment) continue;
        char label[48], yb[16];
        bp_year_format(g->items[i]->year, yb, sizeof yb);
        if (g->items[i]->year == c->year) snprintf(label, sizeof label, "Commentary");
        else snprintf(label, sizeof label, "Commentary on %s", yb);
        raw[nnotes] = comment;
        notes[nnotes++] = labelled(label, comment);
    }
    char **acts = calloc(g->nactions ? g->nactions : 1, sizeof *acts);
    for (size_t i = 0; acts && i < g->nactions; i++)
        acts[i] = bp_format_action(c->m, &c->m->actions[g->actions[i]]);
    /* the entry together when it fits a page: a page break inside it would part the
     * figures from their commentary */
    float h = body_height(c, indent, head ? head : "") + 2.0f;
    for (size_t i = 0; i < nnotes; i++) h += body_height(c, indent, notes[i] ? notes[i] : raw[i]);
    for (size_t i = 0; acts && i < g->nactions; i++) h += acts[i] ? body_height(c, indent, acts[i]) : 0;
    bp_pdf_need(c->pdf, h < 360.0f ? h : 360.0f);
    bp_pdf_status_paragraph(c->pdf, pk_tint(g->worst), head ? head : "");
    for (size_t i = 0; i < nnotes; i++)
        bp_pdf_paragraph_indent(c->pdf, BP_PDF_BODY, indent, notes[i] ? notes[i] : raw[i]);
    for (size_t i = 0; acts && i < g->nactions; i++)
        if (acts[i]) bp_pdf_paragraph_indent(c->pdf, BP_PDF_BODY, indent, acts[i]);
    bp_pdf_space(c->pdf, 3);
    for (size_t i = 0; i < nnotes; i++) free(notes[i]);
    for (size_t i = 0; acts && i < g->nactions; i++) free(acts[i]);
    free(acts);
    free(head);
    free(title);
    free(years);
    free(move);
}

/* Entries [from, to) with a sub-heading where the report year's ones, or those in the
 * plans alone, begin - when the list holds both: of one kind, the intro says it all. */
static void exception_entries(pk_ctx *c, const bp_exgroups *all, size_t from, size_t to)
{
    char yb[16], h[64];
    bp_year_format(c->year, yb, sizeof yb);
    bool both = all->n && all->v[0].current && !all->v[all->n - 1].current;
    for (size_t i = from; i < to; i++) {
        const bp_exgroup *g = &all->v[i];
        if (both && (i == from || (all->v[i - 1].current != NULL) != (g->current != NULL))) {
            if (g->current) snprintf(h, sizeof h, "Results for %s", yb);
            else snprintf(h, sizeof h, "In the budgets and forecasts alone");
            bp_pdf_heading(c->pdf, 2, h, false);
        }
        exception_entry(c, all, g);
    }
}

/* --previous: the entries counted by their movement since the last pack, and the
 * exceptions cleared since then, each KPI and entity once (in the main section only: an
 * appendix of further exceptions continues its list). */
static void since_last_pack(pk_ctx *c, const bp_section *sec, const bp_exgroups *all)
{
    bp_cleared cl;
    if (pk_cleared(c, sec, &cl) != BP_OK) {
        bp_pdf_paragraph(c->pdf, BP_PDF_BODY, "The cleared exceptions could not be listed: out of memory.");
        return;
    }
    bp_since_counts n = bp_since_count(all, &cl);
    char *counts = bp_format_since_counts(c->r, &n);
    bp_pdf_heading(c->pdf, 2, "Since the last pack", false);
    if (counts) bp_pdf_paragraph(c->pdf, BP_PDF_BODY, counts);
    free(counts);
    for (size_t i = 0; i < cl.n; i++) {
        char *line = bp_format_cleared(c->r, cl.v[i]);
        pk_shown(c, cl.v[i]->kpi);
        if (line) bp_pdf_status_paragraph(c->pdf, pk_tint(BP_STATUS_GREEN), line);
        free(line);
    }
    bp_cleared_free(&cl);
}

static void exceptions(pk_ctx *c, const bp_section *sec)
{
    pk_heading(c, sec, "Exceptions", false);
    char yb[16], tier[128], intro[600];
    bp_year_format(c->year, yb, sizeof yb);
    pk_tier(c, false, tier, sizeof tier);
    snprintf(intro, sizeof intro,
             "One entry for each KPI outside its target at %s%s, with every year it is: %s "
             "results first, then those only in later budgets and forecasts; red before amber, "
             "the furthest from target first.",
             c->lgb ? "an institution of this " : "an institution, a phase or the trust",
             c->lgb ? tier : "", yb);
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, intro);
    bp_exgroups all;
    if (pk_exgroups(c, sec, &all) != BP_OK) {
        bp_pdf_paragraph(c->pdf, BP_PDF_BODY, "The exceptions could not be listed: out of memory.");
        return;
    }
    if (!all.n) {
        bp_pdf_paragraph(c->pdf, BP_PDF_BODY, "No result in this paper is amber or red.");
        if (c->r->previous) since_last_pack(c, sec, &all);
        bp_exgroups_free(&all);
        return;
    }
    size_t red = 0;
    for (size_t i = 0; i < all.n; i++) red += all.v[i].worst == BP_STATUS_RED;
    /* the pack's max_exceptions: the rest in an appendix, lettered before the template's
     * next appendix (as many as spill[] holds; past that, no limit) */
    size_t max = (size_t)c->pack->max_exceptions, shown = all.n;
    bool spill = !sec->appendix && max && all.n > max && c->nspill < sizeof c->spill / sizeof *c->spill;
    char buf[300];
    int n;
    if (all.n == 1)
        n = snprintf(buf, sizeof buf, "One entry, %s.", red ? "red" : "amber");
    else if (red == all.n || red == 0)
        n = snprintf(buf, sizeof buf, "%zu entries, all %s.", all.n, red ? "red" : "amber");
    else
        n = snprintf(buf, sizeof buf, "%zu entries: %zu red, %zu amber.", all.n, red, all.n - red);
    if (spill) {
        shown = max;
        snprintf(buf + n, sizeof buf - (size_t)n, " The first %zu are here; the other %zu are in "
                 "Appendix %c, Further exceptions.", max, all.n - max,
                 (char)('A' + (c->appendix + (int)c->nspill) % 26));
        c->spill[c->nspill].sec = sec;
        c->spill[c->nspill].from = max;
        c->spill[c->nspill++].number = c->section;
    }
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, buf);
    exception_entries(c, &all, 0, shown);
    if (c->r->previous) since_last_pack(c, sec, &all);
    bp_exgroups_free(&all);
}

/* The appendices of the entries that did not fit their sections, in the order of those
 * sections: before the template's next appendix, or at the end. */
static void flush_spills(pk_ctx *c)
{
    for (size_t i = 0; i < c->nspill; i++) {
        bp_section ap = *c->spill[i].sec;
        ap.title = NULL;
        ap.appendix = true;
        pk_heading(c, &ap, "Further exceptions", false);
        char buf[200];
        snprintf(buf, sizeof buf, "The exceptions after the first %zu of section %d, in the same "
                 "order.", c->spill[i].from, c->spill[i].number);
        bp_pdf_paragraph(c->pdf, BP_PDF_BODY, buf);
        bp_exgroups all;
        if (pk_exgroups(c, c->spill[i].sec, &all) == BP_OK) {
            exception_entries(c, &all, c->spill[i].from, all.n);
            bp_exgroups_free(&all);
        }
    }
    c->nspill = 0;
}

/* ---- charts ---- */

static void kpi_charts(pk_ctx *c, const bp_section *sec)
{
    pk_heading(c, sec, "KPI charts", false);
    char intro[400];
    pk_codes_intro(c, intro, sizeof intro, "Each institution and the trust on one KPI. The shaded "
                "band is the target where every institution has the same, else each bar's own "
                "target is a line across it; bars are shaded by status and marked G, A or R, "
                "and a bar that misses its target says so (over, under).");
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, intro);
    pk_institutions_key(c);
    for (size_t k = 0; k < c->s->kpis.count; k++) {
        if (!pk_selects(c, sec, (int)k) || !c->s->kpis.kpis[k].expr) continue;
        /* staff costs with the caption saying who is over a ceiling, once a document */
        if (strcmp(c->s->kpis.kpis[k].id, "staff_cost_pct") == 0) {
            if (!(c->charts & PK_CHART_STAFF)) pk_chart_staff(c);
            continue;
        }
        pk_kpi_chart(c, (int)k, NULL);
    }
}

/* ---- appendices ---- */

static void target_words(const pk_ctx *c, const bp_kpi *k, const bp_target *t, char *buf,
                         size_t size)
{
    /* Thresholds that are constants are shown as numbers; national() as words. */
    bp_num lo = t->lo && t->lo->op == BP_E_NUM ? t->lo->num : bp_num_none();
    bp_num hi = t->hi && t->hi->op == BP_E_NUM ? t->hi->num : bp_num_none();
    char core[256];
    bool national = (t->lo && t->lo->op != BP_E_NUM) || (t->hi && t->hi->op != BP_E_NUM);
    if (national) {
        char e[128];
        bp_expr_to_text(t->lo ? t->lo : t->hi, e, sizeof e);
        snprintf(core, sizeof core, "%s %s", t->cmp == BP_CMP_MIN ? "at least" : "at most",
                 strncmp(e, "national(", 9) == 0 ? "the national benchmark for the year and phase" : e);
    } else {
        bp_format_target(k, t, lo, hi, core, sizeof core);
    }
    char where[256] = "";
    size_t n = 0;
    unsigned scopes = t->scopes;
    if (scopes) {
        n += (size_t)snprintf(where + n, sizeof where - n, "; for %s%s%s%s",
                              scopes & BP_SCOPE_F_INSTITUTION ? "each institution " : "",
                              scopes & BP_SCOPE_F_PHASE ? "each phase " : "",
                              scopes & BP_SCOPE_F_TRUST ? "the trust " : "",
                              scopes & BP_SCOPE_F_COURSE ? "each non-minority course " : "");
        if (n && where[n - 1] == ' ') where[--n] = 0;
    }
    if (t->phases && n < sizeof where) {
        n += (size_t)snprintf(where + n, sizeof where - n, "; phases:");
        for (int ph = 0; ph < BP_PHASE_COUNT && n < sizeof where; ph++)
            if (t->phases & (1u << ph))
                n += (size_t)snprintf(where + n, sizeof where - n, " %s", bp_phase_id((bp_phase)ph));
    }
    if (t->scenarios && n < sizeof where) {
        n += (size_t)snprintf(where + n, sizeof where - n, "; scenarios:");
        for (int sc = 0; sc < BP_SCENARIO_COUNT && n < sizeof where; sc++)
            if (t->scenarios & (1u << sc))
                n += (size_t)snprintf(where + n, sizeof where - n, " %s", bp_scenario_id((bp_scenario)sc));
    }
    if (t->from_year && n < sizeof where) {
        char yb[16];
        bp_year_format(t->from_year, yb, sizeof yb);
        n += (size_t)snprintf(where + n, sizeof where - n, "; from %s", yb);
    }
    if (t->when && n < sizeof where) {
        char e[128];
        bp_expr_to_text(t->when, e, sizeof e);
        snprintf(where + n, sizeof where - n, "; when %s", e);
    }
    (void)c;
    snprintf(buf, size, "Target: %s%s.", core, where);
}

static void methodology(pk_ctx *c, const bp_section *sec)
{
    pk_heading(c, sec, "Methodology", false);
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY,
                     "How each KPI in this paper is calculated and judged. Sums run over every "
                     "fact whose code starts with the prefix; a phase or the trust divides its "
                     "totals (a ratio of sums); a product such as P x F is formed for each "
                     "institution first. Money is exact to the penny and thresholds are compared "
                     "exactly: a value on a threshold meets it, a value on an amber edge is amber.");
    char buf0[700];
    snprintf(buf0, sizeof buf0,
             "The tables show money in %s, each figure rounded half away from zero from its "
             "exact amount in pence and a negative amount in brackets; a total is its exact total "
             "rounded, so, as in published accounts, rounded lines may not add to the rounded "
             "total. The data-quality appendix gives the pence. Percentages are shown at one "
             "decimal place; where ordinary rounding would show a missed target as met (94.998%% "
             "against a floor of 95%% as 95.0%%), the figure is rounded toward the failing side "
             "(94.9%%) and marked \xE2\x80\xA0.",
             c->units == BP_MONEY_THOUSANDS ? "thousands of pounds (\xC2\xA3" "000)" : "whole pounds");
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, buf0);
    /* the KPIs the document has shown so far, or all when it has shown none (a
     * methodology-only pack, or one that puts the methodology first) */
    bool any = false;
    for (size_t k = 0; k < c->s->kpis.count && c->shown; k++) any |= c->shown[k];
    for (size_t k = 0; k < c->s->kpis.count; k++) {
        if (!pk_selects(c, sec, (int)k) || (any && !c->shown[k])) continue;
        const bp_kpi *kp = &c->s->kpis.kpis[k];
        char buf[1024];
        snprintf(buf, sizeof buf, "%s (%s)", kp->name, kp->id);
        bp_pdf_heading(c->pdf, 3, buf, false);
        if (kp->expr) {
            char e[600];
            bp_expr_to_text(kp->expr, e, sizeof e);
            snprintf(buf, sizeof buf, "Formula: %s", e);
            bp_pdf_paragraph_indent(c->pdf, BP_PDF_BODY, 12, buf);
        }
        for (size_t i = 0; i < kp->nmeasures; i++) {
            char e[600];
            bp_expr_to_text(kp->measures[i].expr, e, sizeof e);
            snprintf(buf, sizeof buf, "Measure %s: %s", kp->measures[i].name, e);
            bp_pdf_paragraph_indent(c->pdf, BP_PDF_BODY, 12, buf);
        }
        if (kp->description) bp_pdf_paragraph_indent(c->pdf, BP_PDF_BODY, 12, kp->description);
        if (!kp->ntargets) bp_pdf_paragraph_indent(c->pdf, BP_PDF_BODY, 12, "No target: reported for information.");
        for (size_t t = 0; t < kp->ntargets; t++) {
            target_words(c, kp, &kp->targets[t], buf, sizeof buf);
            bp_pdf_paragraph_indent(c->pdf, BP_PDF_BODY, 12, buf);
        }
        bp_pdf_space(c->pdf, 4);
    }
}

static void data_quality(pk_ctx *c, const bp_section *sec)
{
    pk_heading(c, sec, "Data quality", false);
    char buf[512];
    snprintf(buf, sizeof buf,
             "The files this paper was produced from. The money control total is the sum of "
             "every money value in the file, to the penny; the SHA-256 fingerprint identifies "
             "the exact file. %zu data rows were read and every one was used%s.",
             c->m->rows_read, c->m->nledgers ? " (a ledger's rows in its facts, or left out by "
             "the mapping as its control totals show; a ledger's money control total is the "
             "sum of its debits and credits, each taken as positive)" : "");
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, buf);
    bp_pdf_col cols[] = {{"File", 2.2f, BP_PDF_LEFT}, {"Rows", 1, BP_PDF_RIGHT},
                         {"Money control total", 2.4f, BP_PDF_RIGHT}, {"SHA-256", 5.5f, BP_PDF_LEFT}};
    bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, 4, BP_PDF_SMALL);
    for (size_t i = 0; i < c->m->ninputs; i++) {
        const bp_input *in = &c->m->inputs[i];
        char rows[32], money[48], sha[72];
        if (in->present) {
            snprintf(rows, sizeof rows, "%zu", in->rows);
            if (in->has_money) pk_pence_text(in->money_total, money, sizeof money);
            else money[0] = 0;
            for (int b = 0; b < 32; b++) snprintf(sha + 2 * b, 3, "%02x", in->sha256[b]);
        } else {
            snprintf(rows, sizeof rows, "-");
            money[0] = 0;
            snprintf(sha, sizeof sha, "not supplied");
        }
        bp_pdf_cell row[4] = {{in->name, BP_PDF_TINT_NONE, false, false}, {rows, BP_PDF_TINT_NONE, false, false},
                              {money, BP_PDF_TINT_NONE, false, false}, {sha, BP_PDF_TINT_NONE, false, false}};
        bp_pdf_table_row(t, row);
    }
    bp_pdf_table_end(t);
    pk_dq_ledgers(c);
    /* the problems in plain words first, each with what the finance team needs to put it
     * right; then every warning as boardpack check gives it, file and line */
    bp_pdf_heading(c->pdf, 2, "Problems in the data", false);
    if (!pk_dq_appendix(c))
        bp_pdf_paragraph(c->pdf, BP_PDF_BODY,
                         "None. Internal transfers (the central charge) reconcile in every year "
                         "and scenario, every budget the paper compares holds the lines of its "
                         "actuals, and the central charge is shared by pupils in every plan.");
    size_t nw = 0;
    for (size_t i = 0; i < c->s->diags.count; i++)
        nw += c->s->diags.items[i].level == BP_DIAG_WARNING && !c->s->diags.items[i].plain;
    if (!nw) return;
    bp_pdf_heading(c->pdf, 2, "Other warnings about the input files", false);
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY,
                     "Rows, columns or values that this paper does not use, as boardpack check "
                     "reports them: each names the input file and, where there is one, its line "
                     "and column, so that the file can be corrected at the source.");
    for (size_t i = 0; i < c->s->diags.count; i++) {
        const bp_diag *d = &c->s->diags.items[i];
        if (d->level != BP_DIAG_WARNING || d->plain) continue;
        bp_diag_format(d, buf, sizeof buf);
        bp_pdf_paragraph_indent(c->pdf, BP_PDF_BODY, 12, buf);
    }
}

/* ---- the document ---- */

static void section(pk_ctx *c, const bp_section *sec)
{
    switch (sec->kind) {
    case BP_SEC_SUMMARY: pk_summary(c, sec); break;
    case BP_SEC_EXCEPTIONS: exceptions(c, sec); break;
    case BP_SEC_SCORECARD: pk_scorecard(c, sec); break;
    case BP_SEC_PHASES: pk_phases(c, sec); break;
    case BP_SEC_KPI_CHARTS: kpi_charts(c, sec); break;
    case BP_SEC_LGB_COMPARISON: pk_lgb_comparison(c, sec); break;
    case BP_SEC_METHODOLOGY: methodology(c, sec); break;
    case BP_SEC_DATA_QUALITY: data_quality(c, sec); break;
    case BP_SEC_FINANCE_SUMMARY: pk_finance_summary(c, sec); break;
    case BP_SEC_INCOME_EXPENDITURE: pk_income_expenditure(c, sec); break;
    case BP_SEC_BUDGET_ACTUAL: pk_budget_actual(c, sec); break;
    case BP_SEC_TRENDS: pk_trends(c, sec); break;
    case BP_SEC_RESERVES: pk_reserves(c, sec); break;
    case BP_SEC_HEALTH: pk_health(c, sec); break;
    case BP_SEC_FORECAST: pk_forecast(c, sec); break;
    case BP_SEC_CENTRAL_CHARGE: pk_central_charge(c, sec); break;
    case BP_SEC_COURSES: pk_courses(c, sec); break;
    case BP_SEC_ACTIONS: pk_actions(c, sec); break;
    case BP_SEC_ACTIONS_SUMMARY: pk_actions_summary(c, sec); break;
    case BP_SEC_ALIGNMENT: pk_alignment(c, sec); break;
    case BP_SEC_PRIORITIES: pk_priorities(c, sec); break;
    case BP_SEC_MANAGEMENT_ACCOUNTS: pk_management_accounts(c, sec); break;
    case BP_SEC_CASH_FLOW: pk_cash_flow(c, sec); break;
    case BP_SEC_BALANCE_SHEET: pk_balance_sheet(c, sec); break;
    case BP_SEC_KIND_COUNT: break;
    }
}

size_t bp_lgb_ids(const bp_model *m, const char **ids, size_t max)
{
    size_t n = 0, stored = 0;
    for (size_t i = 0; i < m->ninsts; i++) {
        const char *l = m->insts[i].lgb;
        if (!l || (int)i == m->central) continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = (int)j != m->central && m->insts[j].lgb && strcmp(m->insts[j].lgb, l) == 0;
        if (seen) continue;
        if (stored < max) ids[stored++] = l;
        n++;
    }
    return n;
}

static void cover(pk_ctx *c, const char *title)
{
    const bp_paper *pp = bp_model_paper(c->m, c->pack->id);
    bp_pdf_field f[10];
    size_t n = 0;
    /* cppcheck-suppress variableScope ; f keeps a pointer to it until the cover is drawn */
    char meeting[64];
    char asof[64], yb[16];
    bp_year_format(c->year, yb, sizeof yb);
    if (pp && pp->has_meeting_date) {
        bp_date_format_long(pp->meeting_date, meeting, sizeof meeting);
        f[n++] = (bp_pdf_field){"Meeting", meeting};
    } else if (pp && pp->meeting) {
        f[n++] = (bp_pdf_field){"Meeting", pp->meeting};
    }
    if (pp && pp->reference) f[n++] = (bp_pdf_field){"Paper reference", pp->reference};
    if (pp && pp->classification) f[n++] = (bp_pdf_field){"Classification", pp->classification};
    if (pp && pp->author) f[n++] = (bp_pdf_field){"Author", pp->author};
    /* a front sheet states the paper's purpose; the summary page opens with what it asks */
    if (pp && pp->purpose) f[n++] = (bp_pdf_field){"Purpose", pp->purpose};
    bp_date_format_long(c->m->as_of, asof, sizeof asof);
    f[n++] = (bp_pdf_field){"Report year", yb};
    /* in-year: the closed month, as a finance committee names its monthly papers */
    /* cppcheck-suppress variableScope ; f keeps a pointer to it until the cover is drawn */
    char period[160];
    if (c->actual == BP_OUTTURN) {
        char mb[32];
        bool accounts = false;
        for (size_t i = 0; i < c->pack->nsections; i++)
            accounts |= c->pack->sections[i].kind == BP_SEC_MANAGEMENT_ACCOUNTS;
        bp_month_long(c->year, c->period, mb, sizeof mb);
        if (accounts) snprintf(period, sizeof period, "Management accounts to the end of %s", mb);
        else snprintf(period, sizeof period, "Figures to the end of %s, with the forecast outturn "
                      "for %s", mb, yb);
        f[n++] = (bp_pdf_field){"Period", period};
    }
    f[n++] = (bp_pdf_field){"Figures as at", asof};
    /* a governing body's pack is for the members of what the trust calls its local tier,
     * as its headings name it, unless the template says who */
    char members[160];
    pk_tier(c, false, members + 15, sizeof members - 15);
    memcpy(members, "Members of the ", 15);
    if (c->pack->audience) f[n++] = (bp_pdf_field){"For", c->pack->audience};
    else if (c->lgb) f[n++] = (bp_pdf_field){"For", members};
    if (!pp) f[n++] = (bp_pdf_field){"Paper details", "none: papers.csv has no row for this pack, so "
                                                      "it names no meeting, reference or author"};
    char kind[160];
    pk_tier(c, true, kind, sizeof kind - 8);
    strcat(kind, " pack");
    /* the board's own pack, else a committee's (finance, quality, a template's own) */
    const char *paper = c->lgb ? kind : strcmp(c->pack->id, "board") == 0 ? "Board pack" : "Committee pack";
    bp_pdf_cover(c->pdf, c->m->name, title, paper, f, n);
}

/* The institution of the i-th item of a list (-1: none), for by_inst. */
typedef int (*inst_of)(const bp_session *s, size_t i);

static int exception_inst(const bp_session *s, size_t i)
{
    const bp_result *x = s->results.exceptions[i];
    return x->scope == BP_SCOPE_INSTITUTION ? x->entity : -1;
}

/* A result cleared since the last pack, of an institution (an LGB pack lists its own) */
static int cleared_inst(const bp_session *s, size_t i)
{
    const bp_result *r = &s->results.results[i];
    return r->scope == BP_SCOPE_INSTITUTION && r->movement == BP_MV_CLEARED ? r->entity : -1;
}

static int course_inst(const bp_session *s, size_t i)
{
    return s->model.courses[s->results.courses[i].course].inst;
}

static int priority_inst(const bp_session *s, size_t i)
{
    return s->model.priorities[i].inst;
}

static int action_inst(const bp_session *s, size_t i)
{
    return s->model.actions[i].inst;
}

/* The n items' places by institution: counted, then placed in order, so that each
 * institution's are ascending. */
static bp_err by_inst(const bp_session *s, size_t n, inst_of of, pk_by_inst *out)
{
    size_t ninsts = s->model.ninsts, total = 0;
    out->at = calloc(ninsts + 1, sizeof *out->at);
    if (!out->at) return BP_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        int inst = of(s, i);
        if (inst >= 0 && (size_t)inst < ninsts) out->at[inst + 1]++, total++;
    }
    for (size_t i = 0; i < ninsts; i++) out->at[i + 1] += out->at[i];
    out->v = malloc((total ? total : 1) * sizeof *out->v);
    size_t *next = malloc((ninsts ? ninsts : 1) * sizeof *next);
    if (!out->v || !next) {
        free(next);
        return BP_ERR_NOMEM;
    }
    memcpy(next, out->at, ninsts * sizeof *next);
    for (size_t i = 0; i < n; i++) {
        int inst = of(s, i);
        if (inst >= 0 && (size_t)inst < ninsts) out->v[next[inst]++] = i;
    }
    free(next);
    return BP_OK;
}

static int lgb_member_cmp(const void *pa, const void *pb)
{
    const struct pk_lgb_member *a = pa, *b = pb;
    int d = strcmp(a->lgb, b->lgb);
    return d ? d : (a->inst > b->inst) - (a->inst < b->inst);
}

/* The institutions by governing body; the phases' sizes. */
static bp_err by_lgb(const bp_model *m, bp_packpdf_index *ix)
{
    ix->by_lgb = malloc((m->ninsts ? m->ninsts : 1) * sizeof *ix->by_lgb);
    if (!ix->by_lgb) return BP_ERR_NOMEM;
    for (size_t i = 0; i < m->ninsts; i++) {
        if ((int)i == m->central) continue;
        if (m->insts[i].lgb) ix->by_lgb[ix->nby_lgb++] = (struct pk_lgb_member){m->insts[i].lgb, (int)i};
        if ((unsigned)m->insts[i].phase < BP_PHASE_COUNT) ix->phase_members[m->insts[i].phase]++;
    }
    if (ix->nby_lgb > 1) qsort(ix->by_lgb, ix->nby_lgb, sizeof *ix->by_lgb, lgb_member_cmp);
    return BP_OK;
}

/* The run of a governing body's institutions in the index: from *first, how many. */
static size_t lgb_run(const bp_packpdf_index *ix, const char *lgb, size_t *first)
{
    size_t lo = 0, hi = ix->nby_lgb;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix->by_lgb[mid].lgb, lgb) < 0) lo = mid + 1;
        else hi = mid;
    }
    size_t end = lo;
    while (end < ix->nby_lgb && strcmp(ix->by_lgb[end].lgb, lgb) == 0) end++;
    *first = lo;
    return end - lo;
}

bp_err bp_packpdf_index_make(const bp_session *s, bp_packpdf_index **out)
{
    bp_packpdf_index *ix = calloc(1, sizeof *ix);
    *out = NULL;
    if (!ix) return BP_ERR_NOMEM;
    ix->ninsts = s->model.ninsts;
    bp_err err = by_inst(s, s->results.nexceptions, exception_inst, &ix->exc);
    if (err == BP_OK) err = by_inst(s, s->results.nresults, cleared_inst, &ix->cleared);
    if (err == BP_OK) err = by_inst(s, s->results.ncourses, course_inst, &ix->courses);
    if (err == BP_OK) err = by_inst(s, s->model.npriorities, priority_inst, &ix->priorities);
    if (err == BP_OK) err = by_inst(s, s->model.nactions, action_inst, &ix->actions);
    if (err == BP_OK) err = by_lgb(&s->model, ix);
    ix->member = calloc(ix->ninsts ? ix->ninsts : 1, sizeof *ix->member);
    if (err == BP_OK && !ix->member) err = BP_ERR_NOMEM;
    for (size_t i = 0; i < s->model.ninsts && !ix->budget; i++) {
        bp_num v;
        ix->budget = bp_model_sum(&s->model, (int)i, s->year, BP_BUDGET, "income", false, &v)
                     || bp_model_sum(&s->model, (int)i, s->year, BP_BUDGET, "exp", false, &v);
    }
    /* the trends' years: the report year and the two before it with any institution's
     * income (the report year's in its actuals' stead, as bp_packpdf_write takes them) */
    int iy_year = 0, iy_period = 0;
    bp_scenario actual = bp_inyear_mode(&s->results, &iy_year, &iy_period) && iy_year == s->year
                         ? BP_OUTTURN : BP_ACTUAL;
    for (int y = s->year - 2; y <= s->year; y++) {
        bool any = false;
        for (size_t i = 0; i < s->model.ninsts && !any; i++) {
            bp_num v;
            any = bp_model_sum(&s->model, (int)i, y, y == s->year ? actual : BP_ACTUAL, "income", false, &v);
        }
        if (any) ix->trend_years[ix->ntrend_years++] = y;
    }
    if (err != BP_OK) {
        bp_packpdf_index_free(ix);
        return err;
    }
    *out = ix;
    return BP_OK;
}

void bp_packpdf_index_free(bp_packpdf_index *ix)
{
    if (!ix) return;
    pk_by_inst *all[] = {&ix->exc, &ix->cleared, &ix->courses, &ix->priorities, &ix->actions};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        free(all[i]->at);
        free(all[i]->v);
    }
    free(ix->by_lgb);
    free(ix->member);
    free(ix);
}

bp_err bp_packpdf_write(const bp_session *s, bp_packpdf_index *ix, const bp_pack *pack,
                        const char *lgb, int64_t epoch, const char *fonts_dir, FILE *fp,
                        bp_diags *diags)
{
    pk_ctx c;
    memset(&c, 0, sizeof c);
    c.s = s;
    c.ix = ix;
    c.m = &s->model;
    c.r = &s->results;
    c.pack = pack;
    c.lgb = lgb;
    c.year = s->year;
    int iy_year = 0, iy_period = 0;
    c.actual = BP_ACTUAL;
    if (bp_inyear_mode(c.r, &iy_year, &iy_period) && iy_year == c.year) {
        c.actual = BP_OUTTURN;
        c.period = iy_period;
    }
    bool toward = false;
    c.units = bp_pack_money_units(pack, c.m);
    c.toward = &toward;
    /* the document's institutions in model order: a governing body's its run in the
     * index (a walk of the trust's for each of its hundreds of packs would be quadratic),
     * a trust's every one but the centre */
    size_t first = 0, nsel = lgb ? lgb_run(ix, lgb, &first) : c.m->ninsts;
    c.insts = calloc(nsel ? nsel : 1, sizeof *c.insts);
    c.shown = calloc(c.s->kpis.count ? c.s->kpis.count : 1, sizeof *c.shown);
    if (!c.insts || !c.shown) {
        free(c.insts);
        free(c.shown);
        return BP_ERR_NOMEM;
    }
    for (size_t i = 0; lgb && i < nsel; i++) c.insts[c.ninsts++] = ix->by_lgb[first + i].inst;
    for (size_t i = 0; !lgb && i < nsel; i++)
        if ((int)i != c.m->central) c.insts[c.ninsts++] = (int)i;
    c.member = ix->member;
    for (size_t i = 0; i < c.ninsts; i++) c.member[c.insts[i]] = true;
    /* The committee's title; an LGB pack names its body by its institutions, and is
     * called what the trust calls its local tier unless its template gives a title. */
    char title[512], tier[128];
    pk_tier(&c, true, tier, sizeof tier);
    const char *ptitle = pack->title ? pack->title : tier;
    if (lgb) {
        size_t n = (size_t)snprintf(title, sizeof title, "%s: ", ptitle);
        for (size_t i = 0; i < c.ninsts && n < sizeof title; i++)
            n += (size_t)snprintf(title + n, sizeof title - n, "%s%s",
                                  i == 0 ? "" : i + 1 == c.ninsts ? " and " : ", ",
                                  c.m->insts[c.insts[i]].name);
    } else {
        snprintf(title, sizeof title, "%s", ptitle);
    }
    const bp_paper *pp = bp_model_paper(c.m, pack->id);
    char yb[16], subject[256];
    bp_year_format(c.year, yb, sizeof yb);
    snprintf(subject, sizeof subject, "%s %s: KPIs against the trust's targets", ptitle, yb);
    /* the document's title names the paper, the trust and the meeting (a reader's window
     * shows it: PDF/UA, docs/accessibility.md) */
    char doc_title[1024], meeting[64] = "";
    if (pp && pp->has_meeting_date)
        bp_date_format_long(pp->meeting_date, meeting, sizeof meeting);
    const char *when = pp && pp->has_meeting_date ? meeting : pp && pp->meeting ? pp->meeting : "";
    /* the title may end inside a character (cut to its buffer): whole characters only */
    snprintf(doc_title, sizeof doc_title, "%.*s, %s%s%s", (int)bp_utf8_whole(title, strlen(title)),
             title, c.m->name, *when ? ", " : "", when);
    bp_pdf_options o;
    memset(&o, 0, sizeof o);
    o.header_left = c.m->name;
    o.header_right = lgb ? title : ptitle;
    o.footer_left = pp && pp->classification ? pp->classification : NULL;
    o.title = title;
    o.doc_title = doc_title;
    o.author = pp && pp->author ? pp->author : c.m->name;
    o.subject = subject;
    o.keywords = "board pack, KPIs, multi-academy trust";
    o.epoch = epoch;
    o.fonts_dir = fonts_dir;
    /* The cheapest fonts first; dearer ones only if some text needs them. */
    bp_err err = BP_OK;
    o.fonts = BP_PDF_FONTS_WINANSI;
    for (;;) {
        c.section = c.appendix = 0;
        c.page_after = false;
        c.nspill = 0;
        c.key_section = 0;
        c.score_key = 0;
        c.charts = 0;
        toward = false;
        memset(c.shown, 0, (c.s->kpis.count ? c.s->kpis.count : 1) * sizeof *c.shown);
        err = bp_pdf_new(&c.pdf, &o, diags);
        if (err != BP_OK) break;
        cover(&c, title);
        bp_pdf_contents(c.pdf);
        for (size_t i = 0; i < pack->nsections; i++) {
            if (pack->sections[i].appendix) flush_spills(&c);
            section(&c, &pack->sections[i]);
        }
        flush_spills(&c);
        bp_pdf_fonts needed = bp_pdf_fonts_needed(c.pdf);
        if (needed < o.fonts) {
            bp_pdf_free(c.pdf);
            c.pdf = NULL;
            o.fonts = needed;
            continue;
        }
        err = bp_pdf_write(c.pdf, fp, diags);
        bp_pdf_free(c.pdf);
        break;
    }
    for (size_t i = 0; i < c.ninsts; i++) c.member[c.insts[i]] = false;   /* for the next */
    free(c.insts);
    free(c.shown);
    return err;
}
