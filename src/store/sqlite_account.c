/* sqlite_account.c - staff invitations and password resets in SQLite
 * (schema: migrations/sqlite/0010_account.sql). */
#include "base/common.h"

#include "store/sqliteInt.h"
#include "store/store_account.h"

static op_rc token_insert(struct store_tx *t, const uint8_t hash[32], struct account_token *l)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO account_tokens(token_hash, kind, user_id, created_at, "
                       "expires_at) VALUES (?, ?, ?, ?, ?)",
                       &st);
    if (rc) return rc;
    int src = sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    src = src ? src : sq_bind_text(st, 2, account_kind_name(l->kind));
    src = src ? src : sq_bind_id(st, 3, l->user_id);
    src = src ? src : sq_bind_int(st, 4, l->created_at);
    src = src ? src : sq_bind_int(st, 5, l->expires_at);
    return sq_run_insert(tx, st, src, "account_token_insert", &l->id);
}

static op_rc token_row(struct sq_row *r, void *out)
{
    struct account_token *l = out;
    const char *kind = (const char *)sqlite3_column_text(r->st, 2);
    int k = account_kind_parse(kind ? kind : "");
    if (k < 0) return OP_ERR_IO; /* the CHECK constraint keeps this from happening */
    l->id = sq_col_int(r, 0);
    l->user_id = sq_col_int(r, 1);
    l->kind = (enum account_kind)k;
    l->created_at = sq_col_int(r, 3);
    l->expires_at = sq_col_int(r, 4);
    l->used_at = sq_col_int(r, 5);
    return OP_OK;
}

#define TOKEN_COLS "id, user_id, kind, created_at, expires_at, used_at"

static op_rc token_get(struct store_tx *t, const uint8_t hash[32], struct account_token *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "SELECT " TOKEN_COLS " FROM account_tokens WHERE token_hash = ?", &st);
    if (rc) return rc;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    return sq_one(tx, st, token_row, NULL, out, "account_token_get");
}

static op_rc token_use(struct store_tx *t, int64_t id, op_time at)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc =
        sq_prep(tx, "UPDATE account_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL", &st);
    if (rc) return rc;
    int src = sq_bind_int(st, 1, at);
    src = src ? src : sq_bind_int(st, 2, id);
    return sq_run_update(tx, st, src, "account_token_use");
}

static op_rc token_use_all(struct store_tx *t, int64_t user_id, op_time at)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(
        tx, "UPDATE account_tokens SET used_at = ? WHERE user_id = ? AND used_at IS NULL", &st);
    if (rc) return rc;
    int src = sq_bind_int(st, 1, at);
    src = src ? src : sq_bind_int(st, 2, user_id);
    return sq_run(tx, st, src, "account_token_use_all");
}

static op_rc token_pending(struct store_tx *t, int64_t user_id, op_time now,
                           struct account_token *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT " TOKEN_COLS " FROM account_tokens WHERE user_id = ? "
                       "AND used_at IS NULL AND expires_at > ? ORDER BY id DESC LIMIT 1",
                       &st);
    if (rc) return rc;
    int src = sq_bind_int(st, 1, user_id);
    src = src ? src : sq_bind_int(st, 2, now);
    if (src) return sq_run(tx, st, src, "account_token_pending"); /* reports the bind */
    return sq_one(tx, st, token_row, NULL, out, "account_token_pending");
}

static op_rc token_prune(struct store_tx *t, op_time before)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "DELETE FROM account_tokens WHERE expires_at < ?", &st);
    if (rc) return rc;
    return sq_run(tx, st, sq_bind_int(st, 1, before), "account_token_prune");
}

const struct store_account_ops sqlite_account_ops = {
    .token_insert = token_insert,
    .token_get = token_get,
    .token_use = token_use,
    .token_use_all = token_use_all,
    .token_pending = token_pending,
    .token_prune = token_prune,
};
