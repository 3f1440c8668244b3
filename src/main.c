/* boardpack: board packs, workbooks and KPI checks for multi-academy trusts. */
#include <locale.h>
#include "bp_cli.h"

int main(int argc, char **argv)
{
    /* Numbers are written for machines and spreadsheets: never a locale's decimal comma. */
    setlocale(LC_ALL, "C");
    return bp_cli_main(argc, argv);
}
