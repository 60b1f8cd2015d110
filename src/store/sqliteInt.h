/* sqliteInt.h - the insides of the SQLite backend, shared by its files.
 *
 *   sqlite.c           open, migrations, the read pool, the writer thread
 *                      (group commit), backup, statement cache, helpers
 *   sqlite_people.c    organizations, users, groups
 *   sqlite_tickets.c   tickets: rows, lists, counts, full-text search
 *   sqlite_convo.c     comments, attachments, links
 *   sqlite_log.c       macros, the event log, sessions, API tokens, counts
 *
 * Nothing outside src/store/sqlite*.c includes this file. */
#ifndef OPORA_SQLITE_INT_H
#define OPORA_SQLITE_INT_H

#include <sqlite3.h>

#include "base/buf.h"
#include "store/store.h"

extern const struct store_ops sqlite_store_ops;

/* One connection and its prepared statements. Used by one thread at a time
 * (the writer, or whoever took it from the read pool). */
struct sq_conn;

/* The transaction handle the store functions receive: store_tx first, so
 * that a struct store_tx * from store.h can be cast back. */
struct sq_tx {
    struct store_tx base;
    struct sq_conn *conn;
    sqlite3 *db;
};

static inline struct sq_tx *sq_tx(struct store_tx *tx)
{
    assert(tx && tx->ops == &sqlite_store_ops);
    return (struct sq_tx *)tx;
}

/* ---- statements (sqlite.c) ---- */

/* A prepared statement for sql, reset and with no bindings. Statements are
 * cached per connection by their text, so pass the same text for the same
 * query; a statement that is already in use, or one past the cache's size,
 * is prepared just for this call. Give it back with sq_done().
 * OP_ERR_IO (logged) when sql does not prepare. */
op_rc sq_prep(struct sq_tx *tx, const char *sql, sqlite3_stmt **out);

/* Resets st (or finalizes it if it was not cached). NULL is fine. */
void sq_done(struct sq_tx *tx, sqlite3_stmt *st);

/* The op_rc for an SQLite result code src from a statement of tx:
 * UNIQUE / PRIMARY KEY violations are OP_ERR_CONFLICT, FOREIGN KEY
 * violations OP_ERR_NOTFOUND (a referenced object does not exist), CHECK and
 * NOT NULL violations OP_ERR_INVALID, out of memory OP_ERR_NOMEM; anything
 * else is OP_ERR_IO and logged with what and sqlite3_errmsg. */
op_rc sq_fail(struct sq_tx *tx, int src, const char *what);

/* Steps st once, expecting no row (INSERT/UPDATE/DELETE). OP_OK or sq_fail. */
op_rc sq_step_done(struct sq_tx *tx, sqlite3_stmt *st, const char *what);

/* sq_prep, then binds id to the first parameter (?1): most statements ask
 * by one id. On failure (a failed bind is sq_fail) nothing is left open. */
op_rc sq_prep_id(struct sq_tx *tx, const char *sql, int64_t id, sqlite3_stmt **out);

/* Runs sql (a statement without parameters or rows) through the cache. */
op_rc sq_exec(struct sq_tx *tx, const char *sql);

/* A call that writes several rows is not wrapped in a savepoint of its own:
 * a savepoint per call costs a walk of SQLite's in-memory sub-journal on
 * every release, which grows with the transaction (bulk loads of thousands of
 * tickets slowed down quadratically). A failed call may have written some of
 * its rows; every caller fails its whole function then, and the writer's
 * savepoint around that function undoes it (store.h). */

/* ---- binding: 0 ids and times are stored as NULL ---- */

static inline int sq_bind_id(sqlite3_stmt *st, int i, int64_t id)
{
    return id > 0 ? sqlite3_bind_int64(st, i, id) : sqlite3_bind_null(st, i);
}

static inline int sq_bind_int(sqlite3_stmt *st, int i, int64_t v)
{
    return sqlite3_bind_int64(st, i, v);
}

/* For NOT NULL columns: NULL is stored as "". s must outlive the step. */
static inline int sq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    return sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_STATIC);
}

/* For nullable text columns: NULL and "" are stored as NULL. */
static inline int sq_bind_text_null(sqlite3_stmt *st, int i, const char *s)
{
    return s && *s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* ---- reading rows ---- */

/* A row being read into arena a; oom turns true when an allocation failed
 * (the text functions then return NULL), so a caller checks it once. */
struct sq_row {
    sqlite3_stmt *st;
    struct arena *a;
    bool oom;
};

/* The column as a string owned by r->a; "" for NULL. */
char *sq_col_text(struct sq_row *r, int col);

/* The column as an int64; 0 for NULL. */
static inline int64_t sq_col_int(struct sq_row *r, int col)
{
    return sqlite3_column_int64(r->st, col);
}

/* SQL's LIMIT for a caller's limit: 0 means no limit (-1). */
static inline int64_t sq_limit(size_t limit)
{
    return limit == 0 || limit > INT64_MAX ? -1 : (int64_t)limit;
}

/* ---- running a prepared statement ----
 *
 * Each of these takes st prepared and bound, runs it, and gives it back
 * (sq_done) whatever happens, so that a caller can end with
 * "return rc ? rc : sq_...(tx, st, ...)". what names the call in the log. */

/* Reads the row r is on into out, a struct of the caller's type (cast
 * inside), with strings from r->a. OP_OK or the reader's own failure (e.g.
 * OP_ERR_IO for a damaged value); r->oom is checked by the caller. */
typedef op_rc sq_read_fn(struct sq_row *r, void *out);

/* Steps st once and reads its row into out with fn, strings from a (which
 * may be NULL when fn allocates nothing; fn NULL reads nothing: only
 * whether there is a row). OP_ERR_NOTFOUND when there is no row,
 * OP_ERR_NOMEM when memory ran out, else fn's result or sq_fail. */
op_rc sq_one(struct sq_tx *tx, sqlite3_stmt *st, sq_read_fn *fn, struct arena *a, void *out,
             const char *what);

/* Steps st to its end, reading every row with fn into the next element (of
 * size bytes) of an array allocated from a; *out is the array (NULL when
 * there is no row) and *n its length. out points to a void * because the
 * caller's array pointer has another type: assign it from there. Stops at
 * the first failure: OP_ERR_NOMEM, fn's failure, or sq_fail (then what *out
 * and *n hold is not to be used). */
op_rc sq_list(struct sq_tx *tx, sqlite3_stmt *st, sq_read_fn *fn, size_t size, struct arena *a,
              void **out, size_t *n, const char *what);

/* sq_list of column 0 of every row into out (from a). */
op_rc sq_list_ids(struct sq_tx *tx, sqlite3_stmt *st, struct arena *a, struct id_list *out);

/* The integer in column 0 of st's one row (a count) into *out, untouched on
 * failure. No row at all is a broken query: sq_fail. */
op_rc sq_scalar(struct sq_tx *tx, sqlite3_stmt *st, int64_t *out, const char *what);

/* Steps st, a statement that returns no rows. src is the result of binding
 * its parameters (SQLITE_OK, or the first failure: then st does not run and
 * the failure is sq_fail'd). OP_OK or sq_fail. */
op_rc sq_run(struct sq_tx *tx, sqlite3_stmt *st, int src, const char *what);

/* sq_run of an INSERT; on OP_OK *id is the new row's rowid (untouched on
 * failure). */
op_rc sq_run_insert(struct sq_tx *tx, sqlite3_stmt *st, int src, const char *what, int64_t *id);

/* sq_run of an UPDATE or DELETE meant to change a row: OP_ERR_NOTFOUND when
 * it changed none. */
op_rc sq_run_update(struct sq_tx *tx, sqlite3_stmt *st, int src, const char *what);

/* ---- SQL built at run time (lists with optional filters) ---- */

#define SQ_QUERY_BINDS 32
#define SQ_QUERY_MAX 8192

/* SQL text and its parameters, added side by side. Errors are sticky: the
 * builder calls do nothing after one, and sq_q_prep reports it. */
struct sq_query {
    struct buf sql;
    int n;
    struct {
        bool text;
        int64_t i;
        const char *s; /* not copied: must outlive the statement's use */
    } v[SQ_QUERY_BINDS];
    op_rc rc;
};

void sq_q_init(struct sq_query *q);
void sq_q_release(struct sq_query *q);
void sq_q_sql(struct sq_query *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sq_q_int(struct sq_query *q, int64_t v);
void sq_q_text(struct sq_query *q, const char *s);
/* "col IN (a,b,...)" for the set bits of mask below count; "0" when none is
 * set, so that an impossible mask matches nothing. */
void sq_q_mask(struct sq_query *q, const char *col, unsigned mask, int count);
/* Prepares q's SQL (cached by its text) and binds its parameters. */
op_rc sq_q_prep(struct sq_tx *tx, struct sq_query *q, sqlite3_stmt **out);

/* A LIKE pattern matching strings that start with prefix (with % _ \
 * escaped; use ESCAPE '\'), from a. NULL when memory is out. */
char *sq_like_prefix(struct arena *a, const char *prefix);

/* ---- the functions of sqlite_store_ops, by file ----
 *
 * Each does what its member of struct store_ops says in store.h. What the
 * SQLite backend adds to that contract:
 *   - a unique index violated is OP_ERR_CONFLICT, a referenced row that does
 *     not exist (foreign key) OP_ERR_NOTFOUND, a NOT NULL or CHECK violation
 *     OP_ERR_INVALID (e.g. a ticket without requester, a link to itself);
 *     anything else OP_ERR_IO, logged; out of memory OP_ERR_NOMEM;
 *   - update, delete and touch of a missing row are OP_ERR_NOTFOUND;
 *   - ids and times 0 are stored as NULL and read back as 0; strings read
 *     back as "" (never NULL); a user's email "" is stored as NULL;
 *   - a list's limit 0 means no limit, except ticket_list and ticket_search
 *     (1..1000, else OP_ERR_INVALID);
 *   - calls that write several rows (ticket_insert/update, comment_insert,
 *     group_set_members) are all or nothing on their own;
 *   - ticket_add_requester: OP_ERR_CONFLICT when the user already is one;
 *   - links: one per kind and pair of tickets in either order (CONFLICT);
 *   - comment_insert: OP_ERR_CONFLICT when an attachment is missing or
 *     belongs to another comment;
 *   - comment_move from a ticket onto itself is OP_ERR_INVALID;
 *   - attachment_list leaves out ids that do not exist;
 *   - token_revoke of another user's token is OP_ERR_NOTFOUND; revoking
 *     twice keeps the first time;
 *   - ticket_search: OP_ERR_INVALID when the query has no terms (the
 *     caller reports it as field "q", MSG_ERR_EMPTY), OP_ERR_TOOBIG past
 *     SQ_FTS_QUERY_MAX bytes. */

/* sqlite_people.c */
op_rc sq_org_insert(struct store_tx *tx, struct organization *o);
op_rc sq_org_update(struct store_tx *tx, const struct organization *o);
op_rc sq_org_get(struct store_tx *tx, int64_t id, struct arena *a, struct organization *out);
op_rc sq_org_list(struct store_tx *tx, const char *q, int64_t after_id, size_t limit,
                  struct arena *a, struct organization **out, size_t *n);
op_rc sq_user_insert(struct store_tx *tx, struct user *u);
op_rc sq_user_update(struct store_tx *tx, const struct user *u);
op_rc sq_user_get(struct store_tx *tx, int64_t id, struct arena *a, struct user *out);
op_rc sq_user_get_by_email(struct store_tx *tx, const char *email, struct arena *a,
                           struct user *out);
op_rc sq_user_list(struct store_tx *tx, const struct user_filter *f, struct arena *a,
                   struct user **out, size_t *n);
op_rc sq_user_groups(struct store_tx *tx, int64_t user_id, struct arena *a, struct id_list *out);
op_rc sq_group_insert(struct store_tx *tx, struct group *g);
op_rc sq_group_update(struct store_tx *tx, const struct group *g);
op_rc sq_group_get(struct store_tx *tx, int64_t id, struct arena *a, struct group *out);
op_rc sq_group_list(struct store_tx *tx, struct arena *a, struct group **out, size_t *n);
op_rc sq_group_set_members(struct store_tx *tx, int64_t group_id, const struct id_list *ids);
op_rc sq_group_delete(struct store_tx *tx, int64_t id, const char **used_by);
op_rc sq_org_delete(struct store_tx *tx, int64_t id, const char **used_by);

/* sqlite_tickets.c */
/* Indexes a ticket's text for search, taking the old text out first when
 * old_subject is not NULL. */
op_rc sq_fts_ticket(struct sq_tx *tx, int64_t id, const char *old_subject,
                    const char *old_description, const char *subject, const char *description);
op_rc sq_ticket_insert(struct store_tx *tx, struct ticket *t);
op_rc sq_ticket_update(struct store_tx *tx, const struct ticket *t);
op_rc sq_ticket_get(struct store_tx *tx, int64_t id, struct arena *a, struct ticket *out);
op_rc sq_ticket_add_requester(struct store_tx *tx, int64_t ticket_id, int64_t user_id);
op_rc sq_ticket_list(struct store_tx *tx, const struct ticket_filter *f,
                     const struct ticket_scope *scope, struct arena *a, struct ticket_page *out);
op_rc sq_ticket_count(struct store_tx *tx, const struct ticket_filter *f,
                      const struct ticket_scope *scope, int64_t *out);
op_rc sq_ticket_search(struct store_tx *tx, const char *query, const struct ticket_filter *f,
                       const struct ticket_scope *scope, size_t offset, struct arena *a,
                       struct ticket_page *out, struct search_hit **hits);

/* The FTS5 expression for a user's search text q (see sqlite_tickets.c),
 * allocated from a. OP_ERR_INVALID when q has no terms, OP_ERR_TOOBIG when
 * it is over SQ_FTS_QUERY_MAX bytes, OP_ERR_NOMEM. Exposed for the tests. */
#define SQ_FTS_QUERY_MAX 4096
#define SQ_FTS_TERMS_MAX 32
op_rc sq_fts_query(const char *q, struct arena *a, char **out);

/* sqlite_convo.c */
op_rc sq_comment_insert(struct store_tx *tx, struct comment *c);
op_rc sq_comment_list(struct store_tx *tx, int64_t ticket_id, bool public_only, int64_t after_id,
                      size_t limit, struct arena *a, struct comment **out, size_t *n);
op_rc sq_comment_count(struct store_tx *tx, int64_t ticket_id, bool public_only, int64_t *n);
op_rc sq_comment_get(struct store_tx *tx, int64_t id, struct arena *a, struct comment *out);
op_rc sq_comment_move(struct store_tx *tx, int64_t from, int64_t to, int64_t *moved);
op_rc sq_attachment_insert(struct store_tx *tx, struct attachment *at);
op_rc sq_attachment_get(struct store_tx *tx, int64_t id, struct arena *a, struct attachment *out);
op_rc sq_attachment_list(struct store_tx *tx, const struct id_list *ids, struct arena *a,
                         struct attachment **out, size_t *n);
op_rc sq_link_insert(struct store_tx *tx, struct link *l);
op_rc sq_link_get(struct store_tx *tx, int64_t id, struct link *out);
op_rc sq_link_delete(struct store_tx *tx, int64_t id);
op_rc sq_link_list(struct store_tx *tx, int64_t ticket_id, struct arena *a, struct link **out,
                   size_t *n);

/* sqlite_log.c */
op_rc sq_counts(struct store_tx *tx, struct store_counts *out);
op_rc sq_macro_insert(struct store_tx *tx, struct macro *m);
op_rc sq_macro_update(struct store_tx *tx, const struct macro *m);
op_rc sq_macro_get(struct store_tx *tx, int64_t id, struct arena *a, struct macro *out);
op_rc sq_macro_list(struct store_tx *tx, bool active_only, struct arena *a, struct macro **out,
                    size_t *n);
op_rc sq_macro_delete(struct store_tx *tx, int64_t id);
op_rc sq_event_append(struct store_tx *tx, struct event *e);
op_rc sq_event_list(struct store_tx *tx, enum entity entity, int64_t entity_id, int64_t after_id,
                    size_t limit, struct arena *a, struct event **out, size_t *n);
op_rc sq_event_feed(struct store_tx *tx, int64_t after_id, size_t limit, struct arena *a,
                    struct event **out, size_t *n);
op_rc sq_event_last(struct store_tx *tx, enum entity entity, int64_t entity_id, int64_t *out);
op_rc sq_session_insert(struct store_tx *tx, const uint8_t hash[32], struct session *s);
op_rc sq_session_get(struct store_tx *tx, const uint8_t hash[32], struct session *out);
op_rc sq_session_touch(struct store_tx *tx, int64_t id, op_time last_seen, op_time expires);
op_rc sq_session_delete(struct store_tx *tx, const uint8_t hash[32]);
op_rc sq_session_delete_user(struct store_tx *tx, int64_t user_id);
op_rc sq_token_insert(struct store_tx *tx, const uint8_t hash[32], struct api_token *t);
op_rc sq_token_get(struct store_tx *tx, const uint8_t hash[32], struct arena *a,
                   struct api_token *out);
op_rc sq_token_list(struct store_tx *tx, int64_t user_id, struct arena *a, struct api_token **out,
                    size_t *n);
op_rc sq_token_revoke(struct store_tx *tx, int64_t id, int64_t user_id, op_time at);
op_rc sq_token_touch(struct store_tx *tx, int64_t id, op_time at);
op_rc sq_lease_take(struct store_tx *tx, const char *name, const char *owner, op_time now,
                    op_time until, bool *got);
op_rc sq_lease_release(struct store_tx *tx, const char *name, const char *owner);

#endif
