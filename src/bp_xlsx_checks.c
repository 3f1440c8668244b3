/* bp_xlsx_checks: the Checks sheet, as the FAST standard and DfE's budget forecast return
 * keep a validations tab that must reach zero (docs/workbook.md, "Checks").
 *
 * Integrity checks: each a row whose value is 0 while it holds - the checks the sheets
 * made of their own figures (xl_add_check) and the workbook's own of its ranges and sums
 * block - and the master check over them (the defined name MasterCheck: how many fail),
 * shown at the top of this sheet and of the Contents.  They hold whatever a finance team
 * does with the inputs (sort, filter, insert or append a fact, change a phase or a
 * threshold) and fail when a formula cell is overwritten or a value sits below a bounded
 * range.  Provenance checks: Data against the input files as read at build time
 * (ProvenanceCheck), beside the master check but not in it - any change to Data turns
 * them red, as it should, without saying that a figure is wrong. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_xlsx_internal.h"
#include "bp_util.h"

#define CK_MASTER_ROW 3            /* the master check; the provenance check below it */
#define CK_NAME_MASTER "MasterCheck"
#define CK_NAME_PROVENANCE "ProvenanceCheck"
enum { CK_WHAT, CK_WHERE, CK_VALUE, CK_STATUS };
enum { PV_FILE, PV_FACTS_READ, PV_FACTS_DATA, PV_MONEY_READ, PV_MONEY_DATA, PV_DIFF, PV_STATUS };
enum { TC_CODE, TC_DATA, TC_COUNTED, TC_DIFF };

/* One integrity check: what holds, where to look, its formula and cached value. */
typedef struct {
    char what[256], where[64], formula[512];
    xl_sheet sheet;
    int row, col;
    double cached;
} ck_item;

typedef struct {
    ck_item *items;
    size_t n, cap;
} ck_list;

/* A top-level code of the sums block: its rows' trust totals count every fact under it. */
typedef struct {
    char code[BP_FORMULA_CODE_MAX + 1];
    bool money;
} ck_root;

static ck_item *add_item(xl *x, ck_list *l, xl_sheet s, int row, int col)
{
    ck_item *it = bp_grow(l->items, &l->cap, l->n + 1, sizeof *it);
    if (!it) {
        xl_nomem(x);
        return NULL;
    }
    l->items = it;
    it = &l->items[l->n++];
    memset(it, 0, sizeof *it);
    it->sheet = s;
    it->row = row;
    it->col = col;
    bp_formula_ref(it->where, sizeof it->where, xl_sheets[s].name, row, col);
    /* "Data!A11622": the link's text, without the $ of a formula */
    for (char *p = it->where, *q = it->where;; p++)
        if (*p != '$' && !(*q++ = *p)) break;
    return it;
}

/* "Sheet!$A$1:$H$9" */
static void range_ref(char *buf, size_t size, xl_sheet s, int r0, int c0, int r1, int c1)
{
    char a[64], b[16];
    bp_formula_ref(a, sizeof a, xl_sheets[s].name, r0, c0);
    bp_formula_ref(b, sizeof b, NULL, r1, c1);
    snprintf(buf, size, "%s:%s", a, b);
}

/* Nothing below a bounded range (rows first..end of columns 0..ncols-1): a row typed
 * there is in no sum. */
static void below_check(xl *x, ck_list *l, xl_sheet s, int end, int ncols, const char *what)
{
    char rng[128];
    if (end >= BP_EXCEL_ROWS - 1) return;   /* the range runs to the sheet's end */
    ck_item *it = add_item(x, l, s, end + 1, 0);
    if (!it) return;
    range_ref(rng, sizeof rng, s, end + 1, 0, BP_EXCEL_ROWS - 1, ncols - 1);
    xl_text_fmt(it->what, sizeof it->what, "%s: nothing below the rows the formulas read (row %d "
                "to the sheet's end is empty): add rows above it", what, end + 2);
    snprintf(it->formula, sizeof it->formula, "=COUNTA(%s)", rng);
}

/* Checks of the sums block over its fact rows (rows r0..r1): the trust column adds up the
 * institutions, and each phase column the institutions the phase row gives it. */
static void block_checks(xl *x, ck_list *l, int r0, int r1)
{
    int n = (int)x->m->ninsts, first = BP_XL_WORK_FIRST_COL;
    char insts[128], col[128], phase_row[128], head[16];
    range_ref(insts, sizeof insts, XS_WORKINGS, r0, first, r1, first + n - 1);
    ck_item *it = add_item(x, l, XS_WORKINGS, WORK_HEAD_ROW, x->trust_col);
    if (!it) return;
    snprintf(it->what, sizeof it->what, "Workings: every trust total of the sums block is the sum "
             "of its institutions'");
    range_ref(col, sizeof col, XS_WORKINGS, r0, x->trust_col, r1, x->trust_col);
    snprintf(it->formula, sizeof it->formula, "=ROUND(SUM(%s)-SUM(%s),2)", col, insts);
    range_ref(phase_row, sizeof phase_row, XS_WORKINGS, WORK_PHASE_ROW, first, WORK_PHASE_ROW,
              first + n - 1);
    for (size_t p = 0; p < x->res->nphases && xl_live(x); p++) {
        bp_phase ph = x->res->phases[p];
        int c = x->phase_col[ph];
        if (!(it = add_item(x, l, XS_WORKINGS, WORK_HEAD_ROW, c))) return;
        xl_text_fmt(it->what, sizeof it->what, "Workings: every %s total of the sums block is the sum "
                    "of the institutions the phase row (Institutions) puts in %s", bp_phase_id(ph),
                    bp_phase_id(ph));
        range_ref(col, sizeof col, XS_WORKINGS, r0, c, r1, c);
        bp_formula_ref(head, sizeof head, NULL, WORK_HEAD_ROW, c);
        /* the phase row against the phase's id, over the institutions' columns: a row
         * array times a block, which Excel, LibreOffice and Gnumeric all broadcast */
        snprintf(it->formula, sizeof it->formula, "=ROUND(SUM(%s)-SUMPRODUCT((%s=Workings!%s)*%s),2)",
                 col, phase_row, head, insts);
    }
}

static int root_cmp(const void *a, const void *b)
{
    return strcmp(((const ck_root *)a)->code, ((const ck_root *)b)->code);
}

/* The top-level codes of the sums block's fact rows, in order. */
static size_t roots_of(xl *x, ck_root **out)
{
    size_t n = 0;
    ck_root *r = calloc(x->sums_facts1 - x->sums_facts0 + 1, sizeof *r);
    if (!r) {
        xl_nomem(x);
        return 0;
    }
    for (size_t i = x->sums_facts0; i < x->sums_facts1; i++) {
        const xl_sum *s = &x->sums[i];
        if (s->kind != XR_FACTS || memchr(s->code, '.', s->len) || s->len > BP_FORMULA_CODE_MAX) continue;
        size_t k = 0;
        while (k < n && (strlen(r[k].code) != s->len || memcmp(r[k].code, s->code, s->len))) k++;
        if (k < n) continue;
        memcpy(r[n].code, s->code, s->len);
        r[n++].money = s->money;
    }
    qsort(r, n, sizeof *r, root_cmp);
    *out = r;
    return n;
}

/* The facts on Data under a top-level code, in pence or millionths. */
static bp_i128 facts_under(const xl *x, const char *code)
{
    bp_i128 t = 0;
    for (size_t f = 0; f < x->m->nfacts; f++)
        if (bp_code_under(x->m->facts[f].code, code)) t += x->m->facts[f].value;
    return t;
}

/* In-year, a balance row of the sums block takes one month (xl_sum_takes): the balances
 * of the other months are no sum's but the Cash flow's.  The counted side adds them from
 * Data, per year and scenario the monthly balances under root (Period not empty, "?*")
 * less the month the rows take, so that the check still catches a fact no row can see.
 * Appends the terms to out; returns the characters written (nothing annual). */
static int earlier_balances(const xl *x, const char *root, int R, char *out, size_t size)
{
    int at = 0;
    out[0] = '\0';
    if (!x->m->totals) return 0;
    for (size_t i = x->sums_facts0; i < x->sums_facts1; i++) {
        const xl_sum *s = &x->sums[i];
        /* the root's own row of each year and scenario whose balances take one month */
        if (s->kind != XR_FACTS || s->period <= 0 || s->len != strlen(root)
            || memcmp(s->code, root, s->len) != 0)
            continue;
        char yb[16], mb[8];
        bp_year_format(s->year, yb, sizeof yb);
        bp_month_format(s->period, mb, sizeof mb);
        for (int w = 0; w < 4 && (size_t)at < size; w++)
            at += snprintf(out + at, size - (size_t)at, "%sSUMIFS(" BP_XL_FACT_VALUE "," BP_XL_FACT_CODE
                           ",$A%d%s," BP_XL_FACT_YEAR ",\"%s\"," BP_XL_FACT_SCENARIO ",\"%s\","
                           BP_XL_FACT_PERIOD ",\"%s\")", w < 2 ? "+" : "-", R, w % 2 ? "&\".*\"" : "",
                           yb, bp_scenario_id((bp_scenario)s->scenario), w < 2 ? "?*" : mb);
    }
    return (size_t)at < size ? at : (int)size - 1;
}

/* In-year, an institution with a month not received has its rows of the report year's
 * actuals at 0 (bp_xlsx_received.c): the counted side adds its facts those rows would take
 * from Data, for every institution whose count on Workings is not 0, so that the check
 * still holds and still catches a fact no row can see.  Appends the terms to out; returns
 * the characters written (nothing annual). */
static int not_received(const xl *x, const char *root, int R, char *out, size_t size)
{
    int at = 0;
    out[0] = '\0';
    if (x->recv_row < 0 || !x->m->ninsts) return 0;
    char recv[128], ids[128];
    int c0 = BP_XL_WORK_FIRST_COL, c1 = BP_XL_WORK_FIRST_COL + (int)x->m->ninsts - 1;
    range_ref(recv, sizeof recv, XS_WORKINGS, x->recv_row, c0, x->recv_row, c1);
    range_ref(ids, sizeof ids, XS_WORKINGS, WORK_HEAD_ROW, c0, WORK_HEAD_ROW, c1);
    for (size_t i = x->sums_facts0; i < x->sums_facts1; i++) {
        const xl_sum *s = &x->sums[i];
        if (s->kind != XR_FACTS || !xl_sum_ytd(x, s) || s->len != strlen(root)
            || memcmp(s->code, root, s->len) != 0)
            continue;
        char yb[16], mb[24] = "";
        bp_year_format(s->year, yb, sizeof yb);
        if (s->period > 0) {
            char m[8];
            bp_month_format(s->period, m, sizeof m);
            snprintf(mb, sizeof mb, "," BP_XL_FACT_PERIOD ",\"%s\"", m);
        }
        char crit[320];
        snprintf(crit, sizeof crit, BP_XL_FACT_YEAR ",\"%s\"," BP_XL_FACT_SCENARIO ",\"actual\","
                 BP_XL_FACT_INST ",%s%s", yb, ids, mb);
        if ((size_t)at < size)
            at += snprintf(out + at, size - (size_t)at, "+SUMPRODUCT((%s>0)*(SUMIFS(" BP_XL_FACT_VALUE
                           "," BP_XL_FACT_CODE ",$A%d,%s)+SUMIFS(" BP_XL_FACT_VALUE "," BP_XL_FACT_CODE
                           ",$A%d&\".*\",%s)))", recv, R, crit, R, crit);
    }
    return (size_t)at < size ? at : (int)size - 1;
}

/* Every fact counted: the facts on Data by top-level code against the totals of the sums
 * block's rows of that code over every year and scenario (each its trust column: every
 * institution), and the facts under no top-level code of the block.  A fact the block
 * does not count - a code, year or scenario with no row, an institution not on
 * Institutions, a period typed - makes its code's two totals differ.  Each total is
 * rounded to its facts' places, so the difference is exact.  The table's title is on
 * row, its differences on the rows after the header (n roots and the other codes). */
static void write_counted(xl *x, int row, const ck_root *roots, size_t n, int r0, int r1)
{
    const xl_sheet s = XS_CHECKS;
    static const char *const heads[] = {"Top-level code", "Facts on Data",
                                        "Counted on Workings", "Difference"};
    char trust[128], codes[128], notes[128], f[4096];
    range_ref(trust, sizeof trust, XS_WORKINGS, r0, x->trust_col, r1, x->trust_col);
    range_ref(codes, sizeof codes, XS_WORKINGS, r0, BP_XL_WORK_CODE, r1, BP_XL_WORK_CODE);
    range_ref(notes, sizeof notes, XS_WORKINGS, r0, BP_XL_WORK_NOTE, r1, BP_XL_WORK_NOTE);
    xl_put_text(x, s, row++, 0, "Every fact counted: the facts on Data by top-level code against "
                "the sums block's rows of the code (Workings: every year and scenario, the trust "
                "column)", x->f.bold);
    xl_put_headers_as(x, s, row++, 0, heads, 4, "lrrr");
    int first = row;
    for (size_t i = 0; i < n && xl_live(x); i++, row++) {
        int places = roots[i].money ? 2 : 6, R = row + 1;
        lxw_format *fmt = roots[i].money ? x->f.pence : x->f.quantity;
        double v = (double)facts_under(x, roots[i].code) / (roots[i].money ? 100.0 : 1e6);
        xl_put_text(x, s, row, TC_CODE, roots[i].code, x->f.text);
        snprintf(f, sizeof f, "=ROUND(SUMIFS(" BP_XL_FACT_VALUE "," BP_XL_FACT_CODE ",$A%d)+SUMIFS("
                 BP_XL_FACT_VALUE "," BP_XL_FACT_CODE ",$A%d&\".*\"),%d)", R, R, places);
        xl_put_formula(x, s, row, TC_DATA, f, fmt, xl_cache_double(v));
        /* the code's own rows, not its "internal transfers eliminated" twin (a note) */
        int at = snprintf(f, sizeof f, "=ROUND(SUMIFS(%s,%s,$A%d,%s,\"\")", trust, codes, R, notes);
        at += earlier_balances(x, roots[i].code, R, f + at, sizeof f - (size_t)at);
        at += not_received(x, roots[i].code, R, f + at, sizeof f - (size_t)at);
        if ((size_t)at < sizeof f) snprintf(f + at, sizeof f - (size_t)at, ",%d)", places);
        xl_put_formula(x, s, row, TC_COUNTED, f, fmt, xl_cache_double(v));
        snprintf(f, sizeof f, "=ROUND(B%d-C%d,%d)", R, R, places);
        xl_put_formula(x, s, row, TC_DIFF, f, fmt, xl_cache_double(0));
    }
    /* to the penny: the sum of every value on Data carries the floating point of
     * thousands of additions, far below it */
    xl_put_text(x, s, row, TC_CODE, "Facts on Data under no top-level code of the sums block",
                x->f.text);
    if (n) snprintf(f, sizeof f, "=ROUND(SUM(" BP_XL_FACT_VALUE ")-SUM(B%d:B%d),2)", first + 1, row);
    else snprintf(f, sizeof f, "=ROUND(SUM(" BP_XL_FACT_VALUE "),2)");
    xl_put_formula(x, s, row, TC_DIFF, f, x->f.quantity, xl_cache_double(0));
}

/* The integrity checks, in the order the table lists them. */
static void plan_integrity(xl *x, ck_list *l)
{
    for (size_t i = 0; i < x->nchecks && xl_live(x); i++) {
        const xl_check_ref *c = &x->checks[i];
        char rng[128];
        ck_item *it = add_item(x, l, c->sheet, c->r0, c->c0);
        if (!it) return;
        snprintf(it->what, sizeof it->what, "%s", c->what);
        range_ref(rng, sizeof rng, c->sheet, c->r0, c->c0, c->r1, c->c1);
        snprintf(it->formula, sizeof it->formula, "=%d-COUNTIF(%s,0)",
                 (c->r1 - c->r0 + 1) * (c->c1 - c->c0 + 1), rng);
        it->cached = (double)c->failing;
    }
    below_check(x, l, XS_DATA, xl_rows_end(1, x->m->nfacts), BP_XL_DATA_NCOLS, "Data");
    below_check(x, l, XS_INSTITUTIONS, xl_rows_end(BP_XL_INST_FIRST_ROW, x->m->ninsts),
                BP_XL_INST_NCOLS, "Institutions");
    below_check(x, l, XS_COURSES, xl_rows_end(x->courses_header + 1, x->m->ncourses),
                BP_XL_COURSE_NCOLS, "Courses");
    ck_item *it = add_item(x, l, XS_DATA, 0, 0);
    if (!it) return;
    snprintf(it->what, sizeof it->what, "Data: every fact row has an institution, a code and a "
             "number as its value");
    snprintf(it->formula, sizeof it->formula, "=ABS(COUNTA(" BP_XL_FACT_INST ")-COUNT(" BP_XL_FACT_VALUE
             "))+ABS(COUNTA(" BP_XL_FACT_CODE ")-COUNT(" BP_XL_FACT_VALUE "))+COUNTA(" BP_XL_FACT_VALUE
             ")-COUNT(" BP_XL_FACT_VALUE ")");
    if (x->sums_facts1 == x->sums_facts0) return;
    int r0 = x->sums[x->sums_facts0].row, r1 = x->sums[x->nsums - 1].row;
    if (!(it = add_item(x, l, XS_CHECKS, 0, 0))) return;   /* its row: xl_write_checks */
    snprintf(it->what, sizeof it->what, "Every fact on Data is counted by the sums block, which "
             "every figure reads (the table below, by top-level code)");
    block_checks(x, l, r0, r1);
}

static void colour(xl *x, xl_sheet s, int r0, int c0, int r1, int c1, const char *formula,
                   lxw_format *f)
{
    lxw_conditional_format cf;
    memset(&cf, 0, sizeof cf);
    cf.type = LXW_CONDITIONAL_TYPE_FORMULA;
    cf.value_string = (char *)formula;   /* libxlsxwriter copies it */
    cf.format = f;
    if (!xl_live(x) || x->dry || !xl_cell_text_ok(x, formula, s, r0, c0)) return;
    xl_check(x, worksheet_conditional_format_range(x->ws[s], (lxw_row_t)r0, (lxw_col_t)c0,
                                                   (lxw_row_t)r1, (lxw_col_t)c1, &cf), s, r0, c0);
}

/* Green while the status in column col of the rows is good, red when it is bad. */
static void status_colours(xl *x, int r0, int r1, int c0, int col, const char *good, const char *bad)
{
    char c[8], f[64];
    if (r1 < r0) return;
    bp_formula_col(c, sizeof c, col);
    snprintf(f, sizeof f, "=$%s%d=\"%s\"", c, r0 + 1, good);
    colour(x, XS_CHECKS, r0, c0, r1, col, f, x->f.green);
    snprintf(f, sizeof f, "=$%s%d=\"%s\"", c, r0 + 1, bad);
    colour(x, XS_CHECKS, r0, c0, r1, col, f, x->f.red);
}

/* The money a file gave the facts at build time: finance.csv's control total as read; for
 * a ledger file the sum of the facts its mapping made (after the sign, the month flows and
 * result_to), since its control total, |debit| + |credit| over the rows, sums no facts.
 * *ledger says which. */
static int64_t money_read(const xl *x, size_t i, bool *ledger)
{
    for (size_t k = 0; k < x->m->nledgers; k++) {
        const bp_ledger_totals *t = &x->m->ledgers[k];
        if (t->input != (int)i) continue;
        int64_t v = 0;
        for (int f = 0; f < BP_LEDGER_FAMILIES; f++) v += t->family_facts[f];
        *ledger = true;
        return v;
    }
    *ledger = false;
    return x->m->inputs[i].money_total;
}

/* The provenance checks: per input file with facts, the facts and the money on Data
 * under its name against what was read (the money on Data quality, the facts counted
 * here), and the facts that name no input file. */
static void write_provenance(xl *x, int row, int *first, int *last)
{
    const xl_sheet s = XS_CHECKS;
    static const char *const heads[] = {"Input file", "Facts read", "Facts on Data",
                                        "Money read", "Money on Data", "Differences", "Status"};
    char f[160], a[64];
    xl_put_text(x, s, row++, 0, "Provenance checks: Data against the input files as read (not in "
                "the master check: any edit to Data turns them red)", x->f.bold);
    xl_put_headers_as(x, s, row++, 0, heads, 7, "lrrrrrc");
    *first = row;
    for (size_t i = 0; i < x->m->ninputs && xl_live(x); i++) {
        if (!x->quality_row || x->quality_row[i] < 0) continue;
        int R = row + 1;
        size_t facts = 0;
        for (size_t k = 0; k < x->m->nfacts; k++) facts += x->m->facts[k].file == (int)i;
        xl_put_text(x, s, row, PV_FILE, x->m->inputs[i].name, x->f.text);
        xl_put_number(x, s, row, PV_FACTS_READ, (double)facts, x->f.whole);
        snprintf(f, sizeof f, "=COUNTIFS(" BP_XL_FACT_FILE ",$A%d)", R);
        xl_put_formula(x, s, row, PV_FACTS_DATA, f, x->f.whole, xl_cache_double((double)facts));
        /* SUM of the cell read: 0 when the file had no money (a link to an empty cell
         * is not 0 in Gnumeric) */
        bool ledger;
        int64_t pence = money_read(x, i, &ledger);
        double money = (double)pence / 100.0;
        bp_formula_ref(a, sizeof a, xl_sheets[XS_QUALITY].name, x->quality_row[i], x->quality_read_col);
        snprintf(f, sizeof f, "=SUM(%s)", a);
        if (ledger) xl_put_money(x, s, row, PV_MONEY_READ, pence, x->f.pence);
        else xl_put_formula(x, s, row, PV_MONEY_READ, f, x->f.pence, xl_cache_double(money));
        bp_formula_ref(a, sizeof a, xl_sheets[XS_QUALITY].name, x->quality_row[i], x->quality_data_col);
        snprintf(f, sizeof f, "=%s", a);
        xl_put_formula(x, s, row, PV_MONEY_DATA, f, x->f.pence, xl_cache_double(money));
        snprintf(f, sizeof f, "=IF(C%d=B%d,0,1)+IF(ROUND(E%d-D%d,2)=0,0,1)", R, R, R, R);
        xl_put_formula(x, s, row, PV_DIFF, f, x->f.whole, xl_cache_double(0));
        snprintf(f, sizeof f, "=IF(F%d=0,\"agrees\",\"differs\")", R);
        xl_put_formula(x, s, row, PV_STATUS, f, x->f.status, xl_cache_text("agrees"));
        row++;
    }
    int R = row + 1;
    xl_put_text(x, s, row, PV_FILE, "Facts on Data that name no input file", x->f.text);
    if (row > *first) snprintf(f, sizeof f, "=COUNT(" BP_XL_FACT_VALUE ")-SUM(C%d:C%d)", *first + 1, row);
    else snprintf(f, sizeof f, "=COUNT(" BP_XL_FACT_VALUE ")");
    xl_put_formula(x, s, row, PV_FACTS_DATA, f, x->f.whole, xl_cache_double(0));
    snprintf(f, sizeof f, "=ABS(C%d)", R);
    xl_put_formula(x, s, row, PV_DIFF, f, x->f.whole, xl_cache_double(0));
    snprintf(f, sizeof f, "=IF(F%d=0,\"agrees\",\"differs\")", R);
    xl_put_formula(x, s, row, PV_STATUS, f, x->f.status, xl_cache_text("agrees"));
    *last = row;
    status_colours(x, *first, *last, PV_FILE, PV_STATUS, "agrees", "differs");
}

/* The master check's and the provenance check's lines (Checks and Contents): a label,
 * and a sentence that says whether they pass; see: point at the Checks sheet.  Returns
 * the row after them. */
int xl_put_check_summary(xl *x, xl_sheet s, int row, bool see)
{
    size_t n = x->nintegrity;
    char f[256], cached[128];
    const char *tail = see ? " - see Checks" : "";
    size_t failing = 0;   /* as built, only a registered check can fail: the data's own */
    for (size_t i = 0; i < x->nchecks; i++) failing += x->checks[i].failing != 0;
    if (see) xl_put_url(x, s, row, 0, XS_CHECKS, CK_MASTER_ROW, 0, "Integrity checks");
    else xl_put_text(x, s, row, 0, "Integrity checks (" CK_NAME_MASTER ")", x->f.bold);
    snprintf(f, sizeof f, "=IF(" CK_NAME_MASTER "=0,\"All %zu integrity checks pass\","
             CK_NAME_MASTER "&\" of %zu integrity checks fail%s\")", n, n, tail);
    if (failing) snprintf(cached, sizeof cached, "%zu of %zu integrity checks fail%s", failing, n, tail);
    else snprintf(cached, sizeof cached, "All %zu integrity checks pass", n);
    xl_put_formula(x, s, row, 1, f, x->f.bold, xl_cache_text(cached));
    colour(x, s, row, 1, row, 1, "=" CK_NAME_MASTER "=0", x->f.green);
    colour(x, s, row, 1, row, 1, "=" CK_NAME_MASTER "<>0", x->f.red);
    row++;
    if (see) xl_put_url(x, s, row, 0, XS_CHECKS, CK_MASTER_ROW + 1, 0, "Data against the input files");
    else xl_put_text(x, s, row, 0, "Data against the input files (" CK_NAME_PROVENANCE ")", x->f.bold);
    snprintf(f, sizeof f, "=IF(" CK_NAME_PROVENANCE "=0,\"Data agrees with the input files\","
             "\"Data differs from the input files%s\")", tail);
    /* as built, Data is the input files */
    xl_put_formula(x, s, row, 1, f, x->f.bold, xl_cache_text("Data agrees with the input files"));
    colour(x, s, row, 1, row, 1, "=" CK_NAME_PROVENANCE "=0", x->f.green);
    colour(x, s, row, 1, row, 1, "=" CK_NAME_PROVENANCE "<>0", x->f.red);
    return row + 1;
}

void xl_write_checks(xl *x)
{
    const xl_sheet s = XS_CHECKS;
    static const char *const heads[] = {"Integrity check (0 while it holds)", "Where", "Failures",
                                        "Status"};
    ck_list l = {NULL, 0, 0};
    ck_root *roots = NULL;
    char f[160], ref[64];
    xl_put_title(x, s, "Checks",
                 "Integrity checks are 0 while they hold, whatever is sorted, filtered, added, or "
                 "changed on the input sheets; a figure overwritten or a row below the rows the "
                 "formulas read makes one fail. The master check counts those that fail.");
    /* the layout: the integrity table, the provenance table (a row per input file with
     * facts, and the facts that name none), then every fact counted (a row per
     * top-level code, and the other codes) */
    size_t nfiles = 0, nroots = 0;
    for (size_t i = 0; i < x->m->ninputs; i++) nfiles += x->quality_row && x->quality_row[i] >= 0;
    bool block = x->sums_facts1 > x->sums_facts0;
    if (block) nroots = roots_of(x, &roots);
    plan_integrity(x, &l);
    int first = CK_MASTER_ROW + 4, prov_at = first + (int)l.n + 1;
    int counted_at = prov_at + 2 + (int)nfiles + 1 + 1;
    for (size_t i = 0; i < l.n; i++)
        if (l.items[i].sheet == XS_CHECKS) {
            ck_item *it = &l.items[i];
            it->row = counted_at;
            snprintf(it->where, sizeof it->where, "Checks!A%d", counted_at + 1);
            snprintf(it->formula, sizeof it->formula, "=%zu-COUNTIF(D%d:D%d,0)", nroots + 1,
                     counted_at + 3, counted_at + 3 + (int)nroots);
        }
    x->nintegrity = l.n;
    size_t failing = 0;
    for (size_t i = 0; i < l.n; i++) failing += l.items[i].cached != 0;
    xl_put_check_summary(x, s, CK_MASTER_ROW, false);
    snprintf(f, sizeof f, "=%zu-COUNTIF(C%d:C%d,0)", l.n, first + 1, first + (int)l.n);
    xl_put_formula(x, s, CK_MASTER_ROW, 2, l.n ? f : "=0", x->f.whole, xl_cache_double((double)failing));
    xl_put_headers_as(x, s, first - 1, 0, heads, 4, "llrc");
    for (size_t i = 0; i < l.n && xl_live(x); i++) {
        const ck_item *it = &l.items[i];
        int row = first + (int)i;
        xl_put_text(x, s, row, CK_WHAT, it->what, x->f.wrap);
        xl_fit_row(x, s, row, xl_wrapped_lines(it->what, 70));
        xl_put_url(x, s, row, CK_WHERE, it->sheet, it->row, it->col, it->where);
        xl_put_formula(x, s, row, CK_VALUE, it->formula, x->f.quantity, xl_cache_double(it->cached));
        snprintf(f, sizeof f, "=IF(ISNUMBER(C%d),IF(C%d=0,\"ok\",\"FAILS\"),\"FAILS\")", row + 1, row + 1);
        xl_put_formula(x, s, row, CK_STATUS, f, x->f.status, xl_cache_text(it->cached ? "FAILS" : "ok"));
    }
    status_colours(x, first, first + (int)l.n - 1, CK_WHAT, CK_STATUS, "ok", "FAILS");
    int pfirst, plast;
    write_provenance(x, prov_at, &pfirst, &plast);
    snprintf(f, sizeof f, "=%d-COUNTIF(F%d:F%d,0)", plast - pfirst + 1, pfirst + 1, plast + 1);
    xl_put_formula(x, s, CK_MASTER_ROW + 1, 2, f, x->f.whole, xl_cache_double(0));
    if (block)
        write_counted(x, counted_at, roots, nroots, x->sums[x->sums_facts0].row,
                      x->sums[x->nsums - 1].row);
    free(roots);
    bp_formula_ref(ref, sizeof ref, xl_sheets[s].name, CK_MASTER_ROW, 2);
    snprintf(f, sizeof f, "=%s", ref);
    xl_define(x, CK_NAME_MASTER, f);
    bp_formula_ref(ref, sizeof ref, xl_sheets[s].name, CK_MASTER_ROW + 1, 2);
    snprintf(f, sizeof f, "=%s", ref);
    xl_define(x, CK_NAME_PROVENANCE, f);
    xl_set_col(x, s, CK_WHAT, CK_WHAT, 70, NULL);
    xl_set_col(x, s, CK_WHERE, CK_WHERE, 22, NULL);
    xl_set_col(x, s, CK_VALUE, PV_STATUS, 18, NULL);
    xl_print_setup(x, s, 0, -1);
    free(l.items);
}
