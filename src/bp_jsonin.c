/* bp_jsonin: the strict JSON reader (bp_jsonin.h).  A recursive descent over the bytes,
 * depth capped; every failure leaves a position and a reason and unwinds freeing what it
 * built. */
#include "bp_jsonin.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_util.h"

typedef struct {
    const unsigned char *p, *end, *line_start;
    int line;
    int err_line, err_col;   /* set once: the first failure is the one reported */
    char *why;
    size_t why_size;
    bool oom;
} rd;

static int col_of(const rd *r, const unsigned char *at)
{
    return (int)(at - r->line_start) + 1;
}

static bool fail_at(rd *r, const unsigned char *at, const char *why)
{
    if (!r->err_line) {
        r->err_line = r->line;
        r->err_col = col_of(r, at);
        snprintf(r->why, r->why_size, "%s", why);
    }
    return false;
}

static bool nomem(rd *r)
{
    r->oom = true;
    return fail_at(r, r->p, "out of memory");
}

static void skip_ws(rd *r)
{
    while (r->p < r->end) {
        unsigned char c = *r->p;
        if (c == '\n') {
            r->line++;
            r->line_start = ++r->p;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            r->p++;
        } else {
            break;
        }
    }
}

/* What stands at p, for a message: "found 'x'" or "found the end of the file". */
static bool unexpected(rd *r, const char *expected)
{
    char buf[160];
    if (r->p >= r->end) snprintf(buf, sizeof buf, "found the end of the file, expected %s", expected);
    else if (*r->p >= 0x21 && *r->p < 0x7f)
        snprintf(buf, sizeof buf, "found '%c', expected %s", *r->p, expected);
    else snprintf(buf, sizeof buf, "found byte 0x%02X, expected %s", *r->p, expected);
    return fail_at(r, r->p, buf);
}

static bool literal(rd *r, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return unexpected(r, "a value");
    r->p += n;
    return true;
}

static bool is_digit(const rd *r, const unsigned char *q)
{
    return q < r->end && *q >= '0' && *q <= '9';
}

static bool number(rd *r, bp_jv *v)
{
    const unsigned char *start = r->p, *q = r->p;
    if (q < r->end && *q == '-') q++;
    if (!is_digit(r, q)) {
        r->p = q;
        return unexpected(r, "a digit");
    }
    if (*q == '0') {
        q++;
        if (is_digit(r, q)) return fail_at(r, q, "a number has no leading zero");
    } else {
        while (is_digit(r, q)) q++;
    }
    if (q < r->end && *q == '.') {
        q++;
        if (!is_digit(r, q)) {
            r->p = q;
            return unexpected(r, "a digit after the decimal point");
        }
        while (is_digit(r, q)) q++;
    }
    if (q < r->end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < r->end && (*q == '+' || *q == '-')) q++;
        if (!is_digit(r, q)) {
            r->p = q;
            return unexpected(r, "a digit of the exponent");
        }
        while (is_digit(r, q)) q++;
    }
    size_t n = (size_t)(q - start);
    v->text = malloc(n + 1);
    if (!v->text) return nomem(r);
    memcpy(v->text, start, n);
    v->text[n] = '\0';
    v->len = n;
    errno = 0;
    v->num = strtod(v->text, NULL);
    if (errno == ERANGE && isinf(v->num)) return fail_at(r, start, "the number is too large for a double");
    v->kind = BP_JV_NUMBER;
    r->p = q;
    return true;
}

static int hex4(const unsigned char *q)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int c = q[i], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return -1;
        v = v * 16 + d;
    }
    return v;
}

static size_t put_utf8(uint32_t cp, char *out)
{
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A string at p (the opening quote); the decoded text is never longer than the source. */
static bool string(rd *r, char **out, size_t *len)
{
    const unsigned char *q = r->p + 1, *close = q;
    while (close < r->end && *close != '"') close += *close == '\\' && close + 1 < r->end ? 2 : 1;
    if (close >= r->end) return fail_at(r, r->p, "a string that is never closed");
    char *s = malloc((size_t)(close - q) + 1);
    if (!s) return nomem(r);
    size_t n = 0;
    while (q < close) {
        unsigned char c = *q;
        if (c < 0x20) {
            free(s);
            return fail_at(r, q, c == '\n' ? "a line break inside a string (write \\n)"
                                          : "a control character inside a string (write \\u00XX)");
        }
        if (c >= 0x80) {
            size_t k = bp_utf8_decode(q, (size_t)(close - q), NULL);
            if (!k) {
                free(s);
                return fail_at(r, q, "bytes that are not UTF-8");
            }
            memcpy(s + n, q, k);
            n += k;
            q += k;
            continue;
        }
        if (c != '\\') {
            s[n++] = (char)c;
            q++;
            continue;
        }
        const unsigned char *esc = q++;
        switch (*q) {
        case '"': s[n++] = '"'; q++; continue;
        case '\\': s[n++] = '\\'; q++; continue;
        case '/': s[n++] = '/'; q++; continue;
        case 'b': s[n++] = '\b'; q++; continue;
        case 'f': s[n++] = '\f'; q++; continue;
        case 'n': s[n++] = '\n'; q++; continue;
        case 'r': s[n++] = '\r'; q++; continue;
        case 't': s[n++] = '\t'; q++; continue;
        case 'u': break;
        default:
            free(s);
            return fail_at(r, esc, "an unknown escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
        }
        int u = close - q >= 5 ? hex4(q + 1) : -1;
        if (u < 0) {
            free(s);
            return fail_at(r, esc, "\\u not followed by four hex digits");
        }
        q += 5;
        uint32_t cp = (uint32_t)u;
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
            free(s);
            return fail_at(r, esc, "a low surrogate without a high one before it");
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            int lo = close - q >= 6 && q[0] == '\\' && q[1] == 'u' ? hex4(q + 2) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF) {
                free(s);
                return fail_at(r, esc, "a high surrogate without a low one after it");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
            q += 6;
        }
        if (cp == 0) {
            free(s);
            return fail_at(r, esc, "\\u0000 (a NUL character) is not accepted");
        }
        /* six source bytes make at most four: the buffer holds it */
        n += put_utf8(cp, s + n);
    }
    s[n] = '\0';
    *out = s;
    *len = n;
    r->p = close + 1;
    return true;
}

static bool value(rd *r, bp_jv *v, int depth);

static bool container(rd *r, bp_jv *v, int depth, bool object)
{
    if (depth >= BP_JSONIN_MAX_DEPTH) return fail_at(r, r->p, "nesting deeper than 64 levels");
    v->kind = object ? BP_JV_OBJECT : BP_JV_ARRAY;
    r->p++;
    size_t cap = 0, kcap = 0;
    skip_ws(r);
    if (r->p < r->end && *r->p == (object ? '}' : ']')) {
        r->p++;
        return true;
    }
    for (;;) {
        skip_ws(r);
        if (object) {
            if (r->p >= r->end || *r->p != '"') return unexpected(r, "a member name in double quotes");
            char **k = bp_grow(v->keys, &kcap, v->n + 1, sizeof *k);
            if (!k) return nomem(r);
            v->keys = k;
            const unsigned char *at = r->p;
            char *key;
            size_t klen;
            if (!string(r, &key, &klen)) return false;
            for (size_t i = 0; i < v->n && v->n < 256; i++)
                if (strcmp(v->keys[i], key) == 0) {
                    free(key);
                    return fail_at(r, at, "a member name given twice in one object");
                }
            v->keys[v->n] = key;
            skip_ws(r);
            if (r->p >= r->end || *r->p != ':') {
                free(key);
                return unexpected(r, "':'");
            }
            r->p++;
        }
        bp_jv *it = bp_grow(v->items, &cap, v->n + 1, sizeof *it);
        if (!it) {
            if (object) free(v->keys[v->n]);
            return nomem(r);
        }
        v->items = it;
        memset(&v->items[v->n], 0, sizeof *v->items);
        v->n++;   /* counted now: freed with the rest if the value fails */
        skip_ws(r);
        if (!value(r, &v->items[v->n - 1], depth + 1)) return false;
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            skip_ws(r);
            if (r->p < r->end && *r->p == (object ? '}' : ']'))
                return fail_at(r, r->p, "a trailing comma");
            continue;
        }
        if (r->p < r->end && *r->p == (object ? '}' : ']')) {
            r->p++;
            return true;
        }
        return unexpected(r, object ? "',' or '}'" : "',' or ']'");
    }
}

static bool value(rd *r, bp_jv *v, int depth)
{
    skip_ws(r);
    v->line = r->line;
    v->column = col_of(r, r->p);
    if (r->p >= r->end) return unexpected(r, "a value");
    switch (*r->p) {
    case '{': return container(r, v, depth, true);
    case '[': return container(r, v, depth, false);
    case '"':
        v->kind = BP_JV_STRING;
        return string(r, &v->text, &v->len);
    case 't': v->kind = BP_JV_BOOL; v->b = true; return literal(r, "true");
    case 'f': v->kind = BP_JV_BOOL; v->b = false; return literal(r, "false");
    case 'n': v->kind = BP_JV_NULL; return literal(r, "null");
    default:
        if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9')) return number(r, v);
        return unexpected(r, "a value");
    }
}

bp_err bp_jsonin_parse(const char *text, size_t len, bp_jv *out, int *line, int *column,
                       char *why, size_t why_size)
{
    char dummy[8];
    memset(out, 0, sizeof *out);
    rd r = {(const unsigned char *)text, (const unsigned char *)text + len,
            (const unsigned char *)text, 1, 0, 0, why ? why : dummy,
            why ? why_size : sizeof dummy, false};
    if (r.why_size) r.why[0] = '\0';
    /* a byte-order mark is not JSON (RFC 8259 8.1): said as such, not as a stray byte */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) fail_at(&r, r.p, "a byte-order mark");
    else if (value(&r, out, 0)) {
        skip_ws(&r);
        if (r.p < r.end) unexpected(&r, "the end of the file after the value");
    }
    if (!r.err_line) return BP_OK;
    if (line) *line = r.err_line;
    if (column) *column = r.err_col;
    return r.oom ? BP_ERR_NOMEM : BP_ERR_DATA;
}

void bp_jv_free(bp_jv *v)
{
    if (!v) return;
    for (size_t i = 0; i < v->n; i++) {
        if (v->items) bp_jv_free(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->text);
    memset(v, 0, sizeof *v);
}

const bp_jv *bp_jv_get(const bp_jv *obj, const char *key)
{
    if (!obj || obj->kind != BP_JV_OBJECT) return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0) return &obj->items[i];
    return NULL;
}
