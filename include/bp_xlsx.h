/* bp_xlsx: the Excel audit workbook (libxlsxwriter) - contents, scorecard, every input
 * fact, institutions, targets, finance with eliminations, forecast, courses, central
 * charge, actions and data quality.  Every computed figure is a live formula compiled
 * from the KPI expressions by bp_formula, over the sums block of the Workings sheet that
 * selects the facts on Data by their columns, carrying the engine's value as its cached
 * result, so that a finance officer who edits, sorts or adds a fact, or edits a
 * threshold, sees every dependent figure and status update (docs/workbook.md). */
#ifndef BP_XLSX_H
#define BP_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "bp_error.h"
#include "bp_session.h"

/* Write the workbook for an evaluated session to path (the caller's temporary name).
 * epoch (SOURCE_DATE_EPOCH or the as-of date) is the document's creation time, so two
 * writes of the same data are byte-identical.  tmpdir (the command line's $TMPDIR) is
 * where libxlsxwriter assembles the parts; NULL or "": /dev/shm when writable, else
 * libxlsxwriter's default.  Errors: BP_ERR_RENDER with a diagnostic (naming the
 * libxlsxwriter error when it is one), BP_ERR_LIMIT as bp_xlsx_check gives it,
 * BP_ERR_NOMEM.  The institution ids must differ in more than letter case, as bp_load
 * makes sure: the workbook's lookups ignore case. */
bp_err bp_xlsx_write(const bp_session *s, int64_t epoch, const char *tmpdir, const char *path,
                     bp_diags *diags);

/* The workbook's limits for this data set and KPI set, decided before anything is
 * written: the writer itself, run without writing a file, checks every formula within
 * Excel's 8,192 characters and every code within what a formula's text holds, every
 * sheet within its 1,048,576 rows (the Data sheet: one row a fact below its header) and
 * every cell's text within 32,767 characters (bp_excel.h).  Each one broken is an error
 * at the input that breaks it - the KPI file's expression, target or grade, the data
 * set's row - each position once.  BP_ERR_LIMIT (exit 65) when any is, BP_ERR_NOMEM. */
bp_err bp_xlsx_check(const bp_session *s, bp_diags *diags);

/* How many start tags libxlsxwriter has written through bp_xlsx_xml.c's copies of its XML
 * writer functions: for tests, to see that its calls reach them. */
unsigned long bp_xlsx_xml_calls(void);

/* fwrite_unlocked(s, 1, n, f) and what it returns, copying into the stream's buffer itself
 * when the bytes fit (bp_xlsx_xml.c): the XML writers' one way out. */
size_t bp_xlsx_fwrite(FILE *f, const char *s, size_t n);

/* "%.16G" of v, as glibc's snprintf writes it, at out (BP_XLSX_G16_MAX bytes), and its
 * length; 0 (out undefined) for a value bp_xlsx_printf.c leaves to libc: NaN, infinite,
 * subnormal, of magnitude below 2^-13 or from 2^64, another rounding mode than to nearest
 * or a decimal point that is not ".". */
#define BP_XLSX_G16_MAX 32
size_t bp_xlsx_g16(char *out, double v);

/* How many snprintf and __fprintf_chk calls bp_xlsx_printf.c has written itself (not
 * handed to libc): for tests, to see that libxlsxwriter's calls reach it. */
unsigned long bp_xlsx_printf_fast(void);

/* How many shared string tables bp_xlsx_sst.c holds a hash of (one a workbook until
 * libxlsxwriter frees its table): for tests, to see that lxw_sst_free reaches it. */
size_t bp_xlsx_sst_tables(void);

/* Whether worksheets made from now on have their cells kept by bp_xlsx_sheet.c (true, the
 * default) or by libxlsxwriter itself: for tests, to compare the two. */
void bp_xlsx_sheet_keep(bool on);

/* How many worksheets bp_xlsx_sheet.c keeps the cells of (until libxlsxwriter frees them),
 * and how many it could not write for want of memory (the workbook is then refused). */
size_t bp_xlsx_sheet_count(void);
unsigned long bp_xlsx_sheet_lost(void);

#endif
