/* bp_formula: compiling KPI expressions into Excel formulas that aggregate exactly as
 * bp_expr_eval does (see bp_formula.h for the representation of no data, the sums block
 * every formula reads the data through and the per-member Workings rows). */
#include "bp_formula.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_util.h"

/* ---- text buffer ---- */

void bp_fbuf_init(bp_fbuf *b) { memset(b, 0, sizeof *b); }

void bp_fbuf_free(bp_fbuf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

void bp_fbuf_reset(bp_fbuf *b)
{
    b->len = 0;
    if (b->s) b->s[0] = '\0';
    b->nomem = false;
    b->why = NULL;
    b->at = NULL;
}

static bool reserve(bp_fbuf *b, size_t more)
{
    if (b->nomem) return false;
    char *s = bp_grow(b->s, &b->cap, b->len + more + 1, 1);
    if (!s) {
        b->nomem = true;
        return false;
    }
    b->s = s;
    return true;
}

void bp_fbuf_puts(bp_fbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (!reserve(b, n)) return;
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

void bp_fbuf_printf(bp_fbuf *b, const char *fmt, ...)
{
    /* Straight into the free space, which nearly always suffices; measured and formatted
     * again only when it did not. */
    if (!reserve(b, 64)) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->s[b->len] = '\0';
        b->nomem = true;
        return;
    }
    if ((size_t)n >= b->cap - b->len) {
        b->s[b->len] = '\0';
        if (!reserve(b, (size_t)n)) return;
        va_start(ap, fmt);
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

/* ---- references and constants ---- */

void bp_formula_col(char *buf, size_t size, int col)
{
    char tmp[8];
    int n = 0;
    for (int c = col + 1; c > 0 && n < 7; c = (c - 1) / 26) tmp[n++] = (char)('A' + (c - 1) % 26);
    size_t j = 0;
    while (n && j + 1 < size) buf[j++] = tmp[--n];
    if (size) buf[j] = '\0';
}

/* Appends s at *n, cut to fit (as snprintf would). */
static void cat(char *buf, size_t size, size_t *n, const char *s)
{
    while (*s && *n + 1 < size) buf[(*n)++] = *s++;
    buf[*n] = '\0';
}

void bp_formula_ref(char *buf, size_t size, const char *sheet, int row, int col)
{
    /* Written for every formula reference, thousands per workbook: by hand, not with
     * snprintf. */
    if (size == 0) return;
    char c[8], r[16];
    bp_formula_col(c, sizeof c, col);
    r[sizeof r - 1] = '\0';
    const char *digits = bp_digits_before(row >= 0 ? (unsigned long)row + 1 : 0, false,
                                          r + sizeof r - 1);
    size_t n = 0;
    buf[0] = '\0';
    if (sheet) {
        bool quote = strchr(sheet, ' ') != NULL;
        if (quote) cat(buf, size, &n, "'");
        cat(buf, size, &n, sheet);
        cat(buf, size, &n, quote ? "'!" : "!");
    }
    cat(buf, size, &n, "$");
    cat(buf, size, &n, c);
    cat(buf, size, &n, "$");
    cat(buf, size, &n, digits);
}

/* Excel keeps 15 significant digits; a decimal with more places is no better as text. */
#define MAX_LITERAL_PLACES 15

int bp_formula_num_places(bp_num v)
{
    if (!v.ok) return -1;
    bp_i128 scale = 1;
    for (int p = 0; p <= MAX_LITERAL_PLACES; p++, scale *= 10)
        if (scale % v.den == 0) return p;
    return -1;
}

/* v / 10^places as a decimal: "-12.05", "0.5", "3". */
static void put_i128(char *buf, size_t size, bp_i128 v, int places)
{
    char tmp[96], *p = tmp + sizeof tmp - 1;    /* written from the right */
    *p = '\0';
    bp_u128 a = v < 0 ? -(bp_u128)v : (bp_u128)v;
    for (int i = 0; i < places; i++, a /= 10) *--p = (char)('0' + (int)(a % 10));
    if (places) *--p = '.';
    p = bp_digits_before(a, false, p);
    if (v < 0) *--p = '-';
    size_t j = 0;
    while (*p && j + 1 < size) buf[j++] = *p++;
    buf[j] = '\0';
}

void bp_formula_num(char *buf, size_t size, bp_num v)
{
    int places = bp_formula_num_places(v);
    bp_i128 scale = 1, n;
    for (int p = 0; p < places; p++) scale *= 10;
    if (places >= 0 && !__builtin_mul_overflow(v.num, scale / v.den, &n)) {
        put_i128(buf, size, n, places);
        return;
    }
    snprintf(buf, size, "%.17g", bp_num_to_double(v));
}

/* ---- what the engine does with a node ---- */

/* kpi() nesting beyond this is no data, as in bp_expr_eval. */
#define MAX_KPI_DEPTH 64

static const bp_expr *kpi_target(const bp_expr *e, const bp_expr_ctx *c)
{
    return c->kpi_lookup ? c->kpi_lookup(c->kpi_arg, e->name) : NULL;
}

/* Formed for each member and then added up over the members (bp_expr.h).  A sum with
 * a non-zero default belongs here too: every member without data adds the default. */
static bool per_member(const bp_expr *e)
{
    switch (e->op) {
    case BP_E_SUM: return e->has_dflt && !bp_num_is_zero(e->dflt);
    case BP_E_NUM: case BP_E_ATTR: case BP_E_NATIONAL:
    case BP_E_NEG: case BP_E_ADD: case BP_E_SUB: case BP_E_DIV:
        return false;
    case BP_E_MUL: return bp_expr_depends_on_data(e->a) && bp_expr_depends_on_data(e->b);
    default: return true;
    }
}

static bool is_course_code(const char *code) { return bp_course_field(code) != NULL; }

/* The codes consolidation eliminates at trust scope (bp_model_sum). */
const char *const bp_formula_internal_codes[BP_FORMULA_NINTERNAL] = {"income.internal",
                                                                     "exp.internal"};

static bool touches_internal(const bp_expr *e, const bp_expr_ctx *c, int depth)
{
    if (!e || depth > MAX_KPI_DEPTH) return false;
    if (e->op == BP_E_SUM && !is_course_code(e->name))
        for (size_t i = 0; i < BP_FORMULA_NINTERNAL; i++)
            if (bp_code_under(e->name, bp_formula_internal_codes[i])
                || bp_code_under(bp_formula_internal_codes[i], e->name))
                return true;
    if (e->op == BP_E_KPI) return touches_internal(kpi_target(e, c), c, depth + 1);
    return touches_internal(e->a, c, depth) || touches_internal(e->b, c, depth)
           || touches_internal(e->c, c, depth);
}

static bool uses_national(const bp_expr *e, const bp_expr_ctx *c, int depth)
{
    if (!e || depth > MAX_KPI_DEPTH) return false;
    if (e->op == BP_E_NATIONAL) return true;
    if (e->op == BP_E_KPI) return uses_national(kpi_target(e, c), c, depth + 1);
    return uses_national(e->a, c, depth) || uses_national(e->b, c, depth)
           || uses_national(e->c, c, depth);
}

bp_expr_ctx bp_formula_member_ctx(const bp_expr *node, const bp_expr_ctx *ctx)
{
    bp_expr_ctx m = *ctx;
    if (!uses_national(node, ctx, 0)) m.national_phase = NULL;
    if (!touches_internal(node, ctx, 0)) m.eliminate = false;
    return m;
}

/* ---- decimal places ---- */

static int max_places(int a, int b) { return a < 0 || b < 0 ? -1 : (a > b ? a : b); }

static int places_at(const bp_expr *e, const bp_expr_ctx *c, int depth)
{
    if (!e || depth > MAX_KPI_DEPTH) return -1;
    switch (e->op) {
    case BP_E_NUM: return bp_formula_num_places(e->num);
    case BP_E_SUM: {
        int p;
        if (is_course_code(e->name))
            p = strcmp(e->name, "course.income") == 0 || strcmp(e->name, "course.direct_costs") == 0
                ? 2 : 0;
        else
            p = bp_code_is_money(e->name) ? 2 : 6;
        return e->has_dflt ? max_places(p, bp_formula_num_places(e->dflt)) : p;
    }
    case BP_E_ATTR: return 0;
    case BP_E_NATIONAL: return -1;
    case BP_E_NEG: return places_at(e->a, c, depth);
    case BP_E_ADD: case BP_E_SUB: case BP_E_MIN: case BP_E_MAX:
        return max_places(places_at(e->a, c, depth), places_at(e->b, c, depth));
    case BP_E_MUL: {
        int a = places_at(e->a, c, depth), b = places_at(e->b, c, depth);
        return a < 0 || b < 0 || a + b > 12 ? -1 : a + b;
    }
    case BP_E_DIV: return -1;
    case BP_E_IF: return max_places(places_at(e->b, c, depth), places_at(e->c, c, depth));
    case BP_E_KPI: return places_at(kpi_target(e, c), c, depth + 1);
    default: return 0;   /* comparisons, and, or, not: 0 or 1 */
    }
}

int bp_formula_places(const bp_expr *e, const bp_expr_ctx *ctx) { return places_at(e, ctx, 0); }

int bp_formula_grade_places(const bp_kpi *k)
{
    int p = 0;
    for (size_t i = 0; i < k->nmeasures; i++)
        for (size_t j = 0; j < k->measures[i].npoints; j++)
            p = max_places(p, bp_formula_num_places(k->measures[i].points[j].score));
    return p;
}

/* Comparisons round to these places; a ratio to 12. */
static int round_places(int places) { return places < 0 || places > 12 ? 12 : places; }

/* ---- the compiler ---- */

typedef struct {
    const bp_formula_env *env;
    bp_fbuf *b;
    bool failed;
    bool limit;          /* failed on a limit of the formula's text (BP_ERR_LIMIT) */
} compiler;

static void fail(compiler *x, const char *why)
{
    if (!x->failed) x->b->why = why;
    x->failed = true;
}

/* What the input asks for cannot be written in a formula at all: at is the node. */
static void fail_limit(compiler *x, const bp_expr *at, const char *why)
{
    if (!x->failed) {
        x->b->why = why;
        x->b->at = at;
        x->limit = true;
    }
    x->failed = true;
}

static void put(compiler *x, const char *s) { bp_fbuf_puts(x->b, s); }

static void put_num(compiler *x, bp_num v)
{
    char buf[64];
    bp_formula_num(buf, sizeof buf, v);
    /* brackets keep a negative literal from reading as a binary minus: a-(-2) */
    if (buf[0] == '-') bp_fbuf_printf(x->b, "(%s)", buf);
    else put(x, buf);
}

/* ---- the data: cells of the sums block ---- */

static void put_work_ref(compiler *x, int row, int col)
{
    char ref[64];
    bp_formula_ref(ref, sizeof ref, BP_XL_SHEET_WORKINGS, row, col);
    put(x, ref);
}

/* sum(code) when nothing can match: the default, else no data. */
static void put_missing(compiler *x, const bp_expr *e)
{
    if (e->has_dflt) put_num(x, e->dflt);
    else put(x, "NA()");
}

/* The entity's column of the sums block and of the term rows. */
static int entity_col(compiler *x, const bp_expr_ctx *c)
{
    int col = c->nmembers ? x->env->entity_col(x->env, c) : -1;
    if (col < 0) fail(x, "the entity is not one institution, one phase or the whole trust");
    return col;
}

/* The entity's total of one row of the sums block: IF(facts,total,NA()), the default in
 * place of NA(), or the bare total for a default of 0 (no facts add nothing). */
static void put_sums_cell(compiler *x, const bp_expr *e, const char *code, int year, int scenario,
                          bool eliminated, const bp_expr_ctx *c)
{
    int col = entity_col(x, c);
    if (col < 0) return;
    int row = x->env->sum_row(x->env, code, year, scenario, eliminated);
    if (row < 0) {
        fail(x, "internal error: the sums block has no row for a code the formula sums");
        return;
    }
    if (e->has_dflt && bp_num_is_zero(e->dflt)) {
        put_work_ref(x, row, col);
        return;
    }
    put(x, "IF(");
    put_work_ref(x, row, col + x->env->facts_offset);
    put(x, ",");
    put_work_ref(x, row, col);
    put(x, ",");
    put_missing(x, e);
    put(x, ")");
}

/* sum(code) over the facts: the code's row for the entity.  At trust scope a code equal
 * to or under an internal code is eliminated entirely, and one above it is read from its
 * row with the internal transfers taken out. */
static void emit_fact_sum(compiler *x, const bp_expr *e, const bp_expr_ctx *c)
{
    /* SUMIFS selects the code with a criterion, which Excel matches to 255 characters
     * (codes are ASCII: bytes are characters) */
    if (strlen(e->name) > BP_FORMULA_CODE_MAX) {
        fail_limit(x, e, "the workbook's sums select a code with a SUMIFS criterion, and Excel "
                   "matches at most 255 characters of one");
        return;
    }
    bool eliminated = false;
    for (size_t i = 0; c->eliminate && i < BP_FORMULA_NINTERNAL; i++) {
        if (bp_code_under(e->name, bp_formula_internal_codes[i])) {
            put_missing(x, e);
            return;
        }
        eliminated = eliminated || bp_code_under(bp_formula_internal_codes[i], e->name);
    }
    put_sums_cell(x, e, e->name, c->year, (int)c->scenario, eliminated, c);
}

/* courses.csv fields: the course row's own cell for a per-course result, else the
 * non-minority courses of the entity's institutions in the year (any scenario): a row
 * of the sums block. */
static void emit_course_sum(compiler *x, const bp_expr *e, const bp_expr_ctx *c)
{
    const char *field = e->name + 7;
    static const struct { const char *field; int col; } fields[] = {
        {"income", BP_XL_COURSE_C_INCOME},
        {"direct_costs", BP_XL_COURSE_C_COSTS},
        {"students", BP_XL_COURSE_C_STUDENTS},
        {"count", -1},
    };
    size_t i = 0;
    while (i < sizeof fields / sizeof *fields && strcmp(fields[i].field, field) != 0) i++;
    if (i == sizeof fields / sizeof *fields) {
        put_missing(x, e);
        return;
    }
    if (c->course >= 0) {
        char ref[64];
        if (fields[i].col < 0) {
            put(x, "1");
            return;
        }
        bp_formula_ref(ref, sizeof ref, BP_XL_SHEET_COURSES, x->env->course_row[c->course],
                       fields[i].col);
        put(x, ref);
        return;
    }
    put_sums_cell(x, e, e->name, c->year, -1, false, c);
}

/* capacity and pan: the members' values, added up over those that have one; years_in_trust:
 * the year less each member's "counts from" year, added up (the row holds those years and
 * how many members have one). */
static void emit_attr(compiler *x, const bp_expr *e, const bp_expr_ctx *c)
{
    /* cash_min is MIN over the Cash flow sheet's closing row (contract v2), its lowest
     * closing cell; a workbook without that sheet, or an entity without a cash flow (a
     * phase), has no formula for it */
    if (strcmp(e->name, "cash_min") == 0) {
        char ref[96];
        if (x->env->cash_low_ref && x->env->cash_low_ref(x->env, c, ref, sizeof ref)) put(x, ref);
        else put(x, "NA()");
        return;
    }
    if (strcmp(e->name, "years_in_trust") != 0) {
        put_sums_cell(x, e, e->name, 0, -1, false, c);
        return;
    }
    int col = entity_col(x, c);
    int row = col < 0 ? -1 : x->env->sum_row(x->env, e->name, 0, -1, false);
    if (row < 0) {
        fail(x, "internal error: the sums block has no row for years_in_trust");
        return;
    }
    put(x, "IF(");
    put_work_ref(x, row, col + x->env->facts_offset);
    bp_fbuf_printf(x->b, ",%d*", c->year);
    put_work_ref(x, row, col + x->env->facts_offset);
    put(x, "-");
    put_work_ref(x, row, col);
    put(x, ",NA())");
}

static void emit_national(compiler *x, const bp_expr *e, const bp_expr_ctx *c)
{
    const char *phase = c->national_phase ? c->national_phase : "all";
    int row = x->env->benchmark_row(x->env, c->year, phase, e->name);
    if (row < 0) {
        put(x, "NA()");
        return;
    }
    char ref[64];
    bp_formula_ref(ref, sizeof ref, BP_XL_SHEET_TARGETS, row, BP_XL_BENCH_VALUE_COL);
    bp_fbuf_printf(x->b, "IF(ISNUMBER(%s),%s,NA())", ref, ref);
}

static void emit(compiler *x, const bp_expr *e, const bp_expr_ctx *c, int depth);

/* A per-member term of a phase or the trust: the entity's column of its Workings row,
 * which adds up the members that have data ("" when none has). */
static void emit_member_sum(compiler *x, const bp_expr *e, const bp_expr_ctx *c)
{
    int col = entity_col(x, c);
    if (col < 0) return;
    bp_expr_ctx mc = bp_formula_member_ctx(e, c);
    int row = x->env->helper_row(x->env, e, &mc);
    if (row < 0) {
        x->b->nomem = true;
        x->failed = true;
        return;
    }
    put(x, "IF(ISNUMBER(");
    put_work_ref(x, row, col);
    put(x, "),");
    put_work_ref(x, row, col);
    put(x, ",NA())");
}

static void emit_binary(compiler *x, const bp_expr *e, const bp_expr_ctx *c, int depth,
                        const char *op)
{
    put(x, "(");
    emit(x, e->a, c, depth);
    put(x, op);
    emit(x, e->b, c, depth);
    put(x, ")");
}

/* An operand of a comparison, rounded to the places at which it is exact. */
static void emit_rounded(compiler *x, const bp_expr *e, const bp_expr_ctx *c, int depth,
                         int places)
{
    if (e->op == BP_E_NUM) {
        put_num(x, e->num);
        return;
    }
    /* a sum or an attribute read straight from the sums block is rounded there already,
     * to the places it is exact at: ROUND would give the very same number */
    if ((e->op == BP_E_SUM || e->op == BP_E_ATTR) && !(c->nmembers > 1 && per_member(e))) {
        emit(x, e, c, depth);
        return;
    }
    put(x, "ROUND(");
    emit(x, e, c, depth);
    bp_fbuf_printf(x->b, ",%d)", places);
}

static const char *cmp_text(bp_expr_op op)
{
    switch (op) {
    case BP_E_LT: return "<";
    case BP_E_LE: return "<=";
    case BP_E_GT: return ">";
    case BP_E_GE: return ">=";
    case BP_E_EQ: return "=";
    default: return "<>";
    }
}

/* Conditions are 1 and 0, as numbers: SUM skips the booleans TRUE and FALSE.  Each side
 * is rounded to the places at which it is exact. */
static void emit_compare(compiler *x, const bp_expr *e, const bp_expr_ctx *c, int depth)
{
    put(x, "IF(");
    emit_rounded(x, e->a, c, depth, round_places(places_at(e->a, c, depth)));
    put(x, cmp_text(e->op));
    emit_rounded(x, e->b, c, depth, round_places(places_at(e->b, c, depth)));
    put(x, ",1,0)");
}

static void emit_call(compiler *x, const char *fn, const bp_expr *e, const bp_expr_ctx *c,
                      int depth, const char *tail)
{
    bp_fbuf_printf(x->b, "%s(", fn);
    emit(x, e->a, c, depth);
    put(x, ",");
    emit(x, e->b, c, depth);
    if (e->c) {
        put(x, ",");
        emit(x, e->c, c, depth);
    }
    put(x, tail);
}

/* The node's own operation, for one institution (or a linear one for any entity). */
static void emit_direct(compiler *x, const bp_expr *e, const bp_expr_ctx *c, int depth)
{
    switch (e->op) {
    case BP_E_NUM: put_num(x, e->num); return;
    case BP_E_SUM:
        if (is_course_code(e->name)) emit_course_sum(x, e, c);
        else emit_fact_sum(x, e, c);
        return;
    case BP_E_ATTR: emit_attr(x, e, c); return;
    case BP_E_NATIONAL: emit_national(x, e, c); return;
    case BP_E_NEG:
        put(x, "(-");
        emit(x, e->a, c, depth);
        put(x, ")");
        return;
    case BP_E_ADD: emit_binary(x, e, c, depth, "+"); return;
    case BP_E_SUB: emit_binary(x, e, c, depth, "-"); return;
    case BP_E_MUL: emit_binary(x, e, c, depth, "*"); return;
    case BP_E_DIV: emit_binary(x, e, c, depth, "/"); return;
    case BP_E_LT: case BP_E_LE: case BP_E_GT: case BP_E_GE: case BP_E_EQ: case BP_E_NE:
        emit_compare(x, e, c, depth);
        return;
    case BP_E_AND: emit_call(x, "IF(AND", e, c, depth, "),1,0)"); return;
    case BP_E_OR: emit_call(x, "IF(OR", e, c, depth, "),1,0)"); return;
    case BP_E_NOT:
        put(x, "IF(");
        emit(x, e->a, c, depth);
        put(x, ",0,1)");
        return;
    case BP_E_IF: emit_call(x, "IF", e, c, depth, ")"); return;
    case BP_E_MIN: emit_call(x, "MIN", e, c, depth, ")"); return;
    case BP_E_MAX: emit_call(x, "MAX", e, c, depth, ")"); return;
    case BP_E_KPI: {
        const bp_expr *k = kpi_target(e, c);
        if (!k || depth + 1 > MAX_KPI_DEPTH) put(x, "NA()");
        else emit(x, k, c, depth + 1);
        return;
    }
    }
}

static void emit(compiler *x, const bp_expr *e, const bp_expr_ctx *c, int depth)
{
    if (x->failed) return;
    if (!e) {
        put(x, "NA()");
        return;
    }
    if (c->nmembers > 1 && per_member(e)) emit_member_sum(x, e, c);
    else emit_direct(x, e, c, depth);
}

static bp_err finish(compiler *x)
{
    if (x->b->nomem) return BP_ERR_NOMEM;
    if (x->limit) return BP_ERR_LIMIT;
    return x->failed ? BP_ERR_RENDER : BP_OK;
}

bp_err bp_formula_expr(const bp_expr *e, const bp_expr_ctx *ctx, const bp_formula_env *env,
                       bp_fbuf *out)
{
    compiler x = {env, out, false, false};
    bp_fbuf_reset(out);
    emit(&x, e, ctx, 0);
    return finish(&x);
}

bp_err bp_formula_cell(const bp_expr *e, const bp_expr_ctx *ctx, bool money,
                       const bp_formula_env *env, bp_fbuf *out)
{
    compiler x = {env, out, false, false};
    bp_fbuf_reset(out);
    put(&x, money ? "=IFERROR(ROUND(" : "=IFERROR(");
    emit(&x, e, ctx, 0);
    put(&x, money ? ",2),\"\")" : ",\"\")");
    return finish(&x);
}

/* "1" and places zeros: 10^places as formula text. */
static void put_power(bp_fbuf *out, int places)
{
    bp_fbuf_puts(out, "1");
    for (int i = 0; i < places; i++) bp_fbuf_puts(out, "0");
}

bp_err bp_formula_whole_cell(const bp_expr *e, const bp_expr_ctx *ctx, int places,
                             const bp_formula_env *env, bp_fbuf *out)
{
    compiler x = {env, out, false, false};
    bp_fbuf_reset(out);
    put(&x, "=IFERROR(ROUND(");
    emit(&x, e, ctx, 0);
    if (places > 0) {
        put(&x, "*");
        put_power(out, places);
    }
    put(&x, ",0),\"\")");
    return finish(&x);
}

/* ---- statuses and grades ----
 * Every test is of whole numbers (see "Exactness" in bp_formula.h): a threshold t becomes
 * ROUND(t*S,0) with S = 10^scale, which leaves a threshold written with at most scale
 * places exactly as written (or the caller's cell holding it), and the value is the whole
 * number ex->floor or ex->ceil - the value times S rounded down for v >= t, up for v <= t,
 * which decides the same as the exact rational.  Without an exact form the value is
 * rounded to the places at which it is exact and a threshold to 12, which takes only the
 * floating-point noise off. */

#define THRESHOLD_PLACES 12

static bp_err done(bp_fbuf *out) { return out->nomem ? BP_ERR_NOMEM : BP_OK; }

static void put_round(bp_fbuf *out, const char *v, int places)
{
    bp_fbuf_printf(out, "ROUND(%s,%d)", v, places);
}

/* "*10^scale" (nothing for scale 0) */
static void put_times(bp_fbuf *out, int scale)
{
    if (scale <= 0) return;
    bp_fbuf_puts(out, "*");
    put_power(out, scale);
}

void bp_formula_whole(char *buf, size_t size, const char *value, int scale)
{
    char s[24] = "";
    if (scale > 0) {
        s[0] = '*';
        s[1] = '1';
        for (int i = 0; i < scale && i < 20; i++) s[2 + i] = '0';
        s[2 + (scale < 20 ? scale : 20)] = '\0';
    }
    snprintf(buf, size, "ROUND(%s%s,0)", value, s);
}

/* The value compared with a threshold t, as ex says (bp_formula_exact), T being the
 * threshold's whole-number cell (whole) or ROUND(t*S,0):
 *   whole  floor>=T, ceil<=T
 *   none   ROUND(v,p)>=ROUND(t,12) */
static void put_test(bp_fbuf *out, const char *v, const bp_formula_exact *ex, const char *op,
                     const char *t, const char *whole)
{
    if (ex->kind == BP_EXACT_NONE) {
        put_round(out, v, round_places(ex->places));
        bp_fbuf_puts(out, op);
        put_round(out, t, THRESHOLD_PLACES);
        return;
    }
    bp_fbuf_puts(out, op[0] == '>' ? ex->floor : ex->ceil);
    bp_fbuf_puts(out, op);
    if (whole) {
        bp_fbuf_puts(out, whole);
        return;
    }
    bp_fbuf_printf(out, "ROUND(%s", t);
    put_times(out, ex->scale);
    bp_fbuf_puts(out, ",0)");
}

/* AND(v>=lo,v<=hi): inclusive at both ends */
static void put_within(bp_fbuf *out, const char *v, const char *const *t, const char *const *whole,
                       const bp_formula_exact *ex)
{
    bp_fbuf_puts(out, "AND(");
    put_test(out, v, ex, ">=", t[0], whole[0]);
    bp_fbuf_puts(out, ",");
    put_test(out, v, ex, "<=", t[1], whole[1]);
    bp_fbuf_puts(out, ")");
}

/* green when met, else amber inside an amber range, else red: bp_target_decide. */
static void put_decision(bp_fbuf *out, const char *v, const bp_formula_rule *r,
                         const bp_formula_exact *ex)
{
    const char *band[2] = {r->lo, r->hi}, *band_whole[2] = {r->lo_whole, r->hi_whole};
    bp_fbuf_puts(out, "IFERROR(IF(");
    switch (r->cmp) {
    case BP_CMP_MIN:
        put_test(out, v, ex, ">=", r->lo, r->lo_whole);
        break;
    case BP_CMP_MAX:
        put_test(out, v, ex, "<=", r->hi, r->hi_whole);
        break;
    case BP_CMP_BAND:
        put_within(out, v, band, band_whole, ex);
        break;
    }
    bp_fbuf_puts(out, ",\"green\",");
    if (r->namber) {
        bp_fbuf_puts(out, r->namber > 1 ? "IF(OR(" : "IF(");
        for (size_t i = 0; i < r->namber; i++) {
            if (i) bp_fbuf_puts(out, ",");
            put_within(out, v, r->amber[i], r->amber_whole[i], ex);
        }
        bp_fbuf_puts(out, r->namber > 1 ? "),\"amber\"," : ",\"amber\",");
    }
    bp_fbuf_puts(out, "\"red\"");
    if (r->namber) bp_fbuf_puts(out, ")");
    bp_fbuf_puts(out, "),\"none\")");
}

bp_err bp_formula_status(const char *value, const bp_formula_rule *rules, size_t n,
                         const bp_formula_exact *ex, bp_fbuf *out)
{
    size_t open = 0;
    bool decided = false;
    bp_fbuf_reset(out);
    bp_fbuf_printf(out, "=IF(ISNUMBER(%s),", value);
    for (size_t i = 0; i < n && !decided; i++) {
        if (rules[i].when) {
            /* a condition with no data does not hold: try the next target */
            bp_fbuf_printf(out, "IF(IFERROR((%s)<>0,FALSE),", rules[i].when);
            open++;
        } else {
            decided = true;
        }
        put_decision(out, value, &rules[i], ex);
        if (!decided) bp_fbuf_puts(out, ",");
    }
    if (!decided) bp_fbuf_puts(out, "\"none\"");
    for (size_t i = 0; i < open; i++) bp_fbuf_puts(out, ")");
    bp_fbuf_puts(out, ",\"none\")");
    return done(out);
}

bp_err bp_formula_points(const char *value, const bp_formula_points_row *rows, size_t n,
                         const bp_formula_exact *ex, bp_fbuf *out)
{
    size_t open = 0;
    bool last = false;
    bp_fbuf_reset(out);
    bp_fbuf_printf(out, "=IF(ISNUMBER(%s),", value);
    for (size_t i = 0; i < n && !last; i++) {
        if (!rows[i].threshold) {
            bp_fbuf_puts(out, rows[i].score);
            last = true;
            break;
        }
        bp_fbuf_puts(out, "IF(");
        put_test(out, value, ex, rows[i].at_most ? "<=" : ">=", rows[i].threshold,
                 rows[i].threshold_whole);
        bp_fbuf_printf(out, ",%s,", rows[i].score);
        open++;
    }
    if (!last) bp_fbuf_puts(out, "0");
    for (size_t i = 0; i < open; i++) bp_fbuf_puts(out, ")");
    bp_fbuf_puts(out, ",\"\")");
    return done(out);
}

/* ---- the scales of exact comparisons ---- */

static bp_i128 power10(int places)
{
    bp_i128 p = 1;
    for (int i = 0; i < places; i++) p *= 10;
    return p;
}

/* |v| x 10^places, rounded down; BP_FORMULA_EXACT_MAX or more when it is past the
 * bounds (parts are below 2^100 and places at most 15, but the product is checked). */
static bp_i128 scaled(bp_num v, int places)
{
    bp_i128 a = v.num < 0 ? -v.num : v.num, p = power10(places), r;
    if (__builtin_mul_overflow(a, p, &r)) return BP_FORMULA_EXACT_MAX;
    return r / v.den;
}

/* The places the thresholds are written with (the most of any), -1 when one is not a
 * decimal of at most 15 places. */
static int threshold_places(const bp_num *th, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!th[i].ok) continue;
        int p = bp_formula_num_places(th[i]);
        if (p < 0) return -1;
        if (p > k) k = p;
    }
    return k;
}

/* Does every threshold times 10^scale, times the whole number d (1 for a decimal), stay
 * below BP_FORMULA_EXACT_MAX? */
static bool thresholds_fit(const bp_num *th, size_t n, int scale, bp_i128 d)
{
    for (size_t i = 0; i < n; i++) {
        if (!th[i].ok) continue;
        bp_i128 t = scaled(th[i], scale), r;
        if (t >= BP_FORMULA_EXACT_MAX || __builtin_mul_overflow(t, d, &r) || r >= BP_FORMULA_EXACT_MAX)
            return false;
    }
    return true;
}

/* The places a value needs: where the data's own smallest unit is (at most places). */
static int needed(bp_num v, int places)
{
    int p = v.ok ? bp_formula_num_places(v) : places;
    return p < 0 || p > places ? places : p;
}

static bool ratio_fits(bp_num num, bp_num den, int parts, const bp_num *th, size_t nth, int scale)
{
    bp_i128 a = num.ok ? scaled(num, parts) : 0, d = den.ok ? scaled(den, parts) : 0;
    if (a >= BP_FORMULA_PART_MAX || d >= BP_FORMULA_PART_MAX) return false;
    if (scaled(bp_num_int(1), scale) * a >= BP_FORMULA_EXACT_MAX) return false;
    return thresholds_fit(th, nth, scale, d ? d : 1);
}

bool bp_formula_ratio_scales(bp_num num, bp_num den, int places, const bp_num *th, size_t nth,
                             int *parts, int *scale)
{
    int kw = threshold_places(th, nth);
    *parts = places;
    *scale = kw;
    if (kw < 0 || places < 0) {
        *scale = -1;
        return false;
    }
    int own = needed(num, places), d = needed(den, places);
    if (d > own) own = d;
    /* edits of a threshold before edits of a fact: a fact with more places than the data
     * set's own is rarer than a target typed to a hundredth of a percent */
    const int ks[2] = {kw > BP_FORMULA_EDIT_PLACES ? kw : BP_FORMULA_EDIT_PLACES, kw};
    const int ps[2] = {places, own};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            if (ratio_fits(num, den, ps[j], th, nth, ks[i])) {
                *parts = ps[j];
                *scale = ks[i];
                return true;
            }
    *parts = own;
    return false;
}

bool bp_formula_decimal_scale(bp_num value, int places, const bp_num *th, size_t nth, int *scale)
{
    int kw = threshold_places(th, nth);
    *scale = kw;
    if (kw < 0 || places < 0) {
        *scale = -1;
        return false;
    }
    int own = needed(value, places);
    const int ks[2] = {kw > BP_FORMULA_EDIT_PLACES ? kw : BP_FORMULA_EDIT_PLACES, kw};
    const int ps[2] = {places, own};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            int m = ps[j] > ks[i] ? ps[j] : ks[i];
            if ((!value.ok || scaled(value, m) < BP_FORMULA_PART_MAX)
                && thresholds_fit(th, nth, m, 1)) {
                *scale = m;
                return true;
            }
        }
    *scale = own > kw ? own : kw;
    return false;
}

bp_err bp_formula_grade_total(const char *const *points, size_t n, bp_fbuf *out)
{
    bp_fbuf_reset(out);
    if (n == 0) {
        bp_fbuf_puts(out, "=\"\"");
        return done(out);
    }
    bp_fbuf_puts(out, "=IF(COUNT(");
    for (size_t i = 0; i < n; i++) bp_fbuf_printf(out, "%s%s", i ? "," : "", points[i]);
    bp_fbuf_printf(out, ")=%zu,", n);
    for (size_t i = 0; i < n; i++) bp_fbuf_printf(out, "%s%s", i ? "+" : "", points[i]);
    bp_fbuf_puts(out, ",\"\")");
    return done(out);
}

/* A string literal: quotes doubled. */
static void put_string(bp_fbuf *out, const char *s)
{
    bp_fbuf_puts(out, "\"");
    for (const char *q = strchr(s, '"'); q; q = strchr(s, '"')) {
        bp_fbuf_printf(out, "%.*s\"\"", (int)(q - s), s);
        s = q + 1;
    }
    bp_fbuf_puts(out, s);
    bp_fbuf_puts(out, "\"");
}

bp_err bp_formula_grade_label(const char *total, const char *const *labels,
                              const char *const *mins, size_t n, const bp_formula_exact *ex,
                              bp_fbuf *out)
{
    size_t open = 0;
    bool last = false;
    bp_fbuf_reset(out);
    for (size_t i = 0; i < n; i++)
        if (bp_excel_chars(labels[i], strlen(labels[i])) > BP_EXCEL_STRING_CHARS) {
            out->why = "a grade label sits in the grade's formula, and Excel allows at most 255 "
                       "characters in a formula's text";
            return BP_ERR_LIMIT;
        }
    bp_fbuf_printf(out, "=IF(ISNUMBER(%s),", total);
    for (size_t i = 0; i < n && !last; i++) {
        if (!mins[i]) {
            put_string(out, labels[i]);
            last = true;
            break;
        }
        bp_fbuf_puts(out, "IF(");
        put_test(out, total, ex, ">=", mins[i], NULL);
        bp_fbuf_puts(out, ",");
        put_string(out, labels[i]);
        bp_fbuf_puts(out, ",");
        open++;
    }
    if (!last) bp_fbuf_puts(out, "\"\"");
    for (size_t i = 0; i < open; i++) bp_fbuf_puts(out, ")");
    bp_fbuf_puts(out, ",\"\")");
    return done(out);
}
