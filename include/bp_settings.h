/* bp_settings: the one reader of boardpack's settings files - KPI definitions (.kpi), pack
 * templates (.pack) and the mapping files to come.  It owns their shared line grammar and
 * its messages: a UTF-8 byte-order mark skipped, UTF-8 required (each bad byte reported and
 * read as '?'), a NUL byte ending the file, '#' comments at the start of a line or after a
 * space, blank lines, block headers "WORD ID" with the kind's id rule, "key: value" entries
 * with a value, keys before the first block only where the kind allows them, a line-length
 * and a file-size cap.  Every key and value comes with its line and column (in bytes).
 *
 * What a key means, and whether it may be repeated (a KPI's description lines are joined,
 * each "target:" or "section:" starts another, a name set twice is an error), belongs to
 * the format's own module: the reader does not judge repeats.  Neither format continues a
 * value on the next line. */
#ifndef BP_SETTINGS_H
#define BP_SETTINGS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include "bp_error.h"

/* What tells one format from another: its header words, ids, caps and error. */
typedef struct {
    const char *const *headers;  /* words that open a block, NULL-terminated: "kpi", "grade" */
    const char *id_noun;         /* "KPI" in "'X' is not a KPI id: ..." */
    const char *id_chars;        /* the characters an id may hold besides a-z and 0-9: "_" */
    size_t id_max;               /* bytes in an id */
    const char *const *preamble; /* keys allowed before the first block, NULL-terminated, or NULL */
    size_t max_bytes;            /* bytes in one file (bp_settings_read_file) */
    size_t max_line;             /* bytes in one line, its line ending excluded; 0 for no cap */
    bp_err err;                  /* what a file with errors gives: bp_strerror names the kind */
} bp_settings_kind;

typedef struct { const char *s; size_t n; } bp_span;

/* One line that says something: a block header or a "key: value" entry. */
typedef struct {
    int line;                /* 1-based */
    const char *text;        /* the line as read (bad UTF-8 bytes as '?'); the column of a
                                pointer p into it is p - text + 1 */
    bool header;             /* "WORD ID": key is the word, value the id */
    int word;                /* header: its index in kind->headers */
    bool id_ok;              /* header: the id follows the kind's rule (bp_settings_bad_id) */
    bool in_block;           /* entry: after a header (false: one of the kind's preamble keys) */
    const char *key;         /* NUL-terminated, trimmed; may be empty (": x") */
    size_t klen;
    int kcol;
    const char *value;       /* NUL-terminated, trimmed, never empty */
    size_t vlen;
    int vcol;
} bp_setting;

/* A reader over one file's text.  The fields are the reader's own, except the three the
 * format's module looks at once reading is over. */
typedef struct {
    const bp_settings_kind *kind;
    const char *file;        /* as shown in diagnostics */
    bp_diags *diags;
    const char *text;
    size_t len, pos;
    int line;
    char *buf;               /* the current line, copied */
    size_t cap;
    bool in_block;
    size_t errors;           /* errors reported through this reader, the format's own too */
    bool stopped;            /* a NUL byte ended the file early: its last block is unfinished */
    bool nomem;
} bp_settings;

/* Read path whole under the kind's size cap (errors as bp_read_file gives them). */
bp_err bp_settings_read_file(const bp_settings_kind *kind, const char *path,
                             const char *display_name, char **buf, size_t *len, bp_diags *diags);

void bp_settings_open(bp_settings *r, const bp_settings_kind *kind, const char *display_name,
                      const char *text, size_t len, bp_diags *diags);

/* The next header or entry into *out (valid until the next call); false at the end of the
 * text, at a NUL byte (r->stopped) or when out of memory (r->nomem).  Lines that are wrong
 * in the grammar are reported here and skipped. */
bool bp_settings_next(bp_settings *r, bp_setting *out);

void bp_settings_close(bp_settings *r);

/* An error at line:column of the reader's file (column 0: the whole line; line 0: the whole
 * file), counted in r->errors.  Quoted text cut short inside a UTF-8 character is mended
 * ('?'), so that every message stays valid UTF-8. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
void bp_settings_error(bp_settings *r, int line, int column, const char *fmt, ...);
void bp_settings_verror(bp_settings *r, int line, int column, const char *fmt, va_list ap);

/* Does s[0..n) follow the kind's id rule? */
bool bp_settings_id_ok(const bp_settings_kind *kind, const char *s, size_t n);

/* Report that a header's id breaks the kind's rule (header->id_ok is false).  The format's
 * module calls it where it makes its own checks of a new block, after closing the block
 * before, so that each message keeps its place. */
void bp_settings_bad_id(bp_settings *r, const bp_setting *header);

/* The helpers the formats' modules share with the reader: s[0..n) without the spaces, tabs
 * and carriage returns at either end; is s[0..n) the word w, whole? */
void bp_settings_trim(const char **s, size_t *n);
bool bp_settings_word_is(const char *s, size_t n, const char *w);

/* Split a list value on commas into up to max trimmed items (empty ones kept); returns how
 * many items there are, which may be more than max.  With numbers, a comma between a digit
 * and exactly three digits is a thousands separator ("1,000,000" is one item). */
size_t bp_settings_list(const char *s, size_t n, bool numbers, bp_span *out, size_t max);

#endif
