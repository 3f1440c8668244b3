/* boardpack: board packs, workbooks and KPI checks for multi-academy trusts. */
#include <locale.h>
#include <signal.h>
#ifdef __GLIBC__              /* defined by the headers above */
#include <malloc.h>
#endif
#include "bp_cli.h"

/* A run (or a batch worker) lives for one data set, building and freeing documents of a
 * few megabytes each.  glibc would hand freed memory back to the kernel at once and fault
 * it in again for the next document: a tenth of a batch's time.  Keep it instead; the
 * peak is the same, since the process never holds more than its largest document. */
static void keep_freed_memory(void)
{
#ifdef __GLIBC__
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
    /* No fastbins (small chunks still come from the per-thread cache): every request of a
     * kilobyte or more - libxlsxwriter's 4 KB XML attributes, two a formula cell - made
     * glibc consolidate the fastbins first, 4% of a batch's CPU (docs/performance.md). */
    mallopt(M_MXFAST, 0);
#endif
}

int main(int argc, char **argv)
{
    /* Numbers are written for machines and spreadsheets: never a locale's decimal comma. */
    setlocale(LC_ALL, "C");
    /* A file-size limit must fail a write (EFBIG, reported; nothing renamed into place)
     * rather than kill the process half-way through an output set. */
    signal(SIGXFSZ, SIG_IGN);
    keep_freed_memory();
    return bp_cli_main(argc, argv);
}
