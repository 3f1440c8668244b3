/* gen_national_mats: the reader of the list of every multi-academy trust in England
 * (../shared/data/README.md) for gen_national: RFC 4180 records, names repaired and
 * checked, every problem reported with its line. */
#include "gen_national.h"

static size_t g_errors;   /* errors reported so far */

void report(const char *file, size_t line, const char *kind, const char *fmt, ...)
{
    bool is_error = strcmp(kind, "error") == 0;
    if (is_error) g_errors++;
    if (is_error && g_errors > MAX_ERRORS_SHOWN) return;
    va_list ap;
    va_start(ap, fmt);
    if (line)
        fprintf(stderr, "%s:%zu: %s: ", file, line, kind);
    else
        fprintf(stderr, "%s: %s: ", file, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* Length of a valid UTF-8 sequence at s (n bytes available), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80) return c ? 1 : 0;
    size_t k;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) { k = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { k = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { k = 4; cp = c & 0x07; }
    else return 0;
    if (n < k) return 0;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return k;
}

/* Field text: "found" in messages, cut to 40 bytes on a character boundary. */
static const char *shown(const char *s, char *buf, size_t cap)
{
    size_t n = strlen(s), i = 0;
    while (i < n && i < 40) {
        size_t k = utf8_len((const unsigned char *)s + i, n - i);
        if (!k || i + k > 40) break;
        i += k;
    }
    if (i + 4 > cap) i = cap > 4 ? cap - 4 : 0;
    memcpy(buf, s, i);
    strcpy(buf + i, i < n ? "..." : "");
    return buf;
}

typedef struct {
    size_t off, len;
    bool quoted;
} fld;

typedef struct {
    sbuf text;   /* every field, NUL-terminated, at fld.off */
    fld *f;
    size_t n, cap;
    size_t line;
    bool bad;
} record;

typedef struct {
    const char *file;
    const unsigned char *s;
    size_t len, pos, line;
} parser;

static void rec_push(record *r, fld f)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        fld *p = realloc(r->f, cap * sizeof *p);
        if (!p) die_nomem();
        r->f = p;
        r->cap = cap;
    }
    r->f[r->n++] = f;
}

static const char *fstr(const record *r, size_t i) { return r->text.p + r->f[i].off; }

static bool is_blank(const record *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->f[i].quoted || r->f[i].len) return false;
    return true;
}

/* The next record (RFC 4180: quoted fields may hold commas, doubled quotes and line
 * breaks; LF or CRLF; spaces around a field are ignored).  False at the end. */
static bool next_record(parser *P, record *r)
{
    if (P->pos >= P->len) return false;
    r->text.n = 0;
    r->n = 0;
    r->bad = false;
    r->line = P->line;
    const unsigned char *s = P->s;
    for (;;) {
        fld F = {r->text.n, 0, false};
        while (P->pos < P->len && (s[P->pos] == ' ' || s[P->pos] == '\t')) P->pos++;
        if (P->pos < P->len && s[P->pos] == '"') {
            size_t open = P->line;
            F.quoted = true;
            P->pos++;
            for (;;) {
                if (P->pos >= P->len) {
                    report(P->file, open, "error",
                           "found a quoted field that is never closed, expected a closing quote (\")");
                    r->bad = true;
                    goto end;
                }
                unsigned char c = s[P->pos];
                if (c == '"') {
                    if (P->pos + 1 < P->len && s[P->pos + 1] == '"') {
                        sb_putc(&r->text, '"');
                        P->pos += 2;
                        continue;
                    }
                    P->pos++;
                    break;
                }
                if (c == '\n') P->line++;
                sb_putc(&r->text, (char)c);
                P->pos++;
            }
            while (P->pos < P->len && (s[P->pos] == ' ' || s[P->pos] == '\t')) P->pos++;
            if (P->pos < P->len && s[P->pos] != ',' && s[P->pos] != '\n' &&
                !(s[P->pos] == '\r' && P->pos + 1 < P->len && s[P->pos + 1] == '\n')) {
                if (!r->bad)
                    report(P->file, P->line, "error",
                           "found text after the closing quote of a quoted field, expected a comma "
                           "or the end of the line");
                r->bad = true;
                while (P->pos < P->len && s[P->pos] != '\n') P->pos++;
            }
        } else {
            while (P->pos < P->len && s[P->pos] != ',' && s[P->pos] != '\n') {
                unsigned char c = s[P->pos];
                if (c == '\r' && P->pos + 1 < P->len && s[P->pos + 1] == '\n') break;
                if ((c == '"' || c == '\r') && !r->bad) {
                    report(P->file, P->line, "error",
                           c == '"' ? "found a quote (\") inside an unquoted field, expected the "
                                      "whole field in quotes with inner quotes doubled"
                                    : "found a carriage return inside a field, expected LF or CRLF "
                                      "line endings");
                    r->bad = true;
                }
                sb_putc(&r->text, (char)c);
                P->pos++;
            }
        }
        /* trim trailing spaces (and those just inside quotes) */
        while (r->text.n > F.off && (r->text.p[r->text.n - 1] == ' ' || r->text.p[r->text.n - 1] == '\t'))
            r->text.n--;
        F.len = r->text.n - F.off;
        sb_putc(&r->text, '\0');
        rec_push(r, F);
        if (P->pos >= P->len) break;
        if (s[P->pos] == ',') {
            P->pos++;
            continue;
        }
        if (s[P->pos] == '\r') P->pos++;
        P->pos++; /* '\n' */
        P->line++;
        break;
    }
end:
    /* leading spaces inside quotes */
    for (size_t i = 0; i < r->n; i++) {
        char *t = r->text.p + r->f[i].off;
        size_t k = 0;
        while (k < r->f[i].len && (t[k] == ' ' || t[k] == '\t')) k++;
        if (k) {
            memmove(t, t + k, r->f[i].len - k + 1);
            r->f[i].len -= k;
        }
    }
    return true;
}

/* Windows-1252 meaning of the C1 controls U+0080..U+009F (0 = undefined): the usual
 * result of cp1252 text decoded as Latin-1. */
static const uint16_t CP1252_C1[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
    0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};

static void put_utf8(sbuf *b, uint32_t cp)
{
    if (cp < 0x80) sb_putc(b, (char)cp);
    else if (cp < 0x800) {
        sb_putc(b, (char)(0xC0 | (cp >> 6)));
        sb_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        sb_putc(b, (char)(0xE0 | (cp >> 12)));
        sb_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sb_putc(b, (char)(0x80 | (cp & 0x3F)));
    }
}

/* The trust name as written out: valid UTF-8 (checked before), no C0 controls; C1
 * controls repaired to their Windows-1252 characters with a warning.  NULL if bad. */
static char *clean_name(const parser *P, size_t line, const char *s)
{
    sbuf b = {0};
    size_t n = strlen(s);
    bool repaired = false;
    for (size_t i = 0; i < n;) {
        const unsigned char *u = (const unsigned char *)s + i;
        size_t k = utf8_len(u, n - i);
        if (!k) { free(b.p); return NULL; } /* reported by the UTF-8 check */
        if (k == 1 && (u[0] < 0x20 || u[0] == 0x7F)) {
            report(P->file, line, "error",
                   "found a control character (0x%02X) in column \"trust_name\", expected a "
                   "trust name on one line", u[0]);
            free(b.p);
            return NULL;
        }
        if (k == 2 && u[0] == 0xC2 && u[1] < 0xA0) {
            uint16_t cp = CP1252_C1[u[1] - 0x80];
            if (!cp) {
                report(P->file, line, "error",
                       "found the control character U+%04X in column \"trust_name\", expected text",
                       (unsigned)u[1]);
                free(b.p);
                return NULL;
            }
            put_utf8(&b, cp);
            repaired = true;
        } else {
            sb_putn(&b, s + i, k);
        }
        i += k;
    }
    if (repaired)
        report(P->file, line, "warning",
               "trust_name \"%s\" held C1 control characters (Windows-1252 text read as Latin-1), "
               "written as their Windows-1252 characters", b.p);
    if (!b.p) sb_puts(&b, "");
    return b.p;
}

/* Decimal "123" or "123.4" / "123.45" (at most two decimals) as hundredths. */
static bool parse_hundredths(const char *s, int64_t max, int64_t *out)
{
    int64_t v = 0;
    size_t i = 0, digits = 0;
    while (s[i] >= '0' && s[i] <= '9') {
        v = v * 10 + (s[i] - '0');
        if (v > max) return false;
        i++;
        digits++;
    }
    if (!digits) return false;
    int frac = 0;
    if (s[i] == '.') {
        i++;
        while (s[i] >= '0' && s[i] <= '9' && frac < 2) {
            v = v * 10 + (s[i] - '0');
            i++;
            frac++;
        }
        if (!frac) return false;
    }
    if (s[i]) return false;
    for (; frac < 2; frac++) v *= 10;
    if (v / 100 > max) return false;
    *out = v;
    return true;
}

bool parse_uint(const char *s, size_t maxdigits, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    for (; s[i]; i++) {
        if (s[i] < '0' || s[i] > '9' || i >= maxdigits) return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (!i) return false;
    *out = v;
    return true;
}

static int cmp_uid(const void *a, const void *b)
{
    const trust_in *x = *(const trust_in *const *)a, *y = *(const trust_in *const *)b;
    if (x->uid != y->uid) return x->uid < y->uid ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, PROG ": cannot open %s: %s\n", path, strerror(errno));
        exit(EXIT_IO);
    }
    sbuf b = {0};
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.n + k > MAX_INPUT_BYTES) {
            fprintf(stderr, PROG ": %s: error: found a file larger than %u bytes, expected the "
                    "list of multi-academy trusts\n", path, MAX_INPUT_BYTES);
            exit(EXIT_DATA);
        }
        sb_putn(&b, chunk, k);
    }
    if (ferror(f)) {
        fprintf(stderr, PROG ": cannot read %s: %s\n", path, strerror(errno));
        exit(EXIT_IO);
    }
    fclose(f);
    if (!b.p) sb_puts(&b, "");
    *len = b.n;
    return b.p;
}

enum { COL_NAME, COL_UID, COL_SCHOOLS, COL_PUPILS, COL_GRANT, NCOLS };
static const char *const COLNAME[NCOLS] = {"trust_name", "gias_group_uid", "schools", "pupils_2020_21",
                                           "grant_funding_2020_21"};

/* Reads and validates the whole file; every problem is reported; exits 65 if any. */
trust_in *load_mats(const char *path, size_t *count)
{
    size_t len;
    char *buf = read_file(path, &len);
    const unsigned char *s = (const unsigned char *)buf;
    size_t start = 0;
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) start = 3;

    /* UTF-8 and NUL bytes, first bad byte of each line */
    size_t line = 1, line_start = start;
    for (size_t i = start; i < len;) {
        size_t k = utf8_len(s + i, len - i);
        if (!k) {
            report(path, line, "error", "found %s at byte %zu of the line, expected UTF-8 text "
                   "(save the file as CSV UTF-8)", s[i] ? "a byte that is not UTF-8" : "a NUL byte",
                   i - line_start + 1);
            while (i < len && s[i] != '\n') i++;
            continue;
        }
        if (s[i] == '\n') {
            line++;
            line_start = i + 1;
        }
        i += k;
    }

    parser P = {path, s + start, len - start, 0, 1};
    record r = {{0}, NULL, 0, 0, 0, false};
    int col[NCOLS];
    bool header = false;
    size_t errors_before_header = g_errors;
    while (!header && next_record(&P, &r)) {
        if (r.bad) {
            report(path, r.line, "error", "found a broken header row, expected the column names");
            goto fail;
        }
        if (is_blank(&r)) continue;
        header = true;
        for (int c = 0; c < NCOLS; c++) col[c] = -1;
        for (size_t i = 0; i < r.n; i++) {
            char *h = r.text.p + r.f[i].off;
            for (char *q = h; *q; q++)
                if (*q >= 'A' && *q <= 'Z') *q = (char)(*q - 'A' + 'a');
            int c = 0;
            while (c < NCOLS && strcmp(h, COLNAME[c]) != 0) c++;
            if (c == NCOLS) {
                report(path, r.line, "warning", "column \"%s\" is not used", h);
                continue;
            }
            if (col[c] >= 0) {
                report(path, r.line, "error", "found column \"%s\" a second time (first in field "
                       "%d), expected each column once", h, col[c] + 1);
                continue;
            }
            col[c] = (int)i;
        }
        for (int c = 0; c < NCOLS; c++)
            if (col[c] < 0)
                report(path, r.line, "error", "found no column \"%s\" in the header, expected the "
                       "columns trust_name, gias_group_uid, schools, pupils_2020_21, "
                       "grant_funding_2020_21", COLNAME[c]);
    }
    if (!header) {
        report(path, 0, "error", "found no header row, expected the columns trust_name, "
               "gias_group_uid, schools, pupils_2020_21, grant_funding_2020_21");
        goto fail;
    }
    if (g_errors > errors_before_header) goto fail;

    size_t ncols = r.n, n = 0, cap = 0;
    trust_in *t = NULL;
    char fb[64];
    while (next_record(&P, &r)) {
        if (r.bad || is_blank(&r)) continue;
        if (r.n != ncols) {
            report(path, r.line, "error", "found %zu fields, expected %zu as in the header", r.n, ncols);
            continue;
        }
        trust_in x = {NULL, 0, 0, 0, 0, r.line};
        bool ok = true;
        const char *v = fstr(&r, (size_t)col[COL_NAME]);
        if (!*v) {
            report(path, r.line, "error", "found an empty trust_name, expected the trust's name");
            ok = false;
        } else if (strlen(v) > MAX_NAME_BYTES) {
            report(path, r.line, "error", "found a trust_name of %zu bytes, expected at most %d",
                   strlen(v), MAX_NAME_BYTES);
            ok = false;
        } else if (!(x.name = clean_name(&P, r.line, v))) {
            ok = false;
        }
        v = fstr(&r, (size_t)col[COL_UID]);
        if (!parse_uint(v, 13, &x.uid) || x.uid == 0) {
            report(path, r.line, "error", "found \"%s\" in column \"gias_group_uid\", expected a "
                   "GIAS group UID (a whole number from 1, at most 13 digits)", shown(v, fb, sizeof fb));
            ok = false;
        }
        uint64_t u;
        v = fstr(&r, (size_t)col[COL_SCHOOLS]);
        if (!parse_uint(v, 6, &u) || u < 1 || u > MAX_SCHOOLS) {
            report(path, r.line, "error", "found \"%s\" in column \"schools\", expected a whole "
                   "number of academies from 1 to %d", shown(v, fb, sizeof fb), MAX_SCHOOLS);
            ok = false;
        } else {
            x.schools = (int64_t)u;
        }
        v = fstr(&r, (size_t)col[COL_PUPILS]);
        if (!parse_hundredths(v, 10000000, &x.pupils) || x.pupils <= 0) {
            report(path, r.line, "error", "found \"%s\" in column \"pupils_2020_21\", expected a "
                   "positive number of pupils with at most 2 decimals, such as 811.5",
                   shown(v, fb, sizeof fb));
            ok = false;
        } else if (x.schools && x.pupils < 100 * x.schools) {
            report(path, r.line, "error", "found %s pupils for %" PRId64 " academies, expected at "
                   "least one pupil per academy", v, x.schools);
            ok = false;
        }
        v = fstr(&r, (size_t)col[COL_GRANT]);
        if (!parse_hundredths(v, 10000000000LL, &x.grant) || x.grant <= 0) {
            report(path, r.line, "error", "found \"%s\" in column \"grant_funding_2020_21\", "
                   "expected money in pounds, positive, with at most 2 decimals, such as 5385439.51",
                   shown(v, fb, sizeof fb));
            ok = false;
        }
        if (!ok) {
            free(x.name);
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            trust_in *p = realloc(t, cap * sizeof *p);
            if (!p) die_nomem();
            t = p;
        }
        t[n++] = x;
    }
    /* duplicate UIDs would give two trusts one id */
    if (n > 1) {
        trust_in **ix = malloc(n * sizeof *ix);
        if (!ix) die_nomem();
        for (size_t i = 0; i < n; i++) ix[i] = &t[i];
        qsort(ix, n, sizeof *ix, cmp_uid);
        for (size_t i = 1; i < n; i++)
            if (ix[i]->uid == ix[i - 1]->uid) {
                size_t first = i - 1;
                while (first > 0 && ix[first - 1]->uid == ix[i]->uid) first--;
                report(path, ix[i]->line, "error", "found gias_group_uid %" PRIu64 " a second time "
                       "(first on line %zu), expected each trust once", ix[i]->uid, ix[first]->line);
            }
        free(ix);
    }
    if (!n && !g_errors) report(path, 0, "error", "found no trusts, expected one row per trust");
    free(r.text.p);
    free(r.f);
    free(buf);
    if (g_errors) {
        for (size_t i = 0; i < n; i++) free(t[i].name);
        free(t);
        goto fail_noreset;
    }
    *count = n;
    return t;
fail:
    free(r.text.p);
    free(r.f);
    free(buf);
fail_noreset:
    if (g_errors > MAX_ERRORS_SHOWN)
        fprintf(stderr, "%s: ... and %zu more errors\n", path, g_errors - MAX_ERRORS_SHOWN);
    fprintf(stderr, PROG ": %zu error%s in %s; nothing written\n", g_errors, g_errors == 1 ? "" : "s", path);
    exit(EXIT_DATA);
}
