/* test_survey.c - survey links, CSI and the CSAT / NPS formulas
 * (src/core/survey.c), every number worked out by hand. */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sodium.h>

#include "core/survey.h"

static void test_token_roundtrip_and_forgery(void **state)
{
    UNUSED(state);
    uint8_t key[SURVEY_KEY_BYTES], other[SURVEY_KEY_BYTES];
    char t[SURVEY_TOKEN_MAX], bad[SURVEY_TOKEN_MAX];
    assert_true(sodium_init() >= 0);
    memset(key, 7, sizeof(key));
    memset(other, 8, sizeof(other));
    survey_token(key, 42, t);
    assert_true(strncmp(t, "42.", 3) == 0);
    assert_int_equal(survey_token_check(key, t), 42);
    assert_int_equal(survey_token_check(other, t), 0);   /* another key */
    snprintf(bad, sizeof(bad), "43%s", strchr(t, '.'));  /* another survey, same MAC */
    assert_int_equal(survey_token_check(key, bad), 0);
    snprintf(bad, sizeof(bad), "%s", t);
    bad[strlen(bad) - 1] ^= 1;                           /* one character off */
    assert_int_equal(survey_token_check(key, bad), 0);
    const char *junk[] = {"", ".", "42", "42.", "-42.AAAA", "042.AAAA", "abc.def", NULL};
    for (int i = 0; junk[i]; i++)
        assert_int_equal(survey_token_check(key, junk[i]), 0);
    assert_int_equal(survey_token_check(key, NULL), 0);
}

static void test_csi(void **state)
{
    UNUSED(state);
    struct csi_question q[3] = {{.id = 1, .weight = 50}, {.id = 2, .weight = 30},
                                {.id = 3, .weight = 20}};
    double v;
    /* 5, 3, 1: (50·1 + 30·0.5 + 20·0) / 100 · 100 = 65 */
    int s1[3] = {5, 3, 1};
    assert_true(csi_of_answer(q, s1, 3, &v));
    assert_float_equal(v, 65.0, 1e-9);
    /* the third not answered: (50·1 + 30·0.5) / 80 · 100 = 81.25 */
    int s2[3] = {5, 3, 0};
    assert_true(csi_of_answer(q, s2, 3, &v));
    assert_float_equal(v, 81.25, 1e-9);
    int s3[3] = {0, 0, 9};
    assert_false(csi_of_answer(q, s3, 3, &v));
}

static void test_totals(void **state)
{
    UNUSED(state);
    struct survey_totals t = {0};
    double v;
    assert_false(survey_csat_percent(&t, &v));
    assert_false(survey_nps(&t, &v));
    /* CSAT 5, 4, 2, 1: good 2 of 4 = 50 %, mean 12 / 4 = 3 */
    int csat[] = {5, 4, 2, 1};
    for (int i = 0; i < 4; i++)
        survey_totals_add(&t, SURVEY_CSAT, csat[i], i < 2, i == 0 ? 100.0 : 50.0);
    assert_true(survey_csat_percent(&t, &v));
    assert_float_equal(v, 50.0, 1e-9);
    assert_true(survey_csat_mean(&t, &v));
    assert_float_equal(v, 3.0, 1e-9);
    assert_true(survey_csi(&t, &v));
    assert_float_equal(v, 75.0, 1e-9);  /* (100 + 50) / 2 */
    /* NPS 10, 9, 8, 7, 6, 0: promoters 2, detractors 2 of 6 → 0; then one
     * more 10: (3 − 2) / 7 · 100 = 14.2857... */
    int nps[] = {10, 9, 8, 7, 6, 0};
    for (int i = 0; i < 6; i++)
        survey_totals_add(&t, SURVEY_NPS, nps[i], false, 0);
    assert_true(survey_nps(&t, &v));
    assert_float_equal(v, 0.0, 1e-9);
    survey_totals_add(&t, SURVEY_NPS, 10, false, 0);
    assert_true(survey_nps(&t, &v));
    assert_float_equal(v, 100.0 / 7.0, 1e-9);
    int min, max;
    survey_scale(SURVEY_NPS, &min, &max);
    assert_true(min == 0 && max == 10);
    survey_scale(SURVEY_CSAT, &min, &max);
    assert_true(min == 1 && max == 5);
    assert_int_equal(survey_kind_parse("nps"), SURVEY_NPS);
    assert_int_equal(survey_kind_parse("csi"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_roundtrip_and_forgery),
        cmocka_unit_test(test_csi),
        cmocka_unit_test(test_totals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
