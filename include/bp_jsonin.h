/* bp_jsonin: a strict, small JSON reader (RFC 8259) for the files boardpack reads back -
 * a previous pack's results JSON (--previous).  Whole-document parse into a tree; any
 * departure from the grammar (a trailing comma, a comment, a leading zero, NaN, a bare
 * control character, a lone surrogate, bytes that are not UTF-8, a member name given
 * twice (among an object's first 256: results objects hold a dozen), text
 * after the value) is an error at its line and column, never a crash or a guess.
 * Nesting is capped (BP_JSONIN_MAX_DEPTH) so that no input can exhaust the stack. */
#ifndef BP_JSONIN_H
#define BP_JSONIN_H

#include <stdbool.h>
#include <stddef.h>
#include "bp_error.h"

#define BP_JSONIN_MAX_DEPTH 64

typedef enum {
    BP_JV_NULL, BP_JV_BOOL, BP_JV_NUMBER, BP_JV_STRING, BP_JV_ARRAY, BP_JV_OBJECT
} bp_jv_kind;

typedef struct bp_jv {
    bp_jv_kind kind;
    int line, column;        /* where the value starts, 1-based (columns count bytes) */
    bool b;                  /* BP_JV_BOOL */
    double num;              /* BP_JV_NUMBER: the literal read to the nearest double */
    char *text;              /* BP_JV_STRING: decoded UTF-8 (no NUL inside: \u0000 is
                                refused); BP_JV_NUMBER: the literal as written */
    size_t len;              /* of text */
    struct bp_jv *items;     /* BP_JV_ARRAY: the elements; BP_JV_OBJECT: the values */
    char **keys;             /* BP_JV_OBJECT: the member names, decoded */
    size_t n;
} bp_jv;

/* Parse text[0..len) into *out.  On a syntax error returns BP_ERR_DATA with *line,
 * *column (1-based) and why (such as "expected ',' or '}'") filled in; BP_ERR_NOMEM
 * when memory runs out.  *out is to be freed with bp_jv_free either way. */
bp_err bp_jsonin_parse(const char *text, size_t len, bp_jv *out, int *line, int *column,
                       char *why, size_t why_size);
void bp_jv_free(bp_jv *v);

/* The member key of an object, or NULL (also when obj is not an object). */
const bp_jv *bp_jv_get(const bp_jv *obj, const char *key);

#endif
