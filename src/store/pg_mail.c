/* pg_mail.c - the email channel's tables in PostgreSQL (store_mail.h;
 * schema: migrations/pg/0004_mail.sql): the queries of sqlite_mail.c. */
#include "base/common.h"

#include "store/pgInt.h"
#include "store/store_mail.h"

static void bind_limit(struct pg_stmt *st, size_t limit)
{
    pg_bind_id(st, limit > INT64_MAX ? 0 : (int64_t)limit); /* 0: NULL, no limit */
}

/* ---- mailboxes ---- */

#define MAILBOX_COLS                                                                               \
    "id, name, url, username, password, starttls, move_to, active, uidvalidity, last_uid, "        \
    "polled_at, last_error, created_at"

static op_rc mailbox_row(struct pg_row *r, void *out)
{
    struct mailbox *m = out;
    m->id = pg_col_int(r, 0);
    m->name = pg_col_text(r, 1);
    m->url = pg_col_text(r, 2);
    m->username = pg_col_text(r, 3);
    m->password = pg_col_text(r, 4);
    m->starttls = pg_col_int(r, 5) != 0;
    m->move_to = pg_col_text(r, 6);
    m->active = pg_col_int(r, 7) != 0;
    m->uidvalidity = pg_col_int(r, 8);
    m->last_uid = pg_col_int(r, 9);
    m->polled_at = pg_col_int(r, 10);
    m->last_error = pg_col_text(r, 11);
    m->created_at = pg_col_int(r, 12);
    return OP_OK;
}

static op_rc mailbox_insert(struct store_tx *t, struct mailbox *m)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO mailboxes(name, url, username, password, starttls, move_to, "
                    "active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id");
    pg_bind_text(&st, m->name);
    pg_bind_text(&st, m->url);
    pg_bind_text(&st, m->username);
    pg_bind_text(&st, m->password);
    pg_bind_int(&st, m->starttls);
    pg_bind_text(&st, m->move_to);
    pg_bind_int(&st, m->active);
    pg_bind_int(&st, m->created_at);
    return pg_run_insert(pg_tx(t), &st, &m->id, "mailbox_insert");
}

static op_rc mailbox_get(struct store_tx *t, int64_t id, struct arena *a, struct mailbox *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " MAILBOX_COLS " FROM mailboxes WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_one(pg_tx(t), &st, mailbox_row, a, out, "mailbox_get");
}

static op_rc mailbox_list(struct store_tx *t, struct arena *a, struct mailbox **out, size_t *n)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " MAILBOX_COLS " FROM mailboxes ORDER BY id");
    void *v = NULL;
    op_rc rc =
        pg_list(pg_tx(t), &st, mailbox_row, sizeof(struct mailbox), a, &v, n, "mailbox_list");
    *out = v;
    return rc;
}

static op_rc mailbox_delete(struct store_tx *t, int64_t id)
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM mailboxes WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_run_update(pg_tx(t), &st, "mailbox_delete");
}

static op_rc mailbox_set_state(struct store_tx *t, int64_t id, int64_t uidvalidity,
                               int64_t last_uid, op_time polled_at, const char *last_error)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE mailboxes SET uidvalidity = $1, last_uid = $2, polled_at = $3, "
                    "last_error = $4 WHERE id = $5");
    pg_bind_int(&st, uidvalidity);
    pg_bind_int(&st, last_uid);
    pg_bind_int(&st, polled_at);
    pg_bind_text(&st, last_error);
    pg_bind_int(&st, id);
    return pg_run_update(pg_tx(t), &st, "mailbox_set_state");
}

static op_rc mailbox_lease(struct store_tx *t, int64_t id, const char *owner, op_time now,
                           op_time until, bool *got)
{
    struct pg_stmt st;
    int64_t changed = 0;
    *got = false;
    pg_st_init(&st, "UPDATE mailboxes SET lease_owner = $1, lease_until = $2 WHERE id = $3 "
                    "AND (lease_owner IS NULL OR lease_owner = $1 OR lease_until <= $4)");
    pg_bind_text(&st, owner);
    pg_bind_int(&st, until);
    pg_bind_int(&st, id);
    pg_bind_int(&st, now);
    op_rc rc = pg_run(pg_tx(t), &st, &changed, "mailbox_lease");
    if (rc == OP_OK) *got = changed > 0;
    return rc;
}

/* ---- the Message-ID map ---- */

#define SEEN_COLS                                                                                  \
    "message_id, direction, ticket_id, comment_id, outcome, mailbox_id, uidvalidity, uid, "        \
    "created_at"

static op_rc seen_row(struct pg_row *r, void *out)
{
    struct mail_seen *s = out;
    s->message_id = pg_col_text(r, 0);
    s->outgoing = pg_col_int(r, 1) != 0;
    s->ticket_id = pg_col_int(r, 2);
    s->comment_id = pg_col_int(r, 3);
    s->outcome = pg_col_text(r, 4);
    s->mailbox_id = pg_col_int(r, 5);
    s->uidvalidity = pg_col_int(r, 6);
    s->uid = pg_col_int(r, 7);
    s->created_at = pg_col_int(r, 8);
    return OP_OK;
}

/* Binds v, or NULL when there is no mailbox (uid and uidvalidity may be 0). */
static void bind_if(struct pg_stmt *st, bool have, int64_t v)
{
    if (have)
        pg_bind_int(st, v);
    else
        pg_bind_id(st, 0);
}

static op_rc seen_insert(struct store_tx *t, const struct mail_seen *s)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO mail_messages(" SEEN_COLS
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
    pg_bind_text(&st, s->message_id);
    pg_bind_int(&st, s->outgoing);
    pg_bind_id(&st, s->ticket_id);
    pg_bind_id(&st, s->comment_id);
    pg_bind_text(&st, s->outcome);
    pg_bind_id(&st, s->mailbox_id);
    bind_if(&st, s->mailbox_id != 0, s->uidvalidity);
    bind_if(&st, s->mailbox_id != 0, s->uid);
    pg_bind_int(&st, s->created_at);
    return pg_run(pg_tx(t), &st, NULL, "seen_insert");
}

static op_rc seen_get(struct store_tx *t, const char *message_id, struct arena *a,
                      struct mail_seen *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " SEEN_COLS " FROM mail_messages WHERE message_id = $1");
    pg_bind_text(&st, message_id);
    return pg_one(pg_tx(t), &st, seen_row, a, out, "seen_get");
}

static op_rc seen_get_uid(struct store_tx *t, int64_t mailbox_id, int64_t uidvalidity, int64_t uid,
                          struct arena *a, struct mail_seen *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " SEEN_COLS " FROM mail_messages WHERE mailbox_id = $1 AND "
                    "uidvalidity = $2 AND uid = $3");
    pg_bind_int(&st, mailbox_id);
    pg_bind_int(&st, uidvalidity);
    pg_bind_int(&st, uid);
    return pg_one(pg_tx(t), &st, seen_row, a, out, "seen_get_uid");
}

static op_rc seen_last(struct store_tx *t, int64_t ticket_id, struct arena *a, char **out)
{
    struct pg_stmt st;
    struct mail_seen s;
    pg_st_init(&st, "SELECT " SEEN_COLS " FROM mail_messages WHERE ticket_id = $1 "
                    "ORDER BY created_at DESC LIMIT 1");
    pg_bind_int(&st, ticket_id);
    op_rc rc = pg_one(pg_tx(t), &st, seen_row, a, &s, "seen_last");
    if (rc == OP_OK) *out = s.message_id;
    return rc;
}

/* ---- the outbox ---- */

#define OUTBOX_COLS                                                                                \
    "id, ticket_id, kind, to_addr, subject, body, message_id, headers, attempts, "                 \
    "next_attempt_at, sent_at, failed_at, last_error, created_at"

static op_rc outbox_row(struct pg_row *r, void *out)
{
    struct outbox_msg *m = out;
    m->id = pg_col_int(r, 0);
    m->ticket_id = pg_col_int(r, 1);
    m->kind = pg_col_text(r, 2);
    m->to_addr = pg_col_text(r, 3);
    m->subject = pg_col_text(r, 4);
    m->body = pg_col_text(r, 5);
    m->message_id = pg_col_text(r, 6);
    m->headers = pg_col_text(r, 7);
    m->attempts = (int)pg_col_int(r, 8);
    m->next_attempt_at = pg_col_int(r, 9);
    m->sent_at = pg_col_int(r, 10);
    m->failed_at = pg_col_int(r, 11);
    m->last_error = pg_col_text(r, 12);
    m->created_at = pg_col_int(r, 13);
    return OP_OK;
}

static op_rc outbox_insert(struct store_tx *t, struct outbox_msg *m)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO mail_outbox(ticket_id, kind, to_addr, subject, body, "
                    "message_id, headers, next_attempt_at, created_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id");
    pg_bind_id(&st, m->ticket_id);
    pg_bind_text(&st, m->kind);
    pg_bind_text(&st, m->to_addr);
    pg_bind_text(&st, m->subject);
    pg_bind_text(&st, m->body);
    pg_bind_text(&st, m->message_id);
    pg_bind_text(&st, m->headers);
    pg_bind_int(&st, m->next_attempt_at);
    pg_bind_int(&st, m->created_at);
    return pg_run_insert(pg_tx(t), &st, &m->id, "outbox_insert");
}

static op_rc outbox_claim(struct store_tx *t, const char *owner, op_time now, op_time until,
                          size_t limit, struct arena *a, struct outbox_msg **out, size_t *n)
{
    struct pg_tx *tx = pg_tx(t);
    struct pg_stmt st;
    int64_t changed = 0;
    *out = NULL;
    *n = 0;
    /* claim first, then read back what this owner holds (as on SQLite);
     * SKIP LOCKED leaves rows another transaction is claiming to it */
    pg_st_init(&st, "UPDATE mail_outbox SET lease_owner = $1, lease_until = $2 WHERE id IN "
                    "(SELECT id FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL "
                    "AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until <= $3 "
                    "OR lease_owner = $1) ORDER BY next_attempt_at, id LIMIT $4 "
                    "FOR UPDATE SKIP LOCKED)");
    pg_bind_text(&st, owner);
    pg_bind_int(&st, until);
    pg_bind_int(&st, now);
    bind_limit(&st, limit);
    op_rc rc = pg_run(tx, &st, &changed, "outbox_claim");
    if (rc || changed == 0) return rc;
    pg_st_init(&st, "SELECT " OUTBOX_COLS " FROM mail_outbox WHERE lease_owner = $1 AND "
                    "lease_until = $2 AND sent_at IS NULL AND failed_at IS NULL ORDER BY id");
    pg_bind_text(&st, owner);
    pg_bind_int(&st, until);
    void *v = NULL;
    rc = pg_list(tx, &st, outbox_row, sizeof(struct outbox_msg), a, &v, n, "outbox_claim");
    *out = v;
    return rc;
}

static op_rc outbox_sent(struct store_tx *t, int64_t id, const char *owner, op_time at)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE mail_outbox SET sent_at = $1, attempts = attempts + 1, "
                    "last_error = '', lease_owner = NULL, lease_until = NULL "
                    "WHERE id = $2 AND lease_owner = $3");
    pg_bind_int(&st, at);
    pg_bind_int(&st, id);
    pg_bind_text(&st, owner);
    return pg_run_update(pg_tx(t), &st, "outbox_sent");
}

static op_rc outbox_failed(struct store_tx *t, int64_t id, const char *owner, const char *error,
                           op_time next_attempt_at, bool give_up, op_time at)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, "
                    "next_attempt_at = $2, failed_at = $3, lease_owner = NULL, "
                    "lease_until = NULL WHERE id = $4 AND lease_owner = $5");
    pg_bind_text(&st, error);
    pg_bind_int(&st, next_attempt_at);
    bind_if(&st, give_up, at);
    pg_bind_int(&st, id);
    pg_bind_text(&st, owner);
    return pg_run_update(pg_tx(t), &st, "outbox_failed");
}

static op_rc outbox_list(struct store_tx *t, const char *state, int64_t before_id, size_t limit,
                         struct arena *a, struct outbox_msg **out, size_t *n)
{
    struct pg_query q;
    struct pg_stmt *st;
    pg_q_init(&q);
    pg_q_sql(&q, "SELECT " OUTBOX_COLS " FROM mail_outbox WHERE true");
    if (before_id > 0) {
        pg_q_sql(&q, " AND id < ?");
        pg_q_int(&q, before_id);
    }
    if (state && strcmp(state, "pending") == 0)
        pg_q_sql(&q, " AND sent_at IS NULL AND failed_at IS NULL");
    else if (state && strcmp(state, "sent") == 0)
        pg_q_sql(&q, " AND sent_at IS NOT NULL");
    else if (state && strcmp(state, "failed") == 0)
        pg_q_sql(&q, " AND failed_at IS NOT NULL");
    pg_q_sql(&q, " ORDER BY id DESC");
    if (limit) {
        pg_q_sql(&q, " LIMIT ?");
        pg_q_int(&q, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
    }
    op_rc rc = pg_q_stmt(&q, &st);
    void *v = NULL;
    *n = 0;
    if (rc == OP_OK)
        rc = pg_list(pg_tx(t), st, outbox_row, sizeof(struct outbox_msg), a, &v, n, "outbox_list");
    pg_q_release(&q);
    *out = v;
    return rc;
}

static op_rc counts_row(struct pg_row *r, void *out)
{
    struct outbox_counts *c = out;
    c->pending = pg_col_int(r, 0);
    c->sent = pg_col_int(r, 1);
    c->failed = pg_col_int(r, 2);
    return OP_OK;
}

static op_rc outbox_counts(struct store_tx *t, struct outbox_counts *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL), "
                    "count(sent_at), count(failed_at) FROM mail_outbox");
    return pg_one(pg_tx(t), &st, counts_row, NULL, out, "outbox_counts");
}

/* ---- rejections ---- */

static op_rc rejection_row(struct pg_row *r, void *out)
{
    struct mail_rejection *j = out;
    j->id = pg_col_int(r, 0);
    j->source = pg_col_text(r, 1);
    j->message_id = pg_col_text(r, 2);
    j->sender = pg_col_text(r, 3);
    j->reason = pg_col_text(r, 4);
    j->size = pg_col_int(r, 5);
    j->created_at = pg_col_int(r, 6);
    return OP_OK;
}

static op_rc rejection_insert(struct store_tx *t, struct mail_rejection *r)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO mail_rejections(source, message_id, sender, reason, size, "
                    "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
    pg_bind_text(&st, r->source);
    pg_bind_text(&st, r->message_id);
    pg_bind_text(&st, r->sender);
    pg_bind_text(&st, r->reason);
    pg_bind_int(&st, r->size);
    pg_bind_int(&st, r->created_at);
    return pg_run_insert(pg_tx(t), &st, &r->id, "rejection_insert");
}

static op_rc rejection_list(struct store_tx *t, int64_t before_id, size_t limit, struct arena *a,
                            struct mail_rejection **out, size_t *n)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT id, source, message_id, sender, reason, size, created_at FROM "
                    "mail_rejections WHERE id < $1 ORDER BY id DESC LIMIT $2");
    pg_bind_int(&st, before_id > 0 ? before_id : INT64_MAX);
    bind_limit(&st, limit);
    void *v = NULL;
    op_rc rc = pg_list(pg_tx(t), &st, rejection_row, sizeof(struct mail_rejection), a, &v, n,
                       "rejection_list");
    *out = v;
    return rc;
}

/* ---- the signing key ---- */

static op_rc key_row(struct pg_row *r, void *out)
{
    return pg_col_hex(r, 0, out, 32) ? OP_OK : OP_ERR_NOTFOUND;
}

static op_rc key_get(struct store_tx *t, uint8_t key[32])
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT encode(key, 'hex') FROM mail_keys WHERE id = 1");
    return pg_one(pg_tx(t), &st, key_row, NULL, key, "key_get");
}

/* ---- a batch of messages in one transaction ---- */

/* The statement savepoint (pg.c) is released first and is not open inside:
 * "RELEASE pg_st" from inside would otherwise release the outer one and
 * mail_one with it. */
static op_rc run_alone(struct store_tx *t, store_fn fn, void *arg)
{
    struct pg_tx *tx = pg_tx(t);
    if (tx->lost) return OP_ERR_IO;
    PGresult *res = PQexec(tx->db, tx->in_sp ? "RELEASE SAVEPOINT pg_st; SAVEPOINT mail_one"
                                             : "SAVEPOINT mail_one");
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!ok) return OP_ERR_IO;
    tx->in_sp = false;
    op_rc rc = fn(t, arg);
    if (tx->lost) return OP_ERR_IO; /* the whole transaction went */
    res = PQexec(tx->db, rc ? "ROLLBACK TO SAVEPOINT mail_one; RELEASE SAVEPOINT mail_one"
                            : "RELEASE SAVEPOINT mail_one");
    ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    tx->in_sp = false; /* the statement savepoints inside went with mail_one */
    if (!ok) return OP_ERR_IO;
    return rc;
}

const struct store_mail_ops pg_mail_ops = {
    .mailbox_insert = mailbox_insert,
    .mailbox_get = mailbox_get,
    .mailbox_list = mailbox_list,
    .mailbox_delete = mailbox_delete,
    .mailbox_set_state = mailbox_set_state,
    .mailbox_lease = mailbox_lease,
    .seen_insert = seen_insert,
    .seen_get = seen_get,
    .seen_get_uid = seen_get_uid,
    .seen_last = seen_last,
    .outbox_insert = outbox_insert,
    .outbox_claim = outbox_claim,
    .outbox_sent = outbox_sent,
    .outbox_failed = outbox_failed,
    .outbox_list = outbox_list,
    .outbox_counts = outbox_counts,
    .rejection_insert = rejection_insert,
    .rejection_list = rejection_list,
    .key_get = key_get,
    .run_alone = run_alone,
};
