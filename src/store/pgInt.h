/* pgInt.h - the insides of the PostgreSQL backend, shared by its files.
 *
 *   pg.c           open, migrations, the connection pool, transactions,
 *                  statement cache, error mapping, row reading, the table
 *   pg_people.c    organizations, users, groups
 *   pg_tickets.c   tickets: rows, lists, counts, full-text search
 *   pg_convo.c     comments, attachments, links
 *   pg_log.c       macros, the event log, sessions, API tokens, leases, counts
 *   pg_sla.c       calendars, SLA policies, clocks, notifications (store_sla.h)
 *   pg_team.c      shifts, rota, on-call, presence, routing (store_team.h)
 *   pg_mail.c      mailboxes, Message-IDs, the outbox, rejections (store_mail.h)
 *   pg_kpi.c       KPI facts and the kpi job's cursor (store_kpi.h)
 *
 * The functions behave as their SQLite twins (sqliteInt.h lists what the
 * backends add to store.h's contract); the same error mapping, the same
 * NULL/0 and ""/NULL conventions. Nothing outside src/store/pg*.c and the
 * tests includes this file. */
#ifndef OPORA_PG_INT_H
#define OPORA_PG_INT_H

#include <libpq-fe.h>
#include <stdatomic.h>

#include "base/buf.h"
#include "store/migrations.h"
#include "store/store.h"

extern const struct store_ops pg_store_ops;
/* the subsystems' tables: pg_sla.c (store_sla.h), pg_team.c (store_team.h),
 * pg_mail.c (store_mail.h), pg_kpi.c (store_kpi.h) */
extern const struct store_sla_ops pg_sla_ops;
extern const struct store_team_ops pg_team_ops;
extern const struct store_mail_ops pg_mail_ops;
extern const struct store_kpi_ops pg_kpi_ops;
extern const struct migration pg_migrations[];
extern const size_t pg_migrations_count;

/* pg_store_ops.open refuses to open while the subsystem tables (sla, team,
 * mail, kpi) are not implemented: the server would fail at the first ticket
 * write. The tests of the core set this to open it anyway. */
extern bool pg_core_only_ok;

/* One connection and its prepared statements; used by one thread at a time. */
struct pg_conn;

/* The transaction handle the store functions receive. */
struct pg_tx {
    struct store_tx base;
    struct pg_conn *conn;
    PGconn *db;
    bool write; /* a write transaction: statements that change rows run in a savepoint */
    bool in_sp; /* the statement savepoint is open */
    bool retry; /* a serialization failure or deadlock: run the whole function again */
    bool lost;  /* the connection broke */
    /* what the commit announces to every node (NOTIFY, delivered at commit) */
    int64_t notify_event; /* the newest event this transaction appended */
    bool notify_auth;     /* it changed who may do what (users, groups, credentials) */
};

static inline struct pg_tx *pg_tx(struct store_tx *tx)
{
    assert(tx && tx->ops == &pg_store_ops);
    return (struct pg_tx *)tx;
}

/* The most writes one group commit of this process has run together (pg.c);
 * for tests and the curious. */
extern _Atomic size_t pg_batch_largest;

/* The key of the advisory lock every write transaction takes first (pg.c),
 * as SQL text; migrate-data (pg_copy.c) takes it too. */
#define PG_WRITE_LOCK "7303014101"

/* ---- statements ----
 *
 * A statement is its SQL text ($1, $2, ... placeholders) and its parameters,
 * bound in order (the first bind is $1). It is prepared once per connection
 * (PQprepare, cached by its text) and run with PQexecPrepared. Errors of
 * binding (too many parameters) are sticky and reported by the run. */

#define PG_BINDS 40

struct pg_stmt {
    const char *sql; /* not copied: must outlive the run */
    int n;
    const char *v[PG_BINDS];
    int len[PG_BINDS];
    int fmt[PG_BINDS];
    char num[PG_BINDS][24];
    op_rc rc;
};

void pg_st_init(struct pg_stmt *st, const char *sql);
/* Binds the next parameter: an integer; an id or time (0 is NULL); text
 * (NULL is ""); nullable text (NULL and "" are NULL); bytes (binary). The
 * strings and bytes are not copied: they must outlive the run. */
void pg_bind_int(struct pg_stmt *st, int64_t v);
void pg_bind_id(struct pg_stmt *st, int64_t id);
void pg_bind_text(struct pg_stmt *st, const char *s);
void pg_bind_text_null(struct pg_stmt *st, const char *s);
void pg_bind_blob(struct pg_stmt *st, const void *p, int n);

/* ---- reading rows ---- */

struct pg_row {
    PGresult *res;
    int i; /* the row */
    struct arena *a;
    bool oom;
};

/* The column as a string from r->a; "" for NULL (r->oom on failure). */
char *pg_col_text(struct pg_row *r, int col);
/* The column as an integer: 0 for NULL; booleans ('t'/'f') are 1/0. */
int64_t pg_col_int(struct pg_row *r, int col);
double pg_col_double(struct pg_row *r, int col);
/* The column, selected as encode(x, 'hex'), into exactly n bytes of out;
 * false when it is not n bytes of hex. */
bool pg_col_hex(struct pg_row *r, int col, uint8_t *out, size_t n);

typedef op_rc pg_read_fn(struct pg_row *r, void *out);

/* ---- running a statement ---- (what names the call in the log)
 *
 * A failed statement maps its SQLSTATE as SQLite's codes are mapped: unique
 * violation OP_ERR_CONFLICT, foreign key OP_ERR_NOTFOUND, check / not null /
 * bad data OP_ERR_INVALID, serialization failure and deadlock OP_ERR_IO with
 * tx->retry set, a broken connection OP_ERR_IO with tx->lost set, anything
 * else OP_ERR_IO (logged). In a write transaction a statement that fails
 * is rolled back alone (a savepoint per changing statement), so that the
 * function may go on as it may on SQLite (e.g. after a CONFLICT). */

/* Runs st; on OP_OK *out is its result (you PQclear it). */
op_rc pg_exec(struct pg_tx *tx, struct pg_stmt *st, PGresult **out, const char *what);
/* The first row into out with fn (fn NULL: only whether there is one).
 * OP_ERR_NOTFOUND when there is none. */
op_rc pg_one(struct pg_tx *tx, struct pg_stmt *st, pg_read_fn *fn, struct arena *a, void *out,
             const char *what);
/* Every row into an array of size-byte elements from a (see sq_list). */
op_rc pg_list(struct pg_tx *tx, struct pg_stmt *st, pg_read_fn *fn, size_t size, struct arena *a,
              void **out, size_t *n, const char *what);
op_rc pg_list_ids(struct pg_tx *tx, struct pg_stmt *st, struct arena *a, struct id_list *out);
/* The integer of column 0 of the one row. */
op_rc pg_scalar(struct pg_tx *tx, struct pg_stmt *st, int64_t *out, const char *what);
/* Runs a statement that changes rows; *changed (may be NULL) = how many. */
op_rc pg_run(struct pg_tx *tx, struct pg_stmt *st, int64_t *changed, const char *what);
/* An INSERT ... RETURNING id: *id is the new id. */
op_rc pg_run_insert(struct pg_tx *tx, struct pg_stmt *st, int64_t *id, const char *what);
/* An UPDATE or DELETE meant to change a row: OP_ERR_NOTFOUND when none. */
op_rc pg_run_update(struct pg_tx *tx, struct pg_stmt *st, const char *what);

/* ---- SQL built at run time ----
 *
 * pg_q_sql appends text in which every '?' becomes the next placeholder
 * ($1, $2, ...); pg_q_int / pg_q_text bind them in the same order. Errors
 * are sticky and reported by pg_q_stmt. */

#define PG_QUERY_MAX 8192

struct pg_query {
    struct buf sql;
    int marks; /* placeholders written */
    struct pg_stmt st;
    op_rc rc;
};

void pg_q_init(struct pg_query *q);
void pg_q_release(struct pg_query *q);
void pg_q_sql(struct pg_query *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pg_q_int(struct pg_query *q, int64_t v);
void pg_q_text(struct pg_query *q, const char *s);
/* "col IN (a,b,...)" for the set bits of mask below count; "false" when none. */
void pg_q_mask(struct pg_query *q, const char *col, unsigned mask, int count);
/* The statement of q, ready to run (it lives in q): OP_OK or q's error. */
op_rc pg_q_stmt(struct pg_query *q, struct pg_stmt **out);

/* A LIKE pattern matching strings that start with prefix (% _ \ escaped),
 * from a; NULL when memory is out. */
char *pg_like_prefix(struct arena *a, const char *prefix);

/* pg_people.c */
op_rc pg_org_insert(struct store_tx *tx, struct organization *o);
op_rc pg_org_update(struct store_tx *tx, const struct organization *o);
op_rc pg_org_get(struct store_tx *tx, int64_t id, struct arena *a, struct organization *out);
op_rc pg_org_list(struct store_tx *tx, const char *q, int64_t after_id, size_t limit,
                  struct arena *a, struct organization **out, size_t *n);
op_rc pg_user_insert(struct store_tx *tx, struct user *u);
op_rc pg_user_update(struct store_tx *tx, const struct user *u);
op_rc pg_user_get(struct store_tx *tx, int64_t id, struct arena *a, struct user *out);
op_rc pg_user_get_by_email(struct store_tx *tx, const char *email, struct arena *a,
                           struct user *out);
op_rc pg_user_list(struct store_tx *tx, const struct user_filter *f, struct arena *a,
                   struct user **out, size_t *n);
op_rc pg_user_groups(struct store_tx *tx, int64_t user_id, struct arena *a, struct id_list *out);
op_rc pg_group_insert(struct store_tx *tx, struct group *g);
op_rc pg_group_update(struct store_tx *tx, const struct group *g);
op_rc pg_group_get(struct store_tx *tx, int64_t id, struct arena *a, struct group *out);
op_rc pg_group_list(struct store_tx *tx, struct arena *a, struct group **out, size_t *n);
op_rc pg_group_set_members(struct store_tx *tx, int64_t group_id, const struct id_list *ids);
op_rc pg_group_delete(struct store_tx *t, int64_t id, const char **used_by);
op_rc pg_org_delete(struct store_tx *t, int64_t id, const char **used_by);

/* pg_tickets.c */
op_rc pg_ticket_insert(struct store_tx *tx, struct ticket *t);
op_rc pg_ticket_update(struct store_tx *tx, const struct ticket *t);
op_rc pg_ticket_get(struct store_tx *tx, int64_t id, struct arena *a, struct ticket *out);
op_rc pg_ticket_add_requester(struct store_tx *tx, int64_t ticket_id, int64_t user_id);
op_rc pg_ticket_list(struct store_tx *tx, const struct ticket_filter *f,
                     const struct ticket_scope *scope, struct arena *a, struct ticket_page *out);
op_rc pg_ticket_count(struct store_tx *tx, const struct ticket_filter *f,
                      const struct ticket_scope *scope, int64_t *out);
op_rc pg_ticket_search(struct store_tx *tx, const char *query, const struct ticket_filter *f,
                       const struct ticket_scope *scope, size_t offset, struct arena *a,
                       struct ticket_page *out, struct search_hit **hits);

/* The tsquery text (to_tsquery syntax) for a user's search text q, from a:
 * every whitespace-separated term quoted as a phrase of its words, ANDed;
 * "term*" a prefix. OP_ERR_INVALID without terms, OP_ERR_TOOBIG past
 * PG_FTS_QUERY_MAX bytes. */
#define PG_FTS_QUERY_MAX 4096
#define PG_FTS_TERMS_MAX 32
op_rc pg_fts_query(const char *q, struct arena *a, char **out);

/* pg_convo.c */
op_rc pg_comment_insert(struct store_tx *tx, struct comment *c);
op_rc pg_comment_list(struct store_tx *tx, int64_t ticket_id, bool public_only, int64_t after_id,
                      size_t limit, struct arena *a, struct comment **out, size_t *n);
op_rc pg_comment_count(struct store_tx *tx, int64_t ticket_id, bool public_only, int64_t *n);
op_rc pg_comment_get(struct store_tx *tx, int64_t id, struct arena *a, struct comment *out);
op_rc pg_comment_move(struct store_tx *tx, int64_t from, int64_t to, int64_t *moved);
op_rc pg_attachment_insert(struct store_tx *tx, struct attachment *at);
op_rc pg_attachment_get(struct store_tx *tx, int64_t id, struct arena *a, struct attachment *out);
op_rc pg_attachment_list(struct store_tx *tx, const struct id_list *ids, struct arena *a,
                         struct attachment **out, size_t *n);
op_rc pg_link_insert(struct store_tx *tx, struct link *l);
op_rc pg_link_get(struct store_tx *tx, int64_t id, struct link *out);
op_rc pg_link_delete(struct store_tx *tx, int64_t id);
op_rc pg_link_list(struct store_tx *tx, int64_t ticket_id, struct arena *a, struct link **out,
                   size_t *n);

/* pg_log.c */
op_rc pg_counts(struct store_tx *tx, struct store_counts *out);
op_rc pg_macro_insert(struct store_tx *tx, struct macro *m);
op_rc pg_macro_update(struct store_tx *tx, const struct macro *m);
op_rc pg_macro_get(struct store_tx *tx, int64_t id, struct arena *a, struct macro *out);
op_rc pg_macro_list(struct store_tx *tx, bool active_only, struct arena *a, struct macro **out,
                    size_t *n);
op_rc pg_macro_delete(struct store_tx *tx, int64_t id);
op_rc pg_event_append(struct store_tx *tx, struct event *e);
op_rc pg_event_list(struct store_tx *tx, enum entity entity, int64_t entity_id, int64_t after_id,
                    size_t limit, struct arena *a, struct event **out, size_t *n);
op_rc pg_event_feed(struct store_tx *tx, int64_t after_id, size_t limit, struct arena *a,
                    struct event **out, size_t *n);
op_rc pg_event_last(struct store_tx *tx, enum entity entity, int64_t entity_id, int64_t *out);
op_rc pg_session_insert(struct store_tx *tx, const uint8_t hash[32], struct session *s);
op_rc pg_session_get(struct store_tx *tx, const uint8_t hash[32], struct session *out);
op_rc pg_session_touch(struct store_tx *tx, int64_t id, op_time last_seen, op_time expires);
op_rc pg_session_delete(struct store_tx *tx, const uint8_t hash[32]);
op_rc pg_session_delete_user(struct store_tx *tx, int64_t user_id);
op_rc pg_token_insert(struct store_tx *tx, const uint8_t hash[32], struct api_token *t);
op_rc pg_token_get(struct store_tx *tx, const uint8_t hash[32], struct arena *a,
                   struct api_token *out);
op_rc pg_token_list(struct store_tx *tx, int64_t user_id, struct arena *a, struct api_token **out,
                    size_t *n);
op_rc pg_token_revoke(struct store_tx *tx, int64_t id, int64_t user_id, op_time at);
op_rc pg_token_touch(struct store_tx *tx, int64_t id, op_time at);
op_rc pg_lease_take(struct store_tx *tx, const char *name, const char *owner, op_time now,
                    op_time until, bool *got);
op_rc pg_lease_release(struct store_tx *tx, const char *name, const char *owner);

#endif
