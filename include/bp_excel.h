/* bp_excel: what a spreadsheet can hold - Excel's limits on a cell's text, a formula, a
 * text string inside a formula and the rows of a sheet - and counting characters as Excel
 * counts them.  The one statement of those numbers: the readers of the inputs refuse
 * text that no cell could hold (bp_csv, bp_kpi), and the workbook's writer checks every
 * formula and every sheet against them before anything is written (bp_xlsx_check). */
#ifndef BP_EXCEL_H
#define BP_EXCEL_H

#include <stddef.h>

#define BP_EXCEL_CELL_CHARS 32767     /* characters in one cell */
#define BP_EXCEL_FORMULA_CHARS 8192   /* characters in one formula, without its '=' */
#define BP_EXCEL_STRING_CHARS 255     /* characters in one text string inside a formula */
#define BP_EXCEL_ROWS 1048576         /* rows of one sheet, its header rows included */

/* The characters of UTF-8 text s[0..n) as Excel counts them: UTF-16 code units, so a
 * character beyond U+FFFF (an emoji, a rare CJK ideograph) counts two.  Counts the lead
 * bytes of valid UTF-8; at most n. */
size_t bp_excel_chars(const char *s, size_t n);

#endif
