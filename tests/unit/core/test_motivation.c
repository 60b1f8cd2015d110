/* test_motivation.c - attainment, the monthly statement and its checks
 * (src/core/motivation.c); every bonus worked out by hand in kopecks. */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/motivation.h"

static struct level_plan levels[3];

static int setup(void **state)
{
    UNUSED(state);
    return level_plan_defaults(levels, 3) == 3 ? 0 : -1;
}

static void test_defaults_are_valid(void **state)
{
    UNUSED(state);
    struct op_err err;
    int caps[3] = {20, 30, 40};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(level_plan_check(&levels[i], &err), OP_OK);
        assert_int_equal(levels[i].bonus_cap_pct, caps[i]);
    }
}

static void test_attainment(void **state)
{
    UNUSED(state);
    struct kpi_goal up = {.target = 90, .threshold = 75, .weight = 30};
    assert_float_equal(goal_attainment(&up, 60), 0, 1e-12);
    assert_float_equal(goal_attainment(&up, 75), 0, 1e-12);     /* at the threshold */
    assert_float_equal(goal_attainment(&up, 80), 1.0 / 3, 1e-12); /* (80-75)/(90-75) */
    assert_float_equal(goal_attainment(&up, 90), 1, 1e-12);
    assert_float_equal(goal_attainment(&up, 99), 1, 1e-12);      /* capped at 100 % */
    struct kpi_goal down = {.lower_is_better = true, .target = 30, .threshold = 60};
    assert_float_equal(goal_attainment(&down, 75), 0, 1e-12);
    assert_float_equal(goal_attainment(&down, 60), 0, 1e-12);
    assert_float_equal(goal_attainment(&down, 45), 0.5, 1e-12);  /* (60-45)/(60-30) */
    assert_float_equal(goal_attainment(&down, 10), 1, 1e-12);
}

static void test_junior_statements(void **state)
{
    UNUSED(state);
    struct statement s;
    /* Junior, base 70,000.00 RUB = 7,000,000 kop, cap 20 %: at most 14,000.00 */
    /* at the thresholds: 60 min, 75 %, 200 solved: nothing */
    struct kpi_actual at_threshold[3] = {{true, 60}, {true, 75}, {true, 200}};
    statement_compute(&levels[0], 7000000, at_threshold, &s);
    assert_float_equal(s.total, 0, 1e-12);
    assert_int_equal(s.bonus, 0);
    /* between: 45 min (0.5), 80 % (1/3), 250 solved (0.5):
     * total = (40·0.5 + 30/3 + 30·0.5) / 100 = 0.45;
     * bonus = 7,000,000 × 0.20 × 0.45 = 630,000 kop */
    struct kpi_actual between[3] = {{true, 45}, {true, 80}, {true, 250}};
    statement_compute(&levels[0], 7000000, between, &s);
    assert_float_equal(s.total, 0.45, 1e-12);
    assert_int_equal(s.bonus, 630000);
    /* above every target: the cap, 1,400,000 kop */
    struct kpi_actual above[3] = {{true, 12}, {true, 97}, {true, 410}};
    statement_compute(&levels[0], 7000000, above, &s);
    assert_float_equal(s.total, 1, 1e-12);
    assert_int_equal(s.bonus, 1400000);
    assert_true(meets_level(&levels[0], above));
    assert_false(meets_level(&levels[0], between));
}

static void test_middle_and_senior_statements(void **state)
{
    UNUSED(state);
    struct statement s;
    /* Middle, base 95,000.55 RUB = 9,500,055 kop, cap 30 %:
     * CSI 77.5 -> (77.5-70)/15 = 0.5; FCR 80 -> 1; AHT 20 -> (25-20)/10 = 0.5
     * total = (40·0.5 + 30·1 + 30·0.5)/100 = 0.65
     * bonus = 9,500,055 × 0.3 × 0.65 = 1,852,510.725 -> 1,852,511 kop */
    struct kpi_actual m[3] = {{true, 77.5}, {true, 80}, {true, 20}};
    statement_compute(&levels[1], 9500055, m, &s);
    assert_float_equal(s.total, 0.65, 1e-12);
    assert_int_equal(s.bonus, 1852511);
    /* Senior, base 130,000 RUB, cap 40 %, no NPS answers this month: NPS
     * left out, the other weights scaled to 100 (40 -> 57.14, 30 -> 42.86):
     * SLA 90 -> 0.5, 3.25 solved/hour -> 0.5: total 0.5;
     * bonus = 13,000,000 × 0.4 × 0.5 = 2,600,000 kop */
    struct kpi_actual sr[3] = {{true, 90}, {false, 0}, {true, 3.25}};
    statement_compute(&levels[2], 13000000, sr, &s);
    assert_float_equal(s.total, 0.5, 1e-12);
    assert_int_equal(s.bonus, 2600000);
    assert_float_equal(s.lines[0].weight_used, 4000.0 / 70, 1e-9);
    assert_float_equal(s.lines[1].weight_used, 0, 1e-12);
    /* nothing measured at all: no bonus */
    struct kpi_actual none[3] = {{false, 0}, {false, 0}, {false, 0}};
    statement_compute(&levels[2], 13000000, none, &s);
    assert_int_equal(s.bonus, 0);
    assert_false(meets_level(&levels[2], none));
}

static void test_checks(void **state)
{
    UNUSED(state);
    struct op_err err;
    struct level_plan l = levels[0];
    l.goals[0].weight = 30; /* 30 + 30 + 30 = 90 */
    assert_int_equal(level_plan_check(&l, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "goals");
    l = levels[0];
    l.goals[1].threshold = 95; /* above the target of a more-is-better KPI */
    assert_int_equal(level_plan_check(&l, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "goals[1].threshold");
    l = levels[0];
    l.goals[0].threshold = 20; /* below the target of a less-is-better KPI */
    assert_int_equal(level_plan_check(&l, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "goals[0].threshold");
    l = levels[0];
    l.pay_max = l.pay_min - 1;
    assert_int_equal(level_plan_check(&l, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "pay_max");
    l = levels[0];
    snprintf(l.goals[2].key, sizeof(l.goals[2].key), "%s", l.goals[0].key);
    assert_int_equal(level_plan_check(&l, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "goals[2].key");
    l = levels[0];
    l.bonus_cap_pct = 101;
    assert_int_equal(level_plan_check(&l, &err), OP_ERR_INVALID);
}

/* The KPI table: every default goal names a known KPI of the right
 * direction; wrong keys, directions and units name the field. */
static void test_kpi_checks(void **state)
{
    UNUSED(state);
    struct op_err err;
    for (int i = 0; i < 3; i++)
        assert_int_equal(level_plan_check_kpis(&levels[i], &err), OP_OK);
    assert_non_null(motivation_kpi_find("csat_percent"));
    assert_null(motivation_kpi_find("csat"));
    assert_non_null(strstr(motivation_kpi_names(), "solved_per_online_hour"));
    struct level_plan l = levels[0];
    snprintf(l.goals[2].key, sizeof(l.goals[2].key), "closed");
    assert_int_equal(level_plan_check_kpis(&l, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "goals[2].key");
    l = levels[0];
    l.goals[1].target = 450; /* csat_percent is a percentage */
    l.goals[1].threshold = 300;
    assert_int_equal(level_plan_check_kpis(&l, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "goals[1].target");
    l = levels[0];
    l.goals[0].lower_is_better = false; /* response time: less is better */
    assert_int_equal(level_plan_check_kpis(&l, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "goals[0].lower_is_better");
    l = levels[2];
    l.goals[1].threshold = -101; /* NPS runs from -100 */
    assert_int_equal(level_plan_check_kpis(&l, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "goals[1].threshold");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_are_valid),
        cmocka_unit_test(test_attainment),
        cmocka_unit_test(test_junior_statements),
        cmocka_unit_test(test_middle_and_senior_statements),
        cmocka_unit_test(test_checks),
        cmocka_unit_test(test_kpi_checks),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
