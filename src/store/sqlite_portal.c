/* sqlite_portal.c - the customer portal's sign-in links in SQLite
 * (schema: migrations/sqlite/0008_portal.sql). */
#include "base/common.h"

#include "store/sqliteInt.h"
#include "store/store_portal.h"

static op_rc magic_insert(struct store_tx *t, const uint8_t hash[32], struct magic_link *l)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO portal_magic_links(token_hash, user_id, created_at, "
                       "expires_at) VALUES (?, ?, ?, ?)",
                       &st);
    if (rc) return rc;
    int src = sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    src = src ? src : sq_bind_id(st, 2, l->user_id);
    src = src ? src : sq_bind_int(st, 3, l->created_at);
    src = src ? src : sq_bind_int(st, 4, l->expires_at);
    return sq_run_insert(tx, st, src, "magic_insert", &l->id);
}

static op_rc magic_row(struct sq_row *r, void *out)
{
    struct magic_link *l = out;
    l->id = sq_col_int(r, 0);
    l->user_id = sq_col_int(r, 1);
    l->created_at = sq_col_int(r, 2);
    l->expires_at = sq_col_int(r, 3);
    l->used_at = sq_col_int(r, 4);
    return OP_OK;
}

static op_rc magic_get(struct store_tx *t, const uint8_t hash[32], struct magic_link *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT id, user_id, created_at, expires_at, used_at "
                       "FROM portal_magic_links WHERE token_hash = ?",
                       &st);
    if (rc) return rc;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    return sq_one(tx, st, magic_row, NULL, out, "magic_get");
}

static op_rc magic_use(struct store_tx *t, int64_t id, op_time at)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(
        tx, "UPDATE portal_magic_links SET used_at = ? WHERE id = ? AND used_at IS NULL", &st);
    if (rc) return rc;
    int src = sq_bind_int(st, 1, at);
    src = src ? src : sq_bind_int(st, 2, id);
    return sq_run_update(tx, st, src, "magic_use");
}

static op_rc magic_prune(struct store_tx *t, op_time before)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "DELETE FROM portal_magic_links WHERE expires_at < ?", &st);
    if (rc) return rc;
    return sq_run(tx, st, sq_bind_int(st, 1, before), "magic_prune");
}

const struct store_portal_ops sqlite_portal_ops = {
    .magic_insert = magic_insert,
    .magic_get = magic_get,
    .magic_use = magic_use,
    .magic_prune = magic_prune,
};
