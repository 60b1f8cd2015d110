/* test_escalation.c - tier rules and the escalation stack replayed from
 * events (src/core/escalation.c). */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>

#include "core/escalation.h"
#include "core/validate.h"

#define assert_err(e, rc_, field_, msg_)                                                           \
    do {                                                                                           \
        assert_int_equal((e).rc, (rc_));                                                           \
        assert_string_equal((e).field, (field_));                                                  \
        assert_int_equal((e).msg, (msg_));                                                         \
    } while (0)

/* ---- tier rules ---- */

static void test_escalation_tiers(void **state)
{
    UNUSED(state);
    struct op_err err;
    for (int from = 0; from < TIER__COUNT; from++)
        for (int to = 0; to < TIER__COUNT; to++) {
            op_err_clear(&err);
            op_rc rc = escalation_check(true, (enum group_tier)from, (enum group_tier)to,
                                        "needs L2", &err);
            if (to > from) {
                if (rc != OP_OK)
                    fail_msg("escalation %s -> %s refused", tier_name((enum group_tier)from),
                             tier_name((enum group_tier)to));
            } else {
                if (rc != OP_ERR_CONFLICT)
                    fail_msg("escalation %s -> %s allowed", tier_name((enum group_tier)from),
                             tier_name((enum group_tier)to));
                assert_err(err, OP_ERR_CONFLICT, "group_id", MSG_ERR_ESCALATE_TIER);
                assert_string_equal(err.arg[0], tier_name((enum group_tier)from));
                assert_string_equal(err.arg[1], tier_name((enum group_tier)to));
            }
            /* without a group, `from` does not matter: anything above L1 */
            op_err_clear(&err);
            rc = escalation_check(false, (enum group_tier)from, (enum group_tier)to, "why", &err);
            if (to == TIER_L1) {
                assert_int_equal(rc, OP_ERR_CONFLICT);
                assert_err(err, OP_ERR_CONFLICT, "group_id", MSG_ERR_ESCALATE_TIER);
                assert_string_equal(err.arg[0], "-");
                assert_string_equal(err.arg[1], "l1");
            } else {
                assert_int_equal(rc, OP_OK);
            }
        }
}

static void test_handback_tiers(void **state)
{
    UNUSED(state);
    struct op_err err;
    for (int from = 0; from < TIER__COUNT; from++)
        for (int to = 0; to < TIER__COUNT; to++) {
            op_err_clear(&err);
            op_rc rc = handback_check((enum group_tier)from, (enum group_tier)to, "done", &err);
            if (to < from) {
                if (rc != OP_OK)
                    fail_msg("hand-back %s -> %s refused", tier_name((enum group_tier)from),
                             tier_name((enum group_tier)to));
            } else {
                if (rc != OP_ERR_CONFLICT)
                    fail_msg("hand-back %s -> %s allowed", tier_name((enum group_tier)from),
                             tier_name((enum group_tier)to));
                assert_err(err, OP_ERR_CONFLICT, "group_id", MSG_ERR_HANDBACK_TIER);
                assert_string_equal(err.arg[0], tier_name((enum group_tier)from));
                assert_string_equal(err.arg[1], tier_name((enum group_tier)to));
            }
        }
}

static void test_reason(void **state)
{
    UNUSED(state);
    struct op_err err;
    char reason[4 * LIMIT_REASON + 8];

    /* required, for both directions, and checked before the tiers */
    assert_int_equal(escalation_check(true, TIER_L1, TIER_L2, NULL, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "reason", MSG_ERR_REQUIRED);
    assert_int_equal(escalation_check(true, TIER_L2, TIER_L1, "", &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "reason", MSG_ERR_EMPTY);
    assert_int_equal(escalation_check(false, TIER_L1, TIER_TECH, " \n\t ", &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "reason", MSG_ERR_EMPTY);
    assert_int_equal(handback_check(TIER_TECH, TIER_L2, NULL, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "reason", MSG_ERR_REQUIRED);
    assert_int_equal(handback_check(TIER_L1, TIER_L2, "", &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "reason", MSG_ERR_EMPTY);
    assert_int_equal(handback_check(TIER_L2, TIER_L1, "bad \xff byte", &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "reason", MSG_ERR_UTF8);
    assert_int_equal(handback_check(TIER_L2, TIER_L1, "bell \a", &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "reason", MSG_ERR_CONTROL_CHARS);

    /* multi-line reasons are fine */
    assert_int_equal(escalation_check(true, TIER_L1, TIER_L2, "Step 1\nStep 2\r\n\tdone", &err),
                     OP_OK);

    /* 1000 characters pass, 1001 fail; counted in characters */
    size_t len = 0;
    for (int i = 0; i < LIMIT_REASON; i++)
        len += (size_t)snprintf(reason + len, sizeof(reason) - len, "щ");
    assert_int_equal(escalation_check(true, TIER_L1, TIER_L2, reason, &err), OP_OK);
    assert_int_equal(handback_check(TIER_L2, TIER_L1, reason, &err), OP_OK);
    snprintf(reason + len, sizeof(reason) - len, "!");
    assert_int_equal(escalation_check(true, TIER_L1, TIER_L2, reason, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "reason", MSG_ERR_TOO_LONG);
    assert_string_equal(err.arg[0], "1000");
    assert_int_equal(handback_check(TIER_L2, TIER_L1, reason, &err), OP_ERR_INVALID);
    assert_err(err, OP_ERR_INVALID, "reason", MSG_ERR_TOO_LONG);
}

static void test_tier_step_name(void **state)
{
    UNUSED(state);
    char out[16];
    tier_step_name(TIER_L1, TIER_L2, out);
    assert_string_equal(out, "l1>l2");
    tier_step_name(TIER_TECH, TIER_L1, out);
    assert_string_equal(out, "tech>l1");
    tier_step_name(TIER_L2, TIER_TECH, out);
    assert_string_equal(out, "l2>tech");
}

/* ---- the escalation stack ---- */

/* A ticket's event log, built the way the app writes it: an escalation or
 * hand-back event first, then the field changes of the same action. */
struct log {
    struct event v[128];
    size_t n;
    char text[128][3][24];
};

static void ev(struct log *l, enum event_kind kind, const char *field, int64_t old_id,
               int64_t new_id)
{
    assert_true(l->n < ARRAY_SIZE(l->v));
    struct event *e = &l->v[l->n];
    char(*t)[24] = l->text[l->n];
    memset(e, 0, sizeof(*e));
    e->id = (int64_t)l->n + 1;
    e->entity = ENTITY_TICKET;
    e->entity_id = 1;
    e->kind = kind;
    snprintf(t[0], 24, "%s", field);
    if (old_id)
        snprintf(t[1], 24, "%" PRId64, old_id);
    else
        t[1][0] = '\0';
    if (new_id)
        snprintf(t[2], 24, "%" PRId64, new_id);
    else
        t[2][0] = '\0';
    e->field = t[0];
    e->old_value = t[1];
    e->new_value = t[2];
    e->data = "";
    l->n++;
}

static void created(struct log *l, int64_t group, int64_t assignee)
{
    ev(l, EV_CREATED, "", 0, 1);
    ev(l, EV_CHANGED, "subject", 0, 0);
    ev(l, EV_CHANGED, "status", 0, 0);
    if (group) ev(l, EV_CHANGED, "group_id", 0, group);
    if (assignee) ev(l, EV_CHANGED, "assignee_id", 0, assignee);
}

/* Moves the ticket from group `from` (assignee `who`) to group `to` with assignee `then`. */
static void move(struct log *l, enum event_kind kind, int64_t from, int64_t to, int64_t who,
                 int64_t then)
{
    ev(l, kind, "l1>l2", from, to);
    ev(l, EV_CHANGED, "group_id", from, to);
    if (who != then) ev(l, EV_CHANGED, "assignee_id", who, then);
}

static void assign(struct log *l, int64_t who, int64_t then)
{
    ev(l, EV_CHANGED, "assignee_id", who, then);
}

#define ASSERT_TARGET(l, g, u)                                                                     \
    do {                                                                                           \
        int64_t g_ = -1, u_ = -1;                                                                  \
        assert_true(handback_target((l)->v, (l)->n, &g_, &u_));                                    \
        assert_int_equal(g_, (g));                                                                 \
        assert_int_equal(u_, (u));                                                                 \
    } while (0)

#define ASSERT_NO_TARGET(l)                                                                        \
    do {                                                                                           \
        int64_t g_ = -7, u_ = -7;                                                                  \
        assert_false(handback_target((l)->v, (l)->n, &g_, &u_));                                   \
        assert_int_equal(g_, -7); /* outputs untouched */                                          \
        assert_int_equal(u_, -7);                                                                  \
    } while (0)

enum {
    G_L1 = 10,
    G_L2 = 20,
    G_TECH = 30,
    A_L1 = 101,
    A_L1B = 102,
    A_L2 = 201,
    A_L2B = 202,
    A_TECH = 301
};

static void test_target_not_escalated(void **state)
{
    UNUSED(state);
    static struct log l;
    memset(&l, 0, sizeof(l));
    ASSERT_NO_TARGET(&l);
    created(&l, G_L1, A_L1);
    ASSERT_NO_TARGET(&l);
    /* group changes and reassignments are not escalations */
    ev(&l, EV_CHANGED, "group_id", G_L1, G_L2);
    assign(&l, A_L1, A_L2);
    ev(&l, EV_COMMENT, "public", 0, 5);
    ASSERT_NO_TARGET(&l);
    /* a hand-back with nothing to pop does not underflow */
    move(&l, EV_HANDED_BACK, G_L2, G_L1, A_L2, 0);
    ASSERT_NO_TARGET(&l);
}

static void test_target_one_escalation(void **state)
{
    UNUSED(state);
    static struct log l;
    memset(&l, 0, sizeof(l));
    created(&l, G_L1, A_L1);
    move(&l, EV_ESCALATED, G_L1, G_L2, A_L1, 0);
    ASSERT_TARGET(&l, G_L1, A_L1);
    /* L2 takes it: the target is still L1's group and agent */
    assign(&l, 0, A_L2);
    ASSERT_TARGET(&l, G_L1, A_L1);
    /* handed back: nothing left */
    move(&l, EV_HANDED_BACK, G_L2, G_L1, A_L2, A_L1);
    ASSERT_NO_TARGET(&l);
}

static void test_target_two_levels(void **state)
{
    UNUSED(state);
    static struct log l;
    memset(&l, 0, sizeof(l));
    created(&l, G_L1, A_L1);
    move(&l, EV_ESCALATED, G_L1, G_L2, A_L1, 0);
    assign(&l, 0, A_L2);
    move(&l, EV_ESCALATED, G_L2, G_TECH, A_L2, A_TECH);
    /* the first hand-back goes to L2, to the agent L2 had */
    ASSERT_TARGET(&l, G_L2, A_L2);
    move(&l, EV_HANDED_BACK, G_TECH, G_L2, A_TECH, A_L2);
    /* the second to L1, to L1's agent */
    ASSERT_TARGET(&l, G_L1, A_L1);
    move(&l, EV_HANDED_BACK, G_L2, G_L1, A_L2, A_L1);
    ASSERT_NO_TARGET(&l);
    /* a third hand-back (with a group named by hand) changes nothing */
    move(&l, EV_HANDED_BACK, G_L1, G_L1, A_L1, A_L1);
    ASSERT_NO_TARGET(&l);
}

static void test_target_escalation_after_handback(void **state)
{
    UNUSED(state);
    static struct log l;
    memset(&l, 0, sizeof(l));
    created(&l, G_L1, A_L1);
    move(&l, EV_ESCALATED, G_L1, G_L2, A_L1, A_L2);
    move(&l, EV_HANDED_BACK, G_L2, G_L1, A_L2, A_L1);
    ASSERT_NO_TARGET(&l);
    /* another L1 agent takes it and escalates straight to tech */
    assign(&l, A_L1, A_L1B);
    move(&l, EV_ESCALATED, G_L1, G_TECH, A_L1B, A_TECH);
    ASSERT_TARGET(&l, G_L1, A_L1B);
    move(&l, EV_HANDED_BACK, G_TECH, G_L1, A_TECH, A_L1B);
    ASSERT_NO_TARGET(&l);
}

static void test_target_assignee_changes_between(void **state)
{
    UNUSED(state);
    static struct log l;
    memset(&l, 0, sizeof(l));
    created(&l, G_L1, 0);
    assign(&l, 0, A_L1);
    assign(&l, A_L1, A_L1B); /* the assignee at the moment of escalation counts */
    move(&l, EV_ESCALATED, G_L1, G_L2, A_L1B, 0);
    assign(&l, 0, A_L2);
    assign(&l, A_L2, A_L2B);
    ASSERT_TARGET(&l, G_L1, A_L1B);
    move(&l, EV_ESCALATED, G_L2, G_TECH, A_L2B, 0);
    ASSERT_TARGET(&l, G_L2, A_L2B);
    assign(&l, 0, A_TECH);
    move(&l, EV_HANDED_BACK, G_TECH, G_L2, A_TECH, A_L2B);
    ASSERT_TARGET(&l, G_L1, A_L1B);

    /* unassigned at the time of escalation: the target has no assignee */
    memset(&l, 0, sizeof(l));
    created(&l, G_L1, A_L1);
    assign(&l, A_L1, 0);
    move(&l, EV_ESCALATED, G_L1, G_L2, 0, A_L2);
    ASSERT_TARGET(&l, G_L1, 0);

    /* escalated without a group: the target names no group */
    memset(&l, 0, sizeof(l));
    created(&l, 0, 0);
    move(&l, EV_ESCALATED, 0, G_L2, 0, 0);
    ASSERT_TARGET(&l, 0, 0);
}

static void test_target_ignores_other_entities(void **state)
{
    UNUSED(state);
    static struct log l;
    memset(&l, 0, sizeof(l));
    created(&l, G_L1, A_L1);
    move(&l, EV_ESCALATED, G_L1, G_L2, A_L1, 0);
    /* events about other objects never move the stack */
    size_t first = l.n;
    move(&l, EV_HANDED_BACK, G_L2, G_L1, 0, 0);
    move(&l, EV_ESCALATED, G_L2, G_TECH, 0, A_TECH);
    for (size_t i = first; i < l.n; i++)
        l.v[i].entity = ENTITY_GROUP;
    ASSERT_TARGET(&l, G_L1, A_L1);
}

static void test_target_deep_stack(void **state)
{
    UNUSED(state);
    static struct log l;
    memset(&l, 0, sizeof(l));
    created(&l, 1, 1001);
    /* 20 escalations in a row (more than the stack keeps), each with its own agent */
    for (int64_t i = 1; i <= 20; i++)
        move(&l, EV_ESCALATED, i, i + 1, 1000 + i, 1000 + i + 1);
    ASSERT_TARGET(&l, 20, 1020);
    /* the most recent levels come back in order */
    for (int64_t i = 20; i >= 6; i--) {
        ASSERT_TARGET(&l, i, 1000 + i);
        move(&l, EV_HANDED_BACK, i + 1, i, 1000 + i + 1, 1000 + i);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escalation_tiers),
        cmocka_unit_test(test_handback_tiers),
        cmocka_unit_test(test_reason),
        cmocka_unit_test(test_tier_step_name),
        cmocka_unit_test(test_target_not_escalated),
        cmocka_unit_test(test_target_one_escalation),
        cmocka_unit_test(test_target_two_levels),
        cmocka_unit_test(test_target_escalation_after_handback),
        cmocka_unit_test(test_target_assignee_changes_between),
        cmocka_unit_test(test_target_ignores_other_entities),
        cmocka_unit_test(test_target_deep_stack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
