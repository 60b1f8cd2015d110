/* sqlite_mail.c - the email channel's tables in SQLite (store_mail.h). */
#include "base/common.h"

#include "store/sqliteInt.h"
#include "store/store_mail.h"

/* ---- mailboxes ---- */

#define MAILBOX_COLS                                                                     \
    "id, name, url, username, password, starttls, move_to, active, uidvalidity, last_uid, " \
    "polled_at, last_error, created_at"

static op_rc mailbox_row(struct sq_row *r, void *out)
{
    struct mailbox *m = out;
    m->id = sq_col_int(r, 0);
    m->name = sq_col_text(r, 1);
    m->url = sq_col_text(r, 2);
    m->username = sq_col_text(r, 3);
    m->password = sq_col_text(r, 4);
    m->starttls = sq_col_int(r, 5) != 0;
    m->move_to = sq_col_text(r, 6);
    m->active = sq_col_int(r, 7) != 0;
    m->uidvalidity = sq_col_int(r, 8);
    m->last_uid = sq_col_int(r, 9);
    m->polled_at = sq_col_int(r, 10);
    m->last_error = sq_col_text(r, 11);
    m->created_at = sq_col_int(r, 12);
    return OP_OK;
}

static op_rc mailbox_insert(struct store_tx *t, struct mailbox *m)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO mailboxes(name, url, username, password, starttls, move_to, "
                       "active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_text(st, 1, m->name);
    src = src ? src : sq_bind_text(st, 2, m->url);
    src = src ? src : sq_bind_text(st, 3, m->username);
    src = src ? src : sq_bind_text(st, 4, m->password);
    src = src ? src : sq_bind_int(st, 5, m->starttls);
    src = src ? src : sq_bind_text(st, 6, m->move_to);
    src = src ? src : sq_bind_int(st, 7, m->active);
    src = src ? src : sq_bind_int(st, 8, m->created_at);
    return sq_run_insert(tx, st, src, "mailbox_insert", &m->id);
}

static op_rc mailbox_get(struct store_tx *t, int64_t id, struct arena *a, struct mailbox *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT " MAILBOX_COLS " FROM mailboxes WHERE id = ?", id, &st);
    return rc ? rc : sq_one(tx, st, mailbox_row, a, out, "mailbox_get");
}

static op_rc mailbox_list(struct store_tx *t, struct arena *a, struct mailbox **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "SELECT " MAILBOX_COLS " FROM mailboxes ORDER BY id", &st);
    void *v = NULL;
    if (!rc)
        rc = sq_list(tx, st, mailbox_row, sizeof(struct mailbox), a, &v, n, "mailbox_list");
    *out = v;
    return rc;
}

static op_rc mailbox_delete(struct store_tx *t, int64_t id)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "DELETE FROM mailboxes WHERE id = ?", &st);
    return rc ? rc : sq_run_update(tx, st, sq_bind_int(st, 1, id), "mailbox_delete");
}

static op_rc mailbox_set_state(struct store_tx *t, int64_t id, int64_t uidvalidity,
                               int64_t last_uid, op_time polled_at, const char *last_error)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "UPDATE mailboxes SET uidvalidity = ?, last_uid = ?, polled_at = ?, "
                       "last_error = ? WHERE id = ?",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_int(st, 1, uidvalidity);
    src = src ? src : sq_bind_int(st, 2, last_uid);
    src = src ? src : sq_bind_int(st, 3, polled_at);
    src = src ? src : sq_bind_text(st, 4, last_error);
    src = src ? src : sq_bind_int(st, 5, id);
    return sq_run_update(tx, st, src, "mailbox_set_state");
}

static op_rc mailbox_lease(struct store_tx *t, int64_t id, const char *owner, op_time now,
                           op_time until, bool *got)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    *got = false;
    op_rc rc = sq_prep(tx,
                       "UPDATE mailboxes SET lease_owner = ?1, lease_until = ?2 WHERE id = ?3 "
                       "AND (lease_owner IS NULL OR lease_owner = ?1 OR lease_until <= ?4)",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_text(st, 1, owner);
    src = src ? src : sq_bind_int(st, 2, until);
    src = src ? src : sq_bind_int(st, 3, id);
    src = src ? src : sq_bind_int(st, 4, now);
    rc = sq_run(tx, st, src, "mailbox_lease");
    if (!rc)
        *got = sqlite3_changes(tx->db) > 0;
    return rc;
}

/* ---- the Message-ID map ---- */

#define SEEN_COLS                                                                      \
    "message_id, direction, ticket_id, comment_id, outcome, mailbox_id, uidvalidity, uid, " \
    "created_at"

static op_rc seen_row(struct sq_row *r, void *out)
{
    struct mail_seen *s = out;
    s->message_id = sq_col_text(r, 0);
    s->outgoing = sq_col_int(r, 1) != 0;
    s->ticket_id = sq_col_int(r, 2);
    s->comment_id = sq_col_int(r, 3);
    s->outcome = sq_col_text(r, 4);
    s->mailbox_id = sq_col_int(r, 5);
    s->uidvalidity = sq_col_int(r, 6);
    s->uid = sq_col_int(r, 7);
    s->created_at = sq_col_int(r, 8);
    return OP_OK;
}

static op_rc seen_insert(struct store_tx *t, const struct mail_seen *s)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO mail_messages(" SEEN_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_text(st, 1, s->message_id);
    src = src ? src : sq_bind_int(st, 2, s->outgoing);
    src = src ? src : sq_bind_id(st, 3, s->ticket_id);
    src = src ? src : sq_bind_id(st, 4, s->comment_id);
    src = src ? src : sq_bind_text(st, 5, s->outcome);
    src = src ? src : sq_bind_id(st, 6, s->mailbox_id);
    src = src ? src : (s->mailbox_id ? sq_bind_int(st, 7, s->uidvalidity) : sqlite3_bind_null(st, 7));
    src = src ? src : (s->mailbox_id ? sq_bind_int(st, 8, s->uid) : sqlite3_bind_null(st, 8));
    src = src ? src : sq_bind_int(st, 9, s->created_at);
    return sq_run(tx, st, src, "seen_insert");
}

static op_rc seen_get(struct store_tx *t, const char *message_id, struct arena *a,
                      struct mail_seen *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "SELECT " SEEN_COLS " FROM mail_messages WHERE message_id = ?", &st);
    if (rc)
        return rc;
    int src = sq_bind_text(st, 1, message_id);
    if (src) {
        rc = sq_fail(tx, src, "seen_get");
        sq_done(tx, st);
        return rc;
    }
    return sq_one(tx, st, seen_row, a, out, "seen_get");
}

static op_rc seen_get_uid(struct store_tx *t, int64_t mailbox_id, int64_t uidvalidity,
                          int64_t uid, struct arena *a, struct mail_seen *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT " SEEN_COLS " FROM mail_messages WHERE mailbox_id = ? AND "
                       "uidvalidity = ? AND uid = ?",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_int(st, 1, mailbox_id);
    src = src ? src : sq_bind_int(st, 2, uidvalidity);
    src = src ? src : sq_bind_int(st, 3, uid);
    if (src) {
        rc = sq_fail(tx, src, "seen_get_uid");
        sq_done(tx, st);
        return rc;
    }
    return sq_one(tx, st, seen_row, a, out, "seen_get_uid");
}

static op_rc seen_last(struct store_tx *t, int64_t ticket_id, struct arena *a, char **out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    struct mail_seen s;
    op_rc rc = sq_prep_id(tx,
                          "SELECT " SEEN_COLS " FROM mail_messages WHERE ticket_id = ? "
                          "ORDER BY created_at DESC LIMIT 1",
                          ticket_id, &st);
    if (rc)
        return rc;
    if ((rc = sq_one(tx, st, seen_row, a, &s, "seen_last")))
        return rc;
    *out = s.message_id;
    return OP_OK;
}

/* ---- the outbox ---- */

#define OUTBOX_COLS                                                                          \
    "id, ticket_id, kind, to_addr, subject, body, message_id, headers, attempts, "           \
    "next_attempt_at, sent_at, failed_at, last_error, created_at"

static op_rc outbox_row(struct sq_row *r, void *out)
{
    struct outbox_msg *m = out;
    m->id = sq_col_int(r, 0);
    m->ticket_id = sq_col_int(r, 1);
    m->kind = sq_col_text(r, 2);
    m->to_addr = sq_col_text(r, 3);
    m->subject = sq_col_text(r, 4);
    m->body = sq_col_text(r, 5);
    m->message_id = sq_col_text(r, 6);
    m->headers = sq_col_text(r, 7);
    m->attempts = (int)sq_col_int(r, 8);
    m->next_attempt_at = sq_col_int(r, 9);
    m->sent_at = sq_col_int(r, 10);
    m->failed_at = sq_col_int(r, 11);
    m->last_error = sq_col_text(r, 12);
    m->created_at = sq_col_int(r, 13);
    return OP_OK;
}

static op_rc outbox_insert(struct store_tx *t, struct outbox_msg *m)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO mail_outbox(ticket_id, kind, to_addr, subject, body, "
                       "message_id, headers, next_attempt_at, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_id(st, 1, m->ticket_id);
    src = src ? src : sq_bind_text(st, 2, m->kind);
    src = src ? src : sq_bind_text(st, 3, m->to_addr);
    src = src ? src : sq_bind_text(st, 4, m->subject);
    src = src ? src : sq_bind_text(st, 5, m->body);
    src = src ? src : sq_bind_text(st, 6, m->message_id);
    src = src ? src : sq_bind_text(st, 7, m->headers);
    src = src ? src : sq_bind_int(st, 8, m->next_attempt_at);
    src = src ? src : sq_bind_int(st, 9, m->created_at);
    return sq_run_insert(tx, st, src, "outbox_insert", &m->id);
}

static op_rc outbox_claim(struct store_tx *t, const char *owner, op_time now, op_time until,
                          size_t limit, struct arena *a, struct outbox_msg **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    *out = NULL;
    *n = 0;
    /* claim first (one statement: no other writer runs in between), then read
     * back what this owner holds */
    op_rc rc = sq_prep(tx,
                       "UPDATE mail_outbox SET lease_owner = ?1, lease_until = ?2 WHERE id IN "
                       "(SELECT id FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL "
                       "AND next_attempt_at <= ?3 AND (lease_until IS NULL OR lease_until <= ?3 "
                       "OR lease_owner = ?1) ORDER BY next_attempt_at, id LIMIT ?4)",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_text(st, 1, owner);
    src = src ? src : sq_bind_int(st, 2, until);
    src = src ? src : sq_bind_int(st, 3, now);
    src = src ? src : sq_bind_int(st, 4, sq_limit(limit));
    if ((rc = sq_run(tx, st, src, "outbox_claim")))
        return rc;
    if (sqlite3_changes(tx->db) == 0)
        return OP_OK;
    if ((rc = sq_prep(tx,
                      "SELECT " OUTBOX_COLS " FROM mail_outbox WHERE lease_owner = ?1 AND "
                      "lease_until = ?2 AND sent_at IS NULL AND failed_at IS NULL ORDER BY id",
                      &st)))
        return rc;
    src = sq_bind_text(st, 1, owner);
    src = src ? src : sq_bind_int(st, 2, until);
    if (src) {
        rc = sq_fail(tx, src, "outbox_claim");
        sq_done(tx, st);
        return rc;
    }
    void *v = NULL;
    rc = sq_list(tx, st, outbox_row, sizeof(struct outbox_msg), a, &v, n, "outbox_claim");
    *out = v;
    return rc;
}

static op_rc outbox_sent(struct store_tx *t, int64_t id, const char *owner, op_time at)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "UPDATE mail_outbox SET sent_at = ?, attempts = attempts + 1, "
                       "last_error = '', lease_owner = NULL, lease_until = NULL "
                       "WHERE id = ? AND lease_owner = ?",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_int(st, 1, at);
    src = src ? src : sq_bind_int(st, 2, id);
    src = src ? src : sq_bind_text(st, 3, owner);
    return sq_run_update(tx, st, src, "outbox_sent");
}

static op_rc outbox_failed(struct store_tx *t, int64_t id, const char *owner, const char *error,
                           op_time next_attempt_at, bool give_up, op_time at)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, "
                       "next_attempt_at = ?, failed_at = ?, lease_owner = NULL, "
                       "lease_until = NULL WHERE id = ? AND lease_owner = ?",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_text(st, 1, error);
    src = src ? src : sq_bind_int(st, 2, next_attempt_at);
    src = src ? src : (give_up ? sq_bind_int(st, 3, at) : sqlite3_bind_null(st, 3));
    src = src ? src : sq_bind_int(st, 4, id);
    src = src ? src : sq_bind_text(st, 5, owner);
    return sq_run_update(tx, st, src, "outbox_failed");
}

static op_rc outbox_list(struct store_tx *t, const char *state, int64_t before_id, size_t limit,
                         struct arena *a, struct outbox_msg **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    struct sq_query q;
    sqlite3_stmt *st;
    sq_q_init(&q);
    sq_q_sql(&q, "SELECT " OUTBOX_COLS " FROM mail_outbox WHERE 1");
    if (before_id > 0) {
        sq_q_sql(&q, " AND id < ?");
        sq_q_int(&q, before_id);
    }
    if (state && strcmp(state, "pending") == 0)
        sq_q_sql(&q, " AND sent_at IS NULL AND failed_at IS NULL");
    else if (state && strcmp(state, "sent") == 0)
        sq_q_sql(&q, " AND sent_at IS NOT NULL");
    else if (state && strcmp(state, "failed") == 0)
        sq_q_sql(&q, " AND failed_at IS NOT NULL");
    sq_q_sql(&q, " ORDER BY id DESC LIMIT ?");
    sq_q_int(&q, sq_limit(limit));
    op_rc rc = sq_q_prep(tx, &q, &st);
    void *v = NULL;
    *n = 0;
    if (!rc)
        rc = sq_list(tx, st, outbox_row, sizeof(struct outbox_msg), a, &v, n, "outbox_list");
    sq_q_release(&q);
    *out = v;
    return rc;
}

static op_rc outbox_counts(struct store_tx *t, struct outbox_counts *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL), "
                       "count(sent_at), count(failed_at) FROM mail_outbox",
                       &st);
    if (rc)
        return rc;
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        out->pending = sqlite3_column_int64(st, 0);
        out->sent = sqlite3_column_int64(st, 1);
        out->failed = sqlite3_column_int64(st, 2);
    } else {
        rc = sq_fail(tx, src, "outbox_counts");
    }
    sq_done(tx, st);
    return rc;
}

/* ---- rejections ---- */

static op_rc rejection_row(struct sq_row *r, void *out)
{
    struct mail_rejection *j = out;
    j->id = sq_col_int(r, 0);
    j->source = sq_col_text(r, 1);
    j->message_id = sq_col_text(r, 2);
    j->sender = sq_col_text(r, 3);
    j->reason = sq_col_text(r, 4);
    j->size = sq_col_int(r, 5);
    j->created_at = sq_col_int(r, 6);
    return OP_OK;
}

static op_rc rejection_insert(struct store_tx *t, struct mail_rejection *r)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO mail_rejections(source, message_id, sender, reason, size, "
                       "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_text(st, 1, r->source);
    src = src ? src : sq_bind_text(st, 2, r->message_id);
    src = src ? src : sq_bind_text(st, 3, r->sender);
    src = src ? src : sq_bind_text(st, 4, r->reason);
    src = src ? src : sq_bind_int(st, 5, r->size);
    src = src ? src : sq_bind_int(st, 6, r->created_at);
    return sq_run_insert(tx, st, src, "rejection_insert", &r->id);
}

static op_rc rejection_list(struct store_tx *t, int64_t before_id, size_t limit, struct arena *a,
                            struct mail_rejection **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT id, source, message_id, sender, reason, size, created_at FROM "
                       "mail_rejections WHERE id < ? ORDER BY id DESC LIMIT ?",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_int(st, 1, before_id > 0 ? before_id : INT64_MAX);
    src = src ? src : sq_bind_int(st, 2, sq_limit(limit));
    if (src) {
        rc = sq_fail(tx, src, "rejection_list");
        sq_done(tx, st);
        return rc;
    }
    void *v = NULL;
    rc = sq_list(tx, st, rejection_row, sizeof(struct mail_rejection), a, &v, n,
                 "rejection_list");
    *out = v;
    return rc;
}

/* ---- the signing key ---- */

static op_rc key_get(struct store_tx *t, uint8_t key[32])
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "SELECT key FROM mail_keys WHERE id = 1", &st);
    if (rc)
        return rc;
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32)
        memcpy(key, sqlite3_column_blob(st, 0), 32);
    else
        rc = src == SQLITE_ROW || src == SQLITE_DONE ? OP_ERR_NOTFOUND
                                                     : sq_fail(tx, src, "key_get");
    sq_done(tx, st);
    return rc;
}

/* ---- a batch of messages in one transaction ---- */

static op_rc run_alone(struct store_tx *t, store_fn fn, void *arg)
{
    struct sq_tx *tx = sq_tx(t);
    op_rc rc = sq_exec(tx, "SAVEPOINT mail_one");
    if (rc)
        return rc;
    rc = fn(t, arg);
    if (sqlite3_get_autocommit(tx->db))
        return OP_ERR_IO; /* the whole transaction went (I/O error, full disk) */
    if (rc && sq_exec(tx, "ROLLBACK TO mail_one"))
        return OP_ERR_IO;
    op_rc rc2 = sq_exec(tx, "RELEASE mail_one");
    return rc ? rc : rc2;
}

const struct store_mail_ops sqlite_mail_ops = {
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
