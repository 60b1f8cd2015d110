/* h_surveys.c - customer surveys: the signed link's page (/survey/{token},
 * HTML, one click records the rating), the same as JSON
 * (/api/v1/surveys/{token}), the CSI questions and settings, and the totals
 * (/api/v1/reports/surveys). Shapes in docs/api.md. */
#include "base/common.h"

#include "app/surveys.h"
#include "http/apiInt.h"
#include "web/web.h"

/* ---- JSON ---- */

static void out_view(struct jsonw *w, const struct survey_view *v)
{
    int min, max;
    survey_scale(v->s.kind, &min, &max);
    jsonw_object_begin(w, NULL);
    jsonw_str(w, "kind", survey_kind_name(v->s.kind));
    jsonw_id(w, "ticket_id", v->s.ticket_id);
    jsonw_str(w, "ticket_subject", v->ticket_subject);
    jsonw_object_begin(w, "scale");
    jsonw_int(w, "min", min);
    jsonw_int(w, "max", max);
    jsonw_object_end(w);
    if (v->s.answered_at)
        jsonw_int(w, "score", v->s.score);
    else
        jsonw_null(w, "score");
    jsonw_str(w, "comment", v->s.comment);
    jsonw_time(w, "answered_at", v->s.answered_at);
    jsonw_time(w, "expires_at", v->s.expires_at);
    jsonw_bool(w, "expired", v->expired);
    jsonw_array_begin(w, "questions");
    for (size_t i = 0; i < v->n_questions; i++) {
        const struct csi_question *q = &v->questions[i];
        jsonw_object_begin(w, NULL);
        jsonw_str(w, "key", q->key);
        jsonw_str(w, "text", v->lang == LANG_RU ? q->text_ru : q->text_en);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
    jsonw_object_end(w);
}

static void reply_view(struct http_req *r, const char *token)
{
    struct op_err err = {0};
    struct survey_view v;
    op_rc rc = app_survey_view(api_app(r), token, r->arena, &v, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    out_view(&w, &v);
    http_reply_jsonw(r, 200, &w);
}

void h_survey_get(struct http_req *r)
{
    reply_view(r, r->params[0]);
}

void h_survey_answer(struct http_req *r)
{
    const char *token = r->params[0];
    struct op_err err = {0};
    struct survey_answer in = {0};
    struct survey_view v;
    int64_t score = -1;
    const char *comment = NULL;
    const json_t *answers = NULL;
    json_t *body = http_json_body(r);
    if (!body) return;
    const struct jin_field f[] = {
        {"score", JIN_INT, 0, &score, JIN_REQUIRED},
        {"comment", JIN_STRING, 0, &comment},
        {"answers", JIN_OBJECT, 0, &answers},
    };
    op_rc rc = jin_read(body, NULL, f, ARRAY_SIZE(f), NULL, r->arena, &err);
    in.score = score < INT32_MIN || score > INT32_MAX ? -1 : (int)score;
    in.comment = comment;
    /* answers name questions by key: {"speed": 5} */
    if (!rc && answers && json_object_size(answers) &&
        !(rc = app_survey_view(api_app(r), token, r->arena, &v, &err))) {
        size_t n = json_object_size(answers);
        in.question_ids = arena_alloc(r->arena, n * sizeof(int64_t));
        in.question_scores = arena_alloc(r->arena, n * sizeof(int));
        if (!in.question_ids || !in.question_scores)
            rc = OP_ERR_NOMEM;
        const char *key;
        const json_t *val;
        json_object_foreach((json_t *)answers, key, val) {
            if (rc)
                break;
            size_t k;
            for (k = 0; k < v.n_questions && strcmp(v.questions[k].key, key) != 0; k++)
                ;
            if (k == v.n_questions)
                rc = op_fail(&err, OP_ERR_INVALID, "answers", MSG_ERR_SURVEY_QUESTION);
            else if (!json_is_integer(val))
                rc = op_fail(&err, OP_ERR_INVALID, "answers", MSG_ERR_TYPE_INTEGER);
            else {
                in.question_ids[in.n] = v.questions[k].id;
                in.question_scores[in.n++] = (int)json_integer_value(val);
            }
        }
    }
    if (!rc)
        rc = app_survey_answer(api_app(r), token, &in, r->arena, NULL, &err);
    json_decref(body);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    reply_view(r, token);
}

/* ---- the page behind the link ---- */

/* Rendered by the web UI's template engine (src/web/pages_portal.c). */
void h_survey_page(struct http_req *r)
{
    web_survey_page(r);
}

/* ---- the team's side ---- */

void h_survey_report(struct http_req *r)
{
    struct op_err err = {0};
    struct qs q = api_qs(r);
    op_time from = 0, to = 0;
    int64_t agent = 0, group = 0;
    enum survey_group_by by = SGB_NONE;
    const char *f = http_query(r, "from"), *t = http_query(r, "to"), *g = http_query(r, "group_by");
    op_rc rc = OP_OK;
    if (f && time_parse_iso(f, &from))
        rc = op_fail(&err, OP_ERR_INVALID, "from", MSG_ERR_TIME);
    if (!rc && t && time_parse_iso(t, &to))
        rc = op_fail(&err, OP_ERR_INVALID, "to", MSG_ERR_TIME);
    if (!rc && g) {
        if (!strcmp(g, "agent"))
            by = SGB_AGENT;
        else if (!strcmp(g, "group"))
            by = SGB_GROUP;
        else if (strcmp(g, "none"))
            rc = op_fail(&err, OP_ERR_INVALID, "group_by", MSG_ERR_ENUM, g, "none, agent, group");
    }
    if (!rc) rc = qs_id(&q, "agent_id", false, &agent, &err);
    if (!rc) rc = qs_id(&q, "group_id", false, &group, &err);
    struct survey_row *v = NULL;
    size_t n = 0;
    if (!rc)
        rc = app_survey_report(api_app(r), api_actor(r), from, to, by, agent, group, r->arena, &v,
                               &n, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_array_begin(&w, "rows");
    for (size_t i = 0; i < n; i++) {
        const struct survey_totals *s = &v[i].t;
        double x;
        jsonw_object_begin(&w, NULL);
        if (by == SGB_AGENT)
            jsonw_id(&w, "agent_id", v[i].key);
        else if (by == SGB_GROUP)
            jsonw_id(&w, "group_id", v[i].key);
        jsonw_int(&w, "csat_answers", s->csat_n);
        if (survey_csat_percent(s, &x)) jsonw_double(&w, "csat_percent", x);
        else jsonw_null(&w, "csat_percent");
        if (survey_csat_mean(s, &x)) jsonw_double(&w, "csat_mean", x);
        else jsonw_null(&w, "csat_mean");
        jsonw_int(&w, "csi_answers", s->csi_n);
        if (survey_csi(s, &x)) jsonw_double(&w, "csi", x);
        else jsonw_null(&w, "csi");
        jsonw_int(&w, "nps_answers", s->nps_n);
        if (survey_nps(s, &x)) jsonw_double(&w, "nps", x);
        else jsonw_null(&w, "nps");
        jsonw_object_end(&w);
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

static void out_questions(struct http_req *r, const struct csi_question *v, size_t n)
{
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_array_begin(&w, "questions");
    for (size_t i = 0; i < n; i++) {
        if (!v[i].active)
            continue;
        jsonw_object_begin(&w, NULL);
        jsonw_str(&w, "key", v[i].key);
        jsonw_str(&w, "text_en", v[i].text_en);
        jsonw_str(&w, "text_ru", v[i].text_ru);
        jsonw_int(&w, "weight", v[i].weight);
        jsonw_object_end(&w);
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_csi_questions_get(struct http_req *r)
{
    struct op_err err = {0};
    struct csi_question *v = NULL;
    size_t n = 0;
    op_rc rc = app_csi_questions(api_app(r), api_actor(r), r->arena, &v, &n, &err);
    if (rc)
        api_reply_error(r, rc, &err);
    else
        out_questions(r, v, n);
}

void h_csi_questions_put(struct http_req *r)
{
    struct op_err err = {0};
    const json_t *arr = NULL;
    json_t *body = http_json_body(r);
    if (!body) return;
    const struct jin_field f[] = {{"questions", JIN_ARRAY, 0, &arr, JIN_REQUIRED}};
    op_rc rc = jin_read(body, NULL, f, ARRAY_SIZE(f), NULL, r->arena, &err);
    size_t n = arr ? json_array_size(arr) : 0;
    struct csi_question *v = arena_alloc(r->arena, (n + 1) * sizeof(*v));
    if (!v)
        rc = rc ? rc : OP_ERR_NOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        const json_t *o = json_array_get(arr, i);
        int64_t weight = 0;
        /* errors name the question by its place, as the app's checks do */
        const char *at = arena_printf(r->arena, "questions[%zu]", i);
        if (!at) {
            rc = op_fail(&err, OP_ERR_NOMEM, NULL, MSG_NONE);
            break;
        }
        if (!json_is_object(o)) {
            rc = op_fail(&err, OP_ERR_INVALID, at, MSG_ERR_TYPE_OBJECT);
            break;
        }
        memset(&v[i], 0, sizeof(v[i]));
        const struct jin_field g[] = {
            {"key", JIN_STRING, 0, &v[i].key, JIN_REQUIRED},
            {"text_en", JIN_STRING, 0, &v[i].text_en, JIN_REQUIRED},
            {"text_ru", JIN_STRING, 0, &v[i].text_ru, JIN_REQUIRED},
            {"weight", JIN_INT, 0, &weight, JIN_REQUIRED},
        };
        rc = jin_read(o, at, g, ARRAY_SIZE(g), NULL, r->arena, &err);
        v[i].weight = weight < 0 || weight > 1000 ? 0 : (int)weight;
    }
    json_decref(body);
    if (!rc) rc = app_csi_questions_put(api_app(r), api_actor(r), v, n, &err);
    if (!rc) rc = app_csi_questions(api_app(r), api_actor(r), r->arena, &v, &n, &err);
    if (rc)
        api_reply_error(r, rc, &err);
    else
        out_questions(r, v, n);
}

static void out_settings(struct http_req *r, const struct survey_settings *s)
{
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_bool(&w, "csat_enabled", s->csat_enabled);
    jsonw_int(&w, "answer_days", s->answer_days);
    jsonw_bool(&w, "nps_enabled", s->nps_enabled);
    jsonw_int(&w, "nps_period_days", s->nps_period_days);
    jsonw_time(&w, "updated_at", s->updated_at);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_survey_settings_get(struct http_req *r)
{
    struct op_err err = {0};
    struct survey_settings s;
    op_rc rc = app_survey_settings(api_app(r), api_actor(r), &s, &err);
    if (rc)
        api_reply_error(r, rc, &err);
    else
        out_settings(r, &s);
}

void h_survey_settings_put(struct http_req *r)
{
    struct op_err err = {0};
    struct survey_settings s;
    op_rc rc = app_survey_settings(api_app(r), api_actor(r), &s, &err);
    int64_t days = s.answer_days, period = s.nps_period_days;
    json_t *body = rc ? NULL : http_json_body(r);
    if (!rc && !body) return;
    if (!rc) {
        const struct jin_field f[] = {
            {"csat_enabled", JIN_BOOL, 0, &s.csat_enabled},
            {"answer_days", JIN_INT, 0, &days},
            {"nps_enabled", JIN_BOOL, 0, &s.nps_enabled},
            {"nps_period_days", JIN_INT, 0, &period},
            {"updated_at", JIN_READONLY},
        };
        rc = jin_read(body, NULL, f, ARRAY_SIZE(f), NULL, r->arena, &err);
        json_decref(body);
        s.answer_days = days < 0 || days > 100000 ? -1 : (int)days;
        s.nps_period_days = period < 0 || period > 100000 ? -1 : (int)period;
    }
    if (!rc) rc = app_survey_settings_put(api_app(r), api_actor(r), &s, &err);
    if (!rc) rc = app_survey_settings(api_app(r), api_actor(r), &s, &err);
    if (rc)
        api_reply_error(r, rc, &err);
    else
        out_settings(r, &s);
}
