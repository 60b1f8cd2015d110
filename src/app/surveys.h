/* surveys.h - customer surveys: a CSAT request when a ticket is solved, NPS
 * to customers on a schedule (at most once per customer per period), the CSI
 * questions with their weights, answers through signed links, and the
 * totals per agent or group. Formulas: core/survey.h and docs/kpi.md. */
#ifndef OPORA_APP_SURVEYS_H
#define OPORA_APP_SURVEYS_H

#include "app/app.h"
#include "store/store_survey.h"

/* ---- answering (public: the signed token is the credential) ---- */

struct survey_view {
    struct survey s;
    char *ticket_subject;          /* CSAT: the ticket's subject */
    struct csi_question *questions; /* CSAT: the active CSI questions */
    size_t n_questions;
    bool expired;
    enum lang lang;                /* the customer's */
};

/* The survey a token names. OP_ERR_NOTFOUND for a wrong or forged token. */
op_rc app_survey_view(struct app *app, const char *token, struct arena *a,
                      struct survey_view *out, struct op_err *err);

struct survey_answer {
    int score;                     /* CSAT 1..5, NPS 0..10 */
    const char *comment;           /* NULL: keep what was said before */
    int64_t *question_ids;         /* CSI scores 1..5 of some active questions */
    int *question_scores;
    size_t n;
};

/* Records (or changes, while the link works) the answer, with a "rated"
 * event by the customer on the ticket (CSAT) or on the customer (NPS).
 * OP_ERR_NOTFOUND for a wrong token, OP_ERR_CONFLICT when it expired,
 * OP_ERR_INVALID naming the field. */
op_rc app_survey_answer(struct app *app, const char *token, const struct survey_answer *in,
                        struct arena *a, struct survey *out, struct op_err *err);

/* ---- the team's side ---- */

enum survey_group_by { SGB_NONE, SGB_AGENT, SGB_GROUP };

struct survey_row {
    int64_t key;                   /* the agent or group id; 0 for SGB_NONE */
    struct survey_totals t;
};

/* Totals of the surveys answered in [from, to): leads and admins see all,
 * an agent their own (agent_id 0 = everyone the caller may see). */
op_rc app_survey_report(struct app *app, const struct actor *who, op_time from, op_time to,
                        enum survey_group_by by, int64_t agent_id, int64_t group_id,
                        struct arena *a, struct survey_row **out, size_t *n,
                        struct op_err *err);

op_rc app_csi_questions(struct app *app, const struct actor *who, struct arena *a,
                        struct csi_question **out, size_t *n, struct op_err *err);
/* Replaces the questions (admins): keys [a-z0-9_], texts in both languages,
 * weights 1..100; questions left out are kept for old answers but no
 * longer asked. */
op_rc app_csi_questions_put(struct app *app, const struct actor *who, struct csi_question *v,
                            size_t n, struct op_err *err);

op_rc app_survey_settings(struct app *app, const struct actor *who, struct survey_settings *out,
                          struct op_err *err);
op_rc app_survey_settings_put(struct app *app, const struct actor *who,
                              const struct survey_settings *in, struct op_err *err);

/* ---- for the rest of the app ---- */

/* The ticket hook: a solved ticket of a customer gets a CSAT survey. */
op_rc survey_after_write(struct app *app, struct store_tx *tx, const struct actor *who,
                         const struct ticket *old, struct ticket *t, struct arena *a);

/* The link ("{public_url}/survey/{token}") of t's open CSAT survey, for the
 * solved mail; "" when there is none. */
op_rc survey_link(struct app *app, struct store_tx *tx, const struct ticket *t, struct arena *a,
                  char **out);

/* The NPS job (jobs.c): surveys the customers due one, under a lease. */
op_rc survey_job(struct app *app, op_time now, op_time *next_at);

#endif
