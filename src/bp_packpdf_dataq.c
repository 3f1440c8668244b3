/* bp_packpdf_dataq: the data problems of a document in words (bp_packpdf_dataq.h): a
 * line each on the summary page, a note at the top of the section where each bites, and
 * the detail in the data-quality appendix - every one from the same condition. */
#include "bp_packpdf_dataq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_format.h"
#include "bp_inyear.h"
#include "bp_previous.h"

void pk_lines_free(pk_lines *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static void add_line(pk_lines *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        char **nv = realloc(l->v, cap * sizeof *nv);
        if (!nv) return;
        l->v = nv;
        l->cap = cap;
    }
    char *d = strdup(s);
    if (d) l->v[l->n++] = d;
}

/* --previous naming a pack later than this one (a later year, or the same with a later
 * period): the comparison runs backwards, which the movements cannot say themselves. */
static bool later_pack_words(const pk_ctx *c, char *buf, size_t size)
{
    if (!c->r->previous || !c->r->previous->later) return false;
    char name[300], yb[32];
    bp_format_previous_pack(c->r, name, sizeof name);
    bp_year_format(c->year, yb, sizeof yb);
    snprintf(buf, size, "The previous pack this paper is compared with, %s, is later than this "
             "one (%s): \"since the last pack\" compares these figures with later ones, so a "
             "movement reads backwards in time.", name, yb);
    return true;
}

/* A ledger file whose actual trial balance does not balance, in one sentence: each year
 * and period with its debits, credits and difference (bp_ledger's warnings). */
static bool unbalanced_words(const bp_model *m, const bp_ledger_totals *l, char *buf, size_t size)
{
    if (!l->nunbalanced) return false;
    size_t k = (size_t)snprintf(buf, size, "The actual trial balance in %s does not balance ",
                                m->inputs[l->input].name);
    for (size_t i = 0; i < l->nunbalanced && k < size; i++) {
        const bp_ledger_unbalanced *u = &l->unbalanced[i];
        char yb[16], per[24] = "(the whole year)", dr[48], cr[48], diff[48];
        bp_year_format(u->year, yb, sizeof yb);
        if (u->period) snprintf(per, sizeof per, "M%02d", u->period);
        pk_pence_text(u->debits, dr, sizeof dr);
        pk_pence_text(u->credits, cr, sizeof cr);
        pk_pence_text(u->debits - u->credits, diff, sizeof diff);
        k += (size_t)snprintf(buf + k, size - k, "%sfor %s %s: debits %s and credits %s, a "
                              "difference of %s", i ? "; " : "", yb, per, dr, cr, diff);
    }
    if (k < size)
        snprintf(buf + k, size - k, ". An export that does not balance has rows missing or "
                 "wrong, so the figures it gives may be too.");
    return true;
}

/* "A", "A and B", "A, B and C" of names; past `most` names, their count. */
static void name_list(const char *const *names, size_t n, size_t most, const char *what,
                      char *buf, size_t size)
{
    size_t k = 0;
    buf[0] = '\0';
    if (n > most) {
        snprintf(buf, size, "%zu %s", n, what);
        return;
    }
    for (size_t i = 0; i < n && k < size; i++)
        k += (size_t)snprintf(buf + k, size - k, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ",
                              names[i]);
}

static const char *inst_name(const pk_ctx *c, int inst)
{
    return inst == c->m->central ? "the central services" : c->m->insts[inst].name;
}

static const char *scenario_words(bp_scenario s)
{
    return s == BP_ACTUAL ? "actuals" : s == BP_BUDGET ? "budget" : "forecast";
}

/* The institutions whose figures the document shows: its own, and in a trust's pack the
 * centre too. */
static bool in_document(const pk_ctx *c, int inst)
{
    return inst == c->m->central ? !c->lgb : pk_has_inst(c, inst);
}

/* The number of the template's main section of this kind as drawn (an in-year section
 * left out is not counted), 0 when it has none. */
static int section_number(const pk_ctx *c, bp_section_kind kind)
{
    int n = 0;
    for (size_t i = 0; i < c->pack->nsections; i++) {
        const bp_section *s = &c->pack->sections[i];
        if (s->appendix || !pk_inyear_shown(c, s->kind)) continue;
        n++;
        if (s->kind == kind) return n;
    }
    return 0;
}

/* ---- budget lines missing against actuals ---- */

bool pk_dq_budget_short(const pk_ctx *c, int inst, size_t *lines, size_t *budgeted)
{
    size_t nl = 0, gaps = 0;
    /* whether the trust has a budget at all: the session's index, worked out once */
    if (c->ix->budget) gaps = bp_model_budget_gaps(c->m, inst, c->year, &nl, NULL, 0);
    if (lines) *lines = nl;
    if (budgeted) *budgeted = nl - gaps;
    return gaps > 0;
}

/* The document's institutions with short budgets ("Moorside High School (7 of its 21
 * lines)", with_counts) into buf; how many there are. */
static size_t short_budgets(const pk_ctx *c, bool with_counts, char *buf, size_t size)
{
    size_t n = 0, k = 0;
    /* as many as the document has institutions (a governing body's few) */
    char (*parts)[200] = calloc(pk_doc_count(c) + 1, sizeof *parts);
    const char **names = calloc(pk_doc_count(c) + 1, sizeof *names);
    buf[0] = '\0';
    if (!parts || !names) {
        free(parts);
        free(names);
        return 0;
    }
    for (size_t d = 0; d < pk_doc_count(c); d++) {
        size_t i = (size_t)pk_doc_inst(c, d);
        size_t lines, budgeted;
        if (!in_document(c, (int)i) || !pk_dq_budget_short(c, (int)i, &lines, &budgeted)) continue;
        if (!with_counts) snprintf(parts[n], sizeof parts[n], "%s", inst_name(c, (int)i));
        else if (!budgeted) snprintf(parts[n], sizeof parts[n], "%s (no budget at all)", inst_name(c, (int)i));
        else snprintf(parts[n], sizeof parts[n], "%s (%zu of %s%zu lines)", inst_name(c, (int)i), budgeted,
                      k++ ? "" : "its ", lines);
        names[n] = parts[n];
        n++;
    }
    name_list(names, n, 6, "institutions", buf, size);
    free(parts);
    free(names);
    return n;
}

bool pk_dq_budget_note(pk_ctx *c)
{
    char who[1600], yb[16], buf[2200];
    size_t n = short_budgets(c, true, who, sizeof who);
    if (!n) return false;
    bp_year_format(c->year, yb, sizeof yb);
    snprintf(buf, sizeof buf,
             "The budget is incomplete. The %s budget%s of %s leave%s out lines that have actuals, "
             "so %s totals are not compared with the actuals (a variance would show only the "
             "lines left out)%s: those rows say \xE2\x80\x9Cnot compared\xE2\x80\x9D. The lines "
             "with an actual and no budget are listed at the end of this section.",
             yb, n == 1 ? "" : "s", who, n == 1 ? "s" : "", n == 1 ? "its" : "their",
             c->lgb ? "" : ", and nor is the consolidated trust's");
    bp_pdf_status_paragraph(c->pdf, BP_PDF_TINT_AMBER, buf);
    return true;
}

/* A line's code in words: "Staff costs: admin" for exp.staff.admin, "DfE grants: 16-19"
 * for income.esfa.16_19; a code of no known category as written. */
static void line_words(const char *code, char *buf, size_t size)
{
    static const char *const pre[] = {"income.esfa", "income.gov", "income.self", "income.internal",
                                      "exp.staff", "exp.nonpay", "exp.internal", "income", "exp"};
    static const char *const name[] = {"DfE grants", "Other public funding", "Self-generated income",
                                       "Internal income", "Staff costs", "Non-pay costs",
                                       "Central charge", "Income", "Expenditure"};
    for (size_t i = 0; i < sizeof pre / sizeof *pre; i++) {
        size_t n = strlen(pre[i]);
        if (strncmp(code, pre[i], n) != 0 || (code[n] != '.' && code[n] != '\0')) continue;
        if (!code[n] || !code[n + 1]) {
            snprintf(buf, size, "%s", name[i]);
            return;
        }
        int k = snprintf(buf, size, "%s: ", name[i]);
        for (const char *p = code + n + 1; *p && k >= 0 && (size_t)k + 1 < size; p++)
            buf[k++] = *p == '.' ? ' ' : *p != '_' ? *p
                       : p > code && p[-1] >= '0' && p[-1] <= '9' && p[1] >= '0' && p[1] <= '9' ? '-' : ' ';
        if (k >= 0 && (size_t)k < size) buf[k] = '\0';
        return;
    }
    snprintf(buf, size, "%s", code);
}

void pk_dq_budget_lines(pk_ctx *c)
{
    bool any = false;
    bp_pdf_table *t = NULL;
    for (size_t d = 0; d < pk_doc_count(c); d++) {
        size_t i = (size_t)pk_doc_inst(c, d);
        size_t lines;
        if (!in_document(c, (int)i) || !pk_dq_budget_short(c, (int)i, &lines, NULL)) continue;
        const bp_fact **miss = calloc(lines ? lines : 1, sizeof *miss);
        if (!miss) continue;
        size_t n = bp_model_budget_gaps(c->m, (int)i, c->year, &lines, miss, lines);
        if (!any) {
            bp_pdf_heading(c->pdf, 2, "Lines with an actual and no budget", false);
            char h[48];
            bp_pdf_col cols[] = {{"Institution", 3.2f, BP_PDF_LEFT}, {"Line", 3.4f, BP_PDF_LEFT},
                                 {pk_money_head(c, "Actual", h, sizeof h), 2, BP_PDF_RIGHT},
                                 {"Budget", 1.6f, BP_PDF_RIGHT}};
            t = bp_pdf_table_begin(c->pdf, cols, 4, BP_PDF_SMALL);
            any = true;
        }
        /* income first, as the tables above */
        for (int pass = 0; pass < 2; pass++) {
            for (size_t j = 0; j < n && j < lines; j++) {
                if (bp_code_under(miss[j]->code, "income") != (pass == 0)) continue;
                char what[160], money[48];
                line_words(miss[j]->code, what, sizeof what);
                pk_money(c, miss[j]->value, money, sizeof money);
                bp_pdf_cell row[4] = {{c->m->insts[i].name, BP_PDF_TINT_NONE, false, false},
                                      {what, BP_PDF_TINT_NONE, false, false},
                                      {money, BP_PDF_TINT_NONE, false, false},
                                      {"no budget", BP_PDF_TINT_AMBER, false, false}};
                bp_pdf_table_row(t, row);
            }
        }
        free(miss);
    }
    if (t) bp_pdf_table_end(t);
}

/* ---- internal transfers ---- */

const bp_unreconciled *pk_dq_unreconciled(const pk_ctx *c, int year, bp_scenario s)
{
    for (size_t i = 0; i < c->r->nunreconciled; i++)
        if (c->r->unreconciled[i].year == year && c->r->unreconciled[i].scenario == s)
            return &c->r->unreconciled[i];
    return NULL;
}

/* "in the 2022/23 actuals the centre records £712,346 of central-charge income and the
 * institutions £725,000 paid, £12,654 apart" (whole pounds, as the board's tables) */
static void unreconciled_words(const pk_ctx *c, const bp_unreconciled *u, char *buf, size_t size)
{
    char yb[16], a[48], b[48], d[48];
    bp_year_format(u->year, yb, sizeof yb);
    bp_format_money_as(u->income, BP_MONEY_POUNDS, a, sizeof a);
    bp_format_money_as(u->exp, BP_MONEY_POUNDS, b, sizeof b);
    int64_t diff = u->income > u->exp ? u->income - u->exp : u->exp - u->income;
    bp_format_money_as(diff, BP_MONEY_POUNDS, d, sizeof d);
    (void)c;
    snprintf(buf, size, "in the %s %s the centre records %s of central-charge income and the "
             "institutions %s paid, %s apart", yb, scenario_words(u->scenario), a, b, d);
}

bool pk_dq_reconcile_note(pk_ctx *c)
{
    const bp_unreconciled *u = c->lgb ? NULL : pk_dq_unreconciled(c, c->year, BP_ACTUAL);
    if (!u) return false;
    char w[400], buf[700];
    unreconciled_words(c, u, w, sizeof w);
    snprintf(buf, sizeof buf, "Internal transfers do not reconcile: %s. The consolidated trust's "
             "income and expenditure eliminate each side as recorded, so its result differs from "
             "the sum of the parts by that amount until the two are corrected; the row of "
             "internal transfers is marked.", w);
    bp_pdf_status_paragraph(c->pdf, BP_PDF_TINT_AMBER, buf);
    return true;
}

/* ---- the central charge ---- */

/* The institutions of the document in the charge with no pupils on roll for it, listed
 * in buf; how many. */
static size_t charge_unweighted(const pk_ctx *c, const bp_charge *ch, char *buf, size_t size)
{
    const char **names = calloc(ch->nlines + 1, sizeof *names);
    size_t n = 0;
    buf[0] = '\0';
    if (!names) return 0;
    for (size_t l = 0; l < ch->nlines; l++) {
        const bp_charge_line *ln = &ch->lines[l];
        bp_num v;
        /* an institution with no figures for the year (one yet to join) is no gap */
        if (ln->has_roll || !in_document(c, ln->inst)
            || !(ln->has_charged || bp_model_sum(c->m, ln->inst, ch->year, ch->scenario, "income", false, &v)))
            continue;
        names[n++] = c->m->insts[ln->inst].name;
    }
    name_list(names, n, 4, "institutions", buf, size);
    free(names);
    return n;
}

/* The charges the packs show: the report year's actual and the later plans. */
static bool charge_shown(const pk_ctx *c, const bp_charge *ch)
{
    return ch->year == c->year ? ch->scenario == c->actual : ch->year > c->year;
}

/* The charge's problem in a sentence (beginning with "The"), or false: of a charge the
 * packs show, or (any_year) of any charge that could not be shared, as the warnings. */
static bool charge_words(const pk_ctx *c, const bp_charge *ch, bool any_year, char *buf, size_t size)
{
    char yb[16], tot[48], who[800];
    if (!charge_shown(c, ch) && !(any_year && !ch->shared)) return false;
    bp_year_format(ch->year, yb, sizeof yb);
    bp_format_money_as(ch->total, BP_MONEY_POUNDS, tot, sizeof tot);
    if (!ch->shared) {
        snprintf(buf, size, "The central charge of the %s %s (%s) cannot be shared: it is shared "
                 "by pupils on roll, and no institution has any recorded for it%s.", yb,
                 scenario_words(ch->scenario), tot,
                 ch->scenario == BP_ACTUAL ? "" : " or for that year's actuals");
        return true;
    }
    size_t n = charge_unweighted(c, ch, who, sizeof who);
    if (!n) return false;
    snprintf(buf, size, "The central charge of the %s %s is shared without %s: %s no pupils on "
             "roll recorded for it, so %s share is nil and the others carry %s part.", yb,
             scenario_words(ch->scenario), who, n == 1 ? "it has" : "they have",
             n == 1 ? "its" : "their", n == 1 ? "its" : "their");
    return true;
}

bool pk_dq_charge_note(pk_ctx *c, const bp_charge *ch)
{
    char buf[1200];
    if (!charge_words(c, ch, false, buf, sizeof buf)) return false;
    bp_pdf_status_paragraph(c->pdf, BP_PDF_TINT_AMBER, buf);
    return true;
}

/* ---- the summary's data warnings ---- */

/* The years after the report year lacking a budget or forecast from institutions of the
 * document (bp_lacks_plan, the warning's own condition): a line each. */
static void missing_plans(pk_ctx *c, pk_lines *out)
{
    const char **names = calloc(pk_doc_count(c) + 1, sizeof *names);
    if (!names) return;
    for (int y = c->year + 1; y <= c->year + 3; y++) {
        size_t n = 0, of = 0;
        for (size_t d = 0; d < pk_doc_count(c); d++) {
            size_t i = (size_t)pk_doc_inst(c, d);
            bool lacks = bp_lacks_plan(c->m, (int)i, c->year, y);
            bp_num v;
            bool fin = false;
            for (int s = 0; s < BP_SCENARIO_COUNT && !fin; s++)
                fin = bp_model_sum(c->m, (int)i, c->year, (bp_scenario)s, "income", false, &v);
            of += fin;
            if (lacks) names[n++] = inst_name(c, (int)i);
        }
        if (!n) continue;
        char yb[16], who[1200], buf[1400];
        bp_year_format(y, yb, sizeof yb);
        bool centre = false;
        for (size_t i = 0; i < n; i++) centre |= strcmp(names[i], "the central services") == 0;
        if (n == of && n > 2)
            snprintf(who, sizeof who, "any of the %zu institutions%s", centre ? n - 1 : n,
                     centre ? " or the central services" : "");
        else name_list(names, n, 3, "institutions", who, sizeof who);
        snprintf(buf, sizeof buf, "There is no budget or forecast for %s from %s, so that year's "
                 "figures are incomplete.", yb, who);
        add_line(out, buf);
    }
    free(names);
}

/* ---- in-year ---- */

/* "SFC exp.nonpay.cpd, exp.nonpay.ict": an institution's id and codes, as the warnings
 * of boardpack check give them; false for none. */
static bool code_list(const pk_ctx *c, int inst, const char **codes, size_t n, bool flows,
                      char *buf, size_t size)
{
    size_t k = (size_t)snprintf(buf, size, "%s", c->m->insts[inst].id), shown = 0;
    for (size_t i = 0; i < n && k < size; i++) {
        if (flows && bp_code_is_balance(codes[i])) continue;
        k += (size_t)snprintf(buf + k, size - k, "%s%s", shown++ ? ", " : " ", codes[i]);
    }
    return shown > 0;
}

static void inyear_ma(const pk_ctx *c, pk_lines *out)
{
    char list[1200], buf[2000], mb[32];
    for (size_t d = 0; d < pk_doc_count(c); d++) {
        size_t i = (size_t)pk_doc_inst(c, d);
        if (!in_document(c, (int)i)) continue;
        const char *id = c->m->insts[i].id;
        const char **codes = NULL;
        size_t n = bp_inyear_unprofiled_codes(c->r, (int)i, &codes);
        if (code_list(c, (int)i, codes, n, false, list, sizeof list)) {
            snprintf(buf, sizeof buf, "%s's budget for %s is for the whole year (budget not profiled "
                     "by month: %s), so the budget to date of the lines that hold %s, %s's "
                     "expenditure%s, is shown as not profiled rather than spread by twelfths.", id,
                     n == 1 ? "one line" : "some lines", list, n == 1 ? "it" : "them", id,
                     c->lgb ? "" : " and the trust's");
            add_line(out, buf);
        }
        free(codes);
        codes = NULL;
        n = bp_inyear_forecast_codes(c->r, (int)i, &codes);
        if (code_list(c, (int)i, codes, n, true, list, sizeof list)) {
            snprintf(buf, sizeof buf, "Outturn from a whole-year forecast: %s - the outturn of %s is "
                     "the forecast for the year, not the actuals to date with the months to come.",
                     list, n == 1 ? "that line" : "those lines");
            add_line(out, buf);
        }
        free(codes);
        unsigned miss = c->m->missing ? c->m->missing[i] : 0;
        if (!miss) continue;
        size_t k = 0;
        char months[400];
        months[0] = '\0';
        for (int m = 1; m <= c->period && k < sizeof months; m++) {
            if (!(miss & (1u << (m - 1)))) continue;
            char b[8];
            bp_month_format(m, b, sizeof b);
            bp_month_long(c->year, m, mb, sizeof mb);
            k += (size_t)snprintf(months + k, sizeof months - k, "%s%s (%s)", k ? ", " : "", b, mb);
        }
        snprintf(buf, sizeof buf, "Months missing from the actuals: %s has no actuals for %s, so the "
                 "year to date and the outturn of %s, of its phase and of the trust cannot be formed "
                 "and show no data until finance.csv has %s.", id, months, id,
                 k > 20 ? "those months" : "that month");
        add_line(out, buf);
    }
}

static void inyear_cash(const pk_ctx *c, pk_lines *out)
{
    size_t n = 0;
    const bp_cashflow *cfs = bp_inyear_cashflows(c->r, &n);
    for (size_t i = 0; i < n; i++) {
        const bp_cashflow *cf = &cfs[i];
        if (cf->inst < 0 ? c->lgb != NULL : !in_document(c, cf->inst)) continue;
        for (int m = 1; m <= 12; m++) {
            const bp_cash_month *x = &cf->months[m - 1];
            if (!x->ok || !x->has_balance || !x->difference) continue;
            char mb[32], b[8], d[48], buf[600];
            bp_month_long(cf->year, m, mb, sizeof mb);
            bp_month_format(m, b, sizeof b);
            pk_pence_text(x->difference < 0 ? -x->difference : x->difference, d, sizeof d);
            snprintf(buf, sizeof buf, "Cash does not reconcile for %s at the end of %s (%s): the "
                     "balance given (bs.cash) is %s %s than the opening balance plus receipts less "
                     "payments; the cash flow carries the balance given.",
                     cf->inst < 0 ? "the trust" : c->m->insts[cf->inst].id, mb, b, d,
                     x->difference > 0 ? "more" : "less");
            add_line(out, buf);
        }
    }
}

static void balance_words(const pk_ctx *c, const char *who, const bp_balance_sheet *b, const char *when,
                          pk_lines *out)
{
    if (!b->checked || !b->difference) return;
    char d[48], buf[600];
    pk_pence_text(b->difference, d, sizeof d);
    snprintf(buf, sizeof buf, "The balance sheet of %s is out of balance at %s: net assets less "
             "funds (the reserves) is %s.", who, when, d);
    (void)c;
    add_line(out, buf);
}

static void inyear_balance(const pk_ctx *c, pk_lines *out)
{
    char now[64], last[64], mb[32];
    bp_month_long(c->year, c->period ? c->period : 12, mb, sizeof mb);
    snprintf(now, sizeof now, "the end of %s", mb);
    bp_month_long(c->year - 1, 12, mb, sizeof mb);
    snprintf(last, sizeof last, "the end of %s", mb);
    bp_balance_sheet a, b;
    if (!c->lgb) {
        bp_inyear_balance_sheet(c->r, (bp_entity){BP_SCOPE_TRUST, 0}, &a, &b);
        balance_words(c, "the trust", &a, now, out);
        balance_words(c, "the trust", &b, last, out);
    }
    for (size_t d = 0; d < pk_doc_count(c); d++) {
        size_t i = (size_t)pk_doc_inst(c, d);
        if (!in_document(c, (int)i)) continue;
        bp_inyear_balance_sheet(c->r, (bp_entity){BP_SCOPE_INSTITUTION, (int)i}, &a, &b);
        balance_words(c, c->m->insts[i].id, &a, now, out);
        balance_words(c, c->m->insts[i].id, &b, last, out);
    }
}

void pk_dq_inyear(const pk_ctx *c, unsigned kinds, pk_lines *out)
{
    if ((kinds & PK_DQ_MA) && c->actual == BP_OUTTURN) inyear_ma(c, out);
    if (kinds & PK_DQ_CASH) inyear_cash(c, out);
    if (kinds & PK_DQ_BALANCE) inyear_balance(c, out);
}

static size_t comments_not_shown(const pk_ctx *c)
{
    size_t n = 0;
    for (size_t i = 0; c->r->comment_shown && i < c->m->ncomments; i++) n += !c->r->comment_shown[i];
    return n;
}

void pk_dq_summary(pk_ctx *c, const bp_paper *pp, pk_lines *out)
{
    pk_lines l = {NULL, 0, 0};
    char buf[2400];
    if (!pp) {
        snprintf(buf, sizeof buf, "papers.csv has no row for this pack (%s), so the paper names no "
                 "meeting, purpose or recommendation.", c->pack->id);
        add_line(&l, buf);
    }
    /* every year of the paper whose transfers do not reconcile, in one sentence */
    size_t k = 0, nu = 0;
    for (size_t i = 0; i < c->r->nunreconciled && k < sizeof buf; i++) {
        const bp_unreconciled *u = &c->r->unreconciled[i];
        if (c->lgb || u->year < c->year || (u->year == c->year) != (u->scenario == BP_ACTUAL)) continue;
        char w[400];
        unreconciled_words(c, u, w, sizeof w);
        k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s", nu++ ? "; and " : "The central charge "
                              "does not reconcile: ", w);
    }
    if (nu && k < sizeof buf) {
        snprintf(buf + k, sizeof buf - k, ", so the trust's consolidated figures are out by %s.",
                 nu == 1 ? "that amount" : "those amounts");
        add_line(&l, buf);
    }
    missing_plans(c, &l);
    if (later_pack_words(c, buf, sizeof buf)) add_line(&l, buf);
    for (size_t i = 0; i < c->m->nledgers; i++)
        if (unbalanced_words(c->m, &c->m->ledgers[i], buf, sizeof buf)) add_line(&l, buf);
    pk_dq_inyear(c, PK_DQ_ALL, &l);
    char who[1600];
    if (short_budgets(c, true, who, sizeof who)) {
        char yb[16];
        int sec = section_number(c, BP_SEC_BUDGET_ACTUAL);
        char where[120] = "";
        if (sec) snprintf(where, sizeof where, "; section %d lists the lines", sec);
        bp_year_format(c->year, yb, sizeof yb);
        snprintf(buf, sizeof buf, "The %s budget is incomplete for %s: lines with actuals have no "
                 "budget, so budget and actual are not compared%s.", yb, who, where);
        add_line(&l, buf);
    }
    for (size_t i = 0; i < c->r->ncharges; i++) {
        const bp_charge *ch = &c->r->charges[i];
        if (charge_words(c, ch, false, buf, sizeof buf)) add_line(&l, buf);
    }
    bool appendix = false;
    for (size_t i = 0; i < c->pack->nsections; i++)
        appendix |= c->pack->sections[i].kind == BP_SEC_DATA_QUALITY;
    const char *listed = appendix ? "listed in the data-quality appendix" : "listed by boardpack check";
    size_t unshown = comments_not_shown(c);
    if (unshown) {
        snprintf(buf, sizeof buf, "%zu row%s of commentary %s on years this paper does not show, "
                 "so %s not printed (%s).", unshown, unshown == 1 ? "" : "s",
                 unshown == 1 ? "is" : "are", unshown == 1 ? "it is" : "they are", listed);
        add_line(&l, buf);
    }
    /* the other warnings the data set raised (those not worded above), by count: their
     * detail is the appendix's */
    size_t other = 0;
    for (size_t i = 0; i < c->s->diags.count; i++)
        other += c->s->diags.items[i].level == BP_DIAG_WARNING && !c->s->diags.items[i].plain;
    if (other) {
        snprintf(buf, sizeof buf, "%zu further warning%s about the input files (rows or columns "
                 "this paper does not use, and the like) %s %s.", other, other == 1 ? "" : "s",
                 other == 1 ? "is" : "are", listed);
        add_line(&l, buf);
    }
    if (!l.n)
        add_line(&l, c->lgb ? "None for these institutions: every year the paper shows has their "
                              "figures."
                            : "None: the internal transfers reconcile and every year the paper "
                              "shows has its figures.");
    *out = l;
}

/* ---- the data-quality appendix ---- */

static void item(pk_ctx *c, const char *text)
{
    bp_pdf_paragraph_indent(c->pdf, BP_PDF_BODY, 12, text);
}

bool pk_dq_appendix(pk_ctx *c)
{
    bool any = false;
    char buf[4000], yb[16];
    const bp_paper *pp = bp_model_paper(c->m, c->pack->id);
    if (!pp) {
        snprintf(buf, sizeof buf, "No paper details: papers.csv has no row whose pack is \xE2\x80\x9C%s\xE2\x80\x9D, "
                 "so the cover gives no meeting, reference, classification or author and the "
                 "summary no recommendation.", c->pack->id);
        item(c, buf);
        any = true;
    }
    for (size_t i = 0; i < c->r->nunreconciled; i++) {
        const bp_unreconciled *u = &c->r->unreconciled[i];
        char a[48], b[48], d[48];
        bp_year_format(u->year, yb, sizeof yb);
        pk_pence_text(u->income, a, sizeof a);
        pk_pence_text(u->exp, b, sizeof b);
        pk_pence_text(u->income - u->exp, d, sizeof d);
        snprintf(buf, sizeof buf, "Internal transfers do not reconcile in the %s %s: the centre's "
                 "central-charge income (income.internal) is %s and the institutions' central "
                 "charge (exp.internal) %s, a difference of %s. Consolidation eliminates each side "
                 "as recorded, so the trust's figures are out by the difference until finance.csv "
                 "is corrected.", yb, scenario_words(u->scenario), a, b, d);
        item(c, buf);
        any = true;
    }
    for (size_t d = 0; d < pk_doc_count(c); d++) {
        size_t i = (size_t)pk_doc_inst(c, d);
        size_t lines, budgeted;
        if (!in_document(c, (int)i) || !pk_dq_budget_short(c, (int)i, &lines, &budgeted)) continue;
        const bp_fact **miss = calloc(lines ? lines : 1, sizeof *miss);
        if (!miss) continue;
        size_t n = bp_model_budget_gaps(c->m, (int)i, c->year, &lines, miss, lines);
        int64_t inc = 0, exp = 0;
        size_t k;
        bp_year_format(c->year, yb, sizeof yb);
        k = (size_t)snprintf(buf, sizeof buf, "%s's %s budget covers %zu of the %zu income and "
                             "expenditure lines of its actuals. The %zu with no budget line are ",
                             c->m->insts[i].name, yb, budgeted, lines, n);
        for (size_t j = 0; j < n && k < sizeof buf; j++) {
            if (bp_code_under(miss[j]->code, "income")) inc += miss[j]->value;
            else exp += miss[j]->value;
            k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s", j ? ", " : "", miss[j]->code);
        }
        if (k < sizeof buf) {
            char a[48], b[48];
            pk_pence_text(inc, a, sizeof a);
            pk_pence_text(exp, b, sizeof b);
            snprintf(buf + k, sizeof buf - k, ": %s of actual income and %s of actual expenditure "
                     "that the budget does not hold (finance.csv, scenario budget).", a, b);
        }
        item(c, buf);
        free(miss);
        any = true;
    }
    if (later_pack_words(c, buf, sizeof buf)) {
        item(c, buf);
        any = true;
    }
    for (size_t i = 0; i < c->m->nledgers; i++)
        if (unbalanced_words(c->m, &c->m->ledgers[i], buf, sizeof buf)) {
            item(c, buf);
            any = true;
        }
    pk_lines plans = {NULL, 0, 0};
    missing_plans(c, &plans);
    for (size_t i = 0; i < plans.n; i++) item(c, plans.v[i]);
    any |= plans.n > 0;
    pk_lines_free(&plans);
    for (size_t i = 0; i < c->r->ncharges; i++) {
        const bp_charge *ch = &c->r->charges[i];
        if (!charge_words(c, ch, true, buf, sizeof buf - 200)) continue;
        size_t k = strlen(buf);
        char tot[48];
        pk_pence_text(ch->total, tot, sizeof tot);
        snprintf(buf + k, sizeof buf - k, " The centre's expenditure to share is %s; the pupils "
                 "are students.on_roll in students.csv.", tot);
        item(c, buf);
        any = true;
    }
    char rb[16];
    bp_year_format(c->year, rb, sizeof rb);
    for (size_t i = 0; c->r->comment_shown && i < c->m->ncomments; i++) {
        if (c->r->comment_shown[i]) continue;
        const bp_comment *cm = &c->m->comments[i];
        bp_year_format(cm->year, yb, sizeof yb);
        snprintf(buf, sizeof buf, "Commentary not printed: commentary.csv line %d is on %s for %s "
                 "in %s, a year this paper does not show (it shows %s and the budgets and "
                 "forecasts after it).", cm->line, cm->kpi && *cm->kpi ? cm->kpi : "a finance code",
                 cm->entity, yb, rb);
        item(c, buf);
        any = true;
    }
    pk_lines iy = {NULL, 0, 0};
    pk_dq_inyear(c, PK_DQ_ALL, &iy);
    for (size_t i = 0; i < iy.n; i++) item(c, iy.v[i]);
    any |= iy.n > 0;
    pk_lines_free(&iy);
    return any;
}

static void ledger_row(bp_pdf_table *t, const char *file, const char *what, const char *dc,
                       const char *facts)
{
    bp_pdf_cell row[4] = {{file, BP_PDF_TINT_NONE, false, false}, {what, BP_PDF_TINT_NONE, false, false},
                          {dc, BP_PDF_TINT_NONE, false, false}, {facts, BP_PDF_TINT_NONE, false, false}};
    bp_pdf_table_row(t, row);
}

void pk_dq_ledgers(pk_ctx *c)
{
    const bp_model *m = c->m;
    if (!m->nledgers) return;
    bp_pdf_heading(c->pdf, 2, "Ledger control totals", false);
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY,
                     "The finance figures come from the finance system's ledger exports through "
                     "the data set's mapping.csv. For each file: the rows read, and those skipped "
                     "or left out by the mapping; its debits and credits (subtotal lines aside); "
                     "for each family of codes, debit minus credit of the rows mapped to it and "
                     "the sum of the facts they make, after the sign of each rule (with the "
                     "year's result added to the reserve where the mapping says so); and what "
                     "each ignore rule left out.");
    bp_pdf_col cols[] = {{"Ledger file", 2.2f, BP_PDF_LEFT}, {"", 4.4f, BP_PDF_LEFT},
                         {"Debit - credit", 2.2f, BP_PDF_RIGHT}, {"Facts", 2.2f, BP_PDF_RIGHT}};
    bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, 4, BP_PDF_SMALL);
    for (size_t i = 0; i < m->nledgers; i++) {
        const bp_ledger_totals *l = &m->ledgers[i];
        char what[200], a[48], b[48];
        snprintf(what, sizeof what, "%zu rows read; %zu above the header, %zu zero rows of "
                 "unmapped accounts skipped, %zu ignored", l->rows, l->above, l->zero_skipped,
                 l->ignored);
        ledger_row(t, m->inputs[l->input].name, what, "", "");
        pk_pence_text(l->debits, a, sizeof a);
        pk_pence_text(l->credits, b, sizeof b);
        snprintf(what, sizeof what, "debits %s, credits %s", a, b);
        pk_pence_text(l->debits - l->credits, a, sizeof a);
        ledger_row(t, "", what, a, "");
        for (int k = 0; k < BP_LEDGER_FAMILIES; k++) {
            if (!l->family_used[k]) continue;
            pk_pence_text(l->family_dc[k], a, sizeof a);
            pk_pence_text(l->family_facts[k], b, sizeof b);
            snprintf(what, sizeof what, "mapped to %s.*", bp_ledger_family[k]);
            ledger_row(t, "", what, a, b);
        }
        for (size_t k = 0; k < l->nignores; k++) {
            const bp_ledger_ignored *g = &l->ignores[k];
            pk_pence_text(g->dc, a, sizeof a);
            /* "file:line" split at the colon: the path alone fits the column, so that it
             * wraps at a space rather than inside the path */
            const char *colon = strrchr(g->where, ':');
            int flen = colon ? (int)(colon - g->where) : (int)strlen(g->where);
            snprintf(what, sizeof what, "%zu row%s ignored by %s (line %s of %.*s)", g->rows,
                     g->rows == 1 ? "" : "s", g->rule, colon ? colon + 1 : "?", flen, g->where);
            ledger_row(t, "", what, a, "");
        }
    }
    bp_pdf_table_end(t);
}
