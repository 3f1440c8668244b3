/* Tests for bp_pack: pack templates. */
#include "bp_test.h"

#include <stdlib.h>
#include "bp_pack.h"

static bp_err parse(const char *text, bp_packset *s, bp_diags *d)
{
    return bp_pack_parse("t.pack", text, strlen(text), s, d);
}

static void parses_sections_in_order(void **state)
{
    (void)state;
    bp_packset s;
    bp_diags d;
    bp_packset_init(&s);
    bp_diags_init(&d);
    const char *t = "# comment\n"
                    "pack finance\n"
                    "  title: Finance and Resources Committee   # trailing comment\n"
                    "  audience: Trustees\n"
                    "  section: summary\n"
                    "  section: scorecard\n"
                    "    title: Efficiency\n"
                    "    kpis: section:efficiency, contact_ratio\n"
                    "  section: methodology\n"
                    "    appendix: yes\n";
    assert_int_equal(parse(t, &s, &d), BP_OK);
    assert_int_equal(d.count, 0);
    assert_int_equal(s.count, 1);
    const bp_pack *p = &s.packs[0];
    assert_string_equal(p->id, "finance");
    assert_string_equal(p->title, "Finance and Resources Committee");
    assert_false(p->per_lgb);
    assert_int_equal(p->nsections, 3);
    assert_int_equal(p->sections[0].kind, BP_SEC_SUMMARY);
    assert_int_equal(p->sections[1].kind, BP_SEC_SCORECARD);
    assert_string_equal(p->sections[1].title, "Efficiency");
    assert_int_equal(p->sections[1].nkpis, 2);
    assert_true(bp_section_selects(&p->sections[1], "contact_ratio", "efficiency"));
    assert_true(bp_section_selects(&p->sections[1], "set_size_main", "efficiency"));
    assert_false(bp_section_selects(&p->sections[1], "surplus_pct", "finance"));
    assert_true(bp_section_selects(&p->sections[0], "surplus_pct", "finance"));
    assert_true(p->sections[2].appendix);
    bp_packset_free(&s);
    bp_diags_free(&d);
}

static void errors_name_line_and_column(void **state)
{
    (void)state;
    bp_packset s;
    bp_diags d;
    bp_packset_init(&s);
    bp_diags_init(&d);
    const char *t = "pack x\n"
                    "  title: X\n"
                    "  section: pie_chart\n"
                    "  colour: blue\n"
                    "  per: school\n";
    assert_int_equal(parse(t, &s, &d), BP_ERR_KPI);
    assert_int_equal(d.errors, 3);
    char buf[256];
    bp_diag_format(&d.items[0], buf, sizeof buf);
    assert_string_equal(buf, "t.pack:3:12: error: found section kind 'pie_chart', expected one of "
                             "the kinds in docs/pack-format.md");
    bp_diag_format(&d.items[1], buf, sizeof buf);
    assert_string_equal(buf, "t.pack:4:3: error: found setting 'colour', expected title, "
                             "audience, per or section");
    bp_diag_format(&d.items[2], buf, sizeof buf);
    assert_string_equal(buf, "t.pack:5:8: error: found 'school', expected trust or lgb");
    bp_packset_free(&s);
    bp_diags_free(&d);
}

static void missing_title_and_bad_id(void **state)
{
    (void)state;
    bp_packset s;
    bp_diags d;
    bp_packset_init(&s);
    bp_diags_init(&d);
    assert_int_equal(parse("pack ../evil\n  title: X\npack ok\n  section: summary\n", &s, &d),
                     BP_ERR_KPI);
    char buf[256];
    bp_diag_format(&d.items[0], buf, sizeof buf);
    assert_string_equal(buf, "t.pack:1:6: error: found pack id '../evil', expected lower case "
                             "letters, digits, '_' or '-'");
    assert_string_equal(d.items[1].message, "found a setting before any 'pack ID' line");
    bp_diag_format(&d.items[2], buf, sizeof buf);
    assert_string_equal(buf, "t.pack:3:1: error: pack 'ok' has no title: expected a line 'title: ...'");
    assert_int_equal(s.count, 0);
    bp_packset_free(&s);
    bp_diags_free(&d);
}

static void later_pack_replaces_same_id(void **state)
{
    (void)state;
    bp_packset s;
    bp_diags d;
    bp_packset_init(&s);
    bp_diags_init(&d);
    assert_int_equal(parse("pack a\n title: First\npack b\n title: B\n", &s, &d), BP_OK);
    assert_int_equal(parse("pack a\n title: Second\n per: lgb\n", &s, &d), BP_OK);
    assert_int_equal(s.count, 2);
    assert_string_equal(s.packs[bp_pack_find(&s, "a")].title, "Second");
    assert_true(s.packs[0].per_lgb);
    bp_packset_free(&s);
    bp_diags_free(&d);
}

static void shipped_templates_parse(void **state)
{
    (void)state;
    bp_packset s;
    bp_diags d;
    bp_packset_init(&s);
    bp_diags_init(&d);
    assert_int_equal(bp_pack_load_dir("templates/packs", &s, &d), BP_OK);
    assert_int_equal(d.count, 0);
    assert_true(bp_pack_find(&s, "board") >= 0);
    assert_true(bp_pack_find(&s, "finance") >= 0);
    assert_true(bp_pack_find(&s, "quality") >= 0);
    int lgb = bp_pack_find(&s, "lgb");
    assert_true(lgb >= 0);
    assert_true(s.packs[lgb].per_lgb);
    bp_packset_free(&s);
    bp_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_sections_in_order),
        cmocka_unit_test(errors_name_line_and_column),
        cmocka_unit_test(missing_title_and_bad_id),
        cmocka_unit_test(later_pack_replaces_same_id),
        cmocka_unit_test(shipped_templates_parse),
    };
    return cmocka_run_group_tests_name("pack templates", tests, NULL, NULL);
}
