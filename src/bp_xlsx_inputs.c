/* bp_xlsx_inputs: the input sheets - Institutions, Targets, Data (every fact) and
 * Courses - laid out first, because every other figure is a formula over them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_xlsx_internal.h"
#include "bp_util.h"

/* ---- bounded ranges ---- */

/* A defined name over rows first..first + rows - 1 + BP_XL_SPARE_ROWS of one column (0-based
 * rows), cut at the sheet's last row: room for the rows a user adds, without the whole
 * column that Gnumeric is slow on. */
static void define_rows(xl *x, const char *name, const char *sheet, int first, size_t rows, int col)
{
    char a[64], b[16], formula[96];
    bp_formula_ref(a, sizeof a, sheet, first, col);
    bp_formula_ref(b, sizeof b, NULL, xl_rows_end(first, rows), col);
    snprintf(formula, sizeof formula, "=%s:%s", a, b);
    xl_define(x, name, formula);
}

/* ---- Institutions ---- */

static void write_institution(xl *x, int pos)
{
    const xl_sheet s = XS_INSTITUTIONS;
    const bp_institution *in = &x->m->insts[x->inst_order[pos]];
    int row = BP_XL_INST_FIRST_ROW + pos;
    char ref[16], formula[128];
    lxw_format *text = xl_input(x, x->f.text), *whole = xl_input(x, x->f.whole);
    xl_set_src(x, "institutions.csv", in->line, 0, "an institution");
    xl_put_text(x, s, row, BP_XL_INST_ID, in->id, text);
    xl_put_text(x, s, row, BP_XL_INST_NAME, in->name, text);
    xl_put_text(x, s, row, BP_XL_INST_PHASE, bp_phase_id(in->phase), text);
    xl_put_input_date(x, s, row, BP_XL_INST_JOINED, in->joined);
    /* an empty input is still an input: marked, to be filled in */
    if (in->has_capacity) xl_put_number(x, s, row, BP_XL_INST_CAPACITY, (double)in->capacity, whole);
    else xl_put_blank(x, s, row, BP_XL_INST_CAPACITY, whole);
    if (in->has_pan) xl_put_number(x, s, row, BP_XL_INST_PAN, (double)in->pan, whole);
    else xl_put_blank(x, s, row, BP_XL_INST_PAN, whole);
    if (in->lgb) xl_put_text(x, s, row, BP_XL_INST_LGB, in->lgb, text);
    else xl_put_blank(x, s, row, BP_XL_INST_LGB, text);
    bp_formula_ref(ref, sizeof ref, NULL, row, BP_XL_INST_JOINED);
    snprintf(formula, sizeof formula, "=YEAR(%s)+IF(%s>DATE(YEAR(%s),9,1),1,0)", ref, ref, ref);
    xl_put_formula(x, s, row, BP_XL_INST_BASE, formula, x->f.quantity,
                   xl_cache_double(xl_base_year(in)));
    bp_formula_ref(ref, sizeof ref, NULL, row, BP_XL_INST_BASE);
    snprintf(formula, sizeof formula, "=%d-%s", x->s->year, ref);
    xl_put_formula(x, s, row, BP_XL_INST_YEARS, formula, x->f.quantity,
                   xl_cache_double(bp_years_in_trust(in, x->s->year)));
}

void xl_write_institutions(xl *x)
{
    const xl_sheet s = XS_INSTITUTIONS;
    char yb[16], years[48];
    bp_year_format(x->s->year, yb, sizeof yb);
    snprintf(years, sizeof years, "Years in trust %s", yb);
    const char *heads[BP_XL_INST_NCOLS] = {"ID", "Name", "Phase", "Joined", "Capacity", "PAN",
                                           "LGB", "Counts from", years};
    xl_put_title(x, s, "Institutions",
                 "Grouped by phase; years in trust are whole years from joining to 1 September "
                 "(the year less 'Counts from').");
    xl_put_headers_as(x, s, BP_XL_INST_FIRST_ROW - 1, 0, heads, BP_XL_INST_NCOLS, "lllrrrlrr");
    for (size_t p = 0; p < x->m->ninsts; p++) write_institution(x, (int)p);
    xl_validate_words(x, s, BP_XL_INST_FIRST_ROW, BP_XL_INST_PHASE, x->m->ninsts, xl_phase_word,
                      BP_PHASE_COUNT, "phase");
    xl_set_col(x, s, BP_XL_INST_ID, BP_XL_INST_ID, 12, NULL);
    xl_set_col(x, s, BP_XL_INST_NAME, BP_XL_INST_NAME, 44, NULL);
    xl_set_col(x, s, BP_XL_INST_PHASE, BP_XL_INST_PHASE, 22, NULL);
    xl_set_col(x, s, BP_XL_INST_JOINED, BP_XL_INST_BASE, 13, NULL);
    xl_set_col(x, s, BP_XL_INST_YEARS, BP_XL_INST_YEARS, 22, NULL);
    worksheet_freeze_panes(x->ws[s], BP_XL_INST_FIRST_ROW, 0);
    xl_print_setup(x, s, BP_XL_INST_FIRST_ROW - 1, BP_XL_INST_FIRST_ROW - 1);
    /* the sums block looks each institution's phase and attributes up by its id */
    static const struct { const char *name; int col; } names[] = {
        {BP_XL_INST_ID_NAME, BP_XL_INST_ID}, {BP_XL_INST_PHASE_NAME, BP_XL_INST_PHASE},
        {BP_XL_INST_CAPACITY_NAME, BP_XL_INST_CAPACITY}, {BP_XL_INST_PAN_NAME, BP_XL_INST_PAN},
        {BP_XL_INST_BASE_NAME, BP_XL_INST_BASE}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        define_rows(x, names[i].name, BP_XL_SHEET_INSTITUTIONS, BP_XL_INST_FIRST_ROW,
                    x->m->ninsts, names[i].col);
}

/* ---- Targets ---- */

/* The grade band a grade target names ("min Good"): its threshold is that band's
 * lowest total, so the cell links to the grade scale. */
static int target_band(const bp_kpi *k, const bp_target *t, bp_num v)
{
    const char *label = strchr(t->text, ' ');
    for (size_t g = 0; label && g < k->ngrades; g++)
        if (k->grades[g].has_min && bp_num_cmp(k->grades[g].min, v) == 0
            && strcmp(label + 1, k->grades[g].label) == 0)
            return (int)g;
    return -1;
}

/* A threshold as it is typed, in the input style: 0.25% must not read as 0.3%, and
 * money is whole pounds whatever money_units says (a threshold typed in £000 would be a
 * thousand times too small). */
static lxw_format *threshold_unit_format(const xl *x, bp_unit u)
{
    lxw_format *f = u == BP_UNIT_PERCENT ? x->f.fine_percent
                    : u == BP_UNIT_MONEY ? x->f.pounds : xl_unit_format(x, u);
    return xl_input(x, f);
}

static lxw_format *threshold_format(const xl *x, const bp_kpi *k)
{
    return threshold_unit_format(x, k->unit);
}

static void put_threshold(xl *x, int row, int col, size_t kpi, const bp_target *t,
                          const bp_expr *th)
{
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    if (!th) return;
    if (th->op != BP_E_NUM) {
        char text[256];
        bp_expr_to_text(th, text, sizeof text);
        xl_put_text(x, XS_TARGETS, row, col, text, x->f.formula_text);
        return;
    }
    int band = target_band(k, t, th->num);
    if (band >= 0)
        xl_put_link(x, XS_TARGETS, row, col, XS_TARGETS, x->band_row[x->band0[kpi] + (size_t)band],
                    GS_SCORE, x->f.whole, xl_cache_num(th->num, false));
    else
        xl_put_number(x, XS_TARGETS, row, col, bp_num_to_double(th->num), threshold_format(x, k));
}

/* ---- target labels: built from their threshold cells ---- */

/* A threshold written as a plain number in a target's text ("75%", "1,650", "0.80",
 * "£1,000,000"): where its digits are, its cell (TG_LO or TG_HI) and how it is written. */
typedef struct {
    size_t at, len;
    int col, places;
    bool grouped, percent;
} xl_label_num;

static bool is_digit_char(char c) { return c >= '0' && c <= '9'; }

/* Is text[from..to), trimmed and after an optional "£", a number exactly as the label's
 * TEXT() format writes it back (digits grouped by threes with commas or not at all, no
 * leading zeros, its decimals kept)?  Then the label shows the cell as the text has it. */
static bool label_number(const char *text, size_t from, size_t to, int col, xl_label_num *out)
{
    while (from < to && (text[from] == ' ' || text[from] == '\t')) from++;
    while (to > from && (text[to - 1] == ' ' || text[to - 1] == '\t')) to--;
    /* cppcheck-suppress knownConditionTrueFalse ; the loops above stop at a character
     * that is not a blank as well as at from == to */
    if (to - from > 2 && (unsigned char)text[from] == 0xC2 && (unsigned char)text[from + 1] == 0xA3)
        from += 2;
    xl_label_num l = {from, to - from, col, 0, false, false};
    char digits[48], canon[96];
    size_t nd = 0, nc = 0, i = from, dec = 0;
    for (; i < to && (is_digit_char(text[i]) || text[i] == ','); i++) {
        if (text[i] == ',') l.grouped = true;
        else if (nd < sizeof digits) digits[nd++] = text[i];
        else return false;
    }
    if (!nd) return false;
    if (i < to && text[i] == '.') {
        for (dec = ++i; i < to && is_digit_char(text[i]); i++) l.places++;
        if (!l.places || l.places > 20) return false;
    }
    if (i < to && text[i] == '%') l.percent = true, i++;
    if (i != to) return false;
    size_t lead = 0;
    while (lead + 1 < nd && digits[lead] == '0') lead++;
    for (size_t k = lead; k < nd; k++) {
        if (l.grouped && k > lead && (nd - k) % 3 == 0) canon[nc++] = ',';
        canon[nc++] = digits[k];
    }
    if (l.places) {
        canon[nc++] = '.';
        memcpy(canon + nc, text + dec, (size_t)l.places);
        nc += (size_t)l.places;
    }
    if (l.percent) canon[nc++] = '%';
    if (nc != l.len || memcmp(canon, text + from, nc) != 0) return false;
    *out = l;
    return true;
}

/* An Excel string constant: quotes doubled. */
static void put_string(bp_fbuf *b, const char *s, size_t n)
{
    bp_fbuf_puts(b, "\"");
    for (size_t i = 0, q; i < n; i += q + 1) {
        q = 0;
        while (i + q < n && s[i + q] != '"') q++;
        bp_fbuf_printf(b, "%.*s%s", (int)q, s + i, i + q < n ? "\"\"" : "");
    }
    bp_fbuf_puts(b, "\"");
}

/* The cell as the text writes it: its decimals (and two more, should an edit need them),
 * grouped or not, as a percentage or not.  With no decimals written, a whole number
 * shows none and any other two: "0.##%" leaves "75.%" in Gnumeric and "75%" in
 * LibreOffice, so the point is taken off; MOD tells a whole number from another. */
static void put_label_text(bp_fbuf *b, const char *ref, const xl_label_num *l)
{
    const char *whole = l->grouped ? "#,##0" : "0";
    if (l->places) {
        bp_fbuf_printf(b, "TEXT(%s,\"%s.", ref, whole);
        for (int i = 0; i < l->places; i++) bp_fbuf_puts(b, "0");
        bp_fbuf_printf(b, "##%s\")", l->percent ? "%" : "");
    } else if (l->percent) {
        bp_fbuf_printf(b, "SUBSTITUTE(TEXT(%s,\"%s.##%%\"),\".%%\",\"%%\")", ref, whole);
    } else {
        bp_fbuf_printf(b, "IF(MOD(%s,1),TEXT(%s,\"%s.0#\"),TEXT(%s,\"%s\"))", ref, ref, whole, ref,
                       whole);
    }
}

/* The target's text ("max 75%", "band 0.5%..2.0%"), in column TG_TEXT of its row: a
 * formula over the row's threshold cells wherever the text writes a threshold as a plain
 * number, so that editing the threshold edits the label; its cached value is the text
 * itself.  A threshold written otherwise (national(...), a grade, "-2") stays as written. */
static void put_target_label(xl *x, int row, const bp_target *t)
{
    const char *text = t->text;
    size_t n = strlen(text), cmp = strcspn(text, " \t"), nn = 0;
    xl_label_num nums[2];
    const char *dots = t->cmp == BP_CMP_BAND ? strstr(text + cmp, "..") : NULL;
    if (t->cmp == BP_CMP_BAND && dots) {
        size_t d = (size_t)(dots - text);
        if (t->lo && t->lo->op == BP_E_NUM && label_number(text, cmp, d, TG_LO, &nums[nn])) nn++;
        if (t->hi && t->hi->op == BP_E_NUM && label_number(text, d + 2, n, TG_HI, &nums[nn])) nn++;
    } else if (t->cmp != BP_CMP_BAND) {
        const bp_expr *th = t->cmp == BP_CMP_MIN ? t->lo : t->hi;
        if (th && th->op == BP_E_NUM
            && label_number(text, cmp, n, t->cmp == BP_CMP_MIN ? TG_LO : TG_HI, &nums[nn]))
            nn++;
    }
    /* the text around the numbers goes into string constants, which hold 255 characters */
    bool fits = true;
    for (size_t i = 0, end = 0; i <= nn; end = i < nn ? nums[i].at + nums[i].len : end, i++)
        fits = fits && (i < nn ? nums[i].at : n) - end <= 255;
    if (!nn || !fits) {
        xl_put_text(x, XS_TARGETS, row, TG_TEXT, text, x->f.text);
        return;
    }
    bp_fbuf b;
    bp_fbuf_init(&b);
    bp_fbuf_puts(&b, "=");
    size_t at = 0;
    for (size_t i = 0; i < nn; i++) {
        char col[8], ref[24];
        bp_formula_col(col, sizeof col, nums[i].col);
        snprintf(ref, sizeof ref, "%s%d", col, row + 1);   /* its own row: fills down */
        if (nums[i].at > at) {
            put_string(&b, text + at, nums[i].at - at);
            bp_fbuf_puts(&b, "&");
        }
        put_label_text(&b, ref, &nums[i]);
        at = nums[i].at + nums[i].len;
        if (at < n) bp_fbuf_puts(&b, "&");
    }
    if (at < n) put_string(&b, text + at, n - at);
    if (b.nomem) xl_nomem(x);
    else xl_put_formula(x, XS_TARGETS, row, TG_TEXT, b.s, x->f.text, xl_cache_text(text));
    bp_fbuf_free(&b);
}

static void write_target(xl *x, size_t kpi, size_t ti)
{
    const xl_sheet s = XS_TARGETS;
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    const bp_target *t = &k->targets[ti];
    int row = x->target_row[x->target0[kpi] + ti];
    static const char *const cmp[] = {"min", "max", "band"};
    char buf[256];
    xl_set_src(x, k->file, t->line, 0, "a target of %s '%s'", k->expr ? "KPI" : "grade", k->id);
    xl_put_text(x, s, row, TG_KPI, k->id, x->f.text);
    xl_put_text(x, s, row, TG_NAME, k->name, x->f.text);
    put_target_label(x, row, t);
    xl_put_text(x, s, row, TG_CMP, cmp[t->cmp], x->f.text);
    if (t->cmp != BP_CMP_MAX) put_threshold(x, row, TG_LO, kpi, t, t->lo);
    if (t->cmp != BP_CMP_MIN) put_threshold(x, row, TG_HI, kpi, t, t->hi);
    for (size_t a = 0; a < t->namber; a++) {
        xl_put_number(x, s, row, TG_AMBER + 2 * (int)a, bp_num_to_double(t->amber[a].lo),
                      threshold_format(x, k));
        xl_put_number(x, s, row, TG_AMBER + 2 * (int)a + 1, bp_num_to_double(t->amber[a].hi),
                      threshold_format(x, k));
    }
    xl_flag_words(t->scopes ? t->scopes : 7u, xl_scope_word, 4, buf, sizeof buf);
    xl_put_text(x, s, row, TG_SCOPE, buf, x->f.text);
    xl_flag_words(t->phases, xl_phase_word, BP_PHASE_COUNT, buf, sizeof buf);
    xl_put_text(x, s, row, TG_PHASES, t->phases ? buf : "every phase", x->f.text);
    xl_flag_words(t->scenarios, xl_scenario_word, BP_SCENARIO_COUNT, buf, sizeof buf);
    xl_put_text(x, s, row, TG_SCENARIOS, t->scenarios ? buf : "every scenario", x->f.text);
    if (t->from_year) {
        bp_year_format(t->from_year, buf, sizeof buf);
        xl_put_text(x, s, row, TG_FROM, buf, x->f.text);
    }
    if (t->when) {
        bp_expr_to_text(t->when, buf, sizeof buf);
        xl_put_text(x, s, row, TG_WHEN, buf, x->f.formula_text);
    }
}

static void write_benchmarks(xl *x)
{
    int row = x->tg_bench_at;
    const xl_sheet s = XS_TARGETS;
    static const char *const heads[] = {"Year", "Phase", "KPI", "Value"};
    char yb[16];
    xl_put_text(x, s, row + 1, 0, "National benchmarks (national.csv): the thresholds of national() targets",
                x->f.bold);
    xl_put_headers_as(x, s, row + 2, 0, heads, 4, "lllr");
    for (size_t i = 0; i < x->m->nbenchmarks; i++) {
        const bp_benchmark *b = &x->m->benchmarks[i];
        int kpi = bp_kpi_find(&x->s->kpis, b->kpi);
        xl_set_src(x, "national.csv", 0, 0, "the benchmarks");
        int r = x->bench_row[i];
        bp_year_format(b->year, yb, sizeof yb);
        xl_put_text(x, s, r, 0, yb, x->f.text);
        xl_put_text(x, s, r, 1, b->phase, x->f.text);
        xl_put_text(x, s, r, 2, b->kpi, x->f.text);
        xl_put_number(x, s, r, BP_XL_BENCH_VALUE_COL, bp_num_to_double(b->value),
                      kpi >= 0 ? threshold_format(x, &x->s->kpis.kpis[kpi]) : xl_input(x, x->f.quantity));
    }
}

static void write_points_scale(xl *x, size_t kpi, size_t m)
{
    const bp_measure *ms = &x->s->kpis.kpis[kpi].measures[m];
    size_t p0 = x->points0[x->measure0[kpi] + m];
    xl_set_src(x, x->s->kpis.kpis[kpi].file, ms->line, 0, "measure '%s'", ms->id);
    for (size_t j = 0; j < ms->npoints; j++) {
        const bp_points *pt = &ms->points[j];
        int r = x->points_row[p0 + j];
        xl_put_text(x, XS_TARGETS, r, 0, x->s->kpis.kpis[kpi].id, x->f.text);
        xl_put_text(x, XS_TARGETS, r, 1, ms->name, x->f.text);
        xl_put_number(x, XS_TARGETS, r, GS_SCORE, bp_num_to_double(pt->score), xl_input(x, x->f.quantity));
        xl_put_text(x, XS_TARGETS, r, GS_TEST, !pt->has_threshold ? "otherwise" : pt->at_most ? "<=" : ">=",
                    x->f.text);
        if (pt->has_threshold)
            xl_put_number(x, XS_TARGETS, r, GS_THRESHOLD, bp_num_to_double(pt->threshold),
                          threshold_unit_format(x, ms->unit));
    }
}

static void write_grade_scales(xl *x)
{
    int row = x->tg_grades_at;
    const xl_sheet s = XS_TARGETS;
    const bp_kpiset *ks = &x->s->kpis;
    static const char *const heads[] = {"KPI", "Measure or grade", "Points / lowest total", "Test",
                                        "Threshold"};
    xl_put_text(x, s, row + 1, 0, "Grade scales: the points each measure scores, and the grades "
                "by total points", x->f.bold);
    xl_put_headers_as(x, s, row + 2, 0, heads, 5, "llrlr");
    for (size_t k = 0; k < ks->count; k++) {
        const bp_kpi *kp = &ks->kpis[k];
        for (size_t m = 0; m < kp->nmeasures; m++) write_points_scale(x, k, m);
        xl_set_src(x, kp->file, kp->line, 1, "grade '%s'", kp->id);
        for (size_t g = 0; g < kp->ngrades; g++) {
            int r = x->band_row[x->band0[k] + g];
            char label[160];
            xl_text_fmt(label, sizeof label, "Grade: %s", kp->grades[g].label);
            xl_put_text(x, s, r, 0, kp->id, x->f.text);
            xl_put_text(x, s, r, 1, label, x->f.text);
            if (kp->grades[g].has_min) {
                xl_put_number(x, s, r, GS_SCORE, bp_num_to_double(kp->grades[g].min),
                              xl_input(x, x->f.quantity));
                xl_put_text(x, s, r, GS_TEST, ">=", x->f.text);
            } else {
                xl_put_text(x, s, r, GS_TEST, "otherwise", x->f.text);
            }
        }
    }
}

static void write_definitions(xl *x)
{
    int row = x->tg_defs_at;
    const xl_sheet s = XS_TARGETS;
    const bp_kpiset *ks = &x->s->kpis;
    static const char *const heads[] = {"KPI", "Name", "Unit", "Section", "Expression",
                                        "Description"};
    xl_put_text(x, s, row + 1, 0, "KPI definitions: the expressions every formula in this workbook "
                "is compiled from", x->f.bold);
    xl_put_headers(x, s, row + 2, 0, heads, 6);
    row += 3;
    for (size_t k = 0; k < ks->count; k++, row++) {
        const bp_kpi *kp = &ks->kpis[k];
        char text[1024];
        xl_set_src(x, kp->file, kp->line, 1, "%s '%s'", kp->expr ? "KPI" : "grade", kp->id);
        xl_put_text(x, s, row, 0, kp->id, x->f.text);
        xl_put_text(x, s, row, 1, kp->name, x->f.text);
        xl_put_text(x, s, row, 2, bp_unit_id(kp->unit), x->f.text);
        xl_put_text(x, s, row, 3, kp->section ? kp->section : "", x->f.text);
        if (kp->expr) bp_expr_to_text(kp->expr, text, sizeof text);
        else snprintf(text, sizeof text, "grade: the total points of its measures");
        xl_put_text(x, s, row, 4, text, x->f.formula_text);
        xl_put_text(x, s, row, 5, kp->description ? kp->description : "", x->f.text);
    }
}

void xl_write_targets(xl *x)
{
    const xl_sheet s = XS_TARGETS;
    const bp_kpiset *ks = &x->s->kpis;
    static const char *const heads[TG_NCOLS] = {
        "KPI", "Name", "Target", "Comparator", "Lower", "Upper", "Amber from", "Amber to",
        "Amber from", "Amber to", "Applies to", "Phases", "Scenarios", "From", "When"};
    xl_put_title(x, s, "Targets and thresholds",
                 "Edit a threshold here and every status that depends on it updates. Thresholds are "
                 "inclusive: a value on a threshold meets it; a value on an amber edge is amber.");
    xl_put_headers_as(x, s, TARGETS_FIRST_ROW - 1, 0, heads, TG_NCOLS, "llllrrrrrr");
    for (size_t k = 0; k < ks->count; k++)
        for (size_t t = 0; t < ks->kpis[k].ntargets; t++) write_target(x, k, t);
    write_benchmarks(x);
    write_grade_scales(x);
    write_definitions(x);
    xl_set_col(x, s, TG_KPI, TG_KPI, 24, NULL);
    xl_set_col(x, s, TG_NAME, TG_NAME, 40, NULL);
    xl_set_col(x, s, TG_TEXT, TG_TEXT, 22, NULL);
    xl_set_col(x, s, TG_CMP, TG_CMP, 11, NULL);
    xl_set_col(x, s, TG_LO, TG_AMBER + 3, 11, NULL);
    xl_set_col(x, s, TG_SCOPE, TG_PHASES, 28, NULL);
    xl_set_col(x, s, TG_SCENARIOS, TG_SCENARIOS, 18, NULL);
    xl_set_col(x, s, TG_FROM, TG_FROM, 9, NULL);
    xl_set_col(x, s, TG_WHEN, TG_WHEN, 22, NULL);
    worksheet_freeze_panes(x->ws[s], TARGETS_FIRST_ROW, 1);
    xl_print_setup(x, s, TARGETS_FIRST_ROW - 1, TARGETS_FIRST_ROW - 1);
}

/* ---- Data ---- */

/* One fact as typed: no formula, so that sorting, filtering or adding rows moves nothing
 * but the facts. */
static void write_fact(xl *x, size_t i)
{
    const xl_sheet s = XS_DATA;
    const bp_fact *f = &x->m->facts[i];
    int row = (int)i + 1;
    char yb[16];
    lxw_format *in = xl_input(x, x->f.text);
    xl_set_src(x, x->m->inputs[f->file].name, f->line, 0, "a fact");
    bp_year_format(f->year, yb, sizeof yb);
    /* the criteria every formula selects by, and the value: inputs (pence kept) */
    xl_put_text(x, s, row, BP_XL_DATA_INST, x->m->insts[f->inst].id, in);
    xl_put_text(x, s, row, BP_XL_DATA_YEAR, yb, in);
    xl_put_text(x, s, row, BP_XL_DATA_SCENARIO, bp_scenario_id(f->scenario), in);
    /* empty for a whole-year fact, M01..M12 for a month (contract v2): the column is on
     * every workbook, so an annual one, all blank, is what it always was */
    if (f->period) {
        char month[8];
        bp_month_format(f->period, month, sizeof month);
        xl_put_text(x, s, row, BP_XL_DATA_PERIOD, month, in);
    } else {
        xl_put_blank(x, s, row, BP_XL_DATA_PERIOD, in);
    }
    xl_put_text(x, s, row, BP_XL_DATA_CODE, f->code, in);
    if (f->money) xl_put_money(x, s, row, BP_XL_DATA_VALUE, f->value, xl_input(x, x->f.pence));
    else xl_put_number(x, s, row, BP_XL_DATA_VALUE, (double)f->value / 1e6, xl_input(x, x->f.quantity));
    xl_put_text(x, s, row, BP_XL_DATA_FILE, x->m->inputs[f->file].name, x->f.text);
    xl_put_number(x, s, row, BP_XL_DATA_LINE, (double)f->line, x->f.whole);
}

static int line_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* More facts than the Data sheet has rows below its header: an error at the first fact
 * that does not fit, in reading order (the files in the documented order, each top to
 * bottom). */
static void too_many_facts(xl *x, size_t cap)
{
    const bp_model *m = x->m;
    size_t before = 0;
    for (size_t file = 0; file < m->ninputs; file++) {
        size_t here = 0;
        for (size_t i = 0; i < m->nfacts; i++) here += m->facts[i].file == (int)file;
        if (before + here <= cap) {
            before += here;
            continue;
        }
        int *lines = malloc(here * sizeof *lines);
        if (!lines) {
            xl_nomem(x);
            return;
        }
        size_t k = 0;
        for (size_t i = 0; i < m->nfacts; i++)
            if (m->facts[i].file == (int)file) lines[k++] = m->facts[i].line;
        qsort(lines, here, sizeof *lines, line_cmp);
        xl_src at = {m->inputs[file].name, lines[cap - before], 0, "a fact"};
        free(lines);
        xl_limit(x, &at, "found more than %zu facts, expected at most %zu: the rows of the workbook's "
                 "Data sheet below its header", cap, cap);
        x->full[XS_DATA] = true;
        return;
    }
}

void xl_write_data(xl *x)
{
    const xl_sheet s = XS_DATA;
    static char *heads[BP_XL_DATA_NCOLS] = {"Institution", "Year", "Scenario", "Period", "Code",
                                            "Value", "File", "Line"};
    static const char *const names[BP_XL_DATA_NCOLS] = {
        BP_XL_FACT_INST, BP_XL_FACT_YEAR, BP_XL_FACT_SCENARIO, BP_XL_FACT_PERIOD, BP_XL_FACT_CODE,
        BP_XL_FACT_VALUE, BP_XL_FACT_FILE, BP_XL_FACT_LINE};
    size_t n = x->m->nfacts;
    /* one row a fact, below the header */
    if (n > BP_EXCEL_ROWS - 1) {
        too_many_facts(x, BP_EXCEL_ROWS - 1);
        n = BP_EXCEL_ROWS - 1;
    }
    if (n && xl_live(x)) {
        lxw_table_column cols[BP_XL_DATA_NCOLS], *ptrs[BP_XL_DATA_NCOLS + 1];
        memset(cols, 0, sizeof cols);
        for (int c = 0; c < BP_XL_DATA_NCOLS; c++) {
            if (!xl_cell_text_ok(x, heads[c], s, 0, c)) return;
            cols[c].header = heads[c];
            cols[c].header_format = xl_header_as(x, c == BP_XL_DATA_VALUE || c == BP_XL_DATA_LINE ? 'r' : 'l');
            ptrs[c] = &cols[c];
        }
        ptrs[BP_XL_DATA_NCOLS] = NULL;
        lxw_table_options opt;
        memset(&opt, 0, sizeof opt);
        opt.name = "Facts";
        opt.columns = ptrs;
        opt.style_type = LXW_TABLE_STYLE_TYPE_LIGHT;
        opt.style_type_number = 9;
        xl_check(x, worksheet_add_table(x->ws[s], 0, 0, (lxw_row_t)n, BP_XL_DATA_NCOLS - 1, &opt), s,
                 0, 0);
    } else {
        xl_put_headers_as(x, s, 0, 0, (const char *const *)heads, BP_XL_DATA_NCOLS, "lllllrlr");
    }
    xl_validate_words(x, s, 1, BP_XL_DATA_SCENARIO, n, xl_scenario_word, BP_INPUT_SCENARIOS, "scenario");
    /* a dry run counts the rows (above) and need not write a million facts out: their
     * texts are CSV fields, which hold no more than a cell does (bp_csv) */
    for (size_t i = 0; i < n && xl_live(x) && !x->dry; i++) write_fact(x, i);
    xl_set_col(x, s, BP_XL_DATA_INST, BP_XL_DATA_PERIOD, 11, NULL);
    xl_set_col(x, s, BP_XL_DATA_CODE, BP_XL_DATA_CODE, 34, NULL);
    xl_set_col(x, s, BP_XL_DATA_VALUE, BP_XL_DATA_VALUE, 16, NULL);
    xl_set_col(x, s, BP_XL_DATA_FILE, BP_XL_DATA_FILE, 16, NULL);
    xl_set_col(x, s, BP_XL_DATA_LINE, BP_XL_DATA_LINE, 8, NULL);
    worksheet_freeze_panes(x->ws[s], 1, 0);
    xl_print_setup(x, s, 0, 0);
    for (int c = 0; c < BP_XL_DATA_NCOLS; c++) define_rows(x, names[c], BP_XL_SHEET_DATA, 1, n, c);
}

/* ---- Courses ---- */

/* KPIs with a per-course target (the first one), as bp_eval's eval_courses finds them. */
static int course_target(const bp_kpi *k)
{
    if (!k->expr) return -1;
    for (size_t t = 0; t < k->ntargets; t++)
        if (k->targets[t].scopes & BP_SCOPE_F_COURSE) return (int)t;
    return -1;
}

static const bp_course_result *course_result(const xl *x, size_t kpi, size_t course)
{
    for (size_t i = 0; i < x->res->ncourses; i++)
        if (x->res->courses[i].kpi == (int)kpi && x->res->courses[i].course == (int)course)
            return &x->res->courses[i];
    return NULL;
}

/* build --publish: is the course's head count withheld (bp_suppress)? */
static bool students_withheld(const xl *x, size_t course)
{
    for (size_t i = 0; x->res->published && i < x->res->ncourses; i++)
        if (x->res->courses[i].course == (int)course && x->res->courses[i].suppressed) return true;
    return false;
}

static void write_course_inputs(xl *x, size_t ci)
{
    const xl_sheet s = XS_COURSES;
    const bp_course *co = &x->m->courses[ci];
    const bp_institution *in = &x->m->insts[co->inst];
    int row = x->course_row[ci];
    char yb[16];
    lxw_format *text = xl_input(x, x->f.text), *money = xl_input(x, x->f.money);
    xl_set_src(x, "courses.csv", co->line, 0, "a course");
    bp_year_format(co->year, yb, sizeof yb);
    xl_put_text(x, s, row, BP_XL_COURSE_C_INST, in->id, text);
    xl_put_text(x, s, row, BP_XL_COURSE_C_YEAR, yb, text);
    xl_put_text(x, s, row, BP_XL_COURSE_C_NAME, co->course, text);
    if (students_withheld(x, ci)) xl_put_text(x, s, row, BP_XL_COURSE_C_STUDENTS, "c", text);
    else xl_put_number(x, s, row, BP_XL_COURSE_C_STUDENTS, (double)co->students, xl_input(x, x->f.whole));
    xl_put_money(x, s, row, BP_XL_COURSE_C_INCOME, co->income, money);
    xl_put_money(x, s, row, BP_XL_COURSE_C_COSTS, co->direct_costs, money);
    xl_put_text(x, s, row, BP_XL_COURSE_C_MINORITY, co->minority ? "yes" : "no", text);
}

/* One course's result for a KPI: its value over the course row and its status against
 * the per-course target, which an agreed minority subject is exempt from. */
static void write_course_result(xl *x, size_t ci, size_t kpi, int col)
{
    const xl_sheet s = XS_COURSES;
    const bp_kpi *k = &x->s->kpis.kpis[kpi];
    const bp_course *co = &x->m->courses[ci];
    const bp_target *t = &k->targets[course_target(k)];
    const bp_course_result *cr = course_result(x, kpi, ci);
    int row = x->course_row[ci], member = co->inst;
    bp_expr_ctx c = xl_inst_ctx(x, member, co->year, BP_ACTUAL);
    c.course = (int)ci;
    if (!cr) return;
    xl_set_src(x, k->file, k->expr->line, k->expr->column, "KPI '%s'", k->id);
    if (!xl_cell_formula(x, k->expr, &c, k->unit == BP_UNIT_MONEY, k->id)) return;
    xl_put_formula(x, s, row, col, x->fb.s, xl_kpi_format(x, k),
                   xl_cache_num(cr->value, k->unit == BP_UNIT_MONEY));
    bool applies = (!t->from_year || co->year >= t->from_year)
                   && (!t->phases || (t->phases & (1u << x->m->insts[member].phase)));
    if (!applies) {
        xl_put_text(x, s, row, col + 1, "none", x->f.none);
        return;
    }
    char value[16], minority[16], when[64];
    bp_formula_ref(value, sizeof value, NULL, row, col);
    bp_formula_ref(minority, sizeof minority, NULL, row, BP_XL_COURSE_C_MINORITY);
    snprintf(when, sizeof when, "IF(%s=\"yes\",0,1)", minority);
    xl_rules r;
    if (!xl_rules_init(x, &r, 1)) return;
    xl_target_src(x, k, t);
    xl_add_rule(x, &r, kpi, (size_t)course_target(k), &c, when);
    xl_value v = {value, k->expr, k->unit == BP_UNIT_MONEY, bp_num_none(), 0, k->id, NULL};
    xl_put_status_rules(x, s, row, col + 1, &v, &c, &r, cr->status);
    xl_rules_free(&r);
}

/* One institution's average for one year: each course KPI for the institution, with
 * the institution's targets. */
static void write_average(xl *x, int row, const xl_entity *e, int year, const size_t *kpis,
                          size_t nk)
{
    const xl_sheet s = XS_COURSES;
    char yb[16];
    bp_year_format(year, yb, sizeof yb);
    xl_put_text(x, s, row, 0, e->id, x->f.text);
    xl_put_text(x, s, row, 1, e->name, x->f.text);
    xl_put_text(x, s, row, 2, yb, x->f.text);
    for (size_t j = 0; j < nk; j++) {
        const bp_kpi *k = &x->s->kpis.kpis[kpis[j]];
        const bp_result *res = xl_result_of(x, kpis[j], e, year, BP_ACTUAL);
        bp_expr_ctx c = xl_entity_ctx(x, e, year, BP_ACTUAL);
        int col = 3 + 2 * (int)j;
        char value[16];
        if (!res) continue;
        xl_set_src(x, k->file, k->expr->line, k->expr->column, "KPI '%s'", k->id);
        if (!xl_cell_formula(x, k->expr, &c, k->unit == BP_UNIT_MONEY, k->id)) continue;
        xl_put_formula(x, s, row, col, x->fb.s, xl_kpi_format(x, k),
                       xl_cache_num(res->value, k->unit == BP_UNIT_MONEY));
        bp_formula_ref(value, sizeof value, NULL, row, col);
        xl_value v = {value, k->expr, k->unit == BP_UNIT_MONEY, bp_num_none(), 0, k->id, NULL};
        xl_put_status(x, s, row, col + 1, kpis[j], e, &c, &v, res->status);
    }
}

static bool has_courses(const xl *x, int inst, int year)
{
    for (size_t ci = 0; ci < x->m->ncourses; ci++)
        if (x->m->courses[ci].inst == inst && x->m->courses[ci].year == year) return true;
    return false;
}

/* Each institution's average over its non-minority courses, year by year: above the
 * course rows, so that rows added below the last course are courses (xl_plan). */
static void write_course_averages(xl *x, const size_t *kpis, size_t nk)
{
    const xl_sheet s = XS_COURSES;
    int years[64], row = x->avg_at;
    size_t ny = xl_course_years(x, years, 64);
    xl_put_text(x, s, row, 0, "Institution averages: income less direct costs over income, "
                "non-minority courses", x->f.bold);
    xl_put_text(x, s, row + 1, 0, "Institution", x->f.header);
    xl_put_text(x, s, row + 1, 1, "Name", x->f.header);
    xl_put_text(x, s, row + 1, 2, "Year", x->f.header);
    for (size_t j = 0; j < nk; j++) {
        xl_put_text(x, s, row + 1, 3 + 2 * (int)j, x->s->kpis.kpis[kpis[j]].id, x->f.header_num);
        xl_put_text(x, s, row + 1, 4 + 2 * (int)j, "status", x->f.header_mid);
    }
    int first = row + 2;
    row = first;
    for (size_t p = 0; p < x->m->ninsts && xl_live(x); p++)
        for (size_t yi = 0; yi < ny; yi++)
            if (has_courses(x, x->ents[p].entity, years[yi]))
                write_average(x, row++, &x->ents[p], years[yi], kpis, nk);
    for (size_t j = 0; j < nk && row > first; j++)
        xl_status_colours(x, s, first, 3 + 2 * (int)j, row - 1, 4 + 2 * (int)j);
}

static const char *yes_no(int i) { return i ? "no" : "yes"; }

void xl_write_courses(xl *x)
{
    const xl_sheet s = XS_COURSES;
    const char *heads[BP_XL_COURSE_NCOLS] = {
        "Institution", "Year", "Course", "Students", "Income", "Direct costs", "Minority"};
    static const struct { const char *name; int col; } names[] = {
        {BP_XL_COURSE_INST, BP_XL_COURSE_C_INST}, {BP_XL_COURSE_YEAR, BP_XL_COURSE_C_YEAR},
        {BP_XL_COURSE_MINORITY, BP_XL_COURSE_C_MINORITY}, {BP_XL_COURSE_INCOME, BP_XL_COURSE_C_INCOME},
        {BP_XL_COURSE_COSTS, BP_XL_COURSE_C_COSTS}, {BP_XL_COURSE_STUDENTS, BP_XL_COURSE_C_STUDENTS}};
    char income[32], costs[32];
    snprintf(income, sizeof income, "Income%s", xl_money_note(x));
    snprintf(costs, sizeof costs, "Direct costs%s", xl_money_note(x));
    heads[BP_XL_COURSE_C_INCOME] = income;
    heads[BP_XL_COURSE_C_COSTS] = costs;
    const bp_kpiset *ks = &x->s->kpis;
    size_t *kpis = malloc((ks->count + 1) * sizeof *kpis), nk = 0;
    int head = x->courses_header, first = head + 1;
    if (!kpis) {
        xl_nomem(x);
        return;
    }
    for (size_t k = 0; k < ks->count; k++)
        if (course_target(&ks->kpis[k]) >= 0) kpis[nk++] = k;
    xl_put_title(x, s, "Post-16 courses",
                 "Contribution = (income - direct costs) / income; agreed minority subjects are "
                 "exempt from the per-course floor and left out of the averages.");
    if (x->m->ncourses) {
        write_course_averages(x, kpis, nk);
        xl_put_headers_as(x, s, head, 0, heads, BP_XL_COURSE_NCOLS, "lllrrr");
        for (size_t j = 0; j < nk; j++) {
            xl_put_text(x, s, head, BP_XL_COURSE_NCOLS + 2 * (int)j, ks->kpis[kpis[j]].id,
                        x->f.header_num);
            xl_put_text(x, s, head, BP_XL_COURSE_NCOLS + 2 * (int)j + 1, "status",
                        x->f.header_mid);
        }
    } else {
        xl_put_text(x, s, head, 0, "No courses.csv: no course data.", x->f.note);
    }
    for (size_t ci = 0; ci < x->m->ncourses && xl_live(x); ci++) {
        write_course_inputs(x, ci);
        for (size_t j = 0; j < nk; j++)
            write_course_result(x, ci, kpis[j], BP_XL_COURSE_NCOLS + 2 * (int)j);
    }
    int last = first + (int)x->m->ncourses - 1;
    for (size_t j = 0; j < nk && x->m->ncourses; j++) {
        int col = BP_XL_COURSE_NCOLS + 2 * (int)j;
        xl_status_colours(x, s, first, col, last, col + 1);
    }
    xl_validate_words(x, s, first, BP_XL_COURSE_C_MINORITY, x->m->ncourses, yes_no, 2,
                      "yes or no");
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        define_rows(x, names[i].name, BP_XL_SHEET_COURSES, first, x->m->ncourses, names[i].col);
    xl_set_col(x, s, 0, 1, 12, NULL);
    xl_set_col(x, s, BP_XL_COURSE_C_NAME, BP_XL_COURSE_C_NAME, 40, NULL);
    xl_set_col(x, s, BP_XL_COURSE_C_STUDENTS, BP_XL_COURSE_C_COSTS, 14, NULL);
    xl_set_col(x, s, BP_XL_COURSE_C_MINORITY, BP_XL_COURSE_C_MINORITY, 9, NULL);
    /* each KPI's column wide enough for its id, which is its header */
    for (size_t j = 0; j < nk; j++) {
        int col = BP_XL_COURSE_NCOLS + 2 * (int)j;
        size_t w = strlen(ks->kpis[kpis[j]].id) + 2;
        xl_set_col(x, s, col, col, w < 12 ? 12 : w > 60 ? 60 : (double)w, NULL);
        xl_set_col(x, s, col + 1, col + 1, 12, NULL);
    }
    if (!nk) xl_set_col(x, s, BP_XL_COURSE_NCOLS, BP_XL_COURSE_NCOLS + 2, 12, NULL);
    free(kpis);
    xl_print_setup(x, s, head, head);
}
