/* bp_csv: RFC 4180 files over libcsv (strict mode).
 *
 * libcsv only knows byte offsets and has no limits of its own, so we feed it one byte at
 * a time and keep, alongside, everything the diagnostics need: the line and character
 * column of every byte, where each field opened, whether a row has begun (to see blank
 * lines, which libcsv skips silently), UTF-8 validity, NUL bytes, control characters,
 * the TABs of each field and the field-size cap.
 * A row with a defect is reported and left out of the table, and parsing resumes at the
 * next line, so that one run reports every defect of a file. */
#include "bp_csv.h"
#include "bp_excel.h"
#include "bp_infile.h"
#include "bp_sha256.h"
#include "bp_util.h"

#include <csv.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A field of the row being assembled: its text lives in the shared text buffer. */
typedef struct {
    size_t off, len;
    int line, column, quoted, tab;
} pending_field;

typedef struct {
    const char *name;
    bp_diags *diags;
    bp_csv_table *t;
    bp_err err;                  /* BP_ERR_NOMEM once an allocation failed */
    bool fatal;                  /* stop reading this file (a limit was exceeded) */
    bool ragged;                 /* bp_csv_parse_rows: no header, rows of any length */

    /* position of the byte being fed */
    int line, col;

    /* the field being read */
    bool need_start;             /* the next non-blank byte starts a field */
    int f_line, f_col, f_quoted;
    size_t f_bytes;
    bool f_tab;                  /* a TAB since the last field ended: this field's */

    /* the row being read */
    bool row_open;
    int row_line;
    bool row_bad;                /* reported already: drop it when it ends */
    pending_field *pf;
    size_t npf, cappf, nfields;
    char *text;
    size_t ntext, captext;

    bool line_reported;          /* one encoding error per line is enough */
    bool ctl_pending;            /* a control character's error, given at the line's end
                                    unless a bad byte on the line says more */
    int ctl_line, ctl_col;
    char ctl_msg[400];
    bool resyncing;              /* skipped to the end of a broken line: not blank */
    size_t rows_cap, rejected_cap;

    size_t nerrors, nblank;      /* diagnostics given for this file (see diag) */
    size_t blank_more;           /* blank lines over the listing cap */
    int blank_more_line;         /* the first of them */
} parser;

/* A damaged file must not turn into an unbounded list of messages: a gigabyte of empty
 * lines would otherwise be a thousand million warnings (about a hundred bytes of memory
 * for each byte read), and a gigabyte of broken rows hundreds of millions of errors.
 * So a file lists at most MAX_BLANK_WARNINGS blank lines (then one warning counts the
 * rest) and at most MAX_ERRORS errors of its own structure (then one more error says the
 * rest of the file was not read).  Documented in docs/limits.md. */
#define MAX_BLANK_WARNINGS 100
#define MAX_ERRORS 1000

static void diag(parser *ps, bp_diag_level lvl, int line, int col, const char *msg)
{
    if (lvl == BP_DIAG_WARNING) {   /* the only warnings here are blank lines */
        if (ps->nblank++ >= MAX_BLANK_WARNINGS) {
            if (!ps->blank_more++) ps->blank_more_line = line;
            return;
        }
    } else if (ps->nerrors++ >= MAX_ERRORS) {
        if (!ps->fatal)
            bp_diag_add(ps->diags, BP_DIAG_ERROR, ps->name, line, 0,
                        "found more than %d errors in this file, expected fewer: the rest of "
                        "the file was not read", MAX_ERRORS);
        ps->fatal = true;
        return;
    }
    bp_diag_add(ps->diags, lvl, ps->name, line, col, "%s", msg);
}

static void reset_row(parser *ps)
{
    ps->row_open = false;
    ps->row_bad = false;
    ps->npf = ps->ntext = ps->nfields = 0;
    ps->need_start = true;
    ps->f_tab = false;
}

/* One allocation per row: the field array followed by the NUL-terminated texts, so
 * that freeing row.fields frees everything. */
static bool pack_row(parser *ps, bp_csv_row *row)
{
    size_t head = ps->npf * sizeof(bp_csv_field);
    char *block = malloc(head + ps->ntext + 1);
    if (!block) return false;
    bp_csv_field *f = (bp_csv_field *)(void *)block;
    char *texts = block + head;
    memcpy(texts, ps->text, ps->ntext);
    for (size_t i = 0; i < ps->npf; i++) {
        f[i].text = texts + ps->pf[i].off;
        f[i].len = ps->pf[i].len;
        f[i].line = ps->pf[i].line;
        f[i].column = ps->pf[i].column;
        f[i].quoted = ps->pf[i].quoted;
        f[i].tab = ps->pf[i].tab;
    }
    row->fields = f;
    row->count = ps->npf;
    row->line = ps->row_line;
    return true;
}

static bool row_is_empty(const parser *ps)
{
    for (size_t i = 0; i < ps->npf; i++)
        if (ps->pf[i].len || ps->pf[i].quoted) return false;
    return true;
}

/* Keeps a refused data row's fields (its error is reported already). */
static void keep_rejected(parser *ps)
{
    bp_csv_table *t = ps->t;
    if ((!t->header.fields && !ps->ragged) || t->nrejected >= BP_CSV_MAX_ROWS) return;
    bp_csv_row *r = bp_grow(t->rejected, &ps->rejected_cap, t->nrejected + 1, sizeof *r);
    if (!r) { ps->err = BP_ERR_NOMEM; return; }
    t->rejected = r;
    if (!pack_row(ps, &t->rejected[t->nrejected])) { ps->err = BP_ERR_NOMEM; return; }
    t->nrejected++;
}

static void end_row(parser *ps)
{
    if (ps->err) return;
    if (ps->row_bad) {
        /* without its header a file cannot be read: its one error is already reported */
        if (!ps->t->header.fields && !ps->ragged) ps->fatal = true;
        else keep_rejected(ps);
        return;
    }
    if (row_is_empty(ps)) {
        /* ",,,,": a spreadsheet's empty row, treated like a blank line */
        diag(ps, BP_DIAG_WARNING, ps->row_line, 0, "blank line (only commas) skipped");
        return;
    }
    bp_csv_table *t = ps->t;
    if (!t->header.fields && !ps->ragged) {
        if (!pack_row(ps, &t->header)) ps->err = BP_ERR_NOMEM;
        return;
    }
    if (!ps->ragged && ps->npf != t->header.count) {
        char msg[128];
        snprintf(msg, sizeof msg, "found %zu field%s, expected %zu as in the header", ps->npf,
                 ps->npf == 1 ? "" : "s", t->header.count);
        int col = ps->npf > t->header.count ? ps->pf[t->header.count].column : 0;
        diag(ps, BP_DIAG_ERROR, ps->row_line, col, msg);
        keep_rejected(ps);
        return;
    }
    if (t->nrows >= BP_CSV_MAX_ROWS) {
        char msg[128];
        snprintf(msg, sizeof msg, "found more than %d data rows, expected at most %d rows in one file",
                 BP_CSV_MAX_ROWS, BP_CSV_MAX_ROWS);
        diag(ps, BP_DIAG_ERROR, ps->row_line, 0, msg);
        ps->fatal = true;
        return;
    }
    bp_csv_row *rows = bp_grow(t->rows, &ps->rows_cap, t->nrows + 1, sizeof *rows);
    if (!rows) { ps->err = BP_ERR_NOMEM; return; }
    t->rows = rows;
    if (!pack_row(ps, &t->rows[t->nrows])) { ps->err = BP_ERR_NOMEM; return; }
    t->nrows++;
}

static void on_field(void *s, size_t len, void *data)
{
    parser *ps = data;
    ps->nfields++;
    ps->need_start = true;
    bool tab = ps->f_tab;
    ps->f_tab = false;
    if (ps->row_bad || ps->err) return;
    if (ps->nfields > BP_CSV_MAX_FIELDS) {
        char msg[128];
        snprintf(msg, sizeof msg, "found more than %d fields in one row, expected at most %d",
                 BP_CSV_MAX_FIELDS, BP_CSV_MAX_FIELDS);
        diag(ps, BP_DIAG_ERROR, ps->f_line, ps->f_col, msg);
        ps->row_bad = true;
        return;
    }
    /* every text of a data set may end up in a workbook cell: one no cell can hold
     * cannot have come from a spreadsheet either (UTF-16 units never outnumber bytes, so
     * only a long field is counted) */
    if (len > BP_EXCEL_CELL_CHARS && bp_excel_chars(s, len) > BP_EXCEL_CELL_CHARS) {
        char msg[160];
        snprintf(msg, sizeof msg, "found a field of %zu characters, expected at most %d characters, "
                 "the most a spreadsheet cell holds", bp_excel_chars(s, len), BP_EXCEL_CELL_CHARS);
        diag(ps, BP_DIAG_ERROR, ps->f_line, ps->f_col, msg);
        ps->row_bad = true;
        return;
    }
    pending_field *pf = bp_grow(ps->pf, &ps->cappf, ps->npf + 1, sizeof *pf);
    if (!pf) { ps->err = BP_ERR_NOMEM; return; }
    ps->pf = pf;
    char *text = bp_grow(ps->text, &ps->captext, ps->ntext + len + 1, 1);
    if (!text) { ps->err = BP_ERR_NOMEM; return; }
    ps->text = text;
    if (len) memcpy(text + ps->ntext, s, len);
    text[ps->ntext + len] = '\0';
    for (size_t k = 0; tab && k < len; k++)
        if (text[ps->ntext + k] == '\t') text[ps->ntext + k] = ' ';
    pending_field *f = &pf[ps->npf++];
    f->off = ps->ntext;
    f->len = len;
    f->line = ps->f_line;
    f->column = ps->f_col;
    f->quoted = ps->f_quoted;
    f->tab = tab;
    ps->ntext += len + 1;
}

static void on_row(int c, void *data)
{
    parser *ps = data;
    (void)c;
    end_row(ps);
    reset_row(ps);
}

static void encoding_error(parser *ps, unsigned char b)
{
    ps->row_bad = true;
    ps->ctl_pending = false;
    if (ps->line_reported) return;
    ps->line_reported = true;
    char msg[200];
    if (b == 0)
        snprintf(msg, sizeof msg, "found a NUL byte (0x00), expected text: is this a spreadsheet "
                 "(.xlsx) rather than a CSV file?");
    else
        snprintf(msg, sizeof msg, "found byte 0x%02X, which is not valid UTF-8, expected UTF-8 "
                 "text: save the file as \"CSV UTF-8\" (a Windows-1252 \xC2\xA3 is 0xA3)", b);
    diag(ps, BP_DIAG_ERROR, ps->line, ps->col, msg);
}

/* A control character or a noncharacter (bp_cp_refused) at the byte being fed, in the
 * field being read: the row is refused, as for a bad byte, and the message names the
 * column, so that one in a long quoted field can be found.  It is one error per line
 * like a bad byte, and gives way to one: a NUL or a byte that is not UTF-8 later on the
 * line says more (a workbook named .csv starts "PK\x03\x04"). */
static void refused_char(parser *ps, uint32_t cp)
{
    ps->row_bad = true;
    if (ps->line_reported || ps->ctl_pending) return;
    const char *what = bp_cp_refused(cp);
    const bp_csv_row *h = &ps->t->header;
    char where[240];
    if (ps->ragged) {
        snprintf(where, sizeof where, "in field %zu", ps->nfields + 1);
    } else if (!h->fields) {
        snprintf(where, sizeof where, "in the header");
    } else if (ps->nfields < h->count) {
        size_t nlen;
        char name[200];
        const char *nm = bp_csv_trimmed(&h->fields[ps->nfields], &nlen);
        bp_diag_quote(nm, nlen, name, sizeof name);
        snprintf(where, sizeof where, "in column \"%s\"", name);
    } else {
        snprintf(where, sizeof where, "in field %zu, beyond the header's %zu", ps->nfields + 1,
                 h->count);
    }
    /* "a control character" -> "control characters" */
    snprintf(ps->ctl_msg, sizeof ps->ctl_msg, "found U+%04X (%s) %s, expected text without %ss",
             (unsigned)cp, what, where, what + 2);
    ps->ctl_pending = true;
    ps->ctl_line = ps->line;
    ps->ctl_col = ps->col;
}

static void flush_ctl(parser *ps)
{
    if (!ps->ctl_pending) return;
    ps->ctl_pending = false;
    ps->line_reported = true;
    diag(ps, BP_DIAG_ERROR, ps->ctl_line, ps->ctl_col, ps->ctl_msg);
}

/* libcsv stopped on a strict-mode violation: explain it, drop the row and resume on a
 * fresh parser at the next line.  Returns the index to continue from. */
static size_t strict_error(parser *ps, struct csv_parser *p, const unsigned char *d, size_t i,
                           size_t len)
{
    char msg[256];
    if (ps->f_quoted) {
        unsigned char b = d[i];
        char shown[8];
        if (b >= 0x20 && b < 0x7F) snprintf(shown, sizeof shown, "%c", b);
        else snprintf(shown, sizeof shown, "0x%02X", b);
        snprintf(msg, sizeof msg, "found \"%s\" after the closing quote of a quoted field, expected "
                 "a comma or the end of the line (write \"\" for a quote inside a quoted field)", shown);
    } else {
        snprintf(msg, sizeof msg, "found a quote (\") inside an unquoted field, expected the whole "
                 "field in quotes with each inner quote doubled (\"\")");
    }
    diag(ps, BP_DIAG_ERROR, ps->line, ps->col, msg);
    csv_free(p);
    if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        ps->err = BP_ERR_NOMEM;
        return len;
    }
    while (i < len && d[i] != '\n' && d[i] != '\r') i++;
    reset_row(ps);
    ps->resyncing = true;
    if (!ps->t->header.fields && !ps->ragged) ps->fatal = true;   /* no header, no way to read the rest */
    return i;   /* the line ending itself is handled as usual */
}

static void field_too_big(parser *ps)
{
    char msg[200];
    snprintf(msg, sizeof msg, "found a field longer than %u bytes, expected at most %u bytes "
             "in one field (is a quote left open?); the rest of the file was not read",
             BP_CSV_MAX_FIELD, BP_CSV_MAX_FIELD);
    diag(ps, BP_DIAG_ERROR, ps->f_line, ps->f_col, msg);
    ps->fatal = true;
}

/* A byte that, inside a field, only moves the column on: printable ASCII other than the
 * quote and the delimiter. */
static bool plain(unsigned char b)
{
    return b >= 0x20 && b < 0x7F && b != '"' && b != ',';
}

static void feed(parser *ps, struct csv_parser *p, const unsigned char *d, size_t len)
{
    size_t cont = 0;               /* continuation bytes of a validated UTF-8 character */
    for (size_t i = 0; i < len && !ps->fatal && !ps->err; i++) {
        unsigned char b = d[i];
        /* A run of plain bytes inside a field goes to libcsv in one call (one call a byte
         * was a tenth of loading a data set).  Every other byte - a line end, delimiter,
         * quote, non-ASCII byte, the first byte of a field - takes the path below. */
        if (!ps->need_start && cont == 0 && plain(b) && ps->f_bytes < BP_CSV_MAX_FIELD) {
            /* no further than the field's limit: the byte past it is reported below */
            size_t room = BP_CSV_MAX_FIELD - ps->f_bytes, j = i + 1;
            while (j < len && j - i < room && plain(d[j])) j++;
            size_t n = j - i, done = csv_parse(p, d + i, n, on_field, on_row, ps);
            ps->f_bytes += done;
            ps->col += done;
            if (done == n) {
                i = j - 1;
                continue;
            }
            /* libcsv refused the byte at i + done: as the path below would */
            if (csv_error(p) != CSV_EPARSE) {
                ps->err = BP_ERR_NOMEM;
                break;
            }
            i = strict_error(ps, p, d, i + done, len);
            if (i < len) i--;
            continue;
        }
        /* a line ends at LF, CR or CRLF; the LF of a CRLF is not a second ending */
        bool eol = b == '\r' || (b == '\n' && !(i > 0 && d[i - 1] == '\r'));
        bool nl = b == '\r' || b == '\n';

        /* libcsv skips empty lines without a word; the contract wants a warning */
        if (eol && !ps->row_open) {
            if (ps->resyncing) ps->resyncing = false;
            else diag(ps, BP_DIAG_WARNING, ps->line, 0, "blank line skipped");
        }

        if (ps->need_start && b != ' ' && b != '\t' && !(nl && !ps->row_open)) {
            ps->need_start = false;
            ps->f_line = ps->line;
            ps->f_col = ps->col;
            ps->f_quoted = b == '"';
            ps->f_bytes = 0;
            if (!ps->row_open) {
                ps->row_open = true;
                ps->row_line = ps->line;
            }
        }

        bool is_cont = cont > 0;
        if (cont) {
            cont--;
        } else if (b == 0 || b >= 0x80) {
            uint32_t cp = 0;
            size_t n = b ? bp_utf8_decode(d + i, len - i, &cp) : 0;
            if (n == 0) encoding_error(ps, b);
            else cont = n - 1;
            if (n && bp_cp_refused(cp)) refused_char(ps, cp);
        } else if (b == '\t') {
            ps->f_tab = true;
        } else if (bp_cp_refused(b)) {
            refused_char(ps, b);
        }

        if (csv_parse(p, &b, 1, on_field, on_row, ps) != 1) {
            if (csv_error(p) != CSV_EPARSE) {
                ps->err = BP_ERR_NOMEM;
                break;
            }
            i = strict_error(ps, p, d, i, len);
            cont = 0;
            if (i < len) i--;   /* the loop comes back to the line ending */
            continue;
        }
        /* bytes of the field as written (quotes included); its delimiter is not */
        if (!ps->need_start && ++ps->f_bytes > BP_CSV_MAX_FIELD) {
            field_too_big(ps);
            break;
        }

        if (eol) {
            flush_ctl(ps);
            ps->line++;
            ps->col = 1;
            ps->line_reported = false;
        } else if (b != '\n' && !is_cont) {
            ps->col++;
        }
    }
}

static void finish(parser *ps, struct csv_parser *p)
{
    if (ps->fatal || ps->err) return;
    if (!ps->row_open && ps->col > 1 && !ps->resyncing)
        diag(ps, BP_DIAG_WARNING, ps->line, 0, "blank line skipped");
    if (csv_fini(p, on_field, on_row, ps) != 0) {
        diag(ps, BP_DIAG_ERROR, ps->f_line, ps->f_col,
             "found a quoted field that is never closed, expected a closing quote (\") - "
             "the field opens here");
        reset_row(ps);
    }
}

static bp_err parse_any(const char *display_name, const char *data, size_t len, bool ragged,
                        bp_csv_table *out, bp_diags *diags)
{
    memset(out, 0, sizeof *out);
    out->name = strdup(display_name);
    if (!out->name) return BP_ERR_NOMEM;
    out->bytes = len;

    size_t before = diags->errors;
    if (len > BP_CSV_MAX_BYTES) {
        bp_diag_add(diags, BP_DIAG_ERROR, display_name, 0, 0,
                    "found a file of %zu bytes, expected at most %zu bytes", len, BP_CSV_MAX_BYTES);
        return BP_ERR_DATA;
    }
    bp_sha256(data, len, out->sha256);

    const unsigned char *d = (const unsigned char *)data;
    if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
        d += 3;
        len -= 3;
    }

    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) return BP_ERR_NOMEM;
    parser ps;
    memset(&ps, 0, sizeof ps);
    ps.name = display_name;
    ps.diags = diags;
    ps.t = out;
    ps.ragged = ragged;
    ps.line = 1;
    ps.col = 1;
    reset_row(&ps);

    feed(&ps, &p, d, len);
    flush_ctl(&ps);
    finish(&ps, &p);
    if (ps.blank_more)
        bp_diag_add(diags, BP_DIAG_WARNING, display_name, ps.blank_more_line, 0,
                    "found %zu more blank line%s from here on, skipped and not listed one by one",
                    ps.blank_more, ps.blank_more == 1 ? "" : "s");
    csv_free(&p);
    free(ps.pf);
    free(ps.text);

    if (ps.err || diags->oom) return BP_ERR_NOMEM;
    return diags->errors > before ? BP_ERR_DATA : BP_OK;
}

bp_err bp_csv_parse(const char *display_name, const char *data, size_t len, bp_csv_table *out,
                    bp_diags *diags)
{
    return parse_any(display_name, data, len, false, out, diags);
}

bp_err bp_csv_parse_rows(const char *display_name, const char *data, size_t len,
                         bp_csv_table *out, bp_diags *diags)
{
    return parse_any(display_name, data, len, true, out, diags);
}

static bp_err read_any(const char *path, const char *display_name, bool ragged,
                       bp_csv_table *out, bp_diags *diags)
{
    memset(out, 0, sizeof *out);
    char *buf;
    size_t n;
    bp_err err = bp_read_file(path, display_name, BP_CSV_MAX_BYTES, &buf, &n, diags);
    if (err != BP_OK) return err;
    err = parse_any(display_name, buf, n, ragged, out, diags);
    free(buf);
    return err;
}

bp_err bp_csv_read_file(const char *path, const char *display_name, bp_csv_table *out,
                        bp_diags *diags)
{
    return read_any(path, display_name, false, out, diags);
}

bp_err bp_csv_read_rows(const char *path, const char *display_name, bp_csv_table *out,
                        bp_diags *diags)
{
    return read_any(path, display_name, true, out, diags);
}

void bp_csv_table_free(bp_csv_table *t)
{
    free(t->name);
    free(t->header.fields);
    for (size_t i = 0; i < t->nrows; i++) free(t->rows[i].fields);
    free(t->rows);
    for (size_t i = 0; i < t->nrejected; i++) free(t->rejected[i].fields);
    free(t->rejected);
    memset(t, 0, sizeof *t);
}

const char *bp_csv_trimmed(const bp_csv_field *f, size_t *n)
{
    if (!f) {
        *n = 0;
        return "";
    }
    const char *s = f->text;
    size_t len = f->len;
    while (len && (*s == ' ' || *s == '\t')) { s++; len--; }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    *n = len;
    return s;
}

/* Header names compare case-insensitively after trimming spaces (quoted names may
 * still carry them). */
bool bp_csv_same_name(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen) return false;
    for (size_t i = 0; i < alen; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

static void expected_list(const bp_csv_colspec *spec, size_t nspec, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < nspec && n < size; i++) {
        int w = snprintf(buf + n, size - n, "%s%s", i ? ", " : "", spec[i].name);
        if (w < 0) break;
        n += (size_t)w;
    }
}

int bp_csv_bind(const bp_csv_table *t, const bp_csv_colspec *spec, size_t nspec, int *idx,
                bp_diags *diags)
{
    int rc = 0;
    char list[512];
    expected_list(spec, nspec, list, sizeof list);
    for (size_t i = 0; i < nspec; i++) idx[i] = -1;
    const bp_csv_row *h = &t->header;
    for (size_t j = 0; j < h->count; j++) {
        const bp_csv_field *f = &h->fields[j];
        size_t nlen;
        const char *nm = bp_csv_trimmed(f, &nlen);
        /* a name seen before in this header? */
        size_t k;
        for (k = 0; k < j; k++) {
            size_t olen;
            const char *om = bp_csv_trimmed(&h->fields[k], &olen);
            if (nlen && bp_csv_same_name(nm, nlen, om, olen)) break;
        }
        char name[200];
        bp_diag_quote(nm, nlen, name, sizeof name);
        if (k < j) {
            bp_diag_add(diags, BP_DIAG_ERROR, t->name, f->line, f->column,
                        "found column \"%s\" a second time (first in column %d), expected each "
                        "column name once", name, h->fields[k].column);
            rc = -1;
            continue;
        }
        size_t s;
        for (s = 0; s < nspec; s++)
            if (bp_csv_same_name(nm, nlen, spec[s].name, strlen(spec[s].name))) break;
        if (s < nspec) {
            idx[s] = (int)j;
        } else if (nlen == 0) {
            bp_diag_add(diags, BP_DIAG_WARNING, t->name, f->line, f->column,
                        "found a column with no name, expected one of %s: the column is ignored",
                        list);
        } else {
            bp_diag_add(diags, BP_DIAG_WARNING, t->name, f->line, f->column,
                        "found unknown column \"%s\", expected one of %s: the column is ignored",
                        name, list);
        }
    }
    int hline = h->count ? h->line : 1;
    for (size_t s = 0; s < nspec; s++) {
        if (idx[s] >= 0 || !spec[s].required) continue;
        bp_diag_add(diags, BP_DIAG_ERROR, t->name, hline, 0,
                    "found no column \"%s\" in the header, expected the columns %s", spec[s].name,
                    list);
        rc = -1;
    }
    return rc;
}

const bp_csv_field *bp_csv_get(const bp_csv_row *r, int idx)
{
    if (idx < 0 || (size_t)idx >= r->count) return NULL;
    return &r->fields[idx];
}
