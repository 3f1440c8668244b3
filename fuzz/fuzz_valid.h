/* Validity checks of the harnesses' outputs, written independently of the code they
 * check (their own UTF-8 decoder, no library parser): a JSON document (RFC 8259), the
 * check text (nothing a terminal would obey), a PDF's structure (header, cross-reference
 * table, every object, the pages inflated, every text string) and a workbook (the
 * zip's directory and checksums, every XML part well-formed XML 1.0).  Each returns NULL
 * when the output is valid, else what is wrong with it (static text), for the harness
 * to print before it aborts.  Only what the outputs need is supported: classic
 * cross-reference tables (libharu writes no object streams), Deflate or stored zip
 * members without encryption or zip64. */
#ifndef FUZZ_VALID_H
#define FUZZ_VALID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ---- UTF-8 ---- */

/* The length of the UTF-8 character at s (n bytes left) and its code point, or 0 when the
 * bytes there are not UTF-8: overlong forms, surrogates and code points past U+10FFFF
 * are not. */
static inline size_t fv_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char b = s[0];
    size_t len;
    uint32_t c, min;
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) len = 2, c = b & 0x1Fu, min = 0x80;
    else if (b >= 0xE0 && b <= 0xEF) len = 3, c = b & 0x0Fu, min = 0x800;
    else if (b >= 0xF0 && b <= 0xF4) len = 4, c = b & 0x07u, min = 0x10000;
    else return 0;
    if (len > n) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        c = c << 6 | (s[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return len;
}

/* ---- JSON (RFC 8259): one value, nothing after it but white space ---- */

typedef struct {
    const unsigned char *s;
    size_t n, i;
    int depth;
} fv_json;

static inline void fvj_ws(fv_json *j)
{
    while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\n'
                           || j->s[j->i] == '\r'))
        j->i++;
}

static inline bool fvj_lit(fv_json *j, const char *w)
{
    size_t k = strlen(w);
    if (j->n - j->i < k || memcmp(j->s + j->i, w, k) != 0) return false;
    j->i += k;
    return true;
}

static inline int fvj_hex4(const fv_json *j, size_t at)
{
    if (j->n - at < 4) return -1;
    int v = 0;
    for (size_t k = 0; k < 4; k++) {
        unsigned char c = j->s[at + k];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

static inline const char *fvj_string(fv_json *j)
{
    j->i++;   /* the opening quote */
    while (j->i < j->n) {
        unsigned char c = j->s[j->i];
        if (c == '"') {
            j->i++;
            return NULL;
        }
        if (c < 0x20) return "JSON: a raw control character inside a string";
        if (c == '\\') {
            if (j->i + 1 >= j->n) return "JSON: a string ends in a backslash";
            unsigned char e = j->s[j->i + 1];
            if (e != 'u') {
                if (!strchr("\"\\/bfnrt", e) || !e) return "JSON: an unknown escape in a string";
                j->i += 2;
                continue;
            }
            int u = fvj_hex4(j, j->i + 2);
            if (u < 0) return "JSON: \\u without four hex digits";
            j->i += 6;
            if (u >= 0xDC00 && u <= 0xDFFF) return "JSON: a lone low surrogate escape";
            if (u >= 0xD800 && u <= 0xDBFF) {
                int lo = j->n - j->i >= 2 && j->s[j->i] == '\\' && j->s[j->i + 1] == 'u'
                       ? fvj_hex4(j, j->i + 2) : -1;
                if (lo < 0xDC00 || lo > 0xDFFF) return "JSON: a high surrogate escape without its low half";
                j->i += 6;
            }
            continue;
        }
        uint32_t cp;
        size_t k = fv_utf8(j->s + j->i, j->n - j->i, &cp);
        if (!k) return "JSON: a string holds bytes that are not UTF-8";
        j->i += k;
    }
    return "JSON: a string is not closed";
}

static inline bool fvj_digits(fv_json *j)
{
    size_t at = j->i;
    while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9') j->i++;
    return j->i > at;
}

static inline const char *fvj_number(fv_json *j)
{
    if (j->s[j->i] == '-') j->i++;
    if (j->i < j->n && j->s[j->i] == '0') j->i++;
    else if (j->i >= j->n || j->s[j->i] < '1' || j->s[j->i] > '9' || !fvj_digits(j))
        return "JSON: a number without digits (or with a leading zero)";
    if (j->i < j->n && j->s[j->i] == '.') {
        j->i++;
        if (!fvj_digits(j)) return "JSON: a number with no digit after its point";
    }
    if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
        j->i++;
        if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-')) j->i++;
        if (!fvj_digits(j)) return "JSON: a number with no digit in its exponent";
    }
    return NULL;
}

static inline const char *fvj_value(fv_json *j)
{
    fvj_ws(j);
    if (j->i >= j->n) return "JSON: a value expected, found the end";
    unsigned char c = j->s[j->i];
    if (c == '"') return fvj_string(j);
    if (c == '-' || (c >= '0' && c <= '9')) return fvj_number(j);
    if (fvj_lit(j, "true") || fvj_lit(j, "false") || fvj_lit(j, "null")) return NULL;
    if (c != '{' && c != '[') return "JSON: not a value (NaN, Infinity or a stray character?)";
    if (++j->depth > 256) return "JSON: nested more than 256 deep";
    unsigned char close = c == '{' ? '}' : ']';
    j->i++;
    fvj_ws(j);
    if (j->i < j->n && j->s[j->i] == close) {
        j->i++;
        j->depth--;
        return NULL;
    }
    for (;;) {
        const char *why;
        if (close == '}') {
            fvj_ws(j);
            if (j->i >= j->n || j->s[j->i] != '"') return "JSON: an object member without a string name";
            if ((why = fvj_string(j))) return why;
            fvj_ws(j);
            if (j->i >= j->n || j->s[j->i] != ':') return "JSON: a member name without ':'";
            j->i++;
        }
        if ((why = fvj_value(j))) return why;
        fvj_ws(j);
        if (j->i < j->n && j->s[j->i] == ',') {
            j->i++;
            continue;
        }
        if (j->i < j->n && j->s[j->i] == close) {
            j->i++;
            j->depth--;
            return NULL;
        }
        return close == '}' ? "JSON: an object member followed by neither ',' nor '}'"
                            : "JSON: an array element followed by neither ',' nor ']'";
    }
}

static inline const char *fv_json_valid(const char *buf, size_t n)
{
    fv_json j = {(const unsigned char *)buf, n, 0, 0};
    const char *why = fvj_value(&j);
    if (why) return why;
    fvj_ws(&j);
    return j.i == n ? NULL : "JSON: something after the value";
}

/* ---- text for a terminal ---- */

/* UTF-8 holding nothing a terminal acts on rather than shows: no control character but
 * the line break (C0, DEL, C1), no byte-order mark, bidirectional embedding, override or
 * isolate, no noncharacter U+FFFE/U+FFFF - the stand-ins bp_text promises. */
static inline const char *fv_text_valid(const char *buf, size_t n)
{
    const unsigned char *s = (const unsigned char *)buf;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = fv_utf8(s + i, n - i, &cp);
        if (!k) return "text: bytes that are not UTF-8";
        if ((cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp <= 0x9F))
            return "text: a raw control character";
        if (cp == 0xFEFF || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)
            || cp == 0xFFFE || cp == 0xFFFF)
            return "text: a raw byte-order mark, bidirectional control or noncharacter";
        i += k;
    }
    return NULL;
}

/* ---- PDF ---- */

typedef struct {
    const unsigned char *s;
    size_t n;
    size_t *off;        /* per object number: its offset, 0 when not in use */
    size_t nobj;
    bool *content;      /* per object number: a page's /Contents */
    int no_fffd;        /* FVP_NO_FFFD or 0 */
    bool cid;           /* a font is a CID font (Type0): hex on a page is its codes */
} fv_pdf;

static inline bool fvp_ws(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0;
}

static inline bool fvp_delim(unsigned char c)
{
    return fvp_ws(c) || strchr("()<>[]{}/%", c);
}

/* A text string's bytes: UTF-16BE after a byte-order mark (a bookmark, the document
 * information), else single bytes (PDFDocEncoding there, WinAnsi codes on a page).
 * Neither may hold a control character - but for TAB, LF and CR, which legal text keeps
 * (an author's name over two lines), outside the pages; UTF-16 must be whole and hold
 * no noncharacter. */
static inline bool fvp_control(unsigned u, bool drawn)
{
    return (u < 0x20 && (drawn || (u != '\t' && u != '\n' && u != '\r'))) || (u >= 0x7F && u <= 0x9F);
}

static inline const char *fvp_text(const unsigned char *t, size_t n, bool no_fffd, bool drawn)
{
    if (n >= 2 && t[0] == 0xFE && t[1] == 0xFF) {
        if (n % 2) return "PDF: a UTF-16 string of an odd number of bytes";
        for (size_t i = 2; i < n; i += 2) {
            unsigned u = (unsigned)t[i] << 8 | t[i + 1];
            if (u >= 0xDC00 && u <= 0xDFFF) return "PDF: a lone low surrogate in a UTF-16 string";
            if (u >= 0xD800 && u <= 0xDBFF) {
                unsigned lo = i + 3 < n ? (unsigned)t[i + 2] << 8 | t[i + 3] : 0;
                if (lo < 0xDC00 || lo > 0xDFFF) return "PDF: a high surrogate without its low half";
                i += 2;
                continue;
            }
            if (fvp_control(u, drawn) || u == 0xFFFE || u == 0xFFFF)
                return "PDF: a control character or noncharacter in a UTF-16 string";
            if (no_fffd && u == 0xFFFD) return "PDF: U+FFFD in a UTF-16 string: text altered";
        }
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (t[i] < 0x20 && fvp_control(t[i], drawn)) return "PDF: a control character in a text string";
    return NULL;
}

/* How a hex string is read: not at all, as text when it starts with the UTF-16 mark
 * (outside the pages: an /ID is bytes), or on a page as a CID font's codes, which
 * libharu's UTF-8 encoder makes the code points themselves (Identity-H), or a simple
 * font's bytes (libharu writes literals for those, other writers hex).  With
 * FVP_NO_FFFD, text may not hold U+FFFD either: the layer's stand-in for what it could
 * not draw, which text that was whole and within the Basic Multilingual Plane never needs. */
enum { FVP_HEX_SKIP, FVP_HEX_TEXT, FVP_HEX_CID, FVP_HEX_BYTES, FVP_HEX = 3, FVP_NO_FFFD = 4 };

/* The codes of a CID font shown on a page: two bytes each, none a control character,
 * a surrogate or a noncharacter (the layer draws U+FFFD for what it cannot). */
static inline const char *fvp_cid(const unsigned char *t, size_t n, bool no_fffd)
{
    if (n % 2) return "PDF: a CID string of an odd number of bytes";
    for (size_t i = 0; i < n; i += 2) {
        unsigned u = (unsigned)t[i] << 8 | t[i + 1];
        if (u < 0x20 || (u >= 0x7F && u <= 0x9F) || (u >= 0xD800 && u <= 0xDFFF) || u >= 0xFFFE)
            return "PDF: a control character, surrogate or noncharacter shown in a CID font";
        if (no_fffd && u == 0xFFFD) return "PDF: U+FFFD shown in a CID font: text altered";
    }
    return NULL;
}

/* One token at *i (white space and comments skipped first); *kind: 0 end, '(' literal
 * string, '<' hex string, 'd' "<<", 'D' ">>", '[', ']', '/' name, 'n' number, 'k' keyword
 * (obj, R, stream, true, ...).  Literal strings are decoded and checked (fvp_text); hex
 * strings as `hex` says. */
static inline const char *fvp_token(const unsigned char *s, size_t n, size_t *i, int *kind,
                                    size_t *start, int mode)
{
    for (;;) {
        while (*i < n && fvp_ws(s[*i])) (*i)++;
        if (*i < n && s[*i] == '%') {
            while (*i < n && s[*i] != '\n' && s[*i] != '\r') (*i)++;
            continue;
        }
        break;
    }
    *start = *i;
    if (*i >= n) {
        *kind = 0;
        return NULL;
    }
    unsigned char c = s[*i];
    if (c == '(') {
        unsigned char *t = malloc(n - *i + 1);
        size_t tn = 0;
        int depth = 1;
        if (!t) abort();
        for ((*i)++; *i < n && depth; (*i)++) {
            unsigned char b = s[*i];
            if (b == '\\') {
                if (++*i >= n) break;
                b = s[*i];
                const char *e = strchr("nrtbf()\\", b);
                if (e && b) {
                    t[tn++] = (unsigned char)"\n\r\t\b\f()\\"[e - "nrtbf()\\"];
                } else if (b >= '0' && b <= '7') {
                    unsigned v = 0;
                    for (int k = 0; k < 3 && *i < n && s[*i] >= '0' && s[*i] <= '7'; k++, (*i)++)
                        v = v * 8 + (unsigned)(s[*i] - '0');
                    (*i)--;
                    t[tn++] = (unsigned char)v;
                } else if (b == '\r' || b == '\n') {
                    if (b == '\r' && *i + 1 < n && s[*i + 1] == '\n') (*i)++;
                } else {
                    t[tn++] = b;   /* an unknown escape is the character itself */
                }
                continue;
            }
            if (b == '(') depth++;
            else if (b == ')' && --depth == 0) break;
            t[tn++] = b;
        }
        if (depth) {
            free(t);
            return "PDF: a literal string is not closed";
        }
        (*i)++;
        const char *why = fvp_text(t, tn, mode & FVP_NO_FFFD, (mode & FVP_HEX) >= FVP_HEX_CID);
        free(t);
        *kind = '(';
        return why;
    }
    if (c == '<' && *i + 1 < n && s[*i + 1] == '<') {
        *i += 2;
        *kind = 'd';
        return NULL;
    }
    if (c == '>' ) {
        if (*i + 1 >= n || s[*i + 1] != '>') return "PDF: a '>' that closes nothing";
        *i += 2;
        *kind = 'D';
        return NULL;
    }
    if (c == '<') {
        unsigned char *t = malloc((n - *i) / 2 + 2);
        size_t tn = 0, digits = 0;
        unsigned v = 0;
        if (!t) abort();
        for ((*i)++; *i < n && s[*i] != '>'; (*i)++) {
            unsigned char b = s[*i];
            if (fvp_ws(b)) continue;
            int d = b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10
                  : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
            if (d < 0) {
                free(t);
                return "PDF: a hex string holds a character that is not a hex digit";
            }
            v = v * 16 + (unsigned)d;
            if (++digits % 2 == 0) {
                t[tn++] = (unsigned char)v;
                v = 0;
            }
        }
        if (*i >= n) {
            free(t);
            return "PDF: a hex string is not closed";
        }
        if (digits % 2) t[tn++] = (unsigned char)(v * 16);
        (*i)++;
        int hex = mode & FVP_HEX;
        bool text = hex == FVP_HEX_TEXT && tn >= 2 && t[0] == 0xFE && t[1] == 0xFF;
        const char *why = text ? fvp_text(t, tn, mode & FVP_NO_FFFD, false)
                        : hex == FVP_HEX_CID ? fvp_cid(t, tn, mode & FVP_NO_FFFD)
                        : hex == FVP_HEX_BYTES ? fvp_text(t, tn, false, true) : NULL;
        free(t);
        *kind = '<';
        return why;
    }
    if (c == '[' || c == ']' || c == '{' || c == '}') {
        (*i)++;
        *kind = c;
        return NULL;
    }
    if (c == ')') return "PDF: a ')' that closes nothing";
    if (c == '/') {
        for ((*i)++; *i < n && !fvp_delim(s[*i]); (*i)++) {
            if (s[*i] < 0x21 || s[*i] > 0x7E) return "PDF: a name holds a byte outside '!' to '~'";
            if (s[*i] == '#') {
                if (*i + 2 >= n || !strchr("0123456789abcdefABCDEF", s[*i + 1]) || !s[*i + 1]
                    || !strchr("0123456789abcdefABCDEF", s[*i + 2]) || !s[*i + 2])
                    return "PDF: a '#' in a name without two hex digits";
            }
        }
        *kind = '/';
        return NULL;
    }
    if (c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9')) {
        size_t digits = 0, points = 0;
        for ((*i)++; *i < n && !fvp_delim(s[*i]); (*i)++) {
            if (s[*i] >= '0' && s[*i] <= '9') digits++;
            else if (s[*i] == '.') points++;
            else return "PDF: a number holds a character that is not a digit";
        }
        if (c >= '0' && c <= '9') digits++;
        if (c == '.') points++;
        if (!digits || points > 1) return "PDF: a malformed number";
        *kind = 'n';
        return NULL;
    }
    for (; *i < n && !fvp_delim(s[*i]); (*i)++)
        if (s[*i] < 0x21 || s[*i] > 0x7E) return "PDF: a byte outside '!' to '~' between tokens";
    *kind = 'k';
    return NULL;
}

static inline bool fvp_is(const unsigned char *s, size_t start, size_t end, const char *w)
{
    return end - start == strlen(w) && memcmp(s + start, w, end - start) == 0;
}

static inline long long fvp_num(const unsigned char *s, size_t start, size_t end)
{
    long long v = 0;
    for (size_t i = start; i < end && s[i] >= '0' && s[i] <= '9' && v < 1000000000000LL; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* The integer that object k is ("8 0 obj 1234 endobj"), or -1. */
static inline long long fvp_int_object(const fv_pdf *p, long long k)
{
    if (k <= 0 || (size_t)k >= p->nobj || !p->off[k]) return -1;
    size_t i = p->off[k], st;
    int kind;
    static const int want[] = {'n', 'n', 'k', 'n', 'k'};
    long long v = -1;
    for (int t = 0; t < 5; t++) {
        if (fvp_token(p->s, p->n, &i, &kind, &st, FVP_HEX_SKIP) || kind != want[t]) return -1;
        if (t == 3) {
            if (p->s[st] < '0' || p->s[st] > '9') return -1;
            v = fvp_num(p->s, st, i);
        }
    }
    return fvp_is(p->s, st, i, "endobj") ? v : -1;
}

/* Inflate a whole zlib stream (PDF FlateDecode) or raw deflate data (windowBits -15, a
 * zip member) of exactly n bytes; *out (free it) and *outn.  NULL when it inflates to its
 * end using every byte. */
static inline const char *fv_inflate(const unsigned char *in, size_t n, int window_bits,
                                     unsigned char **out, size_t *outn)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, window_bits) != Z_OK) abort();
    size_t cap = n * 4 + 1024, len = 0;
    unsigned char *buf = malloc(cap);
    if (!buf) abort();
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)n;
    int r;
    do {
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf) abort();
        }
        z.next_out = buf + len;
        z.avail_out = (uInt)(cap - len);
        r = inflate(&z, Z_NO_FLUSH);
        len = cap - z.avail_out;
    } while (r == Z_OK || (r == Z_BUF_ERROR && z.avail_out == 0));
    size_t left = z.avail_in;
    inflateEnd(&z);
    if (r != Z_STREAM_END || left) {
        free(buf);
        return r != Z_STREAM_END ? "compressed data that does not inflate to its end"
                                 : "bytes after the end of the compressed data";
    }
    *out = buf;
    *outn = len;
    return NULL;
}

/* A page's content: operators and operands only, every string text (fvp_text for a
 * simple font's bytes, fvp_cid for a CID font's codes). */
static inline const char *fvp_content(const unsigned char *s, size_t n, int hex)
{
    size_t i = 0, st;
    int kind, depth = 0;
    for (;;) {
        const char *why = fvp_token(s, n, &i, &kind, &st, hex);
        if (why) return why;
        if (!kind) break;
        if (kind == 'd' || kind == '[') depth++;
        if ((kind == 'D' || kind == ']') && --depth < 0) return "PDF: a page closes more than it opens";
        if (fvp_is(s, st, i, "BI")) return NULL;   /* inline image data: not ours */
    }
    return depth ? "PDF: a page leaves an array or dictionary open" : NULL;
}

/* Object k at its offset: "k 0 obj", a value, a stream if any, "endobj". */
static inline const char *fvp_object(fv_pdf *p, size_t k, bool pass2)
{
    const unsigned char *s = p->s;
    size_t i = p->off[k], st;
    int kind;
    const char *why;
    if ((why = fvp_token(s, p->n, &i, &kind, &st, FVP_HEX_TEXT | p->no_fffd))) return why;
    if (kind != 'n' || (size_t)fvp_num(s, st, i) != k) return "PDF: an xref offset that is not at its object";
    if ((why = fvp_token(s, p->n, &i, &kind, &st, FVP_HEX_TEXT | p->no_fffd))) return why;
    if (kind != 'n') return "PDF: an object without its generation";
    if ((why = fvp_token(s, p->n, &i, &kind, &st, FVP_HEX_TEXT | p->no_fffd))) return why;
    if (!fvp_is(s, st, i, "obj")) return "PDF: an object number not followed by 'obj'";
    int depth = 0;
    long long length = -1, pend[3] = {0, 0, 0};
    int npend = 0;
    bool after_length = false, after_contents = false, flate = false;
    for (;;) {
        if ((why = fvp_token(s, p->n, &i, &kind, &st, FVP_HEX_TEXT | p->no_fffd))) return why;
        if (!kind) return "PDF: an object without 'endobj'";
        if (kind == 'd' || kind == '[') depth++;
        if ((kind == 'D' || kind == ']') && --depth < 0) return "PDF: an object closes more than it opens";
        if (kind == '/' && fvp_is(s, st, i, "/FlateDecode")) flate = true;
        if (kind == '/' && fvp_is(s, st, i, "/Type0")) p->cid = true;
        if (kind == 'n') {
            if (npend < 3) pend[npend++] = fvp_num(s, st, i);
            else pend[0] = pend[1], pend[1] = pend[2], pend[2] = fvp_num(s, st, i);
        }
        if (after_length && kind == 'n' && npend == 1) length = pend[0];
        if (kind == 'k' && fvp_is(s, st, i, "R") && npend >= 2) {
            long long ref = pend[npend - 2];
            if (ref <= 0 || (size_t)ref >= p->nobj || !p->off[ref]) return "PDF: a reference to an object not in the xref";
            if (after_length) length = fvp_int_object(p, ref);
            if (after_contents && !pass2) p->content[ref] = true;
            npend = 0;
        }
        if (kind == '/') {
            after_length = fvp_is(s, st, i, "/Length");
            after_contents = fvp_is(s, st, i, "/Contents");
            npend = 0;
        } else if (kind != 'n' && !(kind == 'k' && fvp_is(s, st, i, "R"))) {
            after_length = after_contents = false;
            npend = 0;
        }
        if (kind == 'k' && fvp_is(s, st, i, "endobj")) break;
        if (kind == 'k' && fvp_is(s, st, i, "stream")) {
            if (depth) return "PDF: 'stream' inside an open dictionary";
            if (length < 0) return "PDF: a stream without a /Length";
            if (i < p->n && s[i] == '\r') i++;
            if (i >= p->n || s[i] != '\n') return "PDF: 'stream' not followed by a line break";
            i++;
            if ((unsigned long long)length > p->n - i) return "PDF: a stream longer than the file";
            const unsigned char *data = s + i;
            i += (size_t)length;
            size_t j = i;
            if (fvp_token(s, p->n, &j, &kind, &st, FVP_HEX_SKIP) || !fvp_is(s, st, j, "endstream"))
                return "PDF: a stream's /Length does not end at 'endstream'";
            i = j;
            /* the pages' content only: fonts are libharu's copy of a file, and inflating
             * them would double the harness's time */
            if (pass2 && p->content[k]) {
                unsigned char *raw = NULL;
                size_t rn = 0;
                if (flate && (why = fv_inflate(data, (size_t)length, 15, &raw, &rn))) return why;
                why = fvp_content(flate ? raw : data, flate ? rn : (size_t)length,
                                  (p->cid ? FVP_HEX_CID : FVP_HEX_BYTES) | p->no_fffd);
                free(raw);
                if (why) return why;
            }
        }
    }
    return depth ? "PDF: an object leaves an array or dictionary open" : NULL;
}

/* ---- PDF 1.5 cross-reference and object streams (ISO 32000-1 7.5.7, 7.5.8) ---- */

/* A stream object's dictionary at s[off] ("k 0 obj << ... >> stream"): the integers after
 * /N, /First, /Length and /Size, /W's widths, where the dictionary is and where the data
 * starts.  A stream object's /Length is direct in what bp_pdf_objstm writes. */
typedef struct {
    long long num, n, first, length, size, w[3];
    int nw;
    bool flate;
    size_t dict, dict_end, data;
} fvp_sdict;

static inline const char *fvp_stream_dict(const unsigned char *s, size_t n, size_t off, fvp_sdict *d)
{
    memset(d, 0, sizeof *d);
    d->n = d->first = d->length = d->size = -1;
    size_t i = off, st;
    int kind, depth = 0;
    if (fvp_token(s, n, &i, &kind, &st, FVP_HEX_SKIP) || kind != 'n') return "PDF: an xref offset that is not at its object";
    d->num = fvp_num(s, st, i);
    if (fvp_token(s, n, &i, &kind, &st, FVP_HEX_SKIP) || kind != 'n') return "PDF: an object without its generation";
    if (fvp_token(s, n, &i, &kind, &st, FVP_HEX_SKIP) || !fvp_is(s, st, i, "obj")) return "PDF: an object number not followed by 'obj'";
    if (fvp_token(s, n, &i, &kind, &st, FVP_HEX_SKIP) || kind != 'd') return "PDF: a stream object without its dictionary";
    d->dict = st;
    long long *want = NULL;
    bool in_w = false;
    for (depth = 1; depth;) {
        if (fvp_token(s, n, &i, &kind, &st, FVP_HEX_SKIP) || !kind) return "PDF: a stream's dictionary is not closed";
        if (kind == 'd' || kind == '[') depth++;
        if (kind == 'D' || kind == ']') depth--;
        if (in_w && kind == 'n' && d->nw < 3) d->w[d->nw++] = fvp_num(s, st, i);
        if (in_w && kind == ']') in_w = false;
        if (want && kind == 'n') *want = fvp_num(s, st, i);
        want = NULL;
        if (kind == '/') {
            if (fvp_is(s, st, i, "/N")) want = &d->n;
            if (fvp_is(s, st, i, "/First")) want = &d->first;
            if (fvp_is(s, st, i, "/Length")) want = &d->length;
            if (fvp_is(s, st, i, "/Size")) want = &d->size;
            if (fvp_is(s, st, i, "/FlateDecode")) d->flate = true;
            if (fvp_is(s, st, i, "/W")) in_w = true;
        }
    }
    d->dict_end = i;
    if (fvp_token(s, n, &i, &kind, &st, FVP_HEX_SKIP) || !fvp_is(s, st, i, "stream")) return "PDF: an object stream or xref stream without 'stream'";
    if (i < n && s[i] == '\r') i++;
    if (i >= n || s[i] != '\n') return "PDF: 'stream' not followed by a line break";
    d->data = i + 1;
    if (d->length < 0 || (unsigned long long)d->length > n - d->data) return "PDF: a stream longer than the file";
    return NULL;
}

typedef struct {
    unsigned char *s;
    size_t n, cap;
} fvp_out;

static inline void fvp_put(fvp_out *o, const void *p, size_t n)
{
    if (o->n + n > o->cap) {
        while (o->n + n > o->cap) o->cap = o->cap ? o->cap * 2 : 65536;
        o->s = realloc(o->s, o->cap);
        if (!o->s) abort();
    }
    if (n) memcpy(o->s + o->n, p, n);
    o->n += n;
}

/* A PDF whose startxref points at a cross-reference stream, written out again as the
 * classic layout the checks below read: every object "k 0 obj ... endobj" in object order
 * (those in object streams taken out of them), a table and a trailer with the stream's
 * dictionary.  The streams themselves stay, and are checked as any other stream. */
static inline const char *fvp_unpack(const unsigned char *s, size_t n, size_t x, size_t sx,
                                     unsigned char **out, size_t *outn)
{
    fvp_sdict xd;
    const char *why = fvp_stream_dict(s, n, x, &xd);
    if (why) return why;
    if (xd.nw != 3 || xd.size < 1 || xd.size > 10000000 || !xd.flate) return "PDF: an xref stream without /W [a b c], /Size or /FlateDecode";
    for (int k = 0; k < 3; k++)
        if (xd.w[k] < 0 || xd.w[k] > 8) return "PDF: an xref stream's field wider than 8 bytes";
    unsigned char *rows = NULL;
    size_t rn = 0;
    if ((why = fv_inflate(s + xd.data, (size_t)xd.length, 15, &rows, &rn))) return why;
    size_t width = (size_t)(xd.w[0] + xd.w[1] + xd.w[2]), size = (size_t)xd.size;
    if (rn != size * width) {
        free(rows);
        return "PDF: an xref stream that is not /Size rows of /W bytes";
    }
    long long *type = calloc(size, sizeof *type), *f2 = calloc(size, sizeof *f2), *f3 = calloc(size, sizeof *f3);
    unsigned char **raw = calloc(size, sizeof *raw);
    size_t *rawn = calloc(size, sizeof *rawn);
    if (!type || !f2 || !f3 || !raw || !rawn) abort();
    size_t first_obj = x;
    for (size_t k = 0; k < size; k++) {
        const unsigned char *r = rows + k * width;
        long long v[3] = {xd.w[0] ? 0 : 1, 0, 0};
        for (int f = 0, at = 0; f < 3; at += (int)xd.w[f], f++)
            for (int b = 0; b < xd.w[f]; b++) v[f] = v[f] << 8 | r[at + b];
        type[k] = v[0], f2[k] = v[1], f3[k] = v[2];
        if (k == 0 && type[k] != 0) why = "PDF: an xref stream whose object 0 is not free";
        if (type[k] > 2) why = "PDF: an xref stream entry of an unknown type";
        if (type[k] == 1 && (f2[k] <= 0 || (size_t)f2[k] >= sx)) why = "PDF: an xref offset outside the body";
        if (type[k] == 1 && (size_t)f2[k] < first_obj) first_obj = (size_t)f2[k];
    }
    if (!why && (type[xd.num < 0 || (size_t)xd.num >= size ? 0 : xd.num] != 1 || (size_t)f2[xd.num] != x))
        why = "PDF: the xref stream is not in its own table";
    fvp_out o = {0};
    size_t *noff = calloc(size, sizeof *noff);
    if (!noff) abort();
    fvp_put(&o, s, first_obj);
    for (size_t k = 1; k < size && !why; k++) {
        if (type[k] == 1) {
            /* as it is, up to the next object or startxref */
            size_t end = sx - 9;
            for (size_t j = 1; j < size; j++)
                if (type[j] == 1 && (size_t)f2[j] > (size_t)f2[k] && (size_t)f2[j] < end) end = (size_t)f2[j];
            noff[k] = o.n;
            fvp_put(&o, s + f2[k], end - (size_t)f2[k]);
        } else if (type[k] == 2) {
            size_t m = (size_t)f2[k];
            if (m == 0 || m >= size || type[m] != 1) {
                why = "PDF: an object in an object stream the table does not have";
                break;
            }
            fvp_sdict od;
            if (!raw[m]) {
                if ((why = fvp_stream_dict(s, n, (size_t)f2[m], &od))) break;
                if (od.num != (long long)m || od.n < 1 || od.first < 0 || !od.flate) {
                    why = "PDF: an object stream without /N, /First or /FlateDecode";
                    break;
                }
                if ((why = fv_inflate(s + od.data, (size_t)od.length, 15, &raw[m], &rawn[m]))) break;
            }
            /* its header: N pairs "number offset" before /First */
            if ((why = fvp_stream_dict(s, n, (size_t)f2[m], &od))) break;
            const unsigned char *h = raw[m];
            size_t hn = (size_t)od.first < rawn[m] ? (size_t)od.first : rawn[m], i = 0, st;
            long long num = -1, at = -1, next = -1;
            int kind;
            for (long long j = 0; j <= f3[k] + 1 && j < od.n + 1; j++) {
                long long a = -1, b = -1;
                if (j < od.n) {
                    if (fvp_token(h, hn, &i, &kind, &st, FVP_HEX_SKIP) || kind != 'n') break;
                    a = fvp_num(h, st, i);
                    if (fvp_token(h, hn, &i, &kind, &st, FVP_HEX_SKIP) || kind != 'n') break;
                    b = fvp_num(h, st, i);
                } else {
                    b = (long long)(rawn[m] - hn);
                }
                if (j == f3[k]) num = a, at = b;
                if (j == f3[k] + 1) next = b;
            }
            if (num != (long long)k || at < 0 || next < at || (size_t)(od.first + next) > rawn[m]) {
                why = "PDF: an object not at its place in its object stream";
                break;
            }
            char hdr[32];
            int hl = snprintf(hdr, sizeof hdr, "%zu 0 obj\n", k);
            noff[k] = o.n;
            fvp_put(&o, hdr, (size_t)hl);
            fvp_put(&o, raw[m] + od.first + at, (size_t)(next - at));
            fvp_put(&o, "\nendobj\n", 8);
        }
    }
    if (!why) {
        char line[64];
        size_t xo = o.n;
        int l = snprintf(line, sizeof line, "xref\n0 %zu\n", size);
        fvp_put(&o, line, (size_t)l);
        for (size_t k = 0; k < size; k++) {
            l = noff[k] ? snprintf(line, sizeof line, "%010zu 00000 n\r\n", noff[k])
                        : snprintf(line, sizeof line, "0000000000 65535 f\r\n");
            fvp_put(&o, line, (size_t)l);
        }
        fvp_put(&o, "trailer\n", 8);
        fvp_put(&o, s + xd.dict, xd.dict_end - xd.dict);
        l = snprintf(line, sizeof line, "\nstartxref\n%zu\n%%%%EOF\n", xo);
        fvp_put(&o, line, (size_t)l);
    }
    for (size_t k = 0; k < size; k++) free(raw[k]);
    free(raw), free(rawn), free(type), free(f2), free(f3), free(rows), free(noff);
    if (why) {
        free(o.s);
        return why;
    }
    *out = o.s;
    *outn = o.n;
    return NULL;
}

/* no_fffd: the text was whole UTF-8 within the Basic Multilingual Plane, so U+FFFD on a
 * page or in the document information means a writer cut or altered it. */
static inline const char *fv_pdf_valid(const char *buf, size_t n, bool no_fffd)
{
    const unsigned char *s = (const unsigned char *)buf;
    if (n < 64 || memcmp(s, "%PDF-1.", 7) != 0 || s[7] < '0' || s[7] > '7')
        return "PDF: no %PDF-1.x header";
    size_t e = n;
    while (e && fvp_ws(s[e - 1])) e--;
    if (e < 5 || memcmp(s + e - 5, "%%EOF", 5) != 0) return "PDF: does not end with %%EOF";
    size_t sx = e - 5;
    while (sx > 9 && memcmp(s + sx - 9, "startxref", 9) != 0) sx--;
    if (sx <= 9) return "PDF: no startxref";
    size_t i = sx, st;
    int kind;
    if (fvp_token(s, n, &i, &kind, &st, FVP_HEX_SKIP) || kind != 'n') return "PDF: startxref without an offset";
    long long x = fvp_num(s, st, i);
    if (x <= 0 || (size_t)x + 4 > n) return "PDF: startxref does not point into the file";
    if (memcmp(s + x, "xref", 4) != 0) {
        /* a cross-reference stream (PDF 1.5 on): check its objects laid out classically */
        if (s[7] < '5') return "PDF: startxref does not point at 'xref'";
        unsigned char *flat;
        size_t fn;
        const char *why = fvp_unpack(s, n, (size_t)x, sx, &flat, &fn);
        if (why) return why;
        why = fv_pdf_valid((const char *)flat, fn, no_fffd);
        free(flat);
        return why;
    }
    i = (size_t)x + 4;
    fv_pdf p = {s, n, NULL, 0, NULL, no_fffd ? FVP_NO_FFFD : 0, false};
    const char *why = NULL;
    for (;;) {
        if (fvp_token(s, n, &i, &kind, &st, FVP_HEX_SKIP)) return "PDF: a damaged xref";
        if (kind == 'k' && fvp_is(s, st, i, "trailer")) break;
        if (kind != 'n') return "PDF: an xref subsection without its first number";
        long long first = fvp_num(s, st, i), count;
        if (fvp_token(s, n, &i, &kind, &st, FVP_HEX_SKIP) || kind != 'n') return "PDF: an xref subsection without its count";
        count = fvp_num(s, st, i);
        while (i < n && (s[i] == '\r' || s[i] == '\n' || s[i] == ' ')) i++;
        if (count > 1000000 || (size_t)count * 20 > n - i) return "PDF: an xref subsection longer than the file";
        if ((size_t)(first + count) > p.nobj) {
            size_t old = p.nobj;
            p.nobj = (size_t)(first + count);
            p.off = realloc(p.off, p.nobj * sizeof *p.off);
            p.content = realloc(p.content, p.nobj * sizeof *p.content);
            if (!p.off || !p.content) abort();
            memset(p.off + old, 0, (p.nobj - old) * sizeof *p.off);
            memset(p.content + old, 0, (p.nobj - old) * sizeof *p.content);
        }
        for (long long k = 0; k < count; k++, i += 20) {
            const unsigned char *r = s + i;
            for (int d = 0; d < 10; d++)
                if (r[d] < '0' || r[d] > '9') why = "PDF: an xref entry's offset is not 10 digits";
            if (r[10] != ' ' || r[16] != ' ' || (r[17] != 'n' && r[17] != 'f')
                || !((r[18] == ' ' && (r[19] == '\n' || r[19] == '\r')) || (r[18] == '\r' && r[19] == '\n')))
                why = "PDF: an xref entry is not 20 bytes 'oooooooooo ggggg n\\r\\n'";
            if (why) goto out;
            if (r[17] == 'n') {
                size_t o = (size_t)fvp_num(r, 0, 10);
                if (!o || o >= (size_t)x) {
                    why = "PDF: an xref offset outside the body";
                    goto out;
                }
                p.off[first + k] = o;
            }
        }
    }
    if (fvp_token(s, n, &i, &kind, &st, FVP_HEX_SKIP) || kind != 'd') {
        why = "PDF: 'trailer' not followed by a dictionary";
        goto out;
    }
    {
        bool size_ok = false, root = false;
        int depth = 1;
        while (depth) {
            if ((why = fvp_token(s, n, &i, &kind, &st, FVP_HEX_TEXT | p.no_fffd))) goto out;
            if (!kind) {
                why = "PDF: the trailer is not closed";
                goto out;
            }
            if (kind == 'd') depth++;
            if (kind == 'D') depth--;
            if (kind == '/' && fvp_is(s, st, i, "/Root")) root = true;
            if (kind == '/' && fvp_is(s, st, i, "/Size")) {
                if (fvp_token(s, n, &i, &kind, &st, FVP_HEX_SKIP) || kind != 'n') break;
                size_ok = (size_t)fvp_num(s, st, i) == p.nobj;
            }
        }
        if (!size_ok || !root) {
            why = "PDF: the trailer's /Size is not the number of objects, or it has no /Root";
            goto out;
        }
    }
    /* every object, then again with the pages' content known */
    for (int pass = 0; pass < 2 && !why; pass++)
        for (size_t k = 1; k < p.nobj && !why; k++)
            if (p.off[k] && (pass == 0 || p.content[k])) why = fvp_object(&p, k, pass == 1);
out:
    free(p.off);
    free(p.content);
    return why;
}

/* ---- XLSX: a zip of XML parts ---- */

static inline unsigned fvz_u16(const unsigned char *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }
static inline uint32_t fvz_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* XML 1.0's Char production. */
static inline bool fvx_char(uint32_t c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
        || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

static inline bool fvx_name_char(unsigned char c, bool first)
{
    if (c >= 0x80 || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':')
        return true;
    return !first && ((c >= '0' && c <= '9') || c == '-' || c == '.');
}

static inline size_t fvx_name(const unsigned char *s, size_t n, size_t i)
{
    size_t at = i;
    while (i < n && fvx_name_char(s[i], i == at)) i++;
    return i - at;
}

/* An entity or character reference at s[i] == '&': its length, or 0. */
static inline size_t fvx_ref(const unsigned char *s, size_t n, size_t i)
{
    static const char *const named[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    for (size_t k = 0; k < 5; k++) {
        size_t l = strlen(named[k]);
        if (n - i >= l && memcmp(s + i, named[k], l) == 0) return l;
    }
    if (n - i < 4 || s[i + 1] != '#') return 0;
    bool hex = s[i + 2] == 'x';
    size_t j = i + 2 + hex;
    uint32_t v = 0;
    size_t digits = 0;
    for (; j < n && s[j] != ';'; j++, digits++) {
        unsigned char c = s[j];
        int d = c >= '0' && c <= '9' ? c - '0'
              : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10 : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0 || digits > 8) return 0;
        v = v * (hex ? 16 : 10) + (uint32_t)d;
    }
    if (j >= n || !digits || !fvx_char(v)) return 0;
    return j + 1 - i;
}

/* Character data or an attribute value from s[i] to the first `stop` byte: XML
 * characters in UTF-8, references whole, no '<' (and no "]]>" in text). */
static inline const char *fvx_chars(const unsigned char *s, size_t n, size_t *i, unsigned char stop)
{
    while (*i < n && s[*i] != stop) {
        unsigned char c = s[*i];
        if (c == '<') return "XML: '<' inside an attribute value";
        if (c == '&') {
            size_t l = fvx_ref(s, n, *i);
            if (!l) return "XML: an '&' that is not a reference";
            *i += l;
            continue;
        }
        if (c == ']' && stop == '<' && n - *i >= 3 && memcmp(s + *i, "]]>", 3) == 0)
            return "XML: ']]>' in text";
        uint32_t cp;
        size_t k = fv_utf8(s + *i, n - *i, &cp);
        if (!k) return "XML: bytes that are not UTF-8";
        if (!fvx_char(cp)) return "XML: a character XML 1.0 cannot hold (a control or U+FFFE/U+FFFF)";
        *i += k;
    }
    return NULL;
}

/* Well-formed XML 1.0: one root element, tags nested and matched, attributes quoted and
 * each given once (of the first 32 of a tag), references whole, every character allowed.
 * Not read: a DOCTYPE (workbooks have none) and the inside of processing instructions. */
static inline const char *fv_xml_valid(const unsigned char *s, size_t n)
{
    size_t i = 0, depth = 0, cap = 64, roots = 0;
    size_t *open = malloc(cap * sizeof *open), *olen = malloc(cap * sizeof *olen);
    const char *why = NULL;
    if (!open || !olen) abort();
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < n && !why) {
        if (s[i] != '<') {
            size_t at = i;
            if ((why = fvx_chars(s, n, &i, '<'))) break;
            if (!depth)
                for (size_t k = at; k < i; k++)
                    if (!strchr(" \t\r\n", s[k])) why = "XML: text outside the root element";
            continue;
        }
        if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            const unsigned char *e = NULL;
            for (size_t k = i + 4; k + 3 <= n; k++)
                if (memcmp(s + k, "-->", 3) == 0) { e = s + k; break; }
            if (!e) { why = "XML: a comment is not closed"; break; }
            i = (size_t)(e - s) + 3;
            continue;
        }
        if (n - i >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0) {
            size_t k = i + 9;
            while (k + 3 <= n && memcmp(s + k, "]]>", 3) != 0) {
                uint32_t cp;
                size_t l = fv_utf8(s + k, n - k, &cp);
                if (!l || !fvx_char(cp)) { why = "XML: a CDATA section holds a character XML cannot"; break; }
                k += l;
            }
            if (!why && k + 3 > n) why = "XML: a CDATA section is not closed";
            if (!depth) why = "XML: CDATA outside the root element";
            i = k + 3;
            continue;
        }
        if (n - i >= 2 && s[i + 1] == '?') {
            size_t k = i + 2;
            while (k + 2 <= n && memcmp(s + k, "?>", 2) != 0) k++;
            if (k + 2 > n) { why = "XML: a processing instruction is not closed"; break; }
            i = k + 2;
            continue;
        }
        if (n - i >= 2 && s[i + 1] == '/') {
            size_t l = fvx_name(s, n, i + 2);
            if (!depth || l != olen[depth - 1] || memcmp(s + i + 2, s + open[depth - 1], l) != 0) {
                why = "XML: an end tag that does not match the open element";
                break;
            }
            i += 2 + l;
            while (i < n && strchr(" \t\r\n", s[i]) && s[i]) i++;
            if (i >= n || s[i] != '>') { why = "XML: an end tag not closed by '>'"; break; }
            i++;
            depth--;
            continue;
        }
        size_t l = fvx_name(s, n, i + 1);
        if (!l) { why = "XML: '<' not followed by a name"; break; }
        if (!depth && roots++) { why = "XML: more than one root element"; break; }
        size_t name_at = i + 1, attr[32], alen[32], nattr = 0;
        i += 1 + l;
        for (;;) {
            size_t sp = i;
            while (i < n && strchr(" \t\r\n", s[i]) && s[i]) i++;
            if (i >= n) { why = "XML: a start tag is not closed"; break; }
            if (s[i] == '>' || (s[i] == '/' && i + 1 < n && s[i + 1] == '>')) break;
            size_t al = fvx_name(s, n, i);
            if (!al || sp == i) { why = "XML: a start tag holds something that is not an attribute"; break; }
            for (size_t a = 0; a < nattr && !why; a++)
                if (alen[a] == al && memcmp(s + attr[a], s + i, al) == 0) why = "XML: an attribute given twice";
            if (why) break;
            if (nattr < 32) attr[nattr] = i, alen[nattr++] = al;
            i += al;
            while (i < n && strchr(" \t\r\n", s[i]) && s[i]) i++;
            if (i >= n || s[i] != '=') { why = "XML: an attribute without '='"; break; }
            i++;
            while (i < n && strchr(" \t\r\n", s[i]) && s[i]) i++;
            if (i >= n || (s[i] != '"' && s[i] != '\'')) { why = "XML: an attribute value not quoted"; break; }
            unsigned char q = s[i++];
            if ((why = fvx_chars(s, n, &i, q))) break;
            if (i >= n) { why = "XML: an attribute value is not closed"; break; }
            i++;
        }
        if (why) break;
        if (s[i] == '/') {
            i += 2;
            continue;
        }
        i++;
        if (depth == cap) {
            cap *= 2;
            size_t *grown_open = realloc(open, cap * sizeof *open);
            if (!grown_open) abort();
            open = grown_open;
            size_t *grown_olen = realloc(olen, cap * sizeof *olen);
            if (!grown_olen) abort();
            olen = grown_olen;
        }
        open[depth] = name_at;
        olen[depth++] = l;
    }
    if (!why && depth) why = "XML: an element is not closed";
    if (!why && !roots) why = "XML: no root element";
    free(open);
    free(olen);
    return why;
}

/* The zip's end record, its central directory (every entry at its local header, no
 * name twice), every member inflated to its stated size and CRC, every .xml and .rels
 * part well-formed XML, and [Content_Types].xml present. */
static inline const char *fv_xlsx_valid(const unsigned char *s, size_t n)
{
    if (n < 22) return "zip: too short for an end record";
    size_t e = n - 22;
    while (e > 0 && fvz_u32(s + e) != 0x06054b50 && n - e < 22 + 65535) e--;
    if (fvz_u32(s + e) != 0x06054b50) return "zip: no end of central directory record";
    size_t count = fvz_u16(s + e + 10), cd_size = fvz_u32(s + e + 12), cd = fvz_u32(s + e + 16);
    if (fvz_u16(s + e + 8) != count || cd > e || cd_size != e - cd) return "zip: the end record does not describe the central directory";
    const char *why = NULL;
    bool types = false;
    size_t at = cd;
    char **members = calloc(count + 1, sizeof *members);
    if (!members) abort();
    for (size_t k = 0; k < count && !why; k++) {
        if (at + 46 > e || fvz_u32(s + at) != 0x02014b50) { why = "zip: a damaged central directory entry"; break; }
        unsigned flags = fvz_u16(s + at + 8), method = fvz_u16(s + at + 10);
        uint32_t crc = fvz_u32(s + at + 16);
        size_t csize = fvz_u32(s + at + 20), usize = fvz_u32(s + at + 24);
        size_t nl = fvz_u16(s + at + 28), xl = fvz_u16(s + at + 30), cl = fvz_u16(s + at + 32);
        size_t lo = fvz_u32(s + at + 42);
        if (at + 46 + nl + xl + cl > e) { why = "zip: a central directory entry runs past the directory"; break; }
        members[k] = strndup((const char *)s + at + 46, nl);
        if (!members[k]) abort();
        for (size_t j = 0; j < k && !why; j++)
            if (strcmp(members[j], members[k]) == 0) why = "zip: two members with one name";
        if (why) break;
        if (flags & 1) { why = "zip: an encrypted member"; break; }
        if (method != 0 && method != 8) { why = "zip: a member neither stored nor deflated"; break; }
        if (lo + 30 > cd || fvz_u32(s + lo) != 0x04034b50 || fvz_u16(s + lo + 26) != nl
            || memcmp(s + lo + 30, s + at + 46, nl) != 0) { why = "zip: a member's local header does not match its directory entry"; break; }
        size_t data = lo + 30 + nl + fvz_u16(s + lo + 28);
        if (data > cd || csize > cd - data) { why = "zip: a member's data runs into the central directory"; break; }
        unsigned char *raw = NULL;
        size_t rn = 0;
        if (method == 8) {
            if ((why = fv_inflate(s + data, csize, -15, &raw, &rn))) break;
        } else {
            raw = malloc(csize + 1);
            if (!raw) abort();
            memcpy(raw, s + data, csize);
            rn = csize;
        }
        if (rn != usize) why = "zip: a member does not inflate to its stated size";
        else if (crc32(0L, raw, (uInt)rn) != crc) why = "zip: a member's CRC-32 does not match";
        else if ((nl > 4 && memcmp(members[k] + nl - 4, ".xml", 4) == 0)
                 || (nl > 5 && memcmp(members[k] + nl - 5, ".rels", 5) == 0))
            why = fv_xml_valid(raw, rn);
        if (strcmp(members[k], "[Content_Types].xml") == 0) types = true;
        free(raw);
        at += 46 + nl + xl + cl;
    }
    for (size_t k = 0; k < count; k++) free(members[k]);
    free(members);
    if (!why && !types) why = "zip: no [Content_Types].xml";
    return why;
}

#endif
