/* test_pg_team.c - the team's tables in the PostgreSQL backend
 * (src/store/pg_team.c): the SQLite backend's team tests
 * (test_sqlite_team.c) through pg_fixture.h. Those that end by looking into
 * the SQLite file are run here with the same store calls and the same
 * assertions, and the look behind the store's back done on PostgreSQL. */
#include "base/common.h"

#include "pg_fixture.h"

#define main sqlite_team_main
#include "test_sqlite_team.c"
#undef main

static void test_pg_shifts(void **state)
{
    struct fx *f = *state;
    struct shifts s = {
        .day = {.name = "day",
                .start_min = 540,
                .duration_min = 540,
                .time_zone = "",
                .created_at = 1,
                .updated_at = 1},
        .dup = {.name = "DAY", .start_min = 0, .duration_min = 60, .time_zone = ""},
        .night = {.name = "night",
                  .start_min = 1320,
                  .duration_min = 480,
                  .time_zone = "Europe/Berlin"},
    };
    assert_int_equal(store_write(f->s, shifts_fn, &s), OP_OK);
    assert_true(s.day.id > 0 && s.night.id > s.day.id);
    assert_int_equal(s.rc_dup, OP_ERR_CONFLICT); /* names are case-insensitive */
    assert_int_equal(s.rc_upd, OP_OK);
    assert_int_equal(s.rc_del_missing, OP_ERR_NOTFOUND);

    PGconn *c = fx_pg(f);
    assert_int_equal(fx_pg_int(c, "SELECT count(*) FROM shift_templates"), 2);
    assert_int_equal(fx_pg_int(c, "SELECT duration_min FROM shift_templates WHERE name = 'night'"),
                     600);
    /* the CHECKs hold even behind the store's back */
    assert_false(fx_pg_exec(c, "INSERT INTO shift_templates(name, start_min, duration_min, "
                               "created_at, updated_at) VALUES ('x', 1440, 60, 1, 1)"));
    PQfinish(c);
}

/* test_rota without its look at SQLite's query plan */
static void test_pg_rota(void **state)
{
    struct fx *f = *state;
    struct rota r = {.ar = &f->a};
    r.agent = fx_add_user(f, "Ann", "ann@example.com", ROLE_AGENT, 0);
    r.agent2 = fx_add_user(f, "Bob", "bob@example.com", ROLE_AGENT, 0);
    r.group = fx_add_group(f, "L1", TIER_L1);
    assert_int_equal(store_write(f->s, members_fn, &r), OP_OK);
    assert_int_equal(store_write(f->s, rota_fn, &r), OP_OK);
    assert_int_equal(r.rc_overlap_hit, OP_OK);
    assert_int_equal(r.hit.id, r.e[1].id);
    assert_string_equal(r.hit.shift_name, "day");
    assert_int_equal(r.rc_overlap_touch, OP_ERR_NOTFOUND);
    assert_int_equal(r.rc_overlap_self, OP_ERR_NOTFOUND);
    assert_int_equal(r.rc_del_used, OP_ERR_CONFLICT);
    assert_int_equal(r.rc_fk, OP_ERR_NOTFOUND);

    struct rota_filter flt = {.agent_id = r.agent, .from = 20789, .to = 20790};
    struct rota_entry *v;
    size_t n;
    struct list_q q = {&flt, &f->a, &v, &n};
    assert_int_equal(store_read(f->s, list_fn, &q), OP_OK);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].date, 20789);
    assert_int_equal(v[1].date, 20790);
    flt = (struct rota_filter){.group_id = r.group, .from = 20788, .to = 20800};
    assert_int_equal(store_read(f->s, list_fn, &q), OP_OK);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].agent_id, r.agent2);
    flt = (struct rota_filter){.from = 20788, .to = 20788};
    assert_int_equal(store_read(f->s, list_fn, &q), OP_OK);
    assert_int_equal(n, 2);
    assert_true(v[0].agent_id < v[1].agent_id);

}

static void test_pg_presence(void **state)
{
    struct fx *f = *state;
    struct presence_w w = {.ar = &f->a};
    w.agent = fx_add_user(f, "Ann", "ann@example.com", ROLE_AGENT, 0);
    w.other = fx_add_user(f, "Bob", "bob@example.com", ROLE_AGENT, 0);
    assert_int_equal(store_write(f->s, presence_fn, &w), OP_OK);
    assert_int_equal(w.rc_none, OP_ERR_NOTFOUND);
    assert_int_equal(w.cur.id, w.p3.id);
    assert_int_equal(w.cur.status, PRESENCE_ONLINE);
    assert_int_equal(w.cur.start_at, T0 + H);
    assert_int_equal(w.cur.end_at, 0);
    assert_int_equal(w.n, 3);
    assert_int_equal(w.list[0].status, PRESENCE_ONLINE);
    assert_int_equal(w.list[0].end_at, T0 + H);
    assert_int_equal(w.list[1].status, PRESENCE_BREAK);
    assert_int_equal(w.list[1].start_at, T0 + H);
    assert_int_equal(w.list[1].end_at, T0 + H);
    assert_int_equal(w.list[2].end_at, 0);
    assert_int_equal(w.n_watch, 1);
    assert_int_equal(w.watch[0].cur.agent_id, w.agent);
    assert_int_equal(w.watch[0].last_active_at, T0 + 2 * H);
    assert_true(w.watch[0].live_session);

    PGconn *c = fx_pg(f);
    assert_int_equal(fx_pg_int(c, "SELECT count(*) FROM presence_intervals WHERE end_at IS NULL"),
                     2);
    char sql[200];
    snprintf(sql, sizeof(sql),
             "INSERT INTO presence_intervals(agent_id, status, source, start_at) "
             "VALUES (%" PRId64 ", 1, 0, 5)",
             w.agent);
    assert_false(fx_pg_exec(c, sql)); /* one open interval per agent */
    PQfinish(c);
}

static void test_pg_reassign(void **state)
{
    struct fx *f = *state;
    struct reassign_w w = {.ar = &f->a};
    w.agent = fx_add_user(f, "A", "a@example.com", ROLE_AGENT, 0);
    w.cust = fx_add_user(f, "C", "c@example.com", ROLE_CUSTOMER, 0);
    assert_int_equal(store_write(f->s, reassign_fn, &w), OP_OK);
    assert_int_equal(w.n1, 1);
    assert_int_equal(w.c1[0].ticket_id, w.ticket);
    assert_int_equal(w.c1[0].assigned_at, T0 - 10);
    assert_int_equal(w.n2, 0);
    assert_int_equal(w.rc_fire_other, OP_ERR_NOTFOUND);
    assert_int_equal(w.rc_fire, OP_OK);
    assert_int_equal(w.rc_fire_again, OP_ERR_NOTFOUND);
    assert_int_equal(w.n3, 1);
    assert_int_equal(w.c3[0].ticket_id, w.ticket2);
    assert_false(w.replied_before);
    assert_true(w.replied_after);
    PGconn *c = fx_pg(f);
    assert_int_equal(fx_pg_int(c, "SELECT count(*) FROM reassign_checks"), 1);
    assert_int_equal(
        fx_pg_int(c, "SELECT count(*) FROM reassign_checks WHERE fired_at IS NOT NULL"), 1);
    PQfinish(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pg_shifts, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_pg_rota, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_oncall, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_pg_presence, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_routing, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_pg_reassign, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_settings, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
