/* sqlite_viewers.c - who has a ticket page open, in SQLite (schema:
 * migrations/sqlite/0009_workspace.sql). */
#include "base/common.h"

#include "store/sqliteInt.h"
#include "store/store_viewers.h"

static op_rc vw_put(struct store_tx *t, int64_t ticket_id, int64_t user_id, bool typing, op_time at)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO ticket_viewers(ticket_id, user_id, typing, seen_at) "
                       "VALUES (?, ?, ?, ?) ON CONFLICT (ticket_id, user_id) DO UPDATE "
                       "SET typing = excluded.typing, seen_at = excluded.seen_at",
                       &st);
    if (rc) return rc;
    int src = sq_bind_int(st, 1, ticket_id);
    src = src ? src : sq_bind_int(st, 2, user_id);
    src = src ? src : sq_bind_int(st, 3, typing ? 1 : 0);
    src = src ? src : sq_bind_int(st, 4, at);
    return sq_run(tx, st, src, "viewer_put");
}

static op_rc vw_drop(struct store_tx *t, int64_t ticket_id, int64_t user_id)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "DELETE FROM ticket_viewers WHERE ticket_id = ? AND user_id = ?", &st);
    if (rc) return rc;
    int src = sq_bind_int(st, 1, ticket_id);
    src = src ? src : sq_bind_int(st, 2, user_id);
    return sq_run(tx, st, src, "viewer_drop");
}

static op_rc vw_prune(struct store_tx *t, op_time before)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "DELETE FROM ticket_viewers WHERE seen_at < ?", &st);
    if (rc) return rc;
    return sq_run(tx, st, sq_bind_int(st, 1, before), "viewer_prune");
}

static op_rc viewer_row(struct sq_row *r, void *out)
{
    struct ticket_viewer *v = out;
    v->user_id = sq_col_int(r, 0);
    v->typing = sq_col_int(r, 1) != 0;
    v->seen_at = sq_col_int(r, 2);
    return OP_OK;
}

static op_rc vw_list(struct store_tx *t, int64_t ticket_id, op_time since, struct arena *a,
                     struct ticket_viewer **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    void *v = NULL;
    op_rc rc = sq_prep(tx,
                       "SELECT user_id, typing, seen_at FROM ticket_viewers "
                       "WHERE ticket_id = ? AND seen_at >= ? ORDER BY user_id",
                       &st);
    if (rc) return rc;
    int src = sq_bind_int(st, 1, ticket_id);
    src = src ? src : sq_bind_int(st, 2, since);
    if (src) return sq_run(tx, st, src, "viewer_list"); /* reports the bind failure */
    rc = sq_list(tx, st, viewer_row, sizeof(**out), a, &v, n, "viewer_list");
    *out = v;
    return rc;
}

const struct store_viewers_ops sqlite_viewers_ops = {
    .put = vw_put,
    .drop = vw_drop,
    .prune = vw_prune,
    .list = vw_list,
};
