/* test_sqlite_viewers.c - who has a ticket open, in the SQLite backend
 * (src/store/sqlite_viewers.c) on a real database file: insert and refresh
 * one row per (ticket, user), the time window of list, prune, drop. */
#include "base/common.h"

#include "sqlite_fixture.h"
#include "store/store_viewers.h"

#define T0 ((int64_t)1790000000000)

struct beats {
    op_rc rc[8];
};

static op_rc beats_fn(struct store_tx *tx, void *arg)
{
    struct beats *b = arg;
    const struct store_viewers_ops *v = tx->ops->viewers;
    b->rc[0] = v->put(tx, 10, 1, false, T0);
    b->rc[1] = v->put(tx, 10, 2, true, T0 + 1000);
    b->rc[2] = v->put(tx, 11, 1, false, T0);
    b->rc[3] = v->put(tx, 10, 1, true, T0 + 5000); /* a refresh, not a second row */
    return OP_OK;
}

struct listing {
    int64_t ticket;
    op_time since;
    struct ticket_viewer *v;
    size_t n;
    struct arena *a;
};

static op_rc list_fn(struct store_tx *tx, void *arg)
{
    struct listing *l = arg;
    return tx->ops->viewers->list(tx, l->ticket, l->since, l->a, &l->v, &l->n);
}

static op_rc prune_fn(struct store_tx *tx, void *arg)
{
    (void)arg;
    return tx->ops->viewers->prune(tx, T0 + 1000); /* drops (11, 1) seen at T0 only */
}

static op_rc drop_fn(struct store_tx *tx, void *arg)
{
    (void)arg;
    op_rc rc = tx->ops->viewers->drop(tx, 10, 2);
    return rc ? rc : tx->ops->viewers->drop(tx, 10, 99); /* absent: fine */
}

static void test_viewers(void **state)
{
    struct fx *f = *state;
    struct beats b = {{0}};
    assert_int_equal(store_write(f->s, beats_fn, &b), OP_OK);
    for (int i = 0; i < 4; i++)
        assert_int_equal(b.rc[i], OP_OK);

    struct listing l = {.ticket = 10, .since = T0, .a = &f->a};
    assert_int_equal(store_read(f->s, list_fn, &l), OP_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.v[0].user_id, 1);
    assert_true(l.v[0].typing);
    assert_int_equal(l.v[0].seen_at, T0 + 5000);
    assert_int_equal(l.v[1].user_id, 2);
    assert_true(l.v[1].typing);

    /* the window: only those seen at or after since */
    l.since = T0 + 2000;
    assert_int_equal(store_read(f->s, list_fn, &l), OP_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].user_id, 1);

    sqlite3 *db = fx_raw(f);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM ticket_viewers"), 3);
    assert_int_equal(store_write(f->s, prune_fn, NULL), OP_OK);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM ticket_viewers"), 2);
    sqlite3_close(db);
    l.ticket = 11, l.since = 0;
    assert_int_equal(store_read(f->s, list_fn, &l), OP_OK);
    assert_int_equal(l.n, 0);

    assert_int_equal(store_write(f->s, drop_fn, NULL), OP_OK);
    l.ticket = 10;
    assert_int_equal(store_read(f->s, list_fn, &l), OP_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].user_id, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_viewers, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
