/* bp_mapping: a data set's mapping.csv (contract v2, "Ledger import"): which ledger
 * columns play which role, how cost centres map to institutions and accounts to fact
 * codes, which accounts are left out, how scenario, period and year values read, and the
 * settings - with the rules of an included template (templates/mappings/NAME.csv) under
 * the data set's own.  And the matching: the rule that maps an account (exact, then the
 * narrowest PREFIX* or LO..HI) or a cost centre (exact, then the longest prefix). */
#ifndef BP_MAPPING_H
#define BP_MAPPING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bp_error.h"
#include "bp_model.h"

typedef enum {
    BP_MK_COLUMN, BP_MK_INSTITUTION, BP_MK_ACCOUNT, BP_MK_IGNORE, BP_MK_SCENARIO, BP_MK_FILE,
    BP_MK_PERIOD, BP_MK_YEAR, BP_MK_SETTING, BP_MK_INCLUDE, BP_MK_COUNT
} bp_map_kind;
extern const char *const bp_map_kind_name[BP_MK_COUNT];

typedef enum { BP_MM_EXACT, BP_MM_PREFIX, BP_MM_RANGE, BP_MM_BLANK } bp_map_how;

typedef enum {
    BP_ROLE_INSTITUTION, BP_ROLE_ACCOUNT, BP_ROLE_AMOUNT, BP_ROLE_DEBIT, BP_ROLE_CREDIT,
    BP_ROLE_YEAR, BP_ROLE_PERIOD, BP_ROLE_SCENARIO, BP_ROLE_COUNT
} bp_map_role;
extern const char *const bp_map_role_name[BP_ROLE_COUNT];

typedef struct {
    bp_map_kind kind;
    bp_map_how how;           /* for institution, account and ignore rules */
    char *match;              /* trimmed, as written */
    size_t plen;              /* PREFIX*: the prefix's length; LO..HI: the length of each end */
    char *target;             /* trimmed, "" when empty */
    int sign;                 /* account rules: +1 (debit - credit) or -1 (credit - debit) */
    int value;                /* column: the role; institution: the institution's index (-1
                                 when parsed without a model); scenario, file: a bp_scenario;
                                 period: the month 1..12; year: the starting year */
    const char *file;         /* "mapping.csv", "templates/mappings/cfr.csv" (owned by the map) */
    bool own;                 /* the data set's own rule, not an included one */
    int line, column;         /* of the match field */
    int target_column;
    bool used;                /* matched by some ledger row (for the warning of rules that
                                 match nothing) */
    bool reported;            /* its misuse is reported already (once per rule) */
} bp_map_rule;

typedef struct {
    bp_map_rule *rules;       /* included rules first, then the data set's, in file order */
    size_t n;
    char *files[2];
    size_t nfiles;
    int role[BP_ROLE_COUNT];  /* the column rule of each role, -1 */
    bool balance;             /* setting basis: balance (default movement) */
    int basis_rule, result_rule, blank_rule;   /* indexes, -1 */
    bool has_scenario_rules;
    size_t rows;              /* data rows of the data set's own mapping.csv */
} bp_mapping;

/* A month as the contract spells one - M01..M12, P01..P12 (any case), 1..12, 01..12 -
 * as 1..12; 0 for anything else. */
int bp_map_month(const char *s, size_t n);

/* Is name a ledger file's name: ledger.csv or ledger-NAME.csv (NAME of letters, digits,
 * '_', '-', '.')? */
bool bp_map_ledger_name(const char *name);

/* The number of values of an account's length a rule admits: 10^big when big > 0 (a
 * prefix with more than 18 free positions), else v. */
typedef struct {
    int big;
    uint64_t v;
} bp_map_width;
int bp_map_width_cmp(bp_map_width a, bp_map_width b);

/* Parse mapping.csv's bytes (name as shown in messages) into out, reading an included
 * template from mappings_dir.  m, when not NULL, gives the institution ids that targets
 * must name (and the load's report year is not needed).  BP_OK, BP_ERR_DATA (errors in
 * d) or BP_ERR_NOMEM.  out must be freed either way. */
bp_err bp_mapping_parse(const char *name, const char *data, size_t len, const char *mappings_dir,
                        const bp_model *m, bp_mapping *out, bp_diags *d);
bp_err bp_mapping_read(const char *path, const char *name, const char *mappings_dir,
                       const bp_model *m, bp_mapping *out, bp_diags *d);
void bp_mapping_free(bp_mapping *mp);

/* Does rule r (an account, ignore or institution rule) admit the value s[0..n)?  Sets
 * *w to its width for that value's length. */
bool bp_map_admits(const bp_map_rule *r, const char *s, size_t n, bp_map_width *w);

/* The account and ignore rules that admit account s[0..n), best first (the exact rule,
 * then by width, then in rule order), as rule indexes into idx (at most max; the count
 * of all of them is returned) and their widths into w (may be NULL).  The account is
 * mapped by idx[0] unless idx[1] is exact too or has idx[0]'s width: then it is ambiguous.
 * An empty account is admitted only by ignore,(blank). */
size_t bp_mapping_candidates(const bp_mapping *mp, const char *s, size_t n, int *idx,
                             bp_map_width *w, size_t max);

/* The institution rule for cost centre s[0..n): exact, else the longest prefix; -1. */
int bp_mapping_institution(const bp_mapping *mp, const char *s, size_t n);

/* A rule as written ("account,4000..4099,income.esfa.gag,-") into buf. */
void bp_map_rule_text(const bp_map_rule *r, char *buf, size_t size);

#endif
