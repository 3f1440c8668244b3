/* bp_error: error names, exit codes and the diagnostics list. */
#include "bp_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_util.h"

const char *bp_strerror(bp_err err)
{
    switch (err) {
    case BP_OK: return "success";
    case BP_ERR_NOMEM: return "out of memory";
    case BP_ERR_IO: return "input/output error";
    case BP_ERR_DATA: return "the data set does not meet the data contract";
    case BP_ERR_KPI: return "invalid KPI definition file";
    case BP_ERR_PACK: return "invalid pack templates";
    case BP_ERR_USAGE: return "invalid command line";
    case BP_ERR_LIMIT: return "input exceeds a resource limit";
    case BP_ERR_RENDER: return "could not render the output";
    case BP_ERR_BREACH: return "a target was breached";
    }
    return "unknown error";
}

int bp_exit_code(bp_err err)
{
    switch (err) {
    case BP_OK: return 0;
    case BP_ERR_BREACH: return 1;
    case BP_ERR_USAGE: return 2;
    case BP_ERR_DATA: case BP_ERR_KPI: case BP_ERR_PACK: case BP_ERR_LIMIT: return 65;
    case BP_ERR_IO: case BP_ERR_RENDER: return 74;
    case BP_ERR_NOMEM: return 71;
    }
    return 70;
}

void bp_diags_init(bp_diags *d)
{
    memset(d, 0, sizeof *d);
}

void bp_diags_free(bp_diags *d)
{
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].file);
        free(d->items[i].message);
    }
    free(d->items);
    memset(d, 0, sizeof *d);
}

void bp_diag_add(bp_diags *d, bp_diag_level level, const char *file, int line, int column,
                 const char *fmt, ...)
{
    /* Counted first so that an out-of-memory still leaves the run failing. */
    if (level == BP_DIAG_ERROR) d->errors++;
    bp_diag *items = bp_grow(d->items, &d->cap, d->count + 1, sizeof *items);
    if (!items) { d->oom = 1; return; }
    d->items = items;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
    char *f = strdup(file ? file : "");
    if (!msg || !f) { free(msg); free(f); d->oom = 1; return; }
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    bp_diag *dg = &d->items[d->count++];
    dg->level = level;
    dg->file = f;
    dg->line = line;
    dg->column = column;
    dg->message = msg;
    dg->plain = false;
}

void bp_diag_mark_plain(bp_diags *d)
{
    if (d->count) d->items[d->count - 1].plain = true;
}

static int diag_cmp(const bp_diag *a, const bp_diag *b)
{
    int c = strcmp(a->file, b->file);
    if (c) return c;
    if (a->line != b->line) return a->line < b->line ? -1 : 1;
    if (a->column != b->column) return a->column < b->column ? -1 : 1;
    return 0;
}

/* Merges the sorted runs a[lo..mid) and a[mid..hi) through tmp; ties keep a's order. */
static void merge(bp_diag *a, bp_diag *tmp, size_t lo, size_t mid, size_t hi)
{
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi) tmp[k++] = diag_cmp(&a[j], &a[i]) < 0 ? a[j++] : a[i++];
    while (i < mid) tmp[k++] = a[i++];
    while (j < hi) tmp[k++] = a[j++];
    memcpy(a + lo, tmp + lo, (hi - lo) * sizeof *a);
}

void bp_diags_sort(bp_diags *d)
{
    /* Bottom-up merge sort: stable and O(n log n), since a data set with a million bad
     * rows yields a million diagnostics. */
    size_t n = d->count;
    if (n < 2) return;
    bp_diag *tmp = malloc(n * sizeof *tmp);
    if (!tmp) {
        /* no memory for the buffer: the stable in-place fallback, slow but correct */
        for (size_t i = 1; i < n; i++) {
            bp_diag x = d->items[i];
            size_t j = i;
            while (j > 0 && diag_cmp(&d->items[j - 1], &x) > 0) {
                d->items[j] = d->items[j - 1];
                j--;
            }
            d->items[j] = x;
        }
        return;
    }
    for (size_t width = 1; width < n; width *= 2)
        for (size_t lo = 0; lo + width < n; lo += 2 * width) {
            size_t mid = lo + width, hi = mid + width < n ? mid + width : n;
            merge(d->items, tmp, lo, mid, hi);
        }
    free(tmp);
}

void bp_diag_format(const bp_diag *dg, char *buf, size_t size)
{
    const char *lvl = dg->level == BP_DIAG_ERROR ? "error" : "warning";
    if (dg->line > 0 && dg->column > 0)
        snprintf(buf, size, "%s:%d:%d: %s: %s", dg->file, dg->line, dg->column, lvl, dg->message);
    else if (dg->line > 0)
        snprintf(buf, size, "%s:%d: %s: %s", dg->file, dg->line, lvl, dg->message);
    else if (dg->file[0])
        snprintf(buf, size, "%s: %s: %s", dg->file, lvl, dg->message);
    else
        snprintf(buf, size, "%s: %s", lvl, dg->message);
}

void bp_diag_quote(const char *s, size_t n, char *buf, size_t size)
{
    size_t o = 0, chars = 0, i = 0;
    for (; i < n && o + 8 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) != 0x80) {   /* a character starts: not a continuation byte */
            if (chars == 40) break;
            chars++;
        }
        buf[o++] = c < 0x20 ? ' ' : (char)c;
    }
    if (i < n) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
}
