/* store_motivation.h - the storage of the motivation system: the level
 * plans (levels with pay band, bonus cap and KPI goals), each agent's pay,
 * and the approved (frozen) monthly bonus statements. Same contract as
 * store.h. An approved statement is kept as the document the app wrote
 * (JSON): the store does not read into it. */
#ifndef OPORA_STORE_MOTIVATION_H
#define OPORA_STORE_MOTIVATION_H

#include "core/motivation.h"
#include "store/store.h"

/* An agent's pay; level_rank 0 means "the plan whose rank is the user's
 * staff level". */
struct agent_pay {
    int64_t user_id;
    int level_rank;
    int64_t base_pay; /* minor units */
    char currency[4]; /* ISO 4217 */
    op_time updated_at;
};

/* An approved month: what it was computed from, and when. */
struct bonus_month {
    char month[8]; /* "2026-10" */
    char *tz;
    op_time from, to;       /* the KPI report's range [from, to) */
    int64_t events_through; /* the newest event folded into the KPI facts used */
    op_time approved_at;
    int64_t approved_by;
    char *summary; /* the team summary, JSON */
};

struct bonus_doc {
    int64_t user_id;
    char *body; /* the statement, JSON */
};

struct store_motivation_ops {
    /* every stored level with its goals, by rank; none stored: *n = 0 */
    op_rc (*levels)(struct store_tx *tx, struct arena *a, struct level_plan **out, size_t *n);
    /* replaces every level with v (ids set on return) */
    op_rc (*levels_put)(struct store_tx *tx, struct level_plan *v, size_t n);

    /* OP_ERR_NOTFOUND when user_id has no pay row */
    op_rc (*pay_get)(struct store_tx *tx, int64_t user_id, struct agent_pay *out);
    op_rc (*pay_put)(struct store_tx *tx, const struct agent_pay *p);
    /* every pay row, by user id */
    op_rc (*pay_list)(struct store_tx *tx, struct arena *a, struct agent_pay **out, size_t *n);

    /* OP_ERR_NOTFOUND when month is not approved */
    op_rc (*month_get)(struct store_tx *tx, const char *month, struct arena *a,
                       struct bonus_month *out);
    /* records an approved month and its statements; OP_ERR_CONFLICT when
     * the month was approved already */
    op_rc (*month_put)(struct store_tx *tx, const struct bonus_month *m,
                       const struct bonus_doc *docs, size_t n);
    /* the statements of an approved month, by user id (user_id 0: all) */
    op_rc (*month_docs)(struct store_tx *tx, const char *month, int64_t user_id, struct arena *a,
                        struct bonus_doc **out, size_t *n);
};

extern const struct store_motivation_ops sqlite_motivation_ops;
extern const struct store_motivation_ops pg_motivation_ops;

#endif
