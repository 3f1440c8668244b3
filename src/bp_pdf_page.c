/* bp_pdf_page: pages and the flow down them (see bp_pdf.h, bp_pdf_internal.h) - A4 in
 * either orientation, the margins, opening pages, and the room left on the open one.
 * Content flows down the open page from p->y; whatever does not fit starts a new page.
 * Every page handle is kept (bp_pdf.pages): page numbers, the contents pages, headers
 * and footers are only known at the end, and drawn by bp_pdf_write. */
#include "bp_pdf_internal.h"
#include "bp_util.h"

/* ---- page geometry and flow ---- */

float bpi_page_width(bool landscape)
{
    return landscape ? BPI_A4_LONG : BPI_A4_SHORT;
}

float bpi_page_height(bool landscape)
{
    return landscape ? BPI_A4_SHORT : BPI_A4_LONG;
}

float bpi_left(void)
{
    return BPI_MARGIN_SIDE;
}

float bpi_content_top(bool landscape)
{
    return bpi_page_height(landscape) - BPI_MARGIN_TOP;
}

float bpi_bottom(void)
{
    return BPI_MARGIN_BOTTOM;
}

bool bpi_push_page(bp_pdf *p, HPDF_Page pg, bool landscape, bool cover)
{
    bpi_page *pages = bp_grow(p->pages, &p->cap_pages, p->npages + 1, sizeof *pages);
    if (!pages) {
        bpi_fail(p, BP_ERR_NOMEM, "out of memory while adding a page");
        return false;
    }
    p->pages = pages;
    p->pages[p->npages++] = (bpi_page){pg, landscape, cover, 0};
    return true;
}

void bpi_set_a4(HPDF_Page pg, bool landscape)
{
    HPDF_Page_SetSize(pg, HPDF_PAGE_SIZE_A4,
                      landscape ? HPDF_PAGE_LANDSCAPE : HPDF_PAGE_PORTRAIT);
}

/* Opens a new page in the current orientation with the flow at its top. */
void bpi_start_page(bp_pdf *p, bool cover)
{
    p->on_page = false;
    if (!bpi_ok(p)) return;
    HPDF_Page pg = HPDF_AddPage(p->doc);
    if (!pg) return;                       /* the error handler has recorded why */
    bpi_set_a4(pg, p->landscape);
    if (!bpi_push_page(p, pg, p->landscape, cover)) return;
    p->on_page = true;
    p->page_used = false;
    p->y = bpi_content_top(p->landscape);
}

HPDF_Page bpi_page_here(bp_pdf *p)
{
    if (!bpi_ok(p)) return NULL;
    if (!p->on_page) bpi_start_page(p, false);
    if (!p->on_page) return NULL;
    p->page_used = true;
    return p->pages[p->npages - 1].page;
}

size_t bpi_page_index(const bp_pdf *p)
{
    return p->npages - 1;
}

/* Opens a page for new content in the current orientation: the open page if nothing has
 * been drawn on it yet (so that no blank page is left behind), else a new one. */
void bpi_fresh_page(bp_pdf *p, bool cover)
{
    if (!p->on_page || p->page_used) {
        bpi_start_page(p, cover);
        return;
    }
    bpi_page *cur = &p->pages[bpi_page_index(p)];
    bpi_set_a4(cur->page, p->landscape);
    cur->landscape = p->landscape;
    cur->cover = cover;
    p->y = bpi_content_top(p->landscape);
}

float bp_pdf_width(const bp_pdf *p)
{
    return bpi_page_width(p && p->landscape) - 2.0f * BPI_MARGIN_SIDE;
}

float bpi_room(const bp_pdf *p)
{
    if (!p) return 0.0f;
    if (!p->on_page) return bpi_content_top(p->landscape) - bpi_bottom();
    return p->y - bpi_bottom();
}

void bpi_need(bp_pdf *p, float height)
{
    if (!bpi_ok(p)) return;
    if (!p->on_page)
        bpi_start_page(p, false);
    else if (p->page_used && p->y - bpi_bottom() < height)
        bpi_start_page(p, false);
}

void bpi_space(bp_pdf *p, float height)
{
    /* Space is dropped at the top of a page, where it would only push content down. */
    if (!bpi_ok(p) || !p->on_page || !p->page_used || height <= 0.0f) return;
    p->y -= height;
    if (p->y < bpi_bottom()) p->y = bpi_bottom();
}
