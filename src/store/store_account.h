/* store_account.h - the storage of staff account links: invitations and
 * password resets mailed to staff members. Only the SHA-256 hash of a
 * link's secret is kept, so a copy of the database sets no password.
 * Same contract as store.h (schema: migrations 0010_account). */
#ifndef OPORA_STORE_ACCOUNT_H
#define OPORA_STORE_ACCOUNT_H

#include "store/store.h"

/* What a link is for: stored as "invite" / "reset". */
enum account_kind { ACCOUNT_INVITE, ACCOUNT_RESET, ACCOUNT__COUNT };

struct account_token {
    int64_t id;
    int64_t user_id;
    enum account_kind kind;
    op_time created_at, expires_at;
    op_time used_at; /* 0: not used yet */
};

struct store_account_ops {
    /* Records a link (hash of its secret); sets t->id. CONFLICT when the
     * hash is there already. */
    op_rc (*token_insert)(struct store_tx *tx, const uint8_t hash[32], struct account_token *t);
    /* The link with this hash; OP_ERR_NOTFOUND when none. */
    op_rc (*token_get)(struct store_tx *tx, const uint8_t hash[32], struct account_token *out);
    /* Marks link id used at `at` when it was not: OP_ERR_NOTFOUND when it
     * was used already (another request won), so a link works once. */
    op_rc (*token_use)(struct store_tx *tx, int64_t id, op_time at);
    /* Marks every link of user_id not used yet as used at `at`: a password
     * once set makes the other links of the user void. */
    op_rc (*token_use_all)(struct store_tx *tx, int64_t user_id, op_time at);
    /* The newest link of user_id that is neither used nor expired at now;
     * OP_ERR_NOTFOUND when none. */
    op_rc (*token_pending)(struct store_tx *tx, int64_t user_id, op_time now,
                           struct account_token *out);
    /* Forgets the links that expired before `before`. */
    op_rc (*token_prune)(struct store_tx *tx, op_time before);
};

/* "invite", "reset" ("" out of range). */
static inline const char *account_kind_name(enum account_kind k)
{
    return k == ACCOUNT_INVITE ? "invite" : k == ACCOUNT_RESET ? "reset" : "";
}

/* The kind of a stored name; -1 for an unknown one. */
static inline int account_kind_parse(const char *s)
{
    return strcmp(s, "invite") == 0 ? ACCOUNT_INVITE : strcmp(s, "reset") == 0 ? ACCOUNT_RESET : -1;
}

extern const struct store_account_ops sqlite_account_ops;
extern const struct store_account_ops pg_account_ops;

#endif
