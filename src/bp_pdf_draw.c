/* bp_pdf_draw: colour and shapes for the page layer (see bp_pdf_internal.h) - tints,
 * fills and strokes set only when they change, rules, boxes and clipping. */
#include "bp_pdf_internal.h"

#include <string.h>

/* ---- colour and shapes ---- */

void bpi_tint_rgb(bp_pdf_tint s, float rgb[3])
{
    static const float tint[4][3] = {
        {1.0f, 1.0f, 1.0f},     /* none */
        {0.80f, 0.92f, 0.80f},  /* green */
        {1.0f, 0.88f, 0.60f},   /* amber */
        {0.96f, 0.75f, 0.75f},  /* red */
    };
    int i = s == BP_PDF_TINT_GREEN ? 1 : s == BP_PDF_TINT_AMBER ? 2
            : s == BP_PDF_TINT_RED ? 3 : 0;
    memcpy(rgb, tint[i], sizeof tint[i]);
}

/* Colours and line widths persist on a page (libharu follows them through q and Q): set
 * only when they change, as most rules and boxes repeat the last ones. */
void bpi_fill_rgb(HPDF_Page pg, const float rgb[3])
{
    HPDF_RGBColor c = HPDF_Page_GetRGBFill(pg);
    if (HPDF_Page_GetFillingColorSpace(pg) != HPDF_CS_DEVICE_RGB || c.r != rgb[0]
        || c.g != rgb[1] || c.b != rgb[2])
        bpi_rgb_fill(pg, rgb[0], rgb[1], rgb[2]);
}

void bpi_stroke_style(HPDF_Page pg, float width, float grey)
{
    if (HPDF_Page_GetLineWidth(pg) != width) bpi_line_width(pg, width);
    if (HPDF_Page_GetStrokingColorSpace(pg) != HPDF_CS_DEVICE_GRAY
        || HPDF_Page_GetGrayStroke(pg) != grey)
        bpi_gray_stroke(pg, grey);
}

void bpi_rule(HPDF_Page pg, float x0, float x1, float y, float width, float grey)
{
    bpi_stroke_style(pg, width, grey);
    bpi_move_to(pg, x0, y);
    bpi_line_to(pg, x1, y);
    bpi_stroke(pg);
}

void bpi_box(HPDF_Page pg, float x, float y, float w, float h, const float fill[3],
             float line_width)
{
    /* graphics state first: it cannot change while a path is being built */
    bpi_fill_rgb(pg, fill);
    if (line_width > 0.0f) bpi_stroke_style(pg, line_width, BPI_OUTLINE);
    bpi_rectangle(pg, x, y, w, h);
    if (line_width > 0.0f)
        bpi_fill_stroke(pg);
    else
        bpi_fill(pg);
}

void bpi_clip_to(HPDF_Page pg, float x, float y, float w, float h)
{
    HPDF_Page_GSave(pg);
    bpi_rectangle(pg, x, y, w, h);
    bpi_clip(pg);
    bpi_end_path(pg);
}
