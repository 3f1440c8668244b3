/* bp_csv: reading one RFC 4180 file into rows of fields, each field knowing the line and
 * column where it starts.  Wraps libcsv in strict mode; strips a UTF-8 BOM; accepts LF,
 * CRLF and mixed endings; blank lines are skipped with a warning.  Header names are
 * matched case-insensitively after trimming.  Every defect becomes a diagnostic, a
 * control character or U+FFFE/U+FFFF in any field among them (bp_cp_refused).  A TAB is
 * read as a space - free text is printed with it as one - and the field remembers it,
 * since in an id or a code it is an error (the loader's to say). */
#ifndef BP_CSV_H
#define BP_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include "bp_error.h"

/* Resource limits (documented in docs/data-format.md). */
#define BP_CSV_MAX_FIELD   (1u << 20)        /* bytes in one field */
#define BP_CSV_MAX_FIELDS  256               /* fields in one row */
#define BP_CSV_MAX_ROWS    5000000           /* rows in one file */
#define BP_CSV_MAX_BYTES   ((size_t)1 << 30) /* bytes in one file */

typedef struct {
    char *text;     /* NUL-terminated; unquoted fields trimmed of surrounding spaces */
    size_t len;
    int line;       /* line where the field starts (for a quoted field, where it opened) */
    int column;     /* 1-based column (in characters) where the field starts */
    int quoted;
    int tab;        /* the field held a TAB, read as a space (its edges' TABs too) */
} bp_csv_field;

typedef struct {
    bp_csv_field *fields;
    size_t count;
    int line;       /* line where the row starts */
} bp_csv_row;

typedef struct {
    char *name;            /* file name as shown in diagnostics (e.g. "finance.csv") */
    bp_csv_row header;
    bp_csv_row *rows;      /* data rows, header excluded */
    size_t nrows;
    bp_csv_row *rejected;  /* data rows refused whole (their error reported): the fields
                              they had, so that a loader can tell what they named */
    size_t nrejected;
    unsigned char sha256[32]; /* of the file's bytes as read */
    size_t bytes;
} bp_csv_table;

/* Parse a file's bytes.  Returns BP_OK, BP_ERR_NOMEM, or BP_ERR_DATA with diagnostics
 * (rows that could not be parsed are reported, never silently dropped). */
bp_err bp_csv_parse(const char *display_name, const char *data, size_t len,
                    bp_csv_table *out, bp_diags *diags);

/* Read and parse a file.  BP_ERR_IO (with a diagnostic) if it cannot be read. */
bp_err bp_csv_read_file(const char *path, const char *display_name, bp_csv_table *out,
                        bp_diags *diags);

/* The same for a file whose header is not its first row (a finance system's export with
 * report lines above its column names, bp_ledger): every row goes to rows, whatever its
 * number of fields, and header stays empty - the caller finds the header among them. */
bp_err bp_csv_parse_rows(const char *display_name, const char *data, size_t len,
                         bp_csv_table *out, bp_diags *diags);
bp_err bp_csv_read_rows(const char *path, const char *display_name, bp_csv_table *out,
                        bp_diags *diags);

void bp_csv_table_free(bp_csv_table *t);

/* Header names compare so: case-insensitively (ASCII), a and b already trimmed. */
bool bp_csv_same_name(const char *a, size_t alen, const char *b, size_t blen);

/* Column binding: maps wanted column names to field indexes in a table's header. */
typedef struct {
    const char *name;
    int required;
} bp_csv_colspec;

/* Fills idx[i] with the header position of spec[i] (-1 when absent).  Reports missing
 * required columns and duplicated columns as errors, unknown columns as warnings.
 * Returns 0 when every required column was found. */
int bp_csv_bind(const bp_csv_table *t, const bp_csv_colspec *spec, size_t nspec, int *idx,
                bp_diags *diags);

/* The field for column index idx in row r, or NULL when idx < 0 or the row is short. */
const bp_csv_field *bp_csv_get(const bp_csv_row *r, int idx);

/* A field's text without the spaces and tabs around it (a quoted field keeps them in the
 * table): returns where it starts and sets *n to its length; "" and 0 for a NULL field. */
const char *bp_csv_trimmed(const bp_csv_field *f, size_t *n);

#endif
