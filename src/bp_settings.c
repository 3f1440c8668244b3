/* bp_settings: reading a settings file line by line into headers and "key: value" entries
 * (include/bp_settings.h); the format's module gives them their meaning. */
#include "bp_settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bp_infile.h"
#include "bp_util.h"

/* Offset of the first byte in s[0..n) that is not part of valid UTF-8, or n when every
 * byte is. */
static size_t bad_utf8(const char *s, size_t n)
{
    size_t i = 0, k;
    while (i < n && (k = bp_utf8_decode((const unsigned char *)s + i, n - i, NULL)) > 0) i += k;
    return i;
}

/* Every byte of s[0..n) that is not part of valid UTF-8 becomes '?': one byte for one
 * byte, so that columns are unchanged. */
static void mend_utf8(char *s, size_t n, size_t from)
{
    for (size_t at = from; at < n; at += 1 + bad_utf8(s + at + 1, n - at - 1)) s[at] = '?';
}

void bp_settings_verror(bp_settings *r, int line, int column, const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    /* quoted text cut short (here or by a caller's buffer) may end inside a character */
    size_t n = strlen(msg);
    mend_utf8(msg, n, bad_utf8(msg, n));
    bp_diag_add(r->diags, BP_DIAG_ERROR, r->file, line, column, "%s", msg);
    r->errors++;
}

void bp_settings_error(bp_settings *r, int line, int column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bp_settings_verror(r, line, column, fmt, ap);
    va_end(ap);
}

bp_err bp_settings_read_file(const bp_settings_kind *kind, const char *path,
                             const char *display_name, char **buf, size_t *len, bp_diags *diags)
{
    bp_err err = bp_read_file(path, display_name, kind->max_bytes, buf, len, diags);
    /* not a regular file: a defect of this kind of file, reported as one */
    return err == BP_ERR_DATA ? kind->err : err;
}

void bp_settings_open(bp_settings *r, const bp_settings_kind *kind, const char *display_name,
                      const char *text, size_t len, bp_diags *diags)
{
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->file = display_name;
    r->diags = diags;
    r->text = text;
    r->len = len;
    /* a UTF-8 byte-order mark from a Windows editor; columns count from after it */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) r->pos = 3;
}

void bp_settings_close(bp_settings *r)
{
    free(r->buf);
    r->buf = NULL;
    r->cap = 0;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

void bp_settings_trim(const char **s, size_t *n)
{
    while (*n && is_space(**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && is_space((*s)[*n - 1])) (*n)--;
}

bool bp_settings_word_is(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && memcmp(s, w, n) == 0;
}

bool bp_settings_id_ok(const bp_settings_kind *kind, const char *s, size_t n)
{
    if (n == 0 || n > kind->id_max) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
              || (c && strchr(kind->id_chars, c))))
            return false;
    }
    return true;
}

size_t bp_settings_list(const char *s, size_t n, bool numbers, bp_span *out, size_t max)
{
    size_t count = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        bool sep = i == n;
        if (!sep && s[i] == ',') {
            bool thousands = numbers && i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9' && i + 3 < n
                             && s[i + 1] >= '0' && s[i + 1] <= '9' && s[i + 2] >= '0'
                             && s[i + 2] <= '9' && s[i + 3] >= '0' && s[i + 3] <= '9'
                             && (i + 4 >= n || s[i + 4] < '0' || s[i + 4] > '9');
            sep = !thousands;
        }
        if (!sep) continue;
        if (count < max) {
            bp_span sp = {s + start, i - start};
            bp_settings_trim(&sp.s, &sp.n);
            out[count] = sp;
        }
        count++;
        start = i + 1;
    }
    return count;
}

/* "'kpi ID', 'grade ID'" and then " or 'key: value'" (with_entry) or " or " before the
 * last header: the lines the kind expects, for its messages. */
static void expected_lines(const bp_settings_kind *kind, bool with_entry, char *buf, size_t size)
{
    size_t n = 0;
    while (kind->headers[n]) n++;
    size_t items = n + (with_entry ? 1 : 0), used = 0;
    buf[0] = 0;
    for (size_t i = 0; i < items && used < size; i++) {
        const char *sep = i == 0 ? "" : i + 1 == items ? " or " : ", ";
        int w = i < n ? snprintf(buf + used, size - used, "%s'%s ID'", sep, kind->headers[i])
                      : snprintf(buf + used, size - used, "%s'key: value'", sep);
        if (w < 0) break;
        used += (size_t)w;
    }
}

void bp_settings_bad_id(bp_settings *r, const bp_setting *header)
{
    char rule[128] = "lower-case letters, digits";
    size_t nc = strlen(r->kind->id_chars);
    for (size_t i = 0; i < nc; i++) {
        size_t used = strlen(rule);
        snprintf(rule + used, sizeof rule - used, "%s'%c'", i + 1 == nc ? " and " : ", ",
                 r->kind->id_chars[i]);
    }
    bp_settings_error(r, header->line, header->vcol, "'%.*s' is not a %s id: use %s",
                      (int)header->vlen, header->value, r->kind->id_noun, rule);
}

static int col(const bp_settings *r, const char *at) { return (int)(at - r->buf) + 1; }

/* The contract's text rule, as in every input file: a control character or U+FFFE/U+FFFF
 * is an error (the first of a line reported, each read as '?' byte for byte so that
 * columns stay), and a TAB is a space - the grammar takes it as one already, and a
 * label or title is printed with it as one. */
static void refuse_controls(bp_settings *r, size_t n)
{
    unsigned char *u = (unsigned char *)r->buf;
    bool reported = false;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = bp_utf8_decode(u + i, n - i, &cp);
        if (k == 0) {               /* not UTF-8: reported and mended already */
            i++;
            continue;
        }
        const char *what = bp_cp_refused(cp);
        if (cp == '\t') {
            u[i] = ' ';
        } else if (what) {
            if (!reported)
                bp_settings_error(r, r->line, (int)i + 1, "found U+%04X (%s), expected text "
                                  "without %ss", (unsigned)cp, what, what + 2);
            reported = true;
            memset(u + i, '?', k);
        }
        i += k;
    }
}

/* One line (NUL-terminated in r->buf, n bytes) into *out; false for a line that says
 * nothing or is wrong (reported). */
static bool read_line(bp_settings *r, size_t n, bp_setting *out)
{
    refuse_controls(r, n);
    char *line = r->buf;
    /* A '#' at the start or after a space begins a comment, so "75%#note" is a value. */
    for (size_t i = 0; i < n; i++)
        if (line[i] == '#' && (i == 0 || is_space(line[i - 1]))) {
            n = i;
            break;
        }
    const char *s = line;
    size_t sn = n;
    bp_settings_trim(&s, &sn);
    if (!sn) return false;
    memset(out, 0, sizeof *out);
    out->line = r->line;
    out->text = line;

    size_t w = 0;
    while (w < sn && !is_space(s[w]) && s[w] != ':') w++;
    if (w < sn && s[w] != ':')
        for (int h = 0; r->kind->headers[h]; h++) {
            if (!bp_settings_word_is(s, w, r->kind->headers[h])) continue;
            const char *id = s + w;
            size_t idn = sn - w;
            bp_settings_trim(&id, &idn);
            out->header = true;
            out->word = h;
            out->id_ok = bp_settings_id_ok(r->kind, id, idn);
            out->key = s;
            out->klen = w;
            out->kcol = col(r, s);
            out->value = id;
            out->vlen = idn;
            out->vcol = col(r, id);
            line[s + w - line] = 0; /* a space: the word ends there */
            line[id + idn - line] = 0;
            r->in_block = true;
            return true;
        }
    const char *colon = memchr(s, ':', sn);
    if (!colon) {
        char want[256], found[200];
        expected_lines(r->kind, true, want, sizeof want);
        bp_diag_quote(s, sn, found, sizeof found);
        bp_settings_error(r, r->line, col(r, s), "expected %s, found '%s'", want, found);
        return false;
    }
    const char *key = s;
    size_t kn = (size_t)(colon - s);
    bp_settings_trim(&key, &kn);
    const char *v = colon + 1;
    size_t vn = sn - (size_t)(v - s);
    bp_settings_trim(&v, &vn);
    if (!vn) {
        bp_settings_error(r, r->line, col(r, colon) + 1, "'%.*s:' needs a value", (int)kn, key);
        return false;
    }
    if (!r->in_block) {
        bool allowed = false;
        for (int i = 0; r->kind->preamble && r->kind->preamble[i]; i++)
            if (bp_settings_word_is(key, kn, r->kind->preamble[i])) allowed = true;
        if (!allowed) {
            char want[256];
            expected_lines(r->kind, false, want, sizeof want);
            bp_settings_error(r, r->line, col(r, key), "'%.*s:' outside a block: start one with %s",
                              (int)kn, key, want);
            return false;
        }
    }
    out->in_block = r->in_block;
    out->key = key;
    out->klen = kn;
    out->kcol = col(r, key);
    out->value = v;
    out->vlen = vn;
    out->vcol = col(r, v);
    line[key + kn - line] = 0;      /* the colon or a space before it */
    line[v + vn - line] = 0;
    return true;
}

bool bp_settings_next(bp_settings *r, bp_setting *out)
{
    while (!r->stopped && !r->nomem && r->pos < r->len) {
        const char *s = r->text + r->pos;
        const char *nl = memchr(s, '\n', r->len - r->pos);
        size_t n = nl ? (size_t)(nl - s) : r->len - r->pos;
        r->pos = nl ? r->pos + n + 1 : r->len;
        r->line++;
        if (memchr(s, '\0', n)) {
            /* a binary file: what follows is not text, so reading stops here */
            bp_settings_error(r, r->line, 0, "the file contains a NUL byte: is it a text file?");
            r->stopped = true;
            return false;
        }
        if (r->kind->max_line && n > r->kind->max_line) {
            bp_settings_error(r, r->line, 1, "line is %zu bytes long, expected at most %zu", n,
                              r->kind->max_line);
            continue;
        }
        char *b = bp_grow(r->buf, &r->cap, n + 1, 1);
        if (!b) {
            r->nomem = true;
            return false;
        }
        r->buf = b;
        memcpy(r->buf, s, n);
        r->buf[n] = 0;
        size_t bad = bad_utf8(r->buf, n);
        if (bad < n) {
            /* names and descriptions reach the packs and the JSON: UTF-8 only.  The rest
             * of the line is still read, with each bad byte as '?', so that one bad byte
             * is one error */
            bp_settings_error(r, r->line, (int)bad + 1, "found byte 0x%02X, which is not valid "
                              "UTF-8, expected UTF-8 text: save the file as UTF-8",
                              (unsigned char)r->buf[bad]);
            mend_utf8(r->buf, n, bad);
        }
        if (read_line(r, n, out)) return true;
    }
    return false;
}
