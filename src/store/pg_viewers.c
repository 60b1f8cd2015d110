/* pg_viewers.c - who has a ticket page open, in PostgreSQL (schema:
 * migrations/pg/0009_workspace.sql; behaviour as sqlite_viewers.c). */
#include "base/common.h"

#include "store/pgInt.h"
#include "store/store_viewers.h"

static op_rc put(struct store_tx *t, int64_t ticket_id, int64_t user_id, bool typing, op_time at)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO ticket_viewers(ticket_id, user_id, typing, seen_at) "
                    "VALUES ($1, $2, $3, $4) ON CONFLICT (ticket_id, user_id) DO UPDATE "
                    "SET typing = excluded.typing, seen_at = excluded.seen_at");
    pg_bind_int(&st, ticket_id);
    pg_bind_int(&st, user_id);
    pg_bind_int(&st, typing ? 1 : 0);
    pg_bind_int(&st, at);
    return pg_run(pg_tx(t), &st, NULL, "viewer_put");
}

static op_rc drop(struct store_tx *t, int64_t ticket_id, int64_t user_id)
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM ticket_viewers WHERE ticket_id = $1 AND user_id = $2");
    pg_bind_int(&st, ticket_id);
    pg_bind_int(&st, user_id);
    return pg_run(pg_tx(t), &st, NULL, "viewer_drop");
}

static op_rc prune(struct store_tx *t, op_time before)
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM ticket_viewers WHERE seen_at < $1");
    pg_bind_int(&st, before);
    return pg_run(pg_tx(t), &st, NULL, "viewer_prune");
}

static op_rc viewer_row(struct pg_row *r, void *out)
{
    struct ticket_viewer *v = out;
    v->user_id = pg_col_int(r, 0);
    v->typing = pg_col_int(r, 1) != 0;
    v->seen_at = pg_col_int(r, 2);
    return OP_OK;
}

static op_rc list(struct store_tx *t, int64_t ticket_id, op_time since, struct arena *a,
                  struct ticket_viewer **out, size_t *n)
{
    struct pg_stmt st;
    void *v = NULL;
    pg_st_init(&st, "SELECT user_id, typing, seen_at FROM ticket_viewers "
                    "WHERE ticket_id = $1 AND seen_at >= $2 ORDER BY user_id");
    pg_bind_int(&st, ticket_id);
    pg_bind_int(&st, since);
    op_rc rc = pg_list(pg_tx(t), &st, viewer_row, sizeof(**out), a, &v, n, "viewer_list");
    *out = v;
    return rc;
}

const struct store_viewers_ops pg_viewers_ops = {
    .put = put,
    .drop = drop,
    .prune = prune,
    .list = list,
};
