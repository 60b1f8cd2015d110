/* store_portal.h - the storage of the customer portal: single-use sign-in
 * links ("magic links") mailed to customers. Only a hash of a link's secret
 * is kept, so a copy of the database cannot be used to sign in.
 * Same contract as store.h. */
#ifndef OPORA_STORE_PORTAL_H
#define OPORA_STORE_PORTAL_H

#include "store/store.h"

struct magic_link {
    int64_t id;
    int64_t user_id;
    op_time created_at, expires_at;
    op_time used_at; /* 0: not used yet */
};

struct store_portal_ops {
    /* Records a link (hash of its secret); sets l->id. */
    op_rc (*magic_insert)(struct store_tx *tx, const uint8_t hash[32], struct magic_link *l);
    /* The link with this hash; OP_ERR_NOTFOUND when none. */
    op_rc (*magic_get)(struct store_tx *tx, const uint8_t hash[32], struct magic_link *out);
    /* Marks link id used at `at` when it was not: OP_ERR_NOTFOUND when it
     * was used already (another request won), so a link signs in once. */
    op_rc (*magic_use)(struct store_tx *tx, int64_t id, op_time at);
    /* Forgets the links that expired before `before`. */
    op_rc (*magic_prune)(struct store_tx *tx, op_time before);
};

extern const struct store_portal_ops sqlite_portal_ops;
extern const struct store_portal_ops pg_portal_ops;

#endif
