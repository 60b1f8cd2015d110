/* motivation_bonus.c - monthly bonus statements, their approval (a frozen
 * copy per agent) and promotion hints (motivation.h). The actuals come from
 * kpi_report (agent rows and the team total) and app_survey_report; which
 * KPI comes from where is actual_of below, and docs/kpi.md says the same. */
#include "base/common.h"

#include <jansson.h>

#include "app/internal.h"
#include "app/kpi.h"
#include "app/motivation.h"
#include "app/motivation_int.h"
#include "app/surveys.h"
#include "base/jsonw.h"
#include "base/tz.h"
#include "store/store_kpi.h"

#define DOC_CAP (256u << 10) /* one statement's JSON */

/* The system reads the whole team's numbers: access is decided before. */
static const struct actor system_actor = {.id = 0, .role = ROLE_ADMIN, .via = VIA_SYSTEM};

/* ---- months ---- */

struct mv_month {
    int y, m;
    char text[8];             /* "2026-10" */
    char first[11], last[11]; /* local dates, both included */
    const struct tz *z;
    op_time from, to; /* [from, to) */
};

/* Parses "YYYY-MM" in zone z. */
static bool month_parse(const char *s, const struct tz *z, struct mv_month *out)
{
    if (!s || strlen(s) != 7 || s[4] != '-') return false;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9')) return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    if (y < 1970 || m < 1 || m > 12) return false;
    int32_t d0 = cal_date(y, m, 1);
    int32_t d1 = m == 12 ? cal_date(y + 1, 1, 1) : cal_date(y, m + 1, 1);
    *out = (struct mv_month){.y = y, .m = m, .z = z};
    snprintf(out->text, sizeof(out->text), "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
    cal_format_date(d0, out->first);
    cal_format_date(d1 - 1, out->last);
    out->from = tz_utc_of_local(z, (int64_t)d0 * 86400) * 1000;
    out->to = tz_utc_of_local(z, (int64_t)d1 * 86400) * 1000;
    return true;
}

/* The month before m. */
static void month_prev(const struct mv_month *m, struct mv_month *out)
{
    char s[8];
    unsigned y = (unsigned)(m->m == 1 ? m->y - 1 : m->y),
             mm = (unsigned)(m->m == 1 ? 12 : m->m - 1);
    snprintf(s, sizeof(s), "%04u-%02u", y % 10000u, mm % 100u);
    month_parse(s, m->z, out);
}

/* The month holding instant t in z. */
static void month_of(const struct tz *z, op_time t, struct mv_month *out)
{
    int64_t s = t / 1000;
    int64_t local = s + tz_offset(z, s);
    int y, m, d;
    char text[8];
    cal_ymd((int32_t)(local >= 0 ? local / 86400 : -((-local + 86399) / 86400)), &y, &m, &d);
    snprintf(text, sizeof(text), "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
    month_parse(text, z, out);
}

static op_rc zone(const char *tz, const struct tz **z, struct op_err *err)
{
    *z = tz_utc();
    if (tz && *tz && tz_load(tz, z))
        return op_fail(err, OP_ERR_INVALID, "tz", MSG_ERR_TIME_ZONE, tz);
    return OP_OK;
}

/* ---- the numbers of a month ---- */

struct month_data {
    struct kpi_report rep; /* by agent; .total is the team */
    struct survey_row *sv; /* by agent */
    size_t nsv;
    struct survey_totals team_sv;
};

static op_rc month_data_load(struct app *app, const struct mv_month *m, struct arena *a,
                             struct month_data *out, struct op_err *err)
{
    struct kpi_request req = {
        .from = m->first, .to = m->last, .group_by = "agent", .tz = tz_name(m->z)};
    struct survey_row *team = NULL;
    size_t nteam = 0;
    memset(out, 0, sizeof(*out));
    op_rc rc = kpi_report(app, &system_actor, &req, a, &out->rep, err);
    if (!rc)
        rc = app_survey_report(app, &system_actor, m->from, m->to, SGB_AGENT, 0, 0, a, &out->sv,
                               &out->nsv, err);
    if (!rc)
        rc = app_survey_report(app, &system_actor, m->from, m->to, SGB_NONE, 0, 0, a, &team, &nteam,
                               err);
    if (!rc && nteam) out->team_sv = team[0].t;
    return rc;
}

static const struct kpi_row *agent_row(const struct month_data *d, int64_t id)
{
    for (size_t i = 0; i < d->rep.n; i++)
        if (d->rep.rows[i].key == id) return &d->rep.rows[i];
    return NULL;
}

static const struct survey_totals *agent_sv(const struct month_data *d, int64_t id)
{
    for (size_t i = 0; i < d->nsv; i++)
        if (d->sv[i].key == id) return &d->sv[i].t;
    return NULL;
}

static struct kpi_actual yes(double v)
{
    return (struct kpi_actual){.has = true, .value = v};
}

static struct kpi_actual minutes(const struct kpi_stat *s, int64_t v)
{
    return s->n > 0 && v != KPI_NONE ? yes((double)v / 60000.0) : (struct kpi_actual){0};
}

static struct kpi_actual share(int64_t num, int64_t den)
{
    return den > 0 ? yes(100.0 * (double)num / (double)den) : (struct kpi_actual){0};
}

static struct kpi_actual sla(const struct kpi_row *r)
{
    int64_t met = 0, all = 0;
    for (int k = 0; r && k < 3; k++) {
        met += r->sla_met[k];
        all += r->sla_met[k] + r->sla_breached[k];
    }
    return share(met, all);
}

static struct kpi_actual survey(bool (*fn)(const struct survey_totals *, double *),
                                const struct survey_totals *t)
{
    double v;
    return t && fn(t, &v) ? yes(v) : (struct kpi_actual){0};
}

/* The one table of where each KPI of a goal comes from (docs/kpi.md):
 * r is the agent's row of the month's KPI report (NULL: no tickets), team
 * its total; s the agent's surveys, ts everyone's. Durations in business
 * time, in minutes. */
static struct kpi_actual actual_of(const char *key, const struct kpi_row *r,
                                   const struct kpi_row *team, const struct survey_totals *s,
                                   const struct survey_totals *ts)
{
    static const struct kpi_row none = {.online_ms = -1};
    const struct kpi_row *a = r ? r : &none;
    if (!strcmp(key, "first_response_median_min"))
        return minutes(&a->first_response.bus, a->first_response.bus.median);
    if (!strcmp(key, "first_response_p90_min"))
        return minutes(&a->first_response.bus, a->first_response.bus.p90);
    if (!strcmp(key, "resolution_median_min"))
        return minutes(&a->resolution.bus, a->resolution.bus.median);
    if (!strcmp(key, "aht_min")) return minutes(&a->aht, a->aht.mean);
    if (!strcmp(key, "fcr_percent")) return share(a->fcr, a->solved);
    if (!strcmp(key, "reopened_percent")) return share(a->reopened, a->solved);
    if (!strcmp(key, "solved")) return yes((double)a->solved); /* none is a real 0 */
    if (!strcmp(key, "sla_percent")) return sla(r);
    if (!strcmp(key, "csat_percent")) return survey(survey_csat_percent, s);
    if (!strcmp(key, "csat_mean")) return survey(survey_csat_mean, s);
    if (!strcmp(key, "csi")) return survey(survey_csi, s);
    if (!strcmp(key, "nps")) return survey(survey_nps, ts); /* NPS is about the company */
    if (!strcmp(key, "team_sla_percent")) return sla(team);
    if (!strcmp(key, "team_csat_percent")) return survey(survey_csat_percent, ts);
    if (!strcmp(key, "solved_per_online_hour"))
        return team->online_ms > 0 ? yes((double)team->solved * 3600000.0 / (double)team->online_ms)
                                   : (struct kpi_actual){0};
    return (struct kpi_actual){0};
}

static void actuals_of(const struct level_plan *p, const struct month_data *d, int64_t user_id,
                       struct kpi_actual *out)
{
    const struct kpi_row *r = agent_row(d, user_id);
    const struct survey_totals *s = agent_sv(d, user_id);
    for (size_t i = 0; i < p->n_goals; i++)
        out[i] = actual_of(p->goals[i].key, r, &d->rep.total, s, &d->team_sv);
}

/* ---- who gets a statement ---- */

struct staff_job {
    struct arena *a;
    int64_t user_id; /* 0: all */
    struct level_plan *levels;
    size_t nl;
    struct user *users;
    size_t nu;
    struct pay_view *pay; /* per user */
    const char *month;    /* approved-month lookup */
    bool approved;
    struct bonus_month bm;
    struct bonus_doc *docs;
    size_t ndocs;
    int64_t cursor;
};

static op_rc staff_fn(struct store_tx *tx, void *arg)
{
    struct staff_job *j = arg;
    struct agent_pay *pays = NULL;
    size_t np = 0;
    op_rc rc = tx->ops->motivation->month_get(tx, j->month, j->a, &j->bm);
    if (rc == OP_OK) {
        j->approved = true;
        return tx->ops->motivation->month_docs(tx, j->month, j->user_id, j->a, &j->docs, &j->ndocs);
    }
    if (rc != OP_ERR_NOTFOUND) return rc;
    struct user_filter f = {.role_mask =
                                (1u << ROLE_AGENT) | (1u << ROLE_LEAD) | (1u << ROLE_ADMIN)};
    if ((rc = tx->ops->kpi->cursor_get(tx, &j->cursor)) ||
        (rc = mv_levels_load(tx, j->a, &j->levels, &j->nl, NULL)) ||
        (rc = tx->ops->motivation->pay_list(tx, j->a, &pays, &np)) ||
        (rc = tx->ops->user_list(tx, &f, j->a, &j->users, &j->nu)))
        return rc;
    if (!(j->pay = arena_alloc(j->a, (j->nu + 1) * sizeof(*j->pay)))) return OP_ERR_NOMEM;
    for (size_t i = 0; i < j->nu; i++) {
        const struct agent_pay *p = NULL;
        for (size_t k = 0; k < np && !p; k++)
            if (pays[k].user_id == j->users[i].id) p = &pays[k];
        mv_pay_resolve(j->levels, j->nl, &j->users[i], p, &j->pay[i]);
        if (!j->users[i].active || (j->user_id && j->users[i].id != j->user_id))
            j->pay[i].has_plan = false; /* no statement */
    }
    return OP_OK;
}

/* ---- the frozen form: JSON ---- */

static op_rc doc_encode(const struct bonus_statement *b, struct arena *a, char **out)
{
    struct jsonw w;
    const char *text;
    size_t len;
    jsonw_init_arena(&w, a, DOC_CAP);
    jsonw_object_begin(&w, NULL);
    jsonw_int(&w, "user_id", b->user_id);
    jsonw_str(&w, "name", b->name);
    jsonw_str(&w, "currency", b->currency);
    jsonw_int(&w, "base_pay", b->st.base_pay);
    jsonw_double(&w, "total", b->st.total);
    jsonw_int(&w, "bonus", b->st.bonus);
    jsonw_object_begin(&w, "plan");
    jsonw_int(&w, "id", b->plan.id);
    jsonw_str(&w, "name", b->plan.name);
    jsonw_int(&w, "rank", b->plan.rank);
    jsonw_int(&w, "pay_min", b->plan.pay_min);
    jsonw_int(&w, "pay_max", b->plan.pay_max);
    jsonw_int(&w, "bonus_cap_percent", b->plan.bonus_cap_pct);
    jsonw_object_end(&w);
    jsonw_array_begin(&w, "lines");
    for (size_t i = 0; i < b->st.n; i++) {
        const struct statement_line *l = &b->st.lines[i];
        jsonw_object_begin(&w, NULL);
        jsonw_str(&w, "key", l->goal.key);
        jsonw_bool(&w, "lower_is_better", l->goal.lower_is_better);
        jsonw_double(&w, "target", l->goal.target);
        jsonw_double(&w, "threshold", l->goal.threshold);
        jsonw_int(&w, "weight", l->goal.weight);
        jsonw_bool(&w, "has", l->actual.has);
        jsonw_double(&w, "actual", l->actual.value);
        jsonw_double(&w, "attainment", l->attainment);
        jsonw_double(&w, "weight_used", l->weight_used);
        jsonw_object_end(&w);
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    op_rc rc = jsonw_finish(&w, &text, &len);
    *out = (char *)text;
    return rc;
}

static double num(const json_t *o, const char *k)
{
    return json_number_value(json_object_get(o, k));
}

static void str_into(const json_t *o, const char *k, char *dst, size_t n)
{
    const char *s = json_string_value(json_object_get(o, k));
    snprintf(dst, n, "%s", s ? s : "");
}

/* Reads back what doc_encode wrote (the store returns it as stored). */
static op_rc doc_decode(const char *text, struct arena *a, struct bonus_statement *b)
{
    json_error_t e;
    json_t *o = json_loads(text, 0, &e);
    if (!o) return OP_ERR_IO;
    memset(b, 0, sizeof(*b));
    b->user_id = (int64_t)num(o, "user_id");
    const char *name = json_string_value(json_object_get(o, "name"));
    b->name = arena_strdup(a, name ? name : "");
    str_into(o, "currency", b->currency, sizeof(b->currency));
    b->st.base_pay = (int64_t)num(o, "base_pay");
    b->st.total = num(o, "total");
    b->st.bonus = (int64_t)num(o, "bonus");
    const json_t *p = json_object_get(o, "plan");
    b->plan.id = (int64_t)num(p, "id");
    str_into(p, "name", b->plan.name, sizeof(b->plan.name));
    b->plan.rank = (int)num(p, "rank");
    b->plan.pay_min = (int64_t)num(p, "pay_min");
    b->plan.pay_max = (int64_t)num(p, "pay_max");
    b->plan.bonus_cap_pct = (int)num(p, "bonus_cap_percent");
    b->st.bonus_cap_pct = b->plan.bonus_cap_pct;
    const json_t *lines = json_object_get(o, "lines");
    for (size_t i = 0; i < json_array_size(lines) && i < MOTIVATION_GOALS_MAX; i++) {
        const json_t *x = json_array_get(lines, i);
        struct statement_line *l = &b->st.lines[i];
        str_into(x, "key", l->goal.key, sizeof(l->goal.key));
        l->goal.lower_is_better = json_is_true(json_object_get(x, "lower_is_better"));
        l->goal.target = num(x, "target");
        l->goal.threshold = num(x, "threshold");
        l->goal.weight = (int)num(x, "weight");
        l->actual.has = json_is_true(json_object_get(x, "has"));
        l->actual.value = num(x, "actual");
        l->attainment = num(x, "attainment");
        l->weight_used = num(x, "weight_used");
        b->plan.goals[i] = l->goal;
        b->plan.n_goals = b->st.n = i + 1;
    }
    json_decref(o);
    return b->name ? OP_OK : OP_ERR_NOMEM;
}

/* ---- statements ---- */

static void summarize(struct bonus_month_report *r)
{
    struct bonus_summary *s = &r->summary;
    memset(s, 0, sizeof(*s));
    for (size_t i = 0; i < r->n; i++) {
        const struct bonus_statement *b = &r->v[i];
        s->agents++;
        s->base_pay += b->st.base_pay;
        s->bonus += b->st.bonus;
        if (i == 0)
            snprintf(s->currency, sizeof(s->currency), "%s", b->currency);
        else if (strcmp(s->currency, b->currency))
            s->currency[0] = 0; /* several currencies: the totals are only counts */
        size_t k;
        for (k = 0; k < s->n_levels && s->levels[k].rank != b->plan.rank; k++)
            ;
        if (k == s->n_levels) {
            if (k == MOTIVATION_LEVELS_MAX) continue;
            s->levels[k] = (struct bonus_level_sum){.rank = b->plan.rank};
            snprintf(s->levels[k].name, sizeof(s->levels[k].name), "%s", b->plan.name);
            s->n_levels++;
        }
        s->levels[k].agents++;
        s->levels[k].base_pay += b->st.base_pay;
        s->levels[k].bonus += b->st.bonus;
    }
    /* by rank */
    for (size_t i = 1; i < s->n_levels; i++)
        for (size_t k = i; k > 0 && s->levels[k - 1].rank > s->levels[k].rank; k--) {
            struct bonus_level_sum t = s->levels[k];
            s->levels[k] = s->levels[k - 1];
            s->levels[k - 1] = t;
        }
}

/* Checks the month and who may ask; an agent's user_id becomes theirs. */
static op_rc bonus_begin(struct app *app, const struct actor *who, const char *month,
                         const char *tz, int64_t *user_id, struct mv_month *m, struct op_err *err)
{
    const struct tz *z;
    op_rc rc = access_require(who, ROLE_AGENT, err);
    if (rc || (rc = zone(tz, &z, err))) return rc;
    if (!month || !*month) return op_fail(err, OP_ERR_INVALID, "month", MSG_ERR_REQUIRED);
    if (!month_parse(month, z, m)) return op_fail(err, OP_ERR_INVALID, "month", MSG_ERR_MONTH);
    if (m->from > app_now(app))
        return op_fail(err, OP_ERR_INVALID, "month", MSG_ERR_MONTH_FUTURE, m->text);
    if (who->role == ROLE_AGENT) {
        if (*user_id && *user_id != who->id)
            return op_fail(err, OP_ERR_FORBIDDEN, "user_id", MSG_ERR_KPI_OWN_ONLY);
        *user_id = who->id;
    }
    return OP_OK;
}

struct user_job {
    int64_t id;
    struct arena *a;
    struct op_err *err;
};

static op_rc user_fn(struct store_tx *tx, void *arg)
{
    struct user_job *j = arg;
    struct user u;
    op_rc rc = tx_check_user(tx, j->id, "user_id", j->a, &u, j->err);
    if (rc == OP_ERR_INVALID && j->err) j->err->rc = rc = OP_ERR_NOTFOUND; /* the path's id */
    return rc;
}

/* Computes (or, approved, reads) the statements of m. */
static op_rc bonus_compute(struct app *app, const struct mv_month *m, int64_t user_id,
                           struct arena *a, struct bonus_month_report *out, struct op_err *err)
{
    struct staff_job j = {.a = a, .user_id = user_id, .month = m->text};
    struct month_data d;
    char b[24];
    op_rc rc;
    memset(out, 0, sizeof(*out));
    snprintf(out->month, sizeof(out->month), "%s", m->text);
    if (user_id) {
        struct user_job uj = {user_id, a, err};
        if ((rc = app_run(app, true, user_fn, &uj))) return rc;
    }
    if ((rc = app_run(app, true, staff_fn, &j))) return rc;
    if (j.approved) {
        out->approved = true;
        out->tz = j.bm.tz;
        out->from = j.bm.from;
        out->to = j.bm.to;
        out->events_through = j.bm.events_through;
        out->approved_at = j.bm.approved_at;
        out->approved_by = j.bm.approved_by;
        if (!(out->v = arena_alloc(a, (j.ndocs + 1) * sizeof(*out->v)))) return OP_ERR_NOMEM;
        for (size_t i = 0; i < j.ndocs && !rc; i++)
            rc = doc_decode(j.docs[i].body, a, &out->v[out->n++]);
    } else {
        if ((rc = month_data_load(app, m, a, &d, err))) return rc;
        out->tz = tz_name(m->z);
        out->from = m->from;
        out->to = m->to;
        out->events_through = j.cursor;
        if (!(out->v = arena_alloc(a, (j.nu + 1) * sizeof(*out->v)))) return OP_ERR_NOMEM;
        for (size_t i = 0; i < j.nu; i++) {
            const struct pay_view *p = &j.pay[i];
            if (!p->has_plan) continue;
            struct bonus_statement *s = &out->v[out->n++];
            struct kpi_actual act[MOTIVATION_GOALS_MAX];
            s->user_id = j.users[i].id;
            s->name = j.users[i].name;
            s->plan = p->plan;
            snprintf(s->currency, sizeof(s->currency), "%s", p->currency);
            actuals_of(&p->plan, &d, s->user_id, act);
            statement_compute(&p->plan, p->base_pay, act, &s->st);
        }
    }
    if (!rc && user_id && !out->n)
        return op_fail(err, OP_ERR_NOTFOUND, "user_id", MSG_ERR_NO_LEVEL_PLAN, id_str(user_id, b));
    if (!rc) summarize(out);
    return rc;
}

op_rc app_bonus_month(struct app *app, const struct actor *who, const char *month, const char *tz,
                      int64_t user_id, struct arena *a, struct bonus_month_report *out,
                      struct op_err *err)
{
    struct mv_month m;
    op_rc rc = bonus_begin(app, who, month, tz, &user_id, &m, err);
    return rc ? rc : bonus_compute(app, &m, user_id, a, out, err);
}

struct approve_job {
    struct app *app;
    const struct actor *who;
    struct bonus_month_report *r;
    struct arena *a;
    struct op_err *err;
};

static op_rc approve_fn(struct store_tx *tx, void *arg)
{
    struct approve_job *j = arg;
    struct bonus_month_report *r = j->r;
    struct bonus_month bm;
    struct bonus_doc *docs;
    struct event_list l;
    int64_t action = 0;
    op_rc rc = tx->ops->motivation->month_get(tx, r->month, j->a, &bm);
    if (rc == OP_OK)
        return op_fail(j->err, OP_ERR_CONFLICT, "month", MSG_ERR_MONTH_APPROVED, r->month);
    if (rc != OP_ERR_NOTFOUND) return rc;
    if (!(docs = arena_alloc(j->a, (r->n + 1) * sizeof(*docs)))) return OP_ERR_NOMEM;
    for (size_t i = 0; i < r->n; i++) {
        docs[i].user_id = r->v[i].user_id;
        if ((rc = doc_encode(&r->v[i], j->a, &docs[i].body))) return rc;
    }
    char *summary = arena_printf(
        j->a, "{\"agents\":%" PRId64 ",\"base_pay\":%" PRId64 ",\"bonus\":%" PRId64 "}",
        r->summary.agents, r->summary.base_pay, r->summary.bonus);
    if (!summary) return OP_ERR_NOMEM;
    r->approved = true;
    r->approved_at = app_now(j->app);
    r->approved_by = j->who->id;
    bm = (struct bonus_month){.tz = (char *)r->tz,
                              .from = r->from,
                              .to = r->to,
                              .events_through = r->events_through,
                              .approved_at = r->approved_at,
                              .approved_by = r->approved_by,
                              .summary = summary};
    snprintf(bm.month, sizeof(bm.month), "%s", r->month);
    if ((rc = tx->ops->motivation->month_put(tx, &bm, docs, r->n))) return rc;
    event_list_init(&l, j->a, ENTITY_TEAM, 1, r->approved_at, j->who->id, j->who->via);
    char *data = arena_printf(j->a, "agents=%" PRId64 " bonus=%" PRId64 " events_through=%" PRId64,
                              r->summary.agents, r->summary.bonus, r->events_through);
    if (!data) return OP_ERR_NOMEM;
    if ((rc = event_add(&l, EV_CHANGED, "bonus_approved", "", r->month, data))) return rc;
    return tx_append_events(tx, &l, &action);
}

op_rc app_bonus_approve(struct app *app, const struct actor *who, const char *month, const char *tz,
                        struct arena *a, struct bonus_month_report *out, struct op_err *err)
{
    struct mv_month m;
    int64_t user_id = 0;
    op_rc rc = access_require(who, ROLE_LEAD, err);
    if (rc || (rc = bonus_begin(app, who, month, tz, &user_id, &m, err))) return rc;
    if (m.to > app_now(app))
        return op_fail(err, OP_ERR_INVALID, "month", MSG_ERR_MONTH_OPEN, m.text);
    if ((rc = bonus_compute(app, &m, 0, a, out, err))) return rc;
    if (out->approved)
        return op_fail(err, OP_ERR_CONFLICT, "month", MSG_ERR_MONTH_APPROVED, m.text);
    struct approve_job j = {app, who, out, a, err};
    return app_run(app, false, approve_fn, &j);
}

/* ---- promotion hints ---- */

op_rc app_promotions(struct app *app, const struct actor *who, int months, const char *until,
                     const char *tz, struct arena *a, struct promotion_hint **out, size_t *n,
                     struct op_err *err)
{
    const struct tz *z;
    struct mv_month last, ms[MOTIVATION_HINT_MONTHS_MAX];
    char max[8];
    op_rc rc = access_require(who, ROLE_LEAD, err);
    *out = NULL;
    *n = 0;
    if (rc || (rc = zone(tz, &z, err))) return rc;
    snprintf(max, sizeof(max), "%d", MOTIVATION_HINT_MONTHS_MAX);
    if (months < 1 || months > MOTIVATION_HINT_MONTHS_MAX)
        return op_fail(err, OP_ERR_INVALID, "months", MSG_ERR_RANGE, "1", max);
    if (until && *until) {
        if (!month_parse(until, z, &last))
            return op_fail(err, OP_ERR_INVALID, "until", MSG_ERR_MONTH);
        if (last.from > app_now(app))
            return op_fail(err, OP_ERR_INVALID, "until", MSG_ERR_MONTH_FUTURE, last.text);
    } else {
        struct mv_month cur;
        month_of(z, app_now(app), &cur);
        month_prev(&cur, &last);
    }
    ms[months - 1] = last;
    for (int i = months - 2; i >= 0; i--)
        month_prev(&ms[i + 1], &ms[i]);
    struct staff_job j = {.a = a, .month = ""};
    if ((rc = app_run(app, true, staff_fn, &j))) return rc;
    struct promotion_hint *h = arena_alloc(a, (j.nu + 1) * sizeof(*h));
    bool *alive = arena_alloc(a, (j.nu + 1) * sizeof(*alive));
    if (!h || !alive) return OP_ERR_NOMEM;
    /* candidates: a plan in force and a level above it */
    for (size_t i = 0; i < j.nu; i++) {
        const struct pay_view *p = &j.pay[i];
        const struct level_plan *next = NULL;
        for (size_t k = 0; p->has_plan && k < j.nl; k++)
            if (j.levels[k].rank > p->plan.rank && (!next || j.levels[k].rank < next->rank))
                next = &j.levels[k];
        alive[i] = next != NULL;
        if (!next) continue;
        h[i] = (struct promotion_hint){
            .user_id = j.users[i].id, .name = j.users[i].name, .rank = p->plan.rank, .next = *next};
        snprintf(h[i].level, sizeof(h[i].level), "%s", p->plan.name);
    }
    for (int k = 0; k < months; k++) {
        struct month_data d;
        struct arena tmp = ARENA_INIT(0);
        rc = month_data_load(app, &ms[k], &tmp, &d, err);
        for (size_t i = 0; !rc && i < j.nu; i++) {
            if (!alive[i]) continue;
            struct promotion_month *pm = &h[i].months[h[i].n_months++];
            snprintf(pm->month, sizeof(pm->month), "%s", ms[k].text);
            actuals_of(&h[i].next, &d, h[i].user_id, pm->actuals);
            pm->meets = meets_level(&h[i].next, pm->actuals);
            if (!pm->meets) alive[i] = false;
        }
        arena_release(&tmp);
        if (rc) return rc;
    }
    for (size_t i = 0; i < j.nu; i++)
        if (alive[i]) h[(*n)++] = h[i];
    *out = h;
    return OP_OK;
}
