/* test_sla.c - SLA policies and clocks (src/core/sla.c), with every due time
 * worked out by hand in the comments. Times are UTC; the business calendar
 * is Monday-Friday 09:00-18:00 UTC; 2026-03-02 is a Monday. */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>

#include "base/tz.h"
#include "core/sla.h"

#define MINUTE 60000LL

static op_time at(int d, int h, int m)
{
    /* 2026-03-01 00:00 UTC is 1772323200 s; d is the day of March */
    return (1772323200LL + (int64_t)(d - 1) * 86400 + h * 3600 + m * 60) * 1000;
}

static struct calendar office(void)
{
    struct calendar c = {.id = 1, .name = "office", .tz = tz_utc()};
    for (int d = 0; d < 5; d++)
        c.week[d] = (struct cal_day){1, {{9 * 60, 18 * 60}}};
    return c;
}

static struct sla_policy policy(int64_t fr, int64_t nr, int64_t rs, bool business)
{
    struct sla_policy p = {.id = 7, .name = "p", .active = true, .calendar_id = 1,
                           .pause_on_pending = true, .warn_percent = 80, .escalate_tier = -1};
    p.target[SLA_FIRST_RESPONSE] = (struct sla_target){fr, business};
    p.target[SLA_NEXT_RESPONSE] = (struct sla_target){nr, business};
    p.target[SLA_RESOLUTION] = (struct sla_target){rs, business};
    return p;
}

static void start(struct sla_state *s, const struct sla_env *env, op_time t0)
{
    struct sla_env none = {0};
    struct sla_verdict v[SLA_VERDICTS_MAX];
    size_t n = 0;
    sla_init(s, 1);
    sla_set_policy(s, &none, env, STATUS_NEW, t0);
    sla_apply(s, env, &(struct sla_fact){.kind = SF_CREATED, .at = t0}, v, &n);
    sla_apply(s, env, &(struct sla_fact){.kind = SF_STATUS, .at = t0, .status = STATUS_NEW}, v, &n);
    sla_schedule(s, env);
    assert_int_equal(n, 0);
}

static size_t fact(struct sla_state *s, const struct sla_env *env, enum sla_fact_kind k, op_time t,
                   enum ticket_status st, struct sla_verdict v[SLA_VERDICTS_MAX])
{
    size_t n = 0;
    sla_apply(s, env, &(struct sla_fact){.kind = k, .at = t, .status = st}, v, &n);
    sla_schedule(s, env);
    return n;
}

static void test_match_order_and_conditions(void **state)
{
    UNUSED(state);
    int64_t g2 = 2;
    struct sla_policy v[3] = {policy(60, 0, 0, true), policy(30, 0, 0, true),
                              policy(10, 0, 0, true)};
    v[0].id = 1, v[0].position = 5;                                 /* anything */
    v[1].id = 2, v[1].position = 1, v[1].priority_mask = 1u << PRIO_URGENT;
    v[2].id = 3, v[2].position = 0, v[2].active = false;            /* inactive: never */
    v[2].group_ids = (struct id_list){&g2, 1};
    struct ticket t = {.priority = PRIO_URGENT, .group_id = 2};
    assert_int_equal(sla_match(v, 3, &t)->id, 2);
    t.priority = PRIO_NORMAL;
    assert_int_equal(sla_match(v, 3, &t)->id, 1);
    v[2].active = true;
    assert_int_equal(sla_match(v, 3, &t)->id, 3);
    t.group_id = 0; /* a group condition does not match a ticket without a group */
    assert_int_equal(sla_match(v, 3, &t)->id, 1);
    v[0].active = false;
    assert_null(sla_match(v, 3, &t));
}

static void test_policy_check(void **state)
{
    UNUSED(state);
    struct op_err err;
    struct sla_policy p = policy(0, 0, 0, true);
    assert_int_equal(sla_policy_check(&p, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "targets");
    p = policy(-1, 0, 10, true);
    assert_int_equal(sla_policy_check(&p, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "targets.first_response");
    p = policy(10, 0, 0, true);
    p.warn_percent = 100;
    assert_int_equal(sla_policy_check(&p, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "warn_percent");
    p.warn_percent = 80;
    p.actions = SLA_ACT_ESCALATE;
    assert_int_equal(sla_policy_check(&p, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "escalate_group_id");
    p.escalate_tier = TIER_L2;
    assert_int_equal(sla_policy_check(&p, &err), OP_OK);
}

static void test_facts_of_actions(void **state)
{
    UNUSED(state);
    struct arena a = ARENA_INIT(0);
    struct sla_fact f[SLA_FACTS_MAX];
    struct ticket t = {.id = 1, .status = STATUS_NEW, .description = "help", .created_at = 5};
    struct event_list l;

    /* a customer's new ticket: created, and its status */
    event_list_init(&l, &a, ENTITY_TICKET, 1, 5, 10, VIA_WEB);
    size_t n = sla_facts(NULL, &t, &l, false, false, f);
    assert_int_equal(n, 2);
    assert_int_equal(f[0].kind, SF_CREATED);
    assert_false(f[0].opening);
    assert_int_equal(f[1].kind, SF_STATUS);

    /* an agent opening it with a public message: the opening, not a reply */
    n = sla_facts(NULL, &t, &l, true, false, f);
    assert_true(f[0].opening);
    event_add(&l, EV_COMMENT, "public", "", "3", NULL);
    n = sla_facts(NULL, &t, &l, true, false, f);
    assert_int_equal(n, 2); /* the public comment of the opening is no reply either */

    /* later: a public agent comment is a reply, a note is not, the system's is not */
    struct ticket old = t;
    event_list_init(&l, &a, ENTITY_TICKET, 1, 9, 11, VIA_WEB);
    event_add(&l, EV_COMMENT, "note", "", "4", NULL);
    assert_int_equal(sla_facts(&old, &t, &l, true, false, f), 0);
    event_add(&l, EV_COMMENT, "public", "", "5", NULL);
    assert_int_equal(sla_facts(&old, &t, &l, true, false, f), 1);
    assert_int_equal(f[0].kind, SF_AGENT_REPLY);
    assert_int_equal(sla_facts(&old, &t, &l, true, true, f), 0);
    assert_int_equal(sla_facts(&old, &t, &l, false, false, f), 1);
    assert_int_equal(f[0].kind, SF_CUSTOMER_MESSAGE);

    /* a status change, and a merge */
    t.status = STATUS_PENDING;
    event_list_init(&l, &a, ENTITY_TICKET, 1, 9, 11, VIA_WEB);
    assert_int_equal(sla_facts(&old, &t, &l, true, false, f), 1);
    assert_int_equal(f[0].kind, SF_STATUS);
    assert_int_equal(f[0].status, STATUS_PENDING);
    t.merged_into = 9;
    assert_int_equal(sla_facts(&old, &t, &l, true, false, f), 1);
    assert_int_equal(f[0].kind, SF_MERGED);
    arena_release(&a);
}

static void test_first_response_business_time(void **state)
{
    UNUSED(state);
    struct calendar cal = office();
    struct sla_policy p = policy(60, 0, 480, true);
    struct sla_env env = {&p, &cal};
    struct sla_state s;
    struct sla_verdict v[SLA_VERDICTS_MAX];
    /* Friday 6 March 17:30: 30 minutes left that day, 30 on Monday 9 March */
    start(&s, &env, at(6, 17, 30));
    assert_int_equal(s.c[SLA_FIRST_RESPONSE].due_at, at(9, 9, 30));
    /* warning at 48 minutes: 30 on Friday, 18 on Monday */
    assert_int_equal(s.c[SLA_FIRST_RESPONSE].warn_at, at(9, 9, 18));
    assert_int_equal(s.next_at, at(9, 9, 18));
    /* resolution: 480 = 30 Friday + 450 Monday (09:00 + 7.5 h = 16:30) */
    assert_int_equal(s.c[SLA_RESOLUTION].due_at, at(9, 16, 30));
    assert_int_equal(s.due_at, at(9, 9, 30));
    /* the reply on Monday at 09:10: 40 working minutes, met */
    size_t n = fact(&s, &env, SF_AGENT_REPLY, at(9, 9, 10), 0, v);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].kind, EV_SLA_MET);
    assert_int_equal(v[0].metric, SLA_FIRST_RESPONSE);
    assert_int_equal(v[0].elapsed_ms, 40 * MINUTE);
    assert_string_equal(sla_clock_status(&s.c[SLA_FIRST_RESPONSE]), "met");
    /* a second reply stops nothing more */
    assert_int_equal(fact(&s, &env, SF_AGENT_REPLY, at(9, 9, 20), 0, v), 0);
}

static void test_warning_then_breach_fire_once(void **state)
{
    UNUSED(state);
    struct calendar cal = office();
    struct sla_policy p = policy(60, 0, 0, true);
    struct sla_env env = {&p, &cal};
    struct sla_state s;
    struct sla_verdict v[SLA_VERDICTS_MAX];
    start(&s, &env, at(2, 9, 0));
    assert_int_equal(sla_fire(&s, &env, at(2, 9, 47), v), 0);
    assert_int_equal(sla_fire(&s, &env, at(2, 9, 48), v), 1);
    assert_int_equal(v[0].kind, EV_SLA_WARNING);
    assert_int_equal(v[0].elapsed_ms, 48 * MINUTE);
    assert_int_equal(sla_fire(&s, &env, at(2, 9, 50), v), 0); /* once */
    assert_int_equal(s.next_at, at(2, 10, 0));
    assert_int_equal(sla_fire(&s, &env, at(2, 10, 0), v), 1);
    assert_int_equal(v[0].kind, EV_SLA_BREACHED);
    assert_true(s.breached);
    assert_int_equal(s.next_at, 0);
    assert_int_equal(sla_fire(&s, &env, at(2, 12, 0), v), 0);
    /* the late reply is no second breach and no "met" */
    assert_int_equal(fact(&s, &env, SF_AGENT_REPLY, at(2, 12, 0), 0, v), 0);
    assert_false(s.breached); /* stopped: no longer in the breached view */
    assert_string_equal(sla_clock_status(&s.c[SLA_FIRST_RESPONSE]), "breached");
}

static void test_breach_found_at_stop(void **state)
{
    UNUSED(state);
    struct sla_policy p = policy(60, 0, 0, false); /* calendar time */
    struct sla_env env = {&p, NULL};
    struct sla_state s;
    struct sla_verdict v[SLA_VERDICTS_MAX];
    start(&s, &env, at(7, 23, 0)); /* Saturday night: calendar time counts */
    assert_int_equal(s.c[SLA_FIRST_RESPONSE].due_at, at(8, 0, 0));
    /* the reply comes before any timer ran: the breach is recorded now */
    size_t n = fact(&s, &env, SF_AGENT_REPLY, at(8, 0, 30), 0, v);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].kind, EV_SLA_BREACHED);
    assert_int_equal(v[0].elapsed_ms, 90 * MINUTE);
}

static void test_pause_resume_reopen_next_response(void **state)
{
    UNUSED(state);
    struct calendar cal = office();
    struct sla_policy p = policy(60, 120, 480, true);
    struct sla_env env = {&p, &cal};
    struct sla_state s;
    struct sla_verdict v[SLA_VERDICTS_MAX];
    start(&s, &env, at(2, 9, 0));
    fact(&s, &env, SF_AGENT_REPLY, at(2, 9, 10), 0, v);
    fact(&s, &env, SF_STATUS, at(2, 9, 10), STATUS_PENDING, v);
    assert_true(s.paused);
    assert_int_equal(s.next_at, 0);
    assert_int_equal(sla_elapsed(&s.c[SLA_RESOLUTION], &env, at(2, 15, 0)), 10 * MINUTE);
    /* the customer answers at 12:00: open again, next response owed */
    fact(&s, &env, SF_CUSTOMER_MESSAGE, at(2, 12, 0), 0, v);
    fact(&s, &env, SF_STATUS, at(2, 12, 0), STATUS_OPEN, v);
    assert_false(s.paused);
    /* 470 left: 360 to 18:00, 110 on Tuesday: 10:50 */
    assert_int_equal(s.c[SLA_RESOLUTION].due_at, at(3, 10, 50));
    assert_int_equal(s.c[SLA_NEXT_RESPONSE].due_at, at(2, 14, 0));
    /* a second customer message keeps the oldest unanswered one */
    fact(&s, &env, SF_CUSTOMER_MESSAGE, at(2, 13, 0), 0, v);
    assert_int_equal(s.c[SLA_NEXT_RESPONSE].due_at, at(2, 14, 0));
    /* solved at 13:30: next response met (90 min), resolution met (10 + 90) */
    size_t n = fact(&s, &env, SF_STATUS, at(2, 13, 30), STATUS_SOLVED, v);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].metric, SLA_NEXT_RESPONSE);
    assert_int_equal(v[0].elapsed_ms, 90 * MINUTE);
    assert_int_equal(v[1].metric, SLA_RESOLUTION);
    assert_int_equal(v[1].elapsed_ms, 100 * MINUTE);
    assert_int_equal(s.next_at, 0);
    /* reopened at 17:00: resolution runs on from 100 minutes: 380 left =
     * 60 today + 320 Tuesday from 09:00 = 14:20 */
    fact(&s, &env, SF_STATUS, at(2, 17, 0), STATUS_OPEN, v);
    assert_int_equal(s.c[SLA_RESOLUTION].due_at, at(3, 14, 20));
    assert_int_equal(s.c[SLA_NEXT_RESPONSE].due_at, 0); /* stopped */
}

static void test_policy_change_keeps_measure(void **state)
{
    UNUSED(state);
    struct calendar cal = office();
    struct sla_policy p = policy(240, 0, 0, true), q = policy(60, 0, 0, true);
    q.id = 8;
    struct sla_env env = {&p, &cal}, env2 = {&q, &cal};
    struct sla_state s;
    start(&s, &env, at(2, 9, 0));
    assert_int_equal(s.c[SLA_FIRST_RESPONSE].due_at, at(2, 13, 0));
    /* priority raised at 09:40: the new 60-minute target counts the 40 already passed */
    sla_set_policy(&s, &env, &env2, STATUS_OPEN, at(2, 9, 40));
    sla_schedule(&s, &env2);
    assert_int_equal(s.policy_id, 8);
    assert_int_equal(s.c[SLA_FIRST_RESPONSE].due_at, at(2, 10, 0));
}

static void test_merge_cancels(void **state)
{
    UNUSED(state);
    struct sla_policy p = policy(60, 0, 120, false);
    struct sla_env env = {&p, NULL};
    struct sla_state s;
    struct sla_verdict v[SLA_VERDICTS_MAX];
    start(&s, &env, at(2, 9, 0));
    assert_int_equal(fact(&s, &env, SF_MERGED, at(2, 12, 0), 0, v), 0); /* no verdict */
    assert_true(s.cancelled);
    assert_int_equal(s.next_at, 0);
    assert_int_equal(sla_fire(&s, &env, at(3, 0, 0), v), 0);
}

static void test_encode_roundtrip(void **state)
{
    UNUSED(state);
    struct calendar cal = office();
    struct sla_policy p = policy(60, 120, 480, true);
    struct sla_env env = {&p, &cal};
    struct sla_state s, d;
    struct sla_verdict v[SLA_VERDICTS_MAX];
    start(&s, &env, at(2, 9, 0));
    fact(&s, &env, SF_STATUS, at(2, 9, 5), STATUS_ON_HOLD, v);
    sla_fire(&s, &env, at(2, 9, 5), v);
    uint8_t b[SLA_STATE_BYTES];
    sla_state_encode(&s, b);
    memset(&d, 0, sizeof(d));
    assert_int_equal(sla_state_decode(b, sizeof(b), &d), OP_OK);
    assert_int_equal(d.paused, s.paused);
    assert_int_equal(d.warn_percent, 80);
    assert_memory_equal(d.c, s.c, sizeof(s.c));
    assert_int_equal(sla_state_decode(b, sizeof(b) - 1, &d), OP_ERR_IO);
    b[0] = 99;
    assert_int_equal(sla_state_decode(b, sizeof(b), &d), OP_ERR_IO);
}

static void test_names(void **state)
{
    UNUSED(state);
    for (int m = 0; m < SLA__METRICS; m++)
        assert_int_equal(sla_metric_parse(sla_metric_name((enum sla_metric)m)), m);
    assert_int_equal(sla_metric_parse("first"), -1);
    for (unsigned b = 1; b <= SLA_ACT__ALL; b <<= 1)
        assert_int_equal(sla_action_parse(sla_action_name(b)), b);
    assert_int_equal(sla_action_parse("explode"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match_order_and_conditions),
        cmocka_unit_test(test_policy_check),
        cmocka_unit_test(test_facts_of_actions),
        cmocka_unit_test(test_first_response_business_time),
        cmocka_unit_test(test_warning_then_breach_fire_once),
        cmocka_unit_test(test_breach_found_at_stop),
        cmocka_unit_test(test_pause_resume_reopen_next_response),
        cmocka_unit_test(test_policy_change_keeps_measure),
        cmocka_unit_test(test_merge_cancels),
        cmocka_unit_test(test_encode_roundtrip),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
