/* test_format.c - numbers and money per language (src/report/format.c) and
 * the CSV export (src/report/csv.c). */
#include "base/common.h"

#include <math.h>
#include <setjmp.h>
#include <cmocka.h>

#include "report/format.h"
#include "report/table.h"
#include "fixture.h"

#define NBSP "\xC2\xA0"

static void test_numbers(void **state)
{
    UNUSED(state);
    char b[FMT_CAP];
    assert_string_equal(fmt_number(LANG_RU, 12345.678, 2, b, sizeof b), "12" NBSP "345,68");
    assert_string_equal(fmt_number(LANG_EN, 12345.678, 2, b, sizeof b), "12,345.68");
    assert_string_equal(fmt_number(LANG_EN, 1234567, 0, b, sizeof b), "1,234,567");
    assert_string_equal(fmt_number(LANG_EN, 999, 0, b, sizeof b), "999");
    assert_string_equal(fmt_number(LANG_EN, -1000.5, 1, b, sizeof b), "-1,000.5");
    assert_string_equal(fmt_number(LANG_EN, -0.001, 2, b, sizeof b), "0.00"); /* no "-0.00" */
    assert_string_equal(fmt_number(LANG_RU, NAN, 2, b, sizeof b), "");
    assert_string_equal(fmt_percent(LANG_EN, 0.955, 1, b, sizeof b), "95.5%");
    assert_string_equal(fmt_percent(LANG_RU, 0.955, 1, b, sizeof b), "95,5" NBSP "%");
    /* a huge value is cut, never overflowed, and stays valid UTF-8 */
    char small[6];
    fmt_number(LANG_RU, 1e6, 0, small, sizeof small);
    assert_string_equal(small, "1" NBSP "00"); /* "1 000 000" cut at 5 bytes */
    fmt_number(LANG_EN, 1e300, 0, b, sizeof b);
    assert_true(strlen(b) < sizeof b);
}

static void test_money(void **state)
{
    UNUSED(state);
    char b[FMT_CAP];
    assert_string_equal(fmt_money(LANG_RU, 1234567, "RUB", b, sizeof b),
                        "12" NBSP "345,67" NBSP "\xE2\x82\xBD");
    assert_string_equal(fmt_money(LANG_EN, 1234567, "RUB", b, sizeof b), "RUB 12,345.67");
    assert_string_equal(fmt_money(LANG_EN, -250, NULL, b, sizeof b), "-RUB 2.50");
    assert_string_equal(fmt_money(LANG_RU, 5, "EUR", b, sizeof b), "0,05" NBSP "EUR");
    assert_string_equal(fmt_money(LANG_EN, 1500, "JPY", b, sizeof b), "JPY 1,500");
    /* kopecks above 2^53 are exact */
    assert_string_equal(fmt_money(LANG_EN, INT64_MAX, "RUB", b, sizeof b),
                        "RUB 92233720368547758.07");
    assert_string_equal(fmt_money(LANG_EN, INT64_MIN, "RUB", b, sizeof b),
                        "-RUB 92233720368547758.08");
}

static void test_cells(void **state)
{
    UNUSED(state);
    char b[FMT_CAP];
    struct report_table t = fixture_table(LANG_EN);
    assert_string_equal(fmt_cell(LANG_EN, &t.cols[1], report_cell(&t, 0, 1), b, sizeof b), "1,234");
    assert_string_equal(fmt_cell(LANG_EN, &t.cols[2], report_cell(&t, 1, 2), b, sizeof b), "");
    assert_string_equal(fmt_cell(LANG_EN, &t.cols[3], report_cell(&t, 0, 3), b, sizeof b),
                        "12.2"); /* half to even */
    assert_string_equal(fmt_cell(LANG_EN, &t.cols[0], report_cell(&t, 3, 0), b, sizeof b), "Итого");
}

static void test_csv(void **state)
{
    UNUSED(state);
    struct report_table t = fixture_table(LANG_RU);
    struct buf b = BUF_INIT(1 << 20);
    assert_int_equal(report_csv(&t, &b), OP_OK);
    const char *want =
        "\xEF\xBB\xBF"
        "Агент,Решено,Соблюдение SLA,\"Время обработки, мин\",Премия\r\n"
        "Иванов <&>,1234,95.5,12.2,12345.67\r\n" /* 12.25 rounds to even: printf's rule */
        "\"'=HYPERLINK(\"\"x\"\")\",7,,3.5,-2.50\r\n"
        "\"Петров, \"\"П\"\"\",0,50.0,,\r\n"
        "Итого,1241,90.0,7.9,12343.17\r\n";
    assert_string_equal(buf_str(&b), want);
    buf_release(&b);
}

static void test_csv_guards(void **state)
{
    UNUSED(state);
    static const struct report_col cols[] = {{"v", "v", RT_TEXT, 0, NULL}};
    struct report_cell cells[] = {{true, "+1", 0, 0},  {true, "-2", 0, 0},   {true, "@x", 0, 0},
                                  {true, "\tx", 0, 0}, {true, "a\nb", 0, 0}, {true, "ok", 0, 0}};
    struct report_table t = {
        .lang = LANG_EN, .title = "t", .cols = cols, .n_cols = 1, .cells = cells, .n_rows = 6};
    struct buf b = BUF_INIT(4096);
    assert_int_equal(report_csv(&t, &b), OP_OK);
    assert_string_equal(buf_str(&b), "\xEF\xBB\xBFv\r\n\"'+1\"\r\n\"'-2\"\r\n\"'@x\"\r\n"
                                     "\"'\tx\"\r\n\"a\nb\"\r\nok\r\n");
    /* the cap holds: a full buffer is an error, not an overflow */
    struct buf tiny = BUF_INIT(10);
    assert_int_equal(report_csv(&t, &tiny), OP_ERR_TOOBIG);
    /* a table without columns is refused */
    t.n_cols = 0;
    buf_clear(&b);
    assert_int_equal(report_csv(&t, &b), OP_ERR_INVALID);
    buf_release(&b);
    buf_release(&tiny);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),    cmocka_unit_test(test_money),
        cmocka_unit_test(test_cells),      cmocka_unit_test(test_csv),
        cmocka_unit_test(test_csv_guards),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
