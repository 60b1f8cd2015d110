/* pg_account.c - staff invitations and password resets in PostgreSQL
 * (schema: migrations/pg/0010_account.sql; behaviour as sqlite_account.c). */
#include "base/common.h"

#include "store/pgInt.h"
#include "store/store_account.h"

static op_rc token_insert(struct store_tx *t, const uint8_t hash[32], struct account_token *l)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO account_tokens(token_hash, kind, user_id, created_at, expires_at) "
                    "VALUES ($1, $2, $3, $4, $5) RETURNING id");
    pg_bind_blob(&st, hash, 32);
    pg_bind_text(&st, account_kind_name(l->kind));
    pg_bind_id(&st, l->user_id);
    pg_bind_int(&st, l->created_at);
    pg_bind_int(&st, l->expires_at);
    return pg_run_insert(pg_tx(t), &st, &l->id, "account_token_insert");
}

static op_rc token_row(struct pg_row *r, void *out)
{
    struct account_token *l = out;
    const char *kind = PQgetisnull(r->res, r->i, 2) ? "" : PQgetvalue(r->res, r->i, 2);
    int k = account_kind_parse(kind);
    if (k < 0) return OP_ERR_IO; /* the CHECK constraint keeps this from happening */
    l->id = pg_col_int(r, 0);
    l->user_id = pg_col_int(r, 1);
    l->kind = (enum account_kind)k;
    l->created_at = pg_col_int(r, 3);
    l->expires_at = pg_col_int(r, 4);
    l->used_at = pg_col_int(r, 5);
    return OP_OK;
}

#define TOKEN_COLS "id, user_id, kind, created_at, expires_at, used_at"

static op_rc token_get(struct store_tx *t, const uint8_t hash[32], struct account_token *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " TOKEN_COLS " FROM account_tokens WHERE token_hash = $1");
    pg_bind_blob(&st, hash, 32);
    return pg_one(pg_tx(t), &st, token_row, NULL, out, "account_token_get");
}

static op_rc token_use(struct store_tx *t, int64_t id, op_time at)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE account_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL");
    pg_bind_int(&st, at);
    pg_bind_int(&st, id);
    return pg_run_update(pg_tx(t), &st, "account_token_use");
}

static op_rc token_use_all(struct store_tx *t, int64_t user_id, op_time at)
{
    struct pg_stmt st;
    pg_st_init(&st,
               "UPDATE account_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL");
    pg_bind_int(&st, at);
    pg_bind_int(&st, user_id);
    return pg_run(pg_tx(t), &st, NULL, "account_token_use_all");
}

static op_rc token_pending(struct store_tx *t, int64_t user_id, op_time now,
                           struct account_token *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " TOKEN_COLS " FROM account_tokens WHERE user_id = $1 "
                    "AND used_at IS NULL AND expires_at > $2 ORDER BY id DESC LIMIT 1");
    pg_bind_int(&st, user_id);
    pg_bind_int(&st, now);
    return pg_one(pg_tx(t), &st, token_row, NULL, out, "account_token_pending");
}

static op_rc token_prune(struct store_tx *t, op_time before)
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM account_tokens WHERE expires_at < $1");
    pg_bind_int(&st, before);
    return pg_run(pg_tx(t), &st, NULL, "account_token_prune");
}

const struct store_account_ops pg_account_ops = {
    .token_insert = token_insert,
    .token_get = token_get,
    .token_use = token_use,
    .token_use_all = token_use_all,
    .token_pending = token_pending,
    .token_prune = token_prune,
};
