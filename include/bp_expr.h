/* bp_expr: the KPI expression language - parsing to a tree, evaluating exactly over an
 * institution or an aggregate of institutions, and printing back as text.
 *
 * Grammar (docs/kpi-format.md):
 *   expr    := or
 *   or      := and ("or" and)*
 *   and     := not ("and" not)*
 *   not     := "not" not | cmp
 *   cmp     := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
 *   sum     := product (("+" | "-") product)*
 *   product := unary (("*" | "/") unary)*
 *   unary   := "-" unary | primary
 *   primary := NUMBER ["%"] | "(" expr ")" | CODE | ATTRIBUTE
 *            | "sum" "(" CODE ["," NUMBER] ")" | "national" "(" ID ")" | "kpi" "(" ID ")"
 *            | "if" "(" expr "," expr "," expr ")" | ("min" | "max") "(" expr "," expr ")"
 * A bare CODE is sum(CODE).  ATTRIBUTE is capacity, pan or years_in_trust.
 *
 * Aggregation (a phase or the trust is a set of member institutions):
 *   sum(code), attributes: summed over members that have data (no data if none has);
 *   a + b, a - b, number * x: combine the aggregated operands (linear);
 *   a / b: aggregated a divided by aggregated b - a ratio of sums;
 *   any other operation (a product of two fact terms, comparisons, and/or/not, if,
 *   min/max, kpi(), course.* per course): evaluated per member, then summed over the
 *   members that have data - so P x F is formed per institution before it is summed, and
 *   a condition such as (grade <= 2) counts the members meeting it.
 * Booleans are 1 and 0.  No data propagates; "and"/"or" with a no-data operand give no
 * data; division by zero gives no data. */
#ifndef BP_EXPR_H
#define BP_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include "bp_error.h"
#include "bp_model.h"
#include "bp_num.h"

typedef enum {
    BP_E_NUM,       /* constant: num */
    BP_E_SUM,       /* sum(name) with optional default (has_dflt, dflt) */
    BP_E_ATTR,      /* name is "capacity", "pan" or "years_in_trust" */
    BP_E_NATIONAL,  /* national(name) */
    BP_E_KPI,       /* kpi(name): another KPI's expression, inlined when evaluated */
    BP_E_NEG, BP_E_NOT,
    BP_E_ADD, BP_E_SUB, BP_E_MUL, BP_E_DIV,
    BP_E_LT, BP_E_LE, BP_E_GT, BP_E_GE, BP_E_EQ, BP_E_NE,
    BP_E_AND, BP_E_OR,
    BP_E_IF, BP_E_MIN, BP_E_MAX
} bp_expr_op;

typedef struct bp_expr bp_expr;
struct bp_expr {
    bp_expr_op op;
    bp_num num;            /* BP_E_NUM */
    char *name;            /* code, attribute, kpi id */
    bool has_dflt;
    bp_num dflt;           /* sum(code, default) */
    bp_expr *a, *b, *c;
    int line, column;      /* where the node starts, in the KPI file */
    bool data;             /* bp_expr_depends_on_data, worked out once when parsed: asked
                              at every product evaluated, a walk of the subtree each time
                              made a chain of products quadratic */
};

/* Parse text that starts at (line, column) of file; errors go to diags with positions
 * inside the file.  Returns BP_OK or BP_ERR_KPI (or BP_ERR_NOMEM). */
bp_err bp_expr_parse(const char *text, size_t len, const char *file, int line, int column,
                     bp_expr **out, bp_diags *diags);
void bp_expr_free(bp_expr *e);

/* Resolves kpi(id) references while evaluating. */
typedef const bp_expr *(*bp_expr_kpi_lookup)(const void *arg, const char *id);

/* One remembered value of kpi(id) for one member in one year and scenario. */
typedef struct {
    bp_num value;
    bool known;
} bp_expr_memo;

typedef struct bp_expr_ctx bp_expr_ctx;

/* Resolves kpi(id) for the context's one member, and gives where its value is remembered
 * (*memo; NULL: not remembered).  A KPI file may refer to one KPI thousands of times in
 * every result, and kpi() chains multiply: without this the work of a result is that of
 * its whole expansion, 10,000 terms at the cap, worked out again for each reference. */
typedef const bp_expr *(*bp_expr_kpi_memo_lookup)(void *arg, const char *id,
                                                  const bp_expr_ctx *one, bp_expr_memo **memo);

struct bp_expr_ctx {
    const bp_model *model;
    const int *members;        /* institution indexes; one for an institution's own value */
    size_t nmembers;
    int year;
    bp_scenario scenario;
    bool eliminate;            /* trust scope: drop income.internal and exp.internal */
    const char *national_phase;/* phase id for national(), "all" for the trust */
    int course;                /* >= 0: evaluate course.* for this one course row */
    bp_expr_kpi_lookup kpi_lookup;
    const void *kpi_arg;
    bp_expr_kpi_memo_lookup kpi_memo;   /* when set, used instead of kpi_lookup */
    void *kpi_memo_arg;
    bool phase;                /* a phase total (cash_min has none: a cash flow is an
                                  institution's or the trust's) */
};

bp_num bp_expr_eval(const bp_expr *e, const bp_expr_ctx *ctx);

/* Does e depend on an entity's data (facts, attributes, kpi()) rather than only on
 * constants and benchmarks?  A product is formed per member only when both of its
 * factors do. */
bool bp_expr_depends_on_data(const bp_expr *e);

/* Canonical text of the expression ("sum(exp.staff) / income") for methodology. */
void bp_expr_to_text(const bp_expr *e, char *buf, size_t size);

/* Call fn for every code (BP_E_SUM), national() and kpi() reference in e. */
typedef void (*bp_expr_visit_fn)(const bp_expr *node, void *arg);
void bp_expr_visit(const bp_expr *e, bp_expr_visit_fn fn, void *arg);

#endif
