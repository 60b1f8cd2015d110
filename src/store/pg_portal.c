/* pg_portal.c - the customer portal's sign-in links in PostgreSQL
 * (schema: migrations/pg/0008_portal.sql; behaviour as sqlite_portal.c). */
#include "base/common.h"

#include "store/pgInt.h"
#include "store/store_portal.h"

static op_rc magic_insert(struct store_tx *t, const uint8_t hash[32], struct magic_link *l)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO portal_magic_links(token_hash, user_id, created_at, expires_at) "
                    "VALUES ($1, $2, $3, $4) RETURNING id");
    pg_bind_blob(&st, hash, 32);
    pg_bind_id(&st, l->user_id);
    pg_bind_int(&st, l->created_at);
    pg_bind_int(&st, l->expires_at);
    return pg_run_insert(pg_tx(t), &st, &l->id, "magic_insert");
}

static op_rc magic_row(struct pg_row *r, void *out)
{
    struct magic_link *l = out;
    l->id = pg_col_int(r, 0);
    l->user_id = pg_col_int(r, 1);
    l->created_at = pg_col_int(r, 2);
    l->expires_at = pg_col_int(r, 3);
    l->used_at = pg_col_int(r, 4);
    return OP_OK;
}

static op_rc magic_get(struct store_tx *t, const uint8_t hash[32], struct magic_link *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT id, user_id, created_at, expires_at, used_at "
                    "FROM portal_magic_links WHERE token_hash = $1");
    pg_bind_blob(&st, hash, 32);
    return pg_one(pg_tx(t), &st, magic_row, NULL, out, "magic_get");
}

static op_rc magic_use(struct store_tx *t, int64_t id, op_time at)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE portal_magic_links SET used_at = $1 WHERE id = $2 AND used_at IS NULL");
    pg_bind_int(&st, at);
    pg_bind_int(&st, id);
    return pg_run_update(pg_tx(t), &st, "magic_use");
}

static op_rc magic_prune(struct store_tx *t, op_time before)
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM portal_magic_links WHERE expires_at < $1");
    pg_bind_int(&st, before);
    return pg_run(pg_tx(t), &st, NULL, "magic_prune");
}

const struct store_portal_ops pg_portal_ops = {
    .magic_insert = magic_insert,
    .magic_get = magic_get,
    .magic_use = magic_use,
    .magic_prune = magic_prune,
};
