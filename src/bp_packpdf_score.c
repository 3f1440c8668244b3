/* bp_packpdf_score: the scorecards - the KPI scorecard (institutions and the trust), the
 * KPIs by phase and a governing body's comparison with its phases and the trust.  Each is
 * a table of KPIs down and entities across that gives every value its context: the
 * target as the KPI file writes it and whom it applies to, the status, the year before
 * with a trend mark saying whether the move is favourable, and the national benchmark.
 *
 * A cell reads, line by line:
 *   82.4% R          the report year's value and status (G, A, R; n/a: no target here)
 *   ▼ 81.2%          the year before, marked ▲ better, ▼ worse, ● the same (--previous:
 *                    the last pack's value, marked with the movement since, new, cleared)
 *   nat. 78.0%       the national benchmark (national.csv), in the rows that have one
 * "no data" stands for a value the data does not give.  Shapes, not colour: the marks
 * are drawn in every font set (bp_pdf_text.c), the statuses are letters.
 *
 * Wide trusts: the institutions go into tables of as many as fit their widest cell, each
 * table ending with the trust's column (and a governing body's phases), so that the
 * trust is beside every institution it is compared with; a trust of more than eight
 * institutions has its scorecard on landscape pages, half as many tables again. */
#include "bp_packpdf_sections.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_format.h"

typedef struct {
    const char *label;
    bp_scope scope;
    int entity;
} sc_column;

/* Body columns (institutions or phases) a table holds, and how many a portrait page's
 * table can hold before the scorecard goes landscape. */
enum { PORTRAIT_BODY = 4, MAX_COLS = 16 };

typedef struct {
    pk_ctx *c;
    const bp_section *sec;
    const sc_column *cols;   /* body columns, then the tail (trust, a governing body's phases) */
    size_t nbody, ntail;
    const char *body_noun;   /* "institutions", "phases": whom a target of all of them names */
    float cw;                /* cell_width's, measured once a grid (kpi_grid): every one of
                                its tables has the same least column width */
} grid;

static const bp_result *prior(const pk_ctx *c, int kpi, const sc_column *col)
{
    return bp_results_find(c->r, kpi, col->scope, col->entity, c->year - 1, BP_ACTUAL);
}

/* The national benchmark for a column (its phase's; the trust's is all phases'). */
static bool benchmark(const pk_ctx *c, const bp_kpi *k, const sc_column *col, bp_num *out)
{
    const char *phase = col->scope == BP_SCOPE_TRUST ? "all"
                      : col->scope == BP_SCOPE_PHASE ? bp_phase_id((bp_phase)col->entity)
                      : bp_phase_id(c->m->insts[col->entity].phase);
    return bp_model_benchmark(c->m, c->year, phase, k->id, out) && out->ok;
}

/* How far v lies outside [lo, hi] (no bound: none on that side). */
static bp_num band_distance(bp_num v, bp_num lo, bp_num hi)
{
    if (lo.ok && bp_num_cmp(v, lo) < 0) return bp_num_sub(lo, v);
    if (hi.ok && bp_num_cmp(v, hi) > 0) return bp_num_sub(v, hi);
    return bp_num_int(0);
}

/* The move from the year before by the KPI's direction: the mark (▲ better, ▼ worse, ●
 * the same) or NULL when either year has no value.  The same when the two read the same
 * in the table; else a floor wants higher, a ceiling lower, a band nearer the band (the
 * report year's thresholds for both years); without a target, the KPI's `better`. */
static const char *trend_mark(const pk_ctx *c, const bp_kpi *k, const bp_result *now,
                              const bp_result *before)
{
    if (!now || !before || !now->value.ok || !before->value.ok) return NULL;
    static const char up[] = "\xE2\x96\xB2", down[] = "\xE2\x96\xBC", same[] = "\xE2\x97\x8F";
    char a[96], b[96];
    bp_format_board_value(k, now, c->units, a, sizeof a);
    bp_format_board_value(k, before, c->units, b, sizeof b);
    if (strcmp(a, b) == 0) return same;
    int better;                        /* > 0: the report year is better */
    if (now->target >= 0 && k->targets[now->target].cmp == BP_CMP_BAND) {
        better = bp_num_cmp(band_distance(before->value, now->lo, now->hi),
                            band_distance(now->value, now->lo, now->hi));
    } else {
        bool higher = now->target >= 0 ? k->targets[now->target].cmp == BP_CMP_MIN
                                       : k->higher_is_better;
        better = bp_num_cmp(now->value, before->value) * (higher ? 1 : -1);
    }
    return better > 0 ? up : better < 0 ? down : same;
}

/* --previous: the second line is the last pack's value, marked with the movement since
 * (▲ better, ▼ worse, ● unchanged, "new" and "cleared" in words; no mark: no movement). */
static void since_line(const pk_ctx *c, const bp_kpi *k, const bp_result *r, char *buf,
                       size_t size)
{
    buf[0] = '\0';
    if (!r) return;
    if (r->previous_suppressed) {     /* build --publish: withheld, as is its movement */
        snprintf(buf, size, "\n%s", BP_FORMAT_SUPPRESSED);
        return;
    }
    if (!r->has_previous || !r->previous_value.ok) {
        if (r->value.ok) snprintf(buf, size, "\nno data");
        return;
    }
    static const char *const marks[] = {
        [BP_MV_NEW] = "new ", [BP_MV_CLEARED] = "cleared ", [BP_MV_WORSE] = "\xE2\x96\xBC ",
        [BP_MV_BETTER] = "\xE2\x96\xB2 ", [BP_MV_UNCHANGED] = "\xE2\x97\x8F ",
    };
    bp_result p = *r;
    p.value = r->previous_value;
    p.status = r->previous_status;
    p.grade = k->ngrades ? bp_grade_band_of(k, p.value) : -1;
    char v[96];
    bp_format_board_value(k, &p, c->units, v, sizeof v);
    snprintf(buf, size, "\n%s%s", r->movement >= 0 && r->movement <= BP_MV_UNCHANGED
                                     ? marks[r->movement] : "", v);
}

/* What a cell's second line holds, for an intro. */
static const char *compared_with(const pk_ctx *c)
{
    return c->r->previous ? "its value in the last pack" : "the year before";
}

/* One cell: see the top of the file. */
static void score_cell(pk_ctx *c, const bp_kpi *k, const sc_column *col, const bp_result *r,
                       char *buf, size_t size, bp_pdf_cell *cell, char *pbuf, size_t psize)
{
    memset(cell, 0, sizeof *cell);
    char now[160], was[128] = "", nat[96] = "";
    if (pk_has_value(r)) {
        pk_result_cell(c, r, now, sizeof now - 8, cell);
        if (r->target < 0 && !r->suppressed) strcat(now, " n/a");
    } else {
        snprintf(now, sizeof now, "no data");
    }
    /* in-year: the year to date under the outturn (contract v2) */
    const bp_result *ytd = c->actual == BP_OUTTURN
        ? bp_results_find(c->r, (int)(k - c->s->kpis.kpis), col->scope, col->entity, c->year, BP_YTD_ACTUAL) : NULL;
    if (ytd && ytd->value.ok) {
        char v[96];
        bp_format_board_value(k, ytd, c->units, v, sizeof v);
        snprintf(now + strlen(now), sizeof now - strlen(now), "\nto date %s", v);
    }
    const bp_result *b = c->r->previous ? NULL : prior(c, (int)(k - c->s->kpis.kpis), col);
    if (c->r->previous) {
        since_line(c, k, r, was, sizeof was);
    } else if (pk_has_value(b)) {
        char v[96];
        bp_format_board_value(k, b, c->units, v, sizeof v);
        const char *mark = trend_mark(c, k, r, b);
        snprintf(was, sizeof was, "\n%s%s%s", mark ? mark : "", mark ? " " : "", v);
    } else if (pk_has_value(r)) {
        snprintf(was, sizeof was, "\nno data");
    }
    bp_num bm;
    if (benchmark(c, k, col, &bm)) {
        char v[64];
        bp_format_value(k, bm, -1, v, sizeof v);
        snprintf(nat, sizeof nat, "\nnat. %s", v);
    }
    if (pbuf) {                        /* the year before in a column of its own */
        snprintf(pbuf, psize, "%s", was[0] ? was + 1 : "");
        snprintf(buf, size, "%s%s", now, nat);
    } else {
        snprintf(buf, size, "%s%s%s", now, was, nat);
    }
    cell->text = buf;
}

/* The target column: each target applied to a column of this table, as the KPI file
 * writes it ("max 80%"; a national benchmark "min national"), after whom it applies to
 * when that is not every column: "Trust: min 4%", "SFC: max 75%; other institutions:
 * max 80%".  A KPI whose targets are all for budgets and forecasts says so. */
/* The first of the KPI's targets that reads as target t does ("min national" for two
 * scopes): columns held to either are named together. */
static int same_target(const bp_kpi *k, int t)
{
    for (int i = 0; i < t; i++)
        if (strcmp(k->targets[i].text, k->targets[t].text) == 0) return i;
    return t;
}

static void target_text(const grid *g, const bp_kpi *k, const sc_column *cols,
                        const bp_result *const *rs, size_t n, size_t nbody_here, char *buf,
                        size_t size)
{
    int seen[MAX_COLS];
    size_t nseen = 0;
    for (size_t j = 0; j < n; j++) {
        if (!rs[j] || rs[j]->target < 0) continue;
        bool dup = false;
        for (size_t i = 0; i < nseen && !dup; i++) dup = seen[i] == same_target(k, rs[j]->target);
        if (!dup && nseen < MAX_COLS) seen[nseen++] = same_target(k, rs[j]->target);
    }
    size_t at = 0;
    buf[0] = '\0';
    if (!nseen) {
        /* no target here: one for the plans alone is named, else there is none */
        unsigned actual = 1u << BP_ACTUAL;
        bool plans = k->ntargets > 0;
        for (size_t t = 0; t < k->ntargets && plans; t++)
            plans = k->targets[t].scenarios && !(k->targets[t].scenarios & actual);
        if (plans) snprintf(buf, size, "%s in budgets and forecasts", k->targets[0].text);
        else snprintf(buf, size, "none");
        return;
    }
    /* the largest group last, as "other ..." when the others are named */
    size_t biggest = 0, most = 0;
    for (size_t i = 0; i < nseen; i++) {
        size_t m = 0;
        for (size_t j = 0; j < n; j++) m += rs[j] && same_target(k, rs[j]->target) == seen[i];
        if (m > most) most = m, biggest = i;
    }
    int tmp = seen[biggest];
    seen[biggest] = seen[nseen - 1];
    seen[nseen - 1] = tmp;
    for (size_t i = 0; i < nseen && at < size; i++) {
        const bp_target *t = &k->targets[seen[i]];
        char what[128];
        const char *nat = strstr(t->text, "national(");
        if (nat) snprintf(what, sizeof what, "%.*snational", (int)(nat - t->text), t->text);
        else snprintf(what, sizeof what, "%s", t->text);
        char who[256] = "";
        size_t m = 0, body = 0, w = 0;
        bool trust = false;
        for (size_t j = 0; j < n; j++) {
            if (!rs[j] || rs[j]->target != seen[i]) continue;
            m++;
            body += j < nbody_here;
            trust |= cols[j].scope == BP_SCOPE_TRUST;
        }
        if (nseen == 1 && m == n) {
            who[0] = '\0';                                  /* every column */
        } else if (m == 1 && trust) {
            snprintf(who, sizeof who, "Trust: ");
        } else if (body == nbody_here && m == body && nseen == 1) {
            snprintf(who, sizeof who, "%c%s: ", g->body_noun[0] - 'a' + 'A', g->body_noun + 1);
        } else if (i == nseen - 1 && nseen > 1 && m == body) {
            snprintf(who, sizeof who, "other %s: ", g->body_noun);   /* the rest named before */
        } else {
            for (size_t j = 0; j < n && w < sizeof who; j++)
                if (rs[j] && same_target(k, rs[j]->target) == seen[i])
                    w += (size_t)snprintf(who + w, sizeof who - w, "%s%s", w ? ", " : "", cols[j].label);
            if (w < sizeof who) snprintf(who + w, sizeof who - w, ": ");
        }
        at += (size_t)snprintf(buf + at, size - at, "%s%s%s", i ? "; " : "", who, what);
    }
}

/* The results of KPI k for the table's columns; true when any has a value. */
static bool row_results(const pk_ctx *c, int k, const sc_column *cols, size_t n,
                        const bp_result **rs)
{
    bool any = false;
    for (size_t j = 0; j < n; j++) {
        rs[j] = pk_result(c, k, cols[j].scope, cols[j].entity);
        any |= pk_has_value(rs[j]);
    }
    return any;
}

/* The row's label: the KPI's name, and what the row shows when the name says otherwise
 * (a KPI of budgets and forecasts shows the report year's actuals here). */
static void row_label(const pk_ctx *c, const bp_kpi *k, char *buf, size_t size)
{
    unsigned actual = 1u << BP_ACTUAL;
    bool plans = k->ntargets > 0;
    for (size_t t = 0; t < k->ntargets && plans; t++)
        plans = k->targets[t].scenarios && !(k->targets[t].scenarios & actual);
    char yb[16];
    bp_year_format(c->year, yb, sizeof yb);
    if (plans) snprintf(buf, size, "%s: the %s actual", k->name, yb);
    else snprintf(buf, size, "%s", k->name);
}

/* The KPI and target columns' widths, in points of a page `width` wide, and the least
 * width of an entity's column: its widest line but a status after a value (which may go
 * to a line of its own), within the cell's padding. */
static float kpi_w(float width) { return width * 0.21f; }
static float target_w(float width) { return width * 0.155f; }

static float cell_width(const grid *g)
{
    pk_ctx *c = g->c;
    float most = 0.0f;
    char buf[200];
    bp_pdf_cell cell;
    for (size_t k = 0; k < c->s->kpis.count; k++) {
        /* a grade's label is words, which wrap where they must */
        if (!pk_selects(c, g->sec, (int)k) || c->s->kpis.kpis[k].unit == BP_UNIT_GRADE) continue;
        const bp_kpi *kp = &c->s->kpis.kpis[k];
        for (size_t j = 0; j < g->nbody + g->ntail; j++) {
            const bp_result *r = bp_results_find(c->r, (int)k, g->cols[j].scope, g->cols[j].entity,
                                                 c->year, c->actual);
            bool toward = c->toward && *c->toward;
            score_cell(c, kp, &g->cols[j], r, buf, sizeof buf, &cell, NULL, 0);
            if (c->toward) *c->toward = toward;
            for (char *line = buf; line && *line;) {
                char *nl = strchr(line, '\n');
                if (nl) *nl = '\0';
                char *sp = line == buf ? strrchr(line, ' ') : NULL;
                if (sp && sp != line) *sp = '\0';            /* "82.4% R": the value */
                float w = bp_pdf_text_width(c->pdf, BP_PDF_COMPACT, line);
                if (w > most) most = w;
                line = nl ? nl + 1 : NULL;
            }
        }
    }
    return most + 8.0f;
}

static void grid_table(const grid *g, const sc_column *cols, size_t n, size_t nbody_here)
{
    pk_ctx *c = g->c;
    const bp_result *rs[MAX_COLS];
    bool any = false;
    for (size_t k = 0; k < c->s->kpis.count && !any; k++)
        any = pk_selects(c, g->sec, (int)k) && row_results(c, (int)k, cols, n, rs);
    if (!any) return;                  /* no empty tables: a block with no data is left out */
    bp_pdf_col tc[2 + 2 * MAX_COLS];
    float width = bp_pdf_width(c->pdf), cw = g->cw;
    float each = (width - kpi_w(width) - target_w(width)) / (float)n;
    /* room for two columns an entity: the year before beside the value, not below it */
    bool paired = each >= 2.0f * cw;
    float kw = kpi_w(width), tw = target_w(width);
    if (paired) {
        /* what the pairs leave goes to the KPI's name and its target, on fewer lines */
        float spare = (each - 2.0f * cw) * (float)n;
        kw += 0.6f * spare;
        tw += 0.4f * spare;
        each = 2.0f * cw;
    }
    char heads[MAX_COLS][96], pyb[16];
    bp_year_format(c->year - 1, pyb, sizeof pyb);
    tc[0] = (bp_pdf_col){"KPI", kw, BP_PDF_LEFT};
    tc[1] = (bp_pdf_col){"Target", tw, BP_PDF_LEFT};
    size_t nc = 2;
    for (size_t j = 0; j < n; j++) {
        if (!paired) {
            tc[nc++] = (bp_pdf_col){cols[j].label, each, BP_PDF_RIGHT};
            continue;
        }
        snprintf(heads[j], sizeof heads[j], "%s %s", cols[j].label,
                 c->r->previous ? "last pack" : pyb);
        tc[nc++] = (bp_pdf_col){cols[j].label, each / 2.0f, BP_PDF_RIGHT};
        tc[nc++] = (bp_pdf_col){heads[j], each / 2.0f, BP_PDF_RIGHT};
    }
    bp_pdf_table *t = bp_pdf_table_begin(c->pdf, tc, nc, BP_PDF_COMPACT);
    bp_pdf_table_row_headers(t);
    for (size_t k = 0; k < c->s->kpis.count; k++) {
        if (!pk_selects(c, g->sec, (int)k) || !row_results(c, (int)k, cols, n, rs)) continue;
        const bp_kpi *kp = &c->s->kpis.kpis[k];
        bp_pdf_cell cells[2 + 2 * MAX_COLS];
        char bufs[MAX_COLS][200], pbufs[MAX_COLS][128], label[300], target[600];
        memset(cells, 0, sizeof cells);
        row_label(c, kp, label, sizeof label);
        target_text(g, kp, cols, rs, n, nbody_here, target, sizeof target);
        cells[0].text = label;
        cells[1].text = target;
        for (size_t j = 0, at = 2; j < n; j++) {
            score_cell(c, kp, &cols[j], rs[j], bufs[j], sizeof bufs[j], &cells[at],
                       paired ? pbufs[j] : NULL, sizeof pbufs[j]);
            pk_say_cell(t, at, bufs[j]);
            at++;
            if (paired) {
                pk_say_cell(t, at, pbufs[j]);
                cells[at++].text = pbufs[j];
            }
        }
        bp_pdf_table_row(t, cells);
    }
    bp_pdf_table_end(t);
    bp_pdf_space(c->pdf, 4);
}

/* Does the grid show a "c": a value withheld, in the report year, the year before or the
 * last pack? */
static bool grid_withholds(const grid *g)
{
    pk_ctx *c = g->c;
    for (size_t k = 0; k < c->s->kpis.count; k++) {
        if (!pk_selects(c, g->sec, (int)k)) continue;
        for (size_t j = 0; j < g->nbody + g->ntail; j++) {
            const bp_result *r = bp_results_find(c->r, (int)k, g->cols[j].scope, g->cols[j].entity,
                                                 c->year, BP_ACTUAL);
            const bp_result *b = prior(c, (int)k, &g->cols[j]);
            if ((r && (r->suppressed || r->previous_suppressed)) || (b && b->suppressed)) return true;
        }
    }
    return false;
}

/* The key above the tables: how to read a cell.  It carries the footnote of figures
 * rounded toward the failing side (pk_status_key), so look for them first. */
static void grid_key(const grid *g)
{
    pk_ctx *c = g->c;
    char yb[16], pb[16];
    bp_year_format(c->year, yb, sizeof yb);
    bp_year_format(c->year - 1, pb, sizeof pb);
    const bp_result *rs[MAX_COLS];
    char probe[96];
    size_t n = g->nbody + g->ntail;
    for (size_t j = 0; j < n && c->toward; j++)
        for (size_t k = 0; k < c->s->kpis.count; k++) {
            if (!pk_selects(c, g->sec, (int)k)) continue;
            rs[0] = pk_result(c, (int)k, g->cols[j].scope, g->cols[j].entity);
            if (rs[0] && bp_format_board_value(&c->s->kpis.kpis[k], rs[0], c->units, probe, sizeof probe))
                *c->toward = true;
        }
    char key[900];
    if (c->r->previous) {
        char name[300];
        bp_format_previous_pack(c->r, name, sizeof name);
        if (c->score_key)
            snprintf(key, sizeof key, "Each cell: the %s value and status, below it the last "
                     "pack's (%s) with its movement, and nat. the national benchmark, as the key "
                     "of section %d explains.", yb, name, c->score_key);
        else
            snprintf(key, sizeof key,
                     "Each cell: the %s value and its status - G target met, A amber, R outside "
                     "target (tinted to match), n/a no target applies; below it, the value in the "
                     "last pack, %s, marked with its movement since: \xE2\x96\xB2 better, "
                     "\xE2\x96\xBC worse, \xE2\x97\x8F unchanged (against this year's target: "
                     "further inside or outside it), new a new exception, cleared an exception "
                     "cleared, no mark no movement (no target, or nothing to compare); nat. the "
                     "national benchmark for the phase (the trust: all phases). no data: none for "
                     "that pack. Targets as the KPI file writes them.", yb, name);
    } else if (c->score_key)
        snprintf(key, sizeof key, "Each cell: the %s value and status, below it %s with its trend "
                 "mark, and nat. the national benchmark, as the key of section %d explains.",
                 yb, pb, c->score_key);
    else
        snprintf(key, sizeof key,
                 "Each cell: the %s value and its status - G target met, A amber, R outside "
                 "target (tinted to match), n/a no target applies; below it, %s, marked "
                 "\xE2\x96\xB2 where %s is better, \xE2\x96\xBC worse, \xE2\x97\x8F the same "
                 "(better: higher against a floor, lower against a ceiling, nearer a band; without "
                 "a target, the KPI's direction); nat. the national benchmark for the phase (the "
                 "trust: all phases). no data: none for that year. Targets as the KPI file writes "
                 "them.", yb, pb, yb);
    if (!c->score_key) c->score_key = c->section ? c->section : 1;
    if (grid_withholds(g)) {
        char note[96];
        pk_suppressed_note(c, note, sizeof note);
        size_t len = strlen(key);
        snprintf(key + len, sizeof key - len, " %s.", note);
    }
    pk_status_key_text(c, key);
}

/* Body columns in tables of at most per, as evenly as they go, each with the tail. */
static void kpi_grid(grid *g)
{
    pk_ctx *c = g->c;
    bool shown = false;
    size_t n = g->nbody + g->ntail;
    const bp_result *rs[MAX_COLS];
    for (size_t k = 0; k < c->s->kpis.count && !shown; k++) {
        if (!pk_selects(c, g->sec, (int)k)) continue;
        for (size_t j = 0; j < n && !shown; j++) {
            rs[0] = pk_result(c, (int)k, g->cols[j].scope, g->cols[j].entity);
            shown = pk_has_value(rs[0]);
        }
    }
    if (!shown) {
        bp_pdf_paragraph(c->pdf, BP_PDF_BODY, "None of these KPIs has data in this data set.");
        return;
    }
    grid_key(g);
    /* as many entities a table as fit their widest cell, the tail included */
    float width = bp_pdf_width(c->pdf);
    /* each cell of the grid measured once, not once for each of its tables */
    g->cw = cell_width(g);
    size_t fit = (size_t)((width - kpi_w(width) - target_w(width)) / g->cw);
    size_t per = fit > g->ntail ? fit - g->ntail : 1;
    if (per + g->ntail > MAX_COLS) per = MAX_COLS > g->ntail + 1 ? MAX_COLS - g->ntail : 1;
    size_t blocks = g->nbody ? (g->nbody + per - 1) / per : 1;
    size_t from = 0;
    for (size_t b = 0; b < blocks; b++) {
        size_t take = g->nbody ? (g->nbody - from + (blocks - b) - 1) / (blocks - b) : 0;
        sc_column cols[MAX_COLS];
        size_t m = 0;
        for (size_t j = 0; j < take; j++) cols[m++] = g->cols[from + j];
        for (size_t j = 0; j < g->ntail && m < MAX_COLS; j++) cols[m++] = g->cols[g->nbody + j];
        grid_table(g, cols, m, take);
        from += take;
    }
    if (c->toward) *c->toward = false;     /* footnoted in the key above */
}

/* Starts a scorecard section: landscape for a trust too wide for two portrait tables. */
static bool wide(size_t nbody)
{
    return nbody > 2 * PORTRAIT_BODY;
}

void pk_scorecard(pk_ctx *c, const bp_section *sec)
{
    pk_heading(c, sec, "KPI scorecard", wide(c->ninsts));
    char yb[16], intro[400];
    bp_year_format(c->year, yb, sizeof yb);
    pk_codes_intro(c, intro, sizeof intro, "Each KPI for %s, %s %s, with its target, %s "
                   "and the national benchmark.",
                   c->lgb ? "each institution and the trust" : "each institution and the consolidated trust",
                   yb, c->actual == BP_OUTTURN ? "forecast outturn (below it, to date: the year to date)"
                                               : "actuals", compared_with(c));
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, intro);
    pk_institutions_key(c);
    sc_column *cols = calloc(c->ninsts + 1, sizeof *cols);
    if (!cols) return;
    size_t n = 0;
    for (size_t i = 0; i < c->ninsts; i++)
        cols[n++] = (sc_column){c->m->insts[c->insts[i]].id, BP_SCOPE_INSTITUTION, c->insts[i]};
    cols[n] = (sc_column){"Trust", BP_SCOPE_TRUST, 0};
    grid g = {c, sec, cols, n, 1, "institutions", 0.0f};
    kpi_grid(&g);
    free(cols);
}

/* The trust's institutions in each phase (the centre is in none): the session's index. */
static void phase_members(const pk_ctx *c, size_t members[BP_PHASE_COUNT])
{
    memcpy(members, c->ix->phase_members, sizeof c->ix->phase_members);
}

/* The phases of two or more institutions: a phase of one is that institution, to the
 * penny, and its column would repeat the scorecard's (it is named in a line instead). */
void pk_phases(pk_ctx *c, const bp_section *sec)
{
    pk_heading(c, sec, "KPIs by phase", false);
    sc_column cols[BP_PHASE_COUNT + 1];
    size_t n = 0, members[BP_PHASE_COUNT];
    phase_members(c, members);
    char alone[1024] = "";
    size_t nalone = 0, at = 0;
    for (size_t i = 0; i < c->r->nphases; i++) {
        bp_phase ph = c->r->phases[i];
        if (members[ph] >= 2) {
            cols[n++] = (sc_column){bp_phase_title(ph), BP_SCOPE_PHASE, (int)ph};
            continue;
        }
        const char *who = "";
        for (size_t j = 0; j < c->m->ninsts && members[ph]; j++)
            if ((int)j != c->m->central && c->m->insts[j].phase == ph) who = c->m->insts[j].id;
        if (at < sizeof alone)
            at += (size_t)snprintf(alone + at, sizeof alone - at, "%s%s (%s)", nalone ? ", " : "",
                                   bp_phase_title(ph), *who ? who : "no institution");
        nalone++;
    }
    char buf[1400];
    if (!n) {
        snprintf(buf, sizeof buf, "Each phase of the trust has one institution, so each phase's "
                 "figures are its institution's, in the scorecard: %s.", alone);
        bp_pdf_paragraph(c->pdf, BP_PDF_BODY, buf);
        return;
    }
    int w = snprintf(buf, sizeof buf, "Each phase is the total of its institutions (a ratio of "
                     "sums, never an average of ratios); the trust is consolidated with internal "
                     "transfers eliminated, so it is not the sum of the phases.");
    if (nalone && w > 0 && (size_t)w < sizeof buf)
        snprintf(buf + w, sizeof buf - (size_t)w, " A phase of one institution is that institution, "
                 "in the scorecard: %s.", alone);
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, buf);
    cols[n] = (sc_column){"Trust", BP_SCOPE_TRUST, 0};
    grid g = {c, sec, cols, n, 1, "phases", 0.0f};
    kpi_grid(&g);
}

/* A governing body's institutions beside their phases and the trust. */
void pk_lgb_comparison(pk_ctx *c, const bp_section *sec)
{
    size_t phases = 0;
    bool phase_done[BP_PHASE_COUNT] = {false};
    for (size_t i = 0; i < c->ninsts; i++)
        if (!phase_done[c->m->insts[c->insts[i]].phase]) phase_done[c->m->insts[c->insts[i]].phase] = true, phases++;
    pk_heading(c, sec, "Our institutions against their phase and the trust", wide(c->ninsts));
    char tier[128], intro[500];
    pk_tier(c, false, tier, sizeof tier);
    pk_codes_intro(c, intro, sizeof intro, "Each KPI for the %s's institutions, beside the total "
                   "for their phase across the trust and the consolidated trust, with its target, "
                   "%s and the national benchmark.", tier, compared_with(c));
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, intro);
    pk_institutions_key(c);
    sc_column *cols = calloc(c->ninsts + phases + 1, sizeof *cols);
    if (!cols) return;
    size_t n = 0;
    for (size_t i = 0; i < c->ninsts; i++)
        cols[n++] = (sc_column){c->m->insts[c->insts[i]].id, BP_SCOPE_INSTITUTION, c->insts[i]};
    memset(phase_done, 0, sizeof phase_done);
    size_t nb = n, members[BP_PHASE_COUNT];
    phase_members(c, members);
    for (size_t i = 0; i < c->ninsts; i++) {
        bp_phase ph = c->m->insts[c->insts[i]].phase;
        if (phase_done[ph] || members[ph] < 2) continue;   /* one: the institution */
        phase_done[ph] = true;
        cols[n++] = (sc_column){bp_phase_title(ph), BP_SCOPE_PHASE, (int)ph};
    }
    cols[n++] = (sc_column){"Trust", BP_SCOPE_TRUST, 0};
    grid g = {c, sec, cols, nb, n - nb, "institutions", 0.0f};
    kpi_grid(&g);
    free(cols);
}
