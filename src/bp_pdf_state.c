/* bp_pdf_state: a document's failure (see bp_pdf_internal.h) - the first one recorded,
 * ours or libharu's, after which content calls draw nothing; bp_pdf_new and bp_pdf_write
 * report it as a diagnostic.
 *
 * libharu reports the end of the stream of HPDF_ReadFromStream through the error handler
 * as HPDF_STREAM_EOF; that is not a failure. */
#include "bp_pdf_internal.h"

#include <stdarg.h>
#include <stdio.h>

/* ---- state and errors ---- */

bool bpi_ok(const bp_pdf *p)
{
    return p && p->err == BP_OK && p->hpdf_error == HPDF_OK;
}

/* Records the first failure; later content calls do nothing and bp_pdf_write reports
 * it. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void bpi_fail(bp_pdf *p, bp_err err, const char *fmt, ...)
{
    if (p->err != BP_OK) return;
    p->err = err;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err_msg, sizeof p->err_msg, fmt, ap);
    va_end(ap);
}

void HPDF_STDCALL bpi_on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no,
                                       void *user_data)
{
    bp_pdf *p = user_data;
    if (error_no == HPDF_STREAM_EOF) return;   /* the normal end of HPDF_ReadFromStream */
    if (p->hpdf_error == HPDF_OK) {
        p->hpdf_error = error_no;
        p->hpdf_detail = detail_no;
    }
}

/* Turns the recorded failure, if any, into a diagnostic and its error. */
bp_err bpi_report(const bp_pdf *p, bp_diags *diags)
{
    if (p->err != BP_OK) {
        bp_diag_add(diags, BP_DIAG_ERROR, "pdf", 0, 0, "%s", p->err_msg);
        return p->err;
    }
    if (p->hpdf_error != HPDF_OK) {
        bp_diag_add(diags, BP_DIAG_ERROR, "pdf", 0, 0,
                    "the PDF library (libharu) failed with error 0x%04X, detail %u",
                    (unsigned)p->hpdf_error, (unsigned)p->hpdf_detail);
        return BP_ERR_RENDER;
    }
    return BP_OK;
}
