/* bp_packpdf_common: what the files that render pack sections (bp_packpdf.c,
 * bp_packpdf_score.c, bp_packpdf_finance.c, bp_packpdf_plan.c) share - the context of one document and the
 * small helpers every section uses.  It calls none of them: the section files sit above
 * it, the driver (bp_packpdf.c) above those.  Not a public header. */
#ifndef BP_PACKPDF_COMMON_H
#define BP_PACKPDF_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bp_balance.h"
#include "bp_exgroup.h"
#include "bp_pack.h"
#include "bp_packpdf.h"
#include "bp_pdf.h"
#include "bp_session.h"

/* Places in a list, by model institution, ascending: institution i's are v[at[i]] up to
 * v[at[i + 1]] (at: ninsts + 1 of them). */
typedef struct {
    size_t *at, *v;
} pk_by_inst;

/* The session's index (bp_packpdf.h), by institution: the places in results.exceptions
 * of its exceptions (institution scope), in results.results of its results cleared since the
 * last pack (--previous), in results.courses of its courses' results, in
 * model.priorities of its priorities and in model.actions of its actions; whether the
 * trust has a budget at all; the institutions by governing body and the phases' sizes. */
struct bp_packpdf_index {
    size_t ninsts;
    pk_by_inst exc, cleared, courses, priorities, actions;
    bool budget;             /* an institution has a budget (income or expenditure) for the
                                report year: asked of every institution a pack names */
    /* the institutions with a governing body (the centre aside), by its id and then in
     * model order: a body's pack finds its own by a binary search */
    struct pk_lgb_member { const char *lgb; int inst; } *by_lgb;
    size_t nby_lgb;
    size_t phase_members[BP_PHASE_COUNT];   /* the trust's institutions in each phase */
    int trend_years[3];      /* the trends' years (the trust's, in every pack): a walk of the
                                institutions each, once a session rather than once a pack */
    size_t ntrend_years;
    bool *member;            /* per institution, all false between documents: a document
                                marks its own (pk_ctx.member) and clears them when done */
};

typedef struct {
    const bp_session *s;
    const bp_packpdf_index *ix;   /* the session's (its member[] is this document's own) */
    const bp_model *m;
    const bp_results *r;
    const bp_pack *pack;
    const char *lgb;         /* the local governing body of an lgb pack, else NULL */
    bp_pdf *pdf;
    int year;                /* the report year */
    /* the scenario that stands for the report year's actuals: BP_OUTTURN in in-year mode
     * (contract v2: the outturn takes the place of the year's actual in the packs), else
     * BP_ACTUAL; period: the closed month in in-year mode, else 0 */
    bp_scenario actual;
    int period;
    int *insts;              /* the institutions this document is about, model order:
                                every non-central one, or the LGB's */
    size_t ninsts;
    bool *member;            /* per model institution: is it one of insts (pk_has_inst in
                                constant time: a trust's sections ask it of every action,
                                priority and institution); the index's, marked for it */
    int appendix;            /* appendices lettered so far */
    int section;             /* main sections numbered so far */
    bool page_after;         /* the last section ends its page (the summary) */
    bool *shown;             /* per KPI: a value or exception of it is in the document */
    /* exceptions sections whose entries past the pack's max_exceptions wait for their
     * appendix, drawn before the next appendix section of the template (or at the end):
     * the section, the first entry left over and the section's number */
    struct { const bp_section *sec; size_t from; int number; } spill[8];
    size_t nspill;
    bp_money_units units;    /* the tables' money: the pack's money_units, else trust.csv's */
    bool *toward;            /* a figure since the last pk_rounding_note was rounded toward
                                the failing side of its target (marked, to be footnoted) */
    int key_section;         /* the section holding the institutions' key, 0 before it */
    int score_key;           /* the section holding the scorecards' key, 0 before it */
    unsigned charts;         /* the charts drawn once a document (PK_CHART_*) drawn so far */
} pk_ctx;

/* Start the section with its heading ("3. Exceptions" or "Appendix A. Methodology"),
 * flowing on below the last (landscape for wide tables and matrices: a page of that
 * orientation). */
void pk_heading(pk_ctx *c, const bp_section *sec, const char *fallback, bool landscape);

/* What the trust calls its local tier (trust.csv local_tier: "local governing body",
 * "academy council"), as written, or with a capital first letter for the start of a
 * heading or a sentence (cap). */
void pk_tier(const pk_ctx *c, bool cap, char *buf, size_t size);

/* Does the institution belong to this document? */
bool pk_has_inst(const pk_ctx *c, int inst);
/* The walk of the model institutions a document's figures can come from, in model order:
 * a governing body's own, else every one (the centre among them) - pk_doc_inst(c, j) for
 * j below pk_doc_count(c).  A governing body's pack walks its few, not the trust's. */
size_t pk_doc_count(const pk_ctx *c);
int pk_doc_inst(const pk_ctx *c, size_t j);

/* In-year (contract v2): is this cash flow of an entity of the document; does this
 * balance sheet have a figure to show; does the document show a section of this kind -
 * false for an in-year section left out (an annual data set has none of its figures), so
 * that the numbers other sections cite count only the sections drawn; true for every
 * other kind. */
bool pk_cash_in_doc(const pk_ctx *c, const bp_cashflow *cf);
bool pk_balance_any(const bp_balance_sheet *b);
bool pk_inyear_shown(const pk_ctx *c, bp_section_kind kind);

/* The KPI selected by the section's filter (and present in the set). */
bool pk_selects(const pk_ctx *c, const bp_section *sec, int kpi);

/* A result of the report year's actuals (in-year: its outturn), or NULL.  Sections look up what they show: a
 * result with a value marks its KPI shown (pk_shown). */
const bp_result *pk_result(const pk_ctx *c, int kpi, bp_scope scope, int entity);

/* Does a table show something for it: a value, or "c" for one withheld (build --publish)? */
bool pk_has_value(const bp_result *r);
/* The text a screen reader is to say for a cell's text, each "c" standing alone as a word
 * read "suppressed"; false (buf unspecified) when the text has none. */
bool pk_spoken_text(const char *text, char *buf, size_t size);
/* Before the row holding it: the cell in column col of t says its "c"s as "suppressed". */
void pk_say_cell(bp_pdf_table *t, size_t col, const char *text);
/* "c = fewer than 6 (suppressed)": the footnote of a table or sentence with a "c". */
void pk_suppressed_note(const pk_ctx *c, char *buf, size_t size);
/* What stands for the report year's actuals, in words: "actuals", in-year "forecast
 * outturn". */
const char *pk_actual_words(const pk_ctx *c);

/* Records that the document shows KPI kpi (the methodology explains those). */
void pk_shown(const pk_ctx *c, int kpi);

/* A result's cell: value and status mark ("82.4% R"), tinted by status. */
void pk_result_cell(const pk_ctx *c, const bp_result *r, char *buf, size_t size,
                    bp_pdf_cell *cell);

/* Exact sums in pence for a code prefix; false when no fact matches. */
bool pk_pence(const pk_ctx *c, int inst, int year, bp_scenario s, const char *code,
              bool eliminate, int64_t *out);
/* Money in the pack's units for its tables and summary: "£1,235", "(£1,235)", in
 * thousands "1,235" under a heading that says "£000" (pk_money_head). */
void pk_money(const pk_ctx *c, int64_t pence, char *buf, size_t size);
/* A total over the document's scope: the consolidated trust (internal transfers
 * eliminated), or a governing body's institutions as they stand; false when no fact
 * matches. */
bool pk_scope_pence(const pk_ctx *c, int year, bp_scenario s, const char *code, int64_t *out);
/* A money column's heading: "Income" in pounds, "Income (£000)" in thousands. */
const char *pk_money_head(const pk_ctx *c, const char *title, char *buf, size_t size);
/* To the penny, for the audit trail (data quality): "£1,234.50", "-£386.40". */
void pk_pence_text(int64_t pence, char *buf, size_t size);
void pk_percent(bp_num v, char *buf, size_t size);

/* After a table of results: the footnote for the figures pk_result_cell rounded toward
 * the failing side of their targets (marked "†"), when there were any since the last. */
void pk_rounding_note(pk_ctx *c);

/* The key of the institutions' codes (code, name, phase, joined, local tier), once per
 * document: at the first section that names institutions by their codes. */
void pk_institutions_key(pk_ctx *c);
const char *pk_mark(bp_status s);    /* "G", "A", "R", "" */
/* The page layer's tint for a status (the same traffic light), and its chart unit for a
 * KPI's unit (a grade's points chart as a number). */
bp_pdf_tint pk_tint(bp_status s);
bp_pdf_unit pk_chart_unit(bp_unit u);

/* A governing body's pack: the places of its institutions' items in one of the session's
 * lists by institution (c->ix->exc, ->actions, ...), ascending, into *out (free it); how
 * many.  (size_t)-1 when out of memory. */
size_t pk_lgb_places(const pk_ctx *c, const pk_by_inst *by, size_t **out);

/* The exceptions of this document grouped (bp_exgroup): of the section's KPIs (sec NULL:
 * every KPI) and, in a governing body's pack, of its institutions. */
bp_err pk_exgroups(const pk_ctx *c, const bp_section *sec, bp_exgroups *all);
/* The exceptions of the same scope cleared since the last pack (--previous). */
bp_err pk_cleared(const pk_ctx *c, const bp_section *sec, bp_cleared *out);

/* The status key printed above tables that show marks (pk_status_key_text: a key of the
 * caller's), with the footnote of figures rounded toward the failing side when there
 * were any. */
void pk_status_key(pk_ctx *c);
void pk_status_key_text(pk_ctx *c, const char *key);

/* The intro of a section that names institutions by their codes (fmt and its arguments),
 * saying where the key to them is: below, when this section is the first to need it,
 * else the section that holds it. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
void pk_codes_intro(const pk_ctx *c, char *buf, size_t size, const char *fmt, ...);

#endif
