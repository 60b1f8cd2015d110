/* store_viewers.h - who has a ticket page open now: one row per (ticket,
 * user), refreshed by the page's heartbeat, meaningful for a short while
 * only (the app decides how long). Same contract as store.h. */
#ifndef OPORA_STORE_VIEWERS_H
#define OPORA_STORE_VIEWERS_H

#include "store/store.h"

struct ticket_viewer {
    int64_t user_id;
    bool typing;     /* typing a reply at the last heartbeat */
    op_time seen_at; /* the last heartbeat */
};

struct store_viewers_ops {
    /* Records that user_id has ticket_id open at `at` (insert or refresh). */
    op_rc (*put)(struct store_tx *tx, int64_t ticket_id, int64_t user_id, bool typing, op_time at);
    /* Forgets user_id on ticket_id (the page was closed); OP_OK when absent. */
    op_rc (*drop)(struct store_tx *tx, int64_t ticket_id, int64_t user_id);
    /* Deletes every row last seen before `before`. */
    op_rc (*prune)(struct store_tx *tx, op_time before);
    /* The viewers of ticket_id seen at or after `since`, by user id (from a). */
    op_rc (*list)(struct store_tx *tx, int64_t ticket_id, op_time since, struct arena *a,
                  struct ticket_viewer **out, size_t *n);
};

extern const struct store_viewers_ops sqlite_viewers_ops;
extern const struct store_viewers_ops pg_viewers_ops;

#endif
