/* bp_xlsx_kpis: the KPI sheets - statuses (each compared exactly with its thresholds),
 * the Scorecard, the Forecast, and the per-institution terms (Workings) and whole numbers
 * (Ratios) their formulas asked for. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_xlsx_internal.h"
#include "bp_format.h"
#include "bp_util.h"

/* ---- statuses ---- */

static int max_places(int a, int b) { return a < 0 || b < 0 ? -1 : (a > b ? a : b); }

/* How the formula compares the value (bp_formula_exact), with the text it points at. */
typedef struct {
    bp_formula_exact ex;
    char floor[96], ceil[96];
} xl_exact;

static bool same_ctx(const bp_expr_ctx *a, const bp_expr_ctx *b)
{
    return a->members == b->members && a->nmembers == b->nmembers && a->year == b->year
           && a->scenario == b->scenario && a->eliminate == b->eliminate
           && a->national_phase == b->national_phase && a->course == b->course;
}

static bool same_ratio(const xl_ratio *r, const bp_expr *num, const bp_expr *den,
                       const bp_expr_ctx *c, int parts, int scale)
{
    return r->num == num && r->den == den && r->parts == parts && r->scale == scale
           && same_ctx(&r->ctx, c);
}

/* Mixes what same_ratio compares: the parts' nodes, the members and the phase id by
 * identity, as same_ctx does. */
static size_t ratio_hash(const bp_expr *num, const bp_expr *den, const bp_expr_ctx *c,
                         int parts, int scale)
{
    const uint64_t words[] = {
        (uint64_t)(uintptr_t)num, (uint64_t)(uintptr_t)den, (uint64_t)(uintptr_t)c->members,
        c->nmembers, (uint64_t)(uint32_t)c->year, (uint64_t)c->scenario,
        (uint64_t)c->eliminate, (uint64_t)(uintptr_t)c->national_phase,
        (uint64_t)(uint32_t)c->course, (uint64_t)(uint32_t)parts, (uint64_t)(uint32_t)scale};
    uint64_t h = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        h ^= words[i];
        h *= 0xff51afd7ed558ccdu;
        h ^= h >> 32;
    }
    return (size_t)h;
}

/* The slot of the ratio with these parts, or the empty slot where it would go. */
static size_t ratio_slot(const xl *x, const bp_expr *num, const bp_expr *den,
                         const bp_expr_ctx *c, int parts, int scale)
{
    size_t mask = x->nratio_slots - 1, j = ratio_hash(num, den, c, parts, scale) & mask;
    while (x->ratio_slot[j]
           && !same_ratio(&x->ratios[x->ratio_slot[j] - 1], num, den, c, parts, scale))
        j = (j + 1) & mask;
    return j;
}

/* Room for one more ratio in the hash at most half full; false when out of memory. */
static bool ratio_room(xl *x)
{
    if ((x->nratios + 1) * 2 <= x->nratio_slots) return true;
    size_t n = x->nratio_slots ? x->nratio_slots * 2 : 256;
    size_t *slots = calloc(n, sizeof *slots);
    if (!slots) return false;
    free(x->ratio_slot);
    x->ratio_slot = slots;
    x->nratio_slots = n;
    for (size_t i = 0; i < x->nratios; i++) {
        const xl_ratio *r = &x->ratios[i];
        x->ratio_slot[ratio_slot(x, r->num, r->den, &r->ctx, r->parts, r->scale)] = i + 1;
    }
    return true;
}

/* The Ratios row holding num (and den, NULL for a value on its own) in units of
 * 10^-parts for ctx, compared at 10^scale; -1 when out of memory.  The rows are found by
 * hash: a trust of a thousand institutions asks for some hundred thousand. */
static int ratio_row(xl *x, const xl_value *v, const bp_expr *num, const bp_expr *den,
                     const bp_expr_ctx *c, int parts, int scale)
{
    if (!ratio_room(x)) return -1;
    size_t j = ratio_slot(x, num, den, c, parts, scale);
    if (x->ratio_slot[j]) return x->ratios_first + (int)(x->ratio_slot[j] - 1);
    xl_ratio *n = bp_grow(x->ratios, &x->capratios, x->nratios + 1, sizeof *n);
    if (!n) return -1;
    x->ratios = n;
    x->ratios[x->nratios] = (xl_ratio){num, den, *c, parts, scale, v->kpi, v->measure, x->src};
    /* at the expression whose parts they are */
    xl_src *src = &x->ratios[x->nratios].src;
    src->line = v->e->line;
    src->column = v->e->column;
    snprintf(src->what, sizeof src->what, "the numerator and denominator of %s%s%s '%s'",
             v->measure ? "measure '" : "", v->measure ? v->measure : "",
             v->measure ? "' of grade" : "KPI", v->kpi);
    x->ratio_slot[j] = x->nratios + 1;
    return x->ratios_first + (int)x->nratios++;
}

/* The value times 10^scale rounded down and up: a ratio's Floor and Ceiling cells, or a
 * value's own whole number (its Numerator, at parts = scale) for both. */
static void ratio_refs(xl_exact *p, int row, bool den)
{
    const char *sheet = xl_sheets[XS_RATIOS].name;
    bp_formula_ref(p->floor, sizeof p->floor, sheet, row, den ? RT_FLOOR : RT_NUM);
    bp_formula_ref(p->ceil, sizeof p->ceil, sheet, row, den ? RT_CEIL : RT_NUM);
    p->ex.floor = p->floor;
    p->ex.ceil = p->ceil;
}

/* The exact comparison of a value with the thresholds th (the engine's values, for the
 * bounds): a division of two exact decimals through its numerator and denominator on
 * Ratios; another exact decimal through its own cell, when the cell holds it exactly,
 * else through Ratios; anything else as before, rounded (bp_formula.h, "Exactness"). */
static void plan_exact(xl *x, xl_exact *p, const xl_value *v, const bp_expr_ctx *c,
                       const bp_num *th, size_t nth)
{
    const bp_expr *e = v->e;
    memset(p, 0, sizeof *p);
    p->ex.kind = BP_EXACT_NONE;
    p->ex.places = e ? (v->money ? 2 : bp_formula_places(e, c)) : v->places;
    int parts, scale, row;
    if (e && e->op == BP_E_DIV) {
        int pa = bp_formula_places(e->a, c), pb = bp_formula_places(e->b, c);
        if (pa >= 0 && pb >= 0) {
            bp_formula_ratio_scales(xl_engine_eval(x, e->a, c), xl_engine_eval(x, e->b, c), max_places(pa, pb),
                                    th, nth, &parts, &scale);
            if (scale < 0) return;
            if ((row = ratio_row(x, v, e->a, e->b, c, parts, scale)) < 0) {
                xl_nomem(x);
                return;
            }
            ratio_refs(p, row, true);
            p->ex.kind = BP_EXACT_WHOLE;
            p->ex.scale = scale;
            return;
        }
    }
    int places = e ? bp_formula_places(e, c) : v->places;
    if (places < 0) return;
    bp_formula_decimal_scale(e ? xl_engine_eval(x, e, c) : v->total, places, th, nth, &scale);
    if (scale < 0) return;
    p->ex.kind = BP_EXACT_WHOLE;
    p->ex.scale = scale;
    if (!e || !v->money || places <= 2) {
        bp_formula_whole(p->floor, sizeof p->floor, v->cell, scale);
        p->ex.floor = p->ex.ceil = p->floor;
        return;
    }
    /* a money figure with more places than the penny its cell is rounded to */
    if ((row = ratio_row(x, v, e, NULL, c, scale, scale)) < 0) {
        xl_nomem(x);
        p->ex.kind = BP_EXACT_NONE;
        return;
    }
    ratio_refs(p, row, false);
}

bool xl_rules_init(xl *x, xl_rules *r, size_t ntargets)
{
    memset(r, 0, sizeof *r);
    r->rules = calloc(ntargets ? ntargets : 1, sizeof *r->rules);
    r->target = calloc(ntargets ? ntargets : 1, sizeof *r->target);
    r->owned = calloc(13 * (ntargets ? ntargets : 1), sizeof *r->owned);
    r->th = calloc(6 * (ntargets ? ntargets : 1), sizeof *r->th);
    if (r->rules && r->target && r->owned && r->th) return true;
    xl_nomem(x);
    free(r->rules);
    free(r->target);
    free(r->owned);
    free(r->th);
    return false;
}

void xl_rules_free(xl_rules *r)
{
    for (size_t i = 0; i < r->nowned; i++) free(r->owned[i]);
    free(r->owned);
    free(r->rules);
    free(r->target);
    free(r->th);
}

static const char *own(xl_rules *r, char *s)
{
    if (s) r->owned[r->nowned++] = s;
    return s;
}

/* A threshold: its Targets cell when it is a number, else its compiled expression
 * (national() - the benchmark cell for the entity's phase and year). */
static const char *threshold(xl *x, xl_rules *r, size_t kpi, size_t ti, const bp_expr *th,
                             const bp_expr_ctx *c, int col)
{
    char ref[80];
    if (!th) return own(r, xl_copy_text(x, "NA()"));
    r->th[r->nth++] = th->op == BP_E_NUM ? th->num : bp_expr_eval(th, c);
    if (th->op != BP_E_NUM) return own(r, xl_body_formula(x, th, c, "a threshold"));
    xl_target_cell(x, ref, sizeof ref, kpi, ti, col);
    return own(r, xl_copy_text(x, ref));
}

void xl_add_rule(xl *x, xl_rules *r, size_t kpi, size_t ti, const bp_expr_ctx *c,
                 const char *when)
{
    const bp_target *t = &x->s->kpis.kpis[kpi].targets[ti];
    r->target[r->nrules] = x->target0[kpi] + ti;
    bp_formula_rule *rule = &r->rules[r->nrules++];
    char ref[80];
    rule->cmp = t->cmp;
    if (when) rule->when = own(r, xl_copy_text(x, when));
    else if (t->when) rule->when = own(r, xl_body_formula(x, t->when, c, "a target condition"));
    if (t->cmp != BP_CMP_MAX) rule->lo = threshold(x, r, kpi, ti, t->lo, c, TG_LO);
    if (t->cmp != BP_CMP_MIN) rule->hi = threshold(x, r, kpi, ti, t->hi, c, TG_HI);
    for (size_t a = 0; a < t->namber; a++) {
        r->th[r->nth++] = t->amber[a].lo;
        r->th[r->nth++] = t->amber[a].hi;
        for (int end = 0; end < 2; end++) {
            xl_target_cell(x, ref, sizeof ref, kpi, ti, TG_AMBER + 2 * (int)a + end);
            rule->amber[a][end] = own(r, xl_copy_text(x, ref));
        }
    }
    rule->namber = t->namber;
}

/* The rule's constant thresholds as their whole numbers on Ratios, when the target's row
 * there is at the comparison's scale (else the formula rounds them itself). */
static void whole_thresholds(xl *x, xl_rules *r, size_t i, int scale)
{
    size_t g = r->target[i];
    const bp_target *t = NULL;
    for (size_t k = 0; k < x->s->kpis.count && !t; k++)
        if (g >= x->target0[k] && g < x->target0[k] + x->s->kpis.kpis[k].ntargets)
            t = &x->s->kpis.kpis[k].targets[g - x->target0[k]];
    if (!t || x->target_scale[g] != scale) return;
    bp_formula_rule *rule = &r->rules[i];
    const char *sheet = xl_sheets[XS_RATIOS].name;
    int row = RATIO_THRESHOLDS_ROW + (int)g;
    char ref[64];
    if (rule->lo && t->lo && t->lo->op == BP_E_NUM) {
        bp_formula_ref(ref, sizeof ref, sheet, row, RW_LO);
        rule->lo_whole = own(r, xl_copy_text(x, ref));
    }
    if (rule->hi && t->hi && t->hi->op == BP_E_NUM) {
        bp_formula_ref(ref, sizeof ref, sheet, row, RW_HI);
        rule->hi_whole = own(r, xl_copy_text(x, ref));
    }
    for (size_t a = 0; a < t->namber; a++)
        for (int end = 0; end < 2; end++) {
            bp_formula_ref(ref, sizeof ref, sheet, row, RW_AMBER + 2 * (int)a + end);
            rule->amber_whole[a][end] = own(r, xl_copy_text(x, ref));
        }
}

void xl_put_status_rules(xl *x, xl_sheet s, int row, int col, const xl_value *v,
                         const bp_expr_ctx *c, xl_rules *r, bp_status cached)
{
    if (!xl_live(x)) return;
    if (r->nrules == 0) {
        xl_put_text(x, s, row, col, "none", x->f.none);
        return;
    }
    xl_exact p;
    plan_exact(x, &p, v, c, r->th, r->nth);
    for (size_t i = 0; i < r->nrules && xl_live(x) && p.ex.kind == BP_EXACT_WHOLE; i++)
        whole_thresholds(x, r, i, p.ex.scale);
    if (xl_live(x) && xl_compiled(x, bp_formula_status(v->cell, r->rules, r->nrules, &p.ex, &x->fb),
                                  "a status"))
        xl_put_formula(x, s, row, col, x->fb.s, x->f.status, xl_cache_text(bp_status_id(cached)));
}

/* A status formula comes from its targets: at the first one's condition or threshold. */
void xl_target_src(xl *x, const bp_kpi *k, const bp_target *t)
{
    const bp_expr *at = t->when ? t->when : t->lo ? t->lo : t->hi;
    xl_set_src(x, k->file, at ? at->line : t->line, at ? at->column : 0, "the status of %s '%s'",
               k->expr ? "KPI" : "grade", k->id);
}

/* The status of a value cell: the candidate targets of the entity, tried in order. */
void xl_put_status(xl *x, xl_sheet s, int row, int col, size_t kpi, const xl_entity *e,
                   const bp_expr_ctx *c, const xl_value *v, bp_status cached)
{
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    xl_rules r;
    if (!xl_rules_init(x, &r, k->ntargets)) return;
    for (size_t t = 0; t < k->ntargets && xl_live(x); t++)
        if (xl_target_applies(&k->targets[t], e, c->year, c->scenario)) {
            if (!r.nrules) xl_target_src(x, k, &k->targets[t]);
            xl_add_rule(x, &r, kpi, t, c, NULL);
        }
    xl_put_status_rules(x, s, row, col, v, c, &r, cached);
    xl_rules_free(&r);
}

/* "max 75% (sixth_form_college); max 80% (secondary, ...)" for the scorecard; false
 * when it is cut short to fit. */
static bool targets_summary(const bp_kpi *k, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < k->ntargets && len + 1 < size; i++) {
        const bp_target *t = &k->targets[i];
        char who[160] = "";
        if (t->phases) xl_flag_words(t->phases, xl_phase_word, BP_PHASE_COUNT, who, sizeof who);
        else if (t->scopes) xl_flag_words(t->scopes, xl_scope_word, 4, who, sizeof who);
        int w = snprintf(buf + len, size - len, "%s%s%s%s%s", len ? "; " : "", t->text,
                         who[0] ? " (" : "", who, who[0] ? ")" : "");
        if (w < 0) return false;
        len += (size_t)w;
    }
    if (len >= size) buf[bp_utf8_whole(buf, size - 1)] = '\0';   /* "£" cut short */
    return len < size;
}

/* The summary as a formula over the Targets sheet: each target's label (a formula over
 * its thresholds there) and the phases or scopes it names, so that editing a threshold
 * edits this text too; its cached value is the summary.  Written as text when the
 * summary was cut short. */
static void put_targets_summary(xl *x, xl_sheet s, int row, int col, size_t kpi,
                                const char *text, bool whole)
{
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    if (!k->ntargets || !whole) {
        xl_put_text(x, s, row, col, text, x->f.wrap);
        return;
    }
    bp_fbuf b;
    bp_fbuf_init(&b);
    bp_fbuf_puts(&b, "=");
    bool open = false;   /* a "(" to close */
    for (size_t i = 0; i < k->ntargets; i++) {
        const bp_target *t = &k->targets[i];
        char ref[80];
        int who = t->phases ? TG_PHASES : t->scopes ? TG_SCOPE : -1;
        xl_target_cell(x, ref, sizeof ref, kpi, i, TG_TEXT);
        bp_fbuf_printf(&b, "%s%s", !i ? "" : open ? "&\"); \"&" : "&\"; \"&", ref);
        open = who >= 0;
        if (!open) continue;
        xl_target_cell(x, ref, sizeof ref, kpi, i, who);
        bp_fbuf_printf(&b, "&\" (\"&%s", ref);
    }
    if (open) bp_fbuf_puts(&b, "&\")\"");
    if (b.nomem) xl_nomem(x);
    else if (strlen(b.s) - 1 > BP_FORMULA_MAX) xl_put_text(x, s, row, col, text, x->f.wrap);
    else xl_put_formula(x, s, row, col, b.s, x->f.wrap, xl_cache_text(text));
    bp_fbuf_free(&b);
}

/* ---- Scorecard and Forecast: KPIs by entity ---- */

#define MX_FIRST_COL 3   /* A: KPI id, B: name, C: targets */
#define MX_NAME_WIDTH 40
#define MX_TARGETS_WIDTH 30

/* Each entity's columns: value and status; on the Scorecard the prior year's actual
 * value beside them, in-year between them the year to date (the value being the outturn,
 * contract v2), and with --previous the previous pack's value after the prior year's (a
 * value from its file, not a formula: the previous pack's data are not in this workbook). */
static bool has_ytd(const xl *x, xl_sheet s) { return s == XS_SCORECARD && xl_outturn_year(x); }
static bool has_last(const xl *x, xl_sheet s) { return s == XS_SCORECARD && x->res->previous; }
static int stride(const xl *x, xl_sheet s)
{
    return s != XS_SCORECARD ? 2 : 3 + has_ytd(x, s) + has_last(x, s);
}
/* the offsets of the prior year's and the last pack's columns from the value's */
static int prior_off(const xl *x, xl_sheet s) { return 2 + has_ytd(x, s); }
static int last_off(const xl *x, xl_sheet s) { return 3 + has_ytd(x, s); }
static int value_col(const xl *x, xl_sheet s, size_t ei)
{
    return MX_FIRST_COL + stride(x, s) * (int)ei;
}

/* The previous pack's value of a result in the column after the prior year's. */
static void write_last_pack(xl *x, xl_sheet s, int row, int col, const bp_kpi *k,
                            const bp_result *r)
{
    int64_t p;
    if (has_last(x, s) && r && r->previous_suppressed) {   /* published: withheld */
        xl_put_text(x, s, row, col, BP_FORMAT_SUPPRESSED, x->f.text);
        return;
    }
    if (!has_last(x, s) || !r || !r->has_previous || !r->previous_value.ok) return;
    if (k->unit == BP_UNIT_MONEY && bp_num_to_pence(r->previous_value, &p))
        xl_put_money(x, s, row, col, p, xl_kpi_format(x, k));
    else
        xl_put_number(x, s, row, col, bp_num_to_double(r->previous_value),
                      k->unit == BP_UNIT_GRADE ? x->f.whole : xl_kpi_format(x, k));
}

/* The Scorecard's scenario of the year reported: the outturn in-year, else the actual. */
static bp_scenario card_scenario(const xl *x)
{
    return xl_outturn_year(x) ? BP_OUTTURN : BP_ACTUAL;
}

static bool kpi_has_data(const xl *x, size_t kpi, int year, bp_scenario sc)
{
    for (size_t e = 0; e < x->nents; e++) {
        const bp_result *r = xl_result_of(x, kpi, &x->ents[e], year, sc);
        if (r && r->value.ok) return true;
    }
    return false;
}

/* Entity names over their value and status columns, then KPI, id and "status". */
static void matrix_header(xl *x, xl_sheet s, int row)
{
    static const char *const heads[] = {"KPI", "Name", "Targets"};
    for (int c = 0; c < MX_FIRST_COL; c++) xl_put_blank(x, s, row, c, x->f.header);
    xl_put_headers(x, s, row + 1, 0, heads, MX_FIRST_COL);
    for (size_t e = 0; e < x->nents; e++) {
        int c = value_col(x, s, e);
        xl_merge(x, s, row, c, c + stride(x, s) - 1, x->ents[e].name, x->f.header_wrap);
        xl_put_text(x, s, row + 1, c, x->ents[e].id, x->f.header_num);
        xl_put_text(x, s, row + 1, c + 1, "status", x->f.header_mid);
        if (stride(x, s) >= 3) {
            char yb[16];
            bp_year_format(x->s->year - 1, yb, sizeof yb);
            xl_put_text(x, s, row + 1, c + prior_off(x, s), yb, x->f.header_num);
        }
        if (has_ytd(x, s)) xl_put_text(x, s, row + 1, c + 2, "to date", x->f.header_num);
        if (has_last(x, s)) xl_put_text(x, s, row + 1, c + last_off(x, s), "last pack", x->f.header_num);
    }
    if (xl_live(x)) xl_check(x, worksheet_set_row(x->ws[s], (lxw_row_t)row, 40, NULL), s, row, 0);
}

/* A typed KPI's value in a published workbook (bp_results.typed): as the packs show
 * it - c where suppressed, nothing for no data - since a formula would read the facts
 * the workbook leaves out. */
static void write_typed(xl *x, xl_sheet s, int row, int col, const bp_kpi *k, const bp_result *r)
{
    int64_t p;
    if (r->suppressed) xl_put_text(x, s, row, col, BP_FORMAT_SUPPRESSED, x->f.text);
    else if (!r->value.ok) return;
    else if (k->unit == BP_UNIT_MONEY && bp_num_to_pence(r->value, &p))
        xl_put_money(x, s, row, col, p, xl_kpi_format(x, k));
    else xl_put_number(x, s, row, col, bp_num_to_double(r->value), xl_kpi_format(x, k));
}

/* In-year, a KPI of the year to date or the outturn is no data while a member of its
 * entity has a month not received (the Workings count of the entity's column), as the
 * engine's: the compiled cell x->fb becomes =IF(count,"",cell).  groups false: only an
 * institution's (a per-institution term on Workings, whose phase and trust cells add up
 * their members' cells, term_totals). */
static void not_received(xl *x, const bp_expr_ctx *c, bool groups)
{
    int col = x->recv_row >= 0 && c->year == x->m->inyear && (groups || c->nmembers == 1)
              ? x->env.entity_col(&x->env, c) : -1;
    if (col < 0 || x->fb.nomem) return;
    char ref[64];
    bp_formula_ref(ref, sizeof ref, xl_sheets[XS_WORKINGS].name, x->recv_row, col);
    char *body = xl_copy_text(x, x->fb.s + 1);
    if (!body) return;
    bp_fbuf_reset(&x->fb);
    bp_fbuf_printf(&x->fb, "=IF(%s,\"\",%s)", ref, body);
    free(body);
    if (x->fb.nomem) xl_nomem(x);
}

/* cash_min's status, the contract's target that no KPI file states (bp_eval's
 * decide_cash_min): green at A (the Cash flow's payments / 12) or above, amber from 0,
 * red below 0 - compared in whole pence times 12, exactly.  False where the entity has no
 * cash flow. */
static bool cash_min_status(xl *x, xl_sheet s, int row, int col, const char *value,
                            const bp_expr_ctx *c, bp_status cached)
{
    char a[64], f[512];
    if (!xl_cash_avg_ref(x, c, a, sizeof a)) return false;
    snprintf(f, sizeof f, "=IF(AND(ISNUMBER(%s),ISNUMBER(%s)),IF(ROUND(%s*1200,0)>=ROUND(%s*1200,0),"
             "\"green\",IF(%s>=0,\"amber\",\"red\")),\"none\")", value, a, value, a, value);
    xl_put_formula(x, s, row, col, f, x->f.status, xl_cache_text(bp_status_id(cached)));
    return true;
}

static void write_kpi_value(xl *x, xl_sheet s, int row, size_t kpi, size_t ei, int year,
                            bp_scenario sc)
{
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    const xl_entity *e = &x->ents[ei];
    const bp_result *r = xl_result_of(x, kpi, e, year, sc);
    bp_expr_ctx c = xl_entity_ctx(x, e, year, sc);
    bool money = k->unit == BP_UNIT_MONEY;
    int col = value_col(x, s, ei);
    char value[16];
    if (!r) return;
    xl_set_src(x, k->file, k->expr->line, k->expr->column, "KPI '%s'", k->id);
    if (x->res->typed && x->res->typed[kpi]) {
        write_typed(x, s, row, col, k, r);
        /* a withheld value's status is withheld too (it would tell on which side of a
         * threshold the value lies): c, as the value, not "none" (no target) */
        xl_put_text(x, s, row, col + 1, r->suppressed ? BP_FORMAT_SUPPRESSED : bp_status_id(r->status),
                    x->f.status);
        const bp_result *yr = has_ytd(x, s) ? xl_result_of(x, kpi, e, year, BP_YTD_ACTUAL) : NULL;
        if (yr) write_typed(x, s, row, col + 2, k, yr);
        const bp_result *pr = stride(x, s) >= 3 ? xl_result_of(x, kpi, e, year - 1, BP_ACTUAL) : NULL;
        if (pr) write_typed(x, s, row, col + prior_off(x, s), k, pr);
        write_last_pack(x, s, row, col + last_off(x, s), k, r);
        return;
    }
    if (!xl_cell_formula(x, k->expr, &c, money, k->id)) return;
    /* cash_min reads the Cash flow sheet, whose months have their own no data */
    if (s == XS_SCORECARD && !bp_kpi_is_cash_min(k)) not_received(x, &c, true);
    xl_put_formula(x, s, row, col, x->fb.s, xl_kpi_format(x, k), xl_cache_num(r->value, money));
    bp_formula_ref(value, sizeof value, NULL, row, col);
    xl_value v = {value, k->expr, money, bp_num_none(), 0, k->id, NULL};
    if (!bp_kpi_is_cash_min(k) || r->target < 0 || !cash_min_status(x, s, row, col + 1, value, &c, r->status))
        xl_put_status(x, s, row, col + 1, kpi, e, &c, &v, r->status);
    /* in-year, the year to date: the sums block's actuals of the year, the engine's
     * ytd_actual (no status: the status is the outturn's) */
    const bp_result *ytd = has_ytd(x, s) ? xl_result_of(x, kpi, e, year, BP_YTD_ACTUAL) : NULL;
    bp_expr_ctx yc = xl_entity_ctx(x, e, year, BP_ACTUAL);
    if (ytd && xl_cell_formula(x, k->expr, &yc, money, k->id)) {
        not_received(x, &yc, true);
        xl_put_formula(x, s, row, col + 2, x->fb.s, xl_kpi_format(x, k), xl_cache_num(ytd->value, money));
    }
    /* the prior year's actual, by the same compiler in that year's context */
    const bp_result *prior = stride(x, s) >= 3 ? xl_result_of(x, kpi, e, year - 1, BP_ACTUAL) : NULL;
    bp_expr_ctx pc = xl_entity_ctx(x, e, year - 1, BP_ACTUAL);
    if (prior && xl_cell_formula(x, k->expr, &pc, money, k->id))
        xl_put_formula(x, s, row, col + prior_off(x, s), x->fb.s, xl_kpi_format(x, k),
                       xl_cache_num(prior->value, money));
    write_last_pack(x, s, row, col + last_off(x, s), k, r);
}

static size_t grade_measures(const bp_kpi *k)
{
    return k->nmeasures < BP_MAX_MEASURES ? k->nmeasures : BP_MAX_MEASURES;
}

/* A measure's points over the grade scale on Targets. */
static void write_measure_points(xl *x, xl_sheet s, int row, int col, size_t kpi, size_t m,
                                 const xl_value *v, const bp_expr_ctx *c, bp_num cached)
{
    const bp_measure *ms = &x->s->kpis.kpis[kpi].measures[m];
    size_t p0 = x->points0[x->measure0[kpi] + m], n = ms->npoints;
    bp_formula_points_row *rows = calloc(n ? n : 1, sizeof *rows);
    char (*cells)[3][64] = calloc(n ? n : 1, sizeof *cells);
    bp_num *th = calloc(n ? n : 1, sizeof *th);
    xl_exact p = {0};   /* cppcheck cannot see that xl_live guards every use */
    if (!rows || !cells || !th) xl_nomem(x);
    for (size_t j = 0; j < n && xl_live(x); j++) {
        th[j] = ms->points[j].has_threshold ? ms->points[j].threshold : bp_num_none();
        bp_formula_ref(cells[j][0], sizeof cells[j][0], BP_XL_SHEET_TARGETS, x->points_row[p0 + j],
                       GS_SCORE);
        bp_formula_ref(cells[j][1], sizeof cells[j][1], BP_XL_SHEET_TARGETS, x->points_row[p0 + j],
                       GS_THRESHOLD);
        rows[j].score = cells[j][0];
        rows[j].threshold = ms->points[j].has_threshold ? cells[j][1] : NULL;
        rows[j].at_most = ms->points[j].at_most;
    }
    if (xl_live(x)) plan_exact(x, &p, v, c, th, n);
    /* the thresholds' whole numbers on Ratios, when they are at the comparison's scale */
    for (size_t j = 0; j < n && xl_live(x) && p.ex.kind == BP_EXACT_WHOLE; j++) {
        int wrow = x->point_wrow[p0 + j];
        if (wrow < 0 || x->measure_scale[x->measure0[kpi] + m] != p.ex.scale) continue;
        bp_formula_ref(cells[j][2], sizeof cells[j][2], xl_sheets[XS_RATIOS].name, wrow, RW_LO);
        rows[j].threshold_whole = cells[j][2];
    }
    if (xl_live(x) && xl_compiled(x, bp_formula_points(v->cell, rows, n, &p.ex, &x->fb), ms->id))
        xl_put_formula(x, s, row, col, x->fb.s, x->f.whole, xl_cache_num(cached, false));
    free(rows);
    free(cells);
    free(th);
}

static void write_grade_label(xl *x, xl_sheet s, int row, int col, size_t kpi,
                              const xl_value *total, const bp_expr_ctx *c, int grade)
{
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    const char **labels = calloc(k->ngrades + 1, sizeof *labels);
    const char **mins = calloc(k->ngrades + 1, sizeof *mins);
    char (*cells)[64] = calloc(k->ngrades + 1, sizeof *cells);
    bp_num *th = calloc(k->ngrades + 1, sizeof *th);
    xl_exact p = {0};
    if (!labels || !mins || !cells || !th) xl_nomem(x);
    for (size_t g = 0; g < k->ngrades && xl_live(x); g++) {
        labels[g] = k->grades[g].label;
        th[g] = k->grades[g].has_min ? k->grades[g].min : bp_num_none();
        if (!k->grades[g].has_min) continue;
        bp_formula_ref(cells[g], sizeof cells[g], BP_XL_SHEET_TARGETS, x->band_row[x->band0[kpi] + g],
                       GS_SCORE);
        mins[g] = cells[g];
    }
    if (xl_live(x)) plan_exact(x, &p, total, c, th, k->ngrades);
    if (xl_live(x) && xl_compiled(x, bp_formula_grade_label(total->cell, labels, mins, k->ngrades, &p.ex,
                                                            &x->fb), k->id))
        xl_put_formula(x, s, row, col, x->fb.s, x->f.text,
                       xl_cache_text(grade >= 0 ? k->grades[grade].label : ""));
    free(labels);
    free(mins);
    free(cells);
    free(th);
}

/* A grade KPI for one entity: each measure's value and points (rows below the total),
 * the total with its status, and the grade. */
static void write_grade_values(xl *x, xl_sheet s, int row, size_t kpi, size_t ei, int year,
                               bp_scenario sc)
{
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    const xl_entity *e = &x->ents[ei];
    const bp_result *r = xl_result_of(x, kpi, e, year, sc);
    bp_expr_ctx c = xl_entity_ctx(x, e, year, sc);
    size_t nm = grade_measures(k);
    int col = value_col(x, s, ei);
    char points[BP_MAX_MEASURES][16], total[16];
    const char *refs[BP_MAX_MEASURES];
    if (!r) return;
    for (size_t i = 0; i < nm && xl_live(x); i++) {
        const bp_measure *ms = &k->measures[i];
        bool money = ms->unit == BP_UNIT_MONEY;
        char value[16];
        int mrow = row + 1 + (int)i;
        xl_set_src(x, k->file, ms->expr->line, ms->expr->column, "measure '%s' of grade '%s'", ms->id,
                   k->id);
        if (!xl_cell_formula(x, ms->expr, &c, money, ms->id)) return;
        if (s == XS_SCORECARD) not_received(x, &c, true);
        xl_put_formula(x, s, mrow, col, x->fb.s, xl_unit_format(x, ms->unit),
                       xl_cache_num(r->measure[i], money));
        bp_formula_ref(value, sizeof value, NULL, mrow, col);
        xl_value v = {value, ms->expr, money, bp_num_none(), 0, k->id, ms->id};
        write_measure_points(x, s, mrow, col + 1, kpi, i, &v, &c, r->points[i]);
        bp_formula_ref(points[i], sizeof points[i], NULL, mrow, col + 1);
        refs[i] = points[i];
    }
    xl_set_src(x, k->file, k->line, 1, "grade '%s'", k->id);
    if (!xl_live(x) || !xl_compiled(x, bp_formula_grade_total(refs, nm, &x->fb), k->id)) return;
    xl_put_formula(x, s, row, col, x->fb.s, x->f.whole, xl_cache_num(r->value, false));
    bp_formula_ref(total, sizeof total, NULL, row, col);
    xl_value v = {total, NULL, false, r->value, bp_formula_grade_places(k), k->id, NULL};
    xl_put_status(x, s, row, col + 1, kpi, e, &c, &v, r->status);
    write_last_pack(x, s, row, col + last_off(x, s), k, r);
    xl_set_src(x, k->file, k->line, 1, "grade '%s'", k->id);
    write_grade_label(x, s, row + (int)nm + 1, col, kpi, &v, &c, r->grade);
}

static int write_kpi_rows(xl *x, xl_sheet s, int row, size_t kpi, int year, bp_scenario sc)
{
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    char targets[512], label[160];
    xl_set_src(x, k->file, k->line, 1, "%s '%s'", k->expr ? "KPI" : "grade", k->id);
    bool whole = targets_summary(k, targets, sizeof targets);
    xl_put_text(x, s, row, 0, k->id, x->f.text);
    if (k->unit == BP_UNIT_MONEY && *xl_money_note(x)) {
        /* the name of a money row says its unit, as a column of money does */
        size_t n = strlen(k->name) + strlen(xl_money_note(x)) + 1;
        char *named = malloc(n);
        if (!named) {
            xl_nomem(x);
            return row + 1;
        }
        snprintf(named, n, "%s%s", k->name, xl_money_note(x));
        xl_put_text(x, s, row, 1, named, x->f.wrap);
        free(named);
    } else {
        xl_put_text(x, s, row, 1, k->name, x->f.wrap);
    }
    put_targets_summary(x, s, row, 2, kpi, targets, whole);
    xl_fit_row(x, s, row, xl_max_int(xl_wrapped_lines(k->name, MX_NAME_WIDTH),
                                     xl_wrapped_lines(targets, MX_TARGETS_WIDTH)));
    if (k->expr) {
        for (size_t e = 0; e < x->nents && xl_live(x); e++) write_kpi_value(x, s, row, kpi, e, year, sc);
        return row + 1;
    }
    size_t nm = grade_measures(k);
    for (size_t i = 0; i < nm; i++) {
        snprintf(label, sizeof label, "%s/%s", k->id, k->measures[i].id);
        xl_put_text(x, s, row + 1 + (int)i, 0, label, x->f.text);
        xl_text_fmt(label, sizeof label, "    %s (value, points)", k->measures[i].name);
        xl_put_text(x, s, row + 1 + (int)i, 1, label, x->f.text);
    }
    snprintf(label, sizeof label, "%s/grade", k->id);
    xl_put_text(x, s, row + 1 + (int)nm, 0, label, x->f.text);
    xl_put_text(x, s, row + 1 + (int)nm, 1, "    Grade", x->f.text);
    for (size_t e = 0; e < x->nents && xl_live(x); e++) write_grade_values(x, s, row, kpi, e, year, sc);
    return row + (int)nm + 2;
}

/* One year and scenario: every KPI (or those with data) by entity.  Returns the next
 * free row. */
static int write_matrix(xl *x, xl_sheet s, int row, int year, bp_scenario sc, bool all_kpis)
{
    const bp_kpiset *ks = &x->s->kpis;
    matrix_header(x, s, row);
    int first = row + 2;
    row = first;
    for (size_t k = 0; k < ks->count && xl_live(x); k++) {
        if (!all_kpis && !kpi_has_data(x, k, year, sc)) continue;
        if (s == XS_SCORECARD) x->score_row[k] = row;
        row = write_kpi_rows(x, s, row, k, year, sc);
    }
    for (size_t e = 0; e < x->nents && row > first; e++)
        xl_status_colours(x, s, first, value_col(x, s, e), row - 1, value_col(x, s, e) + 1);
    return row;
}

static void matrix_columns(xl *x, xl_sheet s)
{
    xl_set_col(x, s, 0, 0, 24, NULL);
    xl_set_col(x, s, 1, 1, MX_NAME_WIDTH, NULL);
    xl_set_col(x, s, 2, 2, MX_TARGETS_WIDTH, NULL);
    for (size_t e = 0; e < x->nents; e++) {
        xl_set_col(x, s, value_col(x, s, e), value_col(x, s, e), 13, NULL);
        xl_set_col(x, s, value_col(x, s, e) + 1, value_col(x, s, e) + 1, 7, NULL);
        for (int k = 2; k < stride(x, s); k++)
            xl_set_col(x, s, value_col(x, s, e) + k, value_col(x, s, e) + k, 13, NULL);
    }
}

/* The threshold the engine applied to a result: its Targets cell, or its compiled
 * expression (a benchmark). */
static void write_ceiling(xl *x, int row, size_t kpi, const bp_result *res, const xl_entity *e)
{
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    const bp_target *t = &k->targets[res->target];
    bool upper = t->cmp != BP_CMP_MIN;
    const bp_expr *th = upper ? t->hi : t->lo;
    xl_cache v = xl_cache_num(upper ? res->hi : res->lo, false);
    bp_expr_ctx c = xl_entity_ctx(x, e, x->s->year, card_scenario(x));
    if (!th) return;
    if (th->op == BP_E_NUM)
        xl_put_link(x, XS_SCORECARD, row, 2, XS_TARGETS,
                    x->target_row[x->target0[kpi] + (size_t)res->target], upper ? TG_HI : TG_LO,
                    xl_kpi_format(x, k), v);
    else if (xl_cell_formula(x, th, &c, false, "a ceiling"))
        xl_put_formula(x, XS_SCORECARD, row, 2, x->fb.s, xl_kpi_format(x, k), v);
}

/* The lower of *lowest and a value plotted (no data is not plotted). */
static void lower(double *lowest, bp_num v)
{
    if (v.ok && bp_num_to_double(v) < *lowest) *lowest = bp_num_to_double(v);
}

/* The chart's data: each school's value (a link to the scorecard) and its threshold,
 * the lowest of them in *lowest.  Returns the row after the last. */
static int staff_chart_table(xl *x, int row, size_t kpi, const char *title, double *lowest)
{
    const xl_sheet s = XS_SCORECARD;
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    xl_put_text(x, s, row, 0, title, x->f.bold);
    xl_put_text(x, s, row + 1, 0, "Institution", x->f.header);
    xl_put_text(x, s, row + 1, 1, k->name, x->f.header_num);
    xl_put_text(x, s, row + 1, 2, "Ceiling", x->f.header_num);
    int r = row + 2;
    for (size_t ei = 0; ei < x->nents && xl_live(x); ei++) {
        const xl_entity *e = &x->ents[ei];
        const bp_result *res = xl_result_of(x, kpi, e, x->s->year, card_scenario(x));
        if (e->scope != BP_SCOPE_INSTITUTION || e->central || !res) continue;
        xl_put_text(x, s, r, 0, e->name, x->f.text);
        xl_put_link(x, s, r, 1, s, x->score_row[kpi], value_col(x, s, ei), xl_kpi_format(x, k),
                    xl_cache_num(res->value, false));
        lower(lowest, res->value);
        if (res->target >= 0) {
            write_ceiling(x, r, kpi, res, e);
            const bp_target *t = &k->targets[res->target];
            if (t->cmp != BP_CMP_MIN ? t->hi : t->lo)
                lower(lowest, t->cmp != BP_CMP_MIN ? res->hi : res->lo);
        }
        r++;
    }
    return r;
}

/* Chart 1: staff costs as a share of income by institution against its ceiling. */
static void write_staff_chart(xl *x, int row)
{
    const xl_sheet s = XS_SCORECARD;
    int kpi = bp_kpi_find(&x->s->kpis, "staff_cost_pct");
    if (kpi < 0 || x->score_row[kpi] < 0 || !x->s->kpis.kpis[kpi].expr) return;
    char yb[16], title[160];
    bp_year_format(x->s->year, yb, sizeof yb);
    xl_text_fmt(title, sizeof title, "%s against the ceiling, %s", x->s->kpis.kpis[kpi].name, yb);
    double lowest = 0;
    int end = staff_chart_table(x, row, (size_t)kpi, title, &lowest);
    if (!xl_live(x) || end == row + 2) return;
    lxw_chart *ch = workbook_add_chart(x->wb, LXW_CHART_COLUMN);
    lxw_chart_series *v = ch ? chart_add_series(ch, NULL, NULL) : NULL;
    lxw_chart_series *c = ch ? chart_add_series(ch, NULL, NULL) : NULL;
    if (!ch || !v || !c) {
        xl_nomem(x);
        return;
    }
    const char *sheet = xl_sheets[s].name;
    lxw_row_t r0 = (lxw_row_t)row + 2, r1 = (lxw_row_t)end - 1;
    chart_series_set_categories(v, sheet, r0, 0, r1, 0);
    chart_series_set_values(v, sheet, r0, 1, r1, 1);
    if (!xl_xml_text_ok(x, title, "the staff costs chart's title")) return;
    chart_series_set_name(v, "Staff costs / income");
    chart_series_set_categories(c, sheet, r0, 0, r1, 0);
    chart_series_set_values(c, sheet, r0, 2, r1, 2);
    chart_series_set_name(c, "Ceiling");
    lxw_chart_fill grey = {.color = 0xA6A6A6};
    chart_series_set_fill(c, &grey);
    chart_title_set_name(ch, title);
    chart_axis_set_num_format(ch->y_axis, "0%");
    xl_chart_style(x, ch, lowest);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options opt = {.x_scale = 1.6, .y_scale = 1.3};
    xl_check(x, worksheet_insert_chart_opt(x->ws[s], (lxw_row_t)end + 1, 1, ch, &opt), s, end + 1, 1);
}

void xl_write_scorecard(xl *x)
{
    const xl_sheet s = XS_SCORECARD;
    char yb[16], title[256];
    bp_year_format(x->s->year, yb, sizeof yb);
    if (xl_outturn_year(x))
        xl_text_fmt(title, sizeof title, "%s: KPI scorecard %s (outturn, with the year to date)",
                    x->m->name, yb);
    else
        xl_text_fmt(title, sizeof title, "%s: KPI scorecard %s (actual)", x->m->name, yb);
    static const char live[] =
        "Every figure is a live formula over the sums on Workings of the facts on Data; each "
        "status compares it with the thresholds on Targets. A blank figure is no data (never "
        "zero).";
    char sub[sizeof live + 400];
    if (x->res->previous) {
        char name[300];
        bp_format_previous_pack(x->res, name, sizeof name);
        xl_text_fmt(sub, sizeof sub, "%s The last pack columns are values, not formulas: the "
                    "previous pack's results, from %s.", live, name);
    } else {
        snprintf(sub, sizeof sub, "%s", live);
    }
    xl_put_title(x, s, title, sub);
    int end = write_matrix(x, s, 3, x->s->year, card_scenario(x), true);
    matrix_columns(x, s);
    worksheet_freeze_panes(x->ws[s], 5, MX_FIRST_COL);
    xl_print_setup(x, s, 3, 4);
    write_staff_chart(x, end + 2);
}

static int last_year(const xl *x)
{
    int y = x->s->year;
    if (x->m->nyears && x->m->years[x->m->nyears - 1] > y) y = x->m->years[x->m->nyears - 1];
    for (size_t i = 0; i < x->m->ncourses; i++)
        if (x->m->courses[i].year > y) y = x->m->courses[i].year;
    return y;
}

static bool pair_present(const xl *x, int year, bp_scenario sc)
{
    return x->s->kpis.count && bp_results_find(x->res, 0, BP_SCOPE_TRUST, 0, year, sc);
}

void xl_write_forecast(xl *x)
{
    const xl_sheet s = XS_FORECAST;
    xl_put_title(x, s, "Budgets and forecasts after the report year",
                 "The KPIs with data in each budget and forecast year, by institution, phase and "
                 "the trust, with their statuses.");
    int row = 3, blocks = 0;
    for (int y = x->s->year + 1; y <= last_year(x) && xl_live(x); y++)
        for (bp_scenario sc = BP_BUDGET; sc <= BP_FORECAST; sc++) {
            if (!pair_present(x, y, sc)) continue;
            char yb[16], title[64];
            bp_year_format(y, yb, sizeof yb);
            snprintf(title, sizeof title, "%s %s", yb, bp_scenario_id(sc));
            xl_put_text(x, s, row, 0, title, x->f.title);
            row = write_matrix(x, s, row + 1, y, sc, false) + 2;
            blocks++;
        }
    if (!blocks)
        xl_put_text(x, s, row, 0, "No budget or forecast data after the report year.", x->f.note);
    matrix_columns(x, s);
    worksheet_freeze_panes(x->ws[s], 3, MX_FIRST_COL);
    xl_print_setup(x, s, 0, -1);
}

/* ---- Workings ---- */

/* The engine's value of e in c as a Ratios or term cell states it: no data for an
 * institution with a month not received in the report year in-year (not_received). */
static bp_num cell_eval(const xl *x, const bp_expr *e, const bp_expr_ctx *c)
{
    if (x->recv_row >= 0 && x->m->missing && c->year == x->m->inyear && c->nmembers == 1
        && x->m->missing[c->members[0]])
        return bp_num_none();
    return xl_engine_eval(x, e, c);
}

/* A phase's or the trust's total of a term: the engine's, which in-year is what the
 * formula adds up - the members' own values (an institution with a month not received
 * is no data there, not_received), so that it is the total of its members as the cells
 * show them. */
static bp_num term_total(const xl *x, const xl_helper *h, const bp_expr_ctx *c)
{
    if (x->recv_row < 0 || c->year != x->m->inyear) return xl_engine_eval(x, h->node, c);
    bp_num t = bp_num_none();
    for (size_t i = 0; i < c->nmembers; i++) {
        bp_expr_ctx one = *c;
        one.members = &c->members[i];
        one.nmembers = 1;
        bp_num v = cell_eval(x, h->node, &one);
        if (v.ok) t = t.ok ? bp_num_add(t, v) : v;
    }
    return t;
}

/* A term's phase and trust cells: its institutions' cells that have data added up, a
 * phase's selected by the phase row (so that a phase changed on Institutions moves the
 * institution), "" when none has. */
static void term_totals(xl *x, int row, const xl_helper *h)
{
    const xl_sheet s = XS_WORKINGS;
    size_t n = x->m->ninsts;
    char a[8], z[8], col[8], f[256];
    int R = row + 1;
    bp_formula_col(a, sizeof a, BP_XL_WORK_FIRST_COL);
    bp_formula_col(z, sizeof z, BP_XL_WORK_FIRST_COL + (int)n - 1);
    for (size_t e = n; e < x->nents && xl_live(x); e++) {
        const xl_entity *ent = &x->ents[e];
        bp_expr_ctx c = h->ctx;
        c.members = ent->members;
        c.nmembers = ent->nmembers;
        int at = ent->scope == BP_SCOPE_TRUST ? x->trust_col : x->phase_col[ent->phase];
        bp_formula_col(col, sizeof col, at);
        if (ent->scope == BP_SCOPE_TRUST)
            snprintf(f, sizeof f, "=IF(COUNT(%s%d:%s%d),SUM(%s%d:%s%d),\"\")", a, R, z, R, a, R, z, R);
        else
            /* the members with data are the numbers: a numeric criterion takes in no text
             * (ISNUMBER over a range in SUMPRODUCT is not an array in Gnumeric) */
            snprintf(f, sizeof f, "=IF(COUNTIFS($%s$%d:$%s$%d,%s$%d,%s%d:%s%d,\">-1E+307\"),"
                     "SUMIF($%s$%d:$%s$%d,%s$%d,%s%d:%s%d),\"\")", a, WORK_PHASE_ROW + 1, z,
                     WORK_PHASE_ROW + 1, col, WORK_HEAD_ROW + 1, a, R, z, R, a, WORK_PHASE_ROW + 1,
                     z, WORK_PHASE_ROW + 1, col, WORK_HEAD_ROW + 1, a, R, z, R);
        xl_put_formula(x, s, row, at, f, x->f.quantity, xl_cache_num(term_total(x, h, &c), false));
    }
}

static void write_helper(xl *x, size_t i)
{
    const xl_sheet s = XS_WORKINGS;
    const xl_helper *h = &x->helpers[i];
    int row = x->terms_at + 2 + (int)i;
    x->src = h->src;
    char text[768], note[64], yb[16];
    bp_expr_to_text(h->node, text, sizeof text);
    note[0] = '\0';
    if (h->ctx.eliminate) snprintf(note, sizeof note, "internal transfers eliminated");
    else if (h->ctx.national_phase)
        snprintf(note, sizeof note, "benchmarks: %s", h->ctx.national_phase);
    bp_year_format(h->ctx.year, yb, sizeof yb);
    xl_put_text(x, s, row, BP_XL_WORK_CODE, text, x->f.formula_text);
    xl_put_text(x, s, row, BP_XL_WORK_YEAR, yb, x->f.text);
    xl_put_text(x, s, row, BP_XL_WORK_SCENARIO, bp_scenario_id(h->ctx.scenario), x->f.text);
    if (note[0]) xl_put_text(x, s, row, BP_XL_WORK_NOTE, note, x->f.text);
    for (size_t p = 0; p < x->m->ninsts && xl_live(x); p++) {
        bp_expr_ctx c = h->ctx;
        c.members = &x->inst_order[p];
        c.nmembers = 1;
        if (!xl_cell_formula(x, h->node, &c, false, "a per-institution term")) return;
        not_received(x, &c, false);
        xl_put_formula(x, s, row, BP_XL_WORK_FIRST_COL + (int)p, x->fb.s, x->f.quantity,
                       xl_cache_num(cell_eval(x, h->node, &c), false));
    }
    term_totals(x, row, h);
}

void xl_write_workings(xl *x)
{
    const xl_sheet s = XS_WORKINGS;
    static const char *const heads[] = {"Term", "Year", "Scenario", "Note"};
    xl_put_title(x, s, "Workings: the sums every figure reads, and the terms formed for each "
                 "institution",
                 "Each sum selects the facts on Data by its row's code, year and scenario and its "
                 "column's institution; a phase adds up the institutions the phase row gives it.");
    int at = x->terms_at;
    xl_put_text(x, s, at, 0, "Terms formed for each institution: products of two facts, "
                "conditions and the like, added up over the institutions that have data",
                x->f.bold);
    xl_put_headers(x, s, at + 1, 0, heads, 4);
    for (size_t p = 0; p < x->m->ninsts; p++)
        xl_put_text(x, s, at + 1, BP_XL_WORK_FIRST_COL + (int)p, x->m->insts[x->inst_order[p]].id,
                    x->f.header_num);
    for (size_t ph = 0; ph < x->res->nphases; ph++)
        xl_put_text(x, s, at + 1, x->phase_col[x->res->phases[ph]],
                    bp_phase_id(x->res->phases[ph]), x->f.header_num);
    xl_put_text(x, s, at + 1, x->trust_col, "trust", x->f.header_num);
    for (size_t i = 0; i < x->nhelpers && xl_live(x); i++) write_helper(x, i);
    if (!x->nhelpers) xl_put_text(x, s, at + 2, 0, "No per-institution terms.", x->f.note);
    /* after every formula that reads the block's facts cells, the terms' included: the
     * block has only the facts cells read (xl_write_sums) */
    xl_write_sums(x);
    xl_set_col(x, s, BP_XL_WORK_CODE, BP_XL_WORK_CODE, 40, NULL);
    xl_set_col(x, s, BP_XL_WORK_YEAR, BP_XL_WORK_SCENARIO, 10, NULL);
    xl_set_col(x, s, BP_XL_WORK_NOTE, BP_XL_WORK_NOTE, 26, NULL);
    xl_set_col(x, s, BP_XL_WORK_FIRST_COL, x->trust_col + x->facts_offset, 13, NULL);
    xl_set_col(x, s, x->trust_col + 1, x->trust_col + 1, 3, NULL);
    if (xl_live(x)) worksheet_freeze_panes(x->ws[s], WORK_SUMS_ROW, BP_XL_WORK_FIRST_COL);
    xl_print_setup(x, s, WORK_HEAD_ROW, WORK_HEAD_ROW);
}

/* ---- Ratios ---- */

/* The id of the entity whose members ctx has ("trust", a phase, an institution). */
static const char *ctx_entity(const xl *x, const bp_expr_ctx *c)
{
    for (size_t i = 0; i < x->nents; i++)
        if (x->ents[i].members == c->members && x->ents[i].nmembers == c->nmembers)
            return x->ents[i].id;
    return c->nmembers == 1 ? x->m->insts[c->members[0]].id : "";
}

static bp_i128 power10(int places)
{
    bp_i128 p = 1;
    for (int i = 0; i < places; i++) p *= 10;
    return p;
}

/* The engine's value times 10^parts rounded half away from zero, as ROUND; false for no
 * data or past what 128 bits hold. */
static bool whole_of(bp_num v, int parts, bp_i128 *out)
{
    bp_i128 n;
    if (!v.ok || __builtin_mul_overflow(v.num, power10(parts), &n)) return false;
    bp_i128 q = n / v.den, r = n % v.den;
    if (2 * (r < 0 ? -r : r) >= v.den) q += n < 0 ? -1 : 1;
    *out = q;
    return true;
}

/* A whole number: the engine's value times 10^parts (exact below 2^53, where it stays). */
static xl_cache cache_whole(bp_num v, int parts)
{
    bp_i128 q;
    if (!v.ok) return xl_cache_text("");
    if (!whole_of(v, parts, &q)) return xl_cache_double(bp_num_to_double(v) * (double)power10(parts));
    return xl_cache_double((double)q);
}

static bp_i128 floor_div(bp_i128 a, bp_i128 b)
{
    bp_i128 q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q -= 1;
    return q;
}

/* Floor and ceiling of num/den x 10^scale by whole-number division: the formula's INT of
 * the quotient, corrected by one where the division rounded past a whole number. */
static void write_bounds(xl *x, int row, const xl_ratio *r)
{
    const xl_sheet s = XS_RATIOS;
    char num[8], den[8], sn[8], sd[8], f[512];
    int R = row + 1;
    bp_formula_col(num, sizeof num, RT_NUM);
    bp_formula_col(den, sizeof den, RT_DEN);
    bp_formula_col(sn, sizeof sn, RT_SNUM);
    bp_formula_col(sd, sizeof sd, RT_SDEN);
    bp_i128 a = 0, b = 0, j = 0, k = 0;
    bool okd = whole_of(cell_eval(x, r->den, &r->ctx), r->parts, &b);
    bool ok = whole_of(cell_eval(x, r->num, &r->ctx), r->parts, &a) && okd;
    if (ok) j = a * power10(r->scale) * (b < 0 ? -1 : b > 0 ? 1 : 0);
    if (okd) k = b < 0 ? -b : b;
    char pw[24] = "1";
    for (int i = 0; i < r->scale && i < 20; i++) pw[1 + i] = '0', pw[2 + i] = '\0';
    snprintf(f, sizeof f, "=IFERROR(%s%d*%s*SIGN(%s%d),\"\")", num, R, pw, den, R);
    xl_put_formula(x, s, row, RT_SNUM, f, x->f.whole,
                   ok ? xl_cache_double((double)j) : xl_cache_text(""));
    snprintf(f, sizeof f, "=IFERROR(ABS(%s%d),\"\")", den, R);
    xl_put_formula(x, s, row, RT_SDEN, f, x->f.whole,
                   okd ? xl_cache_double((double)k) : xl_cache_text(""));
    ok = ok && k != 0;
    /* J and K: the scaled numerator and |denominator| cells; q = INT(J/K) is the quotient
     * rounded down, off by one only where the division rounded past a whole number */
    char J[32], K[32];
    snprintf(J, sizeof J, "%s%d", sn, R);
    snprintf(K, sizeof K, "%s%d", sd, R);
    snprintf(f, sizeof f, "=IFERROR(INT(%s/%s)-(INT(%s/%s)*%s>%s)+((INT(%s/%s)+1)*%s<=%s),\"\")", J, K,
             J, K, K, J, J, K, K, J);
    xl_put_formula(x, s, row, RT_FLOOR, f, x->f.whole,
                   ok ? xl_cache_double((double)floor_div(j, k)) : xl_cache_text(""));
    snprintf(f, sizeof f, "=IFERROR(-INT(-%s/%s)+(-INT(-%s/%s)*%s<%s)-((-INT(-%s/%s)-1)*%s>=%s),\"\")",
             J, K, J, K, K, J, J, K, K, J);
    xl_put_formula(x, s, row, RT_CEIL, f, x->f.whole,
                   ok ? xl_cache_double((double)-floor_div(-j, k)) : xl_cache_text(""));
}

static void write_ratio(xl *x, size_t i)
{
    const xl_sheet s = XS_RATIOS;
    const xl_ratio *r = &x->ratios[i];
    int row = x->ratios_first + (int)i;
    x->src = r->src;
    char what[160], yb[16];
    snprintf(what, sizeof what, "%s%s%s", r->kpi, r->measure ? "/" : "", r->measure ? r->measure : "");
    bp_year_format(r->ctx.year, yb, sizeof yb);
    xl_put_text(x, s, row, RT_KPI, what, x->f.text);
    xl_put_text(x, s, row, RT_ENTITY, ctx_entity(x, &r->ctx), x->f.text);
    if (r->ctx.course >= 0)
        xl_put_text(x, s, row, RT_COURSE, x->m->courses[r->ctx.course].course, x->f.text);
    xl_put_text(x, s, row, RT_YEAR, yb, x->f.text);
    xl_put_text(x, s, row, RT_SCEN, bp_scenario_id(r->ctx.scenario), x->f.text);
    const bp_expr *parts[2] = {r->num, r->den};
    for (int k = 0; k < 2 && xl_live(x); k++) {
        if (!parts[k]) continue;
        if (!xl_compiled(x, bp_formula_whole_cell(parts[k], &r->ctx, r->parts, &x->env, &x->fb), r->kpi))
            return;
        not_received(x, &r->ctx, true);
        xl_put_formula(x, s, row, RT_NUM + k, x->fb.s, x->f.whole,
                       cache_whole(cell_eval(x, parts[k], &r->ctx), r->parts));
    }
    xl_put_number(x, s, row, RT_PARTS, (double)power10(r->parts), x->f.whole);
    xl_put_number(x, s, row, RT_SCALE, (double)power10(r->scale), x->f.whole);
    if (r->den) write_bounds(x, row, r);
}

/* One target's constant thresholds times its row's Scale, as whole numbers. */
static void write_threshold_row(xl *x, size_t kpi, size_t ti, size_t g)
{
    const xl_sheet s = XS_RATIOS;
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    const bp_target *t = &k->targets[ti];
    int row = RATIO_THRESHOLDS_ROW + (int)g, scale = x->target_scale[g];
    const bp_expr *ends[2] = {t->cmp != BP_CMP_MAX ? t->lo : NULL, t->cmp != BP_CMP_MIN ? t->hi : NULL};
    xl_set_src(x, k->file, t->line, 0, "a target of %s '%s'", k->expr ? "KPI" : "grade", k->id);
    xl_put_text(x, s, row, RW_KPI, k->id, x->f.text);
    xl_put_text(x, s, row, RW_TARGET, t->text, x->f.text);
    if (scale < 0) return;
    xl_put_number(x, s, row, RW_SCALE, (double)power10(scale), x->f.whole);
    for (int c = 0; c < 2 + 2 * (int)t->namber && xl_live(x); c++) {
        bp_num v;
        if (c < 2) {
            if (!ends[c] || ends[c]->op != BP_E_NUM) continue;
            v = ends[c]->num;
        } else {
            v = (c - 2) % 2 ? t->amber[(c - 2) / 2].hi : t->amber[(c - 2) / 2].lo;
        }
        char ref[64], f[128], pw[24] = "1";
        bp_i128 q = 0;
        for (int i = 0; i < scale && i < 20; i++) pw[1 + i] = '0', pw[2 + i] = '\0';
        xl_target_cell(x, ref, sizeof ref, kpi, ti, c < 2 ? (c ? TG_HI : TG_LO) : TG_AMBER + c - 2);
        snprintf(f, sizeof f, "=ROUND(%s*%s,0)", ref, pw);
        whole_of(v, scale, &q);
        xl_put_formula(x, s, row, RW_LO + c, f, x->f.whole, xl_cache_double((double)q));
    }
}

/* A grade measure's points thresholds times its Scale, one row each. */
static void write_points_rows(xl *x)
{
    const xl_sheet s = XS_RATIOS;
    const bp_kpiset *ks = &x->s->kpis;
    for (size_t k = 0; k < ks->count && xl_live(x); k++)
        for (size_t i = 0; i < ks->kpis[k].nmeasures && xl_live(x); i++) {
            const bp_measure *ms = &ks->kpis[k].measures[i];
            size_t mi = x->measure0[k] + i, p0 = x->points0[mi];
            int scale = x->measure_scale[mi];
            xl_set_src(x, ks->kpis[k].file, ms->line, 0, "measure '%s'", ms->id);
            for (size_t j = 0; j < ms->npoints && xl_live(x); j++) {
                int row = x->point_wrow[p0 + j];
                char text[160], ref[64], f[128], pw[24] = "1";
                bp_i128 q = 0;
                if (row < 0) continue;
                xl_text_fmt(text, sizeof text, "%s %s (points)", ms->id,
                            ms->points[j].at_most ? "<=" : ">=");
                for (int d = 0; d < scale && d < 20; d++) pw[1 + d] = '0', pw[2 + d] = '\0';
                bp_formula_ref(ref, sizeof ref, BP_XL_SHEET_TARGETS, x->points_row[p0 + j],
                               GS_THRESHOLD);
                snprintf(f, sizeof f, "=ROUND(%s*%s,0)", ref, pw);
                whole_of(ms->points[j].threshold, scale, &q);
                xl_put_text(x, s, row, RW_KPI, ks->kpis[k].id, x->f.text);
                xl_put_text(x, s, row, RW_TARGET, text, x->f.text);
                xl_put_number(x, s, row, RW_SCALE, (double)power10(scale), x->f.whole);
                xl_put_formula(x, s, row, RW_LO, f, x->f.whole, xl_cache_double((double)q));
            }
        }
}

void xl_write_ratios(xl *x)
{
    const xl_sheet s = XS_RATIOS;
    static const char *const heads[RT_NCOLS] = {
        "KPI", "Entity", "Course", "Year", "Scenario", "Numerator", "Denominator", "Scale",
        "Compared at", "Numerator x sign", "|Denominator|", "Value, rounded down",
        "Value, rounded up"};
    static const char *const theads[RW_NCOLS] = {"KPI", "Target", "Scale", "Lower", "Upper",
                                                 "Amber from", "Amber to", "Amber from",
                                                 "Amber to"};
    xl_put_title(x, s, "Ratios: the whole numbers each status compares",
                 "Each threshold and each value times 10^k (Scale, Compared at), as whole numbers: "
                 "a value at least a threshold when rounded down it is, at most when rounded up, so "
                 "that a value a penny past a threshold is past it.");
    xl_put_text(x, s, RATIO_THRESHOLDS_ROW - 2, 0, "Thresholds (Targets) times their Scale",
                x->f.bold);
    xl_put_headers_as(x, s, RATIO_THRESHOLDS_ROW - 1, 0, theads, RW_NCOLS, "llrrrrrrr");
    size_t g = 0;
    for (size_t k = 0; k < x->s->kpis.count && xl_live(x); k++)
        for (size_t t = 0; t < x->s->kpis.kpis[k].ntargets && xl_live(x); t++)
            write_threshold_row(x, k, t, g++);
    write_points_rows(x);
    if (x->ratios_first == RATIO_THRESHOLDS_ROW + 4)
        xl_put_text(x, s, RATIO_THRESHOLDS_ROW, 0, "No targets.", x->f.note);
    xl_no_src(x);
    xl_put_text(x, s, x->ratios_first - 2, 0, "Values: numerator and denominator times Scale "
                "(pence, millionths or whole units), the value times 10^k rounded down and up",
                x->f.bold);
    xl_put_headers_as(x, s, x->ratios_first - 1, 0, heads, RT_NCOLS, "lllllrrrrrrrr");
    for (size_t i = 0; i < x->nratios && xl_live(x); i++) write_ratio(x, i);
    if (!x->nratios) xl_put_text(x, s, x->ratios_first, 0, "No ratios.", x->f.note);
    xl_set_col(x, s, RT_KPI, RT_KPI, 28, NULL);
    xl_set_col(x, s, RT_ENTITY, RT_SCEN, 12, NULL);
    xl_set_col(x, s, RT_COURSE, RT_COURSE, 24, NULL);
    xl_set_col(x, s, RT_NUM, RT_DEN, 22, NULL);
    xl_set_col(x, s, RT_PARTS, RT_SCALE, 14, NULL);
    xl_set_col(x, s, RT_SNUM, RT_CEIL, 22, NULL);
    xl_print_setup(x, s, x->ratios_first - 1, x->ratios_first - 1);
}
