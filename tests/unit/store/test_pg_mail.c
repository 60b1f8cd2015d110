/* test_pg_mail.c - the email channel's tables in the PostgreSQL backend
 * (src/store/pg_mail.c): run_alone batches (as test_mail_store.c on
 * SQLite), mailboxes and their leases, the Message-ID map, the outbox with
 * claims by two nodes, rejections, and the signing key. */
#include "base/common.h"

#include "pg_fixture.h"
#include "store/store_mail.h"

/* ---- run_alone ---- */

struct one {
    const char *message_id;
    bool fail_after_insert;
};

struct batch {
    const struct one *v;
    size_t n;
    op_rc rc[8];
    op_rc last;
};

static op_rc one_fn(struct store_tx *tx, void *arg)
{
    const struct one *o = arg;
    struct mail_seen s = {
        .message_id = (char *)o->message_id, .outcome = "ticket", .created_at = 1};
    op_rc rc = tx->ops->mail->seen_insert(tx, &s);
    if (!rc && o->fail_after_insert) rc = OP_ERR_INVALID;
    return rc;
}

static op_rc batch_fn(struct store_tx *tx, void *arg)
{
    struct batch *b = arg;
    /* a statement before the batch leaves its savepoint open (pg.c) */
    struct mail_rejection r = {.source = "mail-in", .reason = "before", .created_at = 1};
    op_rc rc = tx->ops->mail->rejection_insert(tx, &r);
    for (size_t i = 0; i < b->n && rc == OP_OK; i++)
        b->rc[i] = tx->ops->mail->run_alone(tx, one_fn, (void *)&b->v[i]);
    /* and the transaction goes on after it */
    r.reason = "after";
    return rc ? rc : (b->last = tx->ops->mail->rejection_insert(tx, &r));
}

static void test_run_alone(void **state)
{
    struct fx *f = *state;
    const struct one v[] = {{"a@x", false}, {"b@x", true}, {"a@x", false}, {"c@x", false}};
    struct batch b = {v, ARRAY_SIZE(v), {0}, OP_OK};
    assert_int_equal(store_write(f->s, batch_fn, &b), OP_OK);
    assert_int_equal(b.rc[0], OP_OK);
    assert_int_equal(b.rc[1], OP_ERR_INVALID);
    assert_int_equal(b.rc[2], OP_ERR_CONFLICT);
    assert_int_equal(b.rc[3], OP_OK);
    assert_int_equal(b.last, OP_OK);
    PGconn *c = fx_pg(f);
    assert_int_equal(fx_pg_int(c, "SELECT count(*) FROM mail_messages"), 2);
    assert_int_equal(fx_pg_int(c, "SELECT count(*) FROM mail_messages WHERE message_id = 'b@x'"),
                     0);
    assert_int_equal(fx_pg_int(c, "SELECT count(*) FROM mail_rejections"), 2);
    PQfinish(c);
}

/* ---- mailboxes, the Message-ID map, rejections, the key ---- */

struct misc {
    struct mailbox mb, dup;
    op_rc rc_dup;
    bool got_a, got_b, got_b_later;
    struct mail_seen in, out_seen;
    op_rc rc_uid, rc_last, rc_none;
    char *last;
    struct mailbox *list;
    size_t n_list;
    uint8_t key[32], key2[32];
    struct mail_rejection *rej;
    size_t n_rej;
    struct arena *a;
};

static op_rc misc_fn(struct store_tx *tx, void *arg)
{
    struct misc *m = arg;
    const struct store_mail_ops *ml = tx->ops->mail;
    op_rc rc = ml->mailbox_insert(tx, &m->mb);
    if (rc) return rc;
    m->rc_dup = ml->mailbox_insert(tx, &m->dup);
    if ((rc = ml->mailbox_lease(tx, m->mb.id, "node-a", 100, 200, &m->got_a)) ||
        (rc = ml->mailbox_lease(tx, m->mb.id, "node-b", 150, 250, &m->got_b)) ||
        (rc = ml->mailbox_lease(tx, m->mb.id, "node-b", 200, 300, &m->got_b_later)) ||
        (rc = ml->mailbox_set_state(tx, m->mb.id, 7, 42, 200, "")) ||
        (rc = ml->mailbox_list(tx, m->a, &m->list, &m->n_list)))
        return rc;
    struct mail_seen s = {.message_id = "m1@x",
                          .outcome = "ticket",
                          .mailbox_id = m->mb.id,
                          .uidvalidity = 7,
                          .uid = 42,
                          .created_at = 10};
    struct mail_seen o = {
        .message_id = "m2@x", .outgoing = true, .outcome = "sent", .created_at = 20};
    if ((rc = ml->seen_insert(tx, &s)) || (rc = ml->seen_insert(tx, &o))) return rc;
    m->rc_uid = ml->seen_get_uid(tx, m->mb.id, 7, 42, m->a, &m->in);
    m->rc_none = ml->seen_get(tx, "nope@x", m->a, &m->out_seen);
    if ((rc = ml->seen_get(tx, "m2@x", m->a, &m->out_seen))) return rc;
    m->rc_last = ml->seen_last(tx, 12345, m->a, &m->last);
    struct mail_rejection r = {.source = "box",
                               .message_id = "r@x",
                               .sender = "s@x",
                               .reason = "too big",
                               .size = 99,
                               .created_at = 5};
    if ((rc = ml->rejection_insert(tx, &r)) ||
        (rc = ml->rejection_list(tx, 0, 10, m->a, &m->rej, &m->n_rej)) ||
        (rc = ml->key_get(tx, m->key)) || (rc = ml->key_get(tx, m->key2)))
        return rc;
    return ml->mailbox_delete(tx, m->mb.id);
}

static void test_mailboxes_seen_key(void **state)
{
    struct fx *f = *state;
    struct misc m = {
        .mb = {.name = "Support", .url = "imap://h/INBOX", .created_at = 1, .active = true},
        .dup = {.name = "SUPPORT", .url = "imap://h/X", .created_at = 1},
        .a = &f->a};
    assert_int_equal(store_write(f->s, misc_fn, &m), OP_OK);
    assert_int_equal(m.rc_dup, OP_ERR_CONFLICT); /* names are case-insensitive */
    assert_true(m.got_a);
    assert_false(m.got_b);      /* held by a until 200 */
    assert_true(m.got_b_later); /* expired */
    assert_int_equal(m.n_list, 1);
    assert_int_equal(m.list[0].uidvalidity, 7);
    assert_int_equal(m.list[0].last_uid, 42);
    assert_int_equal(m.rc_uid, OP_OK);
    assert_string_equal(m.in.message_id, "m1@x");
    assert_int_equal(m.rc_none, OP_ERR_NOTFOUND);
    assert_true(m.out_seen.outgoing);
    assert_int_equal(m.out_seen.uid, 0);
    assert_int_equal(m.rc_last, OP_ERR_NOTFOUND);
    assert_int_equal(m.n_rej, 1);
    assert_int_equal(m.rej[0].size, 99);
    assert_memory_equal(m.key, m.key2, 32);
    uint8_t zero[32] = {0};
    assert_memory_not_equal(m.key, zero, 32);
}

/* ---- the outbox ---- */

struct claim {
    const char *owner;
    op_time now, until;
    struct outbox_msg *v;
    size_t n;
    struct arena *a;
};

static op_rc claim_fn(struct store_tx *tx, void *arg)
{
    struct claim *c = arg;
    return tx->ops->mail->outbox_claim(tx, c->owner, c->now, c->until, 10, c->a, &c->v, &c->n);
}

static op_rc outbox_fill(struct store_tx *tx, void *arg)
{
    UNUSED(arg);
    for (int i = 0; i < 3; i++) {
        struct outbox_msg m = {.kind = "reply",
                               .to_addr = "c@x",
                               .subject = "s",
                               .body = "b",
                               .message_id = "o@x",
                               .next_attempt_at = 100 + i,
                               .created_at = 1};
        op_rc rc = tx->ops->mail->outbox_insert(tx, &m);
        if (rc) return rc;
    }
    return OP_OK;
}

struct done {
    int64_t sent_id, failed_id;
    op_rc rc_sent, rc_sent_other, rc_failed;
    struct outbox_counts counts;
    struct outbox_msg *failed;
    size_t n_failed;
    struct arena *a;
};

static op_rc done_fn(struct store_tx *tx, void *arg)
{
    struct done *d = arg;
    const struct store_mail_ops *ml = tx->ops->mail;
    d->rc_sent_other = ml->outbox_sent(tx, d->sent_id, "node-b", 150);
    d->rc_sent = ml->outbox_sent(tx, d->sent_id, "node-a", 150);
    d->rc_failed = ml->outbox_failed(tx, d->failed_id, "node-a", "550 no", 0, true, 150);
    op_rc rc = ml->outbox_counts(tx, &d->counts);
    return rc ? rc : ml->outbox_list(tx, "failed", 0, 10, d->a, &d->failed, &d->n_failed);
}

static void test_outbox(void **state)
{
    struct fx *f = *state;
    assert_int_equal(store_write(f->s, outbox_fill, NULL), OP_OK);
    struct claim a = {"node-a", 101, 1000, NULL, 0, &f->a};
    struct claim b = {"node-b", 102, 1000, NULL, 0, &f->a};
    assert_int_equal(store_write(f->s, claim_fn, &a), OP_OK);
    assert_int_equal(a.n, 2); /* due by 101 */
    assert_int_equal(store_write(f->s, claim_fn, &b), OP_OK);
    assert_int_equal(b.n, 1); /* the third; a's two are leased */
    assert_true(b.v[0].id != a.v[0].id && b.v[0].id != a.v[1].id);
    struct done d = {.sent_id = a.v[0].id, .failed_id = a.v[1].id, .a = &f->a};
    assert_int_equal(store_write(f->s, done_fn, &d), OP_OK);
    assert_int_equal(d.rc_sent_other, OP_ERR_NOTFOUND);
    assert_int_equal(d.rc_sent, OP_OK);
    assert_int_equal(d.rc_failed, OP_OK);
    assert_int_equal(d.counts.pending, 1);
    assert_int_equal(d.counts.sent, 1);
    assert_int_equal(d.counts.failed, 1);
    assert_int_equal(d.n_failed, 1);
    assert_string_equal(d.failed[0].last_error, "550 no");
    assert_int_equal(d.failed[0].attempts, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_run_alone, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_mailboxes_seen_key, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_outbox, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
