/* bp_text: the plain-text check report. */
#include "bp_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bp_exgroup.h"
#include "bp_format.h"
#include "bp_money.h"
#include "bp_sha256.h"
#include "bp_util.h"

/* ---- text a terminal shows without obeying it ---- */

/* The visible stand-in for what a terminal would act on rather than show, into e (16
 * bytes), or NULL for a code point shown as it is: C0 and C1 controls and DEL (ESC, the
 * start of every terminal command, among them) as \x1b, \n or <U+0085>; the byte-order
 * mark, the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069), which would turn the rest of a line around, and the noncharacters as
 * <U+FEFF>.  Loading refuses the controls (this is defence in depth); a BOM or a bidi
 * mark inside a field is legal input. */
static const char *stand_in(uint32_t cp, char e[16])
{
    switch (cp) {
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    }
    if (cp < 0x20 || cp == 0x7F) snprintf(e, 16, "\\x%02x", (unsigned)cp);
    else if ((cp >= 0x80 && cp <= 0x9F) || cp == 0xFEFF || (cp >= 0x202A && cp <= 0x202E)
             || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFFFE || cp == 0xFFFF)
        snprintf(e, 16, "<U+%04X>", (unsigned)cp);
    else return NULL;
    return e;
}

/* Writes s with stand-ins into out (NULL: only counts) and returns its length.  With
 * indent, a line break (LF, CR or CRLF) stays one, followed by indent, so that free text
 * keeps its lines under its label; without, it is shown as \n.  A byte that is not
 * UTF-8 (none can be loaded) is \xHH. */
static size_t escape(const char *s, const char *indent, char *out)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        size_t k = bp_utf8_decode(p, SIZE_MAX, &cp);
        char e[16];
        const char *rep;
        if (k == 0) {
            snprintf(e, sizeof e, "\\x%02x", *p);
            rep = e;
            k = 1;
        } else if (indent && (cp == '\n' || cp == '\r')) {
            if (cp == '\r' && p[1] == '\n') k = 2;
            if (out) out[n] = '\n';
            n++;
            rep = indent;
        } else {
            rep = stand_in(cp, e);
        }
        size_t rl = rep ? strlen(rep) : k;
        if (out) memcpy(out + n, rep ? rep : (const char *)p, rl);
        n += rl;
        p += k;
    }
    if (out) out[n] = '\0';
    return n;
}

/* The escaped copy of s (free it), or NULL when out of memory. */
static char *shown(const char *s, const char *indent)
{
    char *out = malloc(escape(s, indent, NULL) + 1);
    if (out) escape(s, indent, out);
    return out;
}

/* fputs of the escaped s; false when out of memory. */
static bool put(FILE *out, const char *s, const char *indent)
{
    char *t = shown(s, indent);
    if (!t) return false;
    fputs(t, out);
    free(t);
    return true;
}

/* Display width of UTF-8 text: one column per code point (good enough for names). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) w++;
    return w;
}

/* Print s padded (or cut, on a code point boundary, with "~") to exactly w columns;
 * escaped first, so that a stand-in is measured as what is shown. */
static void cell(FILE *out, const char *raw, size_t w, bool right)
{
    char *s = shown(raw, NULL);
    if (!s) {
        for (size_t i = 0; i + 1 < w; i++) fputc(' ', out);
        fputc('?', out);
        return;
    }
    size_t sw = width(s);
    if (sw > w) {
        size_t cols = 0;
        const unsigned char *p = (const unsigned char *)s;
        while (*p) {
            if ((*p & 0xC0) != 0x80) {
                if (cols + 1 >= w) break;
                cols++;
            }
            fputc(*p++, out);
        }
        /* finish the last code point's continuation bytes */
        while (*p && (*p & 0xC0) == 0x80) fputc(*p++, out);
        fputc('~', out);
        free(s);
        return;
    }
    if (right)
        for (size_t i = sw; i < w; i++) fputc(' ', out);
    fputs(s, out);
    if (!right)
        for (size_t i = sw; i < w; i++) fputc(' ', out);
    free(s);
}

static void rule(FILE *out, size_t n, char c)
{
    for (size_t i = 0; i < n; i++) fputc(c, out);
    fputc('\n', out);
}

typedef struct {
    bp_scope scope;
    int entity;
    const char *label;
} column;

static const char *status_suffix(bp_status s)
{
    switch (s) {
    case BP_STATUS_GREEN: return " ok";
    case BP_STATUS_AMBER: return " A!";
    case BP_STATUS_RED: return " R!";
    case BP_STATUS_NONE: return "   ";
    }
    return "   ";
}

static void scorecard(FILE *out, const bp_session *s, const column *cols, size_t ncols,
                      const char *title)
{
    const size_t namew = 44, colw = 16;
    char yb[16];
    bp_year_format(s->year, yb, sizeof yb);
    bp_scenario cur = bp_results_current(&s->results);
    if (cur == BP_OUTTURN) {
        char mb[40];
        bp_month_long(s->year, s->model.period, mb, sizeof mb);
        fprintf(out, "%s, %s outturn (actuals to the end of %s)\n", title, yb, mb);
    } else {
        fprintf(out, "%s, %s actual\n", title, yb);
    }
    cell(out, "KPI", namew, false);
    for (size_t c = 0; c < ncols; c++) {
        fputc(' ', out);
        cell(out, cols[c].label, colw, true);
    }
    fputc('\n', out);
    rule(out, namew + ncols * (colw + 1), '-');
    for (size_t k = 0; k < s->kpis.count; k++) {
        const bp_kpi *kp = &s->kpis.kpis[k];
        bool any = false;
        for (size_t c = 0; c < ncols && !any; c++) {
            const bp_result *r = bp_results_find(&s->results, (int)k, cols[c].scope,
                                                 cols[c].entity, s->year, cur);
            any = r && r->value.ok;
        }
        if (!any) continue;
        cell(out, kp->name, namew, false);
        for (size_t c = 0; c < ncols; c++) {
            const bp_result *r = bp_results_find(&s->results, (int)k, cols[c].scope,
                                                 cols[c].entity, s->year, cur);
            char v[64] = "", txt[80];
            if (r && r->value.ok) {
                if (kp->unit == BP_UNIT_GRADE && r->grade >= 0)
                    snprintf(v, sizeof v, "%s", kp->grades[r->grade].label);
                else
                    bp_format_result_value(kp, r, v, sizeof v);
            } else {
                snprintf(v, sizeof v, "-");
            }
            snprintf(txt, sizeof txt, "%s%s", v, status_suffix(r ? r->status : BP_STATUS_NONE));
            fputc(' ', out);
            cell(out, txt, colw, true);
        }
        fputc('\n', out);
    }
    fputc('\n', out);
}

static void scorecards(FILE *out, const bp_session *s, const column *cols, size_t ncols,
                       const char *title)
{
    const size_t per_block = 8;
    if (ncols <= per_block) {
        scorecard(out, s, cols, ncols, title);
        return;
    }
    for (size_t from = 0; from < ncols; from += per_block) {
        size_t n = ncols - from < per_block ? ncols - from : per_block;
        char t[160];
        snprintf(t, sizeof t, "%s (columns %zu-%zu of %zu)", title, from + 1, from + n, ncols);
        scorecard(out, s, cols + from, n, t);
    }
}

/* A commentary under its entry, its lines each under the first: "Commentary: ..." for
 * the report year, "Commentary on 2024/25: ..." for a plan's. */
static bool commentary(FILE *out, const char *label, const char *text)
{
    char pad[64];
    size_t w = 11 + strlen(label) + 2;
    if (w >= sizeof pad) w = sizeof pad - 1;
    memset(pad, ' ', w);
    pad[w] = '\0';
    fprintf(out, "           %s: ", label);
    if (!put(out, text, pad)) return false;
    fputc('\n', out);
    return true;
}

/* --previous: the entries counted by their movement since the last pack, then the
 * exceptions cleared since, each KPI and entity once. */
static bool since(FILE *out, const bp_session *s, const bp_exgroups *all)
{
    bp_cleared cl;
    if (bp_cleared_make(&s->results, NULL, NULL, &cl) != BP_OK) return false;
    bp_since_counts n = bp_since_count(all, &cl);
    char *counts = bp_format_since_counts(&s->results, &n);
    bool ok = counts != NULL;
    if (ok) {
        fputc('\n', out);
        ok = put(out, counts, NULL);
        fputc('\n', out);
    }
    free(counts);
    if (ok && cl.n) fprintf(out, "Cleared since the last pack:\n");
    for (size_t i = 0; i < cl.n && ok; i++) {
        char *line = bp_format_cleared(&s->results, cl.v[i]);
        ok = line != NULL;
        if (ok) {
            fputs("  - ", out);
            ok = put(out, line, NULL);
            fputc('\n', out);
        }
        free(line);
    }
    bp_cleared_free(&cl);
    return ok;
}

/* The exceptions as the packs group them (bp_exgroup): one entry per KPI and entity with
 * every year and plan affected, its movement since the year before and the commentary on
 * each of its years; the JSON keeps one exception per result. */
static bool exceptions(FILE *out, const bp_session *s)
{
    bp_exgroups all;
    if (bp_exgroups_make(&s->results, NULL, NULL, &all) != BP_OK) return false;
    size_t red = 0;
    for (size_t i = 0; i < all.n; i++) red += all.v[i].worst == BP_STATUS_RED;
    fprintf(out, "EXCEPTIONS: %zu entr%s, %zu red and %zu amber, one per KPI and entity, of %zu "
            "results outside target (report year %s; later budgets and forecasts)\n",
            all.n, all.n == 1 ? "y" : "ies", red, all.n - red, s->results.nexceptions,
            bp_results_current(&s->results) == BP_OUTTURN ? "outturn" : "actuals");
    rule(out, 80, '-');
    if (!all.n) fputs("None: every KPI with a target met it.\n", out);
    bool ok = true;
    for (size_t i = 0; i < all.n && ok; i++) {
        const bp_exgroup *g = &all.v[i];
        char *title = bp_format_exgroup_title(&s->results, g);
        char *years = bp_format_exgroup_years(&s->results, &all, g);
        char *move = bp_format_exgroup_movement(&s->results, g);
        ok = title && years && move;
        if (ok) {
            fprintf(out, "%3zu. %-5s ", i + 1, g->worst == BP_STATUS_RED ? "RED" : "AMBER");
            ok = put(out, title, NULL) && (fputs(". ", out), put(out, years, NULL))
                 && (fputs(*move ? " " : "", out), put(out, move, NULL));
            fputc('\n', out);
        }
        const char *kpi = s->kpis.kpis[g->kpi].id, *entity = bp_result_entity_id(&s->results, g->items[0]);
        /* once a year: a year's budget and forecast share its commentary */
        for (size_t k = 0; k < g->nitems && ok; k++) {
            bool seen = false;
            for (size_t j = 0; j < k && !seen; j++) seen = g->items[j]->year == g->items[k]->year;
            const char *c = seen ? NULL : bp_commentary(&s->model, kpi, entity, g->items[k]->year);
            if (!c) continue;
            char label[48], yb[16];
            bp_year_format(g->items[k]->year, yb, sizeof yb);
            if (g->items[k]->year == s->year) snprintf(label, sizeof label, "Commentary");
            else snprintf(label, sizeof label, "Commentary on %s", yb);
            ok = commentary(out, label, c);
        }
        free(title);
        free(years);
        free(move);
    }
    if (ok && s->results.previous) ok = since(out, s, &all);
    bp_exgroups_free(&all);
    fputc('\n', out);
    return ok;
}

/* The ledger files' control totals (contract v2): rows, debits and credits, each code
 * family's debit - credit and facts, what each ignore rule left out. */
static void ledger_totals(FILE *out, const bp_model *m)
{
    for (size_t i = 0; i < m->nledgers; i++) {
        const bp_ledger_totals *l = &m->ledgers[i];
        char a[48], b[48];
        fprintf(out, "%s: %zu rows read; %zu above the header, %zu zero rows of unmapped "
                "accounts skipped, %zu ignored\n", m->inputs[l->input].name, l->rows, l->above,
                l->zero_skipped, l->ignored);
        bp_money_format(l->debits, true, a, sizeof a);
        bp_money_format(l->credits, true, b, sizeof b);
        fprintf(out, "  debits %s, credits %s\n", a, b);
        for (int k = 0; k < BP_LEDGER_FAMILIES; k++) {
            if (!l->family_used[k]) continue;
            bp_money_format(l->family_dc[k], true, a, sizeof a);
            bp_money_format(l->family_facts[k], true, b, sizeof b);
            fprintf(out, "  %-8s debit - credit %s, facts %s\n", bp_ledger_family[k], a, b);
        }
        for (size_t k = 0; k < l->nignores; k++) {
            bp_money_format(l->ignores[k].dc, true, a, sizeof a);
            fprintf(out, "  ignored by %s (%s): %zu row%s, debit - credit %s\n",
                    l->ignores[k].rule, l->ignores[k].where, l->ignores[k].rows,
                    l->ignores[k].rows == 1 ? "" : "s", a);
        }
    }
}

static bp_err data_quality(FILE *out, const bp_session *s)
{
    const bp_model *m = &s->model;
    fputs("DATA QUALITY\n", out);
    rule(out, 80, '-');
    fprintf(out, "%-18s %9s %18s  %s\n", "file", "rows", "money total", "SHA-256");
    for (size_t i = 0; i < m->ninputs; i++) {
        const bp_input *in = &m->inputs[i];
        char money[40] = "", hex[65];
        if (!in->present) {
            fprintf(out, "%-18s %9s %18s  %s\n", in->name, "-", "", "(not supplied)");
            continue;
        }
        if (in->has_money) bp_money_format(in->money_total, true, money, sizeof money);
        bp_sha256_hex(in->sha256, hex);
        fprintf(out, "%-18s %9zu %18s  %s\n", in->name, in->rows, money, hex);
    }
    if (!m->nledgers) fprintf(out, "%zu data rows read, every one used.\n", m->rows_read);
    else fprintf(out, "%zu data rows read, every one used (a ledger's in its facts or left out "
                 "by the mapping, as below).\n", m->rows_read);
    ledger_totals(out, m);
    size_t nw = s->diags.count - s->diags.errors;
    fprintf(out, "Warnings: %zu\n", nw);
    return bp_text_diags(out, &s->diags);
}

bp_err bp_text_diags(FILE *out, const bp_diags *d)
{
    for (size_t i = 0; i < d->count; i++) {
        char line[1200];
        bp_diag_format(&d->items[i], line, sizeof line);
        fputs("  ", out);
        if (!put(out, line, NULL)) return BP_ERR_NOMEM;
        fputc('\n', out);
    }
    return ferror(out) ? BP_ERR_IO : BP_OK;
}

bp_err bp_text_report(FILE *out, const bp_session *s)
{
    const bp_model *m = &s->model;
    char yb[16], asof[40];
    bp_year_format(s->year, yb, sizeof yb);
    bp_date_format_long(m->as_of, asof, sizeof asof);
    if (!put(out, m->name, NULL)) return BP_ERR_NOMEM;
    fprintf(out, ": KPI check for %s, as at %s\n\n", yb, asof);

    /* One column per institution, then the trust; wide trusts in blocks a terminal can
     * show, so no institution is ever left out. */
    column *cols = malloc((m->ninsts + BP_PHASE_COUNT + 1) * sizeof *cols);
    if (!cols) return BP_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < m->ninsts; i++)
        cols[n++] = (column){BP_SCOPE_INSTITUTION, (int)i, m->insts[i].id};
    cols[n++] = (column){BP_SCOPE_TRUST, 0, "Trust"};
    scorecards(out, s, cols, n, "SCORECARD BY INSTITUTION");
    n = 0;
    for (size_t i = 0; i < s->results.nphases; i++)
        cols[n++] = (column){BP_SCOPE_PHASE, (int)s->results.phases[i],
                             bp_phase_id(s->results.phases[i])};
    cols[n++] = (column){BP_SCOPE_TRUST, 0, "Trust"};
    scorecards(out, s, cols, n, "SCORECARD BY PHASE");
    free(cols);

    fputs("Institutions: ", out);
    for (size_t i = 0; i < m->ninsts; i++) {
        fprintf(out, "%s%s = ", i ? "; " : "", m->insts[i].id);
        if (!put(out, m->insts[i].name, NULL)) return BP_ERR_NOMEM;
        fprintf(out, " (%s)", bp_phase_title(m->insts[i].phase));
    }
    fputs(".\nStatus marks: ok = target met, A! = amber, R! = red; - = no data.\n\n", out);

    if (!exceptions(out, s)) return BP_ERR_NOMEM;
    bp_err err = data_quality(out, s);
    fflush(out);
    if (err != BP_OK) return err;
    return ferror(out) ? BP_ERR_IO : BP_OK;
}
