/* test_bonus_table.c - bonus statements as report tables
 * (src/report/bonus_table.c): the columns and cells of a month with two
 * agents on different plans, the summary by level, mixed currencies, and
 * the KPI names, the PDF and XLSX read back (pdftotext, Python's
 * zipfile). */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>

#include "report/bonus_table.h"
#include "report/table.h"
#include "tmpdir.h"

static struct kpi_goal goal(const char *key, bool lower, double target, double threshold,
                            int weight)
{
    struct kpi_goal g = {.lower_is_better = lower, .target = target, .threshold = threshold,
                         .weight = weight};
    snprintf(g.key, sizeof g.key, "%s", key);
    return g;
}

/* Иванова (Junior: FRT, CSAT) and Smith (Middle: CSAT, solved; no CSAT
 * data), both in roubles. */
static void month(struct bonus_month_report *m, struct bonus_statement v[2])
{
    memset(m, 0, sizeof *m);
    memset(v, 0, 2 * sizeof *v);
    snprintf(m->month, sizeof m->month, "2026-03");
    m->tz = "Europe/Moscow";
    v[0].user_id = 3;
    v[0].name = "Иванова Анна";
    snprintf(v[0].plan.name, sizeof v[0].plan.name, "Junior");
    v[0].plan.rank = 1;
    snprintf(v[0].currency, sizeof v[0].currency, "RUB");
    v[0].st = (struct statement){.base_pay = 5000000, .bonus_cap_pct = 20, .n = 2,
                                 .total = 0.75, .bonus = 750000};
    v[0].st.lines[0] = (struct statement_line){goal("first_response_median_min", true, 30, 60, 50),
                                               {true, 45}, 0.5, 50};
    v[0].st.lines[1] =
        (struct statement_line){goal("csat_percent", false, 90, 70, 50), {true, 95}, 1.0, 50};
    v[1].user_id = 4;
    v[1].name = "Smith";
    snprintf(v[1].plan.name, sizeof v[1].plan.name, "Middle");
    v[1].plan.rank = 2;
    snprintf(v[1].currency, sizeof v[1].currency, "RUB");
    v[1].st = (struct statement){.base_pay = 7000000, .bonus_cap_pct = 30, .n = 2,
                                 .total = 1.0, .bonus = 2100000};
    v[1].st.lines[0] =
        (struct statement_line){goal("csat_percent", false, 90, 70, 50), {false, 0}, 0, 0};
    v[1].st.lines[1] = (struct statement_line){goal("solved", false, 100, 50, 50), {true, 120}, 1,
                                               100};
    m->v = v;
    m->n = 2;
    m->summary = (struct bonus_summary){.agents = 2, .base_pay = 12000000, .bonus = 2850000,
                                        .currency = "RUB", .n_levels = 2};
    m->summary.levels[0] = (struct bonus_level_sum){1, "Junior", 1, 5000000, 750000};
    m->summary.levels[1] = (struct bonus_level_sum){2, "Middle", 1, 7000000, 2100000};
}

static const struct report_cell *cell(const struct report_table *t, size_t r, const char *key)
{
    int c = report_col_find(t, key);
    assert_true(c >= 0);
    return report_cell(t, r, (size_t)c);
}

static void test_statements(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct bonus_month_report m;
    struct bonus_statement v[2];
    struct report_table t;
    month(&m, v);
    assert_int_equal(report_bonus_table(&m, LANG_RU, &a, &t), OP_OK);
    assert_int_equal(report_table_check(&t), OP_OK);
    assert_string_equal(t.name, "bonus-2026-03");
    assert_string_equal(t.title, "Бонусные ведомости");
    assert_non_null(strstr(t.subtitle, "2026-03 (Europe/Moscow)"));
    /* name, level, total, base, bonus, currency, 3 KPIs x (actual, attainment) */
    assert_int_equal(t.n_cols, 6 + 6);
    assert_string_equal(t.cols[2].key, "total");
    assert_string_equal(t.cols[4].key, "bonus");
    assert_int_equal(t.n_rows, 2);
    assert_string_equal(t.cols[6].key, "first_response_median_min_actual");
    assert_string_equal(t.cols[7].key, "first_response_median_min_attainment");
    assert_string_equal(t.cols[8].key, "csat_percent_actual");
    assert_string_equal(t.cols[10].key, "solved_actual");
    assert_string_equal(t.cols[6].header, "Первый ответ, медиана, мин: факт");
    assert_int_equal(t.cols[7].type, RT_PERCENT);
    assert_string_equal(cell(&t, 0, "name")->text, "Иванова Анна");
    assert_string_equal(cell(&t, 1, "level")->text, "Middle");
    assert_true(cell(&t, 0, "first_response_median_min_actual")->num == 45);
    assert_true(cell(&t, 0, "first_response_median_min_attainment")->num == 0.5);
    /* Smith has no FRT goal and no CSAT data; Иванова no "solved" goal */
    assert_false(cell(&t, 1, "first_response_median_min_actual")->has);
    assert_false(cell(&t, 1, "csat_percent_actual")->has);
    assert_false(cell(&t, 0, "solved_actual")->has);
    assert_true(cell(&t, 1, "solved_actual")->num == 120);
    assert_true(cell(&t, 0, "total")->num == 0.75);
    assert_int_equal(t.cols[report_col_find(&t, "bonus")].type, RT_MONEY);
    assert_string_equal(t.cols[report_col_find(&t, "bonus")].currency, "RUB");
    assert_int_equal(cell(&t, 1, "bonus")->minor, 2100000);
    assert_int_equal(cell(&t, 2, "bonus")->minor, 2850000); /* the total row */
    assert_int_equal(cell(&t, 2, "base_pay")->minor, 12000000);
    assert_string_equal(cell(&t, 2, "name")->text, "Итого");
    assert_int_equal(t.n_charts, 1);
    assert_int_equal(t.charts[0].value_cols[0], (size_t)report_col_find(&t, "bonus"));

    /* English headers */
    assert_int_equal(report_bonus_table(&m, LANG_EN, &a, &t), OP_OK);
    assert_string_equal(t.cols[8].header, "Satisfied customers (CSAT), %: actual");
    arena_release(&a);
}

static void test_mixed_currencies_and_empty(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct bonus_month_report m;
    struct bonus_statement v[2];
    struct report_table t;
    month(&m, v);
    snprintf(v[1].currency, sizeof v[1].currency, "USD");
    m.summary.currency[0] = '\0';
    assert_int_equal(report_bonus_table(&m, LANG_EN, &a, &t), OP_OK);
    assert_int_equal(report_table_check(&t), OP_OK);
    int c = report_col_find(&t, "bonus");
    assert_int_equal(t.cols[c].type, RT_NUMBER);
    assert_true(cell(&t, 1, "bonus")->num == 21000.0); /* major units */
    assert_string_equal(cell(&t, 1, "currency")->text, "USD");
    assert_false(cell(&t, 2, "bonus")->has); /* no sum across currencies */

    assert_int_equal(report_bonus_summary_table(&m, LANG_EN, &a, &t), OP_OK);
    assert_int_equal(report_table_check(&t), OP_OK);
    assert_false(cell(&t, 0, "bonus")->has);
    assert_true(cell(&t, 2, "agents")->num == 2);

    /* a month without statements: no rows, no chart, still renders */
    m.n = 0;
    m.summary.n_levels = 0;
    assert_int_equal(report_bonus_table(&m, LANG_EN, &a, &t), OP_OK);
    assert_int_equal(t.n_rows, 0);
    assert_int_equal(t.n_charts, 0);
    struct buf b = BUF_INIT(1 << 20);
    assert_int_equal(report_csv(&t, &b), OP_OK);
    buf_release(&b);
    arena_release(&a);
}

static void test_summary(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct bonus_month_report m;
    struct bonus_statement v[2];
    struct report_table t;
    month(&m, v);
    m.approved = true;
    assert_int_equal(report_bonus_summary_table(&m, LANG_RU, &a, &t), OP_OK);
    assert_int_equal(report_table_check(&t), OP_OK);
    assert_string_equal(t.name, "bonus-levels-2026-03");
    assert_non_null(strstr(t.subtitle, "утверждён"));
    assert_int_equal(t.n_rows, 2);
    assert_string_equal(cell(&t, 1, "level")->text, "Middle");
    assert_true(cell(&t, 1, "rank")->num == 2);
    assert_int_equal(cell(&t, 0, "bonus")->minor, 750000);
    assert_int_equal(cell(&t, 2, "base_pay")->minor, 12000000);
    arena_release(&a);
}

static void test_kpi_names(void **state)
{
    UNUSED(state);
    assert_string_equal(report_kpi_name(LANG_RU, "csat_percent"), "Довольные клиенты (CSAT), %");
    assert_string_equal(report_kpi_name(LANG_EN, "aht_min"), "Handling time, min");
    assert_string_equal(report_kpi_name(LANG_EN, "no_such_kpi"), "no_such_kpi");
    /* every KPI a goal may name has a name of its own */
    for (size_t i = 0; i < motivation_kpis_count; i++)
        assert_ptr_not_equal(report_kpi_name(LANG_RU, motivation_kpis[i].key),
                             motivation_kpis[i].key);
    assert_int_equal(report_kpi_decimals("solved"), 0);
    assert_int_equal(report_kpi_decimals("nps"), 0);
    assert_int_equal(report_kpi_decimals("csat_mean"), 2);
    assert_int_equal(report_kpi_decimals("fcr_percent"), 1);
    assert_int_equal(report_kpi_decimals("no_such_kpi"), 2);
}

static void test_pdf_and_xlsx(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(1 << 20);
    struct bonus_month_report m;
    struct bonus_statement v[2];
    struct report_table t;
    char path[256], cmd[1024];
    static char out[1 << 20];
    month(&m, v);
    assert_int_equal(report_bonus_table(&m, LANG_RU, &a, &t), OP_OK);

    struct buf b = BUF_INIT(16 << 20);
    assert_int_equal(report_pdf(&t, &b), OP_OK);
    snprintf(path, sizeof path, "%s/bonus.pdf", dir);
    save(&b, path);
    buf_release(&b);
    snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", path);
    run(cmd, out, sizeof out);
    assert_non_null(strstr(out, "Иванова Анна"));
    assert_non_null(strstr(out, "\xE2\x82\xBD"));        /* ₽ */
    assert_non_null(strstr(out, "21 000,00")); /* Smith's bonus, ru (pdftotext: no NBSP) */

    struct buf x = BUF_INIT(16 << 20);
    assert_int_equal(report_xlsx(&t, &x), OP_OK);
    assert_memory_equal(x.p, "PK\x03\x04", 4);
    snprintf(path, sizeof path, "%s/bonus.xlsx", dir);
    save(&x, path);
    buf_release(&x);
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import sys, zipfile\n"
             "z = zipfile.ZipFile(sys.argv[1])\n"
             "print(z.read(\"xl/worksheets/sheet1.xml\").decode())\n"
             "print(z.read(\"xl/sharedStrings.xml\").decode())' '%s'",
             path);
    run(cmd, out, sizeof out);
    assert_non_null(strstr(out, "Иванова Анна"));
    assert_non_null(strstr(out, "<v>21000</v>")); /* money as a number of roubles */
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statements),
        cmocka_unit_test(test_mixed_currencies_and_empty),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_kpi_names),
        cmocka_unit_test(test_pdf_and_xlsx),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
