/* bp_packpdf: one board pack as a PDF - the cover, contents and the sections its
 * template lists (docs/pack-format.md), drawn from an evaluated session through the
 * bp_pdf page layer.  The same results `check` prints, laid out for a committee. */
#ifndef BP_PACKPDF_H
#define BP_PACKPDF_H

#include <stdint.h>
#include <stdio.h>
#include "bp_error.h"
#include "bp_pack.h"
#include "bp_session.h"

/* Render `pack` for the session's trust (lgb NULL) or for one local governing body (an
 * lgb pack) and write it to fp.  epoch dates the document (SOURCE_DATE_EPOCH); fonts_dir
 * is where the prepared fonts are (bp_pdf_options.fonts_dir). */
bp_err bp_packpdf_write(const bp_session *s, const bp_pack *pack, const char *lgb,
                        int64_t epoch, const char *fonts_dir, FILE *fp, bp_diags *diags);

/* The data set's local governing bodies, in institutions.csv order, each once; the
 * central row has none.  Returns how many (at most max are stored). */
size_t bp_lgb_ids(const bp_model *m, const char **ids, size_t max);

#endif
