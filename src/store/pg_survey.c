/* pg_survey.c - surveys, CSI questions and survey settings in PostgreSQL
 * (schema: migrations/pg/0006_surveys.sql; behaviour as sqlite_survey.c). */
#include "base/common.h"

#include "store/pgInt.h"
#include "store/store_survey.h"

static void bind_limit(struct pg_stmt *st, size_t limit)
{
    pg_bind_id(st, limit > INT64_MAX ? 0 : (int64_t)limit); /* 0: NULL, no limit */
}

static op_rc key_row(struct pg_row *r, void *out)
{
    return pg_col_hex(r, 0, out, SURVEY_KEY_BYTES) ? OP_OK : OP_ERR_IO;
}

static op_rc key_get(struct store_tx *t, uint8_t key[SURVEY_KEY_BYTES])
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT encode(key, 'hex') FROM survey_keys WHERE id = 1");
    op_rc rc = pg_one(pg_tx(t), &st, key_row, NULL, key, "survey_key");
    return rc == OP_ERR_NOTFOUND ? OP_ERR_IO : rc;
}

#define SURVEY_COLS                                                                            \
    "id, kind, ticket_id, customer_id, agent_id, group_id, created_at, expires_at, "           \
    "answered_at, score, comment, answers"

static op_rc survey_row(struct pg_row *r, void *out)
{
    struct survey *s = out;
    s->id = pg_col_int(r, 0);
    s->kind = (enum survey_kind)pg_col_int(r, 1);
    s->ticket_id = pg_col_int(r, 2);
    s->customer_id = pg_col_int(r, 3);
    s->agent_id = pg_col_int(r, 4);
    s->group_id = pg_col_int(r, 5);
    s->created_at = pg_col_int(r, 6);
    s->expires_at = pg_col_int(r, 7);
    s->answered_at = pg_col_int(r, 8);
    s->score = (int)pg_col_int(r, 9);
    s->comment = pg_col_text(r, 10);
    s->answers = pg_col_text(r, 11);
    return OP_OK;
}

static op_rc insert(struct store_tx *t, struct survey *s)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO surveys(kind, ticket_id, customer_id, agent_id, group_id, "
                    "created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");
    pg_bind_int(&st, s->kind);
    pg_bind_id(&st, s->ticket_id);
    pg_bind_int(&st, s->customer_id);
    pg_bind_id(&st, s->agent_id);
    pg_bind_id(&st, s->group_id);
    pg_bind_int(&st, s->created_at);
    pg_bind_int(&st, s->expires_at);
    return pg_run_insert(pg_tx(t), &st, &s->id, "survey_insert");
}

static op_rc get(struct store_tx *t, int64_t id, struct arena *a, struct survey *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " SURVEY_COLS " FROM surveys WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_one(pg_tx(t), &st, survey_row, a, out, "survey_get");
}

static op_rc answer(struct store_tx *t, int64_t id, int score, const char *comment,
                    const char *answers, op_time at)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE surveys SET score = $1, comment = $2, answers = $3, "
                    "answered_at = $4 WHERE id = $5");
    pg_bind_int(&st, score);
    pg_bind_text(&st, comment);
    pg_bind_text(&st, answers);
    pg_bind_int(&st, at);
    pg_bind_int(&st, id);
    return pg_run_update(pg_tx(t), &st, "survey_answer");
}

static op_rc of_ticket(struct store_tx *t, int64_t ticket_id, enum survey_kind kind,
                       struct arena *a, struct survey *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " SURVEY_COLS " FROM surveys WHERE ticket_id = $1 AND kind = $2 "
                    "ORDER BY id DESC LIMIT 1");
    pg_bind_int(&st, ticket_id);
    pg_bind_int(&st, kind);
    return pg_one(pg_tx(t), &st, survey_row, a, out, "survey_of_ticket");
}

static op_rc list(struct store_tx *t, const struct survey_filter *f, struct arena *a,
                  struct survey **out, size_t *n)
{
    struct pg_query q;
    struct pg_stmt *st;
    pg_q_init(&q);
    pg_q_sql(&q, "SELECT " SURVEY_COLS " FROM surveys WHERE answered_at IS NOT NULL AND id > ?");
    pg_q_int(&q, f->after_id);
    if (f->from) {
        pg_q_sql(&q, " AND answered_at >= ?");
        pg_q_int(&q, f->from);
    }
    if (f->to) {
        pg_q_sql(&q, " AND answered_at < ?");
        pg_q_int(&q, f->to);
    }
    if (f->agent_id) {
        pg_q_sql(&q, " AND agent_id = ?");
        pg_q_int(&q, f->agent_id);
    }
    if (f->group_id) {
        pg_q_sql(&q, " AND group_id = ?");
        pg_q_int(&q, f->group_id);
    }
    if (f->kind >= 0) {
        pg_q_sql(&q, " AND kind = ?");
        pg_q_int(&q, f->kind);
    }
    pg_q_sql(&q, " ORDER BY id");
    if (f->limit) {
        pg_q_sql(&q, " LIMIT ?");
        pg_q_int(&q, (int64_t)f->limit);
    }
    op_rc rc = pg_q_stmt(&q, &st);
    if (!rc) {
        void *v;
        rc = pg_list(pg_tx(t), st, survey_row, sizeof(**out), a, &v, n, "survey_list");
        *out = v;
    }
    pg_q_release(&q);
    return rc;
}

static op_rc nps_due(struct store_tx *t, op_time since, op_time now, op_time not_before,
                     size_t limit, struct arena *a, struct id_list *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT DISTINCT t.requester_id FROM tickets t "
                    "JOIN users u ON u.id = t.requester_id "
                    "WHERE t.solved_at >= $1 AND t.solved_at < $2 AND u.role = 0 AND u.active = 1 "
                    "AND NOT EXISTS (SELECT 1 FROM surveys s WHERE s.customer_id = "
                    "t.requester_id AND s.kind = 1 AND s.created_at > $3) "
                    "ORDER BY t.requester_id LIMIT $4");
    pg_bind_int(&st, since);
    pg_bind_int(&st, now);
    pg_bind_int(&st, not_before);
    bind_limit(&st, limit);
    return pg_list_ids(pg_tx(t), &st, a, out);
}

static op_rc question_row(struct pg_row *r, void *out)
{
    struct csi_question *q = out;
    q->id = pg_col_int(r, 0);
    q->key = pg_col_text(r, 1);
    q->text_en = pg_col_text(r, 2);
    q->text_ru = pg_col_text(r, 3);
    q->weight = (int)pg_col_int(r, 4);
    q->active = pg_col_int(r, 5) != 0;
    q->position = (int)pg_col_int(r, 6);
    return OP_OK;
}

static op_rc questions(struct store_tx *t, bool active_only, struct arena *a,
                       struct csi_question **out, size_t *n)
{
    struct pg_stmt st;
    pg_st_init(&st, active_only ? "SELECT id, key, text_en, text_ru, weight, active, position "
                                  "FROM csi_questions WHERE active = 1 ORDER BY position, id"
                                : "SELECT id, key, text_en, text_ru, weight, active, position "
                                  "FROM csi_questions ORDER BY position, id");
    void *v;
    op_rc rc = pg_list(pg_tx(t), &st, question_row, sizeof(**out), a, &v, n, "csi_questions");
    *out = v;
    return rc;
}

static op_rc questions_put(struct store_tx *t, struct csi_question *v, size_t n)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE csi_questions SET active = 0");
    op_rc rc = pg_run(pg_tx(t), &st, NULL, "csi_questions_off");
    for (size_t i = 0; !rc && i < n; i++) {
        pg_st_init(&st, "INSERT INTO csi_questions(key, text_en, text_ru, weight, active, "
                        "position) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO UPDATE "
                        "SET text_en = $2, text_ru = $3, weight = $4, active = $5, "
                        "position = $6 RETURNING id");
        pg_bind_text(&st, v[i].key);
        pg_bind_text(&st, v[i].text_en);
        pg_bind_text(&st, v[i].text_ru);
        pg_bind_int(&st, v[i].weight);
        pg_bind_int(&st, v[i].active);
        pg_bind_int(&st, v[i].position);
        rc = pg_run_insert(pg_tx(t), &st, &v[i].id, "csi_question_put");
    }
    return rc;
}

static op_rc settings_row(struct pg_row *r, void *out)
{
    struct survey_settings *s = out;
    s->csat_enabled = pg_col_int(r, 0) != 0;
    s->answer_days = (int)pg_col_int(r, 1);
    s->nps_enabled = pg_col_int(r, 2) != 0;
    s->nps_period_days = (int)pg_col_int(r, 3);
    s->updated_at = pg_col_int(r, 4);
    return OP_OK;
}

static op_rc settings_get(struct store_tx *t, struct survey_settings *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT csat_enabled, answer_days, nps_enabled, nps_period_days, "
                    "updated_at FROM survey_settings WHERE id = 1");
    return pg_one(pg_tx(t), &st, settings_row, NULL, out, "survey_settings_get");
}

static op_rc settings_put(struct store_tx *t, const struct survey_settings *s)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE survey_settings SET csat_enabled = $1, answer_days = $2, "
                    "nps_enabled = $3, nps_period_days = $4, updated_at = $5 WHERE id = 1");
    pg_bind_int(&st, s->csat_enabled);
    pg_bind_int(&st, s->answer_days);
    pg_bind_int(&st, s->nps_enabled);
    pg_bind_int(&st, s->nps_period_days);
    pg_bind_int(&st, s->updated_at);
    return pg_run_update(pg_tx(t), &st, "survey_settings_put");
}

const struct store_survey_ops pg_survey_ops = {
    .key_get = key_get,
    .insert = insert,
    .get = get,
    .answer = answer,
    .of_ticket = of_ticket,
    .list = list,
    .nps_due = nps_due,
    .questions = questions,
    .questions_put = questions_put,
    .settings_get = settings_get,
    .settings_put = settings_put,
};
