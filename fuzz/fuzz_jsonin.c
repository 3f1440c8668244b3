/* libFuzzer harness: arbitrary bytes -> bp_jsonin_parse (the strict JSON reader behind
 * --previous).
 *
 * Beyond "no crash, no sanitizer report", it checks what bp_previous relies on: the
 * return code is OK, DATA or NOMEM; a refusal has a position inside the input (a line no
 * later than its last, a column of at least 1) and a one-line reason; a tree read has no
 * level deeper than the cap, every string is UTF-8 with no NUL inside its length and every
 * number finite and written as JSON; and each string written again by bp_json_string
 * (the results writer) reads back to the same text. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_json.h"
#include "bp_jsonin.h"
#include "bp_util.h"

#include "fuzz_common.h"

static void check_utf8(const char *s, size_t n)
{
    CHECK(strlen(s) == n);
    for (size_t i = 0; i < n;) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = bp_utf8_decode((const unsigned char *)s + i, n - i, NULL);
        CHECK(k > 0);
        i += k;
    }
}

static void round_trip(const char *s)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    CHECK(f);
    bp_json_string(f, s);
    CHECK(fclose(f) == 0);
    bp_jv v;
    CHECK(bp_jsonin_parse(buf, n, &v, NULL, NULL, NULL, 0) == BP_OK);
    CHECK(v.kind == BP_JV_STRING && strcmp(v.text, s) == 0);
    bp_jv_free(&v);
    free(buf);
}

static void walk(const bp_jv *v, int depth, int lines)
{
    CHECK(depth <= BP_JSONIN_MAX_DEPTH);
    CHECK(v->line >= 1 && v->line <= lines && v->column >= 1);
    switch (v->kind) {
    case BP_JV_STRING:
        check_utf8(v->text, v->len);
        round_trip(v->text);
        break;
    case BP_JV_NUMBER:
        CHECK(isfinite(v->num));
        CHECK(v->len >= 1 && (v->text[0] == '-' || (v->text[0] >= '0' && v->text[0] <= '9')));
        break;
    case BP_JV_OBJECT:
        for (size_t i = 0; i < v->n; i++) {
            check_utf8(v->keys[i], strlen(v->keys[i]));
            CHECK(bp_jv_get(v, v->keys[i]) != NULL);
        }
        /* fall through: the values */
    case BP_JV_ARRAY:
        for (size_t i = 0; i < v->n; i++) walk(&v->items[i], depth + 1, lines);
        break;
    case BP_JV_NULL:
    case BP_JV_BOOL:
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int lines = 1;
    for (size_t i = 0; i < size; i++) lines += data[i] == '\n';
    bp_jv v;
    int line = 0, col = 0;
    char why[160];
    bp_err err = bp_jsonin_parse((const char *)data, size, &v, &line, &col, why, sizeof why);
    CHECK(err == BP_OK || err == BP_ERR_DATA || err == BP_ERR_NOMEM);
    if (err == BP_OK) {
        walk(&v, 0, lines);
    } else {
        CHECK(line >= 1 && line <= lines && col >= 1);
        CHECK(why[0] && !strchr(why, '\n'));
    }
    bp_jv_free(&v);
    return 0;
}
