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

/* What the packs of one session find by institution, worked out once for all of them: a
 * trust of a thousand institutions has hundreds of governing bodies, each with its pack,
 * which takes its own institutions' exceptions from here rather than walk the trust's.
 * Made from the session's results as they stand (after build --publish has withheld its
 * small counts), it must not outlive them. */
typedef struct bp_packpdf_index bp_packpdf_index;
bp_err bp_packpdf_index_make(const bp_session *s, bp_packpdf_index **out);
void bp_packpdf_index_free(bp_packpdf_index *ix);

/* Render `pack` for the session's trust (lgb NULL) or for one local governing body (an
 * lgb pack) and write it to fp.  ix is the session's (bp_packpdf_index_make: one document
 * at a time, it marks the document's institutions while it draws); epoch dates
 * the document (SOURCE_DATE_EPOCH); fonts_dir is where the prepared fonts are
 * (bp_pdf_options.fonts_dir). */
bp_err bp_packpdf_write(const bp_session *s, bp_packpdf_index *ix, const bp_pack *pack,
                        const char *lgb, int64_t epoch, const char *fonts_dir, FILE *fp,
                        bp_diags *diags);

/* The data set's local governing bodies, in institutions.csv order, each once; the
 * central row has none.  Returns how many (at most max are stored). */
size_t bp_lgb_ids(const bp_model *m, const char **ids, size_t max);

#endif
