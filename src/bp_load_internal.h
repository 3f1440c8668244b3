/* bp_load's own header, not a public one: the loader's state while it reads a data set,
 * the field readers every file's loader shares (bp_load_fields.c: each refusal a
 * diagnostic at its file, line and column) and the loaders of the plan's files
 * (bp_load_plan.c: ambitions, priorities, actions, papers, commentary, national).
 * bp_load.c reads the files and loads trust.csv, institutions.csv, the facts and courses,
 * then calls the plan's loaders; nothing here calls back into it. */
#ifndef BP_LOAD_INTERNAL_H
#define BP_LOAD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bp_csv.h"
#include "bp_load.h"

#if defined(__GNUC__)
#define LD_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define LD_PRINTF(fmt, args)
#endif

enum {
    F_TRUST, F_INSTS, F_FINANCE, F_STAFF, F_STUDENTS, F_GOV, F_COURSES, F_ACTIONS,
    F_AMBITIONS, F_PRIORITIES, F_PAPERS, F_COMMENTARY, F_NATIONAL, F_COUNT
};


#define EXP_ID16 "an id of 1 to 16 letters, digits, '_' or '-'"
#define EXP_KEY "an id of 1 to 64 letters, digits, '_', '-' or '.'"
#define EXP_INST "an institution id from institutions.csv"
#define EXP_YEAR "a year such as 2022/23 (or 2022-23)"
#define EXP_DATE "a date as YYYY-MM-DD"
#define EXP_SCENARIO "actual, budget or forecast"
#define EXP_PHASE "one of primary, secondary, secondary_sixth, sixth_form_college, " \
    "all_through, special, alternative_provision, central"
#define EXP_CODE "a lower-case dotted code such as income.esfa.gag"
#define EXP_STATUS "one of not_started, on_track, at_risk, off_track, complete"
#define EXP_AMBITION "an ambition id from ambitions.csv"
#define EXP_WHOLE "a whole number that is not negative"
#define EXP_MONTH "a month M01 (September) to M12 (August), or P01 to P12"

/* A fact while loading: the column of its code, for a duplicate's diagnostic. */
typedef struct {
    bp_fact f;
    int code_col;
    int period_col;          /* of the period field; 0 when the file has no such column */
} tfact;

/* A row's identity for the duplicate check: key compares, shown is what people read. */
typedef struct {
    char *key;
    int line, col;
} keyrec;

typedef struct {
    keyrec *v;
    size_t n, cap;
} keyset;

typedef struct {
    const char *id;
    int index, line;
} inst_ref;

/* An id in a row of institutions.csv that was refused whole (wrong number of fields, bad
 * encoding): the rows elsewhere naming it are counted here and reported once, not each
 * as an unknown institution. */
typedef struct {
    const char *id;
    size_t n;
    int line;
    size_t rows;
    unsigned files;                 /* bit per file index */
} lost_inst;

typedef struct {
    bp_model *m;
    bp_diags *d;
    bp_err err;                     /* NOMEM or IO: stronger than DATA */
    bp_csv_table t[F_COUNT];
    bool present[F_COUNT];
    bool parsed[F_COUNT];           /* read and parsed with no error */
    inst_ref *inst_sorted;          /* m->insts sorted by id, for lookups */
    bool insts_ok;                  /* institutions.csv could be read at all */
    size_t ninst_sorted;
    lost_inst *lost;
    size_t nlost;
    tfact *facts;
    size_t nfacts, capfacts;
    size_t *hash;                   /* intern table: index+1 into m->strings, 0 empty */
    size_t hcap;
    const char **codes;             /* the facts' distinct codes, sorted (ld_has_code); */
    size_t ncodes;                  /* made at its first call, after every fact is read */
    size_t capinsts, capcourses, capactions, capambitions, cappriorities, cappapers,
        capcomments, capbench, capsettings;
} loader;

/* A field's text without surrounding spaces (quoted fields keep theirs in the table). */
typedef struct {
    const char *s;
    size_t n;
} view;

/* ---------- the field readers (bp_load_fields.c) ---------- */

static inline const bp_csv_field *ld_cell(const bp_csv_row *r, int idx) { return bp_csv_get(r, idx); }
void *ld_grow(loader *L, void *p, size_t *cap, size_t need, size_t elem);
char *ld_dupn(loader *L, const char *s, size_t n);
char *ld_dup(loader *L, const char *s);
view ld_trimmed(const bp_csv_field *f);
bool ld_word_ok(const bp_csv_field *f);
LD_PRINTF(5, 6) void ld_bad(loader *L, int file, const bp_csv_field *f, const char *column,
          const char *fmt, ...);
LD_PRINTF(5, 6) void ld_bad_word(loader *L, int file, const bp_csv_field *f,
          const char *column, const char *fmt, ...);
bool ld_small(const bp_csv_field *f, char *buf, size_t size);
bool ld_valid_id(view v, size_t max, bool dot);
bool ld_valid_code(view v, bool dots);
bool ld_is_count_code(const char *code);
bool ld_get_text(loader *L, int file, const bp_csv_field *f, const char *col,
                 const char *what, view *out);
bool ld_get_id(loader *L, int file, const bp_csv_field *f, const char *col, bool key,
               view *out);
bool ld_get_year(loader *L, int file, const bp_csv_field *f, const char *col, int *year);
bool ld_get_date(loader *L, int file, const bp_csv_field *f, const char *col, int32_t *days);
int ld_find_inst(const loader *L, view v);
bool ld_lost_row(loader *L, int file, view v);
bool ld_get_inst(loader *L, int file, const bp_csv_field *f, const char *col, int *inst);
void ld_note_lost(loader *L);
void ld_report_lost(loader *L);
bool ld_get_money(loader *L, int file, const bp_csv_field *f, const char *col, bool nonneg,
                  int64_t *pence);
bool ld_get_whole(loader *L, int file, const bp_csv_field *f, const char *col, int64_t *v);
LD_PRINTF(5, 6) void ld_key_add(loader *L, keyset *ks, int line, int col, const char *fmt,
          ...);
void ld_key_check(loader *L, keyset *ks, int file, const char *what);
const char *ld_q(view v, char *buf, size_t size);
bool ld_bind(loader *L, int file, const bp_csv_colspec *spec, size_t n, int *idx);

/* ---------- the plan's files (bp_load_plan.c), in the order bp_load.c calls them ---------- */

void ld_load_ambitions(loader *L);
void ld_load_priorities(loader *L);
void ld_load_actions(loader *L);
void ld_load_papers(loader *L);
void ld_load_commentary(loader *L);
void ld_load_national(loader *L);

#endif
