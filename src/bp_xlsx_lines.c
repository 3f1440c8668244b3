/* bp_xlsx_lines: the statements by line - income and expenditure for the report year by
 * institution, the internal transfers eliminated and the consolidated trust; and the
 * budget against the actual, with variances favourable positive (DATA.md, "Variance").
 *
 * The lines are the codes the data has, grouped as the contract's codes are
 * (income.esfa.*, income.gov.*, ... exp.internal.*): one line per code two segments under
 * income or exp, a deeper code counted in its line's sum (the sums block adds a code's
 * children), a group's own facts on a line of their own.  Every line reads one cell of the
 * sums block on Workings; every subtotal and total is the SUM of the lines shown above it,
 * and a check row beside the figures compares each total with the sums block's own total
 * of its code (xl_add_check), so that a line overwritten or left out shows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_xlsx_internal.h"
#include "bp_util.h"

/* ---- reading the sums block ---- */

int xl_sums_row(const xl *x, const char *code, int year, int sc, bool eliminated)
{
    int i = xl_sum_find(x, code, strlen(code), year, sc);
    if (i >= 0 && eliminated) i = x->sums[i].eliminated;
    return i >= 0 ? x->sums[i].row : -1;
}

/* The totals column of an institution (workbook position p) or, p < 0, the trust. */
int xl_sums_col(const xl *x, int p)
{
    return p < 0 ? x->trust_col : BP_XL_WORK_FIRST_COL + p;
}

/* "IF(Workings!$P$47,Workings!$E$47,"")": the total where the sums block has facts,
 * else no data; false when the block has no row for it. */
bool xl_fact_ref(const xl *x, char *buf, size_t size, const char *code, int year, int sc,
                 bool eliminated, int p)
{
    int row = xl_sums_row(x, code, year, sc, eliminated);
    if (row < 0) return false;
    char t[48], f[48];
    bp_formula_ref(t, sizeof t, BP_XL_SHEET_WORKINGS, row, xl_sums_col(x, p));
    bp_formula_ref(f, sizeof f, BP_XL_SHEET_WORKINGS, row, xl_sums_col(x, p) + x->facts_offset);
    snprintf(buf, size, "IF(%s,%s,\"\")", f, t);
    return true;
}

/* The engine's sum of a code for an institution (workbook position p) or, p < 0, the
 * trust (every institution, internal transfers eliminated when eliminated). */
/* The sums block's rows are the facts' scenarios; in-year the report year's actuals are
 * those to date (the months M01..period), the engine's ytd_actual (plan_periods). */
bp_scenario xl_engine_scenario(const xl *x, int year, bp_scenario sc)
{
    return x->m->inyear && year == x->m->inyear && sc == BP_ACTUAL ? BP_YTD_ACTUAL : sc;
}

xl_amt xl_engine_sum(const xl *x, int p, const char *code, int year, bp_scenario sc,
                     bool eliminated)
{
    xl_amt a = {false, 0};
    size_t n0 = p < 0 ? 0 : (size_t)p, n1 = p < 0 ? x->m->ninsts : (size_t)p + 1;
    for (size_t i = n0; i < n1; i++) {
        bp_num v;
        int64_t pence;
        /* a budget to date an institution's cannot be formed (a whole-year budget under
         * the code) leaves the trust's no data too, as the Workings facts cell has it; so
         * does a month not received its year to date and outturn (bp_model_sum_state) */
        if ((sc == BP_YTD_BUDGET || xl_engine_scenario(x, year, sc) == BP_YTD_ACTUAL || sc == BP_OUTTURN)
            && bp_model_sum_state(x->m, x->inst_order[i], year, xl_engine_scenario(x, year, sc), code,
                                  eliminated, &v) == BP_SUM_NODATA)
            return (xl_amt){false, 0};
        if (!bp_model_sum(x->m, x->inst_order[i], year, xl_engine_scenario(x, year, sc), code,
                          eliminated, &v))
            continue;
        if (!bp_num_to_pence(v, &pence)) continue;
        a.has = true;
        a.p += pence;
    }
    return a;
}

xl_cache xl_cache_amt(xl_amt a)
{
    return a.has ? xl_cache_double((double)a.p / 100.0) : xl_cache_text("");
}

xl_amt xl_amt_add(xl_amt a, xl_amt b, int sign)
{
    return (xl_amt){a.has || b.has, a.p + sign * b.p};
}

/* ---- the lines ---- */

typedef struct {
    const char *code, *label;
} known;

/* The contract's codes, in the order a statement shows them; a code not here is shown
 * after the known ones of its group, labelled by its last segment.  "other" lines come
 * last in their group. */
static const known knowns[] = {
    {"income", "Income"},
    {"income.esfa", "DfE/ESFA grants"},
    {"income.esfa.gag", "General annual grant (GAG)"},
    {"income.esfa.16_19", "16-19 funding"},
    {"income.esfa.pupil_premium", "Pupil premium"},
    {"income.esfa.other", "Other DfE/ESFA grants"},
    {"income.gov", "Other public funding"},
    {"income.gov.la", "Local authority"},
    {"income.gov.other", "Other government funding"},
    {"income.self", "Self-generated income"},
    {"income.self.lettings", "Lettings"},
    {"income.self.catering", "Catering"},
    {"income.self.trips", "Trips and visits"},
    {"income.self.he_franchise", "HE franchise"},
    {"income.self.donations", "Donations"},
    {"income.self.other", "Other self-generated income"},
    {"income.internal", "Internal transfers in"},
    {"income.internal.central_charge", "Central charge received"},
    {"exp", "Expenditure"},
    {"exp.staff", "Staff costs"},
    {"exp.staff.teaching", "Teaching staff"},
    {"exp.staff.support", "Education support staff"},
    {"exp.staff.admin", "Administrative and clerical staff"},
    {"exp.staff.premises", "Premises staff"},
    {"exp.staff.supply", "Supply staff"},
    {"exp.staff.agency", "Agency staff"},
    {"exp.staff.other", "Other staff costs"},
    {"exp.nonpay", "Non-pay expenditure"},
    {"exp.nonpay.premises", "Premises"},
    {"exp.nonpay.supplies", "Educational supplies"},
    {"exp.nonpay.ict", "ICT"},
    {"exp.nonpay.cpd", "Staff development (CPD)"},
    {"exp.nonpay.catering", "Catering"},
    {"exp.nonpay.other", "Other non-pay expenditure"},
    {"exp.internal", "Internal transfers out"},
    {"exp.internal.central_charge", "Central charge paid"},
    {"bs.fixed_assets", "Fixed assets"},
    {"bs.current_assets", "Current assets"},
    {"bs.cash", "of which cash"},
    {"bs.current_liabilities", "Current liabilities"},
    {"bs.long_term_liabilities", "Long-term liabilities"},
    {"bs.pension", "Pension scheme liability"},
    {"bs.borrowing", "Borrowing (within the liabilities above)"},
    {"bs.reserves", "Funds"},
    {"bs.reserves.revenue", "Revenue reserve"},
    {"bs.reserves.rainy_day", "Rainy day (designated) reserve"},
    {"bs.reserves.restricted", "Restricted funds"},
    {"bs.reserves.fixed_asset", "Fixed asset fund"},
    {"bs.reserves.pension", "Pension reserve"},
};
#define NKNOWN (sizeof knowns / sizeof *knowns)

static int known_at(const char *code, size_t len)
{
    for (size_t i = 0; i < NKNOWN; i++)
        if (strlen(knowns[i].code) == len && strncmp(knowns[i].code, code, len) == 0) return (int)i;
    return -1;
}

/* The label of a code: the contract's, else its last segment, "_" as spaces, capitalised. */
void xl_code_label(char *buf, size_t size, const char *code, size_t len)
{
    int k = known_at(code, len);
    if (k >= 0) {
        snprintf(buf, size, "%s", knowns[k].label);
        return;
    }
    size_t s = len;
    while (s && code[s - 1] != '.') s--;
    snprintf(buf, size, "%.*s", (int)(len - s), code + s);
    for (char *c = buf; *c; c++)
        if (*c == '_') *c = ' ';
    if (buf[0] >= 'a' && buf[0] <= 'z') buf[0] = (char)(buf[0] - 'a' + 'A');
}

/* A code's place among its siblings: known codes in the table's order, unknown ones
 * after them, an internal group and an "other" line last. */
static int rank(const char *code, size_t len)
{
    size_t s = len;
    while (s && code[s - 1] != '.') s--;
    if (len - s == 5 && strncmp(code + s, "other", 5) == 0) return 2000;
    if (len - s == 8 && strncmp(code + s, "internal", 8) == 0) return 3000;
    int k = known_at(code, len);
    return k >= 0 ? k : 1000;
}

static int segments(const char *code, size_t len)
{
    int n = 1;
    for (size_t i = 0; i < len; i++) n += code[i] == '.';
    return n;
}

typedef struct {
    const char *code;
    size_t len;
} view;

static int view_rank_cmp(const void *pa, const void *pb)
{
    const view *a = pa, *b = pb;
    /* group first, then the line within it */
    size_t ga = 0, gb = 0;
    int dots = 0;
    for (; ga < a->len && !(a->code[ga] == '.' && ++dots == 2); ga++) {}
    dots = 0;
    for (; gb < b->len && !(b->code[gb] == '.' && ++dots == 2); gb++) {}
    int ra = rank(a->code, ga), rb = rank(b->code, gb);
    if (ra != rb) return (ra > rb) - (ra < rb);
    int c = memcmp(a->code, b->code, ga < gb ? ga : gb);
    if (c || ga != gb) return c ? c : (ga > gb) - (ga < gb);
    /* the group's own row before its lines */
    if ((a->len == ga) != (b->len == gb)) return a->len == ga ? -1 : 1;
    ra = rank(a->code, a->len);
    rb = rank(b->code, b->len);
    if (ra != rb) return (ra > rb) - (ra < rb);
    c = memcmp(a->code, b->code, a->len < b->len ? a->len : b->len);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

static bool under_top(const char *code, size_t len, const char *top)
{
    size_t n = strlen(top);
    return len > n && strncmp(code, top, n) == 0 && code[n] == '.';
}

static bool internal_group(const char *code, size_t len)
{
    return segments(code, len) >= 2 && (under_top(code, len, "income.internal")
                                        || under_top(code, len, "exp.internal")
                                        || (len == 15 && strncmp(code, "income.internal", 15) == 0)
                                        || (len == 12 && strncmp(code, "exp.internal", 12) == 0));
}

/* Does any institution have facts for the code in the year and scenario? */
static bool has_data(const xl *x, const char *code, int year, bp_scenario sc)
{
    /* institution by institution: the trust's sum is no data while a month is not
     * received, and the others' lines are still shown */
    for (size_t p = 0; p < x->m->ninsts; p++)
        if (xl_engine_sum(x, (int)p, code, year, sc, false).has) return true;
    return false;
}

static void plan_push(xl *x, xl_lines *pl, xl_line l)
{
    xl_line *n = bp_grow(pl->rows, &pl->cap, pl->n + 1, sizeof *n);
    if (!n) {
        xl_nomem(x);
        return;
    }
    pl->rows = n;
    pl->rows[pl->n++] = l;
}

static xl_line line_of(xl_line_kind k, const char *code, size_t len, int top)
{
    xl_line l;
    memset(&l, 0, sizeof l);
    l.kind = k;
    snprintf(l.code, sizeof l.code, "%.*s", (int)len, code);
    l.top = top;
    l.internal = internal_group(code, len);
    return l;
}

/* The codes one and two segments under top that the sums block has in the year and one
 * of the scenarios, with data, in statement order. */
static size_t gather(xl *x, const char *top, int year, const bp_scenario *scs, size_t nsc,
                     bool internal, view **out)
{
    size_t n = 0, cap = 0;
    view *v = NULL;
    int depth = segments(top, strlen(top));
    for (size_t i = x->sums_facts0; i < x->sums_facts1 && xl_live(x); i++) {
        const xl_sum *s = &x->sums[i];
        bool in = false;
        for (size_t k = 0; k < nsc; k++) in = in || s->scenario == (int)scs[k];
        int d = segments(s->code, s->len);
        if (s->kind != XR_FACTS || s->year != year || !in || !under_top(s->code, s->len, top)
            || d > depth + 2 || (!internal && internal_group(s->code, s->len)))
            continue;
        char code[BP_FORMULA_CODE_MAX + 1];
        snprintf(code, sizeof code, "%.*s", (int)s->len, s->code);
        bool data = false;
        for (size_t k = 0; k < nsc && !data; k++) data = has_data(x, code, year, scs[k]);
        if (!data) continue;
        view *g = bp_grow(v, &cap, n + 1, sizeof *g);
        if (!g) {
            free(v);
            xl_nomem(x);
            return 0;
        }
        v = g;
        v[n++] = (view){s->code, s->len};
    }
    if (n) qsort(v, n, sizeof *v, view_rank_cmp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!k || view_rank_cmp(&v[i], &v[k - 1]) != 0) v[k++] = v[i];
    *out = v;
    return k;
}

/* Has the code facts of its own, outside the codes gathered under it, for some
 * institution?  (Its total is then not the sum of its lines.) */
static bool has_own(xl *x, const char *code, const view *kids, size_t nk, int year,
                    const bp_scenario *scs, size_t nsc, bool internal)
{
    for (size_t k = 0; k < nsc; k++)
        for (size_t p = 0; p < x->m->ninsts; p++) {
            /* without the internal groups, the code's total less its internal transfers */
            xl_amt t = xl_engine_sum(x, (int)p, code, year, scs[k], !internal), sum = {false, 0};
            for (size_t i = 0; i < nk; i++) {
                char c[BP_FORMULA_CODE_MAX + 1];
                snprintf(c, sizeof c, "%.*s", (int)kids[i].len, kids[i].code);
                sum = xl_amt_add(sum, xl_engine_sum(x, (int)p, c, year, scs[k], false), 1);
            }
            if (t.has != sum.has || t.p != sum.p) return true;
        }
    return false;
}

/* One top code (income or exp): its groups, each with a title, its lines and a subtotal,
 * then the total of the subtotals. */
static void plan_top(xl *x, xl_lines *pl, const char *top, int year, const bp_scenario *scs,
                     size_t nsc, bool internal)
{
    view *v = NULL;
    size_t n = gather(x, top, year, scs, nsc, internal, &v);
    int topi = (int)pl->n;
    int depth = segments(top, strlen(top));
    plan_push(x, pl, line_of(XL_LN_TITLE, top, strlen(top), topi));
    view groups[256];
    size_t ng = 0;
    for (size_t i = 0; i < n && xl_live(x);) {
        size_t j = i + 1;
        while (j < n && segments(v[j].code, v[j].len) == depth + 2) j++;
        /* v[i] is a group (one segment under top), v[i+1..j) its lines */
        if (segments(v[i].code, v[i].len) != depth + 1) {
            i = j;
            continue;
        }
        if (ng < 256) groups[ng++] = v[i];
        plan_push(x, pl, line_of(XL_LN_GROUP, v[i].code, v[i].len, topi));
        size_t first = pl->n;
        for (size_t k = i + 1; k < j; k++)
            plan_push(x, pl, line_of(XL_LN_LINE, v[k].code, v[k].len, topi));
        if (j == i + 1)
            plan_push(x, pl, line_of(XL_LN_LINE, v[i].code, v[i].len, topi));
        else if (has_own(x, pl->rows[first - 1].code, v + i + 1, j - i - 1, year, scs, nsc, internal))
            plan_push(x, pl, line_of(XL_LN_REST, v[i].code, v[i].len, topi));
        xl_line sub = line_of(XL_LN_SUBTOTAL, v[i].code, v[i].len, topi);
        sub.first = (int)first;
        sub.last = (int)pl->n - 1;
        plan_push(x, pl, sub);
        i = j;
    }
    /* facts on the top code itself, or under a group not shown (a group left out has
     * no data): a line of what the groups do not analyse */
    if (xl_live(x) && has_own(x, top, groups, ng, year, scs, nsc, internal)) {
        xl_line rest = line_of(XL_LN_REST, top, strlen(top), topi);
        rest.first = -1;
        plan_push(x, pl, rest);
    }
    xl_line tot = line_of(XL_LN_TOTAL, top, strlen(top), topi);
    tot.first = topi;
    tot.last = (int)pl->n - 1;
    plan_push(x, pl, tot);
    free(v);
}

/* The lines of income and expenditure in a year and the scenarios (the union of their
 * codes), and the in-year result; internal: the internal transfers' groups too. */
void xl_plan_lines(xl *x, xl_lines *pl, int year, const bp_scenario *scs, size_t nsc,
                   bool internal)
{
    memset(pl, 0, sizeof *pl);
    plan_top(x, pl, "income", year, scs, nsc, internal);
    pl->income_total = (int)pl->n - 1;
    plan_push(x, pl, line_of(XL_LN_BLANK, "", 0, -1));
    plan_top(x, pl, "exp", year, scs, nsc, internal);
    pl->exp_total = (int)pl->n - 1;
    plan_push(x, pl, line_of(XL_LN_BLANK, "", 0, -1));
    xl_line res = line_of(XL_LN_RESULT, "", 0, -1);
    res.first = pl->income_total;
    res.last = pl->exp_total;
    plan_push(x, pl, res);
    pl->result = (int)pl->n - 1;
}

/* The rows a line's subtotal or total adds up, as "C8:C12" or "C12,C17,C24" (the
 * subtotals of a total), offset rows below the plan's first row. */
static void line_range(const xl_lines *pl, const xl_line *l, int base, const char *col,
                       bp_fbuf *b)
{
    if (l->kind == XL_LN_SUBTOTAL) {
        bp_fbuf_printf(b, "%s%d:%s%d", col, base + l->first + 1, col, base + l->last + 1);
        return;
    }
    bool any = false;
    for (int i = l->first; i <= l->last; i++) {
        const xl_line *k = &pl->rows[i];
        if (k->kind != XL_LN_SUBTOTAL && !(k->kind == XL_LN_REST && k->first < 0)) continue;
        bp_fbuf_printf(b, "%s%s%d", any ? "," : "", col, base + i + 1);
        any = true;
    }
    if (!any) bp_fbuf_printf(b, "%s%d", col, base + l->first + 1);
}

/* The formula of a line's subtotal, total, result or rest in column col: sums of the
 * cells above it; cell: the sums block's total of a rest's code. */
void xl_line_sum_formula(const xl_lines *pl, const xl_line *l, int base, int col,
                         const char *total, const char *facts, bp_fbuf *b)
{
    char c[8];
    bp_formula_col(c, sizeof c, col);
    bp_fbuf_reset(b);
    switch (l->kind) {
    case XL_LN_SUBTOTAL: case XL_LN_TOTAL:
        bp_fbuf_puts(b, "=IF(COUNT(");
        line_range(pl, l, base, c, b);
        bp_fbuf_puts(b, "),ROUND(SUM(");
        line_range(pl, l, base, c, b);
        bp_fbuf_puts(b, "),2),\"\")");
        break;
    case XL_LN_RESULT:
        bp_fbuf_printf(b, "=IF(COUNT(%s%d)*COUNT(%s%d),ROUND(%s%d-%s%d,2),\"\")", c, base + l->first + 1, c,
                       base + l->last + 1, c, base + l->first + 1, c, base + l->last + 1);
        break;
    case XL_LN_REST: {
        /* the code's total less the lines above it in its group, or the subtotals */
        xl_line scope = *l;
        int at = (int)(l - pl->rows);
        scope.kind = l->first < 0 ? XL_LN_TOTAL : XL_LN_SUBTOTAL;
        scope.first = l->first < 0 ? l->top : at;
        while (l->first >= 0 && scope.first > 0 && pl->rows[scope.first - 1].kind == XL_LN_LINE)
            scope.first--;
        scope.last = at - 1;
        bp_fbuf_printf(b, "=IF(%s,ROUND(%s-SUM(", facts, total);
        if (l->first < 0) {
            xl_line t = scope;
            t.kind = XL_LN_TOTAL;
            line_range(pl, &t, base, c, b);
        } else {
            bp_fbuf_printf(b, "%s%d:%s%d", c, base + scope.first + 1, c, base + scope.last + 1);
        }
        bp_fbuf_puts(b, "),2),\"\")");
        break;
    }
    default:
        break;
    }
}

/* The cached value of a sum row from the values of the rows above (v[i], one column). */
xl_amt xl_line_sum_value(const xl_lines *pl, const xl_line *l, const xl_amt *v, xl_amt code_total)
{
    xl_amt a = {false, 0};
    int at = (int)(l - pl->rows);
    switch (l->kind) {
    case XL_LN_SUBTOTAL:
        for (int i = l->first; i <= l->last; i++) a = xl_amt_add(a, v[i], 1);
        return a;
    case XL_LN_TOTAL: {
        bool any = false;
        for (int i = l->first; i <= l->last; i++) {
            const xl_line *k = &pl->rows[i];
            if (k->kind != XL_LN_SUBTOTAL && !(k->kind == XL_LN_REST && k->first < 0)) continue;
            a = xl_amt_add(a, v[i], 1);
            any = true;
        }
        return any ? a : v[l->first];
    }
    case XL_LN_RESULT:
        if (!v[l->first].has || !v[l->last].has) return a;
        return (xl_amt){true, v[l->first].p - v[l->last].p};
    case XL_LN_REST: {
        if (!code_total.has) return a;
        a = code_total;
        if (l->first < 0) {
            for (int i = l->top; i < at; i++)
                if (pl->rows[i].kind == XL_LN_SUBTOTAL) a.p -= v[i].p;
        } else {
            for (int i = at - 1; i >= 0 && pl->rows[i].kind == XL_LN_LINE; i--) a.p -= v[i].p;
        }
        return a;
    }
    default:
        return a;
    }
}

/* The label column's text and format of a line. */
void xl_line_label(xl *x, xl_sheet s, int row, const xl_line *l)
{
    char label[160], name[96];
    lxw_format *f = x->f.text;
    size_t len = strlen(l->code);
    xl_code_label(name, sizeof name, l->code, len);
    switch (l->kind) {
    case XL_LN_TITLE: snprintf(label, sizeof label, "%s", name); f = x->f.bold; break;
    case XL_LN_GROUP: snprintf(label, sizeof label, "  %s", name); f = x->f.bold; break;
    case XL_LN_LINE: snprintf(label, sizeof label, "    %s", name); break;
    case XL_LN_REST: snprintf(label, sizeof label, "    %s, not analysed further", name); break;
    case XL_LN_SUBTOTAL: snprintf(label, sizeof label, "  Total %s", name); f = x->f.bold; break;
    case XL_LN_TOTAL: snprintf(label, sizeof label, "Total %s", len == 3 ? "expenditure" : "income");
                      f = x->f.bold; break;
    case XL_LN_RESULT: snprintf(label, sizeof label, "In-year result (income less expenditure)");
                       f = x->f.bold; break;
    case XL_LN_BLANK: return;
    }
    if (l->kind == XL_LN_SUBTOTAL && label[8] >= 'A' && label[8] <= 'Z' && strncmp(name, "DfE", 3) != 0
        && strncmp(name, "HE", 2) != 0 && strncmp(name, "ICT", 3) != 0)
        label[8] = (char)(label[8] - 'A' + 'a');
    xl_put_text(x, s, row, 0, label, f);
    if (l->kind == XL_LN_LINE || l->kind == XL_LN_REST || l->kind == XL_LN_SUBTOTAL
        || l->kind == XL_LN_TOTAL)
        xl_put_text(x, s, row, 1, l->code, x->f.text);
}

static lxw_format *line_format(const xl *x, const xl_line *l)
{
    return l->kind == XL_LN_LINE || l->kind == XL_LN_REST ? x->f.money : x->f.money_bold;
}

/* ---- Income and expenditure ---- */

#define IE_HEAD 4                /* entity names; ids on the row below */
#define IE_FIRST (IE_HEAD + 2)   /* the first line */
#define IE_COL XL_IE_COL

/* A "check: 0" row under a statement: per column, the total on row trow less the sums
 * block's total of the code (want[c] its Workings reference, NULL: none), rounded to the
 * penny; the values the check's cells take. */
static void check_row(xl *x, xl_sheet s, int row, const char *label, int trow, int c0, int nc,
                      char (*want)[64], const int *sign, const xl_amt *got, const xl_amt *eng,
                      const char *what)
{
    xl_put_text(x, s, row, 0, label, x->f.text);
    xl_add_check(x, s, row, c0, row, c0 + nc - 1, what);   /* before its cells (xl_add_check) */
    for (int i = 0; i < nc && xl_live(x); i++) {
        char t[16], f[160];
        if (!want[i][0]) continue;
        bp_formula_ref(t, sizeof t, NULL, trow, c0 + i);
        snprintf(f, sizeof f, "=ROUND(SUM(%s)%s%s,2)", t, sign[i] < 0 ? "+" : "-", want[i]);
        int64_t d = (got[i].has ? got[i].p : 0) - sign[i] * (eng[i].has ? eng[i].p : 0);
        xl_put_formula(x, s, row, c0 + i, f, x->f.money, xl_cache_double((double)d / 100.0));
    }
}

/* The sums block's reference and the engine's value of a code for a statement column:
 * an institution (c < n), the total of the institutions, the internal transfers
 * eliminated (sign -1: the code's internal part), the consolidated trust. */
static void ie_want(const xl *x, int c, const char *code, const char *internal, int year,
                    char *ref, size_t size, int *sign, xl_amt *eng)
{
    int n = (int)x->m->ninsts, row;
    bool elim = c == n + 2;
    const char *cd = c == n + 1 ? internal : code;
    *sign = c == n + 1 ? -1 : 1;
    row = xl_sums_row(x, cd, year, BP_ACTUAL, elim);
    ref[0] = '\0';
    if (row >= 0) bp_formula_ref(ref, size, BP_XL_SHEET_WORKINGS, row, xl_sums_col(x, c < n ? c : -1));
    /* in-year the trust's columns are no data while a month is not received (its facts
     * cell 0): the check sets 0 against 0 then */
    if (row >= 0 && c >= n && xl_outturn_year(x) && size >= 64) {
        char t[28], f[28];   /* Workings!$XFD$1048576 at most: IF(f,t,0) fits 64 */
        bp_formula_ref(t, sizeof t, BP_XL_SHEET_WORKINGS, row, x->trust_col);
        bp_formula_ref(f, sizeof f, BP_XL_SHEET_WORKINGS, row, x->trust_col + x->facts_offset);
        snprintf(ref, size, "IF(%s,%s,0)", f, t);
    }
    *eng = xl_engine_sum(x, c < n ? c : -1, cd, year, BP_ACTUAL, elim);
}

/* One cell of a line (a line of the data, or the rest of a code) in column c. */
static void ie_line_cell(xl *x, const xl_lines *pl, size_t i, int c, xl_amt *v)
{
    const xl_sheet s = XS_IE;
    const xl_line *l = &pl->rows[i];
    const int n = (int)x->m->ninsts, tcol = IE_COL + n, row = IE_FIRST + (int)i, year = x->s->year;
    char ref[200], r0[16], r1[16];
    xl_amt *at = &v[(size_t)c * pl->n + i];
    lxw_format *fm = line_format(x, l);
    if (c < n && l->kind == XL_LN_LINE) {
        if (!xl_fact_ref(x, ref + 1, sizeof ref - 1, l->code, year, BP_ACTUAL, false, c)) return;
        ref[0] = '=';
        *at = xl_engine_sum(x, c, l->code, year, BP_ACTUAL, false);
    } else if (c < n) {
        char t[48], f[48];
        int wrow = xl_sums_row(x, l->code, year, BP_ACTUAL, false);
        if (wrow < 0) return;
        bp_formula_ref(t, sizeof t, BP_XL_SHEET_WORKINGS, wrow, xl_sums_col(x, c));
        bp_formula_ref(f, sizeof f, BP_XL_SHEET_WORKINGS, wrow, xl_sums_col(x, c) + x->facts_offset);
        xl_line_sum_formula(pl, l, IE_FIRST, IE_COL + c, t, f, &x->fb);
        if (x->fb.nomem || x->fb.len >= sizeof ref) {
            xl_nomem(x);
            return;
        }
        snprintf(ref, sizeof ref, "%s", x->fb.s);
        *at = xl_line_sum_value(pl, l, v + (size_t)c * pl->n,
                                xl_engine_sum(x, c, l->code, year, BP_ACTUAL, false));
    } else if (c == n) {
        /* across: the institutions' cells of the line */
        bp_formula_ref(r0, sizeof r0, NULL, row, IE_COL);
        bp_formula_ref(r1, sizeof r1, NULL, row, tcol - 1);
        for (int k = 0; k < n; k++) *at = xl_amt_add(*at, v[(size_t)k * pl->n + i], 1);
        /* in-year, no data while a month is not received (the Workings count of the
         * trust), as the engine's trust; the eliminated and consolidated columns follow */
        char recv[40] = "";
        if (xl_outturn_year(x)) {
            bp_formula_ref(recv, sizeof recv, BP_XL_SHEET_WORKINGS, x->recv_row, x->trust_col);
            if (xl_trust_missing(x)) *at = (xl_amt){false, 0};
        }
        snprintf(ref, sizeof ref, "=%s%s%sIF(COUNT(%s:%s),ROUND(SUM(%s:%s),2),\"\")%s", *recv ? "IF(" : "",
                 recv, *recv ? ",\"\"," : "", r0, r1, r0, r1, *recv ? ")" : "");
    } else if (c == n + 1) {
        /* the internal transfers taken out */
        if (!l->internal) return;
        bp_formula_ref(r0, sizeof r0, NULL, row, tcol);
        snprintf(ref, sizeof ref, "=IF(COUNT(%s),-%s,\"\")", r0, r0);
        const xl_amt *tot = &v[(size_t)n * pl->n + i];
        *at = (xl_amt){tot->has, -tot->p};
    } else {
        bp_formula_ref(r0, sizeof r0, NULL, row, tcol);
        bp_formula_ref(r1, sizeof r1, NULL, row, tcol + 1);
        snprintf(ref, sizeof ref, "=IF(COUNT(%s:%s),ROUND(SUM(%s:%s),2),\"\")", r0, r1, r0, r1);
        *at = xl_amt_add(v[(size_t)n * pl->n + i], v[(size_t)(n + 1) * pl->n + i], 1);
    }
    xl_put_formula(x, s, row, IE_COL + c, ref, fm, xl_cache_amt(*at));
}

/* The header: names over ids, the unit over each column in thousands. */
static void ie_header(xl *x, int nc)
{
    const xl_sheet s = XS_IE;
    const int n = (int)x->m->ninsts;
    xl_put_blank(x, s, IE_HEAD, 0, x->f.header);
    xl_put_blank(x, s, IE_HEAD, 1, x->f.header);
    xl_put_text(x, s, IE_HEAD + 1, 0, "Line", x->f.header);
    xl_put_text(x, s, IE_HEAD + 1, 1, "Code", x->f.header);
    for (int c = 0; c < nc; c++) {
        static const char *const names[3] = {"Total of the institutions",
                                             "Internal transfers eliminated", "Consolidated trust"};
        static const char *const ids[3] = {"total", "eliminated", "trust"};
        xl_put_text(x, s, IE_HEAD, IE_COL + c, c < n ? x->ents[c].name : names[c - n], x->f.header_wrap);
        xl_put_text(x, s, IE_HEAD + 1, IE_COL + c, c < n ? x->ents[c].id : ids[c - n], x->f.header_num);
        if (*xl_money_note(x)) xl_put_text(x, s, IE_HEAD - 1, IE_COL + c, "\xC2\xA3" "000", x->f.header_num);
    }
    int lines = 2;
    for (int c = 0; c < n; c++) lines = xl_max_int(lines, xl_wrapped_lines(x->ents[c].name, 13));
    if (xl_live(x)) xl_check(x, worksheet_set_row(x->ws[s], IE_HEAD, 13.5 * lines, NULL), s, IE_HEAD, 0);
}

void xl_write_ie(xl *x)
{
    const xl_sheet s = XS_IE;
    const int n = (int)x->m->ninsts, nc = n + 3, year = x->s->year;
    const bp_scenario act = BP_ACTUAL;
    char yb[16], title[160];
    bp_year_format(year, yb, sizeof yb);
    xl_text_fmt(title, sizeof title, "Income and expenditure %s (actual), by line", yb);
    xl_put_title(x, s, title,
                 "Each line reads the sums on Workings; every subtotal and total is the sum of the "
                 "lines above it. The trust is consolidated: the internal transfers (the central "
                 "charge) are eliminated.");
    xl_lines pl;
    xl_plan_lines(x, &pl, year, &act, 1, true);
    xl_amt *v = calloc(pl.n * (size_t)nc + 1, sizeof *v);
    int *sign = calloc((size_t)nc, sizeof *sign);
    xl_amt *got = calloc((size_t)nc, sizeof *got), *eng = calloc((size_t)nc, sizeof *eng);
    char (*want)[64] = calloc((size_t)nc, sizeof *want);
    if (!v || !sign || !got || !eng || !want) xl_nomem(x);
    ie_header(x, nc);
    for (size_t i = 0; i < pl.n && xl_live(x); i++) {
        const xl_line *l = &pl.rows[i];
        xl_line_label(x, s, IE_FIRST + (int)i, l);
        if (l->kind == XL_LN_TITLE || l->kind == XL_LN_GROUP || l->kind == XL_LN_BLANK) continue;
        bool line = l->kind == XL_LN_LINE || l->kind == XL_LN_REST;
        for (int c = 0; c < nc && xl_live(x); c++) {
            if (line) {
                ie_line_cell(x, &pl, i, c, v);
                continue;
            }
            /* a sum down the column of the statement's own columns */
            xl_amt *at = &v[(size_t)c * pl.n + i];
            xl_line_sum_formula(&pl, l, IE_FIRST, IE_COL + c, "", "", &x->fb);
            *at = xl_line_sum_value(&pl, l, v + (size_t)c * pl.n, (xl_amt){false, 0});
            if (x->fb.nomem) xl_nomem(x);
            else xl_put_formula(x, s, IE_FIRST + (int)i, IE_COL + c, x->fb.s, line_format(x, l),
                                xl_cache_amt(*at));
        }
    }
    x->ie_result_row = IE_FIRST + pl.result;
    int row = IE_FIRST + (int)pl.n + 1;
    static const char *const what[2] = {
        "Income and expenditure: each column's total income is the sum of its lines and equals "
        "the sums on Workings (the eliminated column: income.internal)",
        "Income and expenditure: each column's total expenditure is the sum of its lines and "
        "equals the sums on Workings (the eliminated column: exp.internal)"};
    static const char *const label[2] = {"check: total income less the sums on Workings (0)",
                                         "check: total expenditure less the sums on Workings (0)"};
    for (int k = 0; k < 2 && xl_live(x); k++, row++) {
        int trow = k ? pl.exp_total : pl.income_total;
        for (int c = 0; c < nc; c++) {
            ie_want(x, c, k ? "exp" : "income", k ? "exp.internal" : "income.internal", year,
                    want[c], sizeof want[c], &sign[c], &eng[c]);
            got[c] = v[(size_t)c * pl.n + (size_t)trow];
        }
        check_row(x, s, row, label[k], IE_FIRST + trow, IE_COL, nc, want, sign, got, eng, what[k]);
    }
    xl_put_text(x, s, row + 1, 0, "The eliminated column's in-year result is the internal transfers "
                "that do not reconcile (income.internal less exp.internal): Data quality warns when "
                "it is not 0.", x->f.text);
    xl_set_col(x, s, 0, 0, 44, NULL);
    xl_set_col(x, s, 1, 1, 30, NULL);
    xl_set_col(x, s, IE_COL, IE_COL + nc - 1, 15, NULL);
    worksheet_freeze_panes(x->ws[s], IE_FIRST, IE_COL);
    xl_print_setup(x, s, IE_HEAD, IE_HEAD + 1);
    free(v);
    free(sign);
    free(got);
    free(eng);
    free(want);
    free(pl.rows);
}

/* ---- Budget v actual ---- */

/* A block's columns: the line, its code, then one comparison (budget, actual, variance, %
 * variance, its word); in-year two - the year to date (budget to date, actuals to date)
 * and the full year (full-year budget, outturn), contract v2. */
enum { BV_LABEL, BV_CODE, BV_BUDGET, BV_ACTUAL, BV_VAR, BV_PCT, BV_WORD, BV_NCOLS };
#define BV_PAIR (BV_NCOLS - BV_BUDGET)

static int bva_pairs(const xl *x) { return xl_outturn_year(x) ? 2 : 1; }

/* The scenario of comparison `pair`'s budget (k 0) or actual (k 1). */
static bp_scenario bva_scenario(const xl *x, int pair, int k)
{
    if (!xl_outturn_year(x)) return k ? BP_ACTUAL : BP_BUDGET;
    if (pair == 0) return k ? BP_ACTUAL : BP_YTD_BUDGET;
    return k ? BP_OUTTURN : BP_BUDGET;
}

/* Variance favourable positive (DATA.md, "Variance"): actual - budget for income and the
 * result, budget - actual for expenditure. */
static int bva_sign(const xl_lines *pl, const xl_line *l)
{
    if (l->kind == XL_LN_RESULT) return 1;
    return strncmp(pl->rows[l->top].code, "exp", 3) == 0 && pl->rows[l->top].code[3] == '\0' ? -1 : 1;
}

/* The sums block's total and facts cells of a code for column p (the trust: its
 * eliminated row where it has one); false when the block has no row. */
static bool bva_refs(const xl *x, const char *code, int year, bp_scenario sc, int p, bool *elim,
                     char *t, char *f, size_t size)
{
    *elim = p < 0 && xl_sums_row(x, code, year, (int)sc, true) >= 0;
    int wrow = xl_sums_row(x, code, year, (int)sc, *elim);
    if (wrow < 0) return false;
    bp_formula_ref(t, size, BP_XL_SHEET_WORKINGS, wrow, xl_sums_col(x, p));
    bp_formula_ref(f, size, BP_XL_SHEET_WORKINGS, wrow, xl_sums_col(x, p) + x->facts_offset);
    return true;
}

/* The budget (k 0) or actual (k 1) cell of a line in comparison `pair`.  v holds the
 * block's values, pl->n a column, budget then actual, pair by pair. */
static void bva_figure(xl *x, const xl_lines *pl, size_t i, int p, int first, int pair, int k,
                       xl_amt *v)
{
    const xl_sheet s = XS_BVA;
    const xl_line *l = &pl->rows[i];
    const bp_scenario sc = bva_scenario(x, pair, k);
    const int year = x->s->year, row = first + (int)i, col = BV_BUDGET + k + BV_PAIR * pair;
    xl_amt *at = &v[(size_t)(2 * pair + k) * pl->n + i];
    if (l->kind == XL_LN_LINE) {
        char ref[200];
        if (!xl_fact_ref(x, ref + 1, sizeof ref - 1, l->code, year, (int)sc, false, p)) return;
        ref[0] = '=';
        *at = xl_engine_sum(x, p, l->code, year, sc, false);
        xl_put_formula(x, s, row, col, ref, line_format(x, l), xl_cache_amt(*at));
        return;
    }
    char t[48] = "", f[48] = "";
    /* the trust's rest of a code above the internal transfers: its eliminated row */
    bool elim = false, has = bva_refs(x, l->code, year, sc, p, &elim, t, f, sizeof t);
    if (l->kind == XL_LN_REST && !has) return;
    xl_line_sum_formula(pl, l, first, col, t, f, &x->fb);
    *at = xl_line_sum_value(pl, l, v + (size_t)(2 * pair + k) * pl->n,
                            l->kind == XL_LN_REST ? xl_engine_sum(x, p, l->code, year, sc, elim)
                                                  : (xl_amt){false, 0});
    /* a budget to date is no data where a budget under the code is whole-year only (the
     * facts cell: 0, bp_xlsx_sums.c), never the sum of the profiled lines alone */
    if (sc == BP_YTD_BUDGET && has && (l->kind == XL_LN_SUBTOTAL || l->kind == XL_LN_TOTAL)
        && !x->fb.nomem) {
        char *body = xl_copy_text(x, x->fb.s + 1);
        if (!body) return;
        bp_fbuf_reset(&x->fb);
        bp_fbuf_printf(&x->fb, "=IF(%s,%s,\"\")", f, body);
        free(body);
        if (!xl_engine_sum(x, p, l->code, year, sc, elim).has) *at = (xl_amt){false, 0};
    }
    if (x->fb.nomem) xl_nomem(x);
    else xl_put_formula(x, s, row, col, x->fb.s, line_format(x, l), xl_cache_amt(*at));
}

/* Variance, % variance and its word for a row whose budget and actual are b and a, in
 * the comparison whose budget column is c0. */
static void bva_variance(xl *x, int row, int c0, int sign, xl_amt b, xl_amt a, lxw_format *fm)
{
    const xl_sheet s = XS_BVA;
    const int cv = c0 + BV_VAR - BV_BUDGET;
    char B[16], A[16], V[16], f[256];
    bp_formula_ref(B, sizeof B, NULL, row, c0);
    bp_formula_ref(A, sizeof A, NULL, row, c0 + 1);
    bp_formula_ref(V, sizeof V, NULL, row, cv);
    snprintf(f, sizeof f, "=IF(COUNT(%s)*COUNT(%s),ROUND(%s-%s,2),\"\")", B, A, sign > 0 ? A : B,
             sign > 0 ? B : A);
    bool has = a.has && b.has;
    int64_t var = sign > 0 ? a.p - b.p : b.p - a.p;
    xl_put_formula(x, s, row, cv, f, fm, has ? xl_cache_double((double)var / 100.0) : xl_cache_text(""));
    /* no budget, or a budget of 0: no % variance (never -100%) */
    snprintf(f, sizeof f, "=IF(COUNT(%s)=0,IF(COUNT(%s),\"no budget\",\"\"),IF(%s=0,\"no budget\","
             "IF(COUNT(%s),%s/ABS(%s),\"\")))", B, A, B, V, V, B);
    xl_cache pct = !b.has ? xl_cache_text(a.has ? "no budget" : "") : b.p == 0 ? xl_cache_text("no budget")
                   : !has ? xl_cache_text("")
                   : xl_cache_double(((double)var / 100.0) / ((double)(b.p < 0 ? -b.p : b.p) / 100.0));
    xl_put_formula(x, s, row, cv + 1, f, x->f.percent, pct);
    snprintf(f, sizeof f, "=IF(COUNT(%s),IF(%s>0,\"favourable\",IF(%s<0,\"adverse\",\"on budget\")),\"\")",
             V, V, V);
    xl_put_formula(x, s, row, cv + 2, f, x->f.status,
                   xl_cache_text(!has ? "" : var > 0 ? "favourable" : var < 0 ? "adverse" : "on budget"));
}

/* The check row of a block's total income (k 0) or expenditure (k 1) in one comparison:
 * each total less the sums block's own, budget and actual (a budget to date where it is
 * no data: 0 against 0). */
static void bva_check(xl *x, int row, const xl_lines *pl, int p, int first, int pair, int k,
                      const xl_amt *v)
{
    const int year = x->s->year;
    const char *code = k ? "exp" : "income";
    int trow = k ? pl->exp_total : pl->income_total, sign[2] = {1, 1};
    char want[2][64];
    xl_amt got[2], eng[2];
    for (int j = 0; j < 2; j++) {
        bp_scenario sc = bva_scenario(x, pair, j);
        bool elim = false;
        char t[28], f[28];   /* Workings!$XFD$1048576 at most: IF(f,t,0) fits want */
        want[j][0] = '\0';
        if (bva_refs(x, code, year, sc, p, &elim, t, f, sizeof t)) {
            /* no data (0 against 0): a budget to date with a whole-year budget under it, a
             * year to date or outturn with a month not received (the facts cell 0) */
            if (sc == BP_YTD_BUDGET || (xl_outturn_year(x) && sc != BP_BUDGET))
                snprintf(want[j], sizeof want[j], "IF(%s,%s,0)", f, t);
            else snprintf(want[j], sizeof want[j], "%s", t);
        }
        eng[j] = xl_engine_sum(x, p, code, year, sc, p < 0);
        got[j] = v[(size_t)(2 * pair + j) * pl->n + (size_t)trow];
    }
    char what[256];
    xl_text_fmt(what, sizeof what, "Budget v actual, %s: total %s (%s) is the sum of its lines and "
                "equals the sums on Workings", p < 0 ? "the trust" : x->ents[p].id,
                k ? "expenditure" : "income", bva_pairs(x) == 1 ? "budget and actual"
                : pair ? "full-year budget and outturn" : "budget and actual to date");
    check_row(x, XS_BVA, row, k ? "check: total expenditure less the sums on Workings (0)"
                                : "check: total income less the sums on Workings (0)",
              first + trow, BV_BUDGET + BV_PAIR * pair, 2, want, sign, got, eng, what);
}

/* One entity's block (p: workbook position, -1 the consolidated trust).  Returns the
 * next free row. */
static int bva_block(xl *x, int row, const xl_lines *pl, int p)
{
    const xl_sheet s = XS_BVA;
    const int pairs = bva_pairs(x);
    char title[200], heads[BV_NCOLS + BV_PAIR][48], align[BV_NCOLS + BV_PAIR + 1];
    static const char *const names[BV_NCOLS] = {"Line", "Code", "Budget", "Actual", "Variance",
                                                "% variance", "Favourable / adverse"};
    static const char *const inyear[2][2] = {{"Budget to date", "Actual to date"},
                                             {"Full-year budget", "Outturn"}};
    const char *hp[BV_NCOLS + BV_PAIR];
    if (p < 0) xl_text_fmt(title, sizeof title, "%s (consolidated: internal transfers eliminated)",
                           x->m->name);
    else xl_text_fmt(title, sizeof title, "%s (%s)", x->ents[p].name, x->ents[p].id);
    xl_put_text(x, s, row, 0, title, x->f.bold);
    int nc = BV_NCOLS + BV_PAIR * (pairs - 1);
    for (int c = 0; c < nc; c++) {
        int n = c < BV_BUDGET ? c : BV_BUDGET + (c - BV_BUDGET) % BV_PAIR, pair = c < BV_BUDGET ? 0
                : (c - BV_BUDGET) / BV_PAIR;
        bool money = n >= BV_BUDGET && n <= BV_VAR;
        const char *name = pairs == 2 && (n == BV_BUDGET || n == BV_ACTUAL) ? inyear[pair][n - BV_BUDGET]
                           : names[n];
        snprintf(heads[c], sizeof heads[c], "%s%s", name, money ? xl_money_note(x) : "");
        hp[c] = heads[c];
        align[c] = n < BV_BUDGET ? 'l' : n == BV_WORD ? 'c' : 'r';
    }
    align[nc] = '\0';
    xl_put_headers_as(x, s, row + 1, 0, hp, (size_t)nc, align);
    int first = row + 2;
    xl_amt *v = calloc(4 * pl->n + 1, sizeof *v);
    if (!v) {
        xl_nomem(x);
        return row;
    }
    for (size_t i = 0; i < pl->n && xl_live(x); i++) {
        const xl_line *l = &pl->rows[i];
        xl_line_label(x, s, first + (int)i, l);
        if (l->kind == XL_LN_TITLE || l->kind == XL_LN_GROUP || l->kind == XL_LN_BLANK) continue;
        for (int pair = 0; pair < pairs; pair++) {
            for (int k = 0; k < 2; k++) bva_figure(x, pl, i, p, first, pair, k, v);
            bva_variance(x, first + (int)i, BV_BUDGET + BV_PAIR * pair, bva_sign(pl, l),
                         v[(size_t)(2 * pair) * pl->n + i], v[(size_t)(2 * pair + 1) * pl->n + i],
                         line_format(x, l));
        }
    }
    row = first + (int)pl->n + 1;
    if (x->bva_rows) {
        x->bva_rows[2 * (p + 1)] = pl->income_total >= 0 ? first + pl->income_total : -1;
        x->bva_rows[2 * (p + 1) + 1] = pl->exp_total >= 0 ? first + pl->exp_total : -1;
    }
    for (int k = 0; k < 2 && xl_live(x); k++, row++)
        for (int pair = 0; pair < pairs && xl_live(x); pair++) bva_check(x, row, pl, p, first, pair, k, v);
    free(v);
    return row + 1;
}

void xl_write_bva(xl *x)
{
    const xl_sheet s = XS_BVA;
    const int year = x->s->year;
    const bp_scenario both[2] = {BP_BUDGET, BP_ACTUAL};
    char yb[16], title[200];
    bp_year_format(year, yb, sizeof yb);
    if (xl_outturn_year(x)) {
        char month[32];
        bp_month_long(year, x->m->period, month, sizeof month);
        xl_text_fmt(title, sizeof title, "Budget against actual %s to the end of %s, and the full-year "
                    "budget against the outturn, by line", yb, month);
    } else {
        xl_text_fmt(title, sizeof title, "Budget against actual %s, by line", yb);
    }
    xl_put_title(x, s, title,
                 "Variance is favourable positive: actual less budget for income and the result, "
                 "budget less actual for expenditure. % variance is the variance over the budget; "
                 "with no budget or a budget of 0 there is none.");
    xl_set_col(x, s, BV_LABEL, BV_LABEL, 44, NULL);
    xl_set_col(x, s, BV_CODE, BV_CODE, 30, NULL);
    xl_set_col(x, s, BV_BUDGET, BV_VAR, 15, NULL);
    xl_set_col(x, s, BV_PCT, BV_PCT, 11, NULL);
    xl_set_col(x, s, BV_WORD, BV_WORD, 14, NULL);
    if (bva_pairs(x) == 2) {
        xl_set_col(x, s, BV_BUDGET + BV_PAIR, BV_VAR + BV_PAIR, 15, NULL);
        xl_set_col(x, s, BV_PCT + BV_PAIR, BV_PCT + BV_PAIR, 11, NULL);
        xl_set_col(x, s, BV_WORD + BV_PAIR, BV_WORD + BV_PAIR, 14, NULL);
    }
    xl_print_setup(x, s, 0, -1);
    if (!xl_engine_sum(x, -1, "income", year, BP_BUDGET, false).has
        && !xl_engine_sum(x, -1, "exp", year, BP_BUDGET, false).has) {
        xl_text_fmt(title, sizeof title, "No budget for %s in the data: there is nothing to compare "
                    "the actuals with.", yb);
        xl_put_text(x, s, 3, 0, title, x->f.text);
        return;
    }
    xl_lines trust, inst;
    size_t nb = 2 * (x->m->ninsts + 1);
    x->bva_rows = malloc(nb * sizeof *x->bva_rows);
    if (!x->bva_rows) {
        xl_nomem(x);
        return;
    }
    for (size_t i = 0; i < nb; i++) x->bva_rows[i] = -1;
    xl_plan_lines(x, &trust, year, both, 2, false);
    xl_plan_lines(x, &inst, year, both, 2, true);
    int row = bva_block(x, 3, &trust, -1);
    for (size_t p = 0; p < x->m->ninsts && xl_live(x); p++) row = bva_block(x, row + 1, &inst, (int)p);
    free(trust.rows);
    free(inst.rows);
}
