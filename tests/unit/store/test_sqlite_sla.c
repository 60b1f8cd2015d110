/* test_sqlite_sla.c - calendars, policies, ticket clocks as timers with
 * leases, and the generic leases, on a real SQLite file
 * (src/store/sqlite_sla.c, sqlite_log.c). */
#include "base/common.h"

#include "sqlite_fixture.h"
#include "store/store_sla.h"

struct job {
    op_rc rc;
    op_rc (*fn)(struct store_tx *tx, struct job *j);
    struct arena *a;
    /* inputs and outputs of the steps */
    int64_t ids[4];
    struct id_list claimed;
    bool got;
    struct calendar_row cal;
    struct sla_policy pol;
    struct sla_state st;
    struct sla_state *scan;
    size_t n;
    int64_t policy_using;
    const char *owner;
    op_time now, until;
};

static op_rc run(struct store_tx *tx, void *arg)
{
    struct job *j = arg;
    j->rc = j->fn(tx, j);
    return j->rc;
}

static op_rc w(struct fx *f, struct job *j)
{
    j->a = &f->a;
    op_rc rc = store_write(f->s, run, j);
    return rc ? rc : j->rc;
}

/* ---- leases ---- */

static op_rc take(struct store_tx *tx, struct job *j)
{
    return tx->ops->lease_take(tx, "poll", j->owner, j->now, j->until, &j->got);
}

static op_rc give_back(struct store_tx *tx, struct job *j)
{
    return tx->ops->lease_release(tx, "poll", j->owner);
}

static bool lease(struct fx *f, const char *owner, op_time now, op_time until)
{
    struct job j = {.fn = take, .owner = owner, .now = now, .until = until};
    assert_int_equal(w(f, &j), OP_OK);
    return j.got;
}

static void test_leases(void **state)
{
    struct fx *f = *state;
    assert_true(lease(f, "A", 1000, 2000));
    assert_false(lease(f, "B", 1500, 2500));  /* held by A */
    assert_true(lease(f, "A", 1500, 3000));   /* A renews */
    assert_false(lease(f, "B", 2999, 4000));
    assert_true(lease(f, "B", 3000, 4000));   /* expired: B takes it over */
    struct job r = {.fn = give_back, .owner = "A"};
    assert_int_equal(w(f, &r), OP_OK);        /* not A's: nothing happens */
    assert_false(lease(f, "A", 3500, 5000));
    r.owner = "B";
    assert_int_equal(w(f, &r), OP_OK);
    assert_true(lease(f, "A", 3500, 5000));
}

/* ---- clocks as timers ---- */

static op_rc make_tickets(struct store_tx *tx, struct job *j)
{
    struct user u = {.role = ROLE_CUSTOMER, .name = "c", .email = "c@x.y", .phone = "",
                     .telegram = "", .language = "en", .time_zone = "", .password_hash = "",
                     .active = true, .created_at = 1, .updated_at = 1};
    op_rc rc = tx->ops->user_insert(tx, &u);
    for (int i = 0; !rc && i < 3; i++) {
        struct ticket t = {.subject = "s", .description = "d", .requester_id = u.id,
                           .custom_fields = "{}", .created_at = 1, .updated_at = 1};
        rc = tx->ops->ticket_insert(tx, &t);
        j->ids[i] = t.id;
    }
    return rc;
}

static op_rc put(struct store_tx *tx, struct job *j)
{
    return tx->ops->sla->state_put(tx, &j->st);
}

static op_rc claim(struct store_tx *tx, struct job *j)
{
    return tx->ops->sla->state_claim(tx, j->now, j->owner, j->until, 10, j->a, &j->claimed);
}

static op_rc held(struct store_tx *tx, struct job *j)
{
    return tx->ops->sla->state_lease_held(tx, j->ids[0], j->owner, j->now, &j->got);
}

static op_rc scan(struct store_tx *tx, struct job *j)
{
    return tx->ops->sla->state_scan(tx, 5, 0, 100, j->a, &j->scan, &j->n);
}

static op_rc get(struct store_tx *tx, struct job *j)
{
    return tx->ops->sla->state_get(tx, j->ids[0], &j->st);
}

static struct sla_state state_of(int64_t ticket, op_time next_at, bool running)
{
    struct sla_state s;
    sla_init(&s, ticket);
    s.calendar_id = 5;
    s.warn_percent = 80;
    s.c[SLA_FIRST_RESPONSE] = (struct sla_clock){.target_ms = 60000, .business = true,
                                                 .started_at = 10,
                                                 .running_since = running ? 10 : 0,
                                                 .elapsed_ms = 7, .due_at = next_at};
    s.next_at = next_at;
    s.due_at = next_at;
    return s;
}

static struct id_list claimed(struct fx *f, op_time now, const char *owner, op_time until)
{
    struct job j = {.fn = claim, .now = now, .owner = owner, .until = until};
    assert_int_equal(w(f, &j), OP_OK);
    return j.claimed;
}

static void test_clock_timers_and_leases(void **state)
{
    struct fx *f = *state;
    struct job mk = {.fn = make_tickets};
    assert_int_equal(w(f, &mk), OP_OK);
    op_time next[3] = {100, 200, 0};
    for (int i = 0; i < 3; i++) {
        struct job p = {.fn = put, .st = state_of(mk.ids[i], next[i], i != 2)};
        assert_int_equal(w(f, &p), OP_OK);
    }
    struct id_list c = claimed(f, 150, "A", 1150);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.v[0], mk.ids[0]);
    assert_int_equal(claimed(f, 150, "B", 1150).n, 0);   /* A holds the only due one */
    c = claimed(f, 250, "B", 1250);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.v[0], mk.ids[1]);

    struct job h = {.fn = held, .ids = {mk.ids[0]}, .owner = "A", .now = 300};
    assert_int_equal(w(f, &h), OP_OK);
    assert_true(h.got);
    h.owner = "B";
    assert_int_equal(w(f, &h), OP_OK);
    assert_false(h.got);
    h.owner = "A", h.now = 1150;                          /* expired */
    assert_int_equal(w(f, &h), OP_OK);
    assert_false(h.got);

    /* an expired lease is taken over by another node */
    c = claimed(f, 1200, "B", 2200);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.v[0], mk.ids[0]);
    /* writing the clocks frees the lease */
    struct job p = {.fn = put, .st = state_of(mk.ids[0], 100, true)};
    assert_int_equal(w(f, &p), OP_OK);
    c = claimed(f, 1240, "A", 2240);
    assert_int_equal(c.n, 1);                             /* t2 is still B's until 1250 */
    assert_int_equal(c.v[0], mk.ids[0]);

    /* the state reads back as written */
    struct job g = {.fn = get, .ids = {mk.ids[0]}};
    assert_int_equal(w(f, &g), OP_OK);
    assert_int_equal(g.st.next_at, 100);
    assert_int_equal(g.st.calendar_id, 5);
    assert_int_equal(g.st.c[SLA_FIRST_RESPONSE].elapsed_ms, 7);
    g.ids[0] = mk.ids[0] + 100;
    assert_int_equal(w(f, &g), OP_ERR_NOTFOUND);

    /* the recompute scan sees the running ones of the calendar */
    struct job s = {.fn = scan};
    assert_int_equal(w(f, &s), OP_OK);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.scan[0].ticket_id, mk.ids[0]);
}

/* ---- calendars and policies ---- */

static op_rc cal_insert(struct store_tx *tx, struct job *j)
{
    return tx->ops->sla->calendar_insert(tx, &j->cal);
}

static op_rc cal_get(struct store_tx *tx, struct job *j)
{
    return tx->ops->sla->calendar_get(tx, j->cal.id, j->a, &j->cal);
}

static op_rc cal_update(struct store_tx *tx, struct job *j)
{
    return tx->ops->sla->calendar_update(tx, &j->cal);
}

static op_rc pol_insert(struct store_tx *tx, struct job *j)
{
    op_rc rc = tx->ops->sla->policy_insert(tx, &j->pol);
    return rc ? rc : tx->ops->sla->policy_using_calendar(tx, j->pol.calendar_id, &j->policy_using);
}

static op_rc pol_get(struct store_tx *tx, struct job *j)
{
    return tx->ops->sla->policy_get(tx, j->pol.id, j->a, &j->pol);
}

static void test_calendar_and_policy_roundtrip(void **state)
{
    struct fx *f = *state;
    struct cal_exception exc[2] = {
        {.date = cal_date(2026, 1, 9), .kind = CAL_HOLIDAY, .name = "day off"},
        {.date = cal_date(2025, 11, 1), .kind = CAL_WORKDAY, .name = "",
         .hours = {1, {{9 * 60, 17 * 60}}}},
    };
    struct job j = {.fn = cal_insert,
                    .cal = {.name = "Office", .time_zone = "Europe/Moscow", .exc = exc,
                            .n_exc = 2, .recompute_after = -1, .created_at = 1, .updated_at = 2}};
    j.cal.week[0] = (struct cal_day){2, {{9 * 60, 13 * 60}, {14 * 60, 18 * 60}}};
    assert_int_equal(w(f, &j), OP_OK);
    int64_t id = j.cal.id;
    struct job g = {.fn = cal_get, .cal = {.id = id}};
    assert_int_equal(w(f, &g), OP_OK);
    assert_string_equal(g.cal.name, "Office");
    assert_int_equal(g.cal.week[0].n, 2);
    assert_int_equal(g.cal.week[0].s[1].from, 14 * 60);
    assert_int_equal(g.cal.week[1].n, 0);
    assert_int_equal(g.cal.n_exc, 2);
    assert_int_equal(g.cal.exc[0].date, cal_date(2025, 11, 1)); /* by date */
    assert_int_equal(g.cal.exc[0].kind, CAL_WORKDAY);
    assert_int_equal(g.cal.exc[0].hours.s[0].to, 17 * 60);
    assert_string_equal(g.cal.exc[1].name, "day off");
    assert_int_equal(g.cal.recompute_after, -1);

    /* an update replaces the exceptions */
    g.fn = cal_update;
    g.cal.n_exc = 1;
    g.cal.exc = &exc[0];
    assert_int_equal(w(f, &g), OP_OK);
    g.fn = cal_get;
    assert_int_equal(w(f, &g), OP_OK);
    assert_int_equal(g.cal.n_exc, 1);

    /* a second calendar of the same name: conflict */
    struct job dup = {.fn = cal_insert,
                      .cal = {.name = "office", .time_zone = "UTC", .recompute_after = -1}};
    assert_int_equal(w(f, &dup), OP_ERR_CONFLICT);

    int64_t groups[2] = {0, 0};
    struct job p = {.fn = pol_insert,
                    .pol = {.name = "High", .position = 2, .active = true,
                            .priority_mask = 1u << PRIO_HIGH,
                            .organization_ids = {groups, 0},
                            .target = {{60, true}, {0, true}, {480, false}},
                            .calendar_id = id, .warn_percent = 75, .escalate_tier = TIER_L2,
                            .actions = SLA_ACT_ESCALATE | SLA_ACT_NOTIFY_LEAD}};
    assert_int_equal(w(f, &p), OP_OK);
    assert_int_equal(p.policy_using, p.pol.id);
    struct job pg = {.fn = pol_get, .pol = {.id = p.pol.id}};
    assert_int_equal(w(f, &pg), OP_OK);
    assert_string_equal(pg.pol.name, "High");
    assert_int_equal(pg.pol.priority_mask, 1u << PRIO_HIGH);
    assert_int_equal(pg.pol.target[SLA_RESOLUTION].minutes, 480);
    assert_false(pg.pol.target[SLA_RESOLUTION].business);
    assert_int_equal(pg.pol.escalate_tier, TIER_L2);
    assert_int_equal(pg.pol.actions, SLA_ACT_ESCALATE | SLA_ACT_NOTIFY_LEAD);
    assert_int_equal(pg.pol.warn_percent, 75);
    assert_int_equal(pg.pol.group_ids.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_leases, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_clock_timers_and_leases, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_calendar_and_policy_roundtrip, fx_setup,
                                        fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
