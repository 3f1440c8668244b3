/* bp_packpdf_common: what every file of pack sections shares (bp_packpdf_common.h) - the
 * section heading, the document's institutions and KPIs, results as cells and marks,
 * money and percentages, and the page layer's tints and chart units for the results'
 * statuses and units. */
#include "bp_packpdf_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_format.h"
#include "bp_inyear.h"
#include "bp_money.h"
#include "bp_util.h"

void pk_heading(pk_ctx *c, const bp_section *sec, const char *fallback, bool landscape)
{
    char h[256];
    const char *title = sec->title ? sec->title : fallback;
    if (sec->appendix)
        snprintf(h, sizeof h, "Appendix %c. %s", 'A' + c->appendix++ % 26, title);
    else
        snprintf(h, sizeof h, "%d. %s", ++c->section, title);
    /* Sections flow on from one another; a new page for the first appendix (the main
     * body ends), after the summary (a page of its own) and for a change of orientation. */
    bool new_page = sec->appendix ? c->appendix == 1 : c->page_after;
    c->page_after = sec->kind == BP_SEC_SUMMARY;
    bp_pdf_section(c->pdf, landscape, new_page);
    bp_pdf_heading(c->pdf, 1, h, false);
    if (c->toward) *c->toward = false;    /* a footnote belongs to its own section */
}

void pk_tier(const pk_ctx *c, bool cap, char *buf, size_t size)
{
    const char *t = c->m->local_tier ? c->m->local_tier : "local governing body";
    int n = snprintf(buf, size, "%s", t);
    /* only an ASCII letter is raised: "école" stays as written rather than be cut */
    if (cap && n > 0 && size && buf[0] >= 'a' && buf[0] <= 'z') buf[0] = (char)(buf[0] - 'a' + 'A');
    if (n >= 0 && (size_t)n >= size && size) buf[bp_utf8_whole(buf, size - 1)] = '\0';
}

bool pk_has_inst(const pk_ctx *c, int inst)
{
    return inst >= 0 && (size_t)inst < c->m->ninsts && c->member[inst];
}

size_t pk_doc_count(const pk_ctx *c)
{
    return c->lgb ? c->ninsts : c->m->ninsts;
}

int pk_doc_inst(const pk_ctx *c, size_t j)
{
    return c->lgb ? c->insts[j] : (int)j;
}

bool pk_selects(const pk_ctx *c, const bp_section *sec, int kpi)
{
    const bp_kpi *k = &c->s->kpis.kpis[kpi];
    return bp_section_selects(sec, k->id, k->section);
}

const bp_result *pk_result(const pk_ctx *c, int kpi, bp_scope scope, int entity)
{
    const bp_result *r = bp_results_find(c->r, kpi, scope, entity, c->year, c->actual);
    if (pk_has_value(r)) pk_shown(c, kpi);
    return r;
}

bool pk_has_value(const bp_result *r)
{
    return r && (r->value.ok || r->suppressed);
}

bool pk_spoken_text(const char *text, char *buf, size_t size)
{
    /* each "c" standing alone as a word: what the tables print for a withheld value */
    size_t n = 0;
    bool any = false;
    for (const char *s = text; *s && n + 1 < size; s++) {
        bool alone = *s == 'c' && (s == text || s[-1] == ' ' || s[-1] == '\n')
                     && (s[1] == '\0' || s[1] == ' ' || s[1] == '\n');
        if (!alone) {
            buf[n++] = *s;
            continue;
        }
        int w = snprintf(buf + n, size - n, "%s", BP_FORMAT_SUPPRESSED_SPOKEN);
        n += w > 0 && (size_t)w < size - n ? (size_t)w : 0;
        any = true;
    }
    buf[n < size ? n : size - 1] = '\0';
    return any;
}

void pk_say_cell(bp_pdf_table *t, size_t col, const char *text)
{
    char spoken[600];
    if (text && pk_spoken_text(text, spoken, sizeof spoken)) bp_pdf_table_spoken(t, col, spoken);
}

void pk_suppressed_note(const pk_ctx *c, char *buf, size_t size)
{
    bp_format_suppressed_note(c->r->suppress_max, buf, size);
}

const char *pk_actual_words(const pk_ctx *c)
{
    return c->actual == BP_OUTTURN ? "forecast outturn" : "actuals";
}

const char *pk_mark(bp_status s)
{
    switch (s) {
    case BP_STATUS_GREEN: return "G";
    case BP_STATUS_AMBER: return "A";
    case BP_STATUS_RED: return "R";
    case BP_STATUS_NONE: return "";
    }
    return "";
}

bp_pdf_tint pk_tint(bp_status s)
{
    switch (s) {
    case BP_STATUS_GREEN: return BP_PDF_TINT_GREEN;
    case BP_STATUS_AMBER: return BP_PDF_TINT_AMBER;
    case BP_STATUS_RED: return BP_PDF_TINT_RED;
    case BP_STATUS_NONE: break;
    }
    return BP_PDF_TINT_NONE;
}

bp_pdf_unit pk_chart_unit(bp_unit u)
{
    switch (u) {
    case BP_UNIT_PERCENT: return BP_PDF_UNIT_PERCENT;
    case BP_UNIT_RATIO: return BP_PDF_UNIT_RATIO;
    case BP_UNIT_MONEY: return BP_PDF_UNIT_MONEY;
    case BP_UNIT_NUMBER: case BP_UNIT_GRADE: break;
    }
    return BP_PDF_UNIT_NUMBER;
}

void pk_shown(const pk_ctx *c, int kpi)
{
    if (!c->shown || kpi < 0 || (size_t)kpi >= c->s->kpis.count) return;
    c->shown[kpi] = true;
}

void pk_result_cell(const pk_ctx *c, const bp_result *r, char *buf, size_t size,
                    bp_pdf_cell *cell)
{
    memset(cell, 0, sizeof *cell);
    if (r && r->suppressed) {
        /* withheld (build --publish): no figure and no status, which would narrow it */
        snprintf(buf, size, "%s", BP_FORMAT_SUPPRESSED);
        cell->text = buf;
        return;
    }
    if (!r || !r->value.ok) {
        snprintf(buf, size, "-");
        cell->text = buf;
        return;
    }
    const bp_kpi *k = &c->s->kpis.kpis[r->kpi];
    char v[96];
    /* a grade by its label, money in the pack's units, ratios at one decimal place;
     * rounded toward the failing side of the target, it is marked and footnoted under
     * the table (pk_rounding_note) */
    if (bp_format_board_value(k, r, c->units, v, sizeof v - 4)) {
        strcat(v, "\xE2\x80\xA0");
        if (c->toward) *c->toward = true;
    }
    const char *mark = pk_mark(r->status);
    snprintf(buf, size, "%s%s%s", v, *mark ? " " : "", mark);
    cell->text = buf;
    cell->tint = pk_tint(r->status);
}

bool pk_pence(const pk_ctx *c, int inst, int year, bp_scenario s, const char *code,
              bool eliminate, int64_t *out)
{
    bp_num v;
    return bp_model_sum(c->m, inst, year, s, code, eliminate, &v) && bp_num_to_pence(v, out);
}

bool pk_scope_pence(const pk_ctx *c, int year, bp_scenario s, const char *code, int64_t *out)
{
    bool any = false;
    int64_t t = 0, p;
    for (size_t j = 0; j < pk_doc_count(c); j++) {
        int i = pk_doc_inst(c, j);
        if (!pk_pence(c, i, year, s, code, !c->lgb, &p)) continue;
        t += p;
        any = true;
    }
    *out = t;
    return any;
}

void pk_money(const pk_ctx *c, int64_t pence, char *buf, size_t size)
{
    bp_format_money_as(pence, c->units, buf, size);
}

const char *pk_money_head(const pk_ctx *c, const char *title, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s", title, bp_format_money_unit_note(c->units));
    return buf;
}

void pk_pence_text(int64_t pence, char *buf, size_t size)
{
    bp_money_format(pence, true, buf, size);
}

#define TOWARD_NOTE "\xE2\x80\xA0 = rounded toward the failing side: the exact figure misses " \
    "the target, though ordinary rounding would show it met."

void pk_rounding_note(pk_ctx *c)
{
    if (!c->toward || !*c->toward) return;
    *c->toward = false;
    bp_pdf_paragraph(c->pdf, BP_PDF_SMALL, TOWARD_NOTE);
}

void pk_institutions_key(pk_ctx *c)
{
    if (c->key_section) return;
    c->key_section = c->section ? c->section : 1;
    /* one paragraph rather than a table: the names in full, each with its phase and
     * local tier, in the few lines a scorecard can spare */
    char tier[128];
    pk_tier(c, false, tier, sizeof tier);
    size_t size = 64, n = 0;
    for (size_t i = 0; i < c->ninsts; i++) {
        const bp_institution *in = &c->m->insts[c->insts[i]];
        size += strlen(in->id) + strlen(in->name) + strlen(bp_phase_title(in->phase))
                + (in->lgb ? strlen(in->lgb) : 0) + strlen(tier) + 16;
    }
    char *buf = malloc(size);
    if (!buf) return;
    n = (size_t)snprintf(buf, size, "Codes: ");
    for (size_t i = 0; i < c->ninsts && n < size; i++) {
        const bp_institution *in = &c->m->insts[c->insts[i]];
        char extra[200] = "";
        /* a trust's pack says which governing body each answers to: "local governing body WERR" */
        if (in->lgb && !c->lgb) snprintf(extra, sizeof extra, ", %s %s", tier, in->lgb);
        n += (size_t)snprintf(buf + n, size - n, "%s %s (%s%s)%s", in->id, in->name,
                              bp_phase_title(in->phase), extra, i + 1 < c->ninsts ? "; " : ".");
    }
    bp_pdf_paragraph(c->pdf, BP_PDF_SMALL, buf);
    free(buf);
}

void pk_percent(bp_num v, char *buf, size_t size)
{
    bp_kpi k;
    memset(&k, 0, sizeof k);
    k.unit = BP_UNIT_PERCENT;
    bp_format_value(&k, v, -1, buf, size);
}

void pk_status_key_text(pk_ctx *c, const char *key)
{
    /* the footnote of figures rounded toward the failing side rides with the key, so that
     * it can never stand alone at the top of a page */
    bool toward = c->toward && *c->toward;
    if (c->toward) *c->toward = false;
    size_t size = strlen(key) + sizeof TOWARD_NOTE + 2;
    char *buf = toward ? malloc(size) : NULL;
    if (buf) snprintf(buf, size, "%s %s", key, TOWARD_NOTE);
    bp_pdf_paragraph(c->pdf, BP_PDF_SMALL, buf ? buf : key);
    free(buf);
}

void pk_status_key(pk_ctx *c)
{
    pk_status_key_text(c, "Status: G = target met (green), A = in the amber zone, R = outside it "
                       "(red); cells are tinted to match; - = no data; no mark = no target applies.");
}

void pk_codes_intro(const pk_ctx *c, char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size) return;
    if (c->key_section)
        snprintf(buf + n, size - (size_t)n, " Institutions are shown by their codes; section %d "
                 "gives their full names.", c->key_section);
    else
        snprintf(buf + n, size - (size_t)n, " Institutions are shown by their codes, named in "
                 "full below.");
}

/* An exception of this document: of the section's KPIs (sec NULL: any), and in a
 * governing body's pack of its institutions. */
static bool exception_in_scope(const pk_ctx *c, const bp_section *sec, const bp_result *x)
{
    if (sec && !pk_selects(c, sec, x->kpi)) return false;
    if (!c->lgb) return true;
    if (x->scope == BP_SCOPE_INSTITUTION) return pk_has_inst(c, x->entity);
    return false;
}

typedef struct {
    const pk_ctx *c;
    const bp_section *sec;
} ex_scope;

static bool exception_kept(const bp_result *x, void *arg)
{
    const ex_scope *e = arg;
    return exception_in_scope(e->c, e->sec, x);
}

static int place_cmp(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return (a > b) - (a < b);
}

size_t pk_lgb_places(const pk_ctx *c, const pk_by_inst *ex, size_t **out)
{
    size_t n = 0;
    for (size_t i = 0; i < c->ninsts; i++) n += ex->at[c->insts[i] + 1] - ex->at[c->insts[i]];
    *out = malloc((n ? n : 1) * sizeof **out);
    if (!*out) return (size_t)-1;      /* *out NULL */
    n = 0;
    for (size_t i = 0; i < c->ninsts; i++)
        for (size_t j = ex->at[c->insts[i]]; j < ex->at[c->insts[i] + 1]; j++)
            (*out)[n++] = ex->v[j];
    /* each institution's in order; the document's, merged, in the results' order */
    if (n > 1) qsort(*out, n, sizeof **out, place_cmp);
    return n;
}

bp_err pk_exgroups(const pk_ctx *c, const bp_section *sec, bp_exgroups *all)
{
    ex_scope sc = {c, sec};
    if (!c->lgb) return bp_exgroups_make(c->r, exception_kept, &sc, all);
    /* a governing body's: its institutions' alone, from the session's index */
    size_t *at, n = pk_lgb_places(c, &c->ix->exc, &at);
    if (n == (size_t)-1) {
        memset(all, 0, sizeof *all);
        return BP_ERR_NOMEM;
    }
    bp_err err = bp_exgroups_make_among(c->r, at, n, exception_kept, &sc, all);
    free(at);
    return err;
}

bp_err pk_cleared(const pk_ctx *c, const bp_section *sec, bp_cleared *out)
{
    ex_scope sc = {c, sec};
    if (!c->lgb) return bp_cleared_make(c->r, exception_kept, &sc, out);
    /* a governing body's: its institutions' alone (a result of any other scope is not in
     * its scope, exception_in_scope), from the session's index */
    size_t *at, n = pk_lgb_places(c, &c->ix->cleared, &at);
    if (n == (size_t)-1) {
        memset(out, 0, sizeof *out);
        return BP_ERR_NOMEM;
    }
    bp_err err = bp_cleared_make_among(c->r, at, n, exception_kept, &sc, out);
    free(at);
    return err;
}

/* ---- the in-year sections a document shows ---- */

bool pk_cash_in_doc(const pk_ctx *c, const bp_cashflow *cf)
{
    return cf->inst < 0 ? !c->lgb : pk_has_inst(c, cf->inst) || (!c->lgb && cf->inst == c->m->central);
}

bool pk_balance_any(const bp_balance_sheet *b)
{
    return b->line[BP_BS_FIXED_ASSETS].ok || b->checked;
}

bool pk_inyear_shown(const pk_ctx *c, bp_section_kind kind)
{
    switch (kind) {
    case BP_SEC_MANAGEMENT_ACCOUNTS:
        return c->actual == BP_OUTTURN;        /* in-year mode */
    case BP_SEC_CASH_FLOW: {          /* a cash flow of an entity of this document */
        size_t n = 0;
        const bp_cashflow *cfs = bp_inyear_cashflows(c->r, &n);
        for (size_t i = 0; i < n; i++)
            if (pk_cash_in_doc(c, &cfs[i])) return true;
        return false;
    }
    case BP_SEC_BALANCE_SHEET: {      /* an entity of this document with a balance sheet */
        bp_balance_sheet now, last;
        if (!c->lgb) {
            bp_inyear_balance_sheet(c->r, (bp_entity){BP_SCOPE_TRUST, 0}, &now, &last);
            if (pk_balance_any(&now) || pk_balance_any(&last)) return true;
        }
        for (size_t i = 0; i < c->ninsts; i++) {
            bp_inyear_balance_sheet(c->r, (bp_entity){BP_SCOPE_INSTITUTION, c->insts[i]}, &now, &last);
            if (pk_balance_any(&now) || pk_balance_any(&last)) return true;
        }
        return false;
    }
    default:
        return true;
    }
}
