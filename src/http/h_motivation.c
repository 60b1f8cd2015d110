/* h_motivation.c - the motivation system: level plans (/levels), an
 * agent's pay (/users/{id}/pay), the monthly bonus statements
 * (/reports/bonus, JSON, CSV, XLSX or PDF; /reports/bonus/{user_id}), their approval
 * (/reports/bonus/approve) and promotion hints (/reports/promotions).
 * Shapes in docs/api.md. */
#include "base/common.h"

#include "app/motivation.h"
#include "base/buf.h"
#include "http/apiInt.h"
#include "report/bonus_table.h"

#define CSV_CAP (4u << 20)

static bool failed(struct http_req *r, op_rc rc, struct op_err *err)
{
    if (rc) api_reply_error(r, rc, err);
    return rc != OP_OK;
}

/* ---- levels ---- */

static void w_goal(struct jsonw *w, const struct kpi_goal *g)
{
    const struct motivation_kpi *k = motivation_kpi_find(g->key);
    jsonw_str(w, "key", g->key);
    jsonw_str(w, "unit", k ? k->unit : "");
    jsonw_bool(w, "lower_is_better", g->lower_is_better);
    jsonw_double(w, "target", g->target);
    jsonw_double(w, "threshold", g->threshold);
    jsonw_int(w, "weight", g->weight);
}

static void w_plan(struct jsonw *w, const char *key, const struct level_plan *l)
{
    jsonw_object_begin(w, key);
    jsonw_id(w, "id", l->id);
    jsonw_str(w, "name", l->name);
    jsonw_int(w, "rank", l->rank);
    jsonw_int(w, "pay_min", l->pay_min);
    jsonw_int(w, "pay_max", l->pay_max);
    jsonw_int(w, "bonus_cap_percent", l->bonus_cap_pct);
    jsonw_array_begin(w, "goals");
    for (size_t i = 0; i < l->n_goals; i++) {
        jsonw_object_begin(w, NULL);
        w_goal(w, &l->goals[i]);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
    jsonw_object_end(w);
}

static void reply_levels(struct http_req *r)
{
    struct op_err err = {0};
    struct level_plan *v;
    size_t n;
    bool defaults;
    op_rc rc = app_levels(api_app(r), api_actor(r), r->arena, &v, &n, &defaults, &err);
    if (failed(r, rc, &err)) return;
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_bool(&w, "defaults", defaults);
    jsonw_array_begin(&w, "levels");
    for (size_t i = 0; i < n; i++)
        w_plan(&w, NULL, &v[i]);
    jsonw_array_end(&w);
    jsonw_array_begin(&w, "kpis");
    for (size_t i = 0; i < motivation_kpis_count; i++) {
        const struct motivation_kpi *k = &motivation_kpis[i];
        jsonw_object_begin(&w, NULL);
        jsonw_str(&w, "key", k->key);
        jsonw_str(&w, "unit", k->unit);
        jsonw_bool(&w, "lower_is_better", k->lower_is_better);
        jsonw_double(&w, "min", k->min);
        jsonw_double(&w, "max", k->max);
        jsonw_object_end(&w);
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_levels_get(struct http_req *r)
{
    reply_levels(r);
}

static op_rc bad(struct op_err *err, const char *prefix, const char *name, enum msg_id msg)
{
    char f[96];
    snprintf(f, sizeof(f), "%s%s", prefix, name);
    return op_fail(err, OP_ERR_INVALID, f, msg);
}

/* One goal: {key, target, threshold, weight[, lower_is_better][, unit]}.
 * Numbers may have fractions, so this reads the object itself. */
static op_rc read_goal(const json_t *o, const char *prefix, struct kpi_goal *g, struct op_err *err)
{
    const char *k;
    const json_t *v;
    bool lower_set = false, t = false, th = false, wt = false;
    const char *unit = NULL;
    memset(g, 0, sizeof(*g));
    if (!json_is_object(o)) return bad(err, prefix, "", MSG_ERR_TYPE_OBJECT);
    json_object_foreach((json_t *)o, k, v)
    {
        if (!strcmp(k, "key")) {
            if (!json_is_string(v)) return bad(err, prefix, k, MSG_ERR_TYPE_STRING);
            if (json_string_length(v) >= sizeof(g->key)) {
                char f[96];
                snprintf(f, sizeof(f), "%skey", prefix);
                return op_fail(err, OP_ERR_INVALID, f, MSG_ERR_TOO_LONG, "39");
            }
            snprintf(g->key, sizeof(g->key), "%s", json_string_value(v));
        } else if (!strcmp(k, "unit")) {
            if (!json_is_string(v)) return bad(err, prefix, k, MSG_ERR_TYPE_STRING);
            unit = json_string_value(v);
        } else if (!strcmp(k, "lower_is_better")) {
            if (!json_is_boolean(v)) return bad(err, prefix, k, MSG_ERR_TYPE_BOOLEAN);
            g->lower_is_better = json_is_true(v);
            lower_set = true;
        } else if (!strcmp(k, "target") || !strcmp(k, "threshold")) {
            if (!json_is_number(v)) return bad(err, prefix, k, MSG_ERR_TYPE_NUMBER);
            *(k[1] == 'a' ? &g->target : &g->threshold) = json_number_value(v);
            *(k[1] == 'a' ? &t : &th) = true;
        } else if (!strcmp(k, "weight")) {
            if (!json_is_integer(v)) return bad(err, prefix, k, MSG_ERR_TYPE_INTEGER);
            json_int_t x = json_integer_value(v);
            g->weight = x < 0 || x > 1000 ? -1 : (int)x;
            wt = true;
        } else
            return bad(err, prefix, k, MSG_ERR_UNKNOWN_FIELD);
    }
    if (!g->key[0]) return bad(err, prefix, "key", MSG_ERR_REQUIRED);
    if (!t) return bad(err, prefix, "target", MSG_ERR_REQUIRED);
    if (!th) return bad(err, prefix, "threshold", MSG_ERR_REQUIRED);
    if (!wt) return bad(err, prefix, "weight", MSG_ERR_REQUIRED);
    const struct motivation_kpi *kpi = motivation_kpi_find(g->key);
    if (kpi && !lower_set) g->lower_is_better = kpi->lower_is_better; /* the KPI's own */
    if (kpi && unit && strcmp(unit, kpi->unit)) {
        char f[96], lo[24], hi[24];
        snprintf(f, sizeof(f), "%sunit", prefix);
        snprintf(lo, sizeof(lo), "%g", kpi->min);
        snprintf(hi, sizeof(hi), "%g", kpi->max);
        return op_fail(err, OP_ERR_INVALID, f, MSG_ERR_GOAL_UNIT, kpi->key, kpi->unit, lo, hi);
    }
    return OP_OK;
}

static op_rc read_level(const json_t *o, size_t i, struct arena *a, struct level_plan *l,
                        struct op_err *err)
{
    char prefix[32];
    const char *name = NULL;
    int64_t rank = 0, pay_min = -1, pay_max = -1, cap = -1;
    const json_t *goals = NULL;
    snprintf(prefix, sizeof(prefix), "levels[%zu]", i);
    const struct jin_field f[] = {
        {"name", JIN_STRING, 0, &name, JIN_REQUIRED},
        {"rank", JIN_INT, 0, &rank, JIN_REQUIRED},
        {"pay_min", JIN_INT, 0, &pay_min, JIN_REQUIRED},
        {"pay_max", JIN_INT, 0, &pay_max, JIN_REQUIRED},
        {"bonus_cap_percent", JIN_INT, 0, &cap, JIN_REQUIRED},
        {"goals", JIN_ARRAY, 0, &goals, JIN_REQUIRED},
        {"id", JIN_INT, 0, &(int64_t){0}, 0}, /* as GET gives it: ignored */
    };
    memset(l, 0, sizeof(*l));
    op_rc rc = jin_read(o, prefix, f, ARRAY_SIZE(f), NULL, a, err);
    if (rc) return rc;
    if (strlen(name) >= sizeof(l->name)) {
        char fl[48];
        snprintf(fl, sizeof(fl), "%s.name", prefix);
        return op_fail(err, OP_ERR_INVALID, fl, MSG_ERR_TOO_LONG, "63");
    }
    snprintf(l->name, sizeof(l->name), "%s", name);
    l->rank = rank < 0 || rank > 1000 ? -1 : (int)rank;
    l->pay_min = pay_min;
    l->pay_max = pay_max;
    l->bonus_cap_pct = cap < -1 || cap > 1000 ? -1 : (int)cap;
    if (json_array_size(goals) > MOTIVATION_GOALS_MAX) {
        char fl[48], max[8];
        snprintf(fl, sizeof(fl), "%s.goals", prefix);
        snprintf(max, sizeof(max), "%d", MOTIVATION_GOALS_MAX);
        return op_fail(err, OP_ERR_INVALID, fl, MSG_ERR_RANGE, "1", max);
    }
    for (size_t k = 0; k < json_array_size(goals); k++) {
        char gp[64];
        snprintf(gp, sizeof(gp), "%s.goals[%zu].", prefix, k);
        if ((rc = read_goal(json_array_get(goals, k), gp, &l->goals[k], err))) return rc;
        l->n_goals++;
    }
    return OP_OK;
}

/* PUT /levels {"levels": [...]}: replaces them all */
void h_levels_put(struct http_req *r)
{
    struct op_err err = {0};
    const json_t *levels = NULL;
    json_t *body = http_json_body(r);
    if (!body) return;
    const struct jin_field f[] = {{"levels", JIN_ARRAY, 0, &levels, JIN_REQUIRED}};
    op_rc rc = jin_read(body, NULL, f, ARRAY_SIZE(f), NULL, r->arena, &err);
    size_t n = rc ? 0 : json_array_size(levels);
    struct level_plan *v = NULL;
    if (!rc && n > MOTIVATION_LEVELS_MAX) {
        char max[8];
        snprintf(max, sizeof(max), "%d", MOTIVATION_LEVELS_MAX);
        rc = op_fail(&err, OP_ERR_INVALID, "levels", MSG_ERR_RANGE, "1", max);
    }
    if (!rc && !(v = arena_alloc(r->arena, (n + 1) * sizeof(*v)))) rc = OP_ERR_NOMEM;
    for (size_t i = 0; !rc && i < n; i++)
        rc = read_level(json_array_get(levels, i), i, r->arena, &v[i], &err);
    if (!rc) rc = app_levels_put(api_app(r), api_actor(r), v, n, &err);
    json_decref(body);
    if (failed(r, rc, &err)) return;
    reply_levels(r);
}

/* ---- pay ---- */

static void reply_pay(struct http_req *r, const struct pay_view *p)
{
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_int(&w, "user_id", p->user_id);
    jsonw_int(&w, "level_rank", p->level_rank);
    if (p->has_plan) {
        jsonw_int(&w, "rank_in_force", p->rank_used);
        jsonw_str(&w, "level", p->plan.name);
    } else {
        jsonw_null(&w, "rank_in_force");
        jsonw_null(&w, "level");
    }
    jsonw_int(&w, "base_pay", p->base_pay);
    jsonw_str(&w, "currency", p->currency);
    jsonw_bool(&w, "set", p->stored);
    jsonw_time(&w, "updated_at", p->updated_at);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}

void h_pay_get(struct http_req *r)
{
    struct op_err err = {0};
    struct pay_view p;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    op_rc rc = app_pay_get(api_app(r), api_actor(r), id, &p, &err);
    if (!failed(r, rc, &err)) reply_pay(r, &p);
}

/* PUT /users/{id}/pay {"level_rank", "base_pay", "currency"} (each optional) */
void h_pay_put(struct http_req *r)
{
    struct op_err err = {0};
    struct pay_view p;
    struct pay_input in = {.level_rank = -1, .base_pay = -1};
    const char *currency = NULL;
    unsigned set = 0;
    int64_t id = api_path_id(r, 0);
    if (!id) return;
    json_t *body = http_json_body(r);
    if (!body) return;
    const struct jin_field f[] = {
        {"level_rank", JIN_INT, 1, &in.level_rank, 0},
        {"base_pay", JIN_INT, 2, &in.base_pay, 0},
        {"currency", JIN_STRING, 4, &currency, 0},
    };
    op_rc rc = jin_read(body, NULL, f, ARRAY_SIZE(f), &set, r->arena, &err);
    if (!rc && (set & 1) && in.level_rank < 0)
        rc = op_fail(&err, OP_ERR_INVALID, "level_rank", MSG_ERR_RANGE, "0", "99");
    if (!rc && (set & 2) && in.base_pay < 0)
        rc = op_fail(&err, OP_ERR_INVALID, "base_pay", MSG_ERR_RANGE, "0", "92233720368547758");
    if (set & 4) in.currency = currency;
    if (!rc) rc = app_pay_put(api_app(r), api_actor(r), id, &in, &p, &err);
    json_decref(body);
    if (!failed(r, rc, &err)) reply_pay(r, &p);
}

/* ---- bonus statements ---- */

static void w_statement(struct jsonw *w, const struct bonus_statement *b)
{
    jsonw_object_begin(w, NULL);
    jsonw_int(w, "user_id", b->user_id);
    jsonw_str(w, "name", b->name);
    jsonw_object_begin(w, "level");
    jsonw_id(w, "id", b->plan.id);
    jsonw_str(w, "name", b->plan.name);
    jsonw_int(w, "rank", b->plan.rank);
    jsonw_int(w, "pay_min", b->plan.pay_min);
    jsonw_int(w, "pay_max", b->plan.pay_max);
    jsonw_object_end(w);
    jsonw_str(w, "currency", b->currency);
    jsonw_int(w, "base_pay", b->st.base_pay);
    jsonw_int(w, "bonus_cap_percent", b->st.bonus_cap_pct);
    jsonw_array_begin(w, "lines");
    for (size_t i = 0; i < b->st.n; i++) {
        const struct statement_line *l = &b->st.lines[i];
        jsonw_object_begin(w, NULL);
        w_goal(w, &l->goal);
        if (l->actual.has)
            jsonw_double(w, "actual", l->actual.value);
        else
            jsonw_null(w, "actual");
        jsonw_double(w, "attainment", l->attainment);
        jsonw_double(w, "weight_used", l->weight_used);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
    jsonw_double(w, "total", b->st.total);
    jsonw_int(w, "bonus", b->st.bonus);
    jsonw_object_end(w);
}

static void w_month_head(struct jsonw *w, const struct bonus_month_report *m)
{
    jsonw_str(w, "month", m->month);
    jsonw_str(w, "tz", m->tz);
    jsonw_time(w, "from", m->from);
    jsonw_time(w, "to", m->to);
    jsonw_int(w, "events_through", m->events_through);
    jsonw_bool(w, "approved", m->approved);
    jsonw_time(w, "approved_at", m->approved_at);
    jsonw_id(w, "approved_by", m->approved_by);
}

static void w_summary(struct jsonw *w, const struct bonus_summary *s)
{
    jsonw_object_begin(w, "summary");
    jsonw_int(w, "agents", s->agents);
    jsonw_str(w, "currency", s->currency[0] ? s->currency : NULL);
    jsonw_int(w, "base_pay", s->base_pay);
    jsonw_int(w, "bonus", s->bonus);
    jsonw_array_begin(w, "levels");
    for (size_t i = 0; i < s->n_levels; i++) {
        jsonw_object_begin(w, NULL);
        jsonw_int(w, "rank", s->levels[i].rank);
        jsonw_str(w, "name", s->levels[i].name);
        jsonw_int(w, "agents", s->levels[i].agents);
        jsonw_int(w, "base_pay", s->levels[i].base_pay);
        jsonw_int(w, "bonus", s->levels[i].bonus);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
    jsonw_object_end(w);
}

static void reply_month(struct http_req *r, int status, const struct bonus_month_report *m)
{
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    w_month_head(&w, m);
    jsonw_array_begin(&w, "statements");
    for (size_t i = 0; i < m->n; i++)
        w_statement(&w, &m->v[i]);
    jsonw_array_end(&w);
    w_summary(&w, &m->summary);
    jsonw_object_end(&w);
    http_reply_jsonw(r, status, &w);
}

static void c_text(struct buf *b, const char *s)
{
    buf_putc(b, ',');
    if (!strpbrk(s, ",\"\r\n")) {
        buf_puts(b, s);
        return;
    }
    buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"') buf_putc(b, '"');
        buf_putc(b, *s);
    }
    buf_putc(b, '"');
}

/* One CSV row per statement line: the statement's own columns repeat. */
static void reply_month_csv(struct http_req *r, const struct bonus_month_report *m)
{
    struct buf b = BUF_INIT(CSV_CAP);
    buf_puts(&b, "month,user_id,name,level,currency,base_pay,bonus_cap_percent,kpi,unit,"
                 "lower_is_better,target,threshold,weight,actual,attainment,weight_used,total,"
                 "bonus,approved\r\n");
    for (size_t i = 0; i < m->n; i++) {
        const struct bonus_statement *s = &m->v[i];
        for (size_t k = 0; k < s->st.n; k++) {
            const struct statement_line *l = &s->st.lines[k];
            const struct motivation_kpi *kpi = motivation_kpi_find(l->goal.key);
            buf_puts(&b, m->month);
            buf_printf(&b, ",%" PRId64, s->user_id);
            c_text(&b, s->name);
            c_text(&b, s->plan.name);
            buf_printf(&b, ",%s,%" PRId64 ",%d", s->currency, s->st.base_pay, s->st.bonus_cap_pct);
            c_text(&b, l->goal.key);
            buf_printf(&b, ",%s,%s,%g,%g,%d", kpi ? kpi->unit : "",
                       l->goal.lower_is_better ? "true" : "false", l->goal.target,
                       l->goal.threshold, l->goal.weight);
            if (l->actual.has)
                buf_printf(&b, ",%.6f", l->actual.value);
            else
                buf_puts(&b, ",");
            buf_printf(&b, ",%.6f,%.6f,%.6f,%" PRId64 ",%s\r\n", l->attainment, l->weight_used,
                       s->st.total, s->st.bonus, m->approved ? "true" : "false");
        }
    }
    size_t len = 0;
    char *text = buf_detach(&b, &len);
    if (!text) {
        http_fail(r, OP_ERR_NOMEM, "", MSG_HTTP_TOO_BIG);
        return;
    }
    char disp[64];
    snprintf(disp, sizeof(disp), "attachment; filename=\"bonus-%s.csv\"", m->month);
    http_set_header(r, "Content-Disposition", disp);
    http_reply(r, 200, "text/csv; charset=utf-8", text, len);
    free(text);
}

static void bonus_get(struct http_req *r, int64_t user_id)
{
    struct op_err err = {0};
    struct bonus_month_report m;
    const char *format = http_query(r, "format");
    struct report_table t;
    if (format && *format && strcmp(format, "json") != 0 && !api_report_format_known(format)) {
        http_fail(r, OP_ERR_INVALID, "format", MSG_ERR_ENUM, format, "json, csv, xlsx, pdf");
        return;
    }
    op_rc rc = app_bonus_month(api_app(r), api_actor(r), http_query(r, "month"),
                               http_query(r, "tz"), user_id, r->arena, &m, &err);
    if (failed(r, rc, &err)) return;
    /* csv stays the one-row-per-line file for payroll tools; xlsx and pdf
     * are the one-row-per-agent table people read (report/bonus_table.h). */
    if (format && !strcmp(format, "csv")) {
        reply_month_csv(r, &m);
    } else if (format && *format && strcmp(format, "json") != 0) {
        if (report_bonus_table(&m, r->lang, r->arena, &t))
            http_fail(r, OP_ERR_NOMEM, "", MSG_HTTP_TOO_BIG);
        else
            api_reply_report(r, &t, format);
    } else {
        reply_month(r, 200, &m);
    }
}

/* GET /reports/bonus?month=YYYY-MM[&tz=][&format=csv|xlsx|pdf] */
void h_bonus_report(struct http_req *r)
{
    bonus_get(r, 0);
}

/* GET /reports/bonus/{user_id}?month= */
void h_bonus_statement(struct http_req *r)
{
    int64_t id = api_path_id(r, 0);
    if (id) bonus_get(r, id);
}

/* POST /reports/bonus/approve {"month": "2026-10"[, "tz": ...]} */
void h_bonus_approve(struct http_req *r)
{
    struct op_err err = {0};
    struct bonus_month_report m;
    const char *month = NULL, *tz = NULL;
    json_t *body = http_json_body(r);
    if (!body) return;
    const struct jin_field f[] = {
        {"month", JIN_STRING, 0, &month, JIN_REQUIRED},
        {"tz", JIN_STRING, 0, &tz, 0},
    };
    op_rc rc = jin_read(body, NULL, f, ARRAY_SIZE(f), NULL, r->arena, &err);
    if (!rc) rc = app_bonus_approve(api_app(r), api_actor(r), month, tz, r->arena, &m, &err);
    json_decref(body);
    if (!failed(r, rc, &err)) reply_month(r, 201, &m);
}

/* GET /reports/promotions?months=3[&until=YYYY-MM][&tz=] */
void h_promotions_report(struct http_req *r)
{
    struct op_err err = {0};
    struct promotion_hint *h;
    size_t n;
    int months = 3;
    const char *s = http_query(r, "months");
    if (s && *s) {
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        months = errno || *end || v < 1 || v > MOTIVATION_HINT_MONTHS_MAX ? 0 : (int)v;
    }
    op_rc rc = app_promotions(api_app(r), api_actor(r), months, http_query(r, "until"),
                              http_query(r, "tz"), r->arena, &h, &n, &err);
    if (failed(r, rc, &err)) return;
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_int(&w, "months", months);
    jsonw_array_begin(&w, "hints");
    for (size_t i = 0; i < n; i++) {
        jsonw_object_begin(&w, NULL);
        jsonw_int(&w, "user_id", h[i].user_id);
        jsonw_str(&w, "name", h[i].name);
        jsonw_object_begin(&w, "level");
        jsonw_int(&w, "rank", h[i].rank);
        jsonw_str(&w, "name", h[i].level);
        jsonw_object_end(&w);
        w_plan(&w, "next_level", &h[i].next);
        jsonw_array_begin(&w, "history");
        for (size_t k = 0; k < h[i].n_months; k++) {
            const struct promotion_month *pm = &h[i].months[k];
            jsonw_object_begin(&w, NULL);
            jsonw_str(&w, "month", pm->month);
            jsonw_bool(&w, "meets", pm->meets);
            jsonw_object_begin(&w, "actuals");
            for (size_t g = 0; g < h[i].next.n_goals; g++) {
                if (pm->actuals[g].has)
                    jsonw_double(&w, h[i].next.goals[g].key, pm->actuals[g].value);
                else
                    jsonw_null(&w, h[i].next.goals[g].key);
            }
            jsonw_object_end(&w);
            jsonw_object_end(&w);
        }
        jsonw_array_end(&w);
        jsonw_object_end(&w);
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}
