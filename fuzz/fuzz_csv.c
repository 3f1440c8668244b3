/* libFuzzer harness: arbitrary bytes -> bp_csv_parse (and bp_csv_bind on the header).
 *
 * Beyond "no crash, no sanitizer report", it checks what the rest of boardpack relies
 * on: every stored row has exactly the header's field count, every field is
 * NUL-terminated at its length and has a position inside the file, the return code
 * agrees with the diagnostics, and no diagnostic points past the file's last line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_csv.h"

#include "fuzz_common.h"

/* Lines as the parser counts them: LF, CR and CRLF each end one line (BOM skipped). */
static int count_lines(const uint8_t *d, size_t n)
{
    int lines = 1;
    for (size_t i = 0; i < n; i++) {
        if (d[i] == '\r') lines++;
        else if (d[i] == '\n' && !(i > 0 && d[i - 1] == '\r')) lines++;
    }
    return lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bp_diags d;
    bp_diags_init(&d);
    bp_csv_table t;
    bp_err err = bp_csv_parse("f.csv", (const char *)data, size, &t, &d);
    CHECK(err == BP_OK || err == BP_ERR_DATA);
    CHECK((err == BP_OK) == (d.errors == 0));
    int lines = count_lines(data, size);

    if (t.header.fields) {
        CHECK(t.header.count >= 1 && t.header.count <= BP_CSV_MAX_FIELDS);
        for (size_t r = 0; r < t.nrows; r++) {
            const bp_csv_row *row = &t.rows[r];
            CHECK(row->count == t.header.count);
            CHECK(row->line > t.header.line && row->line <= lines);
            if (r) CHECK(row->line > t.rows[r - 1].line);
            for (size_t f = 0; f < row->count; f++) {
                const bp_csv_field *fl = &row->fields[f];
                CHECK(fl->text[fl->len] == '\0');
                CHECK(fl->len <= BP_CSV_MAX_FIELD);
                CHECK(fl->line >= row->line && fl->line <= lines);
                CHECK(fl->column >= 1);
            }
        }
        static const bp_csv_colspec spec[] = {{"institution", 1}, {"year", 1}, {"value", 0}};
        int idx[3];
        bp_csv_bind(&t, spec, 3, idx, &d);
        for (int i = 0; i < 3; i++) CHECK(idx[i] >= -1 && idx[i] < (int)t.header.count);
    } else {
        CHECK(t.nrows == 0);
    }
    for (size_t i = 0; i < d.count; i++) {
        const bp_diag *dg = &d.items[i];
        CHECK(dg->line >= 0 && dg->line <= lines);
        CHECK(dg->column >= 0);
        char buf[1200];
        bp_diag_format(dg, buf, sizeof buf);
        CHECK(strchr(buf, '\n') == NULL);   /* one diagnostic, one line */
    }
    bp_csv_table_free(&t);
    bp_diags_free(&d);
    return 0;
}
