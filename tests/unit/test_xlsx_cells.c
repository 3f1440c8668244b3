/* bp_xlsx_cells: the gate of a cell's text passes printable ASCII and the three controls
 * XML carries (TAB, LF, CR), and refuses every other control, DEL and a lone byte from 0x80
 * (not UTF-8) - at every position of texts long and short, so that each byte is seen both
 * in the eight-at-a-time words and in the bytes after them; and passes UTF-8. */
#include "bp_test.h"

#include "../../src/bp_xlsx_internal.h"

static bool gate(const char *text)
{
    bp_diags d;
    bp_diags_init(&d);
    xl x;
    memset(&x, 0, sizeof x);
    x.err = BP_OK;
    x.diags = &d;
    x.path = "t.xlsx";
    bool ok = xl_cell_text_ok(&x, text, XS_DATA, 3, 4);
    /* a text refused is an error of its own, and the writer stops */
    assert_int_equal(ok, x.err == BP_OK);
    assert_int_equal(ok, d.count == 0);
    bp_diags_free(&d);
    return ok;
}

static void every_byte_at_every_position(void **state)
{
    (void)state;
    char text[40];
    for (size_t len = 1; len < sizeof text; len++)
        for (size_t at = 0; at < len; at++)
            for (int b = 1; b < 256; b++) {
                memset(text, 'a', len);
                text[len] = '\0';
                text[at] = (char)b;
                bool want = (b >= 0x20 && b <= 0x7E) || b == '\t' || b == '\n' || b == '\r';
                if (gate(text) != want) {
                    print_error("byte 0x%02X at %zu of %zu\n", (unsigned)b, at, len);
                    fail();
                }
            }
    assert_true(gate(""));
    assert_true(gate(NULL));
    assert_true(gate("SUM(Workings!$C$7:$C$9)&\"\xC2\xA3 \xE2\x80\x93 \xC3\xBC\""));
    assert_false(gate("0123456789abcdef\xEF\xBF\xBE"));    /* U+FFFE */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_byte_at_every_position),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
