/* bp_expr: a recursive-descent parser for KPI expressions and an exact evaluator whose
 * aggregation rules make a phase or trust figure a ratio of sums (see bp_expr.h). */
#include "bp_expr.h"

#include "bp_cashflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- lexer ---- */

typedef enum {
    T_END, T_NUM, T_IDENT, T_LPAREN, T_RPAREN, T_COMMA,
    T_PLUS, T_MINUS, T_STAR, T_SLASH,
    T_LT, T_LE, T_GT, T_GE, T_EQ, T_NE, T_BAD
} tok_kind;

typedef struct {
    tok_kind kind;
    size_t start, len;
    bp_num num;
} token;

typedef struct {
    const char *s;
    size_t len, pos;
    const char *file;
    int line, column;        /* of s[0] */
    token tok;
    bp_diags *diags;
    bool failed;
    bool nomem;
    int depth;               /* recursion depth of the parser (brackets, -, not) */
    int height;              /* operations on the longest path of the last tree parsed */
} parser;

/* Deep nesting is an error rather than a stack overflow on hostile input: both the
 * parser's own recursion (brackets, '-', 'not') and the height of the tree it builds
 * (a + b + c + ... is one level per operator), which every later walk recurses over. */
#define MAX_DEPTH 200
#define BP_STR_(x) #x
#define BP_STR(x) BP_STR_(x)

/* Upper case is read so that "Income" gets a clear message rather than a bad character. */
static bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static bool is_ident_char(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '.';
}
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static void error_at(parser *p, size_t at, const char *fmt, const char *arg)
{
    if (p->failed) return;
    p->failed = true;
    char msg[256];
    snprintf(msg, sizeof msg, fmt, arg);
    bp_diag_add(p->diags, BP_DIAG_ERROR, p->file, p->line, p->column + (int)at, "%s", msg);
}

/* A number: digits with optional thousands commas ("1,650"), one decimal point, an
 * optional trailing '%', optionally after a pound sign.  A comma is part of the number
 * only when exactly three digits follow it, so "min(a, 1,650)" reads as intended. */
static size_t number_len(const char *s, size_t n, size_t i)
{
    size_t j = i;
    while (j < n) {
        if (is_digit(s[j]) || s[j] == '.') {
            j++;
        } else if (s[j] == ',' && j > i && is_digit(s[j - 1]) && j + 3 < n
                   && is_digit(s[j + 1]) && is_digit(s[j + 2]) && is_digit(s[j + 3])
                   && (j + 4 >= n || !is_digit(s[j + 4]))) {
            j += 4;
        } else {
            break;
        }
    }
    if (j < n && s[j] == '%') j++;
    return j - i;
}

static void next(parser *p)
{
    const char *s = p->s;
    size_t n = p->len;
    while (p->pos < n && (s[p->pos] == ' ' || s[p->pos] == '\t')) p->pos++;
    token *t = &p->tok;
    t->start = p->pos;
    t->len = 1;
    if (p->pos >= n) {
        t->kind = T_END;
        t->len = 0;
        return;
    }
    char c = s[p->pos];
    size_t skip = 0;
    /* "£" is two bytes in UTF-8: finance officers write money thresholds with it. */
    if ((unsigned char)c == 0xC2 && p->pos + 2 < n && (unsigned char)s[p->pos + 1] == 0xA3
        && is_digit(s[p->pos + 2]))
        skip = 2;
    if (is_digit(s[p->pos + skip])) {
        size_t l = number_len(s, n, p->pos + skip);
        t->kind = T_NUM;
        t->len = skip + l;
        if (!bp_num_parse(s + p->pos + skip, l, &t->num)) t->kind = T_BAD;
        p->pos += t->len;
        return;
    }
    if (c == '.' && p->pos + 1 < n && is_digit(s[p->pos + 1])) {
        t->kind = T_BAD;   /* ".5": ask for "0.5" */
        p->pos++;
        return;
    }
    if (is_ident_start(c)) {
        size_t j = p->pos;
        while (j < n && is_ident_char(s[j])) j++;
        t->kind = T_IDENT;
        t->len = j - p->pos;
        p->pos = j;
        return;
    }
    char c2 = p->pos + 1 < n ? s[p->pos + 1] : 0;
    p->pos++;
    switch (c) {
    case '(': t->kind = T_LPAREN; return;
    case ')': t->kind = T_RPAREN; return;
    case ',': t->kind = T_COMMA; return;
    case '+': t->kind = T_PLUS; return;
    case '-': t->kind = T_MINUS; return;
    case '*': t->kind = T_STAR; return;
    case '/': t->kind = T_SLASH; return;
    case '<':
        if (c2 == '=') { p->pos++; t->len = 2; t->kind = T_LE; return; }
        t->kind = T_LT; return;
    case '>':
        if (c2 == '=') { p->pos++; t->len = 2; t->kind = T_GE; return; }
        t->kind = T_GT; return;
    case '=':
        if (c2 == '=') { p->pos++; t->len = 2; t->kind = T_EQ; return; }
        break;
    case '!':
        if (c2 == '=') { p->pos++; t->len = 2; t->kind = T_NE; return; }
        break;
    default: break;
    }
    /* a character that is not ASCII: take all of it, so messages quote it whole */
    if ((unsigned char)c >= 0xC0)
        while (p->pos < n && ((unsigned char)s[p->pos] & 0xC0) == 0x80 && t->len < 4) {
            p->pos++;
            t->len++;
        }
    t->kind = T_BAD;
}

static bool tok_is(const parser *p, const char *word)
{
    return p->tok.kind == T_IDENT && strlen(word) == p->tok.len
           && memcmp(p->s + p->tok.start, word, p->tok.len) == 0;
}

static void tok_text(const parser *p, char *buf, size_t size)
{
    if (p->tok.kind == T_END) {
        snprintf(buf, size, "end of expression");
        return;
    }
    size_t l = p->tok.len < 40 ? p->tok.len : 40;
    snprintf(buf, size, "'%.*s'", (int)l, p->s + p->tok.start);
}

static void expected(parser *p, const char *what)
{
    char found[64], msg[160];
    tok_text(p, found, sizeof found);
    snprintf(msg, sizeof msg, "expected %s, found %%s", what);
    error_at(p, p->tok.start, msg, found);
}

static bp_expr *node(parser *p, bp_expr_op op, size_t at)
{
    bp_expr *e = calloc(1, sizeof *e);
    if (!e) {
        p->nomem = true;
        p->failed = true;
        return NULL;
    }
    e->op = op;
    e->line = p->line;
    e->column = p->column + (int)at;
    return e;
}

static bp_expr *binary(parser *p, bp_expr_op op, size_t at, bp_expr *a, bp_expr *b)
{
    if (!a || !b) {
        bp_expr_free(a);
        bp_expr_free(b);
        return NULL;
    }
    bp_expr *e = node(p, op, at);
    if (!e) {
        bp_expr_free(a);
        bp_expr_free(b);
        return NULL;
    }
    e->line = a->line;
    e->column = a->column;
    e->a = a;
    e->b = b;
    return e;
}

/* The tree made from subtrees of heights ha and hb is one taller; too tall is an error
 * at the operator (at). */
static bool taller(parser *p, int ha, int hb, size_t at)
{
    p->height = 1 + (ha > hb ? ha : hb);
    if (p->height <= MAX_DEPTH) return true;
    error_at(p, at, "%s", "expression nested too deeply: more than " BP_STR(MAX_DEPTH)
             " levels of operations");
    return false;
}

static bp_expr *parse_or(parser *p);

static bool expect(parser *p, tok_kind k, const char *what)
{
    if (p->tok.kind != k) {
        expected(p, what);
        return false;
    }
    next(p);
    return true;
}

static char *tok_dup(parser *p)
{
    char *s = strndup(p->s + p->tok.start, p->tok.len);
    if (!s) p->nomem = p->failed = true;
    return s;
}

static bool is_reserved(const parser *p)
{
    static const char *const words[] = {"and", "or", "not", "sum", "national", "kpi", "if",
                                        "min", "max"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (tok_is(p, words[i])) return true;
    return false;
}

static bool valid_code(const char *s)
{
    /* dotted lower-case words: no empty segment, no leading or trailing dot */
    if (!*s || *s == '.') return false;
    size_t n = strlen(s);
    if (s[n - 1] == '.') return false;
    for (const char *c = s; *c; c++)
        if (*c >= 'A' && *c <= 'Z') return false;
    return strstr(s, "..") == NULL;
}

/* name(ID) for national() and kpi(). */
static bp_expr *parse_named_call(parser *p, bp_expr_op op, size_t at, const char *fn)
{
    next(p);
    if (!expect(p, T_LPAREN, "'(' after the function name")) return NULL;
    if (p->tok.kind != T_IDENT || memchr(p->s + p->tok.start, '.', p->tok.len)) {
        char what[64];
        snprintf(what, sizeof what, "a KPI id inside %s()", fn);
        expected(p, what);
        return NULL;
    }
    bp_expr *e = node(p, op, at);
    if (!e) return NULL;
    e->name = tok_dup(p);
    next(p);
    if (!e->name || !expect(p, T_RPAREN, "')'")) {
        bp_expr_free(e);
        return NULL;
    }
    return e;
}

static bp_expr *parse_sum(parser *p, size_t at)
{
    next(p);
    if (!expect(p, T_LPAREN, "'(' after sum")) return NULL;
    if (p->tok.kind != T_IDENT || is_reserved(p)) {
        expected(p, "a fact code such as exp.staff inside sum()");
        return NULL;
    }
    bp_expr *e = node(p, BP_E_SUM, at);
    if (!e) return NULL;
    e->name = tok_dup(p);
    if (e->name && !valid_code(e->name)) {
        error_at(p, p->tok.start, "'%s' is not a fact code (dotted lower-case words)", e->name);
        bp_expr_free(e);
        return NULL;
    }
    next(p);
    if (p->failed) {
        bp_expr_free(e);
        return NULL;
    }
    if (p->tok.kind == T_COMMA) {
        next(p);
        bool neg = false;
        if (p->tok.kind == T_MINUS) {
            neg = true;
            next(p);
        }
        if (p->tok.kind != T_NUM) {
            expected(p, "a number as the default of sum()");
            bp_expr_free(e);
            return NULL;
        }
        e->has_dflt = true;
        e->dflt = neg ? bp_num_neg(p->tok.num) : p->tok.num;
        next(p);
    }
    if (!expect(p, T_RPAREN, "')' to close sum(")) {
        bp_expr_free(e);
        return NULL;
    }
    return e;
}

/* if(c, a, b), min(a, b), max(a, b) */
static bp_expr *parse_call(parser *p, bp_expr_op op, size_t at, int nargs)
{
    next(p);
    if (!expect(p, T_LPAREN, "'(' after the function name")) return NULL;
    bp_expr *args[3] = {NULL, NULL, NULL};
    int h = 0;
    for (int i = 0; i < nargs; i++) {
        if (i > 0 && !expect(p, T_COMMA, "',' between arguments")) break;
        args[i] = parse_or(p);
        if (!args[i]) break;
        if (p->height > h) h = p->height;
    }
    if (!p->failed) taller(p, h, 0, at);
    if (!p->failed) expect(p, T_RPAREN, nargs == 3 ? "')' after the third argument"
                                                   : "')' after the second argument");
    if (p->failed) {
        for (int i = 0; i < 3; i++) bp_expr_free(args[i]);
        return NULL;
    }
    bp_expr *e = node(p, op, at);
    if (!e) {
        for (int i = 0; i < 3; i++) bp_expr_free(args[i]);
        return NULL;
    }
    e->a = args[0];
    e->b = args[1];
    e->c = args[2];
    return e;
}

static bp_expr *parse_primary(parser *p)
{
    size_t at = p->tok.start;
    switch (p->tok.kind) {
    case T_NUM: {
        bp_expr *e = node(p, BP_E_NUM, at);
        if (!e) return NULL;
        e->num = p->tok.num;
        next(p);
        p->height = 0;   /* a leaf: no operation */
        return e;
    }
    case T_LPAREN: {
        next(p);
        bp_expr *e = parse_or(p);
        if (e && !expect(p, T_RPAREN, "')'")) {
            bp_expr_free(e);
            return NULL;
        }
        return e;
    }
    case T_IDENT:
        p->height = 0;   /* a leaf: no operation */
        if (tok_is(p, "sum")) return parse_sum(p, at);
        if (tok_is(p, "national")) return parse_named_call(p, BP_E_NATIONAL, at, "national");
        if (tok_is(p, "kpi")) return parse_named_call(p, BP_E_KPI, at, "kpi");
        if (tok_is(p, "if")) return parse_call(p, BP_E_IF, at, 3);
        if (tok_is(p, "min")) return parse_call(p, BP_E_MIN, at, 2);
        if (tok_is(p, "max")) return parse_call(p, BP_E_MAX, at, 2);
        if (is_reserved(p)) {
            expected(p, "a value");
            return NULL;
        }
        {
            bool attr = tok_is(p, "capacity") || tok_is(p, "pan") || tok_is(p, "years_in_trust")
                        || tok_is(p, "cash_min");
            bp_expr *e = node(p, attr ? BP_E_ATTR : BP_E_SUM, at);
            if (!e) return NULL;
            e->name = tok_dup(p);
            if (e->name && !attr && !valid_code(e->name)) {
                error_at(p, at, "'%s' is not a fact code (dotted lower-case words)", e->name);
                bp_expr_free(e);
                return NULL;
            }
            next(p);
            if (p->tok.kind == T_LPAREN) {
                error_at(p, at, "unknown function '%s' (functions: sum, national, kpi, if, min, max)",
                         e->name ? e->name : "");
                bp_expr_free(e);
                return NULL;
            }
            return e;
        }
    case T_BAD: {
        char found[64];
        tok_text(p, found, sizeof found);
        error_at(p, at, "cannot read %s: expected a number such as 0.75, 75%% or 1,650, a fact code, "
                 "or an operator", found);
        return NULL;
    }
    default:
        expected(p, "a number, a fact code, a function or '('");
        return NULL;
    }
}

static bp_expr *parse_unary(parser *p)
{
    if (p->tok.kind == T_MINUS) {
        size_t at = p->tok.start;
        next(p);
        if (++p->depth > MAX_DEPTH) {
            error_at(p, at, "%s", "expression nested too deeply");
            return NULL;
        }
        bp_expr *a = parse_unary(p);
        p->depth--;
        if (!a) return NULL;
        if (!taller(p, p->height, 0, at)) {
            bp_expr_free(a);
            return NULL;
        }
        bp_expr *e = node(p, BP_E_NEG, at);
        if (!e) {
            bp_expr_free(a);
            return NULL;
        }
        e->a = a;
        return e;
    }
    return parse_primary(p);
}

static bp_expr *parse_product(parser *p)
{
    bp_expr *a = parse_unary(p);
    while (a && (p->tok.kind == T_STAR || p->tok.kind == T_SLASH)) {
        bp_expr_op op = p->tok.kind == T_STAR ? BP_E_MUL : BP_E_DIV;
        size_t at = p->tok.start;
        int ha = p->height;
        next(p);
        a = binary(p, op, at, a, parse_unary(p));
        if (a && !taller(p, ha, p->height, at)) {
            bp_expr_free(a);
            a = NULL;
        }
    }
    return a;
}

static bp_expr *parse_sum_expr(parser *p)
{
    bp_expr *a = parse_product(p);
    while (a && (p->tok.kind == T_PLUS || p->tok.kind == T_MINUS)) {
        bp_expr_op op = p->tok.kind == T_PLUS ? BP_E_ADD : BP_E_SUB;
        size_t at = p->tok.start;
        int ha = p->height;
        next(p);
        a = binary(p, op, at, a, parse_product(p));
        if (a && !taller(p, ha, p->height, at)) {
            bp_expr_free(a);
            a = NULL;
        }
    }
    return a;
}

static bp_expr *parse_cmp(parser *p)
{
    bp_expr *a = parse_sum_expr(p);
    if (!a) return NULL;
    bp_expr_op op;
    switch (p->tok.kind) {
    case T_LT: op = BP_E_LT; break;
    case T_LE: op = BP_E_LE; break;
    case T_GT: op = BP_E_GT; break;
    case T_GE: op = BP_E_GE; break;
    case T_EQ: op = BP_E_EQ; break;
    case T_NE: op = BP_E_NE; break;
    default: return a;
    }
    size_t at = p->tok.start;
    int ha = p->height;
    next(p);
    a = binary(p, op, at, a, parse_sum_expr(p));
    if (a && !taller(p, ha, p->height, at)) {
        bp_expr_free(a);
        return NULL;
    }
    if (a && p->tok.kind >= T_LT && p->tok.kind <= T_NE) {
        expected(p, "'and' or 'or' between comparisons (a < b < c is not allowed)");
        bp_expr_free(a);
        return NULL;
    }
    return a;
}

static bp_expr *parse_not(parser *p)
{
    if (tok_is(p, "not")) {
        size_t at = p->tok.start;
        next(p);
        if (++p->depth > MAX_DEPTH) {
            error_at(p, at, "%s", "expression nested too deeply");
            return NULL;
        }
        bp_expr *a = parse_not(p);
        p->depth--;
        if (!a) return NULL;
        if (!taller(p, p->height, 0, at)) {
            bp_expr_free(a);
            return NULL;
        }
        bp_expr *e = node(p, BP_E_NOT, at);
        if (!e) {
            bp_expr_free(a);
            return NULL;
        }
        e->a = a;
        return e;
    }
    return parse_cmp(p);
}

static bp_expr *parse_and(parser *p)
{
    bp_expr *a = parse_not(p);
    while (a && tok_is(p, "and")) {
        size_t at = p->tok.start;
        int ha = p->height;
        next(p);
        a = binary(p, BP_E_AND, at, a, parse_not(p));
        if (a && !taller(p, ha, p->height, at)) {
            bp_expr_free(a);
            a = NULL;
        }
    }
    return a;
}

static bp_expr *parse_or(parser *p)
{
    if (++p->depth > MAX_DEPTH) {
        error_at(p, p->tok.start, "%s", "expression nested too deeply");
        return NULL;
    }
    bp_expr *a = parse_and(p);
    while (a && tok_is(p, "or")) {
        size_t at = p->tok.start;
        int ha = p->height;
        next(p);
        a = binary(p, BP_E_OR, at, a, parse_and(p));
        if (a && !taller(p, ha, p->height, at)) {
            bp_expr_free(a);
            a = NULL;
        }
    }
    p->depth--;
    return a;
}

static bool mark_data(bp_expr *e);

bp_err bp_expr_parse(const char *text, size_t len, const char *file, int line, int column,
                     bp_expr **out, bp_diags *diags)
{
    parser p;
    memset(&p, 0, sizeof p);
    p.s = text;
    p.len = len;
    p.file = file;
    p.line = line;
    p.column = column;
    p.diags = diags;
    *out = NULL;
    next(&p);
    if (p.tok.kind == T_END) {
        error_at(&p, 0, "%s", "expected an expression, found nothing");
        return BP_ERR_KPI;
    }
    bp_expr *e = parse_or(&p);
    if (e && p.tok.kind == T_BAD && p.tok.len == 1 && text[p.tok.start] == '=') {
        expected(&p, "'==' to compare");
        bp_expr_free(e);
        e = NULL;
    } else if (e && p.tok.kind != T_END) {
        expected(&p, "an operator or the end of the expression");
        bp_expr_free(e);
        e = NULL;
    }
    if (p.nomem) {
        bp_expr_free(e);
        return BP_ERR_NOMEM;
    }
    if (!e || p.failed) {
        bp_expr_free(e);
        return BP_ERR_KPI;
    }
    mark_data(e);
    *out = e;
    return BP_OK;
}

static bool mark_data(bp_expr *e)
{
    if (!e) return false;
    bool a = mark_data(e->a), b = mark_data(e->b), c = mark_data(e->c);
    switch (e->op) {
    case BP_E_NUM:
    case BP_E_NATIONAL: e->data = false; break;
    case BP_E_SUM:
    case BP_E_ATTR:
    case BP_E_KPI: e->data = true; break;
    default: e->data = a || b || c; break;
    }
    return e->data;
}

void bp_expr_free(bp_expr *e)
{
    if (!e) return;
    bp_expr_free(e->a);
    bp_expr_free(e->b);
    bp_expr_free(e->c);
    free(e->name);
    free(e);
}

/* ---- evaluation ---- */

bool bp_expr_depends_on_data(const bp_expr *e)
{
    return e && e->data;
}

static bp_num truth(bool b) { return bp_num_int(b ? 1 : 0); }

static bp_num eval(const bp_expr *e, const bp_expr_ctx *c, int depth);

static bp_num eval_sum(const bp_expr *e, const bp_expr_ctx *c)
{
    bp_num total = bp_num_int(0);
    bool any = false;
    const char *course = bp_course_field(e->name);
    for (size_t i = 0; i < c->nmembers; i++) {
        bp_num v;
        bool ok;
        if (course) {
            ok = bp_model_course_sum(c->model, c->members[i], c->year, course, c->course, &v);
        } else {
            bp_sum_state st = bp_model_sum_state(c->model, c->members[i], c->year, c->scenario,
                                                 e->name, c->eliminate, &v);
            /* a member whose figure cannot be formed makes the total unknown, default or not */
            if (st == BP_SUM_NODATA) return bp_num_none();
            ok = st == BP_SUM_OK;
        }
        if (!ok) {
            if (!e->has_dflt) continue;
            v = e->dflt;
        }
        total = bp_num_add(total, v);
        any = true;
        if (course && c->course >= 0) break;   /* the one course is counted once */
    }
    if (!any) return e->has_dflt ? e->dflt : bp_num_none();
    return total;
}

/* cash_min: the lowest month-end cash of the entity's cash flow of the year reported -
 * the outturn's in in-year mode, the actual's in annual mode; no data otherwise. */
static bp_num eval_cash_min(const bp_expr_ctx *c)
{
    const bp_model *m = c->model;
    bp_scenario s = m->inyear == c->year ? BP_OUTTURN : BP_ACTUAL;
    if (c->phase || c->year != m->reported_year || c->scenario != s || !c->nmembers)
        return bp_num_none();
    bp_cashflow cf;
    bp_cashflow_make(m, c->eliminate ? -1 : c->members[0], c->year, &cf);
    return cf.has_low ? bp_num_pence(cf.low) : bp_num_none();
}

static bp_num eval_attr(const bp_expr *e, const bp_expr_ctx *c)
{
    if (strcmp(e->name, "cash_min") == 0) return eval_cash_min(c);
    bp_num total = bp_num_int(0);
    bool any = false;
    for (size_t i = 0; i < c->nmembers; i++) {
        const bp_institution *in = &c->model->insts[c->members[i]];
        bp_num v;
        if (strcmp(e->name, "capacity") == 0) {
            if (!in->has_capacity) continue;
            v = bp_num_int(in->capacity);
        } else if (strcmp(e->name, "pan") == 0) {
            if (!in->has_pan) continue;
            v = bp_num_int(in->pan);
        } else {
            v = bp_num_int(bp_years_in_trust(in, c->year));
        }
        total = bp_num_add(total, v);
        any = true;
    }
    return any ? total : bp_num_none();
}

/* The node's own operation on one institution's (or one course's) data. */
static bp_num eval_direct(const bp_expr *e, const bp_expr_ctx *c, int depth)
{
    bp_num a, b;
    switch (e->op) {
    case BP_E_MUL:
        return bp_num_mul(eval(e->a, c, depth), eval(e->b, c, depth));
    case BP_E_LT: case BP_E_LE: case BP_E_GT: case BP_E_GE: case BP_E_EQ: case BP_E_NE: {
        a = eval(e->a, c, depth);
        b = eval(e->b, c, depth);
        if (!a.ok || !b.ok) return bp_num_none();
        int r = bp_num_cmp(a, b);
        switch (e->op) {
        case BP_E_LT: return truth(r < 0);
        case BP_E_LE: return truth(r <= 0);
        case BP_E_GT: return truth(r > 0);
        case BP_E_GE: return truth(r >= 0);
        case BP_E_EQ: return truth(r == 0);
        default: return truth(r != 0);
        }
    }
    case BP_E_AND:
    case BP_E_OR:
        a = eval(e->a, c, depth);
        b = eval(e->b, c, depth);
        if (!a.ok || !b.ok) return bp_num_none();
        return e->op == BP_E_AND ? truth(!bp_num_is_zero(a) && !bp_num_is_zero(b))
                                 : truth(!bp_num_is_zero(a) || !bp_num_is_zero(b));
    case BP_E_NOT:
        a = eval(e->a, c, depth);
        return a.ok ? truth(bp_num_is_zero(a)) : a;
    case BP_E_IF:
        a = eval(e->a, c, depth);
        if (!a.ok) return a;
        return eval(bp_num_is_zero(a) ? e->c : e->b, c, depth);
    case BP_E_MIN:
    case BP_E_MAX:
        a = eval(e->a, c, depth);
        b = eval(e->b, c, depth);
        if (!a.ok || !b.ok) return bp_num_none();
        return (bp_num_cmp(a, b) <= 0) == (e->op == BP_E_MIN) ? a : b;
    case BP_E_KPI: {
        /* one member here (eval_per_member): a value the evaluator may remember.  The
         * depth guard is never reached by a validated set, so the value does not depend
         * on the depth it is worked out at */
        bp_expr_memo *memo = NULL;
        const bp_expr *k = c->kpi_memo ? c->kpi_memo(c->kpi_memo_arg, e->name, c, &memo)
                         : c->kpi_lookup ? c->kpi_lookup(c->kpi_arg, e->name) : NULL;
        if (!k) return bp_num_none();
        if (memo && memo->known) return memo->value;
        bp_num v = eval(k, c, depth);
        if (memo) {
            memo->value = v;
            memo->known = true;
        }
        return v;
    }
    default:
        return bp_num_none();
    }
}

/* Non-linear operations are formed per member, then summed over members with data. */
static bp_num eval_per_member(const bp_expr *e, const bp_expr_ctx *c, int depth)
{
    if (c->nmembers == 1) return eval_direct(e, c, depth);
    bp_num total = bp_num_int(0);
    bool any = false;
    for (size_t i = 0; i < c->nmembers; i++) {
        bp_expr_ctx one = *c;
        one.members = &c->members[i];
        one.nmembers = 1;
        bp_num v = eval_direct(e, &one, depth);
        if (!v.ok) continue;
        total = bp_num_add(total, v);
        any = true;
    }
    return any ? total : bp_num_none();
}

/* kpi() references are checked for cycles when a KPI set is validated; the depth
 * limit is a second line of defence for sets evaluated without validation. */
#define MAX_EVAL_DEPTH 64

static bp_num eval(const bp_expr *e, const bp_expr_ctx *c, int depth)
{
    if (!e || depth > MAX_EVAL_DEPTH) return bp_num_none();
    switch (e->op) {
    case BP_E_NUM: return e->num;
    case BP_E_SUM: return eval_sum(e, c);
    case BP_E_ATTR: return eval_attr(e, c);
    case BP_E_NATIONAL: {
        bp_num v;
        const char *phase = c->national_phase ? c->national_phase : "all";
        return bp_model_benchmark(c->model, c->year, phase, e->name, &v) ? v : bp_num_none();
    }
    case BP_E_NEG: return bp_num_neg(eval(e->a, c, depth));
    case BP_E_ADD: return bp_num_add(eval(e->a, c, depth), eval(e->b, c, depth));
    case BP_E_SUB: return bp_num_sub(eval(e->a, c, depth), eval(e->b, c, depth));
    case BP_E_DIV: return bp_num_div(eval(e->a, c, depth), eval(e->b, c, depth));
    case BP_E_MUL:
        /* A constant times a sum is still a sum; a product of two data terms is not. */
        if (!bp_expr_depends_on_data(e->a) || !bp_expr_depends_on_data(e->b))
            return bp_num_mul(eval(e->a, c, depth), eval(e->b, c, depth));
        return eval_per_member(e, c, depth);
    case BP_E_KPI: return eval_per_member(e, c, depth + 1);
    default: return eval_per_member(e, c, depth);
    }
}

bp_num bp_expr_eval(const bp_expr *e, const bp_expr_ctx *ctx)
{
    return eval(e, ctx, 0);
}

/* ---- printing ---- */

typedef struct {
    char *buf;
    size_t size, len;
} sbuf;

static void put(sbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->size == 0) return;
    if (b->len + n >= b->size) n = b->size - 1 - b->len;
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = 0;
}

static int prec(const bp_expr *e)
{
    switch (e->op) {
    case BP_E_OR: return 1;
    case BP_E_AND: return 2;
    case BP_E_NOT: return 3;
    case BP_E_LT: case BP_E_LE: case BP_E_GT: case BP_E_GE: case BP_E_EQ: case BP_E_NE: return 4;
    case BP_E_ADD: case BP_E_SUB: return 5;
    case BP_E_MUL: case BP_E_DIV: return 6;
    case BP_E_NEG: return 7;
    default: return 8;
    }
}

static const char *op_text(bp_expr_op op)
{
    switch (op) {
    case BP_E_ADD: return " + ";
    case BP_E_SUB: return " - ";
    case BP_E_MUL: return " * ";
    case BP_E_DIV: return " / ";
    case BP_E_LT: return " < ";
    case BP_E_LE: return " <= ";
    case BP_E_GT: return " > ";
    case BP_E_GE: return " >= ";
    case BP_E_EQ: return " == ";
    case BP_E_NE: return " != ";
    case BP_E_AND: return " and ";
    case BP_E_OR: return " or ";
    default: return " ? ";
    }
}

static void print(sbuf *b, const bp_expr *e);

/* right: the operand is on the right of a left-associative operator, so equal
 * precedence needs brackets too (a - (b - c)). */
static void print_operand(sbuf *b, const bp_expr *child, int parent_prec, bool right)
{
    int p = prec(child);
    bool paren = p < parent_prec || (right && p == parent_prec);
    if (paren) put(b, "(");
    print(b, child);
    if (paren) put(b, ")");
}

static void print(sbuf *b, const bp_expr *e)
{
    char tmp[64];
    switch (e->op) {
    case BP_E_NUM:
        bp_num_format_plain(e->num, tmp, sizeof tmp);
        put(b, tmp);
        return;
    case BP_E_SUM:
        put(b, "sum(");
        put(b, e->name);
        if (e->has_dflt) {
            put(b, ", ");
            bp_num_format_plain(e->dflt, tmp, sizeof tmp);
            put(b, tmp);
        }
        put(b, ")");
        return;
    case BP_E_ATTR: put(b, e->name); return;
    case BP_E_NATIONAL: put(b, "national("); put(b, e->name); put(b, ")"); return;
    case BP_E_KPI: put(b, "kpi("); put(b, e->name); put(b, ")"); return;
    case BP_E_NEG:
        put(b, "-");
        print_operand(b, e->a, prec(e), false);
        return;
    case BP_E_NOT:
        put(b, "not ");
        print_operand(b, e->a, prec(e), false);
        return;
    case BP_E_IF: case BP_E_MIN: case BP_E_MAX:
        put(b, e->op == BP_E_IF ? "if(" : e->op == BP_E_MIN ? "min(" : "max(");
        print(b, e->a);
        put(b, ", ");
        print(b, e->b);
        if (e->c) {
            put(b, ", ");
            print(b, e->c);
        }
        put(b, ")");
        return;
    default:
        /* comparisons do not chain, so both sides of one take brackets at equal level */
        print_operand(b, e->a, prec(e), prec(e) == 4);
        put(b, op_text(e->op));
        print_operand(b, e->b, prec(e), true);
        return;
    }
}

void bp_expr_to_text(const bp_expr *e, char *buf, size_t size)
{
    sbuf b = {buf, size, 0};
    if (size) buf[0] = 0;
    if (e) print(&b, e);
}

void bp_expr_visit(const bp_expr *e, bp_expr_visit_fn fn, void *arg)
{
    if (!e) return;
    if (e->op == BP_E_SUM || e->op == BP_E_NATIONAL || e->op == BP_E_KPI || e->op == BP_E_ATTR)
        fn(e, arg);
    bp_expr_visit(e->a, fn, arg);
    bp_expr_visit(e->b, fn, arg);
    bp_expr_visit(e->c, fn, arg);
}
