/* bp_excel: Excel's limits and its way of counting characters. */
#include "bp_excel.h"

size_t bp_excel_chars(const char *s, size_t n)
{
    size_t units = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        /* a continuation byte adds nothing; a four-byte lead is a surrogate pair */
        if ((b & 0xC0) != 0x80) units += b >= 0xF0 ? 2 : 1;
    }
    return units;
}
