/* test_mail_store.c - the mail store's batch support (store_mail.h
 * run_alone) on a real SQLite file: messages of an IMAP poll share one
 * transaction, yet a message that fails leaves no trace while those before
 * and after it commit. (The store half of the channel; the parser's tests
 * are in test_mail_parse.c.) */
#include "base/common.h"

#include "sqlite_fixture.h"
#include "store/store_mail.h"

struct one {
    const char *message_id;
    bool fail_after_insert; /* the message's work fails once its row is written */
};

struct batch {
    const struct one *v;
    size_t n;
    op_rc rc[8];
};

static size_t current;

static op_rc one_fn(struct store_tx *tx, void *arg)
{
    const struct one *o = arg;
    struct mail_seen s = {.message_id = (char *)o->message_id, .outcome = "ticket",
                          .created_at = 1};
    op_rc rc = tx->ops->mail->seen_insert(tx, &s);
    if (!rc && o->fail_after_insert)
        rc = OP_ERR_INVALID;
    return rc;
}

/* Runs on the writer thread: records, never asserts. */
static op_rc batch_fn(struct store_tx *tx, void *arg)
{
    struct batch *b = arg;
    for (current = 0; current < b->n; current++)
        b->rc[current] = tx->ops->mail->run_alone(tx, one_fn, (void *)&b->v[current]);
    return OP_OK;
}

static void test_run_alone(void **state)
{
    struct fx *f = *state;
    const struct one v[] = {
        {"a@x", false},
        {"b@x", true},  /* fails after writing: undone alone */
        {"a@x", false}, /* a duplicate of the first: CONFLICT, undone alone */
        {"c@x", false},
    };
    struct batch b = {v, ARRAY_SIZE(v), {0}};
    assert_int_equal(store_write(f->s, batch_fn, &b), OP_OK);
    assert_int_equal(b.rc[0], OP_OK);
    assert_int_equal(b.rc[1], OP_ERR_INVALID);
    assert_int_equal(b.rc[2], OP_ERR_CONFLICT);
    assert_int_equal(b.rc[3], OP_OK);
    sqlite3 *db = fx_raw(f);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM mail_messages"), 2);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM mail_messages WHERE message_id = 'b@x'"),
                     0);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM mail_messages WHERE message_id = 'c@x'"),
                     1);
    sqlite3_close(db);
}

/* The whole batch failing takes every message with it (one transaction). */
static op_rc failing_batch_fn(struct store_tx *tx, void *arg)
{
    struct batch *b = arg;
    for (current = 0; current < b->n; current++)
        b->rc[current] = tx->ops->mail->run_alone(tx, one_fn, (void *)&b->v[current]);
    return OP_ERR_IO;
}

static void test_batch_all_or_nothing(void **state)
{
    struct fx *f = *state;
    const struct one v[] = {{"d@x", false}, {"e@x", false}};
    struct batch b = {v, ARRAY_SIZE(v), {0}};
    assert_int_equal(store_write(f->s, failing_batch_fn, &b), OP_ERR_IO);
    assert_int_equal(b.rc[0], OP_OK);
    sqlite3 *db = fx_raw(f);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM mail_messages"), 0);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_run_alone, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_batch_all_or_nothing, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
