/* bp_packpdf_common: what every file of pack sections shares (bp_packpdf_common.h) - the
 * section heading, the document's institutions and KPIs, results as cells and marks,
 * money and percentages, and the page layer's tints and chart units for the results'
 * statuses and units. */
#include "bp_packpdf_common.h"

#include <stdio.h>
#include <string.h>
#include "bp_format.h"
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
    for (size_t i = 0; i < c->ninsts; i++)
        if (c->insts[i] == inst) return true;
    return false;
}

bool pk_selects(const pk_ctx *c, const bp_section *sec, int kpi)
{
    const bp_kpi *k = &c->s->kpis.kpis[kpi];
    return bp_section_selects(sec, k->id, k->section);
}

const bp_result *pk_result(const pk_ctx *c, int kpi, bp_scope scope, int entity)
{
    const bp_result *r = bp_results_find(c->r, kpi, scope, entity, c->year, BP_ACTUAL);
    if (r && r->value.ok) pk_shown(c, kpi);
    return r;
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
    if (!r || !r->value.ok) {
        snprintf(buf, size, "-");
        cell->text = buf;
        return;
    }
    const bp_kpi *k = &c->s->kpis.kpis[r->kpi];
    char v[96];
    int64_t p;
    if (k->unit == BP_UNIT_GRADE && r->grade >= 0) {
        snprintf(v, sizeof v, "%s", k->grades[r->grade].label);
    } else if (k->unit == BP_UNIT_MONEY && bp_num_to_pence(r->value, &p)) {
        /* Scorecards show whole pounds; the finance sections carry the pence. */
        int64_t pounds = (p >= 0 ? p + 50 : p - 50) / 100;
        bp_money_format(pounds * 100, false, v, sizeof v);
    } else {
        bp_format_result_value(k, r, v, sizeof v);
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

void pk_money(int64_t pence, char *buf, size_t size)
{
    bp_money_format(pence, true, buf, size);
}

void pk_percent(bp_num v, char *buf, size_t size)
{
    bp_kpi k;
    memset(&k, 0, sizeof k);
    k.unit = BP_UNIT_PERCENT;
    bp_format_value(&k, v, -1, buf, size);
}

void pk_status_key(pk_ctx *c)
{
    bp_pdf_paragraph(c->pdf, BP_PDF_SMALL,
                     "Status: G = target met (green), A = within the amber zone (amber), R = "
                     "outside it (red); cells are tinted to match. - = no data. A blank mark "
                     "means no target applies.");
}
