/* boardpack: board packs, workbooks and KPI checks for multi-academy trusts. */
#include <locale.h>
#include <signal.h>
#include "bp_cli.h"

int main(int argc, char **argv)
{
    /* Numbers are written for machines and spreadsheets: never a locale's decimal comma. */
    setlocale(LC_ALL, "C");
    /* A file-size limit must fail a write (EFBIG, reported; nothing renamed into place)
     * rather than kill the process half-way through an output set. */
    signal(SIGXFSZ, SIG_IGN);
    return bp_cli_main(argc, argv);
}
