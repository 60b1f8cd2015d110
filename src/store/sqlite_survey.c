/* sqlite_survey.c - surveys, CSI questions and survey settings in SQLite
 * (schema: migrations/sqlite/0006_surveys.sql). */
#include "base/common.h"

#include "store/sqliteInt.h"
#include "store/store_survey.h"

static op_rc sv_key_get(struct store_tx *t, uint8_t key[SURVEY_KEY_BYTES])
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "SELECT key FROM survey_keys WHERE id = 1", &st);
    if (rc)
        return rc;
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW && sqlite3_column_bytes(st, 0) == SURVEY_KEY_BYTES)
        memcpy(key, sqlite3_column_blob(st, 0), SURVEY_KEY_BYTES);
    else
        rc = src == SQLITE_ROW || src == SQLITE_DONE ? OP_ERR_IO : sq_fail(tx, src, "survey_key");
    sq_done(tx, st);
    return rc;
}

#define SURVEY_COLS                                                                            \
    "id, kind, ticket_id, customer_id, agent_id, group_id, created_at, expires_at, "           \
    "answered_at, score, comment, answers"

static op_rc survey_row(struct sq_row *r, void *out)
{
    struct survey *s = out;
    s->id = sq_col_int(r, 0);
    s->kind = (enum survey_kind)sq_col_int(r, 1);
    s->ticket_id = sq_col_int(r, 2);
    s->customer_id = sq_col_int(r, 3);
    s->agent_id = sq_col_int(r, 4);
    s->group_id = sq_col_int(r, 5);
    s->created_at = sq_col_int(r, 6);
    s->expires_at = sq_col_int(r, 7);
    s->answered_at = sq_col_int(r, 8);
    s->score = (int)sq_col_int(r, 9);
    s->comment = sq_col_text(r, 10);
    s->answers = sq_col_text(r, 11);
    return OP_OK;
}

static op_rc sv_insert(struct store_tx *t, struct survey *s)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO surveys(kind, ticket_id, customer_id, agent_id, group_id, "
                       "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_int(st, 1, s->kind);
    src = src ? src : sq_bind_id(st, 2, s->ticket_id);
    src = src ? src : sq_bind_int(st, 3, s->customer_id);
    src = src ? src : sq_bind_id(st, 4, s->agent_id);
    src = src ? src : sq_bind_id(st, 5, s->group_id);
    src = src ? src : sq_bind_int(st, 6, s->created_at);
    src = src ? src : sq_bind_int(st, 7, s->expires_at);
    return sq_run_insert(tx, st, src, "survey_insert", &s->id);
}

static op_rc sv_get(struct store_tx *t, int64_t id, struct arena *a, struct survey *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT " SURVEY_COLS " FROM surveys WHERE id = ?", id, &st);
    return rc ? rc : sq_one(tx, st, survey_row, a, out, "survey_get");
}

static op_rc sv_answer(struct store_tx *t, int64_t id, int score, const char *comment,
                       const char *answers, op_time at)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "UPDATE surveys SET score = ?, comment = ?, answers = ?, answered_at = ? "
                       "WHERE id = ?",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_int(st, 1, score);
    src = src ? src : sq_bind_text(st, 2, comment);
    src = src ? src : sq_bind_text(st, 3, answers);
    src = src ? src : sq_bind_int(st, 4, at);
    src = src ? src : sq_bind_int(st, 5, id);
    return sq_run_update(tx, st, src, "survey_answer");
}

static op_rc sv_of_ticket(struct store_tx *t, int64_t ticket_id, enum survey_kind kind,
                          struct arena *a, struct survey *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT " SURVEY_COLS " FROM surveys WHERE ticket_id = ? AND kind = ? "
                       "ORDER BY id DESC LIMIT 1",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_int(st, 1, ticket_id);
    src = src ? src : sq_bind_int(st, 2, kind);
    if (src) {
        sq_done(tx, st);
        return sq_fail(tx, src, "survey_of_ticket");
    }
    return sq_one(tx, st, survey_row, a, out, "survey_of_ticket");
}

static op_rc sv_list(struct store_tx *t, const struct survey_filter *f, struct arena *a,
                     struct survey **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    struct sq_query q;
    sqlite3_stmt *st = NULL;
    sq_q_init(&q);
    sq_q_sql(&q, "SELECT " SURVEY_COLS " FROM surveys WHERE answered_at IS NOT NULL AND id > ?");
    sq_q_int(&q, f->after_id);
    if (f->from) {
        sq_q_sql(&q, " AND answered_at >= ?");
        sq_q_int(&q, f->from);
    }
    if (f->to) {
        sq_q_sql(&q, " AND answered_at < ?");
        sq_q_int(&q, f->to);
    }
    if (f->agent_id) {
        sq_q_sql(&q, " AND agent_id = ?");
        sq_q_int(&q, f->agent_id);
    }
    if (f->group_id) {
        sq_q_sql(&q, " AND group_id = ?");
        sq_q_int(&q, f->group_id);
    }
    if (f->kind >= 0) {
        sq_q_sql(&q, " AND kind = ?");
        sq_q_int(&q, f->kind);
    }
    sq_q_sql(&q, " ORDER BY id LIMIT ?");
    sq_q_int(&q, sq_limit(f->limit));
    op_rc rc = sq_q_prep(tx, &q, &st);
    if (!rc) {
        void *v;
        rc = sq_list(tx, st, survey_row, sizeof(**out), a, &v, n, "survey_list");
        *out = v;
    }
    sq_q_release(&q);
    return rc;
}

static op_rc sv_nps_due(struct store_tx *t, op_time since, op_time now, op_time not_before,
                        size_t limit, struct arena *a, struct id_list *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT DISTINCT t.requester_id FROM tickets t "
                       "JOIN users u ON u.id = t.requester_id "
                       "WHERE t.solved_at >= ?1 AND t.solved_at < ?2 AND u.role = 0 "
                       "AND u.active AND NOT EXISTS (SELECT 1 FROM surveys s "
                       "WHERE s.customer_id = t.requester_id AND s.kind = 1 "
                       "AND s.created_at > ?3) ORDER BY t.requester_id LIMIT ?4",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_int(st, 1, since);
    src = src ? src : sq_bind_int(st, 2, now);
    src = src ? src : sq_bind_int(st, 3, not_before);
    src = src ? src : sq_bind_int(st, 4, sq_limit(limit));
    if (src) {
        sq_done(tx, st);
        return sq_fail(tx, src, "survey_nps_due");
    }
    return sq_list_ids(tx, st, a, out);
}

static op_rc question_row(struct sq_row *r, void *out)
{
    struct csi_question *q = out;
    q->id = sq_col_int(r, 0);
    q->key = sq_col_text(r, 1);
    q->text_en = sq_col_text(r, 2);
    q->text_ru = sq_col_text(r, 3);
    q->weight = (int)sq_col_int(r, 4);
    q->active = sq_col_int(r, 5) != 0;
    q->position = (int)sq_col_int(r, 6);
    return OP_OK;
}

static op_rc sv_questions(struct store_tx *t, bool active_only, struct arena *a,
                          struct csi_question **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       active_only ? "SELECT id, key, text_en, text_ru, weight, active, position "
                                     "FROM csi_questions WHERE active ORDER BY position, id"
                                   : "SELECT id, key, text_en, text_ru, weight, active, position "
                                     "FROM csi_questions ORDER BY position, id",
                       &st);
    if (rc)
        return rc;
    void *v;
    rc = sq_list(tx, st, question_row, sizeof(**out), a, &v, n, "csi_questions");
    *out = v;
    return rc;
}

static op_rc sv_questions_put(struct store_tx *t, struct csi_question *v, size_t n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    /* questions are kept by key: an answer refers to its question's id, so a
     * question that stays keeps its id; one that goes is deactivated */
    op_rc rc = sq_exec(tx, "UPDATE csi_questions SET active = 0");
    for (size_t i = 0; !rc && i < n; i++) {
        if ((rc = sq_prep(tx,
                          "INSERT INTO csi_questions(key, text_en, text_ru, weight, active, "
                          "position) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(key) DO UPDATE "
                          "SET text_en = ?2, text_ru = ?3, weight = ?4, active = ?5, "
                          "position = ?6 RETURNING id",
                          &st)))
            break;
        int src = sq_bind_text(st, 1, v[i].key);
        src = src ? src : sq_bind_text(st, 2, v[i].text_en);
        src = src ? src : sq_bind_text(st, 3, v[i].text_ru);
        src = src ? src : sq_bind_int(st, 4, v[i].weight);
        src = src ? src : sq_bind_int(st, 5, v[i].active);
        src = src ? src : sq_bind_int(st, 6, v[i].position);
        if (src) {
            sq_done(tx, st);
            return sq_fail(tx, src, "csi_question_put");
        }
        rc = sq_scalar(tx, st, &v[i].id, "csi_question_put");
    }
    return rc;
}

static op_rc settings_row(struct sq_row *r, void *out)
{
    struct survey_settings *s = out;
    s->csat_enabled = sq_col_int(r, 0) != 0;
    s->answer_days = (int)sq_col_int(r, 1);
    s->nps_enabled = sq_col_int(r, 2) != 0;
    s->nps_period_days = (int)sq_col_int(r, 3);
    s->updated_at = sq_col_int(r, 4);
    return OP_OK;
}

static op_rc sv_settings_get(struct store_tx *t, struct survey_settings *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT csat_enabled, answer_days, nps_enabled, nps_period_days, "
                       "updated_at FROM survey_settings WHERE id = 1",
                       &st);
    return rc ? rc : sq_one(tx, st, settings_row, NULL, out, "survey_settings_get");
}

static op_rc sv_settings_put(struct store_tx *t, const struct survey_settings *s)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "UPDATE survey_settings SET csat_enabled = ?, answer_days = ?, "
                       "nps_enabled = ?, nps_period_days = ?, updated_at = ? WHERE id = 1",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_int(st, 1, s->csat_enabled);
    src = src ? src : sq_bind_int(st, 2, s->answer_days);
    src = src ? src : sq_bind_int(st, 3, s->nps_enabled);
    src = src ? src : sq_bind_int(st, 4, s->nps_period_days);
    src = src ? src : sq_bind_int(st, 5, s->updated_at);
    return sq_run_update(tx, st, src, "survey_settings_put");
}

const struct store_survey_ops sqlite_survey_ops = {
    .key_get = sv_key_get,
    .insert = sv_insert,
    .get = sv_get,
    .answer = sv_answer,
    .of_ticket = sv_of_ticket,
    .list = sv_list,
    .nps_due = sv_nps_due,
    .questions = sv_questions,
    .questions_put = sv_questions_put,
    .settings_get = sv_settings_get,
    .settings_put = sv_settings_put,
};
