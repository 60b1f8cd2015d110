/* test_account.c - staff invitation and reset links in the SQLite backend
 * (src/store/sqlite_account.c) on a real database file: insert and read
 * back by hash, one hash once, a link used once, every link of a user
 * voided, the pending link of a user (newest, not used, not expired),
 * pruning, and the schema's checks. */
#include "base/common.h"

#include "sqlite_fixture.h"
#include "store/store_account.h"

#define T0 ((int64_t)1790000000000)
#define HOUR ((int64_t)3600 * 1000)

static void hash_of(uint8_t h[32], int seed)
{
    for (int i = 0; i < 32; i++)
        h[i] = (uint8_t)(seed * 31 + i);
}

struct put {
    uint8_t hash[32];
    struct account_token t;
    op_rc rc;
};

static op_rc put_fn(struct store_tx *tx, void *arg)
{
    struct put *p = arg;
    p->rc = tx->ops->account->token_insert(tx, p->hash, &p->t);
    return OP_OK; /* the result is asserted by the test */
}

static struct put put_token(struct fx *f, int seed, int64_t user, enum account_kind kind,
                            op_time created, op_time ttl)
{
    struct put p = {
        .t = {.user_id = user, .kind = kind, .created_at = created, .expires_at = created + ttl}};
    hash_of(p.hash, seed);
    assert_int_equal(store_write(f->s, put_fn, &p), OP_OK);
    return p;
}

struct get {
    uint8_t hash[32];
    int64_t user, id;
    op_time at;
    struct account_token out;
};

static op_rc get_fn(struct store_tx *tx, void *arg)
{
    struct get *g = arg;
    return tx->ops->account->token_get(tx, g->hash, &g->out);
}

static op_rc use_fn(struct store_tx *tx, void *arg)
{
    struct get *g = arg;
    return tx->ops->account->token_use(tx, g->id, g->at);
}

static op_rc use_all_fn(struct store_tx *tx, void *arg)
{
    struct get *g = arg;
    return tx->ops->account->token_use_all(tx, g->user, g->at);
}

static op_rc pending_fn(struct store_tx *tx, void *arg)
{
    struct get *g = arg;
    return tx->ops->account->token_pending(tx, g->user, g->at, &g->out);
}

static op_rc prune_fn(struct store_tx *tx, void *arg)
{
    struct get *g = arg;
    return tx->ops->account->token_prune(tx, g->at);
}

static void test_insert_get(void **state)
{
    struct fx *f = *state;
    int64_t u = fx_add_user(f, "Anna", "anna@example.com", ROLE_AGENT, 0);
    struct put p = put_token(f, 1, u, ACCOUNT_INVITE, T0, 7 * 24 * HOUR);
    assert_int_equal(p.rc, OP_OK);
    assert_true(p.t.id > 0);

    struct get g = {0};
    memcpy(g.hash, p.hash, 32);
    assert_int_equal(store_read(f->s, get_fn, &g), OP_OK);
    assert_int_equal(g.out.id, p.t.id);
    assert_int_equal(g.out.user_id, u);
    assert_int_equal(g.out.kind, ACCOUNT_INVITE);
    assert_int_equal(g.out.created_at, T0);
    assert_int_equal(g.out.expires_at, T0 + 7 * 24 * HOUR);
    assert_int_equal(g.out.used_at, 0);

    /* a reset link reads back as one */
    struct put r = put_token(f, 2, u, ACCOUNT_RESET, T0, HOUR);
    assert_int_equal(r.rc, OP_OK);
    memcpy(g.hash, r.hash, 32);
    assert_int_equal(store_read(f->s, get_fn, &g), OP_OK);
    assert_int_equal(g.out.kind, ACCOUNT_RESET);

    /* an unknown hash is not found; the same hash twice is a conflict */
    hash_of(g.hash, 99);
    assert_int_equal(store_read(f->s, get_fn, &g), OP_ERR_NOTFOUND);
    struct put again = put_token(f, 1, u, ACCOUNT_RESET, T0, HOUR);
    assert_int_equal(again.rc, OP_ERR_CONFLICT);
    /* a link of nobody is refused by the foreign key */
    struct put orphan = put_token(f, 3, 4242, ACCOUNT_RESET, T0, HOUR);
    assert_int_not_equal(orphan.rc, OP_OK);

    /* only the hash is stored, and the kind is one of the two */
    sqlite3 *db = fx_raw(f);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM account_tokens"), 2);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM account_tokens WHERE kind = 'invite'"),
                     1);
    assert_int_not_equal(sqlite3_exec(db,
                                      "INSERT INTO account_tokens(token_hash, kind, user_id, "
                                      "created_at, expires_at) VALUES (zeroblob(32), 'other', 1, "
                                      "1, 2)",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db,
                                      "INSERT INTO account_tokens(token_hash, kind, user_id, "
                                      "created_at, expires_at) VALUES (zeroblob(8), 'reset', 1, "
                                      "1, 2)",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
    sqlite3_close(db);
}

static void test_use_once(void **state)
{
    struct fx *f = *state;
    int64_t u = fx_add_user(f, "Boris", "boris@example.com", ROLE_AGENT, 0);
    int64_t other = fx_add_user(f, "Vera", "vera@example.com", ROLE_LEAD, 0);
    struct put a = put_token(f, 10, u, ACCOUNT_RESET, T0, HOUR);
    struct put b = put_token(f, 11, u, ACCOUNT_RESET, T0 + 1000, HOUR);
    struct put c = put_token(f, 12, other, ACCOUNT_INVITE, T0, HOUR);

    struct get g = {.id = a.t.id, .at = T0 + 5000};
    assert_int_equal(store_write(f->s, use_fn, &g), OP_OK);
    /* the second use of one link loses */
    g.at = T0 + 6000;
    assert_int_equal(store_write(f->s, use_fn, &g), OP_ERR_NOTFOUND);
    memcpy(g.hash, a.hash, 32);
    assert_int_equal(store_read(f->s, get_fn, &g), OP_OK);
    assert_int_equal(g.out.used_at, T0 + 5000); /* the first use's time stays */

    /* voiding every link of u: b is used now, a keeps its time, c (another user) is untouched */
    g = (struct get){.user = u, .at = T0 + 9000};
    assert_int_equal(store_write(f->s, use_all_fn, &g), OP_OK);
    memcpy(g.hash, b.hash, 32);
    assert_int_equal(store_read(f->s, get_fn, &g), OP_OK);
    assert_int_equal(g.out.used_at, T0 + 9000);
    memcpy(g.hash, a.hash, 32);
    assert_int_equal(store_read(f->s, get_fn, &g), OP_OK);
    assert_int_equal(g.out.used_at, T0 + 5000);
    memcpy(g.hash, c.hash, 32);
    assert_int_equal(store_read(f->s, get_fn, &g), OP_OK);
    assert_int_equal(g.out.used_at, 0);
    g.id = b.t.id;
    assert_int_equal(store_write(f->s, use_fn, &g), OP_ERR_NOTFOUND);
}

static void test_pending_and_prune(void **state)
{
    struct fx *f = *state;
    int64_t u = fx_add_user(f, "Gleb", "gleb@example.com", ROLE_AGENT, 0);
    struct get g = {.user = u, .at = T0};
    assert_int_equal(store_read(f->s, pending_fn, &g), OP_ERR_NOTFOUND);

    struct put old = put_token(f, 20, u, ACCOUNT_INVITE, T0, 7 * 24 * HOUR);
    struct put newer = put_token(f, 21, u, ACCOUNT_RESET, T0 + HOUR, HOUR);
    /* the newest of those not used and not expired */
    g.at = T0 + HOUR + 1;
    assert_int_equal(store_read(f->s, pending_fn, &g), OP_OK);
    assert_int_equal(g.out.id, newer.t.id);
    assert_int_equal(g.out.kind, ACCOUNT_RESET);
    /* once the newer expires, the older is the pending one */
    g.at = T0 + 2 * HOUR;
    assert_int_equal(store_read(f->s, pending_fn, &g), OP_OK);
    assert_int_equal(g.out.id, old.t.id);
    /* once used, nothing is pending */
    struct get use = {.id = old.t.id, .at = T0 + 2 * HOUR};
    assert_int_equal(store_write(f->s, use_fn, &use), OP_OK);
    assert_int_equal(store_read(f->s, pending_fn, &g), OP_ERR_NOTFOUND);

    /* pruning forgets what expired before the time given, and only that */
    struct get pr = {.at = T0 + 2 * HOUR + 1};
    assert_int_equal(store_write(f->s, prune_fn, &pr), OP_OK);
    memcpy(g.hash, newer.hash, 32);
    assert_int_equal(store_read(f->s, get_fn, &g), OP_ERR_NOTFOUND);
    memcpy(g.hash, old.hash, 32);
    assert_int_equal(store_read(f->s, get_fn, &g), OP_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_insert_get, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_use_once, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_pending_and_prune, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
