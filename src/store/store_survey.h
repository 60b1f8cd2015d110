/* store_survey.h - the storage of customer surveys (CSAT, NPS), the CSI
 * questions, the survey settings and the key that signs survey links.
 * Same contract as store.h. */
#ifndef OPORA_STORE_SURVEY_H
#define OPORA_STORE_SURVEY_H

#include "core/survey.h"
#include "store/store.h"

struct survey {
    int64_t id;
    enum survey_kind kind;
    int64_t ticket_id, customer_id, agent_id, group_id; /* 0: none */
    op_time created_at, expires_at, answered_at;         /* answered_at 0: not yet */
    int score;                                           /* when answered */
    char *comment;
    char *answers;        /* CSI: "question_id=score ..." ("" none) */
};

struct survey_settings {
    bool csat_enabled;
    int answer_days;
    bool nps_enabled;
    int nps_period_days;
    op_time updated_at;
};

struct survey_filter {
    op_time from, to;      /* answered in [from, to) */
    int64_t agent_id, group_id;
    int kind;              /* -1: both */
    int64_t after_id;
    size_t limit;          /* 0: no limit */
};

struct store_survey_ops {
    op_rc (*key_get)(struct store_tx *tx, uint8_t key[SURVEY_KEY_BYTES]);

    /* insert sets ->id */
    op_rc (*insert)(struct store_tx *tx, struct survey *s);
    op_rc (*get)(struct store_tx *tx, int64_t id, struct arena *a, struct survey *out);
    /* records (or replaces) the answer */
    op_rc (*answer)(struct store_tx *tx, int64_t id, int score, const char *comment,
                    const char *answers, op_time at);
    /* the newest survey of kind about ticket_id; OP_ERR_NOTFOUND when none */
    op_rc (*of_ticket)(struct store_tx *tx, int64_t ticket_id, enum survey_kind kind,
                       struct arena *a, struct survey *out);
    /* answered surveys matching f, by id */
    op_rc (*list)(struct store_tx *tx, const struct survey_filter *f, struct arena *a,
                  struct survey **out, size_t *n);
    /* Customers who had a ticket solved in [since, now) and no NPS survey
     * made after not_before: up to limit, by id. */
    op_rc (*nps_due)(struct store_tx *tx, op_time since, op_time now, op_time not_before,
                     size_t limit, struct arena *a, struct id_list *out);

    op_rc (*questions)(struct store_tx *tx, bool active_only, struct arena *a,
                       struct csi_question **out, size_t *n);
    /* replaces every question with v (ids of v are ignored; set on return) */
    op_rc (*questions_put)(struct store_tx *tx, struct csi_question *v, size_t n);

    op_rc (*settings_get)(struct store_tx *tx, struct survey_settings *out);
    op_rc (*settings_put)(struct store_tx *tx, const struct survey_settings *s);
};

extern const struct store_survey_ops sqlite_survey_ops;
extern const struct store_survey_ops pg_survey_ops;

#endif
