/* bp_xlsx_quality: the sheets around the figures - development-plan actions, data
 * quality (the input files' control totals, internal transfers, warnings) and the
 * Contents page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_xlsx_internal.h"
#include "bp_sha256.h"
#include "bp_util.h"

/* ---- Actions ---- */

enum {
    AC_ID, AC_INST, AC_AMBITION, AC_PLAN, AC_ACTION, AC_OWNER, AC_DUE, AC_STATUS, AC_UPDATED,
    AC_EVIDENCE, AC_OVERDUE, AC_NCOLS
};
#define ACTIONS_HEADER_ROW 4
#define AC_NARROW 24
#define AC_WIDE 48

static void write_action(xl *x, size_t i, int row, const char *asof)
{
    const xl_sheet s = XS_ACTIONS;
    const bp_action *a = &x->m->actions[i];
    const char *ambition = a->ambition >= 0 && (size_t)a->ambition < x->m->nambitions
                           ? x->m->ambitions[a->ambition].title : "";
    char due[16], st[16], formula[128];
    /* the action as actions.csv has it: inputs, which a user updates (status, evidence) */
    lxw_format *in = xl_input(x, x->f.wrap);
    xl_set_src(x, "actions.csv", a->line, 0, "an action");
    xl_put_text(x, s, row, AC_ID, a->id, in);
    xl_put_text(x, s, row, AC_INST, x->m->insts[a->inst].id, in);
    xl_put_text(x, s, row, AC_AMBITION, ambition, in);
    xl_put_text(x, s, row, AC_PLAN, a->plan, in);
    xl_put_text(x, s, row, AC_ACTION, a->action, in);
    xl_put_text(x, s, row, AC_OWNER, a->owner, in);
    xl_put_input_date(x, s, row, AC_DUE, a->due);
    xl_put_text(x, s, row, AC_STATUS, bp_action_status_id(a->status), in);
    if (a->has_updated) xl_put_input_date(x, s, row, AC_UPDATED, a->updated);
    else xl_put_blank(x, s, row, AC_UPDATED, xl_input(x, x->f.date));
    xl_put_text(x, s, row, AC_EVIDENCE, a->evidence, in);
    int lines = xl_wrapped_lines(ambition, AC_NARROW);
    lines = xl_max_int(lines, xl_wrapped_lines(a->plan, AC_NARROW));
    lines = xl_max_int(lines, xl_wrapped_lines(a->action, AC_WIDE));
    lines = xl_max_int(lines, xl_wrapped_lines(a->owner, AC_NARROW));
    lines = xl_max_int(lines, xl_wrapped_lines(a->evidence, AC_WIDE));
    xl_fit_row(x, s, row, lines);
    bp_formula_ref(due, sizeof due, NULL, row, AC_DUE);
    bp_formula_ref(st, sizeof st, NULL, row, AC_STATUS);
    snprintf(formula, sizeof formula, "=IF(AND(%s<%s,%s<>\"complete\"),\"overdue\",\"\")", due, asof, st);
    bool overdue = a->due < x->m->as_of && a->status != BP_ST_COMPLETE;
    xl_put_formula(x, s, row, AC_OVERDUE, formula, x->f.bold, xl_cache_text(overdue ? "overdue" : ""));
}

static const char *status_word(int i) { return bp_action_status_id((bp_action_status)i); }

void xl_write_actions(xl *x)
{
    const xl_sheet s = XS_ACTIONS;
    static const char *const heads[AC_NCOLS] = {"ID", "Institution", "Ambition", "Plan", "Action",
                                                "Owner", "Due", "Status", "Updated", "Evidence",
                                                "Overdue"};
    char asof[16];
    xl_put_title(x, s, "Development-plan actions",
                 "Overdue: due before the as-of date and not complete (highlighted). Change the "
                 "as-of date to see what will be overdue.");
    xl_put_text(x, s, 2, 0, "As of", x->f.bold);
    xl_put_input_date(x, s, 2, 1, x->m->as_of);
    bp_formula_ref(asof, sizeof asof, NULL, 2, 1);
    xl_put_headers_as(x, s, ACTIONS_HEADER_ROW, 0, heads, AC_NCOLS, "llllllrlr");
    int first = ACTIONS_HEADER_ROW + 1;
    for (size_t i = 0; i < x->m->nactions && xl_live(x); i++) write_action(x, i, first + (int)i, asof);
    xl_validate_words(x, s, first, AC_STATUS, x->m->nactions, status_word, BP_ACTION_STATUS_COUNT,
                      "status");
    if (x->m->nactions && xl_live(x)) {
        char col[8], formula[64];
        bp_formula_col(col, sizeof col, AC_OVERDUE);
        snprintf(formula, sizeof formula, "=$%s%d=\"overdue\"", col, first + 1);
        lxw_conditional_format cf;
        memset(&cf, 0, sizeof cf);
        cf.type = LXW_CONDITIONAL_TYPE_FORMULA;
        cf.value_string = formula;
        cf.format = x->f.red;
        int last = first + (int)x->m->nactions - 1;
        if (!xl_cell_text_ok(x, formula, s, first, 0)) return;
        xl_check(x, worksheet_conditional_format_range(x->ws[s], (lxw_row_t)first, 0, (lxw_row_t)last,
                                                       AC_NCOLS - 1, &cf), s, first, 0);
    } else if (!x->m->nactions) {
        xl_put_text(x, s, first, 0, "No actions.csv: no actions.", x->f.note);
    }
    xl_set_col(x, s, AC_ID, AC_INST, 10, NULL);
    xl_set_col(x, s, AC_AMBITION, AC_PLAN, AC_NARROW, NULL);
    xl_set_col(x, s, AC_ACTION, AC_ACTION, AC_WIDE, NULL);
    xl_set_col(x, s, AC_OWNER, AC_OWNER, AC_NARROW, NULL);
    xl_set_col(x, s, AC_DUE, AC_UPDATED, 12, NULL);
    xl_set_col(x, s, AC_EVIDENCE, AC_EVIDENCE, AC_WIDE, NULL);
    xl_set_col(x, s, AC_OVERDUE, AC_OVERDUE, 10, NULL);
    worksheet_freeze_panes(x->ws[s], ACTIONS_HEADER_ROW + 1, 1);
    xl_print_setup(x, s, ACTIONS_HEADER_ROW, ACTIONS_HEADER_ROW);
    xl_define(x, "As_of", "=Actions!$B$3");
}

/* ---- Data quality ---- */

/* The money codes' heads (bp_code_is_money), one column each: a file's money facts as
 * they stand on Data, added up by head, are its control total. */
static const char *const money_heads[] = {"income", "exp", "memo", "bs", "cash"};
enum { IN_FILE, IN_ROWS, IN_READ, IN_DATA, IN_HEAD0 };

/* The heads shown: cash (contract v2) only when a fact has it, so that a data set
 * without cash flows - every annual one before v2 - keeps its columns. */
static size_t nheads(const xl *x)
{
    for (size_t f = 0; f < x->m->nfacts; f++)
        if (bp_code_under(x->m->facts[f].code, "cash")) return 5;
    return 4;
}

/* One file's money facts under a head, in pence, from the model. */
static int64_t head_total(const xl *x, size_t file, const char *head)
{
    int64_t t = 0;
    for (size_t f = 0; f < x->m->nfacts; f++) {
        const bp_fact *fa = &x->m->facts[f];
        if (fa->file == (int)file && fa->money && bp_code_under(fa->code, head)) t += fa->value;
    }
    return t;
}

/* Row of one input file: what was read, and the money facts now on Data by head and
 * their total.  The Checks sheet compares the two (its provenance checks): one place for
 * the comparison, and this row for the figures. */
static void write_input(xl *x, size_t i, int row, int head_row)
{
    const xl_sheet s = XS_QUALITY;
    const bp_input *in = &x->m->inputs[i];
    bool facts = false;
    size_t nh = nheads(x);
    for (size_t f = 0; f < x->m->nfacts && !facts; f++) facts = x->m->facts[f].file == (int)i;
    char hex[65];
    bp_sha256_hex(in->sha256, hex);
    xl_put_text(x, s, row, IN_FILE, in->name, x->f.text);
    xl_put_number(x, s, row, IN_ROWS, (double)in->rows, x->f.whole);
    if (in->has_money) xl_put_money(x, s, row, IN_READ, in->money_total, x->f.pence);
    if (facts) {
        char col[8], last[8], formula[256];
        /* the money on Data: finance.csv's control total as read, a ledger's facts (its
         * control total, |debit| + |credit| over the rows, is not a sum of facts) */
        int64_t on_data = 0;
        for (size_t h = 0; h < nh && xl_live(x); h++) {
            on_data += head_total(x, i, money_heads[h]);
            bp_formula_col(col, sizeof col, IN_HEAD0 + (int)h);
            snprintf(formula, sizeof formula, "=ROUND(SUMIFS(" BP_XL_FACT_VALUE "," BP_XL_FACT_FILE
                     ",$A%d," BP_XL_FACT_CODE ",%s$%d)+SUMIFS(" BP_XL_FACT_VALUE "," BP_XL_FACT_FILE
                     ",$A%d," BP_XL_FACT_CODE ",%s$%d&\".*\"),2)", row + 1, col, head_row + 1,
                     row + 1, col, head_row + 1);
            xl_put_formula(x, s, row, IN_HEAD0 + (int)h, formula, x->f.pence,
                           xl_cache_double((double)head_total(x, i, money_heads[h]) / 100.0));
        }
        bp_formula_col(col, sizeof col, IN_HEAD0);
        bp_formula_col(last, sizeof last, IN_HEAD0 + (int)nh - 1);
        snprintf(formula, sizeof formula, "=SUM(%s%d:%s%d)", col, row + 1, last, row + 1);
        xl_put_formula(x, s, row, IN_DATA, formula, x->f.pence,
                       xl_cache_double((double)on_data / 100.0));
        x->quality_row[i] = row;
    }
    xl_put_text(x, s, row, IN_HEAD0 + (int)nh, hex, x->f.formula_text);
}

static int write_inputs(xl *x, int row)
{
    const xl_sheet s = XS_QUALITY;
    const char *heads[IN_HEAD0 + 6] = {"File", "Rows", "Money total as read",
                                        "Money total in Data"};
    size_t nh = nheads(x);
    for (size_t h = 0; h < nh; h++) heads[IN_HEAD0 + h] = money_heads[h];
    heads[IN_HEAD0 + nh] = "SHA-256";
    int head_row = row;
    x->quality_read_col = IN_READ;
    x->quality_data_col = IN_DATA;
    xl_put_headers_as(x, s, row, 0, heads, IN_HEAD0 + nh + 1, nh == 4 ? "lrrrrrrrl" : "lrrrrrrrrl");
    row++;
    for (size_t i = 0; i < x->m->ninputs && xl_live(x); i++)
        if (x->m->inputs[i].present) write_input(x, i, row++, head_row);
    xl_put_text(x, s, row, 0, "Rows read", x->f.bold);
    xl_put_number(x, s, row, 1, (double)x->m->rows_read, x->f.whole);
    return row + 2;
}

static bool has_internal(const bp_model *m, int year, bp_scenario sc)
{
    return bp_model_has_facts(m, year, sc, "income.internal")
           || bp_model_has_facts(m, year, sc, "exp.internal");
}

/* Internal transfers for the trust, both sides, per year and scenario: consolidation is
 * right only when they agree (bp_eval's reconciliation warning). */
static int write_reconciliation(xl *x, int row, bp_expr *const *ex)
{
    const xl_sheet s = XS_QUALITY;
    static const char *const heads[] = {"Year", "Scenario", "income.internal", "exp.internal",
                                        "Difference", "Check"};
    xl_put_text(x, s, row, 0, "Internal transfers: the two sides must agree for consolidation",
                x->f.bold);
    xl_put_headers_as(x, s, row + 1, 0, heads, 6, "llrrrc");
    row += 2;
    for (size_t y = 0; y < x->m->nyears && xl_live(x); y++)
        for (bp_scenario sc = BP_ACTUAL; sc < BP_SCENARIO_COUNT; sc++) {
            int year = x->m->years[y];
            if (!has_internal(x->m, year, sc)) continue;
            bp_expr_ctx c = xl_entity_ctx(x, xl_trust_entity(x), year, sc);
            c.eliminate = false;
            /* the engine's figures: in-year, the report year's actuals to date */
            bp_expr_ctx ce = c;
            ce.scenario = xl_engine_scenario(x, year, sc);
            bp_num in = xl_engine_eval_sent(x, ex[FX_INTERNAL_IN], &ce), out = xl_engine_eval_sent(x, ex[FX_INTERNAL_OUT], &ce);
            bp_num diff = bp_num_sub(in, out);
            char yb[16], a[16], b[16], formula[96];
            bp_year_format(year, yb, sizeof yb);
            xl_put_text(x, s, row, 0, yb, x->f.text);
            xl_put_text(x, s, row, 1, bp_scenario_id(sc), x->f.text);
            if (xl_cell_formula(x, ex[FX_INTERNAL_IN], &c, true, "income.internal"))
                xl_put_formula(x, s, row, 2, x->fb.s, x->f.pence, xl_cache_num(in, true));
            if (xl_cell_formula(x, ex[FX_INTERNAL_OUT], &c, true, "exp.internal"))
                xl_put_formula(x, s, row, 3, x->fb.s, x->f.pence, xl_cache_num(out, true));
            bp_formula_ref(a, sizeof a, NULL, row, 2);
            bp_formula_ref(b, sizeof b, NULL, row, 3);
            snprintf(formula, sizeof formula, "=%s-%s", a, b);
            xl_put_formula(x, s, row, 4, formula, x->f.pence, xl_cache_num(diff, true));
            bp_formula_ref(a, sizeof a, NULL, row, 4);
            snprintf(formula, sizeof formula, "=IF(ROUND(%s,2)=0,\"reconciles\",\"does not reconcile\")", a);
            xl_put_formula(x, s, row, 5, formula, x->f.status,
                           xl_cache_text(bp_num_is_zero(diff) ? "reconciles" : "does not reconcile"));
            row++;
        }
    return row + 1;
}

void xl_write_quality(xl *x, bp_expr *const *ex)
{
    const xl_sheet s = XS_QUALITY;
    xl_put_title(x, s, "Data quality",
                 "Each input file as read (rows, money control total, SHA-256) and the money facts "
                 "now in the Data sheet, which the Checks sheet compares; internal transfers; the "
                 "warnings of the run.");
    x->quality_row = malloc((x->m->ninputs ? x->m->ninputs : 1) * sizeof *x->quality_row);
    if (!x->quality_row) {
        xl_nomem(x);
        return;
    }
    for (size_t i = 0; i < x->m->ninputs; i++) x->quality_row[i] = -1;
    int row = write_inputs(x, 3);
    row = write_reconciliation(x, row, ex);
    xl_put_text(x, s, row++, 0, "Warnings", x->f.bold);
    size_t n = 0;
    for (size_t i = 0; i < x->s->diags.count && xl_live(x); i++) {
        const bp_diag *d = &x->s->diags.items[i];
        if (d->level != BP_DIAG_WARNING) continue;
        char msg[1024];
        xl_set_src(x, d->file, d->line, d->column, "a warning");
        bp_diag_format(d, msg, sizeof msg);
        xl_put_text(x, s, row++, 0, msg, x->f.text);
        n++;
    }
    if (!n) xl_put_text(x, s, row, 0, "None.", x->f.text);
    xl_set_col(x, s, 0, 0, 22, NULL);
    xl_set_col(x, s, 1, 1, 12, NULL);
    int sha = IN_HEAD0 + (int)nheads(x);
    xl_set_col(x, s, 2, sha - 1, 20, NULL);
    xl_set_col(x, s, sha, sha, 70, NULL);
    xl_print_setup(x, s, 0, -1);
}

/* ---- Contents ---- */

static int write_headlines(xl *x, int row)
{
    const xl_sheet s = XS_CONTENTS;
    static const char *const labels[3] = {"Consolidated income", "Consolidated expenditure",
                                          "Consolidated in-year result"};
    static const char *const names[3] = {"=Headline_Income", "=Headline_Expenditure",
                                         "=Headline_Result"};
    if (x->finance_report_col < 0) return row;
    bp_expr *e = NULL;
    char yb[16], title[64];
    bp_year_format(x->s->year, yb, sizeof yb);
    snprintf(title, sizeof title, "Headline totals, %s (defined names Headline_*)", yb);
    xl_put_text(x, s, row++, 0, title, x->f.bold);
    for (int i = 0; i < 3 && xl_live(x); i++, row++) {
        const char *text = i == 0 ? "sum(income)" : i == 1 ? "sum(exp)" : "sum(income) - sum(exp)";
        if (bp_expr_parse(text, strlen(text), "workbook", 1, 1, &e, x->diags) != BP_OK) {
            xl_nomem(x);
            return row;
        }
        bp_expr_ctx c = xl_entity_ctx(x, xl_trust_entity(x), x->s->year,
                                      xl_engine_scenario(x, x->s->year, BP_ACTUAL));
        char label[64];
        snprintf(label, sizeof label, "%s%s", labels[i], xl_money_note(x));
        xl_put_text(x, s, row, 0, label, x->f.text);
        xl_put_formula(x, s, row, 1, names[i], x->f.money, xl_cache_num(xl_engine_eval(x, e, &c), true));
        bp_expr_free(e);
    }
    return row + 1;
}

void xl_write_contents(xl *x)
{
    const xl_sheet s = XS_CONTENTS;
    const char *notes[] = {
        "Every computed figure is a live formula, compiled from the same KPI expressions the "
        "engine evaluates (see Targets, KPI definitions), over the sums on Workings, which select "
        "the facts on Data by institution, year, scenario and code. Edit, sort or add a fact on "
        "Data, or edit a threshold on Targets, and every dependent figure and status updates.",
        "A blank figure is no data: a missing fact, or a division by zero. No data is never zero.",
        "A phase or the trust is a ratio of sums, never an average of ratios; products such as "
        "periods x FTE and conditions are formed per institution (Workings) and then added up.",
        "The trust is consolidated: income.internal and exp.internal (the central charge) are "
        "eliminated. Institutions and phases keep them.",
        "Statuses: green (target met), amber (in the amber zone), red, none (no target applies "
        "or no data). Thresholds are inclusive: a value on a threshold meets it; a value on an "
        "amber edge is amber.",
        "Input cells are pale yellow with blue text: the input sheets (Institutions, Targets, "
        "Data) come first, then the sheets with the course rows and the actions. Every other "
        "cell is calculated from them.",
        "The calculation sheets are protected without a password: Review > Unprotect Sheet. "
        "Their input cells stay editable; Data, Institutions and Targets are not protected, so "
        "that their rows can be sorted, filtered and added to.",
        x->m->money_units == BP_MONEY_THOUSANDS
            ? "Money is shown in thousands of pounds (\xC2\xA3" "000, trust.csv money_units), "
              "negatives in brackets; every figure is exact to the penny, and the Data sheet "
              "and the control totals show the pence."
            : "Money is shown in whole pounds, negatives in brackets; every figure is exact to "
              "the penny, and the Data sheet and the control totals show the pence.",
    };
    char yb[16], asof[40], title[256], sub[256];
    bp_year_format(x->s->year, yb, sizeof yb);
    bp_date_format_long(x->m->as_of, asof, sizeof asof);
    xl_text_fmt(title, sizeof title, "%s: audit workbook %s", x->m->name, yb);
    snprintf(sub, sizeof sub, "Report year %s, as at %s. Written by boardpack %s.", yb, asof,
             BP_VERSION);
    xl_put_title(x, s, title, sub);
    /* the master check first, where a reader opens the workbook */
    int row = xl_put_check_summary(x, s, 3, true) + 1;
    xl_put_text(x, s, row, 0, "Sheet", x->f.header);
    xl_put_text(x, s, row, 1, "What it holds", x->f.header);
    row++;
    for (int t = 1; t < XS_COUNT && xl_live(x); t++, row++) {
        xl_sheet i = xl_tab_order[t];
        if (!xl_sheet_present(x, i)) {
            row--;
            continue;
        }
        xl_put_url(x, s, row, 0, i, 0, 0, xl_sheets[i].name);
        xl_put_text(x, s, row, 1, xl_sheets[i].about, x->f.text);
    }
    row = write_headlines(x, row + 1);
    xl_put_text(x, s, row++, 0, "Reading the workbook", x->f.bold);
    for (size_t i = 0; i < sizeof notes / sizeof *notes; i++, row++) {
        xl_merge(x, s, row, 0, 1, notes[i], x->f.note);
        double lines = xl_wrapped_lines(notes[i], 110);
        if (xl_live(x))
            xl_check(x, worksheet_set_row(x->ws[s], (lxw_row_t)row, lines > 2 ? 13.5 * lines : 27, NULL),
                     s, row, 0);
    }
    xl_set_col(x, s, 0, 0, 30, NULL);
    xl_set_col(x, s, 1, 1, 110, NULL);
    xl_print_setup(x, s, 0, -1);
}
