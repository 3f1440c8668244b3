/* The packs' charts and their captions (see bp_packpdf_charts.h).  A chair reads the
 * caption first: it says what the chart shows in a sentence with the figures - where the
 * in-year result stands against its band, who is over a staff-cost ceiling, where the
 * reserves go - so that the chart confirms the message rather than hides it.  Money is
 * summed in pence; a ratio is a ratio of those sums. */
#include "bp_packpdf_charts.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_format.h"

/* The charts' heights in points: a KPI across the institutions, a figure by year (six
 * bars with two-line labels) - room for the labels and the legend, and for the board
 * pack's main body to keep its pages. */
#define PK_CHART_H 145.0f
#define PK_YEARS_H 135.0f

/* ---- text ---- */

typedef struct {
    char *s;
    size_t size, len;
} pk_buf;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void put(pk_buf *b, const char *fmt, ...)
{
    if (b->len + 1 >= b->size) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->s + b->len, b->size - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    b->len = (size_t)n < b->size - b->len ? b->len + (size_t)n : b->size - 1;
}

/* Money in a sentence, to three figures: "£1.97m", "£57k", "£900"; a negative amount
 * as its size (the caller says "deficit"). */
static void money_words(int64_t pence, char *buf, size_t size)
{
    double v = (double)(pence < 0 ? -pence : pence) / 100.0;
    if (v >= 999500.0) snprintf(buf, size, "\xC2\xA3%.2fm", v / 1e6);
    else if (v >= 999.5) snprintf(buf, size, "\xC2\xA3%.0fk", v / 1e3);
    else snprintf(buf, size, "\xC2\xA3%.0f", v);
}

/* A count in words up to ten, as a sentence writes it ("the other two institutions"). */
static void count_words(size_t n, char *buf, size_t size)
{
    static const char *const w[] = {"no", "one", "two", "three", "four", "five", "six",
                                    "seven", "eight", "nine", "ten"};
    if (n <= 10) snprintf(buf, size, "%s", w[n]);
    else snprintf(buf, size, "%zu", n);
}

/* The caption above a chart - what it shows (the chart's title, which the chart then
 * leaves out: NULL for none), then its message - kept with it: the page breaks before
 * the caption when the two do not fit below what the page holds. */
static void caption(pk_ctx *c, const char *title, const char *text, float chart_h)
{
    char buf[2048];
    snprintf(buf, sizeof buf, "%s%s%s", title ? title : "", title ? ". " : "", text);
    float lines = bp_pdf_text_width(c->pdf, BP_PDF_BODY, buf) / bp_pdf_width(c->pdf) + 1.0f;
    bp_pdf_need(c->pdf, (float)(int)lines * 14.0f + 8.0f + chart_h);
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, buf);
}

/* ---- targets ---- */

/* The result that stands for every institution's target in the report year when all
 * share one (the same target, the same thresholds), else NULL; *none when no institution
 * has a target at all. */
static const bp_result *shared_target(const pk_ctx *c, int k, bool *none)
{
    const bp_result *first = NULL;
    *none = true;
    for (size_t i = 0; i < c->ninsts; i++) {
        const bp_result *r = pk_result(c, k, BP_SCOPE_INSTITUTION, c->insts[i]);
        if (!r || r->target < 0) continue;
        *none = false;
        if (!first) {
            first = r;
            continue;
        }
        if (r->target != first->target || r->lo.ok != first->lo.ok || r->hi.ok != first->hi.ok
            || (r->lo.ok && bp_num_cmp(r->lo, first->lo) != 0)
            || (r->hi.ok && bp_num_cmp(r->hi, first->hi) != 0))
            return NULL;
    }
    return first;
}

static void band_of(const bp_kpi *kp, const bp_result *t, bp_pdf_band *band)
{
    memset(band, 0, sizeof *band);
    if (!t) return;
    bp_cmp cmp = kp->targets[t->target].cmp;
    band->has_band = true;
    band->has_lo = cmp != BP_CMP_MAX && t->lo.ok;
    band->has_hi = cmp != BP_CMP_MIN && t->hi.ok;
    band->lo = band->has_lo ? bp_num_to_double(t->lo) : 0;
    band->hi = band->has_hi ? bp_num_to_double(t->hi) : 0;
}

/* Where v stands against a target's thresholds: -1 below its floor, 1 above its
 * ceiling, 0 within. */
static int side_of(bp_cmp cmp, bp_num v, bp_num lo, bp_num hi)
{
    if (cmp != BP_CMP_MAX && lo.ok && bp_num_cmp(v, lo) < 0) return -1;
    if (cmp != BP_CMP_MIN && hi.ok && bp_num_cmp(v, hi) > 0) return 1;
    return 0;
}

/* The word on a bar that misses its target: over a ceiling, under a floor, below or
 * above a band. */
static const char *miss_word(bp_cmp cmp, int side)
{
    if (side < 0) return cmp == BP_CMP_BAND ? "below" : "under";
    if (side > 0) return cmp == BP_CMP_BAND ? "above" : "over";
    return NULL;
}

/* ---- a KPI across the institutions ---- */

static void fill_bar(const bp_result *r, const char *label, bp_pdf_bar *b)
{
    memset(b, 0, sizeof *b);
    b->label = label;
    b->has = r && r->value.ok;
    b->value = b->has ? bp_num_to_double(r->value) : 0;
    b->tint = pk_tint(r ? r->status : BP_STATUS_NONE);
}

/* Money for a chart's alternative text as the tables print it (bp_format_money_as), in
 * thousands with the unit the tables' headings give ("£1,974k", "(£19k)"): the text is
 * read without the heading. */
static void alt_money(const char *table, bp_money_units units, char *buf, size_t size)
{
    if (units != BP_MONEY_THOUSANDS) snprintf(buf, size, "%s", table);
    else if (table[0] == '(') snprintf(buf, size, "(\xC2\xA3%.*sk)", (int)strlen(table) - 2, table + 1);
    else snprintf(buf, size, "\xC2\xA3%sk", table);
}

/* A bar's marks from its result: the value as the scorecard prints it, for the
 * alternative text (into text, size bytes); its own threshold when the chart has no
 * common band, and the word for a miss. */
static void fill_mark(const pk_ctx *c, const bp_kpi *kp, const bp_result *r, bool own_limit,
                      char *text, size_t size, bp_pdf_bar_mark *m)
{
    memset(m, 0, sizeof *m);
    m->withheld = r && r->suppressed;
    if (r && r->value.ok) {
        char t[48];
        bp_format_board_value(kp, r, c->units, t, sizeof t);
        if (kp->unit == BP_UNIT_MONEY) alt_money(t, c->units, text, size);
        else snprintf(text, size, "%s", t);
        m->text = text;
    }
    if (!r || r->target < 0) return;
    bp_cmp cmp = kp->targets[r->target].cmp;
    if (own_limit && cmp != BP_CMP_BAND) {
        bp_num t = cmp == BP_CMP_MAX ? r->hi : r->lo;
        m->has_limit = t.ok;
        m->limit = t.ok ? bp_num_to_double(t) : 0;
    }
    if (r->value.ok) m->note = miss_word(cmp, side_of(cmp, r->value, r->lo, r->hi));
}

void pk_kpi_chart(pk_ctx *c, int k, const char *cap)
{
    const bp_kpi *kp = &c->s->kpis.kpis[k];
    const bp_result *tr = c->lgb ? NULL : pk_result(c, k, BP_SCOPE_TRUST, 0);
    bool any = tr && tr->value.ok, withheld = tr && tr->suppressed;
    for (size_t i = 0; i < c->ninsts; i++) {
        const bp_result *r = pk_result(c, k, BP_SCOPE_INSTITUTION, c->insts[i]);
        any = any || (r && r->value.ok);
        withheld = withheld || (r && r->suppressed);
    }
    if (!any) return;
    pk_shown(c, k);
    bool none;
    const bp_result *shared = shared_target(c, k, &none);
    bool same = shared || none;
    /* lines for thresholds that differ: a floor or a ceiling each; differing bands have
     * two edges a bar, which a line cannot show - the bars' status then says it */
    bool lines = !same;
    for (size_t i = 0; i < c->ninsts && lines; i++) {
        const bp_result *r = pk_result(c, k, BP_SCOPE_INSTITUTION, c->insts[i]);
        lines = !r || r->target < 0 || kp->targets[r->target].cmp != BP_CMP_BAND;
    }
    bp_pdf_band band;
    band_of(kp, shared, &band);
    /* the limit lines' name: what the institutions' thresholds are */
    bool ceilings = true, floors = true;
    for (size_t i = 0; i < c->ninsts; i++) {
        const bp_result *r = pk_result(c, k, BP_SCOPE_INSTITUTION, c->insts[i]);
        if (!r || r->target < 0) continue;
        ceilings = ceilings && kp->targets[r->target].cmp == BP_CMP_MAX;
        floors = floors && kp->targets[r->target].cmp == BP_CMP_MIN;
    }
    bp_pdf_bar_opts opts = {NULL, NULL, NULL, NULL,
                            ceilings ? "ceiling" : floors ? "floor" : "threshold"};
    char yb[16];
    bp_year_format(c->year, yb, sizeof yb);
    /* the bars shared evenly among the charts: 50 institutions are four charts of 12 or
     * 13 and the trust, never three full ones and a chart of five */
    size_t ncharts = (c->ninsts + PK_CHART_BARS - 1) / PK_CHART_BARS;
    if (ncharts == 0) ncharts = 1;
    size_t per = (c->ninsts + ncharts - 1) / ncharts, chart = 0;
    for (size_t from = 0, n = 0; from < c->ninsts || from == 0; from += n, chart++) {
        /* the first ninsts % ncharts charts take one more */
        n = c->ninsts / ncharts + (chart < c->ninsts % ncharts ? 1 : 0);
        if (n == 0) n = c->ninsts - from;
        bp_pdf_bar bars[PK_CHART_BARS + 1];
        bp_pdf_bar_mark marks[PK_CHART_BARS + 1];
        char texts[PK_CHART_BARS + 1][64];
        for (size_t i = 0; i < n; i++) {
            const bp_result *r = pk_result(c, k, BP_SCOPE_INSTITUTION, c->insts[from + i]);
            fill_bar(r, c->m->insts[c->insts[from + i]].id, &bars[i]);
            fill_mark(c, kp, r, lines, texts[i], sizeof texts[i], &marks[i]);
        }
        size_t nb = n;
        if (!c->lgb) {
            fill_bar(tr, "Trust", &bars[nb]);
            fill_mark(c, kp, tr, lines, texts[nb], sizeof texts[nb], &marks[nb]);
            nb++;
        }
        opts.marks = marks;
        char title[256];
        if (c->ninsts > per)
            snprintf(title, sizeof title, "%s, %s (institutions %zu-%zu of %zu)", kp->name, yb,
                     from + 1, from + n, c->ninsts);
        else
            snprintf(title, sizeof title, "%s, %s", kp->name, yb);
        char alt[400];
        snprintf(alt, sizeof alt, "Bar chart of %s in %s for each institution%s, with each "
                 "one's status%s", kp->name, yb, c->lgb ? "" : " and the trust",
                 lines ? " and its own target" : "");
        /* one chart with a caption: the caption says what it shows, so no title line */
        bool titled = !cap || c->ninsts > per;
        float h = !cap ? 190.0f : titled ? PK_CHART_H + 16.0f : PK_CHART_H;
        if (cap && from == 0) caption(c, titled ? NULL : title, cap, h);
        bp_pdf_figure_alt(c->pdf, alt);
        bp_pdf_bar_chart_marked(c->pdf, titled ? title : NULL, pk_chart_unit(kp->unit), bars,
                                nb, &band, &opts, h);
        if (from + n >= c->ninsts) break;
        bp_pdf_space(c->pdf, 6);
    }
    if (withheld) {
        char note[96];
        pk_suppressed_note(c, note, sizeof note);
        bp_pdf_paragraph(c->pdf, BP_PDF_SMALL, note);
    }
    if (lines)
        bp_pdf_paragraph(c->pdf, BP_PDF_SMALL,
                         "Targets differ between institutions, so each bar has its own as a "
                         "line across it; a bar that misses it says so above it.");
    else if (!same)
        bp_pdf_paragraph(c->pdf, BP_PDF_SMALL,
                         "Targets differ between phases, so no single target band is shaded; "
                         "each bar's shade and letter show its own status.");
    if (!cap) bp_pdf_space(c->pdf, 10);
}

void pk_chart_staff(pk_ctx *c)
{
    int k = bp_kpi_find(&c->s->kpis, "staff_cost_pct");
    if (k < 0 || (c->charts & PK_CHART_STAFF) || !c->s->kpis.kpis[k].expr) return;
    c->charts |= PK_CHART_STAFF;
    const bp_kpi *kp = &c->s->kpis.kpis[k];
    char text[1200], yb[16];
    pk_buf b = {text, sizeof text, 0};
    bp_year_format(c->year, yb, sizeof yb);
    size_t over = 0, within = 0, nover = 0;
    for (size_t i = 0; i < c->ninsts; i++) {
        const bp_result *r = pk_result(c, k, BP_SCOPE_INSTITUTION, c->insts[i]);
        if (r && r->target >= 0 && r->value.ok
            && side_of(kp->targets[r->target].cmp, r->value, r->lo, r->hi) != 0)
            nover++;
    }
    size_t shown = nover > 4 ? 3 : nover;      /* four by name, or three and how many more */
    for (size_t i = 0; i < c->ninsts; i++) {
        const bp_result *r = pk_result(c, k, BP_SCOPE_INSTITUTION, c->insts[i]);
        if (!r || r->target < 0 || !r->value.ok) continue;
        bp_cmp cmp = kp->targets[r->target].cmp;
        if (side_of(cmp, r->value, r->lo, r->hi) == 0) {
            within++;
            continue;
        }
        if (++over > shown) continue;
        char v[48], t[48];
        bp_format_board_value(kp, r, c->units, v, sizeof v);
        bp_format_threshold(kp, cmp == BP_CMP_MIN ? r->lo : r->hi, t, sizeof t);
        put(&b, "%s%s (%s against %s)",
            over == 1 ? "" : over == shown && shown == nover ? " and " : ", ",
            c->m->insts[c->insts[i]].name, v, t);
    }
    char names[1200];
    snprintf(names, sizeof names, "%s", text);
    b.len = 0;
    text[0] = '\0';
    if (over == 0 && within == 0)
        put(&b, "%s of each institution in %s: no institution has a target for it.",
            kp->name, yb);
    else if (over == 0)
        put(&b, "In %s every institution kept its staff costs within its ceiling.", yb);
    else {
        put(&b, "In %s staff costs were over the ceiling at %s", yb, names);
        char w[24];
        if (over > shown) put(&b, " and %zu more institutions", over - shown);
        count_words(within, w, sizeof w);
        if (within) put(&b, "; the other %s %s within theirs.", w,
                        within == 1 ? "institution was" : "institutions were");
        else put(&b, ".");
    }
    pk_kpi_chart(c, k, text);
}

/* ---- by year: actuals, then plans ---- */

typedef struct {
    int year;
    bp_scenario s;
    bool plan;
    char label[40];
    char year_label[16];
} pk_col;

enum { MAX_COLS = 10 };

/* The report year and up to two years before it that hold `code` in the document's
 * scope, then each later year's forecast, else its budget. */
static size_t year_columns(const pk_ctx *c, const char *code, pk_col *cols)
{
    size_t n = 0;
    int64_t v;
    for (int y = c->year - 2; y <= c->year; y++) {
        /* in-year, the report year's outturn stands for its actual */
        bp_scenario ys = y == c->year ? c->actual : BP_ACTUAL;
        if (pk_scope_pence(c, y, ys, code, &v)) {
            cols[n] = (pk_col){y, ys, false, "", ""};
            bp_year_format(y, cols[n].year_label, sizeof cols[n].year_label);
            snprintf(cols[n].label, sizeof cols[n].label, "%s%s", cols[n].year_label,
                     ys == BP_OUTTURN ? " outturn" : "");
            n++;
        }
    }
    for (size_t i = 0; i < c->m->nyears && n < MAX_COLS; i++) {
        int y = c->m->years[i];
        if (y <= c->year) continue;
        bp_scenario s = BP_FORECAST;
        if (!pk_scope_pence(c, y, s, code, &v)) s = BP_BUDGET;
        if (!pk_scope_pence(c, y, s, code, &v)) continue;
        cols[n] = (pk_col){y, s, true, "", ""};
        bp_year_format(y, cols[n].year_label, sizeof cols[n].year_label);
        snprintf(cols[n].label, sizeof cols[n].label, "%s %s", cols[n].year_label,
                 bp_scenario_id(s));
        n++;
    }
    return n;
}

/* "forecasts", "budgets" or "plans": what the plan columns are. */
static const char *plans_word(const pk_col *cols, size_t n)
{
    bool f = false, b = false;
    for (size_t i = 0; i < n; i++) {
        if (!cols[i].plan) continue;
        if (cols[i].s == BP_FORECAST) f = true;
        else b = true;
    }
    return f && b ? "plans" : f ? "forecasts" : "budgets";
}

/* The scope's name in a chart's title. */
static void scope_name(const pk_ctx *c, char *buf, size_t size)
{
    if (!c->lgb) {
        snprintf(buf, size, "consolidated trust");
        return;
    }
    char tier[96];
    pk_tier(c, false, tier, sizeof tier);
    snprintf(buf, size, "the %s's institutions together", tier);
}

/* The phrases for where a figure stands against a target: below, within, above. */
static const char *side_phrase(bp_cmp cmp, int side)
{
    switch (cmp) {
    case BP_CMP_BAND: return side < 0 ? "below the band" : side > 0 ? "above the band" : "within the band";
    case BP_CMP_MIN: return side < 0 ? "below the floor" : "at or above the floor";
    case BP_CMP_MAX: break;
    }
    return side > 0 ? "over the ceiling" : "within the ceiling";
}

/* The plan columns grouped by where they stand: "below the band in 2023/24 (0.4%) and
 * 2024/25 (0.3%), and within the band in 2025/26 (0.6%)"; each plan's figure in
 * vals[i]. */
static void plans_by_side(pk_buf *b, const pk_col *cols, const int *side, char vals[][48],
                          const bool *has, size_t n, bp_cmp cmp)
{
    static const int order[3] = {-1, 0, 1};
    bool first_group = true;
    size_t nplan = 0, groups = 0;
    for (size_t i = 0; i < n; i++) nplan += cols[i].plan && has[i];
    for (int g = 0; g < 3; g++) {
        size_t members = 0;
        for (size_t i = 0; i < n; i++) members += cols[i].plan && has[i] && side[i] == order[g];
        if (!members) continue;
        groups++;
        put(b, "%s%s ", first_group ? "" : ", and ", side_phrase(cmp, order[g]));
        first_group = false;
        if (members == nplan && nplan > 1) {
            char w[24];
            count_words(nplan, w, sizeof w);
            put(b, "in %s%s plan years (", nplan == 2 ? "both" : "each of the ",
                nplan == 2 ? "" : w);
            size_t k = 0;
            for (size_t i = 0; i < n; i++)
                if (cols[i].plan && has[i])
                    put(b, "%s%s", k++ ? (k == nplan ? " and " : ", ") : "", vals[i]);
            put(b, ")");
            continue;
        }
        put(b, "in ");
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (!(cols[i].plan && has[i] && side[i] == order[g])) continue;
            k++;
            put(b, "%s%s (%s)", k == 1 ? "" : k == members ? " and " : ", ", cols[i].year_label,
                vals[i]);
        }
    }
    (void)groups;
}

/* The report year's target for a KPI of the document's scope: the trust's own, else
 * the one every institution shares (*borrowed).  NULL: none. */
static const bp_result *scope_target(const pk_ctx *c, int k, bool *borrowed)
{
    *borrowed = false;
    const bp_result *tr = c->lgb ? NULL : pk_result(c, k, BP_SCOPE_TRUST, 0);
    if (tr && tr->target >= 0) return tr;
    bool none;
    const bp_result *s = shared_target(c, k, &none);
    *borrowed = s != NULL;
    return s;
}

void pk_chart_result(pk_ctx *c)
{
    if (c->charts & PK_CHART_RESULT) return;
    pk_col cols[MAX_COLS];
    size_t n = year_columns(c, "income", cols);
    if (n < 2) return;
    c->charts |= PK_CHART_RESULT;
    int k = bp_kpi_find(&c->s->kpis, "surplus_pct");
    const bp_kpi *kp = k >= 0 ? &c->s->kpis.kpis[k] : NULL;
    bool borrowed = false;
    const bp_result *tg = kp && kp->expr ? scope_target(c, k, &borrowed) : NULL;
    const bp_target *t = tg ? &kp->targets[tg->target] : NULL;
    if (kp && tg) pk_shown(c, k);
    bp_pdf_band band;
    band_of(kp, tg, &band);

    bp_pdf_bar bars[MAX_COLS];
    bp_pdf_bar_mark marks[MAX_COLS];
    bool has[MAX_COLS];
    int side[MAX_COLS];
    char vals[MAX_COLS][48];
    memset(bars, 0, sizeof bars);
    memset(marks, 0, sizeof marks);
    for (size_t i = 0; i < n; i++) {
        int64_t in = 0, ex = 0;
        has[i] = pk_scope_pence(c, cols[i].year, cols[i].s, "income", &in)
                 && pk_scope_pence(c, cols[i].year, cols[i].s, "exp", &ex) && in != 0;
        bp_num v = has[i] ? bp_num_frac(in - ex, in) : bp_num_none();
        side[i] = has[i] && t ? side_of(t->cmp, v, tg->lo, tg->hi) : 0;
        if (has[i]) bp_format_percent1(v, vals[i], sizeof vals[i]);
        bars[i] = (bp_pdf_bar){cols[i].label, has[i] ? bp_num_to_double(v) : 0, has[i],
                               has[i] && t ? pk_tint(bp_target_decide(t, v, tg->lo, tg->hi))
                                           : BP_PDF_TINT_NONE};
        marks[i].hatched = cols[i].plan;
        marks[i].note = t ? miss_word(t->cmp, side[i]) : NULL;
        marks[i].text = has[i] ? vals[i] : NULL;     /* "1.0%" as the scorecard has it */
    }

    /* the caption: the actual years, then the plans, against the band */
    char text[1400], lo[48] = "", hi[48] = "", where[160] = "";
    pk_buf b = {text, sizeof text, 0};
    if (t) {
        if (tg->lo.ok) bp_format_threshold(kp, tg->lo, lo, sizeof lo);
        if (tg->hi.ok) bp_format_threshold(kp, tg->hi, hi, sizeof hi);
        if (t->cmp == BP_CMP_BAND) snprintf(where, sizeof where, "the %s to %s target band", lo, hi);
        else if (t->cmp == BP_CMP_MIN) snprintf(where, sizeof where, "the %s floor", lo);
        else snprintf(where, sizeof where, "the %s ceiling", hi);
    }
    size_t first = n, last = n;
    for (size_t i = 0; i < n; i++)
        if (!cols[i].plan && has[i]) {
            if (first == n) first = i;
            last = i;
        }
    if (last < n) {
        if (first == last)
            put(&b, "The in-year result was %s of income in %s", vals[last], cols[last].year_label);
        else {
            int cmp = strcmp(vals[first], vals[last]) == 0 ? 0
                      : bars[last].value < bars[first].value ? -1 : 1;
            if (cmp == 0)
                put(&b, "The in-year result was %s of income in %s, as in %s", vals[last],
                    cols[last].year_label, cols[first].year_label);
            else
                put(&b, "The in-year result %s from %s of income in %s to %s in %s",
                    cmp < 0 ? "fell" : "rose", vals[first], cols[first].year_label, vals[last],
                    cols[last].year_label);
        }
        if (t) {      /* the target named in full at its first mention */
            const char *rel = side[last] < 0 ? "below" : side[last] > 0 ? "over"
                              : t->cmp == BP_CMP_MIN ? "at or above" : "within";
            if (t->cmp == BP_CMP_BAND && side[last] > 0) rel = "above";
            put(&b, ", %s %s", rel, where);
        }
        put(&b, ".");
    }
    size_t nplan = 0;
    for (size_t i = 0; i < n; i++) nplan += cols[i].plan && has[i];
    if (nplan) {
        put(&b, "%sThe %s put it ", b.len ? " " : "", plans_word(cols, n));
        if (t) plans_by_side(&b, cols, side, vals, has, n, t->cmp);
        else {
            size_t j = 0;
            for (size_t i = 0; i < n; i++)
                if (cols[i].plan && has[i])
                    put(&b, "%s%s in %s", j++ ? ", " : "at ", vals[i], cols[i].year_label);
        }
        put(&b, ".");
    }
    if (borrowed)
        put(&b, " The band is the institutions' target%s.",
            c->lgb ? "" : ": the trust has none of its own");

    char scope[160], title[256], alt[2048], bandkey[160];
    scope_name(c, scope, sizeof scope);
    snprintf(title, sizeof title, "In-year result as a share of income, %s", scope);
    bandkey[0] = '\0';
    if (t && t->cmp == BP_CMP_BAND) snprintf(bandkey, sizeof bandkey, "Target band %s to %s", lo, hi);
    else if (t && t->cmp == BP_CMP_MIN) snprintf(bandkey, sizeof bandkey, "Target: at least %s", lo);
    else if (t) snprintf(bandkey, sizeof bandkey, "Target: at most %s", hi);
    bp_pdf_bar_opts opts = {marks, bandkey, "Actual", "Budget or forecast (hatched)", NULL};
    snprintf(alt, sizeof alt, "Bar chart of the in-year result as a share of income, %s, by "
             "year: actuals, then the %s (hatched)%s. %s The values", scope,
             plans_word(cols, n), t ? ", against the target" : "", text);
    caption(c, title, text, PK_YEARS_H);
    bp_pdf_figure_alt(c->pdf, alt);
    bp_pdf_bar_chart_marked(c->pdf, NULL, BP_PDF_UNIT_PERCENT, bars, n, &band, &opts,
                            PK_YEARS_H);
}

void pk_chart_reserves(pk_ctx *c)
{
    if (c->charts & PK_CHART_RESERVES) return;
    static const char code[] = "bs.reserves.revenue";
    pk_col cols[MAX_COLS];
    size_t n = year_columns(c, code, cols);
    if (n < 2) return;
    c->charts |= PK_CHART_RESERVES;
    int k = bp_kpi_find(&c->s->kpis, "reserves_total");
    const bp_result *tg = NULL;
    if (k >= 0 && !c->lgb) {
        tg = pk_result(c, k, BP_SCOPE_TRUST, 0);
        if (tg && tg->target < 0) tg = NULL;
    }
    const bp_kpi *kp = tg ? &c->s->kpis.kpis[k] : NULL;
    const bp_target *t = tg ? &kp->targets[tg->target] : NULL;
    if (tg) pk_shown(c, k);
    bp_pdf_band band;
    band_of(kp, tg, &band);

    bp_pdf_bar bars[MAX_COLS];
    bp_pdf_bar_mark marks[MAX_COLS];
    int64_t pence[MAX_COLS];
    bool has[MAX_COLS];
    int side[MAX_COLS];
    char texts[MAX_COLS][64];
    memset(marks, 0, sizeof marks);
    for (size_t i = 0; i < n; i++) {
        has[i] = pk_scope_pence(c, cols[i].year, cols[i].s, code, &pence[i]);
        bp_num v = has[i] ? bp_num_pence(pence[i]) : bp_num_none();
        side[i] = has[i] && t ? side_of(t->cmp, v, tg->lo, tg->hi) : 0;
        bars[i] = (bp_pdf_bar){cols[i].label, has[i] ? (double)pence[i] / 100.0 : 0, has[i],
                               has[i] && t ? pk_tint(bp_target_decide(t, v, tg->lo, tg->hi))
                                           : BP_PDF_TINT_NONE};
        marks[i].hatched = cols[i].plan;
        marks[i].note = t ? miss_word(t->cmp, side[i]) : NULL;
        if (has[i]) {     /* "£1,974,033" as the scorecard and key figures have it */
            char m[48];
            bp_format_money_as(pence[i], c->units, m, sizeof m);
            alt_money(m, c->units, texts[i], sizeof texts[i]);
            marks[i].text = texts[i];
        }
    }

    char text[1600], z[48], thr[64] = "";
    pk_buf b = {text, sizeof text, 0};
    if (t) bp_format_threshold(kp, t->cmp == BP_CMP_MAX ? tg->hi : tg->lo, thr, sizeof thr);
    size_t first = n, last = n, lastplan = n;
    for (size_t i = 0; i < n; i++) {
        if (!has[i]) continue;
        if (!cols[i].plan) {
            if (first == n) first = i;
            last = i;
        } else {
            lastplan = i;
        }
    }
    if (last < n) {
        money_words(pence[last], z, sizeof z);
        if (first != last) {
            char a[48];
            money_words(pence[first], a, sizeof a);
            put(&b, "Revenue reserves %s from %s%s in %s to %s%s in %s",
                pence[last] < pence[first] ? "fell" : "rose", pence[first] < 0 ? "a deficit of " : "",
                a, cols[first].year_label, pence[last] < 0 ? "a deficit of " : "", z,
                cols[last].year_label);
        } else {
            put(&b, "Revenue reserves were %s%s in %s", pence[last] < 0 ? "a deficit of " : "", z,
                cols[last].year_label);
        }
        if (t && t->cmp == BP_CMP_MIN)
            put(&b, ", %s the %s minimum", side[last] < 0 ? "below" : "above", thr);
        put(&b, ".");
    }
    if (lastplan < n) {
        money_words(pence[lastplan], z, sizeof z);
        put(&b, "%sThe %s take them to %s%s in %s", b.len ? " " : "", plans_word(cols, n),
            pence[lastplan] < 0 ? "a deficit of " : "", z, cols[lastplan].year_label);
        size_t below = 0;
        for (size_t i = 0; i < n; i++) below += cols[i].plan && has[i] && side[i] < 0;
        if (t && t->cmp == BP_CMP_MIN && below)
            put(&b, ", below the minimum in %zu of them", below);
        else if (t && t->cmp == BP_CMP_MIN)
            put(&b, ", above the minimum in each");
        put(&b, ".");
    }
    /* the institutions whose own reserve falls below its floor in a year shown */
    int kr = bp_kpi_find(&c->s->kpis, "revenue_reserve");
    size_t named = 0, more = 0;
    for (size_t i = 0; kr >= 0 && i < c->ninsts; i++) {
        for (size_t j = 0; j < n; j++) {
            const bp_result *r = bp_results_find(c->r, kr, BP_SCOPE_INSTITUTION, c->insts[i],
                                                 cols[j].year, cols[j].s);
            /* the report year and the plans: a deficit since made good is history */
            if (!r || !r->counts || !r->value.ok || r->status != BP_STATUS_RED) continue;
            if (named == 3) {
                more++;
                break;
            }
            const bp_kpi *rk = &c->s->kpis.kpis[kr];
            char v[48], f[48];
            int64_t p = 0;
            bool whole = bp_num_to_pence(r->value, &p);
            if (whole) money_words(p, v, sizeof v);
            else bp_format_value(rk, r->value, -1, v, sizeof v);
            bp_format_threshold(rk, r->lo, f, sizeof f);
            pk_shown(c, kr);
            put(&b, " %s's own reserve %s below its %s floor in %s%s%s (%s%s).",
                c->m->insts[c->insts[i]].name, cols[j].plan ? "falls" : "is", f,
                cols[j].plan ? "the " : "", cols[j].year_label,
                cols[j].plan ? (cols[j].s == BP_FORECAST ? " forecast" : " budget") : "",
                whole && p < 0 ? "a deficit of " : "", v);
            named++;
            break;
        }
    }
    if (more) put(&b, " So does the reserve of %zu more institution%s.", more, more == 1 ? "" : "s");

    char scope[160], title[256], alt[2048], bandkey[96];
    scope_name(c, scope, sizeof scope);
    snprintf(title, sizeof title, "Revenue reserves at the year end, %s", scope);
    snprintf(bandkey, sizeof bandkey, "Target: %s %s", t && t->cmp == BP_CMP_MAX ? "at most" : "at least", thr);
    bp_pdf_bar_opts opts = {marks, bandkey, "Actual", "Budget or forecast (hatched)", NULL};
    snprintf(alt, sizeof alt, "Bar chart of the revenue reserves, %s, by year: actuals, then "
             "the %s (hatched)%s. %s The values", scope, plans_word(cols, n),
             t ? ", against the target" : "", text);
    caption(c, title, text, PK_YEARS_H);
    bp_pdf_figure_alt(c->pdf, alt);
    bp_pdf_bar_chart_marked(c->pdf, NULL, BP_PDF_UNIT_MONEY, bars, n, &band, &opts,
                            PK_YEARS_H);
}
