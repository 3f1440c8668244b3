/* The development-plan sections of a pack: actions with owners and status (overdue
 * flagged), actions by ambition, each institution's priorities and the alignment matrix
 * of priorities against the trust's ambitions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_packpdf_sections.h"

static bool action_in_scope(const pk_ctx *c, const bp_section *sec, const bp_action *a)
{
    /* An LGB pack shows its institutions' actions; trust packs also the trust-wide ones. */
    if (c->lgb ? !pk_has_inst(c, a->inst) : !(pk_has_inst(c, a->inst) || a->inst == c->m->central))
        return false;
    if (!sec->nambitions) return true;
    const char *amb = c->m->ambitions[a->ambition].id;
    for (size_t i = 0; i < sec->nambitions; i++)
        if (strcmp(sec->ambitions[i], amb) == 0) return true;
    return false;
}

static bool overdue(const pk_ctx *c, const bp_action *a)
{
    return a->due < c->m->as_of && a->status != BP_ST_COMPLETE;
}

static const char *status_words(bp_action_status s)
{
    switch (s) {
    case BP_ST_NOT_STARTED: return "Not started";
    case BP_ST_ON_TRACK: return "On track";
    case BP_ST_AT_RISK: return "At risk";
    case BP_ST_OFF_TRACK: return "Off track";
    case BP_ST_COMPLETE: return "Complete";
    case BP_ACTION_STATUS_COUNT: break;
    }
    return "?";
}

static bp_status action_colour(const pk_ctx *c, const bp_action *a)
{
    if (overdue(c, a) || a->status == BP_ST_OFF_TRACK) return BP_STATUS_RED;
    if (a->status == BP_ST_AT_RISK) return BP_STATUS_AMBER;
    if (a->status == BP_ST_COMPLETE || a->status == BP_ST_ON_TRACK) return BP_STATUS_GREEN;
    return BP_STATUS_NONE;
}

/* Actions in ambition order, then due date, then id: the order a committee reads. */
static int action_cmp(const void *pa, const void *pb)
{
    const bp_action *a = *(const bp_action *const *)pa;
    const bp_action *b = *(const bp_action *const *)pb;
    if (a->ambition != b->ambition) return a->ambition < b->ambition ? -1 : 1;
    if (a->due != b->due) return a->due < b->due ? -1 : 1;
    return strcmp(a->id, b->id);
}

void pk_actions(pk_ctx *c, const bp_section *sec)
{
    /* a governing body's pack takes its institutions' actions from the session's index
     * (in file order, as the walk of all of them a trust's pack makes) */
    size_t *at = NULL, nat = c->lgb ? pk_lgb_places(c, &c->ix->actions, &at) : c->m->nactions;
    if (nat == (size_t)-1) nat = c->m->nactions;     /* out of memory: the walk of all */
    /* the actions first: with none, the section is a line, not a landscape page */
    size_t n = 0;
    for (size_t j = 0; j < nat; j++)
        if (action_in_scope(c, sec, &c->m->actions[at ? at[j] : j])) n++;
    pk_heading(c, sec, "Development-plan actions", n > 0);
    char asof[48], intro[300];
    bp_date_format_long(c->m->as_of, asof, sizeof asof);
    snprintf(intro, sizeof intro,
             "Actions from the development plans, by ambition. An action is overdue when its due "
             "date is before %s and it is not complete; overdue and off-track actions are red, "
             "at-risk actions amber.", asof);
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, intro);
    const bp_action **idx = calloc(n ? n : 1, sizeof *idx);
    if (!idx) {
        free(at);
        return;
    }
    n = 0;
    for (size_t j = 0; j < nat; j++)
        if (action_in_scope(c, sec, &c->m->actions[at ? at[j] : j])) idx[n++] = &c->m->actions[at ? at[j] : j];
    free(at);
    qsort(idx, n, sizeof *idx, action_cmp);
    if (!n) {
        bp_pdf_paragraph(c->pdf, BP_PDF_BODY, "No actions are recorded for this paper.");
        free((void *)idx);
        return;
    }
    bp_pdf_col cols[] = {{"Ref", 0.8f, BP_PDF_LEFT}, {"Institution", 1.7f, BP_PDF_LEFT},
                         {"Ambition", 1.6f, BP_PDF_LEFT}, {"Action", 6, BP_PDF_LEFT},
                         {"Owner", 2.4f, BP_PDF_LEFT}, {"Due", 1.8f, BP_PDF_LEFT},
                         {"Status", 1.8f, BP_PDF_LEFT}, {"Evidence", 4, BP_PDF_LEFT}};
    bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, 8, BP_PDF_SMALL);
    for (size_t i = 0; i < n; i++) {
        const bp_action *a = idx[i];
        char due[48], st[64];
        bp_date_format_long(a->due, due, sizeof due);
        bp_status colour = action_colour(c, a);
        snprintf(st, sizeof st, "%s%s%s%s", status_words(a->status), overdue(c, a) ? " - OVERDUE" : "",
                 colour == BP_STATUS_NONE ? "" : " ", pk_mark(colour));
        bp_pdf_cell row[8] = {{a->id, BP_PDF_TINT_NONE, false, false},
                              {c->m->insts[a->inst].id, BP_PDF_TINT_NONE, false, false},
                              {c->m->ambitions[a->ambition].title, BP_PDF_TINT_NONE, false, false},
                              {a->action, BP_PDF_TINT_NONE, false, false},
                              {a->owner, BP_PDF_TINT_NONE, false, false},
                              {due, BP_PDF_TINT_NONE, overdue(c, a), false},
                              {st, pk_tint(colour), overdue(c, a), false},
                              {a->evidence ? a->evidence : "", BP_PDF_TINT_NONE, false, false}};
        bp_pdf_table_row(t, row);
    }
    bp_pdf_table_end(t);
    pk_status_key(c);
    free((void *)idx);
}

void pk_actions_summary(pk_ctx *c, const bp_section *sec)
{
    pk_heading(c, sec, "Development plan by ambition", false);
    char asof[48], intro[300];
    bp_date_format_long(c->m->as_of, asof, sizeof asof);
    snprintf(intro, sizeof intro, "How many actions serve each of the trust's ambitions and where "
             "they stand at %s.", asof);
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY, intro);
    bp_pdf_col cols[] = {{"Ambition", 3, BP_PDF_LEFT}, {"Not started", 1, BP_PDF_RIGHT},
                         {"On track", 1, BP_PDF_RIGHT}, {"At risk", 1, BP_PDF_RIGHT},
                         {"Off track", 1, BP_PDF_RIGHT}, {"Complete", 1, BP_PDF_RIGHT},
                         {"Total", 1, BP_PDF_RIGHT}, {"Overdue", 1.1f, BP_PDF_RIGHT}};
    bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, 8, BP_PDF_SMALL);
    size_t all[BP_ACTION_STATUS_COUNT + 2] = {0};
    for (size_t a = 0; a < c->m->nambitions; a++) {
        size_t cnt[BP_ACTION_STATUS_COUNT + 2] = {0};
        for (size_t i = 0; i < c->m->nactions; i++) {
            const bp_action *x = &c->m->actions[i];
            if ((size_t)x->ambition != a || !action_in_scope(c, sec, x)) continue;
            cnt[x->status]++;
            cnt[BP_ACTION_STATUS_COUNT]++;
            if (overdue(c, x)) cnt[BP_ACTION_STATUS_COUNT + 1]++;
        }
        char b[BP_ACTION_STATUS_COUNT + 2][24];
        bp_pdf_cell row[8];
        memset(row, 0, sizeof row);
        row[0].text = c->m->ambitions[a].title;
        for (int j = 0; j < BP_ACTION_STATUS_COUNT + 2; j++) {
            snprintf(b[j], sizeof b[j], "%zu", cnt[j]);
            row[1 + j].text = b[j];
            all[j] += cnt[j];
        }
        if (cnt[BP_ACTION_STATUS_COUNT + 1]) {
            snprintf(b[BP_ACTION_STATUS_COUNT + 1], sizeof b[0], "%zu R", cnt[BP_ACTION_STATUS_COUNT + 1]);
            row[7].tint = BP_PDF_TINT_RED;
        }
        bp_pdf_table_row(t, row);
    }
    char b[BP_ACTION_STATUS_COUNT + 2][24];
    bp_pdf_cell row[8];
    memset(row, 0, sizeof row);
    row[0].text = "All ambitions";
    row[0].bold = true;
    for (int j = 0; j < BP_ACTION_STATUS_COUNT + 2; j++) {
        snprintf(b[j], sizeof b[j], "%zu", all[j]);
        row[1 + j].text = b[j];
        row[1 + j].bold = true;
    }
    bp_pdf_table_total(t, row);
    bp_pdf_table_end(t);
}

/* The priorities of the institutions in this document, in file order. */
static bool priority_in_scope(const pk_ctx *c, const bp_priority *p)
{
    return pk_has_inst(c, p->inst) || (!c->lgb && p->inst == c->m->central);
}

void pk_alignment(pk_ctx *c, const bp_section *sec)
{
    pk_heading(c, sec, "Strategic alignment", true);
    bp_pdf_paragraph(c->pdf, BP_PDF_BODY,
                     "Each institution's priorities against the trust's ambitions: a tick shows the "
                     "ambitions a priority serves, as in the institutions' plans.");
    size_t na = c->m->nambitions;
    if (!na || !c->m->npriorities) {
        bp_pdf_paragraph(c->pdf, BP_PDF_BODY, "The data set holds no ambitions or priorities.");
        return;
    }
    bp_pdf_col *cols = calloc(na + 2, sizeof *cols);
    bp_pdf_cell *row = calloc(na + 2, sizeof *row);
    if (!cols || !row) {
        free(cols);
        free(row);
        return;
    }
    cols[0] = (bp_pdf_col){"Institution", 1.6f, BP_PDF_LEFT};
    cols[1] = (bp_pdf_col){"Priority", 4.2f, BP_PDF_LEFT};
    /* Wide enough for a one-word ambition title ("Partnership") in the header. */
    for (size_t a = 0; a < na; a++) cols[2 + a] = (bp_pdf_col){c->m->ambitions[a].title, 1.4f, BP_PDF_CENTRE};
    bp_pdf_table *t = bp_pdf_table_begin(c->pdf, cols, na + 2, BP_PDF_SMALL);
    size_t shown = 0;
    /* a governing body's pack takes its institutions' priorities from the session's index
     * (in file order, as the walk of all of them a trust's pack makes) */
    size_t *at = NULL, nat = c->lgb ? pk_lgb_places(c, &c->ix->priorities, &at) : c->m->npriorities;
    if (nat == (size_t)-1) nat = c->m->npriorities;   /* out of memory: the walk of all */
    for (size_t q = 0; q < nat; q++) {
        const bp_priority *p = &c->m->priorities[at ? at[q] : q];
        if (!priority_in_scope(c, p)) continue;
        memset(row, 0, (na + 2) * sizeof *row);
        row[0].text = c->m->insts[p->inst].id;
        row[1].text = p->title;
        for (size_t a = 0; a < na; a++) {
            for (size_t j = 0; j < p->nambitions; j++)
                if ((size_t)p->ambitions[j] == a) row[2 + a].tick = true;
        }
        bp_pdf_table_row(t, row);
        shown++;
    }
    free(at);
    bp_pdf_table_end(t);
    if (!shown) bp_pdf_paragraph(c->pdf, BP_PDF_BODY, "No priorities are recorded for these institutions.");
    free(cols);
    free(row);
}

void pk_priorities(pk_ctx *c, const bp_section *sec)
{
    pk_heading(c, sec, "Priorities", false);
    size_t shown = 0;
    /* each institution's priorities from the session's index, in file order: a walk of
     * all of them for each would be quadratic in a trust's */
    const pk_by_inst *byp = &c->ix->priorities;
    for (size_t i = 0; i < c->ninsts; i++) {
        int inst = c->insts[i];
        bool heading = false;
        for (size_t q = byp->at[inst]; q < byp->at[inst + 1]; q++) {
            const bp_priority *p = &c->m->priorities[byp->v[q]];
            if (!heading) {
                bp_pdf_heading(c->pdf, 2, c->m->insts[inst].name, false);
                heading = true;
            }
            /* sized to the text: a fixed buffer of 2,048 bytes cut a long title and the
             * ambitions it serves; out of memory, the title still goes alone */
            size_t size = strlen(p->id) + strlen(p->title) + sizeof ".  Serves: no ambition listed";
            for (size_t j = 0; j < p->nambitions; j++)
                size += strlen(c->m->ambitions[p->ambitions[j]].title) + 2;
            char *buf = malloc(size);
            size_t n = buf ? (size_t)snprintf(buf, size, "%s. %s Serves: ", p->id, p->title) : 0;
            for (size_t j = 0; buf && j < p->nambitions; j++)
                n += (size_t)snprintf(buf + n, size - n, "%s%s", j ? ", " : "",
                                      c->m->ambitions[p->ambitions[j]].title);
            if (buf && !p->nambitions) snprintf(buf + n, size - n, "no ambition listed");
            bp_pdf_paragraph_indent(c->pdf, BP_PDF_BODY, 12, buf ? buf : p->title);
            free(buf);
            bp_pdf_space(c->pdf, 3);
            shown++;
        }
    }
    if (!shown) bp_pdf_paragraph(c->pdf, BP_PDF_BODY, "No priorities are recorded for these institutions.");
}
