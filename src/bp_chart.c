/* bp_chart: the bar and line charts of bp_pdf (see bp_pdf.h), drawn with paths.
 *
 * A chart takes exactly the height it is given, starts a new page first if it does not
 * fit, and keeps everything inside its box: labels are wrapped or shortened to their
 * slot, never allowed to run into a neighbour.  Charts must read in greyscale, so status
 * is also a letter (G, A, R), the target band is hatched and each line series has its
 * own marker shape. */
#include "bp_pdf_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_util.h"

#define TITLE_SIZE 10.0f
#define TITLE_H 16.0f
/* No text under 8 pt (issue #15, docs/accessibility.md: tests/e2e/contrast_check.py
 * measures every string drawn): a value label too wide for its slot at that size is left
 * out rather than shrunk - the chart's /Alt and the tables beside it have every value. */
#define LABEL_SIZE 8.0f          /* ticks, values, x labels */
#define LABEL_MIN_SIZE 8.0f      /* a value label is shrunk to this before it is left out */
#define LABEL_LEADING 9.7f
#define LABEL_CAP 5.8f           /* height of a capital at LABEL_SIZE */
#define LEGEND_SIZE 8.0f
#define LEGEND_ROW 12.0f
#define KEY_W 16.0f              /* a legend key's width */
#define MAX_SERIES 6
#define MIN_PLOT 40.0f           /* the smallest plot worth drawing */
#define PLOT_GAP 8.0f            /* between the legend and the plot */
#define XLABEL_H (2.0f * LABEL_LEADING + 4.0f)       /* two lines of x labels */
#define END_LABEL_H (2.0f * LABEL_LEADING + 1.0f)    /* value and letter beyond a bar */

/* ---- axes ---- */

/* Values beyond a million billion are not figures of a school trust but broken data;
 * an axis cannot be scaled to them (nor to infinities), so they are treated as missing. */
static bool chartable(double v)
{
    return isfinite(v) && fabs(v) < 1e15;
}

typedef struct {
    double lo, hi, step;         /* ticks at lo, lo + step, ..., hi */
    int nsteps;
} axis;

/* How many decimals `v` needs (0 to 3) to be written exactly. */
static int decimals_of(double v)
{
    for (int d = 0; d < 3; d++) {
        double scaled = v * pow(10.0, d);
        if (fabs(scaled - round(scaled)) < 1e-6 * fmax(1.0, fabs(scaled))) return d;
    }
    return 3;
}

/* Steps finer than a unit shows are no use: percent one decimal, ratio two, money
 * whole pounds, numbers one decimal. */
static bool step_shown(double step, bp_pdf_unit unit)
{
    switch (unit) {
    case BP_PDF_UNIT_PERCENT: return decimals_of(step * 100.0) <= 1;
    case BP_PDF_UNIT_RATIO: return decimals_of(step) <= 2;
    case BP_PDF_UNIT_MONEY: return decimals_of(step) == 0;
    case BP_PDF_UNIT_NUMBER: break;
    }
    return decimals_of(step) <= 1;
}

static int steps_between(double lo, double hi, double step)
{
    double first = floor(lo / step + 1e-9), last = ceil(hi / step - 1e-9);
    return (int)(last - first);
}

/* An axis over lo..hi with 4 to 6 ticks at a "nice" step: 1, 2, 2.5 or 5 times a power
 * of ten, no finer than the unit shows. */
static axis nice_axis(double lo, double hi, bp_pdf_unit unit)
{
    if (!(hi > lo)) {   /* one value: a tenth either side; zero: up to 1 (money £1,000) */
        double pad = lo != 0.0 ? fabs(lo) * 0.1 : unit == BP_PDF_UNIT_MONEY ? 1000.0 : 1.0;
        if (lo != 0.0) lo -= pad;
        hi += pad;
    }
    static const double mult[4] = {1.0, 2.0, 2.5, 5.0};
    double mag = pow(10.0, floor(log10((hi - lo) / 6.0)));
    double step = mag;
    for (int i = 0; i < 64; i++) {
        step = mult[i % 4] * mag * pow(10.0, i / 4);
        if (step_shown(step, unit) && steps_between(lo, hi, step) <= 5) break;
    }
    axis a = {floor(lo / step + 1e-9) * step, ceil(hi / step - 1e-9) * step, step, 0};
    a.nsteps = steps_between(a.lo, a.hi, step);
    while (a.nsteps < 3) {                     /* widen away from zero to reach 4 ticks */
        if (a.hi <= 0.0) a.lo -= step;
        else a.hi += step;
        a.nsteps++;
    }
    return a;
}

static double tick_value(const axis *a, int i)
{
    double v = a->lo + a->step * i;
    return fabs(v) < a->step * 1e-6 ? 0.0 : v;     /* no "-0" */
}

/* ---- number formats ---- */

/* Drops trailing zeros after the decimal point of a bare number, and the point when
 * nothing follows: "80.0" -> "80", "1.50" -> "1.5". */
static void trim_zeros(char *s)
{
    char *dot = strchr(s, '.');
    if (!dot) return;
    char *end = dot + strlen(dot);
    while (end > dot + 1 && end[-1] == '0') end--;
    if (end == dot + 1) end = dot;
    *end = '\0';
}

/* "-0" and "-0.0" are zero: a minus sign only before a digit other than 0. */
static void drop_minus_zero(char *s)
{
    if (s[0] == '-' && !strpbrk(s, "123456789")) memmove(s, s + 1, strlen(s));
}

/* Thousands separators in a formatted number's whole part: "-12345.5" -> "-12,345.5".  A
 * whole part of more than 38 digits (beyond 10^38: no chart's value), or a result longer
 * than the buffer, leaves s as it is. */
static void group_thousands(char *s, size_t n)
{
    const char *q = s + (s[0] == '-');
    size_t whole = strspn(q, "0123456789");
    if (whole == 0 || whole > 38) return;
    bp_u128 v = 0;
    for (size_t i = 0; i < whole; i++) v = v * 10 + (unsigned)(q[i] - '0');
    char digits[52], *end = digits + sizeof digits, out[96];
    const char *d = bp_digits_before(v, true, end);
    int len = snprintf(out, sizeof out, "%.*s%.*s%s", (int)(q - s), s, (int)(end - d), d,
                       q + whole);
    if (len > 0 && (size_t)len < n) memcpy(s, out, (size_t)len + 1);   /* never a cut figure */
}

/* Money in pounds, in a given scale (1, 1e3 "k", 1e6 "m", 1e9 "bn") with `d` decimals. */
static void money(char *buf, size_t n, double v, double scale, int d, bool trim)
{
    const char *suffix = scale >= 1e9 ? "bn" : scale >= 1e6 ? "m" : scale >= 1e3 ? "k" : "";
    char num[48];
    snprintf(num, sizeof num, "%.*f", d, fabs(v) / scale);
    if (trim) trim_zeros(num);
    if (strspn(num, "0.") == strlen(num)) {      /* nothing: no sign, no scale */
        snprintf(buf, n, "\xC2\xA3" "0");
        return;
    }
    snprintf(buf, n, "%s\xC2\xA3%s%s", v < 0.0 ? "-" : "", num, suffix);
}

/* One scale for a whole axis, from its largest tick. */
static double money_scale(double biggest)
{
    return biggest >= 1e9 ? 1e9 : biggest >= 1e6 ? 1e6 : biggest >= 1e3 ? 1e3 : 1.0;
}

static void tick_label(char *buf, size_t n, const axis *a, int i, bp_pdf_unit unit)
{
    double v = tick_value(a, i);
    switch (unit) {
    case BP_PDF_UNIT_PERCENT:
        snprintf(buf, n, "%.*f%%", decimals_of(a->step * 100.0), v * 100.0);
        return;
    case BP_PDF_UNIT_RATIO:
        snprintf(buf, n, "%.2f", v);
        return;
    case BP_PDF_UNIT_MONEY: {
        double scale = money_scale(fmax(fabs(a->lo), fabs(a->hi)));
        money(buf, n, v, scale, decimals_of(a->step / scale), false);
        return;
    }
    case BP_PDF_UNIT_NUMBER:
        break;
    }
    snprintf(buf, n, "%.*f", decimals_of(a->step), v);
    group_thousands(buf, n);
}

/* A bar's own value: percent with one decimal ("71.4%", "80%"), ratio with two, money
 * to three significant figures ("£1.23m", "£250k", "£900"), numbers with one decimal. */
static void value_label(char *buf, size_t n, double v, bp_pdf_unit unit)
{
    switch (unit) {
    case BP_PDF_UNIT_PERCENT:
        snprintf(buf, n, "%.1f", v * 100.0);
        trim_zeros(buf);
        drop_minus_zero(buf);
        strncat(buf, "%", n - strlen(buf) - 1);
        return;
    case BP_PDF_UNIT_RATIO:
        snprintf(buf, n, "%.2f", v);
        drop_minus_zero(buf);
        return;
    case BP_PDF_UNIT_MONEY: {
        double m = fabs(v);
        /* the scale the value shows in once rounded: 999,999 is "£1m", not "£1000k" */
        double scale = m >= 999.5e6 ? 1e9 : m >= 999500.0 ? 1e6 : m >= 999.5 ? 1e3 : 1.0;
        double s = m / scale;
        money(buf, n, v, scale, scale == 1.0 ? 0 : s < 9.995 ? 2 : s < 99.95 ? 1 : 0, true);
        return;
    }
    case BP_PDF_UNIT_NUMBER:
        break;
    }
    snprintf(buf, n, "%.1f", v);
    trim_zeros(buf);
    drop_minus_zero(buf);
    group_thousands(buf, n);
}

/* ---- drawing helpers ---- */

/* A chart's box on the page, the plot area inside it, and the plot's value axis. */
typedef struct {
    float top, bottom;           /* the whole chart */
    float plot_top, plot_bottom, plot_left, plot_right;
    axis ax;
} frame;

static float y_of(const frame *f, double v)
{
    double t = (v - f->ax.lo) / (f->ax.hi - f->ax.lo);
    return f->plot_bottom + (float)t * (f->plot_top - f->plot_bottom);
}

static float tick_label_width(bp_pdf *p, const axis *a, bp_pdf_unit unit)
{
    float widest = 0.0f;
    for (int i = 0; i <= a->nsteps; i++) {
        char buf[64];
        tick_label(buf, sizeof buf, a, i, unit);
        float w = bpi_width(p, false, LABEL_SIZE, buf, strlen(buf));
        if (w > widest) widest = w;
    }
    return widest;
}

/* Gridlines and tick labels at the left of the plot, and the axis line. */
static void draw_y_axis(bp_pdf *p, HPDF_Page pg, const frame *f, bp_pdf_unit unit)
{
    for (int i = 0; i <= f->ax.nsteps; i++) {
        float y = y_of(f, tick_value(&f->ax, i));
        bpi_rule(pg, f->plot_left, f->plot_right, y, 0.3f, 0.82f);
        char buf[64];
        tick_label(buf, sizeof buf, &f->ax, i, unit);
        float w = bpi_width(p, false, LABEL_SIZE, buf, strlen(buf));
        bpi_text(p, pg, false, LABEL_SIZE, BPI_INK_SOFT, f->plot_left - 4.0f - w,
                 y - LABEL_CAP / 2.0f, buf, strlen(buf));
    }
    bpi_stroke_style(pg, 0.5f, 0.4f);
    bpi_move_to(pg, f->plot_left, f->plot_bottom);
    bpi_line_to(pg, f->plot_left, f->plot_top);
    bpi_stroke(pg);
}

/* Up to `max_lines` lines of clean text centred on cx within `width` from `top`; the last
 * line ends in an ellipsis when the text is longer. */
static void label_lines(bp_pdf *p, HPDF_Page pg, const char *text, float cx, float width,
                        float top, size_t max_lines, float ink)
{
    bpi_wrap w;
    bpi_line line;
    bpi_wrap_init(&w, p, false, LABEL_SIZE, width, text);
    for (size_t k = 0; k < max_lines && bpi_wrap_next(&w, &line); k++) {
        float base = bpi_baseline(top - (float)k * LABEL_LEADING, LABEL_SIZE, LABEL_LEADING);
        if (k + 1 == max_lines && !w.done)
            bpi_text_fit(p, pg, false, LABEL_SIZE, ink, cx - width / 2.0f, base, width,
                         BP_PDF_CENTRE, line.s);
        else
            bpi_text(p, pg, false, LABEL_SIZE, ink, cx - line.width / 2.0f, base, line.s,
                     line.len);
    }
}

/* The chart title on one line, shortened if needed. */
static void draw_title(bp_pdf *p, HPDF_Page pg, const char *title, float top)
{
    char *t = bpi_clean(p, title);
    if (!t) return;
    bpi_text_fit(p, pg, true, TITLE_SIZE, BPI_INK, bpi_left(),
                 bpi_baseline(top, TITLE_SIZE, TITLE_H), bp_pdf_width(p), BP_PDF_LEFT, t);
    free(t);
}

/* Clamps a chart's height between what its furniture needs and a whole page. */
static float chart_height(const bp_pdf *p, float height, float furniture)
{
    float most = bpi_content_top(p->landscape) - bpi_bottom();
    float least = furniture + MIN_PLOT;
    if (height < least) height = least;
    return height > most ? most : height;
}

/* ---- legends ---- */

typedef struct {
    const char *text;
    void (*key)(HPDF_Page pg, float x, float y, const void *arg);   /* KEY_W wide at y */
    const void *arg;
} legend_item;

/* Lays the items out in rows across the page width from `top`, drawing them when pg is not
 * NULL; returns the number of rows. */
static size_t legend(bp_pdf *p, HPDF_Page pg, const legend_item *items, size_t n, float top)
{
    float left = bpi_left(), width = bp_pdf_width(p), x = left;
    size_t rows = n ? 1 : 0;
    for (size_t i = 0; i < n; i++) {
        float tw = bpi_width(p, false, LEGEND_SIZE, items[i].text, strlen(items[i].text));
        float max_text = width - KEY_W - 4.0f;
        if (tw > max_text) tw = max_text;
        float w = KEY_W + 4.0f + tw;
        if (x > left && x + w > left + width) {
            rows++;
            x = left;
        }
        if (pg) {
            float rtop = top - (float)(rows - 1) * LEGEND_ROW;
            float base = bpi_baseline(rtop, LEGEND_SIZE, LEGEND_ROW);
            items[i].key(pg, x, base + 2.5f, items[i].arg);
            bpi_text_fit(p, pg, false, LEGEND_SIZE, BPI_INK, x + KEY_W + 4.0f, base, tw,
                         BP_PDF_LEFT, items[i].text);
        }
        x += w + 12.0f;
    }
    return rows;
}

/* ---- the target band ---- */

/* Diagonal hatching over a rectangle, so the band shows without colour. */
static void hatch(HPDF_Page pg, float x, float y, float w, float h)
{
    bpi_clip_to(pg, x, y, w, h);
    bpi_stroke_style(pg, 0.4f, 0.62f);
    for (float d = -h; d < w; d += 5.0f) {
        bpi_move_to(pg, x + d, y);
        bpi_line_to(pg, x + d + h, y + h);
    }
    bpi_stroke(pg);
    HPDF_Page_GRestore(pg);
}

static const float BAND_RGB[3] = {0.90f, 0.92f, 0.95f};

static void band_key(HPDF_Page pg, float x, float y, const void *arg)
{
    (void)arg;
    bpi_box(pg, x, y - 4.0f, KEY_W, 8.0f, BAND_RGB, 0.0f);
    hatch(pg, x, y - 4.0f, KEY_W, 8.0f);
}

/* The band's extent on the axis: lo (or the bottom) to hi (or the top), clipped. */
static bool band_extent(const bp_pdf_band *b, const axis *a, double *lo, double *hi)
{
    if (!b || !b->has_band || (!b->has_lo && !b->has_hi)) return false;
    *lo = b->has_lo && b->lo > a->lo ? b->lo : a->lo;
    *hi = b->has_hi && b->hi < a->hi ? b->hi : a->hi;
    return *hi > *lo;
}

static void draw_band(HPDF_Page pg, const frame *f, const bp_pdf_band *band)
{
    double lo, hi;
    if (!band_extent(band, &f->ax, &lo, &hi)) return;
    float y0 = y_of(f, lo), y1 = y_of(f, hi), w = f->plot_right - f->plot_left;
    bpi_box(pg, f->plot_left, y0, w, y1 - y0, BAND_RGB, 0.0f);
    hatch(pg, f->plot_left, y0, w, y1 - y0);
}

/* ---- bar chart ---- */

static const float NEUTRAL_BAR[3] = {0.78f, 0.82f, 0.88f};

static const char *status_letter(bp_pdf_tint s)
{
    return s == BP_PDF_TINT_GREEN ? "G" : s == BP_PDF_TINT_AMBER ? "A"
           : s == BP_PDF_TINT_RED ? "R" : "";
}

static bool bar_has(const bp_pdf_bar *b)
{
    return b->has && chartable(b->value);
}

static void status_key(HPDF_Page pg, float x, float y, const void *arg)
{
    float rgb[3];
    bpi_tint_rgb(*(const bp_pdf_tint *)arg, rgb);
    bpi_box(pg, x + 4.0f, y - 4.0f, 8.0f, 8.0f, rgb, 0.6f);
}

/* A bar's marks (bp_pdf_bar_chart_marked), or NULL. */
static const bp_pdf_bar_mark *mark_of(const bp_pdf_bar_opts *o, size_t i)
{
    return o && o->marks ? &o->marks[i] : NULL;
}

static bool limit_has(const bp_pdf_bar_mark *m)
{
    return m && m->has_limit && chartable(m->limit);
}

/* Hatching across a bar, the other way from the band's and darker, so that a hatched
 * bar stands out from the band behind it and from a solid bar in greyscale. */
static void bar_hatch(HPDF_Page pg, float x, float y, float w, float h)
{
    if (w <= 0.0f || h <= 0.0f) return;
    bpi_clip_to(pg, x, y, w, h);
    bpi_stroke_style(pg, 0.7f, 0.2f);
    for (float d = 0.0f; d < w + h; d += 3.5f) {
        bpi_move_to(pg, x + d, y);
        bpi_line_to(pg, x + d - h, y + h);
    }
    bpi_stroke(pg);
    HPDF_Page_GRestore(pg);
}

/* A rectangle's outline, not filled. */
static void outline(HPDF_Page pg, float x, float y, float w, float h, float width)
{
    bpi_stroke_style(pg, width, BPI_OUTLINE);
    bpi_rectangle(pg, x, y, w, h);
    bpi_stroke(pg);
}

static void solid_key(HPDF_Page pg, float x, float y, const void *arg)
{
    (void)arg;
    bpi_box(pg, x + 2.0f, y - 4.0f, KEY_W - 4.0f, 8.0f, NEUTRAL_BAR, 0.6f);
}

static void hatched_key(HPDF_Page pg, float x, float y, const void *arg)
{
    (void)arg;
    bpi_box(pg, x + 2.0f, y - 4.0f, KEY_W - 4.0f, 8.0f, NEUTRAL_BAR, 0.6f);
    bar_hatch(pg, x + 2.0f, y - 4.0f, KEY_W - 4.0f, 8.0f);
    outline(pg, x + 2.0f, y - 4.0f, KEY_W - 4.0f, 8.0f, 0.9f);
}

#define LIMIT_W 1.8f             /* the limit line's weight */
#define LIMIT_GREY 0.1f

static void limit_key(HPDF_Page pg, float x, float y, const void *arg)
{
    (void)arg;
    bpi_stroke_style(pg, LIMIT_W, LIMIT_GREY);
    bpi_move_to(pg, x, y);
    bpi_line_to(pg, x + KEY_W, y);
    bpi_stroke(pg);
}

/* The legend: the band, the fills and the limit line the chart uses, then each status
 * that occurs with its letter explained. */
static size_t bar_legend(const bp_pdf_bar *bars, size_t n, const bp_pdf_band *band,
                         const bp_pdf_bar_opts *o, legend_item *items)
{
    static const bp_pdf_tint order[3] = {BP_PDF_TINT_GREEN, BP_PDF_TINT_AMBER,
                                         BP_PDF_TINT_RED};
    static const char *const text[3] = {"G  on target", "A  close to target", "R  off target"};
    size_t k = 0;
    bool solid = false, hatched = false, limit = false;
    for (size_t i = 0; i < n; i++) {
        const bp_pdf_bar_mark *m = mark_of(o, i);
        if (!bar_has(&bars[i])) continue;
        if (m && m->hatched) hatched = true;
        else solid = true;
        if (limit_has(m)) limit = true;
    }
    if (band && band->has_band && (band->has_lo || band->has_hi))
        items[k++] = (legend_item){o && o->band_key ? o->band_key : "Target", band_key, NULL};
    if (o && o->solid_key && solid) items[k++] = (legend_item){o->solid_key, solid_key, NULL};
    if (o && o->hatched_key && hatched)
        items[k++] = (legend_item){o->hatched_key, hatched_key, NULL};
    if (limit) items[k++] = (legend_item){o->limit_key ? o->limit_key : "Limit", limit_key, NULL};
    for (size_t s = 0; s < 3; s++)
        for (size_t i = 0; i < n; i++)
            if (bar_has(&bars[i]) && bars[i].tint == order[s]) {
                items[k++] = (legend_item){text[s], status_key, &order[s]};
                break;
            }
    return k;
}

/* The value range to show: the bars, zero, and the band's finite edges. */
static void bar_range(const bp_pdf_bar *bars, size_t n, const bp_pdf_band *band,
                      const bp_pdf_bar_opts *o, double *lo, double *hi)
{
    *lo = 0.0;
    *hi = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (bar_has(&bars[i])) {
            *lo = fmin(*lo, bars[i].value);
            *hi = fmax(*hi, bars[i].value);
        }
        const bp_pdf_bar_mark *m = mark_of(o, i);
        if (limit_has(m)) {
            *lo = fmin(*lo, m->limit);
            *hi = fmax(*hi, m->limit);
        }
    }
    if (band && band->has_band) {
        if (band->has_lo && chartable(band->lo)) {
            *lo = fmin(*lo, band->lo);
            *hi = fmax(*hi, band->lo);
        }
        if (band->has_hi && chartable(band->hi)) {
            *lo = fmin(*lo, band->hi);
            *hi = fmax(*hi, band->hi);
        }
    }
}

/* One size for every value label of a chart: the largest, up to LABEL_SIZE, at which
 * each fits its slot; 0 when that would be too small to read (the figures are in the
 * paper's tables, so they are left out rather than shown in a blur). */
static float value_size(bp_pdf *p, const bp_pdf_bar *bars, size_t n, bp_pdf_unit unit,
                        float slot)
{
    float size = LABEL_SIZE;
    for (size_t i = 0; i < n; i++) {
        if (!bar_has(&bars[i])) continue;
        char buf[64];
        value_label(buf, sizeof buf, bars[i].value, unit);
        float w = bpi_width(p, false, LABEL_SIZE, buf, strlen(buf));
        if (w > slot - 2.0f) size = fminf(size, LABEL_SIZE * (slot - 2.0f) / w);
    }
    return size >= LABEL_MIN_SIZE ? size : 0.0f;
}

/* Where a bar's labels start: its end, or its limit when that is further from zero. */
static double label_at(const bp_pdf_bar *b, const bp_pdf_bar_mark *m)
{
    double v = bar_has(b) ? b->value : 0.0;
    if (!limit_has(m)) return v;
    return v >= 0.0 ? fmax(v, m->limit) : fmin(v, m->limit);
}

/* The value and the status letter (with the bar's note when it fits the slot) beyond the
 * end of a bar, away from zero. */
static void bar_labels(bp_pdf *p, HPDF_Page pg, const bp_pdf_bar *b, const char *note,
                       bp_pdf_unit unit, float cx, float slot, float size, float end, bool up)
{
    float dir = up ? 1.0f : -1.0f;
    float base = up ? end + 2.5f : end - 2.5f - LABEL_CAP;
    if (size > 0.0f) {
        char buf[64];
        value_label(buf, sizeof buf, b->value, unit);
        float w = bpi_width(p, false, size, buf, strlen(buf));
        bpi_text(p, pg, false, size, BPI_INK, cx - w / 2.0f, base, buf, strlen(buf));
    }
    char mark[64];
    snprintf(mark, sizeof mark, "%s%s%s", status_letter(b->tint),
             *status_letter(b->tint) && note && *note ? " " : "", note ? note : "");
    size_t len = strlen(mark);
    float lw = bpi_width(p, true, LABEL_SIZE, mark, len);
    if (lw > slot - 2.0f) {                 /* no room for the note: the letter alone */
        len = strlen(status_letter(b->tint));
        lw = bpi_width(p, true, LABEL_SIZE, mark, len);
    }
    if (len) {
        float off = size > 0.0f ? dir * LABEL_LEADING : 0.0f;    /* beyond the value */
        bpi_text(p, pg, true, LABEL_SIZE, BPI_INK, cx - lw / 2.0f, base + off, mark, len);
    }
}

/* A bar's own threshold: a bold line over the bar and a little beyond its sides. */
static void draw_limit(HPDF_Page pg, const frame *f, const bp_pdf_bar_mark *m, float cx,
                       float bw, float slot)
{
    if (!limit_has(m)) return;
    float ly = y_of(f, m->limit), half = bw / 2.0f + fminf(6.0f, slot * 0.15f);
    bpi_stroke_style(pg, LIMIT_W, LIMIT_GREY);
    bpi_move_to(pg, cx - half, ly);
    bpi_line_to(pg, cx + half, ly);
    bpi_stroke(pg);
}

static void draw_bar(bp_pdf *p, HPDF_Page pg, const frame *f, const bp_pdf_bar *b,
                     const bp_pdf_bar_mark *m, bp_pdf_unit unit, float cx, float slot,
                     float label_size)
{
    float zero = y_of(f, 0.0);
    float bw = slot * 0.62f > 48.0f ? 48.0f : slot * 0.62f;
    if (!bar_has(b)) {
        static const char none[] = "no data";
        label_lines(p, pg, none, cx, slot - 2.0f, zero + END_LABEL_H, 2, BPI_INK_SOFT);
        draw_limit(pg, f, m, cx, bw, slot);
        return;
    }
    float end = y_of(f, b->value);
    float rgb[3];
    if (b->tint == BP_PDF_TINT_NONE) memcpy(rgb, NEUTRAL_BAR, sizeof rgb);
    else bpi_tint_rgb(b->tint, rgb);
    float x = cx - bw / 2.0f, y = fminf(zero, end), h = fabsf(end - zero);
    bpi_box(pg, x, y, bw, h, rgb, 0.6f);
    if (m && m->hatched) {
        bar_hatch(pg, x, y, bw, h);
        outline(pg, x, y, bw, h, 0.9f);
    }
    draw_limit(pg, f, m, cx, bw, slot);
    bool up = b->value >= 0.0;
    float at = y_of(f, label_at(b, m));
    bar_labels(p, pg, b, m ? m->note : NULL, unit, cx, slot, label_size,
               up ? fmaxf(end, at) : fminf(end, at), up);
}

/* An x label under the plot: two lines at most, within its slot. */
static void x_label(bp_pdf *p, HPDF_Page pg, const char *label, float cx, float slot, float top)
{
    char *t = bpi_clean(p, label);
    if (!t) return;
    label_lines(p, pg, t, cx, slot - 3.0f, top, 2, BPI_INK);
    free(t);
}

/* How much nearer its edge the plot must stop for a label `need` tall beyond a point a
 * fraction t of the plot's height h from that edge: shortening the plot by r leaves the
 * point t * (h - r) + r from the old edge. */
static float edge_room(double t, float h, float need)
{
    if (t >= 1.0) return 0.0f;
    float r = (float)((need - t * h) / (1.0 - t));
    return r > 0.0f ? r : 0.0f;
}

/* Shortens the plot just enough for the labels beyond the bars' ends (and the "no data"
 * labels above the zero line) to stay inside the chart. */
static void room_for_end_labels(frame *f, const bp_pdf_bar *bars, size_t n,
                                const bp_pdf_bar_opts *o)
{
    /* the plot after the other edge has taken the most it can (END_LABEL_H): the room
     * found is then enough whatever that edge takes */
    float h = f->plot_top - f->plot_bottom - END_LABEL_H, top = 0.0f, bottom = 0.0f;
    double span = f->ax.hi - f->ax.lo;
    for (size_t i = 0; i < n; i++) {
        double v = label_at(&bars[i], mark_of(o, i));
        if (v >= 0.0) top = fmaxf(top, edge_room((f->ax.hi - v) / span, h, END_LABEL_H));
        else bottom = fmaxf(bottom, edge_room((v - f->ax.lo) / span, h, END_LABEL_H));
    }
    f->plot_top -= top;
    f->plot_bottom += bottom;
}

/* The chart's box from the flow position, and its plot: under the title and legend rows,
 * over the x labels, right of the tick labels. */
static frame chart_frame(bp_pdf *p, float height, float head, axis ax, bp_pdf_unit unit)
{
    frame f;
    f.ax = ax;
    f.top = p->y;
    f.bottom = p->y - height;
    f.plot_top = f.top - head - PLOT_GAP;
    f.plot_bottom = f.bottom + XLABEL_H;
    f.plot_left = bpi_left() + tick_label_width(p, &ax, unit) + 6.0f;
    f.plot_right = bpi_left() + bp_pdf_width(p);
    return f;
}

/* Draws the title and the legend under it. */
static void chart_head(bp_pdf *p, HPDF_Page pg, const char *title, const legend_item *items,
                       size_t nitems)
{
    float top = p->y;
    if (title && *title) {
        draw_title(p, pg, title, top);
        top -= TITLE_H;
    }
    legend(p, pg, items, nitems, top);
}

/* The height of the title and legend, before drawing. */
static float head_height(bp_pdf *p, const char *title, const legend_item *items, size_t n)
{
    return (title && *title ? TITLE_H : 0.0f) + (float)legend(p, NULL, items, n, 0.0f) * LEGEND_ROW;
}

/* ---- alternative text ----
 *
 * A chart is one figure in the element list; what it says to a reader who cannot see it
 * is the caller's sentence (bp_pdf_figure_alt, else the title) and every value as the
 * chart labels it, with its status in words and the target band. */

typedef struct {
    char *s;
    size_t len, cap;
    bool failed;
} alt_text;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void alt_add(alt_text *a, const char *fmt, ...)
{
    if (a->failed) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(a->s ? a->s + a->len : NULL, a->s ? a->cap - a->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            a->failed = true;
            return;
        }
        if (a->s && a->len + (size_t)n < a->cap) {
            a->len += (size_t)n;
            return;
        }
        size_t want = a->len + (size_t)n + 1;
        char *s = bp_grow(a->s, &a->cap, want < 256 ? 256 : want, 1);
        if (!s) {
            a->failed = true;
            return;
        }
        a->s = s;
    }
}

/* The caller's sentence, or the title, as the alternative text's opening. */
static void alt_open(alt_text *a, const bp_pdf *p, const char *title)
{
    const char *what = p->figure_alt ? p->figure_alt : title && *title ? title : "A chart";
    size_t n = strlen(what);
    while (n && (what[n - 1] == '.' || what[n - 1] == ' ')) n--;
    alt_add(a, "%.*s: ", (int)n, what);
}

static const char *tint_word(bp_pdf_tint t)
{
    return t == BP_PDF_TINT_RED ? " (red)" : t == BP_PDF_TINT_AMBER ? " (amber)"
           : t == BP_PDF_TINT_GREEN ? " (green)" : "";
}

/* Records the chart's figure element over its box and forgets bp_pdf_figure_alt's text. */
static void alt_record(bp_pdf *p, alt_text *a, float top, float bottom)
{
    if (a->failed) bpi_fail(p, BP_ERR_NOMEM, "out of memory while describing a chart");
    char *clean = a->failed ? NULL : bpi_clean_text(p, a->s ? a->s : "", false);
    if (clean)
        bpi_record(p, BP_PDF_ROLE_FIGURE, bpi_page_index(p), bpi_left(), bottom,
                   bpi_left() + bp_pdf_width(p), top, clean, strlen(clean));
    free(clean);
    free(a->s);
    free(p->figure_alt);
    p->figure_alt = NULL;
}

/* A bar in words: "MHS 82.4% (red, over; ceiling 80%)". */
static void bar_words(alt_text *a, const bp_pdf_bar *b, const bp_pdf_bar_mark *m,
                      const bp_pdf_bar_opts *o, bp_pdf_unit unit)
{
    char v[64];
    bool has = bar_has(b);
    if (has && m && m->text && *m->text) snprintf(v, sizeof v, "%s", m->text);
    else if (has) value_label(v, sizeof v, b->value, unit);
    alt_add(a, "%s %s", b->label ? b->label : "", has ? v : "no data");
    const char *tw = has ? tint_word(b->tint) : "";
    bool note = has && m && m->note && *m->note;
    if (*tw || note || limit_has(m)) {
        /* tint_word is " (red)": its word alone */
        alt_add(a, " (%.*s", *tw ? (int)strlen(tw) - 3 : 0, *tw ? tw + 2 : "");
        if (note) alt_add(a, "%s%s", *tw ? ", " : "", m->note);
        if (limit_has(m)) {
            value_label(v, sizeof v, m->limit, unit);
            alt_add(a, "%s%s %s", *tw || note ? "; " : "",
                    o && o->limit_key ? o->limit_key : "limit", v);
        }
        alt_add(a, ")");
    }
}

static void bar_alt(bp_pdf *p, const char *title, bp_pdf_unit unit, const bp_pdf_bar *bars,
                    size_t n, const bp_pdf_band *band, const bp_pdf_bar_opts *o, float top,
                    float bottom)
{
    alt_text a = {NULL, 0, 0, false};
    alt_open(&a, p, title);
    for (size_t i = 0; i < n; i++) {
        if (i) alt_add(&a, ", ");
        bar_words(&a, &bars[i], mark_of(o, i), o, unit);
    }
    if (!n) alt_add(&a, "no bars");
    if (band && band->has_band && (band->has_lo || band->has_hi)) {
        char v[64], w[64];
        if (band->has_lo) value_label(v, sizeof v, band->lo, unit);
        if (band->has_hi) value_label(w, sizeof w, band->hi, unit);
        if (band->has_lo && band->has_hi) alt_add(&a, "; target %s to %s", v, w);
        else if (band->has_lo) alt_add(&a, "; target at least %s", v);
        else alt_add(&a, "; target at most %s", w);
    }
    alt_add(&a, ".");
    alt_record(p, &a, top, bottom);
}

void bp_pdf_bar_chart(bp_pdf *p, const char *title, bp_pdf_unit unit, const bp_pdf_bar *bars,
                      size_t nbars, const bp_pdf_band *band, float height)
{
    bp_pdf_bar_chart_marked(p, title, unit, bars, nbars, band, NULL, height);
}

void bp_pdf_bar_chart_marked(bp_pdf *p, const char *title, bp_pdf_unit unit,
                             const bp_pdf_bar *bars, size_t nbars, const bp_pdf_band *band,
                             const bp_pdf_bar_opts *opts, float height)
{
    if (!bpi_ok(p) || (!bars && nbars)) return;
    legend_item items[7];
    size_t nitems = bar_legend(bars, nbars, band, opts, items);
    float head = head_height(p, title, items, nitems);
    height = chart_height(p, height, head + PLOT_GAP + 2.0f * END_LABEL_H + XLABEL_H);
    bp_pdf_need(p, height);
    HPDF_Page pg = bpi_page_here(p);
    if (!pg) return;
    float top = p->y;

    double lo, hi;
    bar_range(bars, nbars, band, opts, &lo, &hi);
    frame f = chart_frame(p, height, head, nice_axis(lo, hi, unit), unit);
    room_for_end_labels(&f, bars, nbars, opts);
    chart_head(p, pg, title, items, nitems);
    draw_band(pg, &f, band);
    draw_y_axis(p, pg, &f, unit);
    float slot = nbars ? (f.plot_right - f.plot_left) / (float)nbars : 0.0f;
    float size = value_size(p, bars, nbars, unit, slot);
    for (size_t i = 0; i < nbars; i++)
        draw_bar(p, pg, &f, &bars[i], mark_of(opts, i), unit,
                 f.plot_left + ((float)i + 0.5f) * slot, slot, size);
    bpi_rule(pg, f.plot_left, f.plot_right, y_of(&f, 0.0), 0.8f, 0.25f);   /* zero line */
    for (size_t i = 0; i < nbars; i++)
        x_label(p, pg, bars[i].label, f.plot_left + ((float)i + 0.5f) * slot, slot,
                f.bottom + XLABEL_H - 3.0f);
    bar_alt(p, title, unit, bars, nbars, band, opts, top, f.bottom);
    p->y = f.bottom;
    bp_pdf_space(p, 10.0f);
}

/* ---- line chart ---- */

typedef enum { MARK_CIRCLE, MARK_SQUARE, MARK_TRIANGLE, MARK_DIAMOND, MARK_CROSS, MARK_PLUS } marker;

/* Each series' colour: dark, and different in lightness too. */
static const float SERIES_RGB[MAX_SERIES][3] = {
    {0.10f, 0.27f, 0.52f}, {0.85f, 0.42f, 0.05f}, {0.18f, 0.52f, 0.25f},
    {0.50f, 0.22f, 0.55f}, {0.45f, 0.30f, 0.15f}, {0.20f, 0.20f, 0.20f},
};

static void stroke_rgb(HPDF_Page pg, size_t s)
{
    bpi_rgb_stroke(pg, SERIES_RGB[s][0], SERIES_RGB[s][1], SERIES_RGB[s][2]);
}

static void draw_marker(HPDF_Page pg, size_t s, float x, float y)
{
    const float r = 3.0f;
    bpi_fill_rgb(pg, SERIES_RGB[s]);
    stroke_rgb(pg, s);
    bpi_line_width(pg, 1.2f);
    switch ((marker)s) {
    case MARK_CIRCLE: HPDF_Page_Circle(pg, x, y, r); bpi_fill(pg); return;
    case MARK_SQUARE: bpi_rectangle(pg, x - r, y - r, 2 * r, 2 * r); bpi_fill(pg); return;
    case MARK_TRIANGLE:
        bpi_move_to(pg, x - r * 1.15f, y - r);
        bpi_line_to(pg, x + r * 1.15f, y - r);
        bpi_line_to(pg, x, y + r * 1.1f);
        bpi_close_path(pg);
        bpi_fill(pg);
        return;
    case MARK_DIAMOND:
        bpi_move_to(pg, x, y - r * 1.3f);
        bpi_line_to(pg, x + r * 1.1f, y);
        bpi_line_to(pg, x, y + r * 1.3f);
        bpi_line_to(pg, x - r * 1.1f, y);
        bpi_close_path(pg);
        bpi_fill(pg);
        return;
    case MARK_CROSS:
        bpi_move_to(pg, x - r, y - r);
        bpi_line_to(pg, x + r, y + r);
        bpi_move_to(pg, x - r, y + r);
        bpi_line_to(pg, x + r, y - r);
        bpi_stroke(pg);
        return;
    case MARK_PLUS:
        bpi_move_to(pg, x - r * 1.2f, y);
        bpi_line_to(pg, x + r * 1.2f, y);
        bpi_move_to(pg, x, y - r * 1.2f);
        bpi_line_to(pg, x, y + r * 1.2f);
        bpi_stroke(pg);
        return;
    }
}

static void line_style(HPDF_Page pg, size_t s, bool dashed)
{
    static const HPDF_UINT16 dash[2] = {4, 2};
    stroke_rgb(pg, s);
    bpi_line_width(pg, 1.3f);
    bpi_dash(pg, dashed ? dash : NULL, dashed ? 2 : 0);
}

typedef struct {
    size_t index;
    bool dashed;
} series_key_arg;

static void series_key(HPDF_Page pg, float x, float y, const void *arg)
{
    const series_key_arg *k = arg;
    line_style(pg, k->index, k->dashed);
    bpi_move_to(pg, x, y);
    bpi_line_to(pg, x + KEY_W, y);
    bpi_stroke(pg);
    bpi_dash(pg, NULL, 0);
    draw_marker(pg, k->index, x + KEY_W / 2.0f, y);
}

static bool point_has(const bp_pdf_series *s, size_t i)
{
    return s->values && (!s->has || s->has[i]) && chartable(s->values[i]);
}

/* The line through consecutive points with data (gaps where a point has none), then
 * the markers on top. */
static void draw_series(HPDF_Page pg, const frame *f, const bp_pdf_series *s, size_t index,
                        size_t nx, float slot)
{
    line_style(pg, index, s->dashed);
    for (size_t i = 0; i + 1 < nx; i++) {
        if (!point_has(s, i) || !point_has(s, i + 1)) continue;
        bpi_move_to(pg, f->plot_left + ((float)i + 0.5f) * slot, y_of(f, s->values[i]));
        bpi_line_to(pg, f->plot_left + ((float)i + 1.5f) * slot, y_of(f, s->values[i + 1]));
        bpi_stroke(pg);
    }
    bpi_dash(pg, NULL, 0);
    for (size_t i = 0; i < nx; i++)
        if (point_has(s, i))
            draw_marker(pg, index, f->plot_left + ((float)i + 0.5f) * slot, y_of(f, s->values[i]));
}

static bool series_range(const bp_pdf_series *series, size_t ns, size_t nx, double *lo,
                         double *hi)
{
    bool any = false;
    for (size_t s = 0; s < ns; s++)
        for (size_t i = 0; i < nx; i++) {
            if (!point_has(&series[s], i)) continue;
            double v = series[s].values[i];
            *lo = any ? fmin(*lo, v) : v;
            *hi = any ? fmax(*hi, v) : v;
            any = true;
        }
    return any;
}

static void line_alt(bp_pdf *p, const char *title, bp_pdf_unit unit,
                     const char *const *xlabels, size_t nx, const bp_pdf_series *series,
                     size_t nseries, float top, float bottom)
{
    alt_text a = {NULL, 0, 0, false};
    char v[64];
    alt_open(&a, p, title);
    for (size_t s = 0; s < nseries; s++) {
        alt_add(&a, "%s%s%s", s ? "; " : "", series[s].name ? series[s].name : "",
                series[s].dashed ? " (dashed)" : "");
        for (size_t i = 0; i < nx; i++) {
            if (point_has(&series[s], i)) value_label(v, sizeof v, series[s].values[i], unit);
            alt_add(&a, "%s%s %s", i ? ", " : " ", xlabels && xlabels[i] ? xlabels[i] : "",
                    point_has(&series[s], i) ? v : "no data");
        }
    }
    alt_add(&a, ".");
    alt_record(p, &a, top, bottom);
}

void bp_pdf_line_chart(bp_pdf *p, const char *title, bp_pdf_unit unit,
                       const char *const *xlabels, size_t nx, const bp_pdf_series *series,
                       size_t nseries, float height)
{
    if (!bpi_ok(p) || (!series && nseries) || nx == 0) return;
    if (nseries > MAX_SERIES) nseries = MAX_SERIES;     /* the documented limit */
    char *names[MAX_SERIES] = {NULL};
    legend_item items[MAX_SERIES];
    series_key_arg keys[MAX_SERIES];
    for (size_t s = 0; s < nseries; s++) {
        names[s] = bpi_clean(p, series[s].name);
        keys[s] = (series_key_arg){s, series[s].dashed};
        items[s] = (legend_item){names[s] ? names[s] : "", series_key, &keys[s]};
    }
    float head = head_height(p, title, items, nseries);
    height = chart_height(p, height, head + PLOT_GAP + XLABEL_H);
    bp_pdf_need(p, height);
    HPDF_Page pg = bpi_page_here(p);
    if (pg) {
        float top = p->y;
        double lo = 0.0, hi = 0.0;
        series_range(series, nseries, nx, &lo, &hi);
        frame f = chart_frame(p, height, head, nice_axis(lo, hi, unit), unit);
        float slot = (f.plot_right - f.plot_left) / (float)nx;
        chart_head(p, pg, title, items, nseries);
        draw_y_axis(p, pg, &f, unit);
        bpi_rule(pg, f.plot_left, f.plot_right, f.plot_bottom, 0.6f, 0.4f);
        for (size_t i = 0; xlabels && i < nx; i++)
            x_label(p, pg, xlabels[i], f.plot_left + ((float)i + 0.5f) * slot, slot,
                    f.bottom + XLABEL_H - 3.0f);
        for (size_t s = 0; s < nseries; s++) draw_series(pg, &f, &series[s], s, nx, slot);
        line_alt(p, title, unit, xlabels, nx, series, nseries, top, f.bottom);
        p->y = f.bottom;
        bp_pdf_space(p, 10.0f);
    }
    for (size_t s = 0; s < nseries; s++) free(names[s]);
}
