/* surveys.c - CSAT after a solve, NPS on a schedule, answers by signed
 * links, CSI questions, and the totals (app/surveys.h). */
#include "base/common.h"

#include "app/internal.h"
#include "app/surveys.h"
#include "base/log.h"
#include "core/validate.h"

#define DAY_MS (24LL * 3600 * 1000)
#define SURVEY_COMMENT_MAX 4000
#define NPS_BATCH 500
#define NPS_EVERY_MS (3600LL * 1000)

/* ---- the hook: a CSAT survey for a solved ticket ---- */

op_rc survey_after_write(struct app *app, struct store_tx *tx, const struct actor *who,
                         const struct ticket *old, struct ticket *t, struct arena *a)
{
    UNUSED(who);
    if (!old || old->status == STATUS_SOLVED || t->status != STATUS_SOLVED || t->merged_into)
        return OP_OK;
    struct survey_settings cfg;
    struct user req;
    struct survey last;
    op_time now = app_now(app);
    op_rc rc = tx->ops->survey->settings_get(tx, &cfg);
    if (rc || !cfg.csat_enabled)
        return rc;
    if ((rc = tx->ops->user_get(tx, t->requester_id, a, &req)))
        return rc == OP_ERR_NOTFOUND ? OP_OK : rc;
    if (req.role != ROLE_CUSTOMER || !req.active)
        return OP_OK;
    /* one open request per ticket: solved again while the last link still
     * works and is unanswered, the same link serves */
    rc = tx->ops->survey->of_ticket(tx, t->id, SURVEY_CSAT, a, &last);
    if (!rc && !last.answered_at && last.expires_at > now)
        return OP_OK;
    if (rc && rc != OP_ERR_NOTFOUND)
        return rc;
    struct survey s = {.kind = SURVEY_CSAT, .ticket_id = t->id, .customer_id = req.id,
                       .agent_id = t->assignee_id, .group_id = t->group_id, .created_at = now,
                       .expires_at = now + cfg.answer_days * DAY_MS};
    return tx->ops->survey->insert(tx, &s);
}

op_rc survey_link(struct app *app, struct store_tx *tx, const struct ticket *t, struct arena *a,
                  char **out)
{
    struct survey s;
    uint8_t key[SURVEY_KEY_BYTES];
    char token[SURVEY_TOKEN_MAX];
    *out = "";
    op_rc rc = tx->ops->survey->of_ticket(tx, t->id, SURVEY_CSAT, a, &s);
    if (rc == OP_ERR_NOTFOUND || (!rc && (s.answered_at || s.expires_at <= app_now(app))))
        return OP_OK;
    if (rc || (rc = tx->ops->survey->key_get(tx, key)))
        return rc;
    survey_token(key, s.id, token);
    const char *base = app->cfg.public_url ? app->cfg.public_url : "";
    size_t n = strlen(base);
    while (n && base[n - 1] == '/')
        n--;
    *out = arena_printf(a, "%.*s/survey/%s", (int)n, base, token);
    return *out ? OP_OK : OP_ERR_NOMEM;
}

/* ---- answering ---- */

struct view_job {
    struct app *app;
    const char *token;
    struct arena *a;
    struct survey_view *out;
    struct op_err *err;
};

static op_rc find(struct store_tx *tx, const char *token, struct arena *a, struct survey *out,
                  struct op_err *err)
{
    uint8_t key[SURVEY_KEY_BYTES];
    op_rc rc = tx->ops->survey->key_get(tx, key);
    if (rc)
        return rc;
    int64_t id = survey_token_check(key, token);
    rc = id ? tx->ops->survey->get(tx, id, a, out) : OP_ERR_NOTFOUND;
    if (rc == OP_ERR_NOTFOUND)
        return op_fail(err, rc, NULL, MSG_ERR_SURVEY_NOT_FOUND);
    return rc;
}

static op_rc view_fn(struct store_tx *tx, void *arg)
{
    struct view_job *j = arg;
    struct survey_view *v = j->out;
    struct user u;
    op_rc rc;
    memset(v, 0, sizeof(*v));
    if ((rc = find(tx, j->token, j->a, &v->s, j->err)))
        return rc;
    v->expired = v->s.expires_at <= app_now(j->app);
    v->lang = LANG_EN;
    if (!(rc = tx->ops->user_get(tx, v->s.customer_id, j->a, &u)))
        v->lang = user_lang(&u);
    else if (rc != OP_ERR_NOTFOUND)
        return rc;
    v->ticket_subject = "";
    if (v->s.kind == SURVEY_CSAT) {
        struct ticket t;
        if (v->s.ticket_id && !(rc = tx->ops->ticket_get(tx, v->s.ticket_id, j->a, &t)))
            v->ticket_subject = t.subject;
        else if (rc && rc != OP_ERR_NOTFOUND)
            return rc;
        return tx->ops->survey->questions(tx, true, j->a, &v->questions, &v->n_questions);
    }
    return OP_OK;
}

op_rc app_survey_view(struct app *app, const char *token, struct arena *a,
                      struct survey_view *out, struct op_err *err)
{
    struct view_job j = {app, token, a, out, err};
    return app_run(app, true, view_fn, &j);
}

struct answer_job {
    struct app *app;
    const char *token;
    const struct survey_answer *in;
    struct arena *a;
    struct survey *out;
    struct op_err *err;
};

static op_rc answer_fn(struct store_tx *tx, void *arg)
{
    struct answer_job *j = arg;
    const struct survey_answer *in = j->in;
    struct survey s;
    op_time now = app_now(j->app);
    char lo[8], hi[8];
    int min, max;
    op_rc rc = find(tx, j->token, j->a, &s, j->err);
    if (rc)
        return rc;
    if (s.expires_at <= now)
        return op_fail(j->err, OP_ERR_CONFLICT, NULL, MSG_ERR_SURVEY_EXPIRED);
    survey_scale(s.kind, &min, &max);
    snprintf(lo, sizeof(lo), "%d", min);
    snprintf(hi, sizeof(hi), "%d", max);
    if (in->score < min || in->score > max)
        return op_fail(j->err, OP_ERR_INVALID, "score", MSG_ERR_RANGE, lo, hi);
    const char *comment = in->comment ? in->comment : s.comment;
    if ((rc = check_text("comment", comment, SURVEY_COMMENT_MAX, TEXT_MULTILINE, true, j->err)))
        return rc;

    /* CSI answers: active questions of a CSAT survey, 1..5 each */
    char *answers = s.answers;
    if (in->n) {
        struct csi_question *q;
        size_t nq;
        if (s.kind != SURVEY_CSAT)
            return op_fail(j->err, OP_ERR_INVALID, "answers", MSG_ERR_SURVEY_NO_QUESTIONS);
        if ((rc = tx->ops->survey->questions(tx, true, j->a, &q, &nq)))
            return rc;
        if (!(answers = arena_alloc(j->a, in->n * 48 + 1)))
            return OP_ERR_NOMEM;
        size_t at = 0;
        for (size_t i = 0; i < in->n; i++) {
            bool known = false;
            for (size_t k = 0; k < nq; k++)
                known |= q[k].id == in->question_ids[i];
            if (!known)
                return op_fail(j->err, OP_ERR_INVALID, "answers", MSG_ERR_SURVEY_QUESTION);
            if (in->question_scores[i] < 1 || in->question_scores[i] > 5)
                return op_fail(j->err, OP_ERR_INVALID, "answers", MSG_ERR_RANGE, "1", "5");
            at += (size_t)snprintf(answers + at, 48, "%s%" PRId64 "=%d", i ? " " : "",
                                   in->question_ids[i], in->question_scores[i]);
        }
    }
    if ((rc = tx->ops->survey->answer(tx, s.id, in->score, comment, answers, now)))
        return rc;

    /* the log: the customer rated, on the ticket (CSAT) or on themselves (NPS) */
    struct event_list l;
    int64_t action = 0;
    char score[8], id[24];
    snprintf(score, sizeof(score), "%d", in->score);
    event_list_init(&l, j->a, s.kind == SURVEY_CSAT && s.ticket_id ? ENTITY_TICKET : ENTITY_USER,
                    s.kind == SURVEY_CSAT && s.ticket_id ? s.ticket_id : s.customer_id, now,
                    s.customer_id, VIA_WEB);
    if ((rc = event_add(&l, EV_RATED, survey_kind_name(s.kind),
                        s.answered_at ? id_str(s.score, id) : "", score,
                        id_str(s.id, id))) ||
        (rc = tx_append_events(tx, &l, &action)))
        return rc;
    s.score = in->score;
    s.comment = (char *)comment;
    s.answers = answers;
    s.answered_at = now;
    if (j->out)
        *j->out = s;
    return OP_OK;
}

op_rc app_survey_answer(struct app *app, const char *token, const struct survey_answer *in,
                        struct arena *a, struct survey *out, struct op_err *err)
{
    struct answer_job j = {app, token, in, a, out, err};
    return app_run(app, false, answer_fn, &j);
}

/* ---- the team's side ---- */

/* CSI of one answer, from its "id=score" pairs and the questions' weights. */
static bool answer_csi(const struct survey *s, const struct csi_question *q, size_t nq,
                       double *out)
{
    int scores[SURVEY_QUESTIONS_MAX * 4] = {0};
    struct csi_question qs[SURVEY_QUESTIONS_MAX * 4];
    size_t n = 0;
    for (const char *p = s->answers; p && *p && n < ARRAY_SIZE(qs);) {
        char *end;
        long long id = strtoll(p, &end, 10);
        if (*end != '=')
            break;
        long sc = strtol(end + 1, &end, 10);
        for (size_t k = 0; k < nq; k++)
            if (q[k].id == id) {
                qs[n] = q[k];
                scores[n++] = (int)sc;
            }
        p = *end == ' ' ? end + 1 : end;
        if (!*end)
            break;
    }
    return csi_of_answer(qs, scores, n, out);
}

struct report_job {
    struct app *app;
    const struct actor *who;
    op_time from, to;
    enum survey_group_by by;
    int64_t agent_id, group_id;
    struct arena *a;
    struct survey_row *out;
    size_t n;
    struct op_err *err;
};

static op_rc report_fn(struct store_tx *tx, void *arg)
{
    struct report_job *j = arg;
    struct csi_question *q;
    size_t nq;
    op_rc rc = tx->ops->survey->questions(tx, false, j->a, &q, &nq);
    if (rc)
        return rc;
    size_t cap = 16;
    if (!(j->out = arena_alloc(j->a, cap * sizeof(*j->out))))
        return OP_ERR_NOMEM;
    struct survey_filter f = {.from = j->from, .to = j->to, .agent_id = j->agent_id,
                              .group_id = j->group_id, .kind = -1, .limit = 5000};
    for (;;) {
        struct survey *v;
        size_t n;
        if ((rc = tx->ops->survey->list(tx, &f, j->a, &v, &n)))
            return rc;
        for (size_t i = 0; i < n; i++) {
            int64_t key = j->by == SGB_AGENT ? v[i].agent_id
                          : j->by == SGB_GROUP ? v[i].group_id
                                               : 0;
            if (j->by != SGB_NONE && v[i].kind == SURVEY_NPS)
                continue; /* NPS is about the company, not an agent or group */
            size_t k;
            for (k = 0; k < j->n && j->out[k].key != key; k++)
                ;
            if (k == j->n) {
                if (j->n == cap) {
                    struct survey_row *w = arena_alloc(j->a, 2 * cap * sizeof(*w));
                    if (!w)
                        return OP_ERR_NOMEM;
                    memcpy(w, j->out, cap * sizeof(*w));
                    j->out = w;
                    cap *= 2;
                }
                j->out[j->n++] = (struct survey_row){.key = key};
            }
            double csi = 0;
            bool ok = v[i].kind == SURVEY_CSAT && answer_csi(&v[i], q, nq, &csi);
            survey_totals_add(&j->out[k].t, v[i].kind, v[i].score, ok, csi);
        }
        if (n < f.limit)
            return OP_OK;
        f.after_id = v[n - 1].id;
    }
}

op_rc app_survey_report(struct app *app, const struct actor *who, op_time from, op_time to,
                        enum survey_group_by by, int64_t agent_id, int64_t group_id,
                        struct arena *a, struct survey_row **out, size_t *n,
                        struct op_err *err)
{
    if (!actor_is_staff(who))
        return op_fail(err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    if (to && from >= to)
        return op_fail(err, OP_ERR_INVALID, "to", MSG_ERR_SURVEY_PERIOD);
    if (who->role == ROLE_AGENT) {
        /* an agent sees their own numbers */
        if (agent_id && agent_id != who->id)
            return op_fail(err, OP_ERR_FORBIDDEN, "agent_id", MSG_ERR_FORBIDDEN);
        agent_id = who->id;
    }
    struct report_job j = {app, who, from, to, by, agent_id, group_id, a, NULL, 0, err};
    op_rc rc = app_run(app, true, report_fn, &j);
    if (!rc) {
        *out = j.out;
        *n = j.n;
    }
    return rc;
}

struct q_job {
    struct app *app;
    struct arena *a;
    struct csi_question *v;
    size_t n;
};

static op_rc questions_fn(struct store_tx *tx, void *arg)
{
    struct q_job *j = arg;
    return tx->ops->survey->questions(tx, false, j->a, &j->v, &j->n);
}

op_rc app_csi_questions(struct app *app, const struct actor *who, struct arena *a,
                        struct csi_question **out, size_t *n, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_AGENT, err);
    struct q_job j = {app, a, NULL, 0};
    if (rc || (rc = app_run(app, true, questions_fn, &j)))
        return rc;
    *out = j.v;
    *n = j.n;
    return OP_OK;
}

static op_rc questions_put_fn(struct store_tx *tx, void *arg)
{
    struct q_job *j = arg;
    return tx->ops->survey->questions_put(tx, j->v, j->n);
}

op_rc app_csi_questions_put(struct app *app, const struct actor *who, struct csi_question *v,
                            size_t n, struct op_err *err)
{
    char max[8];
    op_rc rc = access_require(who, ROLE_ADMIN, err);
    if (rc)
        return rc;
    snprintf(max, sizeof(max), "%d", SURVEY_QUESTIONS_MAX);
    if (n > SURVEY_QUESTIONS_MAX)
        return op_fail(err, OP_ERR_INVALID, "questions", MSG_ERR_TOO_MANY, max);
    for (size_t i = 0; i < n; i++) {
        /* errors name the row ("questions[2].text_en"): a form of many rows
         * shows each at its own field, an API caller finds its entry */
        char f_key[48], f_ru[48], f_en[48], f_weight[48];
        snprintf(f_key, sizeof(f_key), "questions[%zu].key", i);
        snprintf(f_ru, sizeof(f_ru), "questions[%zu].text_ru", i);
        snprintf(f_en, sizeof(f_en), "questions[%zu].text_en", i);
        snprintf(f_weight, sizeof(f_weight), "questions[%zu].weight", i);
        const char *k = v[i].key ? v[i].key : "";
        if (!*k)
            return op_fail(err, OP_ERR_INVALID, f_key, MSG_ERR_EMPTY);
        if (strlen(k) > 40)
            return op_fail(err, OP_ERR_INVALID, f_key, MSG_ERR_TOO_LONG, "40");
        for (const char *p = k; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
                return op_fail(err, OP_ERR_INVALID, f_key, MSG_ERR_SURVEY_KEY, k);
        for (size_t o = 0; o < i; o++)
            if (strcmp(v[o].key, k) == 0)
                return op_fail(err, OP_ERR_INVALID, f_key, MSG_ERR_DUPLICATE, k);
        /* in the order the admin page shows them */
        if ((rc = check_text(f_ru, v[i].text_ru, LIMIT_NAME, TEXT_LINE, false, err)) ||
            (rc = check_text(f_en, v[i].text_en, LIMIT_NAME, TEXT_LINE, false, err)))
            return rc;
        if (v[i].weight < 1 || v[i].weight > 100)
            return op_fail(err, OP_ERR_INVALID, f_weight, MSG_ERR_RANGE, "1", "100");
        v[i].position = (int)i;
        v[i].active = true;
    }
    struct q_job j = {app, NULL, v, n};
    return app_run(app, false, questions_put_fn, &j);
}

struct settings_job {
    struct app *app;
    const struct survey_settings *in;
    struct survey_settings *out;
};

static op_rc settings_fn(struct store_tx *tx, void *arg)
{
    struct settings_job *j = arg;
    if (!j->in)
        return tx->ops->survey->settings_get(tx, j->out);
    struct survey_settings s = *j->in;
    s.updated_at = app_now(j->app);
    return tx->ops->survey->settings_put(tx, &s);
}

op_rc app_survey_settings(struct app *app, const struct actor *who, struct survey_settings *out,
                          struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_AGENT, err);
    struct settings_job j = {app, NULL, out};
    return rc ? rc : app_run(app, true, settings_fn, &j);
}

op_rc app_survey_settings_put(struct app *app, const struct actor *who,
                              const struct survey_settings *in, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_ADMIN, err);
    if (rc)
        return rc;
    if (in->answer_days < 1 || in->answer_days > 90)
        return op_fail(err, OP_ERR_INVALID, "answer_days", MSG_ERR_RANGE, "1", "90");
    if (in->nps_period_days < 7 || in->nps_period_days > 730)
        return op_fail(err, OP_ERR_INVALID, "nps_period_days", MSG_ERR_RANGE, "7", "730");
    struct settings_job j = {app, in, NULL};
    return app_run(app, false, settings_fn, &j);
}

/* ---- NPS on a schedule ---- */

struct nps_job {
    struct app *app;
    op_time now;
    size_t made;
};

static op_rc nps_fn(struct store_tx *tx, void *arg)
{
    struct nps_job *j = arg;
    struct survey_settings cfg;
    struct arena a = ARENA_INIT(0);
    struct id_list due;
    op_rc rc = tx->ops->survey->settings_get(tx, &cfg);
    if (rc || !cfg.nps_enabled)
        goto end;
    op_time period = cfg.nps_period_days * DAY_MS;
    if ((rc = tx->ops->survey->nps_due(tx, j->now - period, j->now, j->now - period, NPS_BATCH,
                                       &a, &due)))
        goto end;
    for (size_t i = 0; !rc && i < due.n; i++) {
        struct survey s = {.kind = SURVEY_NPS, .customer_id = due.v[i], .created_at = j->now,
                           .expires_at = j->now + cfg.answer_days * DAY_MS};
        if (!(rc = tx->ops->survey->insert(tx, &s)))
            j->made++;
    }
end:
    arena_release(&a);
    return rc;
}

op_rc survey_job(struct app *app, op_time now, op_time *next_at)
{
    bool got = false;
    op_rc rc = app_lease(app, "surveys.nps", NPS_EVERY_MS, &got);
    *next_at = now + NPS_EVERY_MS;
    if (rc || !got)
        return rc;
    struct nps_job j = {app, now, 0};
    if ((rc = app_run(app, false, nps_fn, &j)))
        return rc;
    if (j.made)
        log_info("msg=\"NPS surveys made\" count=%zu", j.made);
    return OP_OK;
}
