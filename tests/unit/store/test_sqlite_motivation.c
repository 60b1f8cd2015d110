/* test_sqlite_motivation.c - level plans, pay and approved bonus months in
 * the SQLite backend (src/store/sqlite_motivation.c) on a real database
 * file: levels replaced as a whole and read back with their goals (fractions
 * kept), pay inserted then updated, an approved month stored once (a second
 * approval is a conflict and leaves nothing behind), its statements by user. */
#include "base/common.h"

#include "sqlite_fixture.h"
#include "store/store_motivation.h"

struct levels_read {
    struct arena *a;
    struct level_plan *v;
    size_t n;
};

static op_rc levels_read_fn(struct store_tx *tx, void *arg)
{
    struct levels_read *r = arg;
    return tx->ops->motivation->levels(tx, r->a, &r->v, &r->n);
}

static op_rc levels_put_fn(struct store_tx *tx, void *arg)
{
    struct levels_read *r = arg;
    return tx->ops->motivation->levels_put(tx, r->v, r->n);
}

static void test_levels(void **state)
{
    struct fx *f = *state;
    struct levels_read r = {.a = &f->a};
    assert_int_equal(store_read(f->s, levels_read_fn, &r), OP_OK);
    assert_int_equal(r.n, 0); /* nothing stored: the app uses the defaults */

    struct level_plan v[3];
    assert_int_equal(level_plan_defaults(v, 3), 3);
    struct levels_read w = {.v = v, .n = 3};
    assert_int_equal(store_write(f->s, levels_put_fn, &w), OP_OK);
    assert_true(v[0].id > 0 && v[2].id > v[0].id);
    assert_int_equal(store_read(f->s, levels_read_fn, &r), OP_OK);
    assert_int_equal(r.n, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(r.v[i].name, v[i].name);
        assert_int_equal(r.v[i].rank, v[i].rank);
        assert_int_equal(r.v[i].pay_max, v[i].pay_max);
        assert_int_equal(r.v[i].bonus_cap_pct, v[i].bonus_cap_pct);
        assert_int_equal(r.v[i].n_goals, v[i].n_goals);
        for (size_t k = 0; k < v[i].n_goals; k++) {
            assert_string_equal(r.v[i].goals[k].key, v[i].goals[k].key);
            assert_true(r.v[i].goals[k].lower_is_better == v[i].goals[k].lower_is_better);
            assert_true(r.v[i].goals[k].target == v[i].goals[k].target);
            assert_true(r.v[i].goals[k].threshold == v[i].goals[k].threshold);
            assert_int_equal(r.v[i].goals[k].weight, v[i].goals[k].weight);
        }
    }
    assert_true(r.v[2].goals[2].threshold == 2.5); /* a fraction survives */

    /* replaced as a whole: one level left */
    v[0].goals[0].target = 12.25;
    w.n = 1;
    assert_int_equal(store_write(f->s, levels_put_fn, &w), OP_OK);
    assert_int_equal(store_read(f->s, levels_read_fn, &r), OP_OK);
    assert_int_equal(r.n, 1);
    assert_true(r.v[0].goals[0].target == 12.25);
    sqlite3 *db = fx_raw(f);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM level_goals"), 3);
    sqlite3_close(db);
}

struct pay_job {
    struct agent_pay in, out;
    op_rc get_rc;
    struct arena *a;
    struct agent_pay *list;
    size_t n;
};

static op_rc pay_put_fn(struct store_tx *tx, void *arg)
{
    struct pay_job *j = arg;
    return tx->ops->motivation->pay_put(tx, &j->in);
}

static op_rc pay_get_fn(struct store_tx *tx, void *arg)
{
    struct pay_job *j = arg;
    j->get_rc = tx->ops->motivation->pay_get(tx, j->in.user_id, &j->out);
    return tx->ops->motivation->pay_list(tx, j->a, &j->list, &j->n);
}

static void add_user(struct fx *f, int64_t id)
{
    sqlite3 *db = fx_raw(f);
    char sql[160];
    snprintf(sql, sizeof(sql),
             "INSERT INTO users(id, role, level, name, created_at, updated_at) "
             "VALUES (%" PRId64 ", 1, 1, 'A', 0, 0)",
             id);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_pay(void **state)
{
    struct fx *f = *state;
    add_user(f, 7);
    struct pay_job j = {.in = {.user_id = 7}, .a = &f->a};
    assert_int_equal(store_read(f->s, pay_get_fn, &j), OP_OK);
    assert_int_equal(j.get_rc, OP_ERR_NOTFOUND);
    assert_int_equal(j.n, 0);
    j.in = (struct agent_pay){.user_id = 7, .level_rank = 0, .base_pay = 6500000, .updated_at = 5};
    snprintf(j.in.currency, sizeof(j.in.currency), "RUB");
    assert_int_equal(store_write(f->s, pay_put_fn, &j), OP_OK);
    j.in.level_rank = 2, j.in.base_pay = 9000000, j.in.updated_at = 6;
    snprintf(j.in.currency, sizeof(j.in.currency), "EUR");
    assert_int_equal(store_write(f->s, pay_put_fn, &j), OP_OK); /* an update, not a 2nd row */
    assert_int_equal(store_read(f->s, pay_get_fn, &j), OP_OK);
    assert_int_equal(j.get_rc, OP_OK);
    assert_int_equal(j.out.level_rank, 2);
    assert_int_equal(j.out.base_pay, 9000000);
    assert_string_equal(j.out.currency, "EUR");
    assert_int_equal(j.out.updated_at, 6);
    assert_int_equal(j.n, 1);
}

struct month_job {
    struct bonus_month m;
    struct bonus_doc docs[2];
    size_t n;
    struct arena *a;
    struct bonus_month got;
    op_rc get_rc;
    struct bonus_doc *out;
    size_t nout;
    int64_t user;
};

static op_rc month_put_fn(struct store_tx *tx, void *arg)
{
    struct month_job *j = arg;
    return tx->ops->motivation->month_put(tx, &j->m, j->docs, j->n);
}

static op_rc month_get_fn(struct store_tx *tx, void *arg)
{
    struct month_job *j = arg;
    j->get_rc = tx->ops->motivation->month_get(tx, j->m.month, j->a, &j->got);
    return tx->ops->motivation->month_docs(tx, j->m.month, j->user, j->a, &j->out, &j->nout);
}

static void test_months(void **state)
{
    struct fx *f = *state;
    struct month_job j = {.n = 2, .a = &f->a};
    snprintf(j.m.month, sizeof(j.m.month), "2026-03");
    j.m.tz = "Europe/Moscow";
    j.m.from = 100, j.m.to = 200, j.m.events_through = 42, j.m.approved_at = 300;
    j.m.approved_by = 1;
    j.m.summary = "{\"agents\":2}";
    j.docs[0] = (struct bonus_doc){.user_id = 5, .body = "{\"bonus\":1}"};
    j.docs[1] = (struct bonus_doc){.user_id = 9, .body = "{\"bonus\":2}"};
    assert_int_equal(store_read(f->s, month_get_fn, &j), OP_OK);
    assert_int_equal(j.get_rc, OP_ERR_NOTFOUND);
    assert_int_equal(store_write(f->s, month_put_fn, &j), OP_OK);
    assert_int_equal(store_write(f->s, month_put_fn, &j), OP_ERR_CONFLICT); /* once */
    assert_int_equal(store_read(f->s, month_get_fn, &j), OP_OK);
    assert_int_equal(j.get_rc, OP_OK);
    assert_string_equal(j.got.tz, "Europe/Moscow");
    assert_int_equal(j.got.events_through, 42);
    assert_int_equal(j.got.to, 200);
    assert_int_equal(j.nout, 2);
    assert_string_equal(j.out[1].body, "{\"bonus\":2}");
    j.user = 9;
    assert_int_equal(store_read(f->s, month_get_fn, &j), OP_OK);
    assert_int_equal(j.nout, 1);
    assert_int_equal(j.out[0].user_id, 9);
    sqlite3 *db = fx_raw(f);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM bonus_statements"), 2);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_levels, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_pay, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_months, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
